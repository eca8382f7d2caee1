#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# http_output against a real HTTP(S) server on loopback that applies
# falcosidekick's input checks; a server that fails, is slow or is down
# never blocks the producer and every failure is counted; TLS is verified
# by default, with CA file and mTLS options.
. "$(dirname "$0")/lib.sh"
DRIVE=$abs_top_builddir/tests/helpers/outdrive
SINK=$abs_top_srcdir/tests/helpers/http_sink.py

command -v python3 >/dev/null || skip_all "python3 not installed"
"$DRIVE" -o http_output.enabled=true -o http_output.url=http://127.0.0.1:1/ -n 0 2>&1 |
	grep -q "without libcurl\|without HTTP" && skip_all "saker built without libcurl"

srv=
start_sink() { # DIR [python options]
	d=$1
	shift
	mkdir -p "$d"
	python3 "$SINK" "$d" "$@" 2>"$d/server.err" &
	srv=$!
	i=0
	while [ ! -e "$d/port" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
	port=$(cat "$d/port")
}
stop_sink() {
	[ -n "$srv" ] && kill "$srv" 2>/dev/null && wait "$srv" 2>/dev/null
	srv=
}
trap 'stop_sink; rm -rf "$TMP"' EXIT
stat() { sed -n "s/.*$1=\([-0-9]*\).*/\1/p" "$2" | head -1; }

base="-o stdout_output.enabled=false -o journal_output.enabled=false -o http_output.enabled=true"

# --- A healthy endpoint ---------------------------------------------------
start_sink "$TMP/ok"
# shellcheck disable=SC2086
"$DRIVE" $base -o "http_output.url=http://127.0.0.1:$port/" -n 20 2>"$TMP/stats"
is "all 20 alerts accepted by falcosidekick's checks" "$(wc -l < "$TMP/ok/accepted.jsonl")" 20
is "none rejected" "$(cat "$TMP/ok/rejected.txt" 2>/dev/null | wc -l)" 0
ok "the sink counted 20 sent" grep -q "sink=http sent=20 failed=0" "$TMP/stats"
ok "posted as application/json with saker's user agent" grep -q "ua=saker/[0-9.]* ct=application/json" "$TMP/ok/requests.txt"
ok "the body is Falco's JSON, even with json_output off" python3 -c '
import json, sys
o = json.loads(open(sys.argv[1]).readline())
assert list(o) == ["hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"], list(o)
assert o["output_fields"]["proc.pid"] == 4242 and o["output_fields"]["container.id"] is None
' "$TMP/ok/accepted.jsonl"

# --- 500s: bounded retries, then one try per alert while it keeps failing --
echo 500 > "$TMP/ok/mode"
# shellcheck disable=SC2086
"$DRIVE" $base -o "http_output.url=http://127.0.0.1:$port/" -o http_output.max_retries=2 -n 5 -i 10000 2>"$TMP/stats"
ok "500s: every alert is a counted failure" grep -q "sink=http sent=0 failed=5" "$TMP/stats"
is "500s: 3 tries for the first alert, then 1 each while failing" "$(grep -c '^500' "$TMP/ok/requests.txt")" 7
echo ok > "$TMP/ok/mode"
# shellcheck disable=SC2086
"$DRIVE" $base -o "http_output.url=http://127.0.0.1:$port/" -n 2 2>"$TMP/stats"
ok "the endpoint recovered: alerts flow again" grep -q "sink=http sent=2 failed=0" "$TMP/stats"

# --- A slow endpoint: timeouts, queue overflow, producer unaffected -------
echo "slow 2" > "$TMP/ok/mode"
t0=$(date +%s)
# shellcheck disable=SC2086
"$DRIVE" $base -o "http_output.url=http://127.0.0.1:$port/" -o http_output.timeout_ms=300 \
	-o http_output.max_retries=1 -n 500 -q 20 -s 1000 2>"$TMP/stats"
took=$(( $(date +%s) - t0 ))
push=$(stat max_push_us "$TMP/stats")
ok "slow endpoint: 500 pushes never waited on it (worst ${push} us)" [ "$push" -lt 200000 ]
ok "slow endpoint: the overflow is counted ($(stat dropped_full "$TMP/stats") dropped)" [ "$(stat dropped_full "$TMP/stats")" -ge 400 ]
ok "slow endpoint: the health alert went out" [ "$(stat health "$TMP/stats")" -ge 1 ]
ok "slow endpoint: timeouts are counted failures" grep -Eq "sink=http sent=0 failed=[1-9]" "$TMP/stats"
ok "slow endpoint: last error is a timeout" grep -q "last_error=-110" "$TMP/stats"
ok "slow endpoint: shutdown is bounded (${took} s)" [ "$took" -le 6 ]
stop_sink

# --- A dead endpoint ------------------------------------------------------
# shellcheck disable=SC2086
"$DRIVE" $base -o "http_output.url=http://127.0.0.1:$port/" -n 300 -q 20 -s 1000 2>"$TMP/stats"
push=$(stat max_push_us "$TMP/stats")
ok "endpoint down: pushes never waited (worst ${push} us)" [ "$push" -lt 200000 ]
ok "endpoint down: refused connections are counted" grep -Eq "sink=http sent=0 failed=[1-9][0-9]* last_error=-111" "$TMP/stats"
dropped=$(stat dropped_full "$TMP/stats")
failed=$(sed -n 's/.*sink=http sent=0 failed=\([0-9]*\).*/\1/p' "$TMP/stats")
undelivered=$(stat undelivered "$TMP/stats")
health=$(stat health "$TMP/stats")
is "endpoint down: every alert is accounted for (failed + dropped + undelivered = pushed + health alerts)" \
	"$((failed + dropped + undelivered))" "$((300 + health))"

# --- TLS --------------------------------------------------------------------
if ! command -v openssl >/dev/null; then
	echo "# openssl not installed: TLS cases not run"
else
	C=$TMP/pki
	mkdir -p "$C"
	(
		cd "$C" || exit 1
		openssl req -x509 -newkey rsa:2048 -nodes -keyout ca.key -out ca.pem -days 2 -subj "/CN=saker test CA"
		openssl req -newkey rsa:2048 -nodes -keyout srv.key -out srv.csr -subj "/CN=127.0.0.1"
		printf 'subjectAltName=IP:127.0.0.1,DNS:localhost\n' > san.ext
		openssl x509 -req -in srv.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out srv.pem -days 2 -extfile san.ext
		openssl req -newkey rsa:2048 -nodes -keyout cli.key -out cli.csr -subj "/CN=saker client"
		openssl x509 -req -in cli.csr -CA ca.pem -CAkey ca.key -CAcreateserial -out cli.pem -days 2
		mkdir hashed && cp ca.pem hashed/ && openssl rehash hashed 2>/dev/null || c_rehash hashed
	) >"$TMP/openssl.log" 2>&1
	start_sink "$TMP/tls" --cert "$C/srv.pem" --key "$C/srv.key"
	url="https://127.0.0.1:$port/"
	# shellcheck disable=SC2086
	"$DRIVE" $base -o "http_output.url=$url" -o http_output.max_retries=0 -n 1 2>"$TMP/stats"
	ok "TLS is verified by default: an unknown CA is refused" grep -q "sink=http sent=0 failed=1 last_error=-71" "$TMP/stats"
	# shellcheck disable=SC2086
	"$DRIVE" $base -o "http_output.url=$url" -o "http_output.ca_cert=$C/ca.pem" -n 2 2>"$TMP/stats"
	ok "ca_cert: the server is trusted" grep -q "sink=http sent=2 failed=0" "$TMP/stats"
	# shellcheck disable=SC2086
	"$DRIVE" $base -o "http_output.url=$url" -o "http_output.ca_path=$C/hashed" -n 1 2>"$TMP/stats"
	ok "ca_path: a hashed CA directory works too" grep -q "sink=http sent=1 failed=0" "$TMP/stats"
	# shellcheck disable=SC2086
	"$DRIVE" $base -o "http_output.url=$url" -o http_output.insecure=true -n 1 2>"$TMP/stats"
	ok "insecure: verification off" grep -q "sink=http sent=1 failed=0" "$TMP/stats"
	is "the TLS endpoint accepted 4 alerts" "$(wc -l < "$TMP/tls/accepted.jsonl")" 4
	stop_sink

	start_sink "$TMP/mtls" --cert "$C/srv.pem" --key "$C/srv.key" --client-ca "$C/ca.pem"
	url="https://127.0.0.1:$port/"
	# shellcheck disable=SC2086
	"$DRIVE" $base -o "http_output.url=$url" -o "http_output.ca_cert=$C/ca.pem" -o http_output.max_retries=0 -n 1 2>"$TMP/stats"
	ok "mTLS server: no client certificate, no delivery" grep -q "sink=http sent=0 failed=1" "$TMP/stats"
	# shellcheck disable=SC2086
	"$DRIVE" $base -o "http_output.url=$url" -o "http_output.ca_cert=$C/ca.pem" -o http_output.mtls=true \
		-o "http_output.client_cert=$C/cli.pem" -o "http_output.client_key=$C/cli.key" -n 3 2>"$TMP/stats"
	ok "mTLS: with client_cert/client_key the alerts go through" grep -q "sink=http sent=3 failed=0" "$TMP/stats"
	is "the mTLS endpoint accepted 3 alerts" "$(wc -l < "$TMP/mtls/accepted.jsonl")" 3
	stop_sink
fi
# --- libcurl is opened when an HTTP output is configured, not at each start -
SAKERD=$abs_top_builddir/src/sakerd
printf -- '- rule: none\n  desc: x\n  condition: evt.type = kill\n  output: x\n  priority: INFO\n' > "$TMP/r.yaml"
ok "sakerd does not link libcurl" sh -c '! readelf -d "$1" | grep -q "NEEDED.*libcurl"' sh "$SAKERD"
quiet="-r $TMP/r.yaml -o stdout_output.enabled=false -o journal_output.enabled=false"
# The launched command reads its parent's (sakerd's) mappings.
# shellcheck disable=SC2016,SC2086
if "$SAKERD" --driver ptrace $quiet -- sh -c 'cat /proc/$PPID/maps' > "$TMP/maps0" 2>"$TMP/err0"; then
	ok "a launch without an HTTP output maps no libcurl" sh -c '! grep -q "/libcurl" "$1"' sh "$TMP/maps0"
	# shellcheck disable=SC2016,SC2086
	"$SAKERD" --driver ptrace $quiet -o http_output.enabled=true -o http_output.url=http://127.0.0.1:1/ \
		-- sh -c 'cat /proc/$PPID/maps' > "$TMP/maps1" 2>"$TMP/err1"
	ok "with an HTTP output, sakerd has opened libcurl" grep -q "/libcurl" "$TMP/maps1"
	# An install without libcurl (tests/helpers/sakerd_nolib looks for another file).
	# shellcheck disable=SC2086
	"$abs_top_builddir/tests/helpers/sakerd_nolib" --driver ptrace $quiet \
		-o http_output.enabled=true -o http_output.url=http://127.0.0.1:1/ -- true 2>"$TMP/err2"
	is "without libcurl, an HTTP output is a configuration error" "$?" 78
	ok "... that names the missing file" grep -q \
		"http_output: libsaker-absent-curl.so.4: cannot open shared object file" "$TMP/err2"
else
	skip "a launch without an HTTP output maps no libcurl" "no ptrace here: $(head -1 "$TMP/err0")"
	skip "with an HTTP output, sakerd has opened libcurl" "no ptrace here"
	skip "without libcurl, an HTTP output is a configuration error" "no ptrace here"
	skip "... that names the missing file" "no ptrace here"
fi
done_testing
