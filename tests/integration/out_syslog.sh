#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# syslog_output through syslog(3), captured without touching the host's
# /dev/log: the test re-runs itself in a private mount namespace with its
# own /dev, where a receiver listens on /dev/log.
. "$(dirname "$0")/lib.sh"
DRIVE=$abs_top_builddir/tests/helpers/outdrive
SINK=$abs_top_srcdir/tests/helpers/dgram_sink.py

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root for a private mount namespace"
	command -v unshare >/dev/null || skip_all "unshare(1) not installed"
	command -v python3 >/dev/null || skip_all "python3 not installed"
	unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace here"
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

# A private, empty /dev holding only the few nodes this test needs, made
# here: nothing of the host's /dev is reachable (and the EXIT trap's rm -rf
# of $TMP can only ever see test files).
mount --make-rprivate /
mount -t tmpfs -o mode=755 saker-test-dev /dev
mknod -m 666 /dev/null c 1 3
mknod -m 666 /dev/zero c 1 5
mknod -m 666 /dev/urandom c 1 9
mknod -m 666 /dev/random c 1 8
ln -s /proc/self/fd /dev/fd
ln -s /proc/self/fd/0 /dev/stdin
ln -s /proc/self/fd/1 /dev/stdout
ln -s /proc/self/fd/2 /dev/stderr
python3 "$SINK" /dev/log "$TMP/syslog" &
sink=$!
i=0
while [ ! -e "$TMP/syslog.ready" ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done

opts="-o stdout_output.enabled=false -o journal_output.enabled=false -o syslog_output.enabled=true"
# shellcheck disable=SC2086
"$DRIVE" $opts -o syslog_output.facility=local3 -p warning -n 3 2>"$TMP/stats"
# shellcheck disable=SC2086
"$DRIVE" $opts -o syslog_output.facility=local3 -p critical -n 1 2>/dev/null
# shellcheck disable=SC2086
"$DRIVE" $opts -p debug -n 1 2>/dev/null
# shellcheck disable=SC2086
"$DRIVE" $opts -o json_output=true -o syslog_output.facility=daemon -p info -n 1 2>/dev/null
sleep 0.2
kill $sink
wait $sink 2>/dev/null

is "every alert reached syslog" "$(wc -l < "$TMP/syslog")" 6
# local3 = 19: <19*8 + level>
is "Warning at local3 is <156>" "$(grep -c '^<156>' "$TMP/syslog")" 3
is "Critical at local3 is <154>" "$(grep -c '^<154>.*: Critical File below' "$TMP/syslog")" 1
is "Debug at the default facility (user) is <15>" "$(grep -c '^<15>.*: Debug File below' "$TMP/syslog")" 1
is "Informational at daemon is <30>" "$(grep -c '^<30>' "$TMP/syslog")" 1
ok "messages carry the saker tag and Falco's text line" \
	grep -Eq '^<156>[A-Z][a-z]{2} [ 0-9]{2} [0-9:]{8} saker\[[0-9]+\]: [0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: Warning File below /etc opened for writing \(user=root command=touch /etc/x0 file=/etc/x0 seq=0\)$' "$TMP/syslog"
ok "json_output sends Falco's JSON to syslog" sh -c "grep '^<30>' '$TMP/syslog' | sed 's/^[^{]*//' | python3 -c 'import json,sys; o=json.load(sys.stdin); assert o[\"priority\"]==\"Informational\"'"
ok "the sink counted them" grep -q "sink=syslog sent=3 failed=0" "$TMP/stats"
done_testing
