#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The saker CLI end to end: version, list-events, capture and replay of a
# capture written by the real writer, and clear errors for damaged files.
. "$(dirname "$0")/lib.sh"
MKCAP=$abs_top_builddir/tests/helpers/mkcap

ok "saker version names the ABI" sh -c '"$SAKER" version | grep -q "event ABI 1\."'
ok "saker --help lists the commands" sh -c '"$SAKER" --help | grep -q "list-events"'
for c in version list-events capture replay; do
	ok "saker $c --help" "$SAKER" $c --help
done
"$SAKER" nonsense >/dev/null 2>&1
is "unknown command exits 64" "$?" 64

ok "list-events shows openat with its parameters" \
	sh -c '"$SAKER" list-events | grep -q "^openat .*dirfd:fd name:relpath flags:flags"'
ok "list-events --json is valid JSON with every event" \
	sh -c '"$SAKER" list-events --json | python3 -c "import json,sys; d=json.load(sys.stdin); assert any(e[\"name\"]==\"execveat\" for e in d)"'

"$MKCAP" "$TMP/in.cap"
ok "replay prints the snapshot and the events" sh -c '"$SAKER" replay "$TMP/in.cap" > "$TMP/all.txt"'
is "replay prints five records" "$(wc -l < "$TMP/all.txt")" 5
ok "replayed openat carries its path" grep -q "openat fd=3 dirfd=-100 name=/etc/shadow" "$TMP/all.txt"
ok "replayed connect carries its tuple" grep -q "tuple=127.0.0.1:50000->127.0.0.1:4444" "$TMP/all.txt"
ok "replayed execve carries argv" grep -q "argv=sh -c id" "$TMP/all.txt"

ok "capture from a replay source, filtered to openat" \
	"$SAKER" capture --driver replay -i "$TMP/in.cap" -e openat -w "$TMP/out.cap"
"$SAKER" replay "$TMP/out.cap" > "$TMP/out.txt"
# execve and connect are state events: every source delivers those whatever -e says.
is "re-captured file holds the snapshot, the openat and what the state follows" \
	"$(awk '{print $4}' "$TMP/out.txt" | tr '\n' ' ')" "proc_snapshot proc_snapshot execve openat connect "

head -c 150 "$TMP/in.cap" > "$TMP/cut.cap"
"$SAKER" replay "$TMP/cut.cap" > /dev/null 2> "$TMP/err"
is "a truncated capture exits 65" "$?" 65
ok "... and says where" grep -q "offset [0-9]*: truncated block" "$TMP/err"

printf 'garbage!' > "$TMP/junk.cap"
"$SAKER" replay "$TMP/junk.cap" > /dev/null 2> "$TMP/err"
is "a non-capture file exits 65" "$?" 65
ok "... and says it is not a capture" grep -q "not a saker capture file" "$TMP/err"

"$SAKER" replay /nonexistent.cap 2> "$TMP/err"
is "a missing file exits 66" "$?" 66

"$SAKER" capture -w "$TMP/x.cap" --driver bogus 2> "$TMP/err"
is "an unknown driver is a usage problem" "$?" 66
ok "... named in the error" grep -q "unknown driver 'bogus'" "$TMP/err"

# sakerd's rule selection (-L lists without starting a driver).
SAKERD=$abs_top_builddir/src/sakerd
cat > "$TMP/sel.yaml" <<'Y'
- rule: alpha one
  desc: x
  condition: evt.type = openat
  output: x
  priority: INFO
  tags: [net, t1]
- rule: beta two
  desc: x
  condition: evt.type = connect
  output: x
  priority: INFO
  tags: [t1]
Y
state_of() { awk -v r="$1" 'index($0, r) == 1 { print ($0 ~ / enabled /) ? "on" : "off" }'; }
"$SAKERD" -r "$TMP/sel.yaml" -L > "$TMP/l0"
is "sakerd -L lists every rule enabled" "$(state_of alpha < "$TMP/l0") $(state_of beta < "$TMP/l0")" "on on"
"$SAKERD" -r "$TMP/sel.yaml" -L -T net > "$TMP/l1"
is "-T TAG disables the rules with that tag" "$(state_of alpha < "$TMP/l1") $(state_of beta < "$TMP/l1")" "off on"
"$SAKERD" -r "$TMP/sel.yaml" -L -t net > "$TMP/l2"
is "-t TAG enables only the rules with that tag" "$(state_of alpha < "$TMP/l2") $(state_of beta < "$TMP/l2")" "on off"
"$SAKERD" -r "$TMP/sel.yaml" -L -D "ta tw" > "$TMP/l3"
is "-D TEXT disables rules whose name contains it" "$(state_of alpha < "$TMP/l3") $(state_of beta < "$TMP/l3")" "on off"
"$SAKERD" -V "$TMP/sel.yaml" > /dev/null
is "sakerd -V validates" "$?" 0
done_testing
