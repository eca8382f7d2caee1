#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# close_range(2) through the eBPF and the ptrace driver: a process opens two
# files, closes everything from the first up with close_range, writes to
# the second (EBADF: its name must be gone, not the file's), makes an
# eventfd that takes the first number and writes to it (its name), then
# closes every fd with close_range(0, ~0). A rule prints fd.name and
# proc.fdopencount at each write and close_range.
. "$(dirname "$0")/lib.sh"
SAKERD=$abs_top_builddir/src/sakerd

[ "$(id -u)" = 0 ] || skip_all "needs root (eBPF driver, ptrace of a child)"
command -v python3 > /dev/null || skip_all "python3 is not installed"
echo data > "$TMP/file"
cat > "$TMP/rules.yaml" <<'YAML'
- rule: close_range probe
  desc: fd fields around close_range
  condition: evt.type in (close_range, write) and proc.name = python3 and not fd.num in (1, 2)
  output: "type=%evt.type fd=%fd.num name=%fd.name res=%evt.res open=%proc.fdopencount"
  priority: WARNING
YAML
cat > "$TMP/prog.py" <<PY
import ctypes, os
libc = ctypes.CDLL(None, use_errno=True)
def close_range(first, last):
    return libc.syscall(436, ctypes.c_uint(first), ctypes.c_uint(last), ctypes.c_uint(0))
a = os.open("$TMP/file", os.O_RDONLY)
b = os.open("$TMP/file", os.O_RDONLY)
close_range(a, 0xffffffff)
try:
    os.write(b, b"x")
except OSError:
    pass
c = os.eventfd(0)
os.write(c, (1).to_bytes(8, "little"))
with open("$TMP/fds." + os.environ["DRIVER"], "w") as f:
    f.write("%d %d %d %d\n" % (a, b, c, len(os.listdir("/proc/self/fd")) - 2))
close_range(0, 0xffffffff)
PY

# check DRIVER FILE: the alerts sakerd --driver DRIVER wrote to FILE. The
# program wrote its fd numbers (the test harness may pass extra fds on) and
# how many fds it had open before the last close_range, the eventfd's among them.
check() {
	read -r a b c n < "$TMP/fds.$1" || { ok "$1: the program ran" false; return; }
	ok "$1: close_range closed the range ($a and up: $((n - 1)) open)" \
		grep -q "type=close_range .*open=$((n - 1))\$" "$2"
	ok "$1: a write to an fd it closed names nothing (not the file)" \
		grep -q "type=write fd=$b name=<NA> res=EBADF" "$2"
	ok "$1: the eventfd that took the first number is named" \
		grep -q "type=write fd=$c name=anon_inode:\[eventfd\] res=SUCCESS" "$2"
	ok "$1: close_range(0, ~0) left nothing open" grep -q "type=close_range .*open=0\$" "$2"
	ok "$1: no alert names the closed file" sh -c "! grep -q 'name=$TMP/file' '$2'"
}

why=$(ebpf_why)
if [ -z "$why" ]; then
	"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" --ready-file "$TMP/ready" \
		> "$TMP/ebpf.out" 2> "$TMP/ebpf.err" &
	d=$!
	if wait_ready "$TMP/ready" "$d"; then
		DRIVER=ebpf python3 "$TMP/prog.py"
		sleep 0.5
		kill -TERM "$d"
		wait "$d"
		check ebpf "$TMP/ebpf.out"
	else
		sed 's/^/# /' "$TMP/ebpf.err"
		ok "ebpf: sakerd started" false
	fi
else
	echo "# $why: the ebpf checks are left out"
fi
DRIVER=ptrace "$SAKERD" --driver ptrace -r "$TMP/rules.yaml" -- python3 "$TMP/prog.py" \
	> "$TMP/ptrace.out" 2> "$TMP/ptrace.err"
is "ptrace: the traced program exited 0" "$?" 0
check ptrace "$TMP/ptrace.out"
done_testing
