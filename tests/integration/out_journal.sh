#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# journal_output against a real systemd-journald, started by this test in
# a private mount namespace (its own /run, so a journald already running on
# the host is neither seen nor disturbed; only the one started here is
# stopped). Alerts are read back with journalctl -o json: every structured
# field, the priority mapping, both MESSAGE_IDs and the shipped catalog.
. "$(dirname "$0")/lib.sh"
DRIVE=$abs_top_builddir/tests/helpers/outdrive
JOURNALD=/lib/systemd/systemd-journald

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root to run systemd-journald"
	[ -x "$JOURNALD" ] || skip_all "$JOURNALD not installed"
	command -v journalctl >/dev/null || skip_all "journalctl not installed"
	"$DRIVE" -o journal_output.enabled=true -n 0 2>&1 | grep -q "without journal support" &&
		skip_all "saker built without libsystemd"
	unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace here"
	# Journalds already running (the host's, another test's): they must survive.
	SAKER_OTHER_JOURNALDS=$(pgrep -x systemd-journal | tr '\n' ' ')
	export SAKER_OTHER_JOURNALDS
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

mount --make-rprivate /
mount -t tmpfs -o mode=755 saker-test-run /run
[ -d /var/log/journal ] && mount -t tmpfs saker-test-journal /var/log/journal
"$JOURNALD" 2>"$TMP/journald.err" &
jpid=$!
i=0
while [ ! -S /run/systemd/journal/socket ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
ok "a private systemd-journald is listening" test -S /run/systemd/journal/socket

opts="-o stdout_output.enabled=false -o journal_output.enabled=true"
for p in emergency alert critical error warning notice informational debug; do
	# shellcheck disable=SC2086
	"$DRIVE" $opts -p $p -n 1 2>>"$TMP/stats"
done
is "the journal sink sent all eight" "$(grep -c 'sink=journal sent=1 failed=0' "$TMP/stats")" 8

# Overflow with a program sink that never reads: the health alert must
# reach the journal with the health MESSAGE_ID.
# shellcheck disable=SC2086
"$DRIVE" $opts -o program_output.enabled=true -o program_output.keep_alive=true \
	-o "program_output.program=/bin/sleep 60" -n 3000 -q 50 -H 1 -s 500 2>"$TMP/ovf"
ok "the overflow produced a health alert" grep -Eq "health=[1-9]" "$TMP/ovf"

# journald writes asynchronously; wait until all nine are in.
i=0
while [ "$(journalctl -q -o cat SYSLOG_IDENTIFIER=saker 2>/dev/null | grep -c .)" -lt 9 ] && [ $i -lt 100 ]; do
	sleep 0.05
	i=$((i + 1))
done
journalctl -q -o json --no-pager SYSLOG_IDENTIFIER=saker > "$TMP/all.json"

ok "every structured field and the priority mapping" python3 - "$TMP/all.json" "$(hostname)" <<'PY'
import json, re, sys
entries = [json.loads(l) for l in open(sys.argv[1])]
host = sys.argv[2]
alerts = [e for e in entries if e.get("SAKER_RULE") == "Write below etc"]
names = ["Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug"]
assert len(alerts) >= 8, len(alerts)
seen = {}
for e in alerts:
    if e["SAKER_PRIORITY"] in seen:
        continue
    seen[e["SAKER_PRIORITY"]] = e
    lvl = names.index(e["SAKER_PRIORITY"])
    assert e["PRIORITY"] == str(lvl), (e["PRIORITY"], lvl)
    assert e["MESSAGE_ID"] == "43ba49ee1a594c52bf690ce13f0ea640", e["MESSAGE_ID"]
    assert e["SYSLOG_IDENTIFIER"] == "saker"
    assert e["SAKER_SOURCE"] == "syscall"
    assert e["SAKER_TAGS"] == "filesystem,mitre_persistence,test", e["SAKER_TAGS"]
    assert e["SAKER_HOSTNAME"] == host, e["SAKER_HOSTNAME"]
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", e["SAKER_TIME"])
    assert re.fullmatch(r"\d\d:\d\d:\d\d\.\d{9}: %s File below /etc opened for writing "
                        r"\(user=root command=touch /etc/x0 file=/etc/x0 seq=0\)" % names[lvl],
                        e["MESSAGE"]), e["MESSAGE"]
    f = json.loads(e["SAKER_OUTPUT_FIELDS"])
    assert f == {"container.id": None, "evt.seq": 0, "proc.name": "touch",
                 "proc.pid": 4242, "user.name": "root"}, f
assert sorted(seen) == sorted(names), sorted(seen)
PY
ok "the health alert has its own MESSAGE_ID and counts" python3 - "$TMP/all.json" <<'PY'
import json, sys
h = [json.loads(l) for l in open(sys.argv[1])]
h = [e for e in h if e.get("MESSAGE_ID") == "7ba8126524744c009de33d28540b23bc"]
assert h, "no health entry"
e = h[0]
assert e["SAKER_RULE"] == "saker internal: alert queue overflow", e["SAKER_RULE"]
assert e["SAKER_PRIORITY"] == "Critical" and e["PRIORITY"] == "2"
assert e["SAKER_SOURCE"] == "internal"
f = json.loads(e["SAKER_OUTPUT_FIELDS"])
assert f["saker.alerts_dropped"] >= 1 and f["saker.queue_capacity"] == 50, f
PY
is "journalctl SAKER_RULE= filters" \
	"$(journalctl -q -o cat SAKER_RULE='Write below etc' | grep -c 'File below')" "$(grep -c '"SAKER_RULE":"Write below etc"' "$TMP/all.json")"
is "journalctl -p warning keeps Emergency..Warning" \
	"$(journalctl -q -o json -p warning SAKER_RULE='Write below etc' | python3 -c 'import json,sys; print(" ".join(sorted({json.loads(l)["SAKER_PRIORITY"] for l in sys.stdin})))')" \
	"Alert Critical Emergency Error Warning"

kill "$jpid"
wait "$jpid"
is "the journald this test started stopped cleanly" "$?" 0
alive=yes
for p in $SAKER_OTHER_JOURNALDS; do kill -0 "$p" 2>/dev/null || alive="no ($p is gone)"; done
is "journalds running before the test (${SAKER_OTHER_JOURNALDS:-none}) still run" "$alive" yes

# The catalog, as installed: only in this namespace, /usr/lib/systemd/catalog
# holds saker's file and /var/lib/systemd is a scratch tmpfs for the database.
mkdir -p "$TMP/catalog"
cp "$abs_top_srcdir/systemd/saker.catalog" "$TMP/catalog/"
mount --bind "$TMP/catalog" /usr/lib/systemd/catalog
mount -t tmpfs saker-test-varlib /var/lib/systemd
ok "the catalog compiles" journalctl --update-catalog
ok "journalctl -x explains an alert" sh -c \
	"journalctl -q -x MESSAGE_ID=43ba49ee1a594c52bf690ce13f0ea640 | grep -q 'Subject: saker alert: Write below etc (Debug)'"
ok "journalctl -x explains a health message" sh -c \
	"journalctl -q -x MESSAGE_ID=7ba8126524744c009de33d28540b23bc | grep -q 'Subject: saker health: saker internal: alert queue overflow'"
umount /usr/lib/systemd/catalog
done_testing
