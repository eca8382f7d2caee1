#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# The package proof, by hand or from .ci/run: make dist; build the Debian
# packages from the tarball; lintian (no errors); install them on this host;
# check every file lands where the unit and the configuration expect it and
# that the installed daemon runs; systemd-analyze verify the installed
# units; purge and check nothing is left; then rpmbuild -ta the same
# tarball and check the RPMs' file lists.
#
#   tests/packaging/run.sh [-b BUILDDIR] [--rpm-check] [--no-rpm] [--keep]
#                          [--from DIR]
#
# -b: a configured build tree to run 'make dist' in (default: the source
# tree if it is configured in place, else a fresh one in the work dir).
# --rpm-check runs the spec's %check (make check; long) instead of
# --nocheck. Everything is built in a temporary directory; the packages are
# purged, and packages their installation pulled in removed, on any exit.
# --from DIR: reuse the tarball and .debs a --keep run left in DIR (skips
# make dist, dpkg-buildpackage and lintian; for iterating on the checks).
# Needs root (it installs packages on this host).
set -euo pipefail

srcdir=$(cd "$(dirname "$0")/../.." && pwd)
builddir=""
rpm_check=no
do_rpm=yes
keep=no
from=""
while [ $# -gt 0 ]; do
	case $1 in
	-b) builddir=$(cd "$2" && pwd); shift ;;
	--rpm-check) rpm_check=yes ;;
	--no-rpm) do_rpm=no ;;
	--keep) keep=yes ;;
	--from) from=$(cd "$2" && pwd); shift ;;
	*) echo "usage: $0 [-b BUILDDIR] [--rpm-check] [--no-rpm] [--keep]" >&2; exit 64 ;;
	esac
	shift
done

fail() { echo "packaging: FAIL: $*" >&2; exit 1; }
note() { printf 'packaging: %s\n' "$*"; }
now() { date +%s; }
step_start=0
step() { step_name=$1; step_start=$(now); note "== $1"; }
step_done() { note "   $step_name: ok ($(($(now) - step_start)) s)"; }

[ "$(id -u)" = 0 ] || fail "needs root: it installs and purges packages on this host"
for t in dpkg-buildpackage lintian apt-get dpkg-deb systemd-analyze; do
	command -v $t >/dev/null || fail "$t is missing (apt-get build-dep . installs it)"
done
[ $do_rpm = no ] || command -v rpmbuild >/dev/null || fail "rpmbuild is missing (package rpm)"

# Refuse to run where our purge would delete someone else's files.
for p in saker saker-dkms; do
	if dpkg-query -W -f='${Status}' $p 2>/dev/null | grep -q "installed"; then
		fail "$p is already installed here; this test would purge it"
	fi
done
for d in /etc/saker /var/lib/saker /var/log/saker; do
	[ ! -e $d ] || fail "$d exists before the test; purging would remove it"
done
ls -d /usr/src/saker-* >/dev/null 2>&1 && fail "a /usr/src/saker-* tree exists before the test"

work=$(mktemp -d /tmp/saker-packaging.XXXXXX)
# Other jobs on this host may hold the dpkg lock for a while: wait for it.
apt_get() { DEBIAN_FRONTEND=noninteractive apt-get -o DPkg::Lock::Timeout=600 "$@"; }
installed=no
: >"$work/pulled-in"
cleanup() {
	local rc=$?
	set +e
	if [ $installed = yes ]; then
		note "cleanup: purging saker, saker-dkms"
		apt_get purge -y saker saker-dkms >"$work/cleanup.log" 2>&1 ||
			{ tail -20 "$work/cleanup.log"; note "cleanup: PURGE FAILED, undo by hand"; rc=1; }
		rm -rf /etc/saker /var/lib/saker /var/log/saker
	fi
	# Only what apt said it would install for us (none where the build
	# dependencies are installed); never packages others installed meanwhile.
	if [ -s "$work/pulled-in" ]; then
		note "cleanup: purging what the installation pulled in: $(tr '\n' ' ' <"$work/pulled-in")"
		xargs -a "$work/pulled-in" apt-get -o DPkg::Lock::Timeout=600 purge -y \
			>>"$work/cleanup.log" 2>&1 || { note "cleanup: purge of pulled-in packages failed"; rc=1; }
	fi
	if [ $keep = yes ]; then note "kept $work"; else rm -rf "$work"; fi
	exit $rc
}
trap cleanup EXIT
trap 'exit 130' INT TERM
t_all=$(now)

# --- make dist -------------------------------------------------------------
if [ -n "$from" ]; then
	tarball=$(ls "$from"/saker-*.tar.gz)
	version=$(basename "$tarball" .tar.gz)
	version=${version#saker-}
	cp "$tarball" "$work/"
	tarball=$work/saker-$version.tar.gz
	mkdir -p "$work/deb"
	cp "$from"/deb/*.deb "$work/deb/"
else
step "make dist"
if [ -z "$builddir" ] && [ -f "$srcdir/config.status" ]; then
	builddir=$srcdir
fi
if [ -z "$builddir" ]; then
	[ -x "$srcdir/configure" ] || fail "$srcdir has no configure: run ./autogen.sh"
	builddir=$work/build
	mkdir -p "$builddir"
	(cd "$builddir" && "$srcdir/configure" -q --enable-fuzz=no >"$work/configure.log" 2>&1) ||
		{ tail -20 "$work/configure.log"; fail "configure"; }
fi
version=$(sed -n 's/^PACKAGE_VERSION = //p' "$builddir/Makefile")
[ -n "$version" ] || fail "no PACKAGE_VERSION in $builddir/Makefile"
make -C "$builddir" -s dist-gzip >"$work/dist.log" 2>&1 || { tail -20 "$work/dist.log"; fail "make dist"; }
mv "$builddir/saker-$version.tar.gz" "$work/"
tarball=$work/saker-$version.tar.gz
step_done
fi


# --- Debian packages ---------------------------------------------------------
if [ -z "$from" ]; then
step "dpkg-buildpackage -b (nocheck)"
mkdir -p "$work/deb"
tar -xzf "$tarball" -C "$work/deb"
debsrc=$work/deb/saker-$version
(cd "$debsrc" && DEB_BUILD_OPTIONS="nocheck parallel=$(nproc)" \
	dpkg-buildpackage -us -uc -b >"$work/dpkg-buildpackage.log" 2>&1) ||
	{ tail -40 "$work/dpkg-buildpackage.log"; fail "dpkg-buildpackage"; }
changes=$(ls "$work"/deb/saker_"$version"-*_amd64.changes)
step_done

step "lintian"
lintian --fail-on error --display-info "$changes" >"$work/lintian.log" 2>&1 || lint_rc=$?
for s in E W I P; do
	note "   lintian $s: $(grep -c "^$s: " "$work/lintian.log" || true)"
done
grep -v "running with root privileges" "$work/lintian.log" | sed 's/^/    /' || true
[ "${lint_rc:-0}" = 0 ] || fail "lintian reports errors"
step_done
fi
deb_saker=$(ls "$work"/deb/saker_"$version"-*_amd64.deb)
deb_dkms=$(ls "$work"/deb/saker-dkms_"$version"-*_all.deb)

# --- install on this host ----------------------------------------------------
step "apt-get install ./saker_*.deb ./saker-dkms_*.deb"
(cd "$work/deb" && apt_get install -s "./$(basename "$deb_saker")" "./$(basename "$deb_dkms")") |
	sed -n 's/^Inst \([^ ]*\) .*/\1/p' | grep -Ev '^saker(-dkms)?$' >"$work/pulled-in" || true
installed=yes
(cd "$work/deb" && apt_get install -y \
	"./$(basename "$deb_saker")" "./$(basename "$deb_dkms")" >"$work/install.log" 2>&1) ||
	{ tail -40 "$work/install.log"; fail "apt-get install"; }
grep -E "^(saker|Building|Module build|DKMS|Done|Loading|It is likely)" "$work/install.log" |
	sed 's/^/    /' || true
dpkg -L saker saker-dkms | sort -u >"$work/dpkg-L"
step_done

step "installed files"
unit=$(dpkg -L saker | grep -E '/systemd/system/saker\.service$') || fail "no saker.service"
kunit=$(dpkg -L saker | grep -E '/systemd/system/saker-kmod\.service$') || fail "no saker-kmod.service"
for f in README.md metrics.md ptrace.md; do
	[ -f "/usr/share/doc/saker/$f" ] || [ -f "/usr/share/doc/saker/$f.gz" ] ||
		fail "no /usr/share/doc/saker/$f: the docs are not installed"
done
execstart=$(sed -n 's/^ExecStart=//p' "$unit")
set -- $execstart
[ -x "$1" ] || fail "the unit's ExecStart binary $1 is not there"
[ "$2" = -c ] && [ -f "$3" ] || fail "the unit's configuration $3 is not there"
config=$3
note "   ExecStart=$execstart: binary and configuration present"
[ -d /etc/saker/rules.d ] || fail "/etc/saker/rules.d missing"
[ -f /usr/share/saker/rules/saker_rules.yaml ] || fail "shipped rules missing"
grep -Eq '^#? *- /usr/share/saker/rules$' "$config" ||
	fail "$config does not name /usr/share/saker/rules"
# The daemon with the installed configuration finds the shipped rules by its
# built-in paths (/usr/share/saker/rules, /etc/saker/rules.d).
n=$(sakerd -c "$config" -L | wc -l)
[ "$n" -gt 0 ] || fail "sakerd -c $config -L loads no rules"
saker validate /usr/share/saker/rules /etc/saker/rules.d >/dev/null || fail "saker validate"
note "   sakerd -c $config -L: $n rules from the built-in rules paths"
bpfobj=/usr/lib/$(dpkg-architecture -qDEB_HOST_MULTIARCH)/saker/ebpf/saker.bpf.o
[ -f "$bpfobj" ] || fail "CO-RE object $bpfobj missing"
readelf -h "$bpfobj" | grep -q "Linux BPF" || fail "$bpfobj is not a BPF object"
readelf -S "$bpfobj" | grep -q '\.BTF' || fail "$bpfobj lost its BTF (stripped?)"
[ -f /usr/lib/systemd/catalog/saker.catalog ] || fail "journal catalog missing"
journalctl --update-catalog
journalctl --list-catalog 43ba49ee1a594c52bf690ce13f0ea640 | grep -q saker ||
	fail "the catalog's alert entry is not in journalctl --list-catalog"
[ -f /etc/logrotate.d/saker ] || fail "logrotate configuration missing"
for m in sakerd.8 saker.8 saker.yaml.5; do
	[ -f /usr/share/man/man${m##*.}/$m.gz ] || fail "man page $m missing"
done
for d in ebpf kmod; do
	[ -f /usr/share/saker/systemd/$d.conf ] || fail "drop-in $d.conf missing"
done
[ -L /etc/systemd/system/multi-user.target.wants/saker.service ] ||
	fail "saker.service is not enabled"
[ -f /usr/src/saker-$version/dkms.conf ] || fail "DKMS tree /usr/src/saker-$version missing"
grep -q "^PACKAGE_VERSION=\"$version\"" /usr/src/saker-$version/dkms.conf ||
	fail "dkms.conf does not carry version $version"
st=$(dkms status saker/"$version" 2>/dev/null)
[ -n "$st" ] || fail "saker/$version is not in dkms status"
printf '%s\n' "$st" | sed 's/^/    dkms: /'
[ -x /usr/sbin/saker-driver-loader ] || fail "saker-driver-loader missing"
for h in /etc/kernel/postinst.d/saker /etc/kernel/header_postinst.d/saker \
	/etc/kernel/postrm.d/saker /usr/lib/kernel/install.d/50-saker.install; do
	[ -x $h ] || fail "kernel hook $h missing or not executable"
done
v=$(saker --version)
[ "$v" = "saker $version (event ABI $(sakerd --version | sed -n 's/.*ABI \([0-9.]*\)).*/\1/p'))" ] ||
	fail "saker --version says '$v'"
note "   saker --version: $v"
step_done

step "systemd-analyze verify"
out=$(systemd-analyze verify "$unit" "$kunit" 2>&1) || vrc=$?
[ -z "$out" ] && [ "${vrc:-0}" = 0 ] ||
	{ printf '%s\n' "$out"; fail "systemd-analyze verify"; }
# Each drop-in on top of the installed unit.
for d in ebpf kmod; do
	mkdir -p "$work/units/saker.service.d"
	ln -sf /usr/share/saker/systemd/$d.conf "$work/units/saker.service.d/"
	out=$(SYSTEMD_UNIT_PATH="$work/units:" systemd-analyze verify saker.service 2>&1) || vrc=$?
	[ -z "$out" ] || { printf '%s\n' "$out"; fail "systemd-analyze verify with $d.conf"; }
	rm -f "$work/units/saker.service.d/$d.conf"
done
# And a broken one, to prove the drop-ins above were read at all.
printf '[Service]\nExecStart=\nExecStart=/nonexistent/sakerd\n' >"$work/units/saker.service.d/zz-broken.conf"
out=$(SYSTEMD_UNIT_PATH="$work/units:" systemd-analyze verify saker.service 2>&1 || true)
printf '%s\n' "$out" | grep -q /nonexistent/sakerd ||
	fail "systemd-analyze verify did not read the drop-ins in $work/units"
note "   saker.service, saker-kmod.service, and saker.service with each drop-in"
step_done

step "installed sakerd under the eBPF drop-in's capabilities"
if [ -r /sys/kernel/btf/vmlinux ] && command -v setpriv >/dev/null; then
	caps=$(sed -n 's/^CapabilityBoundingSet=\(.\)/\1/p' /usr/share/saker/systemd/ebpf.conf |
		tr 'A-Z ' 'a-z\n' | sed 's/^cap_/+/' | paste -sd, -)
	for obj in builtin "$bpfobj"; do
		rm -f "$work/ready"
		if [ "$obj" = builtin ]; then envset=(); else envset=(SAKER_EBPF_OBJECT="$obj"); fi
		env "${envset[@]}" setpriv --bounding-set=-all,"$caps" --inh-caps=-all -- \
			sakerd -c "$config" --driver ebpf -o stdout_output.enabled=false \
			--ready-file "$work/ready" >"$work/sakerd.log" 2>&1 &
		pid=$!
		for _ in $(seq 100); do
			[ -e "$work/ready" ] || ! kill -0 $pid 2>/dev/null && break
			sleep 0.1
		done
		kill $pid 2>/dev/null || true
		wait $pid || true
		[ -e "$work/ready" ] || { cat "$work/sakerd.log"; fail "sakerd ($obj) did not start with $caps"; }
		note "   probe $obj: $(grep -m1 'ready:' "$work/sakerd.log")"
	done
else
	note "   skipped: no BTF or no setpriv on this host"
fi
step_done

# --- purge -------------------------------------------------------------------
step "apt-get purge"
apt_get purge -y saker saker-dkms >"$work/purge.log" 2>&1 ||
	{ tail -20 "$work/purge.log"; fail "apt-get purge"; }
installed=no
left=""
while read -r p; do
	case $p in
	/.|/etc|/etc/*.d|/etc/kernel|/lib|/lib/systemd|/lib/systemd/system|/usr|/usr/bin|/usr/sbin|/usr/lib|/usr/lib/*-linux-gnu|/usr/lib/systemd|/usr/lib/systemd/catalog|/usr/lib/kernel|/usr/lib/kernel/install.d|/usr/share|/usr/share/doc|/usr/share/lintian|/usr/share/lintian/overrides|/usr/share/man|/usr/share/man/man?|/usr/src) ;;
	*) [ ! -e "$p" ] && [ ! -L "$p" ] || left="$left $p" ;;
	esac
done <"$work/dpkg-L"
[ -z "$left" ] || fail "left after purge:$left"
for p in /etc/saker /var/lib/saker /var/log/saker /var/lib/dkms/saker \
	/etc/systemd/system/multi-user.target.wants/saker.service; do
	[ ! -e $p ] && [ ! -L $p ] || fail "$p left after purge"
done
ls -d /usr/src/saker-* 2>/dev/null && fail "/usr/src/saker-* left after purge"
ls /lib/modules/*/updates/dkms/saker.ko* 2>/dev/null && fail "saker.ko left after purge"
[ -z "$(dkms status saker 2>/dev/null)" ] || fail "dkms status still lists saker"
note "   $(wc -l <"$work/dpkg-L") paths of dpkg -L gone; no /etc/saker, /var/lib/saker, /usr/src/saker-*, dkms entry"
step_done

# --- RPM ---------------------------------------------------------------------
if [ $do_rpm = yes ]; then
	step "rpmbuild -ta --nodeps$([ $rpm_check = yes ] || echo ' --nocheck')"
	mkdir -p "$work/rpm/SOURCES"
	rpm_tarball=$tarball
	rpmbuild -ta --nodeps $([ $rpm_check = yes ] || echo --nocheck) \
		--define "_topdir $work/rpm" "$rpm_tarball" >"$work/rpmbuild.log" 2>&1 ||
		{ tail -40 "$work/rpmbuild.log"; fail "rpmbuild"; }
	rpm_saker=$(ls "$work"/rpm/RPMS/x86_64/saker-"$version"-1*.x86_64.rpm)
	rpm_dkms=$(ls "$work"/rpm/RPMS/noarch/saker-dkms-"$version"-1*.noarch.rpm)
	ls "$work"/rpm/SRPMS/saker-"$version"-1*.src.rpm >/dev/null || fail "no source RPM"
	step_done

	step "RPM file lists"
	rpm -qlp "$rpm_saker" >"$work/rpm.saker"
	rpm -qlp "$rpm_dkms" >"$work/rpm.dkms"
	libdir=$(rpm --eval %_libdir)
	for f in /usr/bin/saker /usr/sbin/sakerd /etc/saker/saker.yaml /etc/saker/rules.d \
		/etc/logrotate.d/saker /usr/share/saker/rules/saker_rules.yaml \
		/usr/share/saker/systemd/ebpf.conf /usr/share/saker/systemd/kmod.conf \
		"$libdir/saker/ebpf/saker.bpf.o" /usr/lib/systemd/system/saker.service \
		/usr/lib/systemd/system/saker-kmod.service /usr/lib/systemd/catalog/saker.catalog \
		/usr/share/man/man8/sakerd.8 /usr/share/man/man8/saker.8 \
		/usr/share/man/man5/saker.yaml.5 "/usr/share/doc/saker(-[0-9.]+)?/metrics.md"; do
		# Debian's brp-compress fails under dash and leaves man pages as they are.
		grep -Eqx "$f(\.gz)?" "$work/rpm.saker" || fail "saker RPM lacks $f"
	done
	for f in /usr/sbin/saker-driver-loader /etc/kernel/postinst.d/saker \
		/etc/kernel/header_postinst.d/saker /etc/kernel/postrm.d/saker \
		/usr/lib/kernel/install.d/50-saker.install \
		/usr/share/man/man8/saker-driver-loader.8; do
		grep -Eqx "$f(\.gz)?" "$work/rpm.saker" || fail "saker RPM lacks $f"
	done
	mkdir -p "$work/rpm/x"
	(cd "$work/rpm/x" && rpm2cpio "$rpm_saker" | cpio -id --quiet "./${libdir#/}/saker/ebpf/saker.bpf.o")
	readelf -S "$work/rpm/x/$libdir/saker/ebpf/saker.bpf.o" | grep -q '\.BTF' ||
		fail "the RPM's saker.bpf.o lost its BTF"
	grep -qx "/usr/src/saker-$version/dkms.conf" "$work/rpm.dkms" || fail "saker-dkms RPM lacks dkms.conf"
	grep -qx "/usr/src/saker-$version/kmod/main.c" "$work/rpm.dkms" || fail "saker-dkms RPM lacks kmod/main.c"
	grep -qx "/usr/src/saker-$version/common/saker_abi.h" "$work/rpm.dkms" ||
		fail "saker-dkms RPM lacks common/saker_abi.h"
	! grep -v "^/usr/src/saker-$version" "$work/rpm.dkms" | grep -q . ||
		fail "saker-dkms RPM has files outside /usr/src/saker-$version"
	! grep -q "^/usr/src" "$work/rpm.saker" || fail "saker RPM carries the module sources"
	[ "$(rpm -qp --qf '%{ARCH}' "$rpm_dkms")" = noarch ] || fail "saker-dkms RPM is not noarch"
	rpm -qp --scripts "$rpm_dkms" | grep -q "dkms install -m saker -v $version" ||
		fail "saker-dkms %post does not dkms install"
	rpm -qp --scripts "$rpm_dkms" | grep -q "dkms remove -m saker -v $version" ||
		fail "saker-dkms %preun does not dkms remove"
	rpm -qp --scripts "$rpm_saker" | grep -q "systemctl --no-reload preset saker.service\|systemd-update-helper" ||
		fail "saker %post does not preset the service"
	rpm -qp --configfiles "$rpm_saker" | grep -qx /etc/saker/saker.yaml ||
		fail "saker.yaml is not a %config file"
	note "   saker: $(wc -l <"$work/rpm.saker") paths, saker-dkms: $(wc -l <"$work/rpm.dkms") paths"
	step_done
fi

note "all packaging checks passed ($(($(now) - t_all)) s)"
