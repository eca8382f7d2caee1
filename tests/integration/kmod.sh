#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# saker.ko and the classic eBPF object in a real kernel: saker-driver-loader
# builds both for a Debian kernel's headers (DKMS, clang), a qemu guest
# running that kernel loads them and runs tests/kmod's cases and the live
# scenario suite with sakerd --driver kmod and --driver ebpf. The kernels: the
# one linux-headers-amd64 depends on (Debian 12's current), plus every other
# installed Debian amd64 header tree (the bookworm-backports 6.12 kernel on
# CI), or exactly those listed in SAKER_KMOD_KERNELS. The guest's TAP lines
# are relayed as diagnostics; the checks here are the verdicts.
. "$abs_top_srcdir/tests/integration/lib.sh"

[ "$(id -u)" = 0 ] || skip_all "needs root (DKMS build and module tests in a qemu guest)"
command -v qemu-system-x86_64 >/dev/null 2>&1 || skip_all "qemu-system-x86_64 missing (apt-get install qemu-system-x86)"
default=$(dpkg-query -W -f='${Depends}' linux-headers-amd64 2>/dev/null |
	sed -n 's/^linux-headers-\([^ ,]*\).*/\1/p')
kernels=${SAKER_KMOD_KERNELS:-$default $(ls -d /lib/modules/*-amd64/build 2>/dev/null |
	sed 's|^/lib/modules/||; s|/build$||' | grep -vx "${default:-none}" | sort -V)}
[ -n "$(echo $kernels)" ] || skip_all "no kernel headers: apt-get install linux-headers-amd64"

skipped=
for kver in $kernels; do
	out=$TMP/run-$kver.out
	sh "$abs_top_srcdir/tests/kmod/run.sh" -b "$abs_top_builddir" -k "$kver" \
		-w "$TMP/work-$kver" >"$out" 2>"$TMP/run-$kver.err"
	rc=$?
	if [ "$rc" = 77 ]; then
		skipped="$skipped $kver: $(tail -n 1 "$TMP/run-$kver.err")"
		echo "# $kver skipped: $(tail -n 1 "$TMP/run-$kver.err")"
		continue
	fi
	sed "s/^/# $kver: /" "$out"
	if [ "$rc" != 0 ]; then
		sed 's/^/# /' "$TMP/run-$kver.err"
		tail -n 40 "$TMP/work-$kver/harness.log" 2>/dev/null | sed 's/^/# /'
	fi
	is "$kver: DKMS builds the module, it loads, the guest reports a pass" "$rc" 0
	is "$kver: no failed check in the guest" "$(grep -c '^not ok' "$out")" 0
	is "$kver: the guest ran all its checks" "$(grep -c '^ok' "$out" | awk '{print ($1 > 50)}')" 1
	is "$kver: sakerd --driver kmod passed the live scenario suite in the guest" \
		"$(grep -c '^ok [0-9]* - sakerd --driver kmod: the suite passed' "$out")" 1
	# The classic eBPF object saker-driver-loader built for $kver's headers,
	# loaded by sakerd --driver ebpf in the guest (a rejection's verifier
	# log is relayed above, from /run/saker/ebpf-verifier.log).
	is "$kver: sakerd --driver ebpf (classic object) passed the live scenario suite in the guest" \
		"$(grep -c '^ok [0-9]* - sakerd --driver ebpf (classic object): the suite passed' "$out")" 1
	is "$kver: sakerd --driver ebpf (classic object): no drops in the guest" \
		"$(grep -c '^ok [0-9]* - sakerd --driver ebpf (classic object): no drops' "$out")" 1
done
[ "$tap_n" -gt 0 ] || skip_all "$skipped"
done_testing
