#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The ptrace driver's 32-bit tests where the kernel runs 32-bit code: hosts
# with IA-32 emulation off (this project's CI VM) skip the live parts of
# tests/unit/test_ptrace_ia32 and tests/integration/ptrace_ia32.sh, so this
# boots a Debian kernel (IA-32 emulation on) in a qemu guest (TCG) whose
# init runs both: the unit program with its real i386 tracees, and sakerd
# --driver ptrace with rules over the int $0x80 program and the i386
# binary. The guest's TAP lines are relayed; every skip inside the guest
# is a failure here. Slow under TCG (a few minutes): not part of make check;
# run it by hand or from CI: abs_top_builddir=BUILD tests/integration/ptrace_ia32_guest.sh
. "$(dirname "$0")/lib.sh"
. "$abs_top_srcdir/tests/kmod/lib.sh"
B=$abs_top_builddir

[ "$(id -u)" = 0 ] || skip_all "needs root"
command -v qemu-system-x86_64 >/dev/null 2>&1 || skip_all "qemu-system-x86_64 missing"
for f in src/sakerd tests/unit/test_ptrace_ia32 tests/helpers/ia32_int80 tests/helpers/ia32_static; do
	[ -x "$B/$f" ] || skip_all "$f not built"
done
kver=${SAKER_KMOD_KERNEL:-$(guest_default_kver)}
[ -n "$kver" ] || skip_all "no Debian kernel to boot (linux-headers-amd64 not installed)"
cache=${SAKER_KMOD_CACHE:-/var/tmp/saker-kmod-kernels}
mkdir -p "$cache"
log=$TMP/harness.log
vmlinuz=$(guest_vmlinuz "$kver" "$cache" "$TMP") || skip_all "no vmlinuz for $kver"

r=$TMP/root
guest_root "$r"
mkdir -p "$r/opt/saker/build/tests/unit" "$r/opt/saker/build/tests/helpers" \
	"$r/opt/saker/build/src" "$r/opt/saker/src/tests/integration" "$r/opt/saker/src/tests/kmod"
guest_bin "$r" "$B/tests/unit/test_ptrace_ia32" /opt/saker/build/tests/unit/test_ptrace_ia32
guest_bin "$r" "$B/src/sakerd" /opt/saker/build/src/sakerd
cp "$B/tests/helpers/ia32_int80" "$B/tests/helpers/ia32_static" "$r/opt/saker/build/tests/helpers/"
guest_libs "$r" "$B/tests/helpers/ia32_int80"
cp "$abs_top_srcdir/tests/integration/lib.sh" "$abs_top_srcdir/tests/integration/ptrace_ia32.sh" \
	"$r/opt/saker/src/tests/integration/"
_conf=$("$B/src/sakerd" --help 2>&1 | sed -n 's/.*(default \(\/[^)]*\)).*/\1/p' | head -n 1)
mkdir -p "$r$(dirname "$_conf")"
cp "$abs_top_srcdir/config/saker.yaml" "$r$_conf"
for t in bash cat grep sed seq sleep mktemp rm mkdir true ip mount dirname; do
	p=$(type -P "$t") || continue
	guest_bin "$r" "$(readlink -f "$p")" "/usr/bin/$t"
done
guest_python "$r" || skip_all "no python3 for the guest"
ln -sf bash "$r/usr/bin/sh"
printf 'root:x:0:0:root:/root:/bin/sh\n' >"$r/etc/passwd"
printf 'root:x:0:\n' >"$r/etc/group"
cat >"$r/init" <<'SH'
#!/bin/bash
export PATH=/usr/bin:/usr/sbin
mount -t proc proc /proc
mount -t sysfs sys /sys
mount -t tmpfs tmp /tmp
mount -t devtmpfs dev /dev 2>/dev/null
ip link set lo up
cd /opt/saker/build
echo "=== unit"
./tests/unit/test_ptrace_ia32
echo "=== integration"
abs_top_builddir=/opt/saker/build abs_top_srcdir=/opt/saker/src bash /opt/saker/src/tests/integration/ptrace_ia32.sh
echo "=== end"
echo o > /proc/sysrq-trigger
sleep 5
SH
chmod 755 "$r/init"
guest_pack "$r" "$TMP/initrd"
timeout "${GUEST_TIMEOUT:-900}" qemu-system-x86_64 -accel tcg -m "${GUEST_MEM:-768M}" -smp 2 -nographic \
	-no-reboot -nic none -kernel "$vmlinuz" -initrd "$TMP/initrd" \
	-append "console=ttyS0 panic=-1 quiet loglevel=4" </dev/null >"$TMP/console" 2>&1
# The firmware and the kernel reset the console (ESC c, ESC [...): the
# markers must start their lines once those are gone.
tr -d '\r' <"$TMP/console" | sed 's/\x1b\[[0-9;?]*[A-Za-z]//g; s/\x1b[A-Za-z]//g' >"$TMP/out"
sed -n '/^=== unit/,/^=== end/p' "$TMP/out" | sed 's/^/# /'
ok "the guest ran both tests to the end" grep -q '^=== end' "$TMP/out"
sed -n '/^=== unit/,/^=== integration/p' "$TMP/out" >"$TMP/unit"
sed -n '/^=== integration/,/^=== end/p' "$TMP/out" >"$TMP/integ"
ok "unit: the guest printed the unit program's results" grep -q '^ok ' "$TMP/unit"
is "unit: no check failed in the guest" "$(grep -c '^not ok' "$TMP/unit")" 0
is "unit: no check skipped in the guest (32-bit code runs there)" "$(grep -c '# SKIP' "$TMP/unit")" 0
ok "unit: the live i386 checks ran" grep -q '^ok [0-9]* - i386 binary: its execve of /bin/true' "$TMP/unit"
is "integration: no check failed in the guest" "$(grep -c '^not ok' "$TMP/integ")" 0
ok "integration: it ran (not skipped)" grep -q '^ok [0-9]* - i386 binary: its execve alerts' "$TMP/integ"
done_testing
