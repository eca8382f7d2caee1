#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The eBPF driver with perf buffers (ebpf.buffer=perf), the output kernels
# older than 5.8 get: sakerd loads with them (no ring buffer map at all),
# detects, and a per-CPU buffer overflow is counted while sakerd goes on.
# Then the live scenario suite runs in this mode. Needs root and BTF.
. "$(dirname "$0")/lib.sh"
SAKERD=${SAKERD:-$abs_top_builddir/src/sakerd}
[ "$(id -u)" = 0 ] || skip_all "needs root to load BPF programs"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "kernel has no BTF"
"$SAKERD" --help 2>&1 | grep -q ebpf || skip_all "sakerd built without the eBPF driver"

cat > "$TMP/rules.yaml" <<EOF
- rule: read-marker
  desc: the marker file is read
  condition: evt.type in (open, openat, openat2) and fd.name = "$TMP/marker"
  output: marker read by %proc.name (file=%fd.name)
  priority: WARNING
EOF
: > "$TMP/marker"

# Map types the daemon holds (27 is BPF_MAP_TYPE_RINGBUF, 4 PERF_EVENT_ARRAY).
map_types() {
	cat /proc/"$1"/fdinfo/* 2> /dev/null | awk '/^map_type:/ {print $2}' | sort -un | tr '\n' ' '
}

# --- 64 KiB perf buffers: room for any record, not for a stopped reader ---
: > "$TMP/alerts.log"
SAKER_EBPF_RING_BYTES=65536 "$SAKERD" --driver ebpf -r "$TMP/rules.yaml" -o ebpf.buffer=perf \
	-o stdout_output.enabled=false -o journal_output.enabled=false \
	-o file_output.enabled=true -o file_output.filename="$TMP/alerts.log" \
	-o json_output=true -o syscall_event_drops.threshold=0.01 \
	--ready-file "$TMP/ready" 2> "$TMP/sakerd.err" &
d=$!
wait_ready "$TMP/ready" $d || { cat "$TMP/sakerd.err" >&2; kill $d; skip_all "sakerd did not become ready"; }
types=$(map_types $d)
echo "# map types: $types"
ok "ebpf.buffer=perf uses a perf event array" sh -c "echo '$types' | grep -qw 4"
ok "... and creates no ring buffer" sh -c "! echo '$types' | grep -qw 27"
cat "$TMP/marker"
i=0
while ! grep -q '"rule":"read-marker"' "$TMP/alerts.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ok "a rule fires through perf buffers" grep -q '"rule":"read-marker"' "$TMP/alerts.log"
# Stop the reader so the per-CPU buffers fill, make a burst, let it read again.
kill -STOP $d
python3 -c "
import os
for _ in range(20000):
    os.close(os.open('/dev/null', os.O_RDONLY))"
kill -CONT $d
i=0
while ! grep -q 'syscall event drops' "$TMP/alerts.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ok "a perf buffer overflow raises the drop health alert" \
	grep -q '"rule":"saker internal: syscall event drops"' "$TMP/alerts.log"
ok "... counted as buffer_full" grep -Eq 'buffer_full=[1-9]' "$TMP/alerts.log"
ok "... and sakerd keeps running" kill -0 $d
: > "$TMP/alerts.log"
cat "$TMP/marker"
i=0
while ! grep -q '"rule":"read-marker"' "$TMP/alerts.log" && [ $i -lt 50 ]; do sleep 0.1; i=$((i + 1)); done
ok "... and detecting" grep -q '"rule":"read-marker"' "$TMP/alerts.log"
kill -TERM $d
wait $d
is "... and stops cleanly" "$?" 0
ok "its exit stats count the drops" grep -Eq 'drops=buffer_full=[1-9]' "$TMP/sakerd.err"

# --- a value that is not a buffer kind is refused, saying what is expected ---
"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" -o ebpf.buffer=bogus 2> "$TMP/bad.err"
ok "ebpf.buffer=bogus is refused" test $? -ne 0
ok "... naming the choices" grep -q "auto, ringbuf or perf" "$TMP/bad.err"

# --- the live scenario suite, in perf mode ------------------------------------
SAKER_EBPF_BUFFER=perf bash "$(dirname "$0")/../scenarios/run.sh" ebpf > "$TMP/scenarios.tap" 2>&1
rc=$?
grep -E "^(not ok|1\.\.0)" "$TMP/scenarios.tap" | sed 's/^/# scenarios: /' | head -20
if grep -q "^1\.\.0 # SKIP" "$TMP/scenarios.tap"; then
	echo "# SKIP the scenario suite: $(grep '^1..0' "$TMP/scenarios.tap")"
else
	is "the live scenario suite passes with perf buffers" "$rc" 0
	ok "... and ran its scenarios ($(grep -c '^ok' "$TMP/scenarios.tap"))" grep -q "^ok" "$TMP/scenarios.tap"
fi
done_testing
