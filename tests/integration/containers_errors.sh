#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# What an operator sees when a container runtime fails: sakerd --driver
# ebpf is given one CRI socket, served by tests/helpers/grpc_replay.py
# (a real HTTP/2 gRPC server) answering every call UNAVAILABLE with a
# message of its own. A process is moved into a cgroup named like a
# containerd container's and execs; its lookup fails, is retried twice and
# given up. Each failure must be one log line naming the container, the
# runtime, the socket and the runtime's reason (retrying, then giving up),
# the failed counter must count them, and the runtime must really have been
# asked. Then five more containers fail at once: the lines stop at the
# burst of five while the counter goes on. Runs in a private mount
# namespace; the cgroups are removed.
. "$(dirname "$0")/lib.sh"
exclusive containers
SAKERD=$abs_top_builddir/src/sakerd
PY=/usr/bin/python3

if [ "${SAKER_IN_NS:-}" != 1 ]; then
	[ "$(id -u)" = 0 ] || skip_all "needs root (eBPF driver, cgroups)"
	need_ebpf
	[ -x "$abs_top_builddir/tests/helpers/cri_client" ] || skip_all "built without the CRI client"
	"$PY" -c "import h2" 2> /dev/null || skip_all "no python3 with h2 (python3-h2) to serve HTTP/2"
	for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
		[ -e "${h}saker-err-test" ] && skip_all "${h}saker-err-test exists: another run is going on"
	done
	unshare -m true 2> /dev/null || skip_all "cannot create a mount namespace"
	SAKER_IN_NS=1 exec unshare -m sh "$0" "$@"
fi

newhex() { head -c 32 /dev/urandom | od -An -tx1 | tr -d ' \n'; }
hex=$(newhex)
short=$(echo "$hex" | cut -c1-12)
more="$(newhex) $(newhex) $(newhex) $(newhex) $(newhex)"
sock=$TMP/cri.sock
cgs=
for h in /sys/fs/cgroup/*/ /sys/fs/cgroup/; do
	# A v1 hierarchy, or a v2 one (a child of the root may hold processes).
	[ -e "${h}cgroup.procs" ] && mkdir -p "${h}saker-err-test/$hex" 2> /dev/null &&
		cgs="$cgs ${h}saker-err-test"
done
server=
daemon=
inside=
cleanup() {
	for p in $inside; do kill "$p" 2> /dev/null && wait "$p" 2> /dev/null; done
	[ -n "$daemon" ] && kill "$daemon" 2> /dev/null && wait "$daemon" 2> /dev/null
	[ -n "$server" ] && kill "$server" 2> /dev/null && wait "$server" 2> /dev/null
	for c in $cgs; do
		for x in $hex $more; do rmdir "$c/$x" 2> /dev/null; done
		rmdir "$c" 2> /dev/null
	done
	rm -rf "$TMP"
}
trap cleanup EXIT
[ -n "$cgs" ] || skip_all "cannot create a cgroup"

echo '{"*": {"status": 14, "message": "saker-test: runtime down"}}' > "$TMP/script.json"
"$PY" "$abs_top_srcdir/tests/helpers/grpc_replay.py" "$sock" "$TMP/script.json" "$TMP/requests.log" \
	2> "$TMP/server.err" &
server=$!
i=0
while [ ! -S "$sock" ] && [ $i -lt 100 ]; do sleep 0.1; i=$((i + 1)); done
ok "the gRPC server listens" test -S "$sock"

cat > "$TMP/rules.yaml" <<'EOF'
- rule: Exec in a container
  desc: any program started in a container
  condition: evt.type in (execve, execveat) and evt.res = SUCCESS and container.id != host
  output: "exec in container (container.id=%container.id container.name=%container.name)"
  priority: NOTICE
EOF
"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" --ready-file "$TMP/ready" \
	-o container_engines.cri.sockets="[$sock]" \
	-o container_engines.docker.enabled=false -o container_engines.podman.enabled=false \
	-o container_engines.lookup_timeout=2s \
	-o stdout_output.enabled=false -o file_output.enabled=true \
	-o file_output.filename="$TMP/alerts.json" -o json_output=true 2> "$TMP/sakerd.err" &
daemon=$!
ok "sakerd starts with that socket as its only runtime" wait_ready "$TMP/ready" "$daemon"

# in_container HEX: a process moved into that container's cgroups, then an
# exec (which carries them). It lives long enough for the two retries
# (2 s, then 4 s after the second attempt).
in_container() {
	for c in $cgs; do mkdir -p "$c/$1"; done
	sh -c 'for c in "$@"; do echo $$ > "$c/cgroup.procs" 2> /dev/null; done; exec sleep 12' \
		sh $(for c in $cgs; do echo "$c/$1"; done) &
	inside="$inside $!"
}
stats_line() { sakerd_stats "$daemon" "$TMP/sakerd.err"; }
failed() { stat_num failed "$(stats_line)"; }
lines() { grep -c "container metadata: lookup of $1 failed" "$TMP/sakerd.err"; }

in_container "$hex"
i=0
while ! grep -q "lookup of $short failed.*giving up" "$TMP/sakerd.err" && [ $i -lt 200 ]; do
	sleep 0.1
	i=$((i + 1))
done
stats=$(stats_line)
sed -n "/lookup of $short/s/^/# /p" "$TMP/sakerd.err"
echo "# $stats"

want="sakerd: container metadata: lookup of $short failed: runtime cri, socket \"$sock\": \"$sock: /runtime.v1.RuntimeService/ListContainers: gRPC status 14: saker-test: runtime down\" (Input/output error)"
is "three attempts, three lines" "$(lines "$short")" 3
is "the first names the container, the runtime, the socket and the reason, and will retry" \
	"$(grep "lookup of $short failed" "$TMP/sakerd.err" | head -1)" "$want; will retry"
is "the last gives up" "$(grep "lookup of $short failed" "$TMP/sakerd.err" | tail -1)" \
	"$want; giving up"
is "the failed counter counts them" "$(stat_num failed "$stats")" 3
ok "the runtime was asked (ListContainers)" \
	grep -q "^/runtime.v1.RuntimeService/ListContainers -" "$TMP/requests.log"
ok "the alerts still carry the container's id" grep -q "\"container.id\":\"$short\"" "$TMP/alerts.json"

# A runtime down for many containers: the burst, then silence (a line a minute).
for x in $more; do in_container "$x"; done
i=0
while [ "$(failed)" -lt 8 ] && [ $i -lt 100 ]; do
	sleep 0.2
	i=$((i + 1))
done
sleep 0.5
f=$(failed)
echo "# failed=$f"
ok "five more containers fail (failed $f >= 8)" test "$f" -ge 8
is "the lines stop at the burst of five" "$(lines '[0-9a-f]*')" 5
stop_daemon

# An install without libcurl (sakerd opens it at the first lookup, src/dlib.c):
# a lookup fails with the loader's message, logged like any failure. The
# containers above still run, so they are looked up (and logged) first; one
# more is made in case they are gone.
NOLIB=$abs_top_builddir/tests/helpers/sakerd_nolib
if [ -x "$NOLIB" ]; then
	rm -f "$TMP/ready"
	"$NOLIB" --driver ebpf -r "$TMP/rules.yaml" --ready-file "$TMP/ready" \
		-o container_engines.cri.sockets="[$sock]" \
		-o container_engines.docker.enabled=false -o container_engines.podman.enabled=false \
		-o stdout_output.enabled=false 2> "$TMP/sakerd.err" &
	daemon=$!
	ok "without libcurl, sakerd starts" wait_ready "$TMP/ready" "$daemon"
	nolib=$(newhex)
	in_container "$nolib"
	more="$more $nolib"
	i=0
	while ! grep -q "container metadata: lookup of" "$TMP/sakerd.err" && [ $i -lt 100 ]; do
		sleep 0.1
		i=$((i + 1))
	done
	sed -n "/container metadata: lookup of/s/^/# /p" "$TMP/sakerd.err" | head -2
	ok "a lookup fails naming the missing library" grep -q \
		"lookup of [0-9a-f]* failed: runtime cri, socket \"$sock\": \"libsaker-absent-curl.so.4: cannot open shared object file: No such file or directory\" (Can not access a needed shared library); will retry" \
		"$TMP/sakerd.err"
	stop_daemon
fi
done_testing
