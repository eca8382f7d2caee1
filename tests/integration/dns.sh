#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fd.*ip.name lookups against a resolver that never answers: in a private
# mount namespace, /etc/resolv.conf names a DNS server on 127.0.0.1:53 (a
# socket that reads queries and drops them; glibc would wait 30 s). sakerd
# replaying a capture must not wait for it past its own bound (the 5 s
# lookup timeout), must say which names have no answer, count the timeouts,
# not match the names, and start no more than 16 lookups at once, while a
# name from /etc/hosts in the same rules matches and shows in %fd.sip.name.
. "$(dirname "$0")/lib.sh"
SAKERD=$abs_top_builddir/src/sakerd
CAPGEN=$abs_top_builddir/tests/helpers/capgen

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root (a mount namespace for /etc/hosts and resolv.conf)"
	command -v python3 > /dev/null || skip_all "python3 is not installed"
	unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace"
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

mount --make-rprivate /
printf 'nameserver 127.0.0.1\noptions timeout:30 attempts:1\n' > "$TMP/resolv.conf"
printf '127.0.0.1 localhost\n10.2.0.9 api.hosts.test\n' > "$TMP/hosts"
mount --bind "$TMP/resolv.conf" /etc/resolv.conf && mount --bind "$TMP/hosts" /etc/hosts ||
	skip_all "cannot bind-mount a private resolv.conf and hosts"

# Reads every query, answers none, and logs "SECONDS NAME" for each.
python3 - "$TMP/bound" "$TMP/queries" <<'PY' &
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 53))
open(sys.argv[1], "w").write("ok")
log = open(sys.argv[2], "w", buffering=1)
u.settimeout(120)
while True:
    try:
        q, _ = u.recvfrom(512)
    except OSError:
        break
    i, labels = 12, []
    while i < len(q) and q[i]:
        labels.append(q[i + 1:i + 1 + q[i]].decode("ascii", "replace"))
        i += 1 + q[i]
    log.write("%.3f %s\n" % (time.monotonic(), ".".join(labels)))
PY
sink=$!
trap 'kill $sink 2>/dev/null; rm -rf "$TMP"' EXIT
for _ in $(seq 50); do [ -s "$TMP/bound" ] && break; sleep 0.1; done
[ -s "$TMP/bound" ] || skip_all "cannot bind 127.0.0.1:53 (a resolver runs here)"

cat > "$TMP/case.txt" <<'EOF'
1 @1000 proc_snapshot ptid=0 filename=/sbin/init argv=[/sbin/init] comm=systemd cwd=/ uid=0 gid=0 euid=0 egid=0 cgroups=[cpu=/init.scope] start_ts=1000
700 proc_snapshot ptid=1 filename=/usr/bin/curl argv=[curl] cwd=/ uid=0 gid=0 euid=0 egid=0 cgroups=[cpu=/user.slice]
700 socket domain=AF_INET type=SOCK_STREAM proto=0 = 3
700 connect fd=3 addr=10.2.0.9:443 tuple=10.1.0.5:40000->10.2.0.9:443 = 0
EOF
"$CAPGEN" "$TMP/case.txt" "$TMP/case.cap" > "$TMP/capgen.log" 2>&1
is "capgen writes the capture" "$?" 0
# Twenty names the silent server is asked for: 16 lookups at once at most.
# The name from /etc/hosts comes first, so that it is looked up at once.
slow=$(seq -f 'slow%g.example' 1 20 | paste -sd, -)
cat > "$TMP/rules.yaml" <<EOF
- rule: hosts name
  desc: the name is in /etc/hosts
  condition: evt.type = connect and fd.sip.name = "api.hosts.test"
  output: "hosts %fd.name %fd.sip.name"
  priority: NOTICE
- rule: slow name
  desc: the names' lookups never end
  condition: evt.type = connect and fd.sip.name in ($slow)
  output: "slow %fd.name %fd.sip.name"
  priority: NOTICE
EOF

start=$(date +%s)
"$SAKERD" -e "$TMP/case.cap" -r "$TMP/rules.yaml" -o stdout_output.enabled=true \
	-o journal_output.enabled=false -o json_output=true > "$TMP/out.json" 2> "$TMP/err"
rc=$?
took=$(($(date +%s) - start))
is "sakerd replays the capture" "$rc" 0
ok "it waited for the silent resolver no longer than its bound (took ${took}s)" test "$took" -le 12
ok "it says which names have no answer" grep -q '20 of 21 names have no answer yet' "$TMP/err"
ok "the timeouts are counted (the first 16; the last 4 started 5 s later)" \
	grep -q 'sakerd: dns: names=21 .* lookups=21 .* timeouts=16 ' "$TMP/err"
# The server saw 16 names queried in the first 4 s (the timeout is 5 s), 20 in all.
first=$(awk 'NR == 1 { t0 = $1 } !seen[$2]++ && $1 < t0 + 4 { n++ } END { print n + 0 }' "$TMP/queries")
is "16 lookups at most are in flight at once" "$first" 16
is "the other names are asked once those time out" \
	"$(awk '{ print $2 }' "$TMP/queries" | sort -u | grep -c '^slow')" 20
ok "the unanswered name matches nothing" sh -c "! grep -q '\"rule\":\"slow name\"' '$TMP/out.json'"
ok "the name from /etc/hosts matches meanwhile" grep -q '"fd.sip.name":"api.hosts.test"' "$TMP/out.json"
grep 'sakerd: dns' "$TMP/err" | sed 's/^/# /'

# ptrace launch mode does not hold the command back for the resolver: it
# starts at once, and the first comparison with a name waits for the answers
# instead (bounded the same way), so the connect still matches its name.
# Holding the start back would take 5.5 s here (the silent resolver).
start=$(date +%s%N)
"$SAKERD" --driver ptrace -r "$TMP/rules.yaml" -o stdout_output.enabled=true \
	-o journal_output.enabled=false -o json_output=true -- python3 -c '
import socket, sys, time
open(sys.argv[1], "w").write(str(time.clock_gettime_ns(time.CLOCK_REALTIME)))
s = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
s.connect(("10.2.0.9", 443))' "$TMP/began" > "$TMP/launch.json" 2> "$TMP/launch.err"
is "launch: sakerd runs the command to its end" "$?" 0
began=$(cat "$TMP/began" 2>/dev/null || echo 0)
ok "launch: the command started without waiting for the silent resolver ($(((began - start) / 1000000)) ms)" \
	test $((began - start)) -lt 4000000000
ok "launch: its connect matches the name from /etc/hosts" \
	grep -q '"fd.sip.name":"api.hosts.test"' "$TMP/launch.json"
# A command that compares no name ends with lookups still in flight: sakerd
# exits with it, not a second later (the wait dns_free gives glibc's lookups).
start=$(date +%s%N)
"$SAKERD" --driver ptrace -r "$TMP/rules.yaml" -o journal_output.enabled=false -- true \
	> /dev/null 2> "$TMP/short.err"
rc=$?
took=$((($(date +%s%N) - start) / 1000000))
is "launch: a short command's status" "$rc" 0
ok "launch: sakerd ends with it, lookups in flight (${took} ms)" test "$took" -lt 900
done_testing
