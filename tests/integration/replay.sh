#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# saker replay -r: rules over a capture, state seeded from its snapshot,
# deterministic output; and a live eBPF capture replayed to the same alerts.
. "$(dirname "$0")/lib.sh"
MKCAP=$abs_top_builddir/tests/helpers/mkcap
SCEN=$abs_top_builddir/tests/helpers/scenario

cat > "$TMP/rules.yaml" <<'Y'
- rule: shadow read
  desc: test
  condition: evt.type = openat and fd.name = /etc/shadow
  output: "shadow read by %proc.name (parent=%proc.pname cmdline=%proc.cmdline fd=%fd.num)"
  priority: WARNING
  tags: [test]
- rule: connect out
  desc: test
  condition: evt.type = connect and fd.sport = 4444
  output: "connection %fd.name by %proc.name"
  priority: NOTICE
Y
"$MKCAP" "$TMP/in.cap"
TZ=UTC "$SAKER" replay "$TMP/in.cap" -r "$TMP/rules.yaml" > "$TMP/a.txt"
is "replay with rules exits 0" "$?" 0
is "alerts use the state seeded from the snapshot and the execve" "$(cut -d' ' -f2- "$TMP/a.txt")" \
"Warning shadow read by sh (parent=init cmdline=sh -c id fd=3)
Notice connection 127.0.0.1:50000->127.0.0.1:4444 by sh"
TZ=UTC "$SAKER" replay "$TMP/in.cap" -r "$TMP/rules.yaml" > "$TMP/b.txt"
ok "the same capture and rules give the same alerts, byte for byte" cmp "$TMP/a.txt" "$TMP/b.txt"
"$SAKER" replay "$TMP/in.cap" -r "$TMP/rules.yaml" --json > "$TMP/a.json"
ok "--json gives Falco's shape" python3 -c "
import json, sys
a = [json.loads(l) for l in open('$TMP/a.json')]
assert [x['rule'] for x in a] == ['shadow read', 'connect out'], a
assert a[0]['output_fields'] == {'proc.name': 'sh', 'proc.pname': 'init', 'proc.cmdline': 'sh -c id', 'fd.num': 3}, a[0]
assert a[0]['priority'] == 'Warning' and a[0]['tags'] == ['test'] and a[0]['source'] == 'syscall'
"
# --profile: each rule's tests counted exactly (every event of its type), matches, time.
"$SAKER" replay "$TMP/in.cap" -r "$TMP/rules.yaml" --profile > "$TMP/p.out" 2> "$TMP/p.err"
is "--profile: the alerts are as without it" "$(cut -d' ' -f2- "$TMP/p.out")" "$(cut -d' ' -f2- "$TMP/a.txt")"
ok "--profile: a header with both rules tested" grep -q "^saker: rule costs over [0-9]* events (2 of 2 rules tested): " "$TMP/p.err"
nopen=$("$SAKER" replay "$TMP/in.cap" | grep -c ' openat ')
nconn=$("$SAKER" replay "$TMP/in.cap" | grep -c ' connect ')
is "--profile: shadow read tested on every openat, matched once" \
	"$(awk '$NF == "read" && $(NF-1) == "shadow" {print $3, $5}' "$TMP/p.err")" "$nopen 1"
is "--profile: connect out tested on every connect, matched once" \
	"$(awk '$NF == "out" && $(NF-1) == "connect" {print $3, $5}' "$TMP/p.err")" "$nconn 1"
"$SAKER" replay "$TMP/in.cap" --profile 2> "$TMP/err"
is "--profile without rules: usage error (64)" "$?" 64

"$SAKER" replay "$TMP/in.cap" -r "$TMP/missing.yaml" 2> "$TMP/err"
is "missing rules exit 66" "$?" 66

if [ "$(id -u)" = 0 ] && [ -r /sys/kernel/btf/vmlinux ] && "$SAKER" capture --help | grep -q COMMAND; then
	"$SAKER" capture --driver ebpf -w "$TMP/live.cap" 2> "$TMP/cap.err" &
	c=$!
	i=0
	while ! grep -q . "$TMP/live.cap" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
	sleep 2
	"$SCEN" shadow
	sleep 1
	kill -INT $c
	wait $c
	"$SAKER" replay "$TMP/live.cap" -r "$TMP/rules.yaml" > "$TMP/live.txt"
	ok "a live eBPF capture replays to the alert" grep -q "shadow read by scenario (parent=" "$TMP/live.txt"
fi
done_testing
