#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# saker capture --driver ebpf records what happens on this host; saker
# replay shows it back. Needs root and kernel BTF.
. "$(dirname "$0")/lib.sh"
[ "$(id -u)" = 0 ] || skip_all "needs root to load BPF programs"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "kernel has no BTF"

mkdir -p "$TMP/work"
"$SAKER" capture --driver ebpf -e openat,unlinkat,execve -w "$TMP/live.cap" \
	2> "$TMP/capture.err" &
cap=$!
# The file appears once the probe is attached (verifying it takes a while,
# and much longer on a loaded machine: 20 s once was not enough).
for i in $(seq 600); do [ -s "$TMP/live.cap" ] && break; sleep 0.2; done
ok "the capture attached within 120 s" test -s "$TMP/live.cap"
( cd "$TMP/work" && echo hi > marker-file && /bin/cat marker-file > /dev/null \
	&& rm marker-file && /bin/echo saker-probe-arg > /dev/null )
sleep 1
kill -INT $cap
wait $cap
is "capture exits 0 on SIGINT" "$?" 0
ok "capture reports what it wrote" grep -q "records written" "$TMP/capture.err"
"$SAKER" replay "$TMP/live.cap" > "$TMP/live.txt"
is "replay of the live capture exits 0" "$?" 0
echo "# $(cat "$TMP/capture.err")"
ok "the openat of the marker file is there" \
	grep -q "openat .*name=marker-file" "$TMP/live.txt"
ok "cat's execve with its argv is there" \
	grep -q "execve res=0 filename=/bin/cat argv=/bin/cat marker-file" "$TMP/live.txt"
ok "... with the cwd of the shell" grep -q "execve .*cwd=$TMP/work " "$TMP/live.txt"
ok "echo's argv is there" grep -q "argv=/bin/echo saker-probe-arg" "$TMP/live.txt"
ok "the unlinkat of rm is there" grep -q "unlinkat .*name=marker-file" "$TMP/live.txt"
ok "the capture's own writes are not recorded" \
	sh -c "! grep -q 'openat .*name=$TMP/live.cap' '$TMP/live.txt'"

"$SAKER" capture --driver ebpf -w "$TMP/n.cap" -n 50 2> "$TMP/n.err"
is "capture -n 50 stops by itself" "$?" 0
ok "... after 50 records" grep -q "^saker: 50 records written" "$TMP/n.err"

"$SAKER" capture -w "$TMP/auto.cap" -n 5 2> "$TMP/auto.err"
is "capture with the default driver (auto) works here" "$?" 0

SAKER_EBPF_RING_BYTES=12345 "$SAKER" capture --driver ebpf -w "$TMP/x.cap" -n 1 2> "$TMP/bad.err"
ok "a bad ring size is refused" test $? -ne 0
ok "... saying why" grep -q "not a power of two" "$TMP/bad.err"

SAKER_EBPF_OBJECT=/nonexistent.bpf.o "$SAKER" capture --driver ebpf -w "$TMP/x.cap" -n 1 2> "$TMP/obj.err"
ok "a missing object is refused" test $? -ne 0
ok "... naming it" grep -q "cannot read '/nonexistent.bpf.o'" "$TMP/obj.err"
SAKER_EBPF_OBJECT=$abs_top_builddir/tests/helpers/bad_abi.bpf.o \
	"$SAKER" capture --driver ebpf -w "$TMP/x.cap" -n 1 2> "$TMP/abi.err"
ok "a probe of another ABI major is refused" test $? -ne 0
ok "... telling to rebuild it with saker-driver-loader" \
	grep -q "ABI 99.0, this saker 1\..*rebuild it with saker-driver-loader" "$TMP/abi.err"

rm -f /run/saker/ebpf-verifier.log /tmp/ebpf-verifier.log
SAKER_EBPF_OBJECT=$abs_top_builddir/tests/helpers/bad_verifier.bpf.o \
	"$SAKER" capture --driver ebpf -w "$TMP/x.cap" -n 1 2> "$TMP/ver.err"
ok "a probe the verifier rejects is refused" test $? -ne 0
ok "... naming the verifier log" grep -q "rejected the probe.*verifier log: /.*/ebpf-verifier.log" "$TMP/ver.err"
log=$(sed -n 's/.*verifier log: //p' "$TMP/ver.err")
ok "... which holds the verifier's words" grep -q "saker_bad" "$log"
if command -v setpriv > /dev/null; then
	setpriv --reuid=65534 --regid=65534 --clear-groups \
		"$SAKER" capture --driver ebpf -w /dev/null -n 1 2> "$TMP/perm.err"
	ok "an unprivileged user is refused" test $? -ne 0
	ok "... told it needs root or CAP_BPF+CAP_PERFMON" \
		grep -q "needs root (or CAP_BPF and CAP_PERFMON)" "$TMP/perm.err"
	setpriv --bounding-set=-all --inh-caps=-all \
		"$SAKER" capture --driver ebpf -w /dev/null -n 1 2> "$TMP/caps.err"
	ok "root without capabilities is refused" test $? -ne 0
	ok "... told which capabilities are missing" grep -q "missing CAP_BPF" "$TMP/caps.err"
fi
done_testing
