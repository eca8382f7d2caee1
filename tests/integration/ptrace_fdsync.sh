#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The ptrace driver in launch mode stops only on the calls the rules name or
# a process fact needs (drivers/ptrace/policy.c); the fd table is kept right
# from /proc where it is used (fdsync.c). Here the rules name write, openat
# and execve only, so close, dup2, fcntl, eventfd, epoll, memfd and pipe run
# untraced, and tests/helpers/fdsync changes fds with them before a named
# call uses them: every alert must name the object the fd really is, and
# proc.stdout.type must follow dup2 and close onto 1. A capture made the
# same way must replay to the same alerts.
. "$(dirname "$0")/lib.sh"
SAKERD=${SAKERD:-$abs_top_builddir/src/sakerd}
FDSYNC=$abs_top_builddir/tests/helpers/fdsync

[ -x "$SAKERD" ] || skip_all "sakerd not built"
[ -x "$FDSYNC" ] || skip_all "tests/helpers/fdsync not built"
python3 -c 'import json' 2>/dev/null || skip_all "no python3"

D=$(cd "$TMP" && pwd -P)
echo secret > "$D/secret"
cat > "$D/rules.yaml" <<'Y'
- rule: fdsync write
  desc: a write by the helper
  condition: evt.type=write and proc.name=fdsync
  output: "write fd=%fd.num name=%fd.name type=%fd.type res=%evt.rawres"
  priority: WARNING
- rule: fdsync open
  desc: the helper opens the secret
  condition: evt.type=openat and proc.name=fdsync and fd.name endswith /secret
  output: "open fd=%fd.num name=%fd.name"
  priority: WARNING
- rule: fdsync probe
  desc: the helper writes its probe file
  condition: evt.type=write and proc.name=fdsync and fd.name endswith /probe
  output: "probe stdout=%proc.stdout.type"
  priority: WARNING
- rule: fdsync exec
  desc: the helper's exec
  condition: evt.type=execve and proc.name=fdsync and proc.args startswith "count "
  output: "exec stdin=%proc.stdin.type stdout=%proc.stdout.type stdin_name=%proc.stdin.name fds=%proc.fdopencount"
  priority: WARNING
Y

loopback_listener "$D/port" 30 recv
PORT=$port
"$SAKERD" --driver ptrace -r "$D/rules.yaml" -o stdout_output.enabled=false -- true 2>/dev/null ||
	{ kill $listener; skip_all "the ptrace driver cannot launch a command here"; }

cat > "$D/all.sh" <<SH
"$FDSYNC" stale "$D" || echo "fdsync stale: status \$?" >&2
"$FDSYNC" fork "$D" || echo "fdsync fork: status \$?" >&2
"$FDSYNC" files "$D" || echo "fdsync files: status \$?" >&2
"$FDSYNC" threads "$D" || echo "fdsync threads: status \$?" >&2
"$FDSYNC" high "$D" || echo "fdsync high: status \$?" >&2
"$FDSYNC" exec $PORT "$D" || echo "fdsync exec: status \$?" >&2
"$FDSYNC" redirect $PORT "$D" || echo "fdsync redirect: status \$?" >&2
SH

common=(-r "$D/rules.yaml" -o json_output=true -o stdout_output.enabled=true
	-o journal_output.enabled=false -o rule_matching=all)
"$SAKERD" --driver ptrace "${common[@]}" -- sh "$D/all.sh" > "$D/alerts.json" 2> "$D/sakerd.err"
is "sakerd --driver ptrace runs the helper" "$?" 0
ok "every helper role behaved (no setup failure)" sh -c "! grep 'fdsync .*: status' '$D/sakerd.err'"

# One line per alert: the rule's output without its time and priority.
outputs() {
	python3 -c '
import json, sys
for line in open(sys.argv[1]):
    if line.startswith("{"):
        a = json.loads(line)
        print(a["output"].split(" ", 2)[2])
' "$1" | sed -e 's/pipe:\[[0-9]*\]/pipe:[INO]/g'
}
outputs "$D/alerts.json" > "$D/live.txt"
sed 's/^/# /' "$D/live.txt"

# The expected sequence. N: the first fd the helper gets (3 unless the
# environment left more open); every role reuses it.
N=$(sed -n 's/^open fd=\([0-9]*\) .*/\1/p' "$D/live.txt" | head -1)
M=$((N + 1))
cat > "$D/want.txt" <<W
open fd=$N name=$D/secret
write fd=$N name=anon_inode:[eventfd] type=event res=8
write fd=$N name=anon_inode:[eventpoll] type=eventpoll res=-22
write fd=$N name=memfd:fdsync-mfd type=memfd res=8
write fd=$M name=pipe:[INO] type=pipe res=8
write fd=$N name=pipe:[INO] type=pipe res=-9
write fd=$N name=<NA> type=<NA> res=-9
open fd=$N name=$D/secret
write fd=$N name=anon_inode:[eventfd] type=event res=8
write fd=$N name=anon_inode:[eventfd] type=event res=8
open fd=$N name=$D/secret
open fd=$M name=$D/secret
write fd=$N name=anon_inode:[eventfd] type=event res=8
write fd=$N name=$D/secret type=file res=8
open fd=$N name=$D/secret
open fd=$M name=$D/secret
write fd=$N name=anon_inode:[eventfd] type=event res=8
write fd=$N name=$D/secret type=file res=8
open fd=$N name=$D/secret
write fd=2000 name=$D/secret type=file res=8
write fd=2256 name=anon_inode:[eventfd] type=event res=8
write fd=2000 name=anon_inode:[eventfd] type=event res=8
W
head -22 "$D/live.txt" > "$D/live18.txt"
ok "stale (eventfd, epoll, memfd, pipe, closed), fork, files, threads, high fds: every write names what its fd is" \
	diff -u "$D/want.txt" "$D/live18.txt"

exec_line=$(grep '^exec ' "$D/live.txt")
real=$(cat "$D/count" 2>/dev/null)
case $exec_line in
"exec stdin=ipv4 stdout=ipv4 stdin_name=127.0.0.1:"*"->127.0.0.1:$PORT fds=$real") r=0 ;;
*) r=1 ;;
esac
is "exec: stdin and stdout are the socket dup2 put there, the fd count is the new image's ($real): $exec_line" "$r" 0

# close, dup2 and dup3 onto 0-2 stop though no rule names them, and a
# closed standard fd is looked at before every record: the standard fds
# are right at every event, not only at exec.
is "proc.stdout.type after dup2 of a socket onto 1, close(1), an eventfd made as 1, dup2 of a file onto 1" \
	"$(sed -n 's/^probe //p' "$D/live.txt" | tr '\n' ' ')" "stdout=ipv4 stdout=<NA> stdout=event stdout=file "

# The same through a capture: record with the rules' event types only (so
# the same calls run untraced), replay with the rules.
"$SAKER" capture --driver ptrace -e write,openat,execve -w "$D/cap" -- sh "$D/all.sh" \
	> /dev/null 2> "$D/capture.err"
is "saker capture --driver ptrace runs the helper" "$?" 0
"$SAKER" replay "$D/cap" -r "$D/rules.yaml" --json > "$D/replay.json" 2> "$D/replay.err"
is "saker replay of the capture" "$?" 0
outputs "$D/replay.json" | sed -e "s/127\.0\.0\.1:[0-9]*->/127.0.0.1:P->/" -e "s/fds=[0-9]*/fds=K/" > "$D/replay.txt"
sed -e "s/127\.0\.0\.1:[0-9]*->/127.0.0.1:P->/" -e "s/fds=[0-9]*/fds=K/" "$D/live.txt" > "$D/live.norm"
ok "the capture replays to the same alerts (but the client port and the count)" \
	diff -u "$D/live.norm" "$D/replay.txt"
grep -q '^exec .*fds='"$(cat "$D/count")"'$' <(outputs "$D/replay.json")
is "replay: the fd count at the exec is the new image's" "$?" 0

kill $listener 2>/dev/null
done_testing
