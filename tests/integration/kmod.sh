#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# saker.ko in a real kernel: DKMS builds it for Debian's kernel, a qemu guest
# running that kernel loads it and runs tests/kmod's cases. The guest's own
# TAP lines are relayed as diagnostics; the checks here are the verdicts.
. "$abs_top_srcdir/tests/integration/lib.sh"

out=$TMP/run.out
sh "$abs_top_srcdir/tests/kmod/run.sh" -b "$abs_top_builddir" -w "$TMP/work" >"$out" 2>"$TMP/run.err"
rc=$?
if [ "$rc" = 77 ]; then
	skip_all "$(tail -n 1 "$TMP/run.err")"
fi
sed 's/^/# guest: /' "$out"
[ "$rc" = 1 ] && sed 's/^/# /' "$TMP/run.err" && tail -n 40 "$TMP/work/harness.log" 2>/dev/null | sed 's/^/# /'
is "the module builds with DKMS, loads, and the guest reports a pass" "$rc" 0
is "no failed check in the guest" "$(grep -c '^not ok' "$out")" 0
is "the guest ran its checks" "$(grep -c '^ok' "$out" | awk '{print ($1 > 40)}')" 1
done_testing
