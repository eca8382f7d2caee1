#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Container metadata from a real containerd (Debian's 1.6, runc, cgroupfs,
# the native snapshotter, its CRI plugin): a private containerd on a socket
# under $TMP runs four containers of a locally built busybox image, two made
# with `ctr run` in a namespace of our own (containerd's API path), two in
# pod sandboxes made through the CRI with host networking and Kubernetes'
# labels (tests/helpers/cri_client: Debian has no crictl); one of each kind
# privileged. sakerd --driver ebpf asks that socket only; a shell in each
# container reads a file until the daemon has the metadata, and the last
# alert of each must carry container.type, name, image, privileged and, for
# the pods, the k8s.* fields. Then the shell runs a program named debugfs
# and execs (as the container's pid 1): Falco's stable rule "Debugfs
# Launched in Privileged Container" and saker's "Privileged Container
# Started" must fire in the privileged containers only. Runs in a private
# mount namespace with /run on tmpfs; containerd, its mounts and the
# cgroups it made are removed at the end.
. "$(dirname "$0")/lib.sh"
exclusive containers
SAKERD=$abs_top_builddir/src/sakerd
CRI=$abs_top_builddir/tests/helpers/cri_client

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root (eBPF driver, containerd)"
	need_ebpf
	[ -x "$CRI" ] || skip_all "built without the CRI client"
	command -v containerd > /dev/null || skip_all "containerd is not installed"
	command -v ctr > /dev/null || skip_all "ctr (containerd) is not installed"
	command -v runc > /dev/null || skip_all "runc is not installed"
	command -v python3 > /dev/null || skip_all "python3 is not installed"
	BB=$(command -v busybox) || skip_all "busybox (static) is not installed"
	ldd "$BB" 2>&1 | grep -q "not a dynamic" || skip_all "$BB is not static: install busybox-static"
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -e "${h}kubepods" ] && skip_all "a kubepods cgroup exists: a kubelet runs here"
		[ -e "${h}saker-test" ] && skip_all "${h}saker-test exists: another run is going on"
	done
	unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace"
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

BB=$(command -v busybox)
mount --make-rprivate /
# The shims put their sockets under /run/containerd whatever --state says.
mount -t tmpfs -o mode=755 saker-test-run /run
# cgroupfs parents the containers get: the pod's (as kubelet's cgroupfs
# driver names them) and the ctr namespace's.
pod_uid=0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b
ppod_uid=1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d
new_cgroups=
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
	[ -d "$h" ] && new_cgroups="$new_cgroups ${h}kubepods ${h}saker-test"
done

daemon=
ctrd=
sock=$TMP/containerd.sock
ctr_() { ctr --address "$sock" "$@"; }
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	if [ -n "$ctrd" ]; then
		for c in ${cri_id:-} ${pcri_id:-}; do "$CRI" "$sock" stop "$c" > /dev/null 2>&1; "$CRI" "$sock" rm "$c" > /dev/null 2>&1; done
		for s in ${sandbox:-} ${psandbox:-}; do "$CRI" "$sock" stopp "$s" > /dev/null 2>&1; "$CRI" "$sock" rmp "$s" > /dev/null 2>&1; done
		for c in ${ctr_id:-} ${pctr_id:-}; do
			ctr_ -n saker-test tasks kill -s KILL "$c" > /dev/null 2>&1
			sleep 0.5
			ctr_ -n saker-test tasks rm -f "$c" > /dev/null 2>&1
			ctr_ -n saker-test containers rm "$c" > /dev/null 2>&1
		done
		kill "$ctrd" 2>/dev/null && wait "$ctrd" 2>/dev/null
	fi
	# Shims outlive containerd: end those of our containers (by their socket's directory).
	for p in $(pgrep -f "containerd-shim-runc-v2 .*-address $sock" 2>/dev/null); do kill -9 "$p" 2>/dev/null; done
	for c in $new_cgroups; do
		[ -d "$c" ] && find "$c" -depth -type d -exec rmdir {} \; 2>/dev/null
	done
	grep -o " $TMP[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
	rm -rf "$TMP"
}
trap cleanup EXIT

# --- containerd and the image --------------------------------------------------
cat > "$TMP/containerd.toml" <<EOF
version = 2
root = "$TMP/root"
state = "$TMP/state"
[grpc]
  address = "$sock"
[plugins."io.containerd.grpc.v1.cri"]
  sandbox_image = "localhost/saker-pause:1.0"
  # Root here lacks CAP_SYS_RESOURCE: kubelet's -998 for sandboxes fails.
  restrict_oom_score_adj = true
  [plugins."io.containerd.grpc.v1.cri".containerd]
    snapshotter = "native"
    default_runtime_name = "runc"
    [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc]
      runtime_type = "io.containerd.runc.v2"
      [plugins."io.containerd.grpc.v1.cri".containerd.runtimes.runc.options]
        SystemdCgroup = false
  [plugins."io.containerd.grpc.v1.cri".cni]
    bin_dir = "$TMP/cni/bin"
    conf_dir = "$TMP/cni/conf"
EOF
(exec containerd --config "$TMP/containerd.toml") > "$TMP/containerd.log" 2>&1 &
ctrd=$!
i=0
while ! ctr_ version > /dev/null 2>&1 && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ctr_ version > /dev/null 2>&1 || { sed 's/^/# /' "$TMP/containerd.log" | tail -20; skip_all "containerd did not start"; }

mkdir -p "$TMP/rootfs/bin" "$TMP/rootfs/etc"
cp "$BB" "$TMP/rootfs/bin/busybox"
# debugfs: busybox has no such applet, but the exec is what the rules see.
for l in sh cat sleep id debugfs; do ln -s busybox "$TMP/rootfs/bin/$l"; done
# Not /etc/shadow: containers.sh may run beside this test, and its sakerd
# (eBPF sees every container) would count our reads as its own.
echo "cri secret" > "$TMP/rootfs/etc/cri-secret"
tar -C "$TMP/rootfs" -cf "$TMP/rootfs.tar" .
# A docker-archive (what `docker save` writes) of that one layer, for ctr import.
mkimage() { # OUT REF CMD...
	python3 - "$TMP/rootfs.tar" "$@" <<'PY'
import hashlib, io, json, sys, tarfile
layer, out, ref, cmd = sys.argv[1], sys.argv[2], sys.argv[3], sys.argv[4:]
data = open(layer, "rb").read()
diff = hashlib.sha256(data).hexdigest()
cfg = json.dumps({"architecture": "amd64", "os": "linux",
                  "config": {"Cmd": cmd, "Env": ["PATH=/bin"]},
                  "rootfs": {"type": "layers", "diff_ids": ["sha256:" + diff]}}).encode()
cname = hashlib.sha256(cfg).hexdigest() + ".json"
man = json.dumps([{"Config": cname, "RepoTags": [ref], "Layers": [diff + "/layer.tar"]}]).encode()
with tarfile.open(out, "w") as t:
    for name, b in ((diff + "/layer.tar", data), (cname, cfg), ("manifest.json", man)):
        ti = tarfile.TarInfo(name)
        ti.size = len(b)
        ti.mode = 0o644
        t.addfile(ti, io.BytesIO(b))
PY
}
mkimage "$TMP/it.tar" localhost/saker-it:1.0 /bin/sh
mkimage "$TMP/pause.tar" localhost/saker-pause:1.0 /bin/sleep 1000000
for ns in k8s.io saker-test; do
	ctr_ -n $ns images import "$TMP/it.tar" > "$TMP/import.log" 2>&1 ||
		{ sed 's/^/# /' "$TMP/import.log"; skip_all "ctr cannot import an image"; }
done
ctr_ -n k8s.io images import "$TMP/pause.tar" > "$TMP/import.log" 2>&1 ||
	{ sed 's/^/# /' "$TMP/import.log"; skip_all "ctr cannot import an image"; }

# --- sakerd ----------------------------------------------------------------------
cat > "$TMP/rules.yaml" <<'EOF'
- rule: Secret read in CRI container
  desc: a shell in a container reads the secret file
  condition: evt.type in (open, openat) and evt.dir = < and fd.name = /etc/cri-secret and container.id != host
  output: "secret read in container (container.id=%container.id container.privileged=%container.privileged container.name=%container.name container.image=%container.image container.image.repository=%container.image.repository container.image.tag=%container.image.tag container.image.digest=%container.image.digest container.type=%container.type container.mount.dest[*/gate-*]=%container.mount.dest[*/gate-*] container.mounts=%container.mounts container.start_ts=%container.start_ts k8s.pod.name=%k8s.pod.name k8s.ns.name=%k8s.ns.name k8s.pod.uid=%k8s.pod.uid k8s.pod.label[app]=%k8s.pod.label[app] k8s.pod.labels=%k8s.pod.labels)"
  priority: WARNING
EOF
# The rules that use container.privileged: saker's own, and Falco's stable
# file when the anchors are there (never copied into this repository).
FALCO_RULES=$abs_top_srcdir/../shared/anchors/falco-rules/falco_rules.yaml
extra_rules="-r $abs_top_srcdir/rules/saker_rules.yaml"
[ -r "$FALCO_RULES" ] && extra_rules="$extra_rules -r $FALCO_RULES"
"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" $extra_rules --ready-file "$TMP/ready" \
	-o container_engines.cri.sockets="$sock" \
	-o container_engines.cri.containerd_namespaces=[k8s.io,saker-test] \
	-o container_engines.docker.enabled=false -o container_engines.podman.enabled=false \
	-o container_engines.lookup_timeout=15s \
	-o stdout_output.enabled=false -o file_output.enabled=true \
	-o file_output.filename="$TMP/alerts.json" -o json_output=true 2> "$TMP/sakerd.err" &
daemon=$!
ok "sakerd starts with the containerd socket configured" wait_ready "$TMP/ready" "$daemon"
stats_line() { sakerd_stats "$daemon" "$TMP/sakerd.err"; }
before=$(stats_line)
# Ready: the scenario runs, and every lookup asked so far has been answered,
# found ones beyond those before included.
ready() { # GATE_DIR FOUND_AT_LEAST
	[ -s "$1/reads" ] || return 1
	_s=$(stats_line)
	[ "$(stat_num found "$_s")" -ge "$2" ] &&
		[ "$(stat_num lookups "$_s")" -eq $(($(stat_num found "$_s") + $(stat_num not_found "$_s") + \
			$(stat_num failed "$_s") + $(stat_num no_runtime "$_s"))) ]
}
# The shell reads the file every 0.2 s until the test opens the gate, then
# once more: the first reads may race the lookup, the last must carry all.
# Then, with the metadata known, a debugfs, and an exec as pid 1 that says
# it is done.
scenario='while [ ! -e /gate/open ]; do cat /etc/cri-secret > /dev/null; echo r >> /gate/reads; sleep 0.2; done
	 cat /etc/cri-secret > /dev/null; echo r >> /gate/reads; /bin/debugfs -V 2> /dev/null
	 exec /bin/sh -c "touch /gate/done"'
wait_gate() { # GATE_DIR FOUND_AT_LEAST
	i=0
	while ! ready "$1" "$2" && [ $i -lt 120 ]; do
		sleep 0.5
		i=$((i + 1))
	done
	touch "$1/open"
	i=0
	while [ ! -e "$1/done" ] && [ $i -lt 100 ]; do
		sleep 0.2
		i=$((i + 1))
	done
}

# --- containerd's API: ctr run in a namespace of our own --------------------------
# in_ctr ID_VAR GATE [FLAG...]: ctr runs the scenario with $TMP/gate-GATE as /gate.
in_ctr() {
	_iv=$1 _gate=$2
	shift 2
	mkdir "$TMP/gate-$_gate"
	_id=$(head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n')
	eval "$_iv=\$_id"
	ctr_ -n saker-test run -d --label app=ctr-web "$@" \
		--mount "type=bind,src=$TMP/gate-$_gate,dst=/gate,options=rbind:rw" \
		localhost/saker-it:1.0 "$_id" /bin/sh -c "$scenario" > "$TMP/ctr.log" 2>&1
	is "ctr runs container $_gate $*" "$?" 0
}
in_ctr ctr_id ctr
found0=$(stat_num found "$before")
wait_gate "$TMP/gate-ctr" $((found0 + 1))

# --- the CRI: a pod sandbox (host network) and a container in it -----------------
# in_pod SANDBOX_VAR ID_VAR GATE NAME POD UID "POD_FLAGS" LABEL...: a pod
# sandbox with the pod labels and, in it, container NAME running the
# scenario with $TMP/gate-GATE as /gate; the ids go to the two variables.
in_pod() {
	_sv=$1 _iv=$2 _gate=$3 _name=$4 _pod=$5
	_opts="-n $5 -N prod -u $6 -c /kubepods/besteffort/pod$6 $7"
	_kl="-L io.kubernetes.pod.name=$5 -L io.kubernetes.pod.namespace=prod"
	_kl="$_kl -L io.kubernetes.pod.uid=$6 -L io.kubernetes.container.name=$4"
	shift 7
	_pl=
	for _l in "$@"; do _pl="$_pl -l $_l"; done
	mkdir "$TMP/gate-$_gate"
	_sb=$("$CRI" "$sock" runp $_opts $_pl 2> "$TMP/cri.log")
	is "the CRI runs pod $_pod" "$?" 0
	eval "$_sv=\$_sb"
	_id=$("$CRI" "$sock" create "$_sb" "$_name" localhost/saker-it:1.0 $_opts $_kl \
		-m "$TMP/gate-$_gate:/gate" -- /bin/sh -c "$scenario" 2>> "$TMP/cri.log") &&
		eval "$_iv=\$_id" && "$CRI" "$sock" start "$_id" 2>> "$TMP/cri.log"
	is "the CRI creates and starts $_name in it" "$?" 0
	[ -s "$TMP/cri.log" ] && sed 's/^/# /' "$TMP/cri.log"
}
in_pod sandbox cri_id cri app web-1 $pod_uid "" app=web tier=front
# The ctr one's, the pause container's (found through containerd's API) and ours.
wait_gate "$TMP/gate-cri" $((found0 + 3))

# --- privileged: ctr run --privileged, and a privileged pod's container -------------
in_ctr pctr_id pctr --privileged
wait_gate "$TMP/gate-pctr" $((found0 + 4))
in_pod psandbox pcri_id pcri admin admin-1 $ppod_uid -P app=admin
wait_gate "$TMP/gate-pcri" $((found0 + 6))
sleep 1
stats=$(stats_line)
stop_daemon

reads() { wc -l < "$TMP/gate-$1/reads" 2> /dev/null || echo 0; }
python3 - "$TMP/alerts.json" "$pod_uid" "$ppod_uid" "$([ -r "$FALCO_RULES" ] && echo 1 || echo 0)" \
	"$ctr_id:$(reads ctr)" "$cri_id:$(reads cri)" "$pctr_id:$(reads pctr)" \
	"$pcri_id:$(reads pcri)" "$psandbox" > "$TMP/verdicts" <<'PY'
import json, sys
path, uid, puid, falco = sys.argv[1:5]
(ctr_id, ctr_reads), (cri_id, cri_reads), (pctr_id, pctr_reads), (pcri_id, pcri_reads) = \
    [a.split(":") for a in sys.argv[5:9]]
psandbox = sys.argv[9]
every = [json.loads(l) for l in open(path) if l.strip()]
def of_rule(name):
    return [a.get("output_fields", {}) for a in every if a.get("rule") == name]
alerts = of_rule("Secret read in CRI container")
def check(ok, what, why=""):
    print("%s\t%s\t%s" % ("PASS" if ok else "FAIL", what, why))
NA = (None, "<NA>")
def k8s(name, pod_uid, labels, label_app):
    return {"k8s.pod.name": name, "k8s.ns.name": "prod", "k8s.pod.uid": pod_uid,
            "k8s.pod.label[app]": label_app, "k8s.pod.labels": labels}
common = {"container.image": "localhost/saker-it:1.0",
          "container.image.repository": "localhost/saker-it",
          "container.image.tag": "1.0", "container.mount.dest[*/gate-*]": "/gate",
          "container.type": "containerd"}
for cid, reads, what, want in (
    (ctr_id, ctr_reads, "ctr container", dict(common, **{
        "container.name": ctr_id, "container.privileged": False, "k8s.pod.name": None})),
    (cri_id, cri_reads, "CRI container", dict(common, **k8s("web-1", uid, "app:web, tier:front", "web"),
        **{"container.name": "app", "container.privileged": False})),
    (pctr_id, pctr_reads, "privileged ctr container", dict(common, **{
        "container.name": pctr_id, "container.privileged": True, "k8s.pod.name": None})),
    (pcri_id, pcri_reads, "privileged CRI container", dict(common, **k8s("admin-1", puid, "app:admin", "admin"),
        **{"container.name": "admin", "container.privileged": True})),
    ):
    f = [x for x in alerts if x.get("container.id") == cid[:12]]
    check(len(f) == int(reads), "%s: every read raised an alert with its container.id" % what,
          "%d alerts, %s reads" % (len(f), reads))
    last = f[-1] if f else {}
    for k, v in want.items():
        got = last.get(k)
        if isinstance(v, bool) and got in ("true", "false"):
            got = got == "true"
        check(got == v or (v is None and got in NA), "%s: the last alert's %s is %r" % (what, k, v),
              "got %r" % got)
    check(isinstance(last.get("container.start_ts"), int) and last["container.start_ts"] > 1600000000 * 10**9,
          "%s: container.start_ts is set" % what, "got %r" % last.get("container.start_ts"))
    wrong = [x for x in f if x.get("container.name") not in NA + (want["container.name"],)]
    check(not wrong, "%s: no alert carries another container's name" % what, str(wrong[:1]))

# The rules that use container.privileged fire in the privileged containers only.
started = {a.get("container.id") for a in of_rule("Privileged Container Started")}
privileged = {pctr_id[:12], pcri_id[:12]}
check(privileged <= started, "saker's 'Privileged Container Started' fires in both privileged containers",
      "fired in %s" % sorted(started))
check(not started & {ctr_id[:12], cri_id[:12]},
      "... and in neither of the others", "fired in %s" % sorted(started))
check(started <= privileged | {psandbox[:12]}, "... nor anywhere else", "fired in %s" % sorted(started))
if falco == "1":
    dbg = of_rule("Debugfs Launched in Privileged Container")
    check(len(dbg) == 2 and all(a.get("proc.name") == "debugfs" for a in dbg),
          "Falco's stable 'Debugfs Launched in Privileged Container' fires once per privileged container "
          "(four containers ran debugfs)", "%d alerts: %s" % (len(dbg), dbg[:2]))
else:
    print("SKIP\tFalco's rules file is not beside the source tree\t")
PY
verdicts "$TMP/verdicts"

echo "# before: $before"
echo "# after:  $stats"
ok "the containers were looked up and found" test "$(stat_num found "$stats")" -ge $((found0 + 4))
ok "no lookup failed" test "$(stat_num failed "$stats")" -eq 0
ok "the daemon logged no container errors" sh -c "! grep -i 'container.*error' '$TMP/sakerd.err'"
done_testing
