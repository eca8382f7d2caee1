#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Build saker.ko (DKMS) and the classic eBPF object (clang) for a Debian
# kernel with saker-driver-loader, and test both in a qemu guest running
# that kernel. Everything lands in private directories: the loader gets
# its own --dkms-dir and --state-dir, the kernel image is only unpacked
# (never installed).
#
#   tests/kmod/run.sh [-b BUILDDIR] [-k KVER] [-w WORKDIR] [-c CACHEDIR]
#                     [-S | -s kmod,ebpf] [-e EBPF_OBJECT]
#
# Besides the C cases (tests/kmod/guest*.c, PID 1), the guest runs the
# shared live scenario suite (tests/scenarios/run.sh) against the real
# sakerd twice: --driver kmod, and --driver ebpf loading the classic eBPF
# object built for KVER's headers. -S leaves both suites out (faster), -s
# runs only the listed suites; -e loads the given classic object instead of building one.
#
# KVER defaults to the kernel linux-headers-amd64 depends on (never uname -r:
# that is the host's kernel). Output: the guest's TAP on stdout, and an exit
# status of 0 (guest passed), 1 (guest failed or crashed) or 77 (cannot run
# here, with the reason on stderr).
set -u

here=$(cd "$(dirname "$0")" && pwd)
srcdir=$(cd "$here/../.." && pwd)
builddir=${abs_top_builddir:-$(pwd)}
kver=
work=
suites=1
only=
ebpf_object=
cache=${SAKER_KMOD_CACHE:-/var/tmp/saker-kmod-kernels}
while getopts b:k:w:c:Ss:e: opt; do
	case $opt in
	b) builddir=$OPTARG ;;
	k) kver=$OPTARG ;;
	w) work=$OPTARG ;;
	c) cache=$OPTARG ;;
	S) suites= ;;
	s) only=SAKER_GUEST_SUITES_ONLY=$OPTARG ;;
	e) ebpf_object=$(readlink -f "$OPTARG") ;;
	*) exit 2 ;;
	esac
done
. "$here/lib.sh"

[ "$(id -u)" = 0 ] || guest_skip "needs root (DKMS build and module tests)"
for tool in qemu-system-x86_64 dkms cpio dpkg-query; do
	command -v "$tool" >/dev/null 2>&1 || guest_skip "$tool is not installed (apt-get install qemu-system-x86 dkms cpio)"
done
[ -n "$kver" ] || kver=$(guest_default_kver)
[ -n "$kver" ] || guest_skip "no kernel headers: apt-get install linux-headers-amd64"
[ -d "/lib/modules/$kver/build" ] || guest_skip "no headers for $kver in /lib/modules/$kver/build"
[ -x "$builddir/tests/kmod/saker-kmod-guest" ] || guest_die "build tests/kmod/saker-kmod-guest first (make check)"

[ -n "$work" ] || work=$(mktemp -d /tmp/saker-kmod.XXXXXX)
mkdir -p "$work" "$cache"
log=$work/harness.log
: >"$log"
vmlinuz=$(guest_vmlinuz "$kver" "$cache" "$work") || exit $?

# Both drivers the way a user gets them: the sources staged as 'make
# install-dkms install-ebpfsrcDATA' lays them out, then saker-driver-loader
# for KVER (not the running kernel) on private trees: DKMS builds saker.ko
# (--dkms-dir), clang the classic eBPF object (--state-dir). Nothing
# touches /var/lib/dkms, /lib/modules or /var/lib/saker.
staged=
stage_sources() {
	[ -z "$staged" ] || return 0
	rm -rf "$work/stage"
	make -C "$builddir" -s install-dkms install-ebpfsrcDATA DESTDIR="$work/stage" >>"$log" 2>&1 ||
		guest_die "make install-dkms install-ebpfsrcDATA failed (see $log)"
	staged=1
}

loader() {
	echo "+ saker-driver-loader $*" >>"$log"
	"$builddir/tools/saker-driver-loader" --no-journal -k "$kver" --dkms-dir "$work/dkms" \
		--state-dir "$work/state" --source-dir "$work/stage" "$@" >>"$log" 2>&1
}

build_kmod() {
	stage_sources
	rm -rf "$work/dkms"
	# No signing: the guest kernel takes unsigned modules, and an unknown
	# key would taint it with a warning.
	sign_file=$work/no-signing loader kmod ||
		guest_die "saker-driver-loader kmod failed for $kver (see $log)"
	_ko=$(find "$work/dkms/install" -name 'saker.ko*' | head -n 1)
	[ -n "$_ko" ] || guest_die "saker-driver-loader installed no saker.ko (see $log)"
	case $_ko in
	*.xz) xz -dc "$_ko" >"$work/saker.ko" ;;
	*.zst) zstd -qdc "$_ko" >"$work/saker.ko" ;;
	*) cp "$_ko" "$work/saker.ko" ;;
	esac
	echo "$work/saker.ko"
}

# build_ebpf_classic OUT: the classic eBPF object for KVER's headers
# (--classic: Debian's kernels have BTF, where the loader would otherwise
# leave the CO-RE object to do the job).
build_ebpf_classic() {
	stage_sources
	rm -rf "$work/state"
	loader ebpf --classic || return 1
	cp "$work/state/ebpf/$kver/saker.bpf.o" "$1"
}

# The suites' side of the initramfs: sakerd (its stderr copied to
# $SAKERD_LOG so the guest can read its exit statistics after run.sh has
# removed its scratch directory), the scenario helper, the suite's scripts
# and rules, and what they run (bash, dash as /bin/sh, python3, coreutils).
add_suites() {
	_r=$1 _o=$1/opt/saker
	[ -x "$builddir/src/sakerd" ] || { echo "# no sakerd built: suites left out"; return; }
	[ -x "$builddir/tests/helpers/scenario" ] || { echo "# no scenario helper built: suites left out"; return; }
	mkdir -p "$_o/src/tests/scenarios" "$_o/src/tests/integration" "$_o/build"
	guest_bin "$_r" "$builddir/src/sakerd" /opt/saker/sakerd
	guest_bin "$_r" "$builddir/tests/helpers/scenario" /opt/saker/scenario
	cp "$srcdir/tests/scenarios/run.sh" "$srcdir/tests/scenarios/scenarios.yaml" \
		"$srcdir/tests/scenarios/defaults.yaml" "$_o/src/tests/scenarios/"
	mkdir -p "$_o/src/rules"
	cp "$srcdir/rules/saker_rules.yaml" "$_o/src/rules/"
	cp "$srcdir/tests/integration/lib.sh" "$_o/src/tests/integration/"
	cat >"$_o/sakerd-logged" <<'SH'
#!/bin/bash
exec /opt/saker/sakerd "$@" 2> >(exec tee -a "${SAKERD_LOG:-/dev/null}" >&2)
SH
	chmod 755 "$_o/sakerd-logged"
	# sakerd needs its configuration file at the path built into it.
	_conf=$("$builddir/src/sakerd" --help 2>&1 | sed -n 's/.*(default \(\/[^)]*\)).*/\1/p' | head -n 1)
	mkdir -p "$_r$(dirname "$_conf")"
	cp "$srcdir/config/saker.yaml" "$_r$_conf"
	for _t in bash dash cat cp chmod dirname env grep head id ln ls mkdir mktemp rm \
		sed seq sleep sort tail tee true uname wc mawk cut sha256sum rmdir tr basename; do
		for _d in /usr/bin /bin /usr/sbin /sbin; do
			[ -x "$_d/$_t" ] || continue
			guest_bin "$_r" "$(readlink -f "$_d/$_t")" "/usr/bin/$_t"
			break
		done
	done
	ln -sf dash "$_r/usr/bin/sh"
	# The default-rule scenarios mount scratch tmpfs over these.
	mkdir -p "$_r/var/log" "$_r/dev/shm" "$_r/etc/cron.d" "$_r/usr/local/bin" "$_r/bin"
	[ -e "$_r/bin/true" ] || ln -s /usr/bin/true "$_r/bin/true"
	[ -e "$_r/usr/bin/mawk" ] && ln -sf mawk "$_r/usr/bin/awk"
	guest_python "$_r" || echo "# no python3: the suites will fail in the guest"
	printf 'root:x:0:0:root:/root:/bin/sh\nnobody:x:65534:65534:nobody:/nonexistent:/bin/false\n' \
		>"$_r/etc/passwd"
	printf 'root:x:0:\nnogroup:x:65534:\n' >"$_r/etc/group"
	printf 'root:*:19000:0:99999:7:::\n' >"$_r/etc/shadow"
	chmod 640 "$_r/etc/shadow"
	printf 'saker-guest\n' >"$_r/etc/hostname"
}

t0=$(date +%s)
case $only in
*=*kmod* | "")
	ko=$(build_kmod) || exit $?
	echo "# saker-driver-loader kmod: DKMS built saker.ko for $kver in $(($(date +%s) - t0)) s"
	;;
*) ko=/dev/null ;; # only the eBPF suite: no module needed
esac

# The initramfs: the guest program as /init, its libraries, the module.
root=$work/initramfs
guest_root "$root"
guest_bin "$root" "$builddir/tests/kmod/saker-kmod-guest" /init
cp "$ko" "$root/saker.ko"
[ -s "$cache/overlay-$kver.ko" ] && cp "$cache/overlay-$kver.ko" "$root/overlay.ko"
# The 32-bit programs every driver's 32-bit tests run (tests/local.mk):
# int $0x80 from a 64-bit process, and a real i386 binary.
if [ -x "$builddir/tests/helpers/ia32_int80" ] && [ -x "$builddir/tests/helpers/ia32_static" ]; then
	guest_bin "$root" "$builddir/tests/helpers/ia32_int80" /ia32_int80
	cp "$builddir/tests/helpers/ia32_static" "$root/ia32_static"
else
	echo "# no tests/helpers/ia32_int80 or ia32_static built: the ia32 case fails (make check builds them)"
fi
if [ -n "$suites" ]; then
	t0=$(date +%s)
	if [ -n "$ebpf_object" ]; then
		cp "$ebpf_object" "$root/saker.bpf.o"
	elif build_ebpf_classic "$root/saker.bpf.o"; then
		echo "# saker-driver-loader ebpf --classic: built the classic eBPF object for $kver in $(($(date +%s) - t0)) s"
	else
		echo "# classic eBPF object not built for $kver (see $log)"
		: >"$root/saker.bpf.o.failed"
	fi
	add_suites "$root"
fi
guest_pack "$root" "$work/initramfs.cpio"
echo "# initramfs: $(du -m "$work/initramfs.cpio" | cut -f1) MiB"

t0=$(date +%s)
guest_boot "$vmlinuz" "$work/initramfs.cpio" "$work/console.log" 600 "$only"
rc=$?
echo "# guest ran in $(($(date +%s) - t0)) s, qemu exit $rc, console in $work/console.log"
tr -d '\r' <"$work/console.log" | grep -E '^(ok|not ok|#|1\.\.)'
marker=$(tr -d '\r' <"$work/console.log" | sed -n 's/^SAKER-KMOD-RESULT: //p')
if [ "$rc" = 33 ] && [ "$marker" = PASS ]; then
	exit 0
fi
tr -d '\r' <"$work/console.log" | grep -E 'Oops|BUG|WARNING|panic|Call Trace' -A20 | head -60 | sed 's/^/# /'
exit 1
