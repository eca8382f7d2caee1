#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# Container metadata against a real runtime: podman (runc, cgroupfs, file
# events) runs a locally imported busybox image with Kubernetes-style
# labels, `podman system service` serves the Docker-compatible API on a
# unix socket, and sakerd --driver ebpf raises alerts for a shell scenario
# inside the container. The alerts must carry container.id always, and the
# name, image and pod labels the API gave; when the container's processes
# are gone its cache entry must be too. Runs in a private mount namespace
# with /run on tmpfs; storage lives under $TMP; everything is removed.
. "$(dirname "$0")/lib.sh"
exclusive containers
SAKERD=$abs_top_builddir/src/sakerd

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root (eBPF driver, podman)"
	need_ebpf
	command -v podman > /dev/null || skip_all "podman is not installed"
	command -v runc > /dev/null || skip_all "runc is not installed (podman's crun fails here)"
	command -v python3 > /dev/null || skip_all "python3 is not installed"
	BB=$(command -v busybox) || skip_all "busybox (static) is not installed"
	ldd "$BB" 2>&1 | grep -q "not a dynamic" || skip_all "$BB is not static: install busybox-static"
	unshare -m true 2>/dev/null || skip_all "cannot create a mount namespace"
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

BB=$(command -v busybox)
mount --make-rprivate /
mount -t tmpfs -o mode=755 saker-test-run /run
# podman keeps a blob cache in /var/lib/containers even with --root.
made_varlib=
if [ ! -d /var/lib/containers ]; then
	mkdir /var/lib/containers && made_varlib=1
fi
mount -t tmpfs saker-test-containers /var/lib/containers
# cgroupfs parents podman creates in every hierarchy, if they are new.
new_cgroups=
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
	[ -d "$h" ] && [ ! -e "${h}libpod_parent" ] && new_cgroups="$new_cgroups ${h}libpod_parent"
done

export CONTAINERS_CONF=$TMP/containers.conf
cat > "$CONTAINERS_CONF" <<'EOF'
[containers]
netns = "none"
default_ulimits = ["nofile=1024:1024", "nproc=1024:1024"]
[engine]
runtime = "runc"
cgroup_manager = "cgroupfs"
events_logger = "file"
EOF
podman_() {
	podman --root "$TMP/storage" --runroot "$TMP/runroot" --tmpdir "$TMP/podtmp" \
		--storage-driver vfs "$@"
}
svc=
daemon=
cleanup() {
	[ -n "$daemon" ] && kill "$daemon" 2>/dev/null && wait "$daemon" 2>/dev/null
	podman_ rm -a -f -t 0 > /dev/null 2>&1
	[ -n "$svc" ] && kill "$svc" 2>/dev/null && wait "$svc" 2>/dev/null
	for c in $new_cgroups; do
		for sub in "$c"/*/; do [ -d "$sub" ] && rmdir "$sub" 2>/dev/null; done
		rmdir "$c" 2>/dev/null
	done
	grep -o " $TMP[^ ]*" /proc/mounts | sort -r | while read -r m; do umount -l "$m"; done
	umount /var/lib/containers 2>/dev/null
	[ -n "$made_varlib" ] && rmdir /var/lib/containers
	rm -rf "$TMP"
}
trap cleanup EXIT

# --- the image, the API service ----------------------------------------------
mkdir -p "$TMP/rootfs/bin" "$TMP/rootfs/etc"
cp "$BB" "$TMP/rootfs/bin/busybox"
for l in sh cat sleep id; do ln -s busybox "$TMP/rootfs/bin/$l"; done
echo "root:*:19000:0:99999:7:::" > "$TMP/rootfs/etc/shadow"
tar -C "$TMP/rootfs" -cf "$TMP/rootfs.tar" .
podman_ import "$TMP/rootfs.tar" localhost/saker-it:1.0 > "$TMP/import.log" 2>&1 ||
	{ sed 's/^/# /' "$TMP/import.log"; skip_all "podman cannot import an image here"; }
# exec: $! must be podman itself, not a subshell running the function, or the
# cleanup's kill leaves the service running.
(exec podman --root "$TMP/storage" --runroot "$TMP/runroot" --tmpdir "$TMP/podtmp" \
	--storage-driver vfs system service --time=0 "unix://$TMP/podman.sock") > "$TMP/service.log" 2>&1 &
svc=$!
i=0
while [ ! -S "$TMP/podman.sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
[ -S "$TMP/podman.sock" ] || { sed 's/^/# /' "$TMP/service.log"; skip_all "podman system service did not start"; }
# A container that can run at all: otherwise this host cannot run podman.
podman_ run --rm localhost/saker-it:1.0 /bin/id > "$TMP/probe.log" 2>&1 ||
	{ sed 's/^/# /' "$TMP/probe.log"; skip_all "podman cannot run a container here"; }

# --- sakerd, then the container's scenario ------------------------------------
cat > "$TMP/rules.yaml" <<'EOF'
- rule: Shadow read in container
  desc: a shell in a container reads the shadow file
  condition: evt.type in (open, openat) and evt.dir = < and fd.name = /etc/shadow and container.id != host
  output: "shadow read in container (container.id=%container.id container.name=%container.name container.image=%container.image container.image.repository=%container.image.repository container.image.tag=%container.image.tag container.type=%container.type container.privileged=%container.privileged container.mount.dest[*/rootfs/etc]=%container.mount.dest[*/rootfs/etc] k8s.pod.name=%k8s.pod.name k8s.ns.name=%k8s.ns.name k8s.pod.uid=%k8s.pod.uid k8s.pod.label[app]=%k8s.pod.label[app] k8s.pod.labels=%k8s.pod.labels)"
  priority: WARNING
EOF
"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" --ready-file "$TMP/ready" \
	-o container_engines.podman.sockets="$TMP/podman.sock" \
	-o container_engines.docker.enabled=false -o container_engines.cri.enabled=false \
	-o container_engines.lookup_timeout=15s \
	-o stdout_output.enabled=false -o file_output.enabled=true \
	-o file_output.filename="$TMP/alerts.json" -o json_output=true 2> "$TMP/sakerd.err" &
daemon=$!
ok "sakerd starts with the podman socket configured" wait_ready "$TMP/ready" "$daemon"
# How many containers the daemon caches before ours (others may run here).
stats_line() { sakerd_stats "$daemon" "$TMP/sakerd.err"; }
before=$(stats_line)

name=saker-it-$$
# The shell reads the file every 0.2 s until the test opens the gate, then
# once more. The first reads may race the lookup (they still carry
# container.id only); the gate opens once sakerd has the metadata, however
# slow podman's service is on a loaded machine, so the last read must
# carry all of it. Each read is logged, to count the alerts against.
mkdir "$TMP/gate"
podman_ run -d --name "$name" -v "$TMP/rootfs/etc:/hostetc:ro" -v "$TMP/gate:/gate" \
	--label io.kubernetes.pod.name=web-1 --label io.kubernetes.pod.namespace=prod \
	--label io.kubernetes.pod.uid=0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b --label app=web \
	localhost/saker-it:1.0 /bin/sh -c \
	'while [ ! -e /gate/open ]; do cat /etc/shadow > /dev/null; echo r >> /gate/reads; sleep 0.2; done
	 cat /etc/shadow > /dev/null; echo r >> /gate/reads' > "$TMP/run.log" 2>&1
is "the container started" "$?" 0
# Ready: the scenario runs (runc's helpers are gone), the container is
# cached, and every lookup asked so far has been answered.
ready() {
	[ -s "$TMP/gate/reads" ] || return 1
	_s=$(stats_line)
	[ "$(stat_num cached "$_s")" -ge 1 ] && [ "$(stat_num found "$_s")" -ge 1 ] &&
		[ "$(stat_num lookups "$_s")" -eq $(($(stat_num found "$_s") + $(stat_num not_found "$_s") + \
			$(stat_num failed "$_s") + $(stat_num no_runtime "$_s"))) ]
}
i=0
while ! ready && [ $i -lt 120 ]; do
	sleep 0.5
	i=$((i + 1))
done
touch "$TMP/gate/open"
is "the container's scenario ran" "$(podman_ wait "$name")" 0
full=$(podman_ inspect --format '{{.Id}}' "$name")
short=$(printf %.12s "$full")
podman_ rm -f "$name" > /dev/null 2>&1
reads=$(wc -l < "$TMP/gate/reads")

i=0
while [ "$(grep -c 'Shadow read in container' "$TMP/alerts.json" 2>/dev/null)" -lt "$reads" ] && [ $i -lt 100 ]; do
	sleep 0.1
	i=$((i + 1))
done
# The container's processes have exited: its entry must go, after the
# cache's grace period (5 s).
i=0
stats=$(stats_line)
while [ "$(stat_num cached "$stats")" -gt "$(stat_num cached "$before")" ] && [ $i -lt 40 ]; do
	sleep 0.5
	stats=$(stats_line)
	i=$((i + 1))
done
stop_daemon

python3 - "$TMP/alerts.json" "$short" "$name" "$reads" > "$TMP/verdicts" <<'PY'
import json, sys
path, short, name, reads = sys.argv[1:]
alerts = [json.loads(l) for l in open(path) if l.strip()]
alerts = [a for a in alerts if a.get("rule") == "Shadow read in container"]
def check(ok, what, why=""):
    print("%s\t%s\t%s" % ("PASS" if ok else "FAIL", what, why))
check(len(alerts) == int(reads), "every read in the container raised an alert",
      "%d alerts, %s reads" % (len(alerts), reads))
f = [a.get("output_fields", {}) for a in alerts]
check(f and all(x.get("container.id") == short for x in f),
      "every alert carries container.id", str([x.get("container.id") for x in f][:3]))
want = {
    "container.name": name,
    "container.image": "localhost/saker-it:1.0",
    "container.image.repository": "localhost/saker-it",
    "container.image.tag": "1.0",
    "container.type": "podman",
    "container.privileged": False,
    "container.mount.dest[*/rootfs/etc]": "/hostetc",
    "k8s.pod.name": "web-1",
    "k8s.ns.name": "prod",
    "k8s.pod.uid": "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b",
    "k8s.pod.label[app]": "web",
    "k8s.pod.labels": "app:web",
}
full = [x for x in f if x.get("container.name") not in (None, "<NA>")]
check(len(full) > 0, "alerts carry the metadata podman's API gave",
      "%d of %d alerts have container.name" % (len(full), len(f)))
last = f[-1] if f else {}
for k, v in want.items():
    check(last.get(k) == v, "the last alert's %s is %r" % (k, v), "got %r" % last.get(k))
# Before its lookup completed an alert has no metadata; never a wrong one.
wrong = [x for x in f if x.get("container.name") not in (None, "<NA>", name)]
check(not wrong, "no alert carries another container's name", str(wrong[:1]))
PY
verdicts "$TMP/verdicts"

echo "# before: $before"
echo "# after:  $stats"
ok "the container was looked up and found" test "$(stat_num found "$stats")" -ge 1
# Generous timeout: on a loaded machine podman's service can take seconds.
ok "no lookup failed" test "$(stat_num failed "$stats")" -eq 0
ok "its entry was evicted when its last process exited" \
	test "$(stat_num evicted "$stats")" -ge 1 -a "$(stat_num cached "$stats")" -le "$(stat_num cached "$before")"
ok "the daemon logged no container errors" sh -c "! grep -i 'container.*error' '$TMP/sakerd.err'"
done_testing
