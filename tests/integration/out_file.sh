#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# file_output and stdout_output through the real queue: Falco's text and
# JSON lines, keep_alive on and off, rotation by rename + SIGUSR1 while
# alerts keep coming, and a clear error for a file that cannot be opened.
. "$(dirname "$0")/lib.sh"
DRIVE=$abs_top_builddir/tests/helpers/outdrive
F=$TMP/events.log
file_opts="-o stdout_output.enabled=false -o journal_output.enabled=false -o file_output.enabled=true -o file_output.filename=$F"

# shellcheck disable=SC2086
"$DRIVE" $file_opts -n 5 2>"$TMP/stats"
is "keep_alive off: five alerts, five lines" "$(wc -l < "$F")" 5
ok "lines are Falco's text form" \
	grep -Eq '^[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{9}: Warning File below /etc opened for writing \(user=root command=touch /etc/x4 file=/etc/x4 seq=4\)$' "$F"
ok "the sink counted five sent" grep -q "sink=file sent=5 failed=0" "$TMP/stats"

rm -f "$F"
# shellcheck disable=SC2086
"$DRIVE" $file_opts -o json_output=true -o time_format_iso_8601=true -n 3 2>/dev/null
ok "json_output: every line is Falco's JSON" python3 -c '
import json, re, sys
lines = open(sys.argv[1]).read().splitlines()
assert len(lines) == 3, lines
for i, l in enumerate(lines):
    o = json.loads(l)
    assert list(o) == ["hostname", "output", "output_fields", "priority", "rule", "source", "tags", "time"], list(o)
    assert o["priority"] == "Warning" and o["rule"] == "Write below etc" and o["source"] == "syscall"
    assert re.fullmatch(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}Z", o["time"]), o["time"]
    assert re.match(r"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{9}\+0000: Warning ", o["output"]), o["output"]
    assert o["output_fields"]["evt.seq"] == i and o["output_fields"]["container.id"] is None
    assert o["tags"] == sorted(o["tags"])
' "$F"

"$DRIVE" -o journal_output.enabled=false -n 2 > "$TMP/out" 2>/dev/null
is "stdout_output writes one line per alert" "$(grep -c ': Warning File below' "$TMP/out")" 2

# Rotation: 60 alerts over ~3 s; rename the file and SIGUSR1 half way.
rm -f "$F" "$F.1"
# shellcheck disable=SC2086
"$DRIVE" $file_opts -o file_output.keep_alive=true -n 60 -i 50000 2>"$TMP/stats" &
pid=$!
i=0
while [ "$(cat "$F" 2>/dev/null | wc -l)" -lt 10 ] && [ $i -lt 100 ]; do sleep 0.05; i=$((i + 1)); done
mv "$F" "$F.1"
kill -USR1 $pid
wait $pid
is "rotation: the output kept running" "$?" 0
old=$(wc -l < "$F.1")
new=$(wc -l < "$F" 2>/dev/null || echo 0)
ok "rotation: the renamed file kept the first alerts ($old)" [ "$old" -ge 10 ]
ok "rotation: after SIGUSR1 alerts go to a new file ($new)" [ "$new" -ge 10 ]
is "rotation: nothing lost or doubled" "$(cat "$F.1" "$F" | sed 's/.*seq=\([0-9]*\).*/\1/' | sort -n | uniq | wc -l) $((old + new))" "60 60"
ok "rotation: the new file continues where the old one stops" sh -c \
	"[ \$(tail -1 '$F.1' | sed 's/.*seq=\([0-9]*\).*/\1/') -lt \$(head -1 '$F' | sed 's/.*seq=\([0-9]*\).*/\1/') ]"

"$DRIVE" -o file_output.enabled=true -o file_output.filename=/nonexistent/dir/x.log -n 1 2>"$TMP/err"
is "an unopenable file fails at startup" "$?" 1
ok "... saying which file and why" grep -q "file_output: cannot open '/nonexistent/dir/x.log': No such file or directory" "$TMP/err"

if command -v logrotate >/dev/null 2>&1; then
	sed "s|/var/log/saker/events.log|$F|" "$abs_top_srcdir/config/logrotate.d/saker" > "$TMP/lr.conf"
	ok "the logrotate snippet parses" logrotate -d -s "$TMP/lr.state" "$TMP/lr.conf"
else
	ok "the logrotate snippet names the default file and SIGUSR1" sh -c \
		"grep -q '^/var/log/saker/events.log {' '$abs_top_srcdir/config/logrotate.d/saker' && grep -q 'USR1' '$abs_top_srcdir/config/logrotate.d/saker'"
fi
done_testing
