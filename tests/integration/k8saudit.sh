#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The Kubernetes audit source in the real daemon, beside the ptrace driver:
# Falco's k8s_audit_rules.yaml, unmodified, over hand-written
# audit.k8s.io/v1 events (tests/k8saudit/events, listed in
# tests/k8saudit/cases) sent with curl to the HTTPS webhook (a test CA,
# server and client certificates made here with openssl, and a bearer
# token): every rule that can fire fires on its event and not on its
# benign twin. The audit log file mode, across a rename rotation, gives the
# same alerts from the same events. Bad requests (oversized, malformed,
# wrong or missing credentials, plain HTTP to the TLS port) are refused and
# counted, and the daemon keeps running. The rules upstream ships disabled
# are turned on by tests/k8saudit/enable.yaml, over plain HTTP on loopback.
. "$(dirname "$0")/lib.sh"
SAKERD=$abs_top_builddir/src/sakerd
RULES=$abs_top_srcdir/../shared/anchors/falco-rules/k8s_audit_rules.yaml
T=$abs_top_srcdir/tests/k8saudit
CASES=$T/cases
EVENTS=$T/events
# Debian's own interpreter when there is one: a version manager's shim costs seconds per run.
PY=python3
[ -x /usr/bin/python3 ] && PY=/usr/bin/python3
CHECK="$PY $T/check.py"

[ -r "$RULES" ] || skip_all "upstream rules not found at $RULES"
for c in curl openssl python3; do
	command -v $c >/dev/null || skip_all "$c not installed"
done
[ "$(id -u)" = 0 ] || skip_all "the ptrace driver runs as root here"

pid=
end_traced() { # the traced loop ends, so sakerd ends with it
	[ -n "$pid" ] || return 0
	touch "$TMP/stop"
	i=0
	while kill -0 "$pid" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	kill "$pid" 2>/dev/null
	wait "$pid" 2>/dev/null
	pid=
}
trap 'end_traced; rm -rf "$TMP"' EXIT

# start_daemon NAME OPTIONS...: sakerd with the ptrace driver tracing a loop.
start_daemon() {
	name=$1
	shift
	rm -f "$TMP/stop" "$TMP/$name.ready"
	"$SAKERD" --driver ptrace -r "$RULES" -r "$T/syscall.yaml" -o rule_matching=all \
		-o json_output=true -o stdout_output.enabled=false -o journal_output.enabled=false \
		-o file_output.enabled=true -o "file_output.filename=$TMP/$name.alerts" \
		--ready-file "$TMP/$name.ready" "$@" \
		-- /bin/sh -c "while [ ! -e '$TMP/stop' ]; do sleep 0.2; done" \
		>"$TMP/$name.out" 2>"$TMP/$name.err" &
	pid=$!
	wait_ready "$TMP/$name.ready" "$pid"
}

# wait_alert FILE TEXT: the alerts file shows TEXT (10 s at most).
wait_alert() {
	i=0
	while ! grep -q "$2" "$1" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	grep -q "$2" "$1"
}

# --- Credentials ------------------------------------------------------------
cd "$TMP" || exit 1
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=saker-test-ca \
	-keyout ca.key -out ca.pem >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj /CN=127.0.0.1 -keyout server.key \
	-out server.csr >/dev/null 2>&1
printf 'subjectAltName=IP:127.0.0.1\n' >server.ext
openssl x509 -req -in server.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-extfile server.ext -out server.pem >/dev/null 2>&1
openssl req -newkey rsa:2048 -nodes -subj /CN=kube-apiserver -keyout client.key \
	-out client.csr >/dev/null 2>&1
openssl x509 -req -in client.csr -CA ca.pem -CAkey ca.key -CAcreateserial -days 2 \
	-out client.pem >/dev/null 2>&1
# A self-signed client certificate: not from the client CA.
openssl req -x509 -newkey rsa:2048 -nodes -days 2 -subj /CN=intruder -keyout rogue.key \
	-out rogue.pem >/dev/null 2>&1
head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n' >token
echo >>token
[ -s client.pem ] && [ -s server.pem ] || skip_all "openssl could not make test certificates"
TOKEN=$(cat token)

# --- Webhook over HTTPS -------------------------------------------------------
start_daemon tls -o k8s_audit.listen=127.0.0.1:0 -o k8s_audit.tls.cert="$TMP/server.pem" \
	-o k8s_audit.tls.key="$TMP/server.key" -o k8s_audit.tls.client_ca="$TMP/ca.pem" \
	-o k8s_audit.token_file="$TMP/token" -o k8s_audit.max_body_bytes=1048576
if grep -q "built without the webhook" "$TMP/tls.err"; then
	skip_all "saker built without the webhook (libmicrohttpd)"
fi
ok "sakerd runs the webhook beside the ptrace driver" kill -0 "$pid"
port=$(sed -n 's/.*k8s_audit: webhook on .* (port \([0-9]*\)).*/\1/p' "$TMP/tls.err")
URL=https://127.0.0.1:$port/k8s-audit
# post FILE [curl options]: prints the HTTP status (000: no HTTP answer).
post() {
	f=$1
	shift
	curl -s -o /dev/null -w '%{http_code}' --max-time 10 --cacert "$TMP/ca.pem" \
		-H 'Content-Type: application/json' --data-binary "@$f" "$@" "$URL"
}
# One curl, one POST per event (--next), over one kept-alive TLS connection.
set --
for f in $(awk -F'\t' '$4 == "upstream" {print $1}' "$CASES"); do
	set -- "$@" --next -s -o /dev/null -w '%{http_code}\n' --cacert "$TMP/ca.pem" \
		--cert "$TMP/client.pem" --key "$TMP/client.key" \
		-H "Authorization: Bearer $TOKEN" -H 'Content-Type: application/json' \
		--data-binary "@$EVENTS/$f" "$URL"
done
shift
curl --max-time 60 "$@" >codes
codes=$(grep -vc '^200$' codes)
[ "$(wc -l <codes)" -gt 80 ] || codes="only $(wc -l <codes) answers"
is "every event is accepted (200)" "$codes" 0

# A batch, as kube-apiserver's webhook backend sends it: re-stamped in 2027.
$CHECK list "$CASES" "$EVENTS" upstream 2027-01-01T00:00:00 "$TMP/batch.json"
is "an EventList batch is accepted" "$(post "$TMP/batch.json" --cert "$TMP/client.pem" \
	--key "$TMP/client.key" -H "Authorization: Bearer $TOKEN")" 200

# Refusals, each counted; the daemon keeps going.
head -c 2000000 /dev/zero | tr '\0' ' ' >big.json
echo '{"kind":"EventList","items":[' >>big.json
printf '{"kind":"Event","auditID":"x",' >bad.json
echo '{"kind":"Pod","apiVersion":"v1","metadata":{"name":"x"}}' >pod.json
is "a body over max_body_bytes: 413" "$(post big.json --cert client.pem --key client.key \
	-H "Authorization: Bearer $TOKEN")" 413
is "a chunked body over max_body_bytes: 413" "$(post big.json --cert client.pem \
	--key client.key -H "Authorization: Bearer $TOKEN" -H 'Transfer-Encoding: chunked')" 413
is "malformed JSON: 400" "$(post bad.json --cert client.pem --key client.key \
	-H "Authorization: Bearer $TOKEN")" 400
is "JSON that is not an audit event: 400" "$(post pod.json --cert client.pem \
	--key client.key -H "Authorization: Bearer $TOKEN")" 400
is "a wrong token: 401" "$(post pod.json --cert client.pem --key client.key \
	-H 'Authorization: Bearer nope')" 401
is "no token: 401" "$(post pod.json --cert client.pem --key client.key)" 401
is "no client certificate: 403" "$(post pod.json -H "Authorization: Bearer $TOKEN")" 403
is "a client certificate from another CA: refused" \
	"$(post pod.json --cert rogue.pem --key rogue.key -H "Authorization: Bearer $TOKEN" |
		grep -c '^200$')" 0
is "GET: 405" "$(curl -s -o /dev/null -w '%{http_code}' --cacert ca.pem --cert client.pem \
	--key client.key -H "Authorization: Bearer $TOKEN" "$URL")" 405
is "plain HTTP to the TLS port gets no HTTP answer" "$(curl -s -o /dev/null \
	-w '%{http_code}' --max-time 5 --data-binary @pod.json \
	"http://127.0.0.1:$port/k8s-audit")" 000
ok "sakerd survived every bad request" kill -0 "$pid"

# The sentinel: processed last (one queue, in order), so all before it were.
sed 's/"stageTimestamp": "[^"]*"/"stageTimestamp": "2030-01-01T00:00:00.000000Z"/' \
	"$EVENTS/secret-get.json" >sentinel.json
post sentinel.json --cert client.pem --key client.key -H "Authorization: Bearer $TOKEN" >/dev/null
ok "the alerts of the webhook run arrived" wait_alert "$TMP/tls.alerts" 2030-01-01T00:00:00
kill -USR2 "$pid"
ok "counted: 2 too large, 2 malformed, 4 unauthorized" wait_alert "$TMP/tls.err" \
	"k8s_audit stats: .*bad_json=2 too_large=2 unauthorized=4 "
end_traced
$CHECK verdicts "$CASES" "$EVENTS" upstream "$TMP/tls.alerts" >verdicts
verdicts verdicts
$CHECK routing "$TMP/tls.alerts" "$RULES" >routing
verdicts routing
$PY - "$TMP/tls.alerts" "$TMP/batch.json" >batch.verdict <<'PY'
import json, sys
got = {(a['time'][:19], a['rule']) for a in map(json.loads, open(sys.argv[1])) if a['source'] == 'k8s_audit'}
n = len(json.load(open(sys.argv[2]))['items'])
t = {x[0] for x in got if x[0].startswith('2027-')}
print('%s\tthe batch of %d events raised alerts for %d of them' % ('PASS' if len(t) > n // 2 else 'FAIL', n, len(t)))
PY
verdicts batch.verdict

# --- The same events from an audit log, across a rotation ------------------
$CHECK compact "$CASES" "$EVENTS" upstream all.log
total=$(wc -l <all.log)
half=$((total / 2))
head -n "$half" all.log >audit.log
start_daemon file -o "k8s_audit.file=$TMP/audit.log"
ok "sakerd follows the audit log beside the ptrace driver" kill -0 "$pid"
mv audit.log audit.log.1
# The writer finishes its line in the old file, then opens a new one.
sed -n "$((half + 1)),$((half + 3))p" all.log >>audit.log.1
tail -n +"$((half + 4))" all.log >>audit.log
tr -d '\n' <sentinel.json >>audit.log
echo >>audit.log
ok "the alerts of the file run arrived" wait_alert "$TMP/file.alerts" 2030-01-01T00:00:00
kill -USR2 "$pid"
ok "counted: every line, one rotation" wait_alert "$TMP/file.err" \
	"k8s_audit stats: .*lines=$((total + 1)) long_lines=0 rotations=1"
end_traced
$CHECK pairs "$TMP/tls.alerts" tls.pairs
$CHECK pairs "$TMP/file.alerts" file.pairs
grep -v '^2027-' tls.pairs >tls.cmp
ok "the file mode gives the same alerts as the webhook ($(wc -l <file.pairs) rule/event pairs)" \
	cmp tls.cmp file.pairs

# --- Beside the eBPF driver too (when it loads here) -----------------------
head -n 5 all.log >ebpf.log
"$SAKERD" --driver ebpf -r "$RULES" -o rule_matching=all -o json_output=true \
	-o stdout_output.enabled=false -o journal_output.enabled=false -o file_output.enabled=true \
	-o "file_output.filename=$TMP/ebpf.alerts" -o "k8s_audit.file=$TMP/ebpf.log" \
	--ready-file "$TMP/ebpf.ready" >ebpf.out 2>ebpf.err &
epid=$!
if wait_ready "$TMP/ebpf.ready" "$epid"; then
	ok "eBPF driver: the audit log's events raise their alerts" wait_alert "$TMP/ebpf.alerts" \
		'"rule":"Create Privileged Pod"'
	kill -TERM "$epid"
	wait "$epid"
	ok "eBPF driver: system calls and audit events in one daemon" sh -c \
		'grep -q "stats (exit): events=[1-9]" "$1" && grep -q "k8s_audit stats: events=5 " "$1"' \
		- ebpf.err
else
	wait "$epid"
	echo "# eBPF driver unavailable here: $(head -c 200 ebpf.err)"
fi

# --- Rules upstream ships disabled, over plain HTTP on loopback -----------
"$SAKERD" --driver ptrace -r "$RULES" -o k8s_audit.listen=0.0.0.0:0 \
	-o k8s_audit.plain_http=true -- /bin/true >plain.out 2>plain.err
is "plain HTTP off loopback is a configuration error" "$?" 78
NOLIB=$abs_top_builddir/tests/helpers/sakerd_nolib
if [ -x "$NOLIB" ]; then
	# An install without libmicrohttpd (src/dlib.c opens it for the webhook).
	"$NOLIB" --driver ptrace -r "$RULES" -o k8s_audit.listen=127.0.0.1:0 \
		-o k8s_audit.plain_http=true -- /bin/true >nolib.out 2>nolib.err
	is "without libmicrohttpd, the webhook is a configuration error" "$?" 78
	ok "... that names the missing file" grep -q \
		"k8s_audit.listen: libsaker-absent-mhd.so.12: cannot open shared object file" nolib.err
fi
start_daemon enabled -r "$T/enable.yaml" -o k8s_audit.listen=127.0.0.1:0 \
	-o k8s_audit.plain_http=true
port=$(sed -n 's/.*k8s_audit: webhook on .* (port \([0-9]*\)).*/\1/p' "$TMP/enabled.err")
codes=""
for f in $(awk -F'\t' '$4 == "enabled" {printf "%s/%s\n", ev, $1}' ev="$EVENTS" "$CASES") \
	"$TMP/sentinel.json"; do
	c=$(curl -s -o /dev/null -w '%{http_code}' --data-binary "@$f" \
		"http://127.0.0.1:$port/k8s-audit")
	[ "$c" = 200 ] || codes="$codes $f=$c"
done
is "plain HTTP on loopback: every event accepted" "$codes" ""
ok "the alerts of the enabled run arrived" wait_alert "$TMP/enabled.alerts" 2030-01-01T00:00:00
end_traced
$CHECK verdicts "$CASES" "$EVENTS" enabled "$TMP/enabled.alerts" >verdicts.enabled
verdicts verdicts.enabled

done_testing
