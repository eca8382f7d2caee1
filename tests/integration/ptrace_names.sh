#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# How the ptrace driver names an fd a rule reads on a later event. A rule
# on fchmod compares fd.name with the path the file was opened by (a
# symlink); /proc would name the fd by its target. No rule names openat, so
# launch mode would let opens run free and name fds from /proc: the rule's
# reading fd.name on an fd-taking event must make the opens stop, and the
# verdict at each open's entry must keep the exit (and its name) exactly
# where the name could make the rule true: the open by the symlink, not
# the open of the other file. The eBPF driver, which records every open,
# gives the reference.
. "$(dirname "$0")/lib.sh"
SAKERD=$abs_top_builddir/src/sakerd

[ "$(id -u)" = 0 ] || skip_all "needs root (ptrace of a child, eBPF driver)"
command -v python3 > /dev/null || skip_all "python3 is not installed"
echo data > "$TMP/real"
echo data > "$TMP/other"
ln -s "$TMP/real" "$TMP/lnk"
cat > "$TMP/rules.yaml" <<'YAML'
- rule: fchmod by link name
  desc: the fd's name is the path it was opened by
  condition: evt.type = fchmod and fd.name endswith "/lnk"
  output: "named %fd.name"
  priority: WARNING
YAML
cat > "$TMP/prog.py" <<PY
import os
for path in ("$TMP/lnk", "$TMP/other"):
    fd = os.open(path, os.O_RDONLY)
    os.fchmod(fd, 0o644)
    os.close(fd)
PY

for v in true false; do
	"$SAKERD" --driver ptrace -r "$TMP/rules.yaml" -o ptrace.entry_verdict=$v -- python3 "$TMP/prog.py" \
		> "$TMP/out.$v" 2> "$TMP/err.$v"
	is "verdict $v: the program ran" "$?" 0
	is "verdict $v: one alert, the fd named by the path it was opened by" \
		"$(grep -c "named $TMP/lnk\$" "$TMP/out.$v")/$(grep -c 'named' "$TMP/out.$v")" "1/1"
done
skipped=$(sed -n 's/.* exits_skipped=\([0-9]*\).*/\1/p' "$TMP/err.true" | tail -1)
ok "the verdict kept the exit of the open by the link only (${skipped:-?} skipped)" \
	test "${skipped:-0}" -gt 0
# What the rules cost a launched command: said with -v only.
"$SAKERD" -v --driver ptrace -r "$TMP/rules.yaml" -- true 2> "$TMP/err.v" > /dev/null
ok "-v: the calls the filter stops, fchmod(91) and openat(257) among them" grep -q \
	"ptrace: the seccomp filter stops [0-9]* x86-64 calls: .* fchmod(91) .* openat(257) " "$TMP/err.v"
ok "without -v, not said" sh -c '! grep -q "filter stops" "$1"' sh "$TMP/err.true"
if [ -z "$(ebpf_why)" ]; then
	"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" --ready-file "$TMP/ready" > "$TMP/out.ebpf" 2> "$TMP/err.ebpf" &
	daemon=$!
	if wait_ready "$TMP/ready" $daemon; then
		python3 "$TMP/prog.py"
		sleep 0.5
		stop_daemon
		ok "eBPF, the reference: the same alert" grep -q "named $TMP/lnk\$" "$TMP/out.ebpf"
	else
		ok "eBPF, the reference: sakerd started" false
	fi
fi
done_testing
