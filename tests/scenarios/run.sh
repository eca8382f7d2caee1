#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
#
# The live scenario suite, shared by every driver: start sakerd with
# scenarios.yaml, perform each behaviour for real with tests/helpers/scenario,
# stop sakerd, and check that every alert arrived with the right fields.
#
#   run.sh ebpf      sakerd --driver ebpf, scenarios run beside it
#   run.sh ptrace    sakerd --driver ptrace -- (the scenarios)
#   run.sh kmod      (inside the kmod qemu guest)
. "$(dirname "$0")/../integration/lib.sh"
driver=${1:?usage: run.sh DRIVER}
SAKERD=${SAKERD:-$abs_top_builddir/src/sakerd}
SCEN=${SCENARIO:-$abs_top_builddir/tests/helpers/scenario}
RULES=$abs_top_srcdir/tests/scenarios/scenarios.yaml
export SCEN

[ "$(id -u)" = 0 ] || skip_all "needs root (mounts, namespaces, /etc/shadow)"
[ -x "$SAKERD" ] || skip_all "sakerd not built"
case $driver in
ebpf)
	[ -r /sys/kernel/btf/vmlinux ] || skip_all "no BTF at /sys/kernel/btf/vmlinux"
	"$SAKERD" --help 2>&1 | grep -q ebpf || skip_all "sakerd built without the eBPF driver"
	;;
esac

mkdir -p "$TMP/scratch" "$TMP/bin"
python3 - "$TMP/port" <<'PY' &
import socket, sys
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
open(sys.argv[1], "w").write(str(s.getsockname()[1]))
s.settimeout(60)
try:
    while True:
        c, _ = s.accept(); c.close()
except Exception:
    pass
PY
listener=$!
for _ in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port")

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
SH

common=(-r "$RULES" -o json_output=true -o stdout_output.enabled=true
	-o journal_output.enabled=false -o rule_matching=all)
case $driver in
ptrace)
	"$SAKERD" --driver ptrace "${common[@]}" -- sh "$TMP/all.sh" \
		> "$TMP/alerts.json" 2> "$TMP/sakerd.err"
	is "sakerd --driver ptrace exits with the command's status" "$?" 0
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
verdicts "$TMP/verdicts"
ok "sakerd reported no errors" sh -c "! grep -i 'error' '$TMP/sakerd.err'"
done_testing
