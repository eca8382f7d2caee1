#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# sakerd as a service: readiness and watchdog over a real NOTIFY_SOCKET,
# SIGHUP with a broken rules file (old rules keep running) and a good one
# (swapped), SIGTERM flushing the queue, exit codes per startup failure,
# and a real attack raising an alert read back from a real journald.
. "$(dirname "$0")/lib.sh"
SAKERD=$abs_top_builddir/src/sakerd
JOURNALD=/lib/systemd/systemd-journald

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root (eBPF driver, private journald)"
	need_ebpf
	unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace"
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi
mount --make-rprivate /
mount -t tmpfs -o mode=755 saker-test-run /run
[ -d /var/log/journal ] && mount -t tmpfs saker-test-journal /var/log/journal

# --- exit codes -------------------------------------------------------------
printf 'bogus_key: 1\n' > "$TMP/bad.yaml"
"$SAKERD" -c "$TMP/bad.yaml" 2> "$TMP/err"
is "an unknown configuration key exits 78" "$?" 78
ok "... naming file:line:col" grep -q "bad.yaml:1:1" "$TMP/err"
"$SAKERD" -c "$TMP/missing.yaml" 2> "$TMP/err"
is "a missing -c file exits 78" "$?" 78
"$SAKERD" -r "$TMP/missing-rules.yaml" --driver ebpf 2> "$TMP/err"
is "a missing rules file exits 66" "$?" 66
printf -- '- rule: x\n  condition: no.such.field = 1\n  output: x\n  priority: INFO\n  desc: x\n' > "$TMP/broken.yaml"
"$SAKERD" -r "$TMP/broken.yaml" --driver ebpf 2> "$TMP/err"
is "rules that do not load exit 78" "$?" 78
ok "... with file:line:col" grep -q "broken.yaml:2:" "$TMP/err"
printf -- '- rule: x\n  condition: evt.type = openat\n  output: x\n  priority: INFO\n  desc: x\n' > "$TMP/ok.yaml"
"$SAKERD" -r "$TMP/ok.yaml" --driver replay -e "$TMP/nothing.cap" 2> "$TMP/err"
is "a driver that cannot start exits 69" "$?" 69

# --- a running daemon ---------------------------------------------------------
rules() { # rules NAME PATH: one rule firing on opens of PATH
	printf -- '- rule: %s\n  desc: test\n  condition: evt.type in (open, openat) and fd.name = %s\n  output: "%s opened (proc.name=%%proc.name fd.name=%%fd.name)"\n  priority: WARNING\n  tags: [test]\n' \
		"$1" "$2" "$1" > "$TMP/rules.yaml"
}
touch "$TMP/a" "$TMP/b"
rules rule-a "$TMP/a"

python3 - "$TMP/notify" "$TMP/notify.log" <<'PY' &
import socket, sys, time
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(60)
with open(sys.argv[2], "a", buffering=1) as log:
    while True:
        try:
            m = s.recv(4096).decode()
        except Exception:
            break
        for line in m.split("\n"):
            log.write("%.3f %s\n" % (time.monotonic(), line))
PY
listener=$!
while [ ! -S "$TMP/notify" ]; do sleep 0.05; done

NOTIFY_SOCKET=$TMP/notify WATCHDOG_USEC=400000 "$SAKERD" --driver ebpf -r "$TMP/rules.yaml" \
	-o stdout_output.enabled=false -o journal_output.enabled=true \
	-o file_output.enabled=true -o file_output.filename="$TMP/alerts.log" \
	-o json_output=true 2> "$TMP/sakerd.err" &
d=$!
i=0
while ! grep -q READY=1 "$TMP/notify.log" 2>/dev/null && [ $i -lt 300 ]; do sleep 0.1; i=$((i + 1)); done
ok "READY=1 reaches the notify socket" grep -q "READY=1" "$TMP/notify.log"
ok "STATUS= names the driver and the rules" grep -q "STATUS=driver ebpf, 1 rules" "$TMP/notify.log"

wait_for() { # wait_for FILE PATTERN COUNT
	i=0
	while [ "$(grep -c "$2" "$1" 2>/dev/null)" -lt "$3" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
}
cat "$TMP/a" > /dev/null
wait_for "$TMP/alerts.log" '"rule":"rule-a"' 1
is "rule-a fires" "$(grep -c '"rule":"rule-a"' "$TMP/alerts.log")" 1

printf -- '- rule: [unclosed\n' > "$TMP/rules.yaml"
kill -HUP $d
i=0
while ! grep -q "reload failed" "$TMP/sakerd.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ok "a broken rules file on SIGHUP is refused" grep -q "reload failed" "$TMP/sakerd.err"
ok "RELOADING=1 was sent" grep -q "RELOADING=1" "$TMP/notify.log"
cat "$TMP/a" > /dev/null
wait_for "$TMP/alerts.log" '"rule":"rule-a"' 2
is "... and the old rules keep running" "$(grep -c '"rule":"rule-a"' "$TMP/alerts.log")" 2

rules rule-b "$TMP/b"
kill -HUP $d
i=0
while ! grep -q "reloaded: 1 rules" "$TMP/sakerd.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ok "a good rules file on SIGHUP is loaded" grep -q "reloaded: 1 rules" "$TMP/sakerd.err"
cat "$TMP/b" > /dev/null
cat "$TMP/a" > /dev/null
wait_for "$TMP/alerts.log" '"rule":"rule-b"' 1
is "... the new rule fires" "$(grep -c '"rule":"rule-b"' "$TMP/alerts.log")" 1
is "... and the old one no longer does" "$(grep -c '"rule":"rule-a"' "$TMP/alerts.log")" 2

ok "watchdog pings arrive while the loop runs" grep -q "WATCHDOG=1" "$TMP/notify.log"

# A burst just before SIGTERM: every alert must be in the file after exit.
for _ in $(seq 50); do cat "$TMP/b" > /dev/null; done
kill -TERM $d
wait $d
is "SIGTERM exits 0" "$?" 0
ok "STOPPING=1 was sent" grep -q "STOPPING=1" "$TMP/notify.log"
is "SIGTERM flushed every queued alert" "$(grep -c '"rule":"rule-b"' "$TMP/alerts.log")" 51

# --- the kernel filter follows the rules -------------------------------------
# mkdirat (x86_64 nr 258) is not a state event: only a rule brings it into
# the eBPF probe's interest map, which bpftool reads from the running daemon.
interest_258() { # prints the interest map's value for nr 258 of sakerd $1
	for id in $(sed -n 's/^map_id:[[:space:]]*//p' /proc/"$1"/fdinfo/* 2>/dev/null); do
		bpftool map show id "$id" 2>/dev/null | grep -q "name saker_interest" || continue
		bpftool -j map lookup id "$id" key 2 1 0 0 | python3 -c "
import json, sys
v = json.load(sys.stdin)
v = v['formatted']['value'] if 'formatted' in v else v['value']
v = v if isinstance(v, int) else int(''.join(reversed([x[2:] for x in v])), 16)
print(1 if v else 0)"
		return
	done
	echo none
}
if command -v bpftool >/dev/null; then
	rules rule-a "$TMP/a"
	"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" -o stdout_output.enabled=false \
		-o journal_output.enabled=false --ready-file "$TMP/ready2" 2> "$TMP/filter.err" &
	d=$!
	wait_ready "$TMP/ready2" $d
	is "mkdirat is filtered in the kernel while no rule needs it" "$(interest_258 $d)" 0
	printf -- '- rule: mkdir\n  desc: x\n  condition: evt.type in (mkdir, mkdirat)\n  output: x\n  priority: INFO\n' \
		> "$TMP/rules.yaml"
	kill -HUP $d
	i=0
	while ! grep -q "reloaded" "$TMP/filter.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	is "... and captured once a rule on mkdir is loaded" "$(interest_258 $d)" 1
	kill -TERM $d
	wait $d
else
	echo "# SKIP filter checks: bpftool is not installed"
fi

# --- drops: a small ring overflows, the health alert fires, sakerd goes on ---
# 64 KiB: room for any one record (an execve with its argv and env), not for
# a burst made while the reader is stopped.
rules rule-a "$TMP/a"
: > "$TMP/drops.log"
SAKER_EBPF_RING_BYTES=65536 "$SAKERD" --driver ebpf -r "$TMP/rules.yaml" \
	-o stdout_output.enabled=false -o journal_output.enabled=false \
	-o file_output.enabled=true -o file_output.filename="$TMP/drops.log" -o json_output=true \
	-o syscall_event_drops.threshold=0.01 -o syscall_event_drops.rate=10 \
	-o syscall_event_drops.max_burst=10 --ready-file "$TMP/ready3" 2> "$TMP/drops.err" &
d=$!
wait_ready "$TMP/ready3" $d
# Stop the reader so the ring fills, make a burst, let it read again.
kill -STOP $d
python3 -c "
import os
for _ in range(20000):
    os.close(os.open('/dev/null', os.O_RDONLY))"
kill -CONT $d
i=0
while ! grep -q 'syscall event drops' "$TMP/drops.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ok "a ring overflow raises the drop health alert" grep -q '"rule":"saker internal: syscall event drops"' "$TMP/drops.log"
ok "... which counts what was lost" grep -Eq 'buffer_full=[1-9]' "$TMP/drops.log"
ok "... and sakerd keeps running" kill -0 $d
cat "$TMP/a" > /dev/null
i=0
while ! grep -q '"rule":"rule-a"' "$TMP/drops.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ok "... and detecting" grep -q '"rule":"rule-a"' "$TMP/drops.log"
kill -TERM $d
wait $d
is "... and stops cleanly" "$?" 0

# --- the watchdog stops when the loop wedges ----------------------------------
: > "$TMP/notify.log"
NOTIFY_SOCKET=$TMP/notify WATCHDOG_USEC=400000 SAKERD_FAULT_WEDGE_AFTER_MS=1500 \
	"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" -o stdout_output.enabled=false \
	-o journal_output.enabled=false --ready-file "$TMP/wedge.ready" 2> "$TMP/wedge.err" &
d=$!
# Loading takes longer on a busy machine: time from readiness, not from start.
wait_ready "$TMP/wedge.ready" $d
i=0
while ! grep -q "wedged on purpose" "$TMP/wedge.err" && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 2
kill -KILL $d
wait $d 2>/dev/null
ok "the fault hook wedged the loop" grep -q "wedged on purpose" "$TMP/wedge.err"
ok "pings stop once the loop is wedged" python3 - "$TMP/notify.log" <<'PY'
import sys
rows = [l.split(" ", 1) for l in open(sys.argv[1]) if " " in l]
ready = [float(t) for t, m in rows if m.startswith("READY=1")]
pings = [float(t) for t, m in rows if m.startswith("WATCHDOG=1")]
assert ready and pings, (ready, pings)
# Pinged every 200 ms for about 1.5 s after start, then silence for ~2 s.
assert pings[-1] - ready[0] < 1.9, pings[-1] - ready[0]
assert len(pings) >= 4, len(pings)
PY

# --- end to end: an attack becomes a journal entry ---------------------------
# Its own stdout is not the TAP stream: a leftover would hold the pipe open.
"$JOURNALD" > /dev/null 2> "$TMP/journald.err" &
jpid=$!
i=0
while [ ! -S /run/systemd/journal/socket ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
rules "Shadow read" /etc/shadow
"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" -o stdout_output.enabled=false \
	-o journal_output.enabled=true --ready-file "$TMP/ready" 2> "$TMP/e2e.err" &
d=$!
wait_ready "$TMP/ready" $d
"$abs_top_builddir/tests/helpers/scenario" shadow
i=0
while ! journalctl -q SAKER_RULE="Shadow read" 2>/dev/null | grep -q . && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
kill -TERM $d
wait $d
journalctl -q -o json --no-pager SAKER_RULE="Shadow read" > "$TMP/e2e.json"
ok "the /etc/shadow read is a journal entry with its fields" python3 - "$TMP/e2e.json" <<'PY'
import json, sys
e = [json.loads(l) for l in open(sys.argv[1])]
assert e, "no entry"
e = [x for x in e if json.loads(x["SAKER_OUTPUT_FIELDS"]).get("proc.name") == "scenario"][0]
assert e["PRIORITY"] == "4" and e["SAKER_PRIORITY"] == "Warning", e["PRIORITY"]
assert e["SYSLOG_IDENTIFIER"] == "saker"
assert e["MESSAGE_ID"] == "43ba49ee1a594c52bf690ce13f0ea640"
f = json.loads(e["SAKER_OUTPUT_FIELDS"])
assert f == {"proc.name": "scenario", "fd.name": "/etc/shadow"}, f
assert "Shadow read opened (proc.name=scenario fd.name=/etc/shadow)" in e["MESSAGE"], e["MESSAGE"]
PY
kill $listener 2>/dev/null
kill $jpid 2>/dev/null
wait $jpid 2>/dev/null
done_testing
