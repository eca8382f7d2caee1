#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The alert queue as configured in saker.yaml: outputs.rate/max_burst limit
# alerts like Falco's token bucket, and a full queue (outputs_queue.capacity)
# drops the oldest and writes a health alert to the outputs.
. "$(dirname "$0")/lib.sh"
DRIVE=$abs_top_builddir/tests/helpers/outdrive
F=$TMP/events.log
cat > "$TMP/saker.yaml" <<Y
stdout_output:
  enabled: false
journal_output:
  enabled: false
file_output:
  enabled: true
  keep_alive: true
  filename: $F
outputs:
  rate: 10
  max_burst: 5
Y

"$DRIVE" -c "$TMP/saker.yaml" -n 50 2>"$TMP/stats"
is "burst: 50 alerts at once, max_burst 5 written" "$(wc -l < "$F")" 5
ok "... and 45 counted as rate-limited" grep -q "dropped_rate=45" "$TMP/stats"

rm -f "$F"
t0=$(date +%s%N)
"$DRIVE" -c "$TMP/saker.yaml" -o outputs.max_burst=1 -n 40 -i 20000 2>"$TMP/stats"
t1=$(date +%s%N)
n=$(wc -l < "$F")
# 1 token at the start, then 10 per second of the run (however long it took).
most=$((2 + 10 * (t1 - t0) / 1000000000))
ok "rate: 40 alerts at ~50/s with rate 10, burst 1: $n written, at most $most" [ "$n" -ge 6 ] && [ "$n" -le "$most" ]
is "... the rest counted" "$(sed -n 's/.*dropped_rate=\([0-9]*\).*/\1/p' "$TMP/stats")" "$((40 - n))"

rm -f "$F"
"$DRIVE" -c "$TMP/saker.yaml" -o outputs.rate=0 -n 200 2>"$TMP/stats"
is "rate 0: no limit" "$(wc -l < "$F")" 200

# A stuck program beside the file: the queue overflows, the oldest go, and
# the file receives the health alert.
rm -f "$F"
"$DRIVE" -c "$TMP/saker.yaml" -o outputs.rate=0 -o outputs_queue.capacity=10 \
	-o program_output.enabled=true -o program_output.keep_alive=true \
	-o "program_output.program=/bin/sleep 60" -n 3000 -H 1 -s 500 2>"$TMP/stats"
ok "overflow: drops counted" grep -Eq "dropped_full=[1-9]" "$TMP/stats"
ok "overflow: the health alert is in the file" \
	grep -Eq '^[0-9:.]{18}: Critical saker alert queue full: [0-9]+ alerts dropped since the last report \([0-9]+ in total, queue capacity 10\)$' "$F"
push=$(sed -n 's/.*max_push_us=\([0-9]*\).*/\1/p' "$TMP/stats")
ok "overflow: the producer never waited (worst ${push} us)" [ "$push" -lt 200000 ]

printf 'outputs:\n  rate: 10\n  burst: 5\n' > "$TMP/bad.yaml"
"$DRIVE" -c "$TMP/bad.yaml" -n 1 2>"$TMP/err"
is "a config error exits 78" "$?" 78
is "... naming file:line:col and the key" "$(cat "$TMP/err")" "outdrive: $TMP/bad.yaml:3:3: unknown key 'outputs.burst'"
"$DRIVE" -c "$TMP/saker.yaml" -o outputs.rate=-2 -n 1 2>"$TMP/err"
is "a bad -o value names the override" "$(cat "$TMP/err")" "outdrive: -o outputs.rate=-2: outputs.rate: '-2' is not a number from 0 to 1e+09"
done_testing
