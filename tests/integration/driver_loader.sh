#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# saker-driver-loader for Debian 12's packaged kernel (the release
# linux-headers-amd64 depends on, not the running kernel): real DKMS builds
# saker.ko into private trees (--dkms-dir), real clang builds the classic
# eBPF object into a private --state-dir, from the sources as 'make install
# install-dkms' lays them out (--source-dir). One DKMS build per run.
# SAKER_LOADER_KERNEL=R picks another release with headers installed.
. "$abs_top_srcdir/tests/integration/lib.sh"
LOADER=$abs_top_builddir/tools/saker-driver-loader

[ "$(id -u)" = 0 ] || skip_all "needs root (DKMS builds)"
for tool in dkms clang modinfo readelf dpkg-query; do
	command -v "$tool" >/dev/null 2>&1 ||
		skip_all "$tool is not installed (apt-get install dkms clang llvm kmod binutils)"
done
kver=${SAKER_LOADER_KERNEL:-$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')}
[ -n "$kver" ] || skip_all "no kernel headers: apt-get install linux-headers-amd64"
[ -f "/lib/modules/$kver/build/Makefile" ] || skip_all "no headers for $kver in /lib/modules/$kver/build"
[ "$kver" != "$(uname -r)" ] || echo "# note: $kver is the running kernel"

root=$TMP/root
make -C "$abs_top_builddir" -s install-dkms install-ebpfsrcDATA DESTDIR="$root" >"$TMP/stage.log" 2>&1
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$abs_top_builddir/Makefile")
kmod_src=$(find "$root" -path "*/src/saker-$version" -type d | head -n 1)
ebpf_src=$(find "$root" -path "*/saker/ebpf-src" -type d | head -n 1)
ok "the sources are staged as installed (make install-dkms install-ebpfsrcDATA)" \
	test -f "$kmod_src/dkms.conf" -a -f "$ebpf_src/saker.bpf.c"
abi_major=$(sed -n 's/^#define SAKER_ABI_MAJOR \([0-9]*\).*/\1/p' "$abs_top_srcdir/drivers/common/saker_abi.h")

# L ARGS...: the loader on private trees; output in $TMP/out, status in $rc.
L() {
	"$LOADER" --no-journal -k "$kver" --dkms-dir "$TMP/dkms" --state-dir "$TMP/state" \
		--source-dir "$root" "$@" >"$TMP/out" 2>&1
	rc=$?
	sed 's/^/#   /' "$TMP/out"
}
has() { grep -q -- "$1" "$TMP/out"; }

# --print first: it must say what it would do and create nothing.
L --print
is "--print exits 0" "$rc" 0
ok "--print names the DKMS command" has "would run: dkms install --no-depmod -m saker -v $version -k $kver"
ok "--print creates no DKMS tree and no state" test ! -e "$TMP/dkms" -a ! -e "$TMP/state"

# The module, through DKMS.
t0=$(date +%s)
L kmod
echo "# kmod build took $(($(date +%s) - t0)) s"
is "kmod: DKMS builds and installs saker.ko" "$rc" 0
ko=$(find "$TMP/dkms/install/$kver" -name 'saker.ko*' 2>/dev/null | head -n 1)
ok "kmod: the module is in the private install tree" test -n "$ko"
is "kmod: its vermagic is $kver's" "$(modinfo -F vermagic "$ko" 2>/dev/null | cut -d' ' -f1)" "$kver"
is "kmod: modinfo names it saker" "$(modinfo -F name "$ko" 2>/dev/null)" saker
# (The host's own DKMS tree may change meanwhile: other packages, other tests.)
ok "kmod: the system's DKMS tree does not refer to the private trees" \
	sh -c "! find /var/lib/dkms -lname '$TMP/*' 2>/dev/null | grep -q ."
if [ -e "$TMP/dkms/mok.key" ]; then
	ok "kmod: DKMS signed it with the key it generated in --dkms-dir" \
		sh -c "modinfo -F signer '$ko' | grep -q ."
fi
ko_mtime=$(stat -c %Y "$ko" 2>/dev/null)

L kmod
is "kmod again: exit 0" "$rc" 0
ok "kmod again: says there is nothing to do" has "already installed.*nothing to do"
is "kmod again: the module was not rebuilt" "$(stat -c %Y "$ko" 2>/dev/null)" "$ko_mtime"

L
is "auto: exit 0" "$rc" 0
ok "auto: says what it chose and why" has "auto: chose kmod for $kver: $kver accepts modules"

# The classic eBPF object.
L ebpf
is "ebpf: exit 0" "$rc" 0
if grep -q '^CONFIG_DEBUG_INFO_BTF=y' "/lib/modules/$kver/build/.config" 2>/dev/null; then
	ok "ebpf: $kver has BTF, so the CO-RE probe needs no build" has "has BTF.*nothing to build"
	ok "ebpf: and nothing was built" test ! -e "$TMP/state/ebpf/$kver"
fi
t0=$(date +%s)
L ebpf --classic
echo "# classic eBPF build took $(($(date +%s) - t0)) s"
obj=$TMP/state/ebpf/$kver/saker.bpf.o
is "ebpf --classic: exit 0" "$rc" 0
ok "ebpf --classic: the object is where sakerd looks (STATE/ebpf/R/saker.bpf.o)" test -s "$obj"
is "ebpf --classic: an ELF relocatable for the BPF machine" \
	"$(readelf -h "$obj" 2>/dev/null | sed -n 's/^ *\(Type\|Machine\): *//p' | tr '\n' '|')" \
	"REL (Relocatable file)|Linux BPF|"
for sec in raw_tracepoint/sys_exit raw_tracepoint/sys_enter raw_tracepoint/sched_process_exit .maps .saker_abi .BTF; do
	ok "ebpf --classic: section $sec" sh -c "readelf -SW '$obj' | grep -q ' $sec '"
done
# MAJOR << 16 | MINOR, little endian: the major is bytes 3 and 2.
abi=$(readelf -x .saker_abi "$obj" 2>/dev/null | awk '/^ *0x0/ { print $2 }')
is "ebpf --classic: .saker_abi carries ABI major $abi_major" \
	"$(printf '%d' "0x$(echo "$abi" | cut -c7-8)$(echo "$abi" | cut -c5-6)")" "$abi_major"
if command -v bpftool >/dev/null 2>&1 || [ -x /usr/sbin/bpftool ]; then
	ok "ebpf --classic: bpftool reads its BTF" sh -c "PATH=\$PATH:/usr/sbin bpftool btf dump file '$obj' | grep -q saker"
fi
ok "ebpf --classic: no temporary file is left behind" sh -c "! ls -A '$TMP/state/ebpf/$kver' | grep -q '^\.build'"
obj_mtime=$(stat -c %Y "$obj")
L ebpf --classic
is "ebpf --classic again: exit 0" "$rc" 0
ok "ebpf --classic again: up to date, nothing to do" has "up to date.*nothing to do"
is "ebpf --classic again: not rebuilt" "$(stat -c %Y "$obj")" "$obj_mtime"

# --print --clean changes nothing; --clean removes both; twice is a no-op.
L --clean --print
is "--clean --print: exit 0" "$rc" 0
ok "--clean --print: names dkms remove and the object directory" \
	sh -c "grep -q 'would run: dkms remove' '$TMP/out' && grep -q 'would remove $TMP/state/ebpf/$kver' '$TMP/out'"
ok "--clean --print: module and object still there" test -e "$ko" -a -e "$obj"
L --clean
is "--clean: exit 0" "$rc" 0
ok "--clean: the module is gone" test ! -e "$ko"
ok "--clean: DKMS no longer lists it for $kver" \
	sh -c "[ -z \"\$(dkms status -m saker -v '$version' -k '$kver' --dkmstree '$TMP/dkms/dkms' \
		--sourcetree '$TMP/dkms/source' --installtree '$TMP/dkms/install' 2>/dev/null)\" ]"
ok "--clean: the object directory is gone" test ! -e "$TMP/state/ebpf/$kver"
L --clean
is "--clean again: exit 0" "$rc" 0
ok "--clean again: nothing to clean" has "nothing to clean"

# Failure classes, each with its documented exit code and the fix.
L ebpf --classic -k 6.1.0-999-amd64
is "headers missing: exit 3" "$rc" 3
ok "headers missing: the message names the package" has "apt-get install linux-headers-6.1.0-999-amd64"
L kmod -k 6.1.0-999-amd64
is "headers missing (kmod): exit 3" "$rc" 3
L ebpf --classic --headers "$TMP/nowhere"
is "--headers not a kernel tree: exit 3" "$rc" 3
L --frobnicate
is "unknown option: exit 2" "$rc" 2
L --clean -k ../../etc
is "a release that is a path: refused with exit 2" "$rc" 2
CLANG=$TMP/no-clang
export CLANG
L ebpf --classic
unset CLANG
is "clang missing: exit 4" "$rc" 4
ok "clang missing: the message names the package" has "apt-get install clang"
L ebpf --classic --ebpf-source "$TMP/nowhere"
is "probe sources missing: exit 5" "$rc" 5
L kmod --kmod-source "$TMP/nowhere"
is "DKMS tree missing: exit 5" "$rc" 5
ok "DKMS tree missing: the message names saker-dkms" has "apt-get install saker-dkms"
cp -r "$ebpf_src" "$TMP/broken-ebpf"
echo '#error deliberately broken' >>"$TMP/broken-ebpf/saker.bpf.c"
L ebpf --classic --ebpf-source "$TMP/broken-ebpf"
is "the probe does not compile: exit 8" "$rc" 8
ok "the probe does not compile: clang's error is shown" has "deliberately broken"
ok "the probe does not compile: nothing is installed" test ! -e "$TMP/state/ebpf/$kver/saker.bpf.o"
ok "the probe does not compile: the full output is kept in build.log" \
	grep -q "deliberately broken" "$TMP/state/ebpf/$kver/build.log"

# A module that does not build: kmod fails with 7, auto falls back to eBPF.
# (A make that fails at once: the same DKMS failure, without a second
# minute of kernel build.)
cp -r "$kmod_src" "$TMP/broken-kmod"
sed -i -e 's|^MAKE\[0\]=.*|MAKE[0]="make -f /dev/null deliberately-broken"|' \
	-e 's|^CLEAN=.*|CLEAN="true"|' "$TMP/broken-kmod/dkms.conf"
t0=$(date +%s)
"$LOADER" --no-journal -k "$kver" --dkms-dir "$TMP/dkms-broken" --state-dir "$TMP/state" \
	--kmod-source "$TMP/broken-kmod" --ebpf-source "$TMP/broken-ebpf" auto >"$TMP/out" 2>&1
rc=$?
sed 's/^/#   /' "$TMP/out"
echo "# failed DKMS build took $(($(date +%s) - t0)) s"
ok "a module that does not build: DKMS's failure is reported with exit 7" has "could not be prepared (exit 7)"
ok "... with the log to read" has "make.log"
if grep -q '^CONFIG_DEBUG_INFO_BTF=y' "/lib/modules/$kver/build/.config" 2>/dev/null; then
	is "... and auto falls back to the CO-RE eBPF probe (exit 0)" "$rc" 0
	ok "... saying so" has "auto: chose ebpf for $kver"
else
	is "... and auto falls back to eBPF, whose build fails here (exit 8)" "$rc" 8
fi
done_testing
