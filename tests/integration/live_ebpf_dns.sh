#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# fd.sip.name live: sakerd --driver ebpf runs Falco's stable rules in a
# private mount namespace whose /etc/hosts maps
# kubernetes.default.svc.cluster.local to 127.0.0.77, so the name resolves
# through getaddrinfo like any other. A process in a cgroup named like a
# Docker container's connects to 127.0.0.77:443 and must raise "Contact K8S
# API Server From Container"; the same container connecting to 127.0.0.78
# and the host connecting to 127.0.0.77 must not. A rule of our own prints
# %fd.sip.name and %fd.rip.name for the connection; reloaded (SIGHUP) with
# another name, it matches that name once the resolver has it.
. "$(dirname "$0")/lib.sh"
exclusive containers
SAKERD=$abs_top_builddir/src/sakerd
STABLE=$abs_top_srcdir/../shared/anchors/falco-rules/falco_rules.yaml
K8S=kubernetes.default.svc.cluster.local

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root (eBPF driver, mount namespace, cgroups)"
	need_ebpf
	[ -r "$STABLE" ] || skip_all "Falco's stable rules not found at $STABLE"
	command -v python3 > /dev/null || skip_all "python3 is not installed"
	unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace"
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

mount --make-rprivate /
printf '127.0.0.1 localhost\n127.0.0.77 %s\n127.0.0.78 other.k8s.test\n' "$K8S" > "$TMP/hosts"
mount --bind "$TMP/hosts" /etc/hosts || skip_all "cannot bind-mount a private /etc/hosts"
getent ahostsv4 "$K8S" | grep -q '^127\.0\.0\.77 ' ||
	skip_all "getaddrinfo does not read /etc/hosts here (nsswitch.conf)"

# A cgroup named like a Docker container's: container.id comes from its path.
cgmnt=$(awk '$3 == "cgroup2" { print $2; exit }' /proc/mounts)
[ -n "$cgmnt" ] || cgmnt=$(awk '$3 == "cgroup" && $4 ~ /(^|,)pids(,|$)/ { print $2; exit }' /proc/mounts)
hex=$(echo "saker-dns-$$" | sha256sum | cut -c1-64)
CG=$cgmnt/saker-dns-$$/docker-$hex.scope
mkdir -p "$CG" 2>/dev/null || skip_all "no writable cgroup hierarchy for a scratch container"
listener=
daemon=
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null
	[ -n "$listener" ] && kill "$listener" 2>/dev/null
	rmdir "$CG" "$(dirname "$CG")" 2>/dev/null
	rm -rf "$TMP"
}
trap cleanup EXIT

python3 - "$TMP/listening" <<'PY' &
import socket, sys
ls = []
for a in ("127.0.0.77", "127.0.0.78"):
    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    s.bind((a, 443)); s.listen(16); s.settimeout(60); ls.append(s)
open(sys.argv[1], "w").write("ok")
for s in ls * 4:
    try:
        c, _ = s.accept(); c.close()
    except Exception:
        pass
PY
listener=$!
for _ in $(seq 50); do [ -s "$TMP/listening" ] && break; sleep 0.1; done
[ -s "$TMP/listening" ] || skip_all "cannot listen on 127.0.0.77:443"

cat > "$TMP/names.yaml" <<EOF
- rule: K8S API name
  desc: prints the names of a connection to the API server's address
  condition: evt.type = connect and fd.sip.name = "$K8S" and proc.name = python3
  output: "connection=%fd.name fd.sip.name=%fd.sip.name fd.rip.name=%fd.rip.name"
  priority: NOTICE
EOF
"$SAKERD" --driver ebpf -r "$STABLE" -r "$TMP/names.yaml" --ready-file "$TMP/ready" \
	-o container_engines.docker.enabled=false -o container_engines.podman.enabled=false \
	-o container_engines.cri.enabled=false -o rule_matching=all \
	-o stdout_output.enabled=false -o file_output.enabled=true \
	-o file_output.filename="$TMP/alerts.json" -o json_output=true 2> "$TMP/sakerd.err" &
daemon=$!
ok "sakerd starts with Falco's stable rules" wait_ready "$TMP/ready" "$daemon"
ok "the name was resolved before sakerd said ready" \
	sh -c "! grep -q 'have no answer yet' '$TMP/sakerd.err'"

# connect ADDRESS: to ADDRESS:443, then close
echo 'import socket, sys; socket.create_connection((sys.argv[1], 443), 5).close()' > "$TMP/connect.py"
in_container() { # COMMAND...: run it in the scratch container's cgroup
	sh -c 'echo $$ > "$0/cgroup.procs" && exec "$@"' "$CG" "$@"
}
in_container python3 "$TMP/connect.py" 127.0.0.78
python3 "$TMP/connect.py" 127.0.0.77
in_container python3 "$TMP/connect.py" 127.0.0.77
i=0
while ! grep -q 'Contact K8S API Server From Container' "$TMP/alerts.json" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
sleep 0.5 # the alerts of the earlier connections, had there been any

# Reload with a name no rule compared before: it is looked up in the
# background (the loop does not wait), then matches.
sed -i 's/fd.sip.name = "\([^"]*\)"/fd.sip.name in ("\1", other.k8s.test)/' "$TMP/names.yaml"
kill -HUP "$daemon"
dns_stats() { sakerd_stats "$daemon" "$TMP/sakerd.err" 'sakerd: dns: names='; }
i=0
until grep -q 'reloaded' "$TMP/sakerd.err" && dns_stats | grep -q 'names=2 answered=2 unanswered=0' ||
	[ $i -ge 50 ]; do
	sleep 0.2
	i=$((i + 1))
done
ok "after the reload both names are resolved" \
	sh -c "grep 'sakerd: dns: names=' '$TMP/sakerd.err' | tail -1 | grep -q 'names=2 answered=2 unanswered=0'"
python3 "$TMP/connect.py" 127.0.0.78
i=0
while ! grep -q '"fd.sip.name":"other.k8s.test"' "$TMP/alerts.json" 2>/dev/null && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
stop_daemon

python3 - "$TMP/alerts.json" > "$TMP/verdicts" <<'PY'
import json, sys
alerts = [json.loads(l) for l in open(sys.argv[1]) if l.startswith("{")]
rule = "Contact K8S API Server From Container"
mine = [a for a in alerts if a["rule"] == rule]
def verdict(good, what, why=""):
    print("%s\t%s\t%s" % ("PASS" if good else "FAIL", what, why))
to77 = [a for a in mine if "->127.0.0.77:443" in a["output"]]
verdict(len(to77) == 1, "the container's connection to the API server raises '%s'" % rule,
        "alerts: %s" % [a["output"] for a in mine])
verdict(to77 != [] and all(a["output_fields"].get("fd.rport") == 443 for a in to77),
        "the alert names port 443", json.dumps([a["output_fields"] for a in to77]))
verdict(not [a for a in mine if "127.0.0.78" in a["output"]],
        "a connection to another address raises nothing")
named = [a for a in alerts if a["rule"] == "K8S API name"]
names = [a for a in named if "127.0.0.77" in a["output"]]
verdict(len(names) == 2, "our rule sees both connections to the name (host and container)",
        "got %d" % len(names))
other = [a for a in named if "127.0.0.78" in a["output"]]
verdict(len(other) == 1 and other[0]["output_fields"].get("fd.sip.name") == "other.k8s.test",
        "after the reload it matches the new name", json.dumps([a["output_fields"] for a in other]))
verdict(all(a["output_fields"].get("fd.sip.name") == "kubernetes.default.svc.cluster.local" and
            a["output_fields"].get("fd.rip.name") == "kubernetes.default.svc.cluster.local"
            for a in names) and names != [],
        "%fd.sip.name and %fd.rip.name show the name", json.dumps([a["output_fields"] for a in names]))
PY
verdicts "$TMP/verdicts"
grep 'sakerd: dns:' "$TMP/sakerd.err" | sed 's/^/# /'
done_testing
