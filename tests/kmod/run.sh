#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build saker.ko with DKMS for a Debian kernel and test it in a qemu guest
# running that kernel. Everything lands in private directories: DKMS gets
# its own --dkmstree/--sourcetree/--installtree, the kernel image is only
# unpacked (never installed).
#
#   tests/kmod/run.sh [-b BUILDDIR] [-k KVER] [-w WORKDIR] [-c CACHEDIR]
#
# KVER defaults to the kernel linux-headers-amd64 depends on (never uname -r:
# that is the host's kernel). Output: the guest's TAP on stdout, and an exit
# status of 0 (guest passed), 1 (guest failed or crashed) or 77 (cannot run
# here, with the reason on stderr).
set -u

builddir=${abs_top_builddir:-$(pwd)}
kver=
work=
cache=${SAKER_KMOD_CACHE:-/var/tmp/saker-kmod-kernels}
while getopts b:k:w:c: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	k) kver=$OPTARG ;;
	w) work=$OPTARG ;;
	c) cache=$OPTARG ;;
	*) exit 2 ;;
	esac
done

skip() { echo "$*" >&2; exit 77; }
die() { echo "kmod harness: $*" >&2; exit 1; }

[ "$(id -u)" = 0 ] || skip "needs root (DKMS build and module tests)"
for tool in qemu-system-x86_64 dkms cpio gzip dpkg-query; do
	command -v "$tool" >/dev/null 2>&1 || skip "$tool is not installed (apt-get install qemu-system-x86 dkms cpio)"
done
if [ -z "$kver" ]; then
	kver=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
		sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
fi
[ -n "$kver" ] || skip "no kernel headers: apt-get install linux-headers-amd64"
[ -d "/lib/modules/$kver/build" ] || skip "no headers for $kver in /lib/modules/$kver/build"
[ -x "$builddir/tests/kmod/saker-kmod-guest" ] || die "build tests/kmod/saker-kmod-guest first (make check)"

[ -n "$work" ] || work=$(mktemp -d /tmp/saker-kmod.XXXXXX)
mkdir -p "$work" "$cache"
log=$work/harness.log
: >"$log"

# The guest kernel: unpack boot/vmlinuz from the Debian package, once.
vmlinuz=$cache/vmlinuz-$kver
if [ ! -s "$vmlinuz" ]; then
	(cd "$work" && apt-get download "linux-image-$kver" >>"$log" 2>&1) ||
		skip "cannot download linux-image-$kver (see $log)"
	dpkg-deb --fsys-tarfile "$work"/linux-image-"$kver"_*.deb |
		tar -xO "./boot/vmlinuz-$kver" >"$vmlinuz.tmp" || die "no vmlinuz in linux-image-$kver"
	mv "$vmlinuz.tmp" "$vmlinuz"
	rm -f "$work"/linux-image-"$kver"_*.deb
fi

# The module, the way a user gets it: make install-dkms, then dkms.
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$builddir/Makefile")
stage=$work/stage
t0=$(date +%s)
make -C "$builddir" -s install-dkms DESTDIR="$stage" prefix=/usr >>"$log" 2>&1 ||
	die "make install-dkms failed (see $log)"
dk="--dkmstree $work/dkms --sourcetree $stage/usr/src --installtree $work/install"
mkdir -p "$work/dkms" "$work/install/$kver"
# No signing: the guest kernel takes unsigned modules, and signing would
# make dkms generate a key under /var/lib/dkms.
sign_file=$work/no-signing
export sign_file
# shellcheck disable=SC2086
{ dkms add $dk -m saker -v "$version" -k "$kver" &&
	dkms build $dk -m saker -v "$version" -k "$kver" &&
	dkms install $dk --no-depmod -m saker -v "$version" -k "$kver"; } >>"$log" 2>&1 ||
	{ cat "$work"/dkms/saker/"$version"/build/make.log >>"$log" 2>/dev/null; die "dkms failed (see $log)"; }
ko=$(find "$work/install" -name 'saker.ko*' | head -n 1)
[ -n "$ko" ] || die "dkms installed no saker.ko (see $log)"
echo "# dkms built $(basename "$ko") for $kver in $(($(date +%s) - t0)) s"

# The initramfs: the guest program as /init, its libraries, the module.
root=$work/initramfs
rm -rf "$root"
mkdir -p "$root/dev" "$root/proc" "$root/sys" "$root/tmp"
cp "$builddir/tests/kmod/saker-kmod-guest" "$root/init"
case $ko in
*.xz) xz -dc "$ko" >"$root/saker.ko" ;;
*.zst) zstd -qdc "$ko" >"$root/saker.ko" ;;
*) cp "$ko" "$root/saker.ko" ;;
esac
for lib in $(ldd "$root/init" | sed -n 's/.*=> \(\/[^ ]*\).*/\1/p; s/^[[:space:]]*\(\/[^ ]*\) (.*/\1/p'); do
	mkdir -p "$root$(dirname "$lib")"
	cp -L "$lib" "$root$lib"
done
(cd "$root" && find . | cpio -o -H newc 2>>"$log" | gzip -1 >"$work/initramfs.gz") ||
	die "cpio failed"

# The guest reports twice: a marker line and isa-debug-exit (33 = pass).
t0=$(date +%s)
timeout 300 qemu-system-x86_64 -accel tcg -m 256M -smp 2 -nographic -no-reboot -nic none \
	-kernel "$vmlinuz" -initrd "$work/initramfs.gz" \
	-append "console=ttyS0 panic=-1 oops=panic quiet loglevel=4" \
	-device isa-debug-exit,iobase=0xf4,iosize=0x04 </dev/null >"$work/console.log" 2>&1
rc=$?
echo "# guest ran in $(($(date +%s) - t0)) s, qemu exit $rc, console in $work/console.log"
tr -d '\r' <"$work/console.log" | grep -E '^(ok|not ok|#|1\.\.)' 
marker=$(tr -d '\r' <"$work/console.log" | sed -n 's/^SAKER-KMOD-RESULT: //p')
if [ "$rc" = 33 ] && [ "$marker" = PASS ]; then
	exit 0
fi
tr -d '\r' <"$work/console.log" | grep -E 'Oops|BUG|WARNING|panic|Call Trace' -A20 | head -60 | sed 's/^/# /'
exit 1
