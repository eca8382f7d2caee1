#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fd.*ip.name lookups against a resolver that never answers: in a private
# mount namespace, /etc/resolv.conf names a DNS server on 127.0.0.1:53 (a
# socket that reads queries and drops them; glibc would wait 30 s). sakerd
# replaying a capture must not wait for it past its own bound (the 5 s
# lookup timeout), must say which names have no answer, count the timeout,
# and not match the name, while a name from /etc/hosts in the same rules
# matches and shows in %fd.sip.name.
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

python3 - "$TMP/bound" <<'PY' &
import socket, sys, time
u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM); u.bind(("127.0.0.1", 53))
t = socket.socket(); t.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
t.bind(("127.0.0.1", 53)); t.listen(8)
open(sys.argv[1], "w").write("ok")
time.sleep(120)  # queries are read by nobody: the kernel queues them
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
cat > "$TMP/rules.yaml" <<'EOF'
- rule: slow name
  desc: the name's lookup never ends
  condition: evt.type = connect and fd.sip.name = "slow.example"
  output: "slow %fd.name %fd.sip.name"
  priority: NOTICE
- rule: hosts name
  desc: the name is in /etc/hosts
  condition: evt.type = connect and fd.sip.name = "api.hosts.test"
  output: "hosts %fd.name %fd.sip.name"
  priority: NOTICE
EOF

start=$(date +%s)
"$SAKERD" -e "$TMP/case.cap" -r "$TMP/rules.yaml" -o stdout_output.enabled=true \
	-o journal_output.enabled=false -o json_output=true > "$TMP/out.json" 2> "$TMP/err"
rc=$?
took=$(($(date +%s) - start))
is "sakerd replays the capture" "$rc" 0
ok "it waited for the silent resolver no longer than its bound (took ${took}s)" test "$took" -le 12
ok "it says the name has no answer" grep -q '1 of 2 names have no answer yet' "$TMP/err"
ok "the timeout is counted" grep -q 'sakerd: dns: names=2 .* timeouts=1 ' "$TMP/err"
ok "the unanswered name matches nothing" sh -c "! grep -q '\"rule\":\"slow name\"' '$TMP/out.json'"
ok "the name from /etc/hosts matches meanwhile" grep -q '"fd.sip.name":"api.hosts.test"' "$TMP/out.json"
grep 'sakerd: dns' "$TMP/err" | sed 's/^/# /'
done_testing
