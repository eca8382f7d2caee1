# SPDX-License-Identifier: GPL-2.0-only
# TAP helpers for the shell integration tests. Source it, then use ok/is/skip_all.
: "${abs_top_builddir:=$(cd "$(dirname "$0")/../.." && pwd)}"
: "${abs_top_srcdir:=$abs_top_builddir}"
: "${SAKER:=$abs_top_builddir/src/saker}"
tap_n=0
tap_failed=0
TMP=$(mktemp -d /tmp/saker-it.XXXXXX)
export TMP SAKER abs_top_builddir abs_top_srcdir
trap 'rm -rf "$TMP"' EXIT

# ok DESCRIPTION COMMAND...: passes when the command succeeds.
ok() {
	local what=$1
	shift
	tap_n=$((tap_n + 1))
	if "$@" >"$TMP/ok.out" 2>&1; then
		echo "ok $tap_n - $what"
	else
		echo "not ok $tap_n - $what"
		sed 's/^/# /' "$TMP/ok.out" | head -20
		tap_failed=$((tap_failed + 1))
	fi
}

# skip DESCRIPTION REASON: one check that cannot run here.
skip() {
	tap_n=$((tap_n + 1))
	echo "ok $tap_n - $1 # SKIP $2"
}

# is DESCRIPTION GOT WANT
is() {
	tap_n=$((tap_n + 1))
	if [ "$2" = "$3" ]; then
		echo "ok $tap_n - $1"
	else
		echo "not ok $tap_n - $1"
		echo "# got:  '$2'"
		echo "# want: '$3'"
		tap_failed=$((tap_failed + 1))
	fi
}

# wait_ready FILE PID: wait (at most 30 s) for a daemon's --ready-file;
# fails at once if the daemon dies first.
wait_ready() {
	_i=0
	while [ ! -e "$1" ] && [ $_i -lt 300 ]; do
		kill -0 "$2" 2>/dev/null || return 1
		sleep 0.1
		_i=$((_i + 1))
	done
	[ -e "$1" ]
}

# loopback_listener PORTFILE [SECONDS] [recv]: a TCP server on 127.0.0.1 in
# the background ($listener) accepting and closing every connection (after
# reading one byte with "recv"), for SECONDS (default 60). Its port is in
# $port once it listens (waits up to 10 s).
loopback_listener() {
	python3 - "$1" "${2:-60}" "${3:-}" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(float(sys.argv[2]))
try:
    while True:
        c, _ = s.accept()
        if sys.argv[3] == "recv":
            c.recv(1)
        c.close()
except Exception:
    pass
PY
	listener=$!
	_i=0
	while [ ! -s "$1" ] && [ $_i -lt 100 ]; do sleep 0.1; _i=$((_i + 1)); done
	port=$(cat "$1" 2>/dev/null)
}

# sakerd_stats PID ERRFILE [PATTERN]: a fresh statistics line matching
# PATTERN (default: the containers line) from sakerd PID (SIGUSR2), as it
# writes it to ERRFILE (its stderr); waits up to 5 s.
sakerd_stats() {
	_p=${3:-stats (requested): containers}
	_n=$(grep -c "$_p" "$2")
	kill -USR2 "$1"
	_i=0
	while [ "$(grep -c "$_p" "$2")" -le "$_n" ] && [ $_i -lt 50 ]; do
		sleep 0.1
		_i=$((_i + 1))
	done
	grep "$_p" "$2" | tail -1
}

# ebpf_why: why sakerd's eBPF driver cannot run here; nothing when it can.
ebpf_why() {
	if [ ! -r /sys/kernel/btf/vmlinux ]; then
		echo "no BTF: the eBPF driver cannot run here"
	elif ! "$abs_top_builddir/src/sakerd" --help 2>&1 | grep -q ebpf; then
		echo "sakerd built without the eBPF driver"
	fi
}

# need_ebpf: skip the whole test unless sakerd's eBPF driver can run here.
need_ebpf() {
	_why=$(ebpf_why)
	[ -z "$_why" ] || skip_all "$_why"
}

# stop_daemon: SIGTERM to the sakerd in $daemon, which must exit 0.
stop_daemon() {
	kill "$daemon"
	wait "$daemon"
	is "sakerd exits 0" "$?" 0
	daemon=
}

# stat_num NAME LINE: the number NAME=N of a statistics line.
stat_num() { echo "$2" | sed -n "s/.* $1=\([0-9]*\).*/\1/p"; }

# verdicts FILE: one check per line "PASS|FAIL|SKIP<TAB>description[<TAB>why]",
# as the Python checkers of the live suites print them.
verdicts() {
	while IFS="$(printf '\t')" read -r _v _what _why; do
		if [ "$_v" = PASS ]; then
			ok "$_what" true
		elif [ "$_v" = SKIP ]; then
			tap_n=$((tap_n + 1))
			echo "ok $tap_n # SKIP $_what"
		else
			[ -n "$_why" ] && echo "# $_why"
			ok "$_what" false
		fi
	done < "$1"
}

skip_all() {
	echo "1..0 # SKIP $*"
	exit 0
}

done_testing() {
	echo "1..$tap_n"
	[ "$tap_failed" -eq 0 ]
}

# exclusive NAME: wait until no other test holding NAME runs (make check
# runs tests in parallel), and hold it until this test exits. The
# container tests count the daemon's whole container cache, which another
# test's containers (the scenario suites make docker-*.scope cgroups) would
# fill. Processes the test starts inherit the lock; one left running must
# not hang the suite, hence the bound. Without flock (a test guest) it
# does nothing.
exclusive() {
	command -v flock > /dev/null 2>&1 || return 0
	exec 9> "${TMPDIR:-/tmp}/saker-test-$1.lock"
	flock -w 300 9 || echo "# waited 300 s for the $1 lock; going on"
}
