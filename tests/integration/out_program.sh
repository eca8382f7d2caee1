#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# program_output: alerts on a real program's stdin, kept alive or one
# process per alert; no shell ever sees the command or the alert; a program
# that dies is respawned and one that stops reading never blocks the producer.
. "$(dirname "$0")/lib.sh"
DRIVE=$abs_top_builddir/tests/helpers/outdrive
base="-o stdout_output.enabled=false -o journal_output.enabled=false -o program_output.enabled=true"

cat > "$TMP/reader" <<'S'
#!/bin/sh
echo $$ >> "$1.pids"
while IFS= read -r l; do printf '%s\n' "$l" >> "$1"; done
S
cat > "$TMP/once" <<'S'
#!/bin/sh
echo $$ >> "$1.pids"
IFS= read -r l && printf '%s\n' "$l" >> "$1"
exit 0
S
cat > "$TMP/args" <<'S'
#!/bin/sh
for a; do printf '[%s]\n' "$a"; done > "$TMP/args.out"
cat > /dev/null
S
chmod +x "$TMP/reader" "$TMP/once" "$TMP/args"

# shellcheck disable=SC2086
"$DRIVE" $base -o program_output.keep_alive=true -o "program_output.program=$TMP/reader $TMP/k.out" -n 20 2>"$TMP/stats"
is "keep_alive: every alert reaches the program" "$(wc -l < "$TMP/k.out")" 20
is "keep_alive: one process for all of them" "$(wc -l < "$TMP/k.out.pids")" 1
ok "keep_alive: alerts arrive in order" sh -c "sed 's/.*seq=\([0-9]*\).*/\1/' '$TMP/k.out' | sort -nc"
ok "the sink counted them" grep -q "sink=program sent=20 failed=0" "$TMP/stats"

# shellcheck disable=SC2086
"$DRIVE" $base -o "program_output.program=$TMP/reader $TMP/o.out" -n 5 2>/dev/null
is "one-shot: every alert reaches a program" "$(wc -l < "$TMP/o.out")" 5
is "one-shot: a process per alert" "$(sort -u "$TMP/o.out.pids" | wc -l)" 5

# shellcheck disable=SC2086
TMP=$TMP "$DRIVE" $base -o "program_output.program=$TMP/args 'a b' \"\$(touch $TMP/pwned)\" ;x |y >z" -n 1 2>/dev/null
is "no shell: arguments arrive as written" "$(tr '\n' ' ' < "$TMP/args.out")" "[a b] [\$(touch $TMP/pwned)] [;x] [|y] [>z] "
ok "no shell: nothing was substituted or run" test ! -e "$TMP/pwned"

# A program that reads one alert and exits: respawned, producer unaffected.
# shellcheck disable=SC2086
"$DRIVE" $base -o program_output.keep_alive=true -o "program_output.program=$TMP/once $TMP/d.out" -n 8 -i 500000 2>"$TMP/stats"
is "a dying program does not stop the producer" "$?" 0
n=$(wc -l < "$TMP/d.out.pids")
ok "a dying program is respawned ($n processes for 8 alerts)" [ "$n" -ge 6 ]
ok "... and the alerts keep arriving ($(wc -l < "$TMP/d.out") of 8)" [ "$(wc -l < "$TMP/d.out")" -ge 6 ]
push=$(sed -n 's/.*max_push_us=\([0-9]*\).*/\1/p' "$TMP/stats")
ok "... pushes stayed fast (worst ${push} us)" [ "$push" -lt 200000 ]

# A program that never reads: the pipe fills, writes time out, nothing blocks.
start=$(date +%s)
# shellcheck disable=SC2086
"$DRIVE" $base -o program_output.keep_alive=true -o "program_output.program=/bin/sleep 60" -n 3000 -q 5000 -s 1000 2>"$TMP/stats"
took=$(( $(date +%s) - start ))
push=$(sed -n 's/.*max_push_us=\([0-9]*\).*/\1/p' "$TMP/stats")
ok "a program that stops reading never blocks the producer (worst push ${push} us)" [ "$push" -lt 200000 ]
ok "... what shutdown could not deliver is counted" grep -Eq "undelivered=[1-9]" "$TMP/stats"
ok "... the timed-out writes are counted" grep -Eq "sink=program sent=[0-9]+ failed=[1-9]" "$TMP/stats"
ok "... and shutdown is bounded (${took} s)" [ "$took" -le 10 ]
ok "... and the program was not left running" sh -c "! pgrep -f '^/bin/sleep 60\$' -P $$"

# shellcheck disable=SC2086
"$DRIVE" $base -o program_output.keep_alive=true -o "program_output.program=$TMP/does-not-exist" -n 3 2>"$TMP/stats"
is "a missing program is not fatal" "$?" 0
ok "... each alert is a counted failure" grep -q "sink=program sent=0 failed=3" "$TMP/stats"

"$DRIVE" $base -o "program_output.program=$TMP/x 'unterminated" -n 1 2>"$TMP/err"
is "an unsplittable command is a configuration error" "$?" 78
ok "... naming the key" grep -q "program_output.program: unterminated ' quote" "$TMP/err"
done_testing
