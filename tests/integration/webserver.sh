#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# webserver.listen: /healthz and /metrics of a live sakerd (ptrace launch
# mode, so it runs wherever the suite does), read with curl and parsed by
# the Prometheus project's own Python parser: the rule counters follow a
# real read of /etc/shadow, a rule name that needs escaping survives it,
# the health check turns 503 when the event loop stops (the fault hook of
# daemon.sh), and bad settings or a missing libmicrohttpd are clear
# configuration errors.
. "$(dirname "$0")/lib.sh"
SAKERD=$abs_top_builddir/src/sakerd
NOLIB=$abs_top_builddir/tests/helpers/sakerd_nolib
PY=/usr/bin/python3

command -v curl >/dev/null || skip_all "curl not installed"
"$PY" -c 'import prometheus_client.parser' 2>/dev/null ||
	skip_all "no Prometheus parser (python3-prometheus-client)"
"$SAKERD" --driver replay -e /dev/null -o webserver.listen=bad 2>&1 |
	grep -q "built without libmicrohttpd" && skip_all "sakerd built without libmicrohttpd"

daemon=
trap '[ -n "$daemon" ] && kill -9 $daemon 2>/dev/null; rm -rf "$TMP"' EXIT

# A rule whose name needs escaping in a label, one that is disabled.
cat > "$TMP/rules.yaml" <<'EOF'
- rule: 'Read "shadow" \ webserver test'
  desc: a read of /etc/shadow
  condition: evt.type in (open, openat, openat2) and fd.name = /etc/shadow
  output: shadow read (proc.name=%proc.name)
  priority: WARNING
- rule: Chmod webserver test
  desc: a chmod, which the traced shell never does
  condition: evt.type in (chmod, fchmod, fchmodat)
  output: chmod (proc.name=%proc.name)
  priority: NOTICE
- rule: Never webserver test
  desc: off
  condition: evt.type = open and fd.name = /nonexistent/saker
  output: never
  priority: INFO
  enabled: false
EOF

# launch NAME [env...]: sakerd --driver ptrace tracing a shell that reads
# /etc/shadow twice once $TMP/NAME.go exists and ends once $TMP/NAME.end
# does; $daemon, and $port once it listens.
launch() {
	_n=$1
	shift
	env "$@" "$SAKERD" --driver ptrace -r "$TMP/rules.yaml" -o webserver.listen=127.0.0.1:0 \
		-o stdout_output.enabled=false -o journal_output.enabled=false -- sh -c "
		while [ ! -e $TMP/$_n.go ]; do sleep 0.05; done
		cat /etc/shadow >/dev/null; cat /etc/shadow >/dev/null; touch $TMP/$_n.read
		while [ ! -e $TMP/$_n.end ]; do sleep 0.05; done" 2>"$TMP/$_n.err" &
	daemon=$!
	_i=0
	port=
	while [ -z "$port" ] && [ $_i -lt 100 ] && kill -0 $daemon 2>/dev/null; do
		sleep 0.1
		port=$(sed -n 's/^sakerd: webserver: .*, port \([0-9]*\): .*/\1/p' "$TMP/$_n.err")
		_i=$((_i + 1))
	done
}

# metric NAME LABEL=VALUE...: the value of one sample of $TMP/m (a /metrics
# page), as the Prometheus parser reads it; "none" when it is not there.
metric() {
	"$PY" - "$TMP/m" "$@" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
name, want = sys.argv[2], dict(a.split("=", 1) for a in sys.argv[3:])
for fam in text_string_to_metric_families(open(sys.argv[1]).read()):
    for s in fam.samples:
        if s.name == name and all(s.labels.get(k) == v for k, v in want.items()):
            print(int(s.value))
            sys.exit(0)
print("none")
PY
}

launch a
ok "sakerd says where it listens" test -n "$port"
is "/healthz: 200 while the loop runs" \
	"$(curl -s -o "$TMP/h" -w '%{http_code}' "http://127.0.0.1:$port/healthz")" 200
is "... and says ok" "$(cat "$TMP/h")" '{"status": "ok"}'
curl -s -D "$TMP/hdr" -o "$TMP/m" "http://127.0.0.1:$port/metrics"
ok "/metrics: the Prometheus text format, version 0.0.4" \
	grep -qi '^content-type: text/plain; version=0.0.4' "$TMP/hdr"
ok "the page parses, each family declared once" "$PY" - "$TMP/m" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
names = [f.name for f in text_string_to_metric_families(open(sys.argv[1]).read())]
assert len(names) == len(set(names)) and len(names) > 15, names
PY
is "build info: the driver" "$(metric saker_build_info driver=ptrace)" 1
is "the escaped rule name reads back whole, no match yet" \
	"$(metric saker_rule_matches_total 'rule=Read "shadow" \ webserver test' priority=Warning source=syscall)" 0
is "a disabled rule has no counter" "$(metric saker_rule_matches_total 'rule=Never webserver test')" none
is "rules counted by state" "$(metric saker_rules state=enabled) $(metric saker_rules state=disabled)" "2 1"

touch "$TMP/a.go"
_i=0
while [ ! -e "$TMP/a.read" ] && [ $_i -lt 100 ]; do sleep 0.05; _i=$((_i + 1)); done
got=0
_i=0
while [ "$got" != 2 ] && [ $_i -lt 50 ]; do
	sleep 0.1
	curl -s -o "$TMP/m" "http://127.0.0.1:$port/metrics"
	got=$(metric saker_rule_matches_total 'rule=Read "shadow" \ webserver test')
	_i=$((_i + 1))
done
is "two reads of /etc/shadow: the rule's counter is 2 within a second or so" "$got" 2
is "alerts total" "$(metric saker_alerts_total)" 2
# (launch mode stops only the opens a rule may match: the two reads at least)
ok "the open rule's condition was evaluated on the opens that came" \
	test "$(metric saker_rule_evaluations_total 'rule=Read "shadow" \ webserver test')" -ge 2
is "the chmod rule on none: no event of its types came" \
	"$(metric saker_rule_evaluations_total 'rule=Chmod webserver test')" 0
ok "an estimated time in each rule's condition" "$PY" - "$TMP/m" <<'PY'
import sys
from prometheus_client.parser import text_string_to_metric_families
fam = [f for f in text_string_to_metric_families(open(sys.argv[1]).read())
       if f.name == "saker_rule_eval_seconds"][0]
assert fam.type == "counter" and len(fam.samples) == 2, fam
assert all(s.value >= 0 for s in fam.samples), fam.samples
PY
ok "events counted" test "$(metric saker_events_total)" -gt 0
ok "the driver's own counters: ptrace stops" test "$(metric saker_driver_stops_total driver=ptrace)" -gt 0
ok "... and a level as a gauge: the tasks traced (the shell, its sleep)" test "$(metric saker_driver_tasks driver=ptrace)" -ge 1
is "no drops" "$(metric saker_driver_drops_total reason=buffer_full)" 0
is "405 for a POST" "$(curl -s -o /dev/null -w '%{http_code}' -X POST "http://127.0.0.1:$port/metrics")" 405
ok "... saying what is allowed" sh -c "curl -s -D - -o /dev/null -X POST 'http://127.0.0.1:$port/metrics' | grep -qi '^allow: GET, HEAD'"
is "404 elsewhere" "$(curl -s -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/")" 404

# One address holding 8 idle connections is refused a ninth; another is served.
"$PY" - "$port" "$TMP/held" <<'PY' &
import socket, sys, time
socks = []
for _ in range(8):
    s = socket.create_connection(("127.0.0.1", int(sys.argv[1])))
    socks.append(s)
open(sys.argv[2], "w").close()
time.sleep(4)
PY
holder=$!
_i=0
while [ ! -e "$TMP/held" ] && [ $_i -lt 50 ]; do sleep 0.1; _i=$((_i + 1)); done
is "8 idle connections from 127.0.0.1: a ninth from there is refused" \
	"$(curl -s -m 2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" 000
if "$PY" -c 'import socket; socket.socket().bind(("127.0.0.2", 0))' 2>/dev/null; then
	is "... while a probe from 127.0.0.2 is answered" \
		"$(curl -s -m 2 --interface 127.0.0.2 -o /dev/null -w '%{http_code}' "http://127.0.0.1:$port/healthz")" 200
else
	skip "... while a probe from 127.0.0.2 is answered" "no 127.0.0.2 on loopback here"
fi
kill $holder 2>/dev/null
wait $holder 2>/dev/null

port_a=$port
"$SAKERD" --driver ptrace -r "$TMP/rules.yaml" -o "webserver.listen=127.0.0.1:$port_a" -- true \
	2>"$TMP/busy.err"
is "a port in use: configuration error (78)" "$?" 78
ok "... saying so" grep -q "webserver.listen 127.0.0.1:$port_a: Address already in use" "$TMP/busy.err"

touch "$TMP/a.end"
wait $daemon
is "the traced command ended: sakerd exits with its status" "$?" 0
daemon=

# The event loop stops (fault hook): /healthz turns 503 after 10 s without progress.
launch b SAKERD_FAULT_WEDGE_AFTER_MS=300
sleep 11
is "/healthz: 503 once the loop has not published for 10 s" \
	"$(curl -s -m 5 -o "$TMP/h" -w '%{http_code}' "http://127.0.0.1:$port/healthz")" 503
ok "... and says it stalled" grep -q '"status": "stalled", "seconds_since_progress": 1[0-9]' "$TMP/h"
kill -9 $daemon 2>/dev/null
wait $daemon 2>/dev/null
daemon=
touch "$TMP/b.go" "$TMP/b.end" # the shell it left runs to its end

"$SAKERD" --driver ptrace -r "$TMP/rules.yaml" -o webserver.listen=localhost -- true 2>"$TMP/e"
is "webserver.listen without a port: configuration error (78)" "$?" 78
ok "... naming the key and the value" grep -q "webserver.listen 'localhost' is not ADDRESS:PORT" "$TMP/e"
if [ -x "$NOLIB" ]; then
	"$NOLIB" --driver ptrace -r "$TMP/rules.yaml" -o webserver.listen=127.0.0.1:0 -- true 2>"$TMP/e"
	is "without libmicrohttpd: configuration error (78)" "$?" 78
	ok "... with the loader's message" grep -q "webserver.listen: libsaker-absent-mhd.so.12: cannot open" "$TMP/e"
else
	skip "without libmicrohttpd: configuration error" "sakerd_nolib not built (no libcurl)"
	skip "... with the loader's message" "sakerd_nolib not built"
fi
done_testing
