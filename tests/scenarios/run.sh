#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The live scenario suite, shared by every driver: start sakerd with
# scenarios.yaml, perform each behaviour for real with tests/helpers/scenario,
# stop sakerd, and check that every alert arrived with the right fields.
# Beside them, saker's default rules (rules/saker_rules.yaml) run the
# scenarios of defaults.yaml: each default rule must fire on its behaviour,
# with the right fields, and stay silent on its benign twin.
#
#   run.sh ebpf      sakerd --driver ebpf, scenarios run beside it
#   run.sh ptrace    sakerd --driver ptrace -- (the scenarios)
#   run.sh kmod      (inside the kmod qemu guest)
. "$(dirname "$0")/../integration/lib.sh"
driver=${1:?usage: run.sh DRIVER}
SAKERD=${SAKERD:-$abs_top_builddir/src/sakerd}
SCEN=${SCENARIO:-$abs_top_builddir/tests/helpers/scenario}
RULES=$abs_top_srcdir/tests/scenarios/scenarios.yaml
DEFAULTS=$abs_top_srcdir/rules/saker_rules.yaml
SPEC=$abs_top_srcdir/tests/scenarios/defaults.yaml
export SCEN

[ "$(id -u)" = 0 ] || skip_all "needs root (mounts, namespaces, /etc/shadow)"
[ -x "$SAKERD" ] || skip_all "sakerd not built"
case $driver in
ebpf)
	[ -r /sys/kernel/btf/vmlinux ] || skip_all "no BTF at /sys/kernel/btf/vmlinux"
	"$SAKERD" --help 2>&1 | grep -q ebpf || skip_all "sakerd built without the eBPF driver"
	;;
esac

python3 -c 'import yaml' 2>/dev/null || skip_all "python3 has no yaml module (apt-get install python3-yaml)"
# Its docker-*.scope cgroup below is a container to every sakerd running.
exclusive containers
mkdir -p "$TMP/scratch" "$TMP/bin" "$TMP/mnt" "$TMP/cg" "$TMP/as"

# Copies of the helper under the names the default rules know programs by.
for n in nginx webhook nc nmap netstat apt-get base64 crontab vim modprobe bpftool systemctl; do
	cp "$SCEN" "$TMP/as/$n"
done

# A scratch cgroup named like a Docker container's: what makes a process a
# container's for saker (container.id comes from the cgroup path).
cgmnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cgmnt" ] || cgmnt=$(awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/mounts)
hex=$(echo "saker-scenario-$$" | sha256sum | cut -c1-64)
CID=$(echo "$hex" | cut -c1-12)
CG=
if [ -n "$cgmnt" ] && mkdir -p "$cgmnt/saker-scenario-$$/docker-$hex.scope" 2>/dev/null; then
	CG=$cgmnt/saker-scenario-$$/docker-$hex.scope
fi
cleanup() {
	[ -n "$CG" ] && rmdir "$CG" "$(dirname "$CG")" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT
loopback_listener "$TMP/port"
PORT=$port

# All scenarios, in one script so the ptrace driver can launch it.
cat > "$TMP/all.sh" <<SH
set -x
"$SCEN" shell
"$SCEN" shadow
"$SCEN" bindir "$TMP/bin"
"$SCEN" links "$TMP/scratch"
"$SCEN" setuid "$TMP/scratch"
"$SCEN" namespaces
"$SCEN" ptrace
"$SCEN" memfd
"$SCEN" connect $PORT
"$SCEN" revshell
sh "$TMP/defaults.sh" > "$TMP/defaults.log" 2>&1
SH

# The default rules' scenarios: commands, expectations, and each default
# rule's output extended with the scenario it fired in.
python3 - "$SPEC" "$DEFAULTS" "$driver" "$TMP" "$CG" <<'PY' || { echo "Bail out! cannot read $SPEC"; exit 1; }
import json, shlex, sys, yaml
spec, rules, driver, tmp, cg = sys.argv[1:6]
entries = yaml.safe_load(open(spec))
names = [i["rule"] for i in yaml.safe_load(open(rules)) if isinstance(i, dict) and "rule" in i]
with open(f"{tmp}/mark.yaml", "w") as f:
    for n in names:
        f.write(f"- rule: {json.dumps(n)}\n  output: ' scenario=%proc.env[SAKER_SCN]'\n"
                "  override:\n    output: append\n")
plan = {"names": names, "entries": []}
with open(f"{tmp}/defaults.sh", "w") as sh:
    for i, e in enumerate(entries):
        e = dict(e)
        why = e.get("skip") or (e.get("drivers") or {}).get(driver)
        if not why and not cg and "$CG" in e.get("run", "") + e.get("twin", ""):
            why = "no writable cgroup hierarchy for the scratch container"
        e["why"] = why
        plan["entries"].append(e)
        if why:
            continue
        for kind in ("pos", "twin"):
            cmd = e["run" if kind == "pos" else "twin"]
            # A small environment with the marker first: drivers capture a
            # bounded environment (4 KiB), and make's can be larger.
            sh.write(f"echo '>>> {i}:{kind}'; env -i SAKER_SCN={i}:{kind} PATH=\"$PATH\" "
                     f"SCEN=\"$SCEN\" AS=\"$AS\" TMP=\"$TMP\" CG=\"$CG\" CID=\"$CID\" "
                     f"sh -c {shlex.quote(cmd)}; echo \"<<< status $?\"\n")
json.dump(plan, open(f"{tmp}/plan.json", "w"))
PY
export AS=$TMP/as TMP CG CID

common=(-r "$RULES" -r "$DEFAULTS" -r "$TMP/mark.yaml" -o json_output=true -o stdout_output.enabled=true
	-o journal_output.enabled=false -o rule_matching=all)
case $driver in
ptrace)
	"$SAKERD" --driver ptrace "${common[@]}" -- sh "$TMP/all.sh" \
		> "$TMP/alerts.json" 2> "$TMP/sakerd.err"
	is "sakerd --driver ptrace exits with the command's status" "$?" 0
	# The verdict at a call's entry (no exit stop where no rule can match)
	# must change no alert: the same scenarios with every exit stopped for.
	# Compared: rule, scenario, and the file an open alert names. (A later
	# event's fd.name may differ: an fd whose open got the verdict is named
	# as /proc names it, like one opened by a call no rule names.)
	"$SAKERD" --driver ptrace "${common[@]}" -o ptrace.entry_verdict=false -- sh "$TMP/all.sh" \
		> "$TMP/alerts-exits.json" 2> "$TMP/sakerd-exits.err"
	is "sakerd --driver ptrace, every exit stopped for: exits with the command's status" "$?" 0
	pairs() {
		python3 -c '
import json, sys
seen = set()
for line in open(sys.argv[1]):
    if line.startswith("{"):
        a = json.loads(line)
        f = a["output_fields"]
        op = f.get("evt.type") in ("open", "openat", "openat2", "creat")
        seen.add((a["rule"], f.get("proc.env[SAKER_SCN]") or "", f.get("fd.name") or "" if op else ""))
for p in sorted(seen):
    print("\t".join(p))' "$1"
	}
	pairs "$TMP/alerts.json" > "$TMP/pairs-verdict"
	pairs "$TMP/alerts-exits.json" > "$TMP/pairs-exits"
	ok "the entry verdict changes no alert (rule, scenario, opened file; $(wc -l < "$TMP/pairs-exits") of them)" \
		diff "$TMP/pairs-exits" "$TMP/pairs-verdict"
	skipped=$(sed -n 's/.* exits_skipped=\([0-9]*\).*/\1/p' "$TMP/sakerd.err" | tail -1)
	ok "the entry verdict skipped exits (${skipped:-none})" test "${skipped:-0}" -gt 0
	;;
*)
	"$SAKERD" --driver "$driver" "${common[@]}" --ready-file "$TMP/ready" \
		> "$TMP/alerts.json" 2> "$TMP/sakerd.err" &
	daemon=$!
	wait_ready "$TMP/ready" $daemon || { cat "$TMP/sakerd.err" >&2; kill $daemon; skip_all "sakerd --driver $driver did not become ready"; }
	sh "$TMP/all.sh" > "$TMP/scenarios.log" 2>&1
	sleep 1
	kill -TERM $daemon
	wait $daemon
	is "sakerd exits 0 on SIGTERM" "$?" 0
	;;
esac
kill $listener 2>/dev/null

python3 - "$TMP/alerts.json" "$PORT" > "$TMP/verdicts" <<'PY'
import json, sys
alerts = {}
for line in open(sys.argv[1]):
    line = line.strip()
    if not line.startswith("{"):
        continue
    a = json.loads(line)
    alerts.setdefault(a["rule"], []).append(a)
port = int(sys.argv[2])
n = 0
def check(rule, want):
    global n
    n += 1
    got = alerts.get(rule)
    if not got:
        print(f"FAIL\t{rule}: alert raised\tno alert (rules seen: {sorted(alerts)})")
        return
    # Any alert of the rule that carries every wanted field passes.
    best = None
    for a in got:
        f = a["output_fields"]
        bad = [(k, f.get(k), v) for k, v in want.items()
               if not (v(f.get(k)) if callable(v) else f.get(k) == v)]
        if not bad:
            print(f"PASS\t{rule}: alert with {', '.join(sorted(want))}")
            return
        best = bad
    print(f"FAIL\t{rule}: fields\t" + "; ".join(f"{k}={g!r}" for k, g, _ in best))

endswith = lambda s: lambda v: isinstance(v, str) and v.endswith(s)
check("scenario shell", {"proc.name": "sh", "proc.pname": "scenario",
      "proc.cmdline": "sh -c true", "proc.exepath": lambda v: v in ("/bin/sh", "/usr/bin/sh", "/usr/bin/dash", "/bin/dash"),
      "user.name": "root", "container.id": "host"})
check("scenario shadow", {"proc.name": "scenario", "fd.name": "/etc/shadow",
      "user.name": "root", "container.id": "host"})
check("scenario bindir", {"proc.name": "scenario", "fd.name": "/usr/local/bin/saker-evil"})
check("scenario symlink", {"evt.arg.target": "/etc/shadow", "evt.arg.linkpath": endswith("/shadow-sym")})
check("scenario hardlink", {"evt.arg.oldpath": "/etc/shadow", "evt.arg.newpath": endswith("/shadow-hard")})
check("scenario setuid", {"proc.name": "scenario", "evt.arg.mode": lambda v: "S_ISUID" in (v or "")})
check("scenario unshare", {"evt.arg.flags": lambda v: "CLONE_NEWUTS" in (v or "")})
check("scenario setns", {"proc.name": "scenario", "evt.arg.nstype": lambda v: "CLONE_NEWUTS" in (v or "")})
check("scenario ptrace", {"evt.arg.request": lambda v: "PTRACE_ATTACH" in (v or "")})
check("scenario memfd", {"proc.pname": "scenario", "proc.exepath": lambda v: "memfd:" in (v or "")})
check("scenario connect", {"proc.name": "scenario", "fd.sport": port, "fd.sip": "127.0.0.1"})
check("scenario revshell", {"proc.name": "sh", "proc.stdin.name": lambda v: f":{port}" in (v or "") or "127.0.0.1" in (v or "")})
PY
python3 - "$TMP/alerts.json" "$TMP/plan.json" "$CID" >> "$TMP/verdicts" <<'PY'
import json, sys
plan = json.load(open(sys.argv[2]))
cid = sys.argv[3]
fired = {}
for line in open(sys.argv[1]):
    if line.startswith("{"):
        a = json.loads(line)
        scn = a["output_fields"].get("proc.env[SAKER_SCN]")
        if scn:
            fired.setdefault((a["rule"], scn), []).append(a["output_fields"])
missing = set(plan["names"]) - {e["rule"] for e in plan["entries"]}
print("PASS\tdefault rules: every rule has a scenario" if not missing else
      f"FAIL\tdefault rules: every rule has a scenario\tnone for {sorted(missing)}")
def want(v, got):
    v = str(v).replace("$CID", cid)
    got = "" if got is None else str(got)
    return v[1:] in got if v.startswith("~") else got == v
for i, e in enumerate(plan["entries"]):
    r = e["rule"]
    if e["why"]:
        print(f"PASS\tdefault rule {r} # SKIP {e['why']}")
        continue
    got = fired.get((r, f"{i}:pos"), [])
    bad = None
    for f in got:
        bad = [f"{k}={f.get(k)!r}" for k, v in e.get("expect", {}).items() if not want(v, f.get(k))]
        if not bad:
            break
    if got and not bad:
        print(f"PASS\tdefault rule {r}: fires with {', '.join(sorted(e.get('expect', {})))}")
    else:
        print(f"FAIL\tdefault rule {r}: fires\t" + ("; ".join(bad) if got else "no alert"))
    twin = fired.get((r, f"{i}:twin"), [])
    print(f"PASS\tdefault rule {r}: silent on the twin" if not twin else
          f"FAIL\tdefault rule {r}: silent on the twin\t{len(twin)} alert(s)")
PY
verdicts "$TMP/verdicts"
ok "sakerd reported no errors" sh -c "! grep -i 'error' '$TMP/sakerd.err'"
done_testing
