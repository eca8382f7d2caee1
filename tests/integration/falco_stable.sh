#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# Falco's own stable rules, loaded unmodified from ../shared, run live on the
# eBPF driver: real behaviours fire the upstream rules with the right fields,
# and a benign twin of each does not.
. "$(dirname "$0")/lib.sh"
SAKERD=$abs_top_builddir/src/sakerd
SCEN=$abs_top_builddir/tests/helpers/scenario
RULES=$abs_top_srcdir/../shared/anchors/falco-rules/falco_rules.yaml

[ -r "$RULES" ] || skip_all "upstream rules not found at $RULES"
[ "$(id -u)" = 0 ] || skip_all "needs root (eBPF driver)"
need_ebpf

"$SAKERD" --driver ebpf -r "$RULES" -o json_output=true -o stdout_output.enabled=true \
	-o journal_output.enabled=false -o rule_matching=all --ready-file "$TMP/ready" \
	> "$TMP/alerts.json" 2> "$TMP/sakerd.err" &
d=$!
wait_ready "$TMP/ready" $d || { cat "$TMP/sakerd.err"; skip_all "sakerd did not start"; }
# A capture of the same moments, replayed through the same rules below.
"$abs_top_builddir/src/saker" capture --driver ebpf -w "$TMP/live.cap" 2> "$TMP/capture.err" &
c=$!
i=0
while ! grep -q . "$TMP/live.cap" 2>/dev/null && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
sleep 2
ok "the stable rules load and run live" grep -q "ready: driver ebpf, 25 rules" "$TMP/sakerd.err"

mkdir -p "$TMP/scratch" "$TMP/.aws"
echo "-----BEGIN RSA PRIVATE KEY-----" > "$TMP/scratch/key"
"$SCEN" shadow                                   # Read sensitive file untrusted
cat /etc/hostname > /dev/null                    # twin: not sensitive
"$SCEN" links "$TMP/scratch"                      # Create Symlink/Hardlink Over Sensitive Files
ln -sf "$TMP/scratch/key" "$TMP/scratch/benign-link"   # twin
"$SCEN" ptrace                                   # PTRACE attached to process
"$SCEN" traceme                                  # PTRACE anti-debug attempt
"$SCEN" memfd                                    # Fileless execution via memfd_create
cp /bin/true /dev/shm/saker-test-true
/dev/shm/saker-test-true                         # Execution from /dev/shm
rm -f /dev/shm/saker-test-true
cp /bin/true "$TMP/saker-test-true"
"$TMP/saker-test-true"                           # twin: not from /dev/shm
grep -r "BEGIN RSA PRIVATE" "$TMP/scratch" > /dev/null   # Search Private Keys or Passwords
grep -r "nothing secret" "$TMP/scratch" > /dev/null      # twin
find "$TMP/.aws/credentials" > /dev/null 2>&1            # Find AWS Credentials
: > "$TMP/syslog"                                # Clear Log Activities (O_TRUNC of a log file)
: > "$TMP/notes.txt"                             # twin
sleep 1
kill -TERM $d
wait $d
is "sakerd exits 0" "$?" 0
kill -INT $c
wait $c
"$abs_top_builddir/src/saker" replay "$TMP/live.cap" -r "$RULES" --json > "$TMP/replayed.json"
is "saker replay of the capture exits 0" "$?" 0

python3 - "$TMP/alerts.json" "$TMP" > "$TMP/verdicts" <<'PY'
import json, sys
tmp = sys.argv[2]
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
def has(rule, **want):
    for a in alerts:
        f = a["output_fields"]
        if a["rule"] == rule and all(str(f.get(k.replace("__", "."))) == str(v) for k, v in want.items()):
            return True
    return False
def check(desc, cond):
    print(("PASS" if cond else "FAIL") + "\t" + desc)
check("Read sensitive file untrusted: /etc/shadow by scenario",
      has("Read sensitive file untrusted", fd__name="/etc/shadow", proc__name="scenario"))
check("... not /etc/hostname", not any(a["output_fields"].get("fd.name") == "/etc/hostname" for a in alerts))
check("Create Symlink Over Sensitive Files", has("Create Symlink Over Sensitive Files", evt__arg__target="/etc/shadow"))
check("... not a link to a scratch file", not any(a["rule"].startswith("Create Symlink") and "benign-link" in a["output"] for a in alerts))
check("Create Hardlink Over Sensitive Files", has("Create Hardlink Over Sensitive Files", evt__arg__oldpath="/etc/shadow"))
check("PTRACE attached to process", has("PTRACE attached to process", proc__name="scenario"))
check("PTRACE anti-debug attempt", has("PTRACE anti-debug attempt", proc__name="scenario"))
check("Fileless execution via memfd_create", has("Fileless execution via memfd_create", proc__pname="scenario"))
check("Execution from /dev/shm", has("Execution from /dev/shm", proc__exepath="/dev/shm/saker-test-true"))
check("... not from a scratch directory", not any(a["rule"] == "Execution from /dev/shm" and "saker-test-true" in a["output"] and "/dev/shm" not in a["output"] for a in alerts))
check("Search Private Keys or Passwords", has("Search Private Keys or Passwords", proc__name="grep"))
check("... not an innocent grep", not any(a["rule"] == "Search Private Keys or Passwords" and "nothing secret" in a["output"] for a in alerts))
check("Find AWS Credentials", has("Find AWS Credentials", proc__name="find"))
check("Clear Log Activities", any(a["rule"] == "Clear Log Activities" and a["output_fields"].get("fd.name") == tmp + "/syslog" for a in alerts))
check("... not an ordinary file", not any(a["rule"] == "Clear Log Activities" and a["output_fields"].get("fd.name") == tmp + "/notes.txt" for a in alerts))
replayed = [json.loads(l) for l in open(tmp + "/replayed.json") if l.startswith("{")]
mine = lambda xs: {(a["rule"], a["output_fields"].get("proc.name"), a["output_fields"].get("fd.name"))
                   for a in xs if tmp in a["output"] or a["output_fields"].get("proc.name") == "scenario"
                   or a["output_fields"].get("proc.pname") == "scenario"}
live_set, replay_set = mine(alerts), mine(replayed)
check("replaying the capture raises the same alerts for these behaviours (%d live, %d replayed)"
      % (len(live_set), len(replay_set)), live_set and live_set <= replay_set)
PY
verdicts "$TMP/verdicts"
done_testing
