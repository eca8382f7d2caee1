#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The kernel hooks, called exactly as the kernel packages call them: Debian's
# linux-image postinst/postrm through linux-run-hooks (run-parts
# --exit-on-error with DEB_MAINT_PARAMS), linux-headers' postinst through
# run-parts, Fedora's kernel-install through its plugin list. They run in a
# private mount namespace: a tmpfs over /etc/kernel holds only saker's hooks
# (the host's hooks never run), a tmpfs /run hosts a systemd-journald started
# here, whose journal is checked for the logged reasons. The loader is a fake
# that records its arguments, or the real one on private directories.
. "$(dirname "$0")/lib.sh"
JOURNALD=/lib/systemd/systemd-journald

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root (mount namespace, journald)"
	command -v run-parts >/dev/null || skip_all "run-parts missing (debianutils)"
	[ -d /etc/kernel ] || skip_all "no /etc/kernel to cover with a private tmpfs"
	[ -x "$JOURNALD" ] || skip_all "$JOURNALD not installed"
	command -v journalctl >/dev/null || skip_all "journalctl not installed"
	unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace here"
	rm -rf "$TMP"
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

mount --make-rprivate /
mount -t tmpfs -o mode=755 saker-test-run /run
[ -d /var/log/journal ] && mount -t tmpfs saker-test-journal /var/log/journal
mount -t tmpfs -o mode=755 saker-test-kernel /etc/kernel
for d in postinst.d header_postinst.d postrm.d; do
	mkdir -p "/etc/kernel/$d"
	cp "$abs_top_builddir/tools/$d/saker" "/etc/kernel/$d/saker"
done
"$JOURNALD" 2>"$TMP/journald.err" &
jpid=$!
trap 'kill $jpid 2>/dev/null; rm -rf "$TMP"' EXIT
i=0
while [ ! -S /run/systemd/journal/stdout ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
ok "a private systemd-journald is listening" test -S /run/systemd/journal/stdout

# journal_has TEXT: wait (journald is asynchronous) until the loader's
# identifier logged TEXT.
journal_has() {
	_i=0
	while [ $_i -lt 100 ]; do
		journalctl -q -o cat SYSLOG_IDENTIFIER=saker-driver-loader 2>/dev/null |
			grep -qF -- "$1" && return 0
		sleep 0.05
		_i=$((_i + 1))
	done
	journalctl -q -o cat SYSLOG_IDENTIFIER=saker-driver-loader 2>/dev/null | sed 's/^/# journal: /'
	return 1
}

# The fake loader: one line per call with its arguments, then FAKE_RC.
fake=$TMP/fake-loader
cat >"$fake" <<'EOF'
#!/bin/sh
echo "$*" >>"$FAKE_CALLS"
exit "${FAKE_RC:-0}"
EOF
chmod +x "$fake"
FAKE_CALLS=$TMP/calls
export FAKE_CALLS
kver=6.1.0-99-amd64

# image_hook SCRIPT ACTION: what linux-image-KVER's SCRIPT does with ACTION.
image_hook() {
	if command -v linux-run-hooks >/dev/null; then
		linux-run-hooks image "$1" "$kver" "/boot/vmlinuz-$kver" -- "$2"
	else
		DEB_MAINT_PARAMS="$2" run-parts --report --exit-on-error \
			--arg="$kver" --arg="/boot/vmlinuz-$kver" "/etc/kernel/$1.d"
	fi
}
# What Debian 12's linux-headers-KVER postinst does.
headers_hook() {
	run-parts --report --exit-on-error --arg="$kver" /etc/kernel/header_postinst.d
}
calls() { cat "$FAKE_CALLS" 2>/dev/null; rm -f "$FAKE_CALLS"; }

SAKER_DRIVER_LOADER=$fake
export SAKER_DRIVER_LOADER
image_hook postinst configure >"$TMP/out" 2>&1
is "postinst configure: exit 0" "$?" 0
is "postinst configure: runs the loader for the new kernel" "$(calls)" "--journal --kernel-release $kver"
image_hook postinst abort-remove >"$TMP/out" 2>&1
is "postinst abort-remove: exit 0, loader not run" "$?:$(calls)" "0:"
headers_hook >"$TMP/out" 2>&1
is "header_postinst: exit 0" "$?" 0
is "header_postinst: runs the loader" "$(calls)" "--journal --kernel-release $kver"
image_hook postrm remove >"$TMP/out" 2>&1
is "postrm remove: exit 0" "$?" 0
is "postrm remove: cleans up" "$(calls)" "--journal --kernel-release $kver --clean"
image_hook postrm purge >"$TMP/out" 2>&1
is "postrm purge: cleans up too" "$?:$(calls)" "0:--journal --kernel-release $kver --clean"
image_hook postrm upgrade >"$TMP/out" 2>&1
is "postrm upgrade (same release reinstalled): nothing removed" "$?:$(calls)" "0:"

FAKE_RC=7
export FAKE_RC
image_hook postinst configure >"$TMP/out" 2>&1
is "a failing loader does not fail the kernel's postinst" "$?" 0
ok "... the hook logs the loader's exit status to the journal" journal_has "postinst hook: saker-driver-loader exited 7 for $kver"
ok "... and says how to retry" journal_has "run: saker-driver-loader --kernel-release $kver"
image_hook postrm remove >"$TMP/out" 2>&1
is "a failing loader does not fail the kernel's postrm" "$?" 0
unset FAKE_RC
calls >/dev/null

SAKER_DRIVER_LOADER=$TMP/not-installed
image_hook postinst configure >"$TMP/out" 2>&1
is "saker removed (hook left as a conffile): exit 0" "$?" 0

# kernel-install with only saker's plugin, on a private boot root.
if command -v kernel-install >/dev/null; then
	mkdir -p "$TMP/kconf" "$TMP/boot"
	echo layout=other >"$TMP/kconf/install.conf"
	: >"$TMP/boot/vmlinuz-$kver"
	ki() {
		KERNEL_INSTALL_CONF_ROOT=$TMP/kconf BOOT_ROOT=$TMP/boot \
			MACHINE_ID=0123456789abcdef0123456789abcdef \
			KERNEL_INSTALL_PLUGINS=$abs_top_builddir/tools/50-saker.install \
			kernel-install "$@" >"$TMP/out" 2>&1
	}
	SAKER_DRIVER_LOADER=$fake
	ki add "$kver" "$TMP/boot/vmlinuz-$kver"
	is "kernel-install add: exit 0" "$?" 0
	is "kernel-install add: runs the loader" "$(calls)" "--journal --kernel-release $kver"
	ki remove "$kver"
	is "kernel-install remove: cleans up" "$?:$(calls)" "0:--journal --kernel-release $kver --clean"
	FAKE_RC=3
	export FAKE_RC
	ki add "$kver" "$TMP/boot/vmlinuz-$kver"
	is "kernel-install add with a failing loader: exit 0" "$?" 0
	ok "... logged" journal_has "kernel-install add: saker-driver-loader exited 3 for $kver"
	unset FAKE_RC
	calls >/dev/null
else
	echo "# kernel-install not installed: its plugin is not exercised"
fi

# The real loader on private directories, for a release without headers:
# the kernel installs, the journal says why no driver was built and how to
# fix it.
root=$TMP/root
make -C "$abs_top_builddir" -s install-dkms install-ebpfsrcDATA DESTDIR="$root" >"$TMP/stage.log" 2>&1
SAKER_DRIVER_LOADER=$abs_top_builddir/tools/saker-driver-loader
SAKER_DRIVER_LOADER_OPTS="--state-dir $TMP/state --dkms-dir $TMP/dkms --source-dir $root --config $TMP/none.yaml"
export SAKER_DRIVER_LOADER_OPTS
image_hook postinst configure >"$TMP/out" 2>&1
rc=$?
sed 's/^/#   /' "$TMP/out"
is "headers missing, real loader: the kernel's postinst still exits 0" "$rc" 0
if command -v clang >/dev/null && command -v dkms >/dev/null; then
	ok "... the loader's exit status 3 (headers missing) is logged" \
		journal_has "postinst hook: saker-driver-loader exited 3 for $kver"
	ok "... with the reason and the package to install" \
		journal_has "no kernel headers for $kver"
	ok "... naming the package" journal_has "apt-get install linux-headers-$kver"
else
	echo "# dkms or clang missing: the loader fails earlier (exit 4), not on the headers"
fi
image_hook postrm remove >"$TMP/out" 2>&1
is "real loader, postrm remove of a release it never built for: exit 0" "$?" 0
ok "... says there was nothing to clean" grep -q "nothing to clean" "$TMP/out"

# A configured driver decides what the hook builds: ptrace needs nothing.
echo "driver: ptrace" >"$TMP/none.yaml"
headers_hook >"$TMP/out" 2>&1
is "driver: ptrace configured: header_postinst exits 0" "$?" 0
ok "... and builds nothing, saying why" grep -q "configured driver is ptrace.*nothing to build" "$TMP/out"

if command -v shellcheck >/dev/null; then
	ok "the loader and the hooks are clean POSIX sh (shellcheck -s sh)" shellcheck -s sh \
		"$abs_top_builddir/tools/saker-driver-loader" "$abs_top_builddir/tools/50-saker.install" \
		/etc/kernel/postinst.d/saker /etc/kernel/header_postinst.d/saker /etc/kernel/postrm.d/saker
fi
done_testing
