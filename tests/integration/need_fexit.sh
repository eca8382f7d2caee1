# SPDX-License-Identifier: GPL-2.0-only
# Sourced by the tests that run another TAP program on BPF trampolines
# (ebpf.hook=fexit): sets abs_top_builddir and SAKER, and ends the script
# with a SKIP plan, saying why, where this kernel refuses trampolines.
here=$(dirname "$0")
: "${abs_top_builddir:=$(cd "$here/../.." && pwd)}"
SAKER=${SAKER:-$abs_top_builddir/src/saker}
skip() {
	echo "1..0 # SKIP $*"
	exit 0
}
[ "$(id -u)" = 0 ] || skip "needs root to load BPF programs"
[ -r /sys/kernel/btf/vmlinux ] || skip "kernel has no BTF"
cap=$(mktemp /tmp/saker-fexit.XXXXXX)
why=$(SAKER_EBPF_HOOK=fexit "$SAKER" capture --driver ebpf -w "$cap" -n 1 2>&1 >/dev/null)
st=$?
rm -f "$cap"
[ $st = 0 ] || skip "no trampolines here: $(echo "$why" | tr '\n' ' ')"
SAKER_EBPF_HOOK=fexit
export SAKER_EBPF_HOOK
