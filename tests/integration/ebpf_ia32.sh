#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# 32-bit system calls through the eBPF driver, in both hook modes: a
# 64-bit process entering through int $0x80 (tests/helpers/ia32_int80) and
# a real i386 binary (tests/helpers/ia32_static), the programs every
# driver's 32-bit tests run, must come out as the x86-64 events with the
# same parameters, and their rules must alert.
# Needs root, BTF and a kernel that runs 32-bit code (IA-32 emulation).
. "$(dirname "$0")/lib.sh"
SAKERD=${SAKERD:-$abs_top_builddir/src/sakerd}
INT80=$abs_top_builddir/tests/helpers/ia32_int80
I386=$abs_top_builddir/tests/helpers/ia32_static
[ "$(id -u)" = 0 ] || skip_all "needs root to load BPF programs"
[ -r /sys/kernel/btf/vmlinux ] || skip_all "kernel has no BTF"
[ "$(uname -m)" = x86_64 ] || skip_all "32-bit system calls of x86-64 only"
"$SAKERD" --help 2>&1 | grep -q ebpf || skip_all "sakerd built without the eBPF driver"
[ -x "$INT80" ] && [ -x "$I386" ] || skip_all "the ia32 helpers are not built"
# Its first int $0x80 (an open that fails: exit 2) faults without IA-32 emulation.
"$INT80" /nonexistent 1 /bin/true > /dev/null 2>&1
[ $? -lt 128 ] || skip_all "this kernel runs no 32-bit code (int \$0x80 faults: IA-32 emulation is off)"

echo secret > "$TMP/secret"
python3 -c '
import socket, sys, time
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(16)
print(s.getsockname()[1], flush=True)
time.sleep(120)' > "$TMP/port" &
listener=$!
for i in $(seq 50); do [ -s "$TMP/port" ] && break; sleep 0.1; done
PORT=$(cat "$TMP/port")

cat > "$TMP/rules.yaml" <<EOF
- rule: ia32 secret read
  desc: the scratch secret is opened
  condition: evt.type in (open, openat) and fd.name = "$TMP/secret"
  output: secret opened (proc.name=%proc.name evt.type=%evt.type fd.name=%fd.name)
  priority: WARNING
- rule: ia32 connect
  desc: a connection to the test listener
  condition: evt.type = connect and evt.res = SUCCESS and fd.sport = $PORT
  output: connect (proc.name=%proc.name fd.name=%fd.name)
  priority: NOTICE
- rule: ia32 exec
  desc: a marked program runs
  condition: evt.type = execve and evt.res = SUCCESS and proc.cmdline contains "ia32-marker"
  output: exec (proc.name=%proc.name proc.cmdline=%proc.cmdline proc.pname=%proc.pname)
  priority: NOTICE
EOF

# The same behaviours, in one run per mode.
behave() {
	"$INT80" "$TMP/secret" "$PORT" /bin/echo ia32-marker-int80
	"$I386" "$TMP/secret" "$PORT" /bin/echo ia32-marker-i386
}

# count FILE REGEX: matching lines.
count() {
	grep -Ec "$2" "$1"
}

for hook in tracepoint fexit; do
	export SAKER_EBPF_HOOK=$hook
	"$SAKER" capture --driver ebpf -e open,openat,socket,connect,sendmsg,setreuid,setresuid,fchown,execve \
		-w "$TMP/$hook.cap" 2> "$TMP/$hook.err" &
	cap=$!
	for i in $(seq 100); do [ -s "$TMP/$hook.cap" ] || ! kill -0 $cap 2> /dev/null && break; sleep 0.2; done
	if ! kill -0 $cap 2> /dev/null; then
		wait $cap
		[ $hook = fexit ] && grep -q "fexit" "$TMP/$hook.err" ||
			{ ok "$hook: capture starts" false; cat "$TMP/$hook.err" >&2; continue; }
		echo "# $hook: not here: $(cat "$TMP/$hook.err")"
		continue
	fi
	behave > "$TMP/$hook.out" 2>&1
	sleep 1
	kill -INT $cap
	wait $cap
	"$SAKER" replay "$TMP/$hook.cap" > "$TMP/$hook.txt"
	t=$TMP/$hook.txt
	ok "$hook: int \$0x80 open(5) is an open of the file" \
		grep -Eq " open fd=[0-9]+ name=$TMP/secret flags=0\(O_RDONLY\)" "$t"
	ok "$hook: ... not a missing record nor an fstat" test "$(count "$t" " open fd=[0-9]+ name=$TMP/secret")" -ge 1
	ok "$hook: socketcall(SOCKET) and socket(359) are socket records (both programs)" \
		test "$(count "$t" " socket fd=[0-9]+ domain=2\(AF_INET\) type=1\(SOCK_STREAM\) proto=0")" -ge 4
	ok "$hook: socketcall(CONNECT) and connect(362) are connect records with the address (both programs)" \
		test "$(count "$t" " connect res=0 fd=[0-9]+ addr=127.0.0.1:$PORT tuple=127.0.0.1:[0-9]+->127.0.0.1:$PORT")" -ge 4
	ok "$hook: socketcall(SENDMSG) is a sendmsg with its data (compat msghdr)" \
		grep -Eq " sendmsg res=8 fd=[0-9]+[^ ]* size=8 data=[^ ]*ia32-msg" "$t"
	ok "$hook: setreuid16(0xffff, 0xffff) is setreuid(-1, -1)" \
		grep -q " setreuid res=0 ruid=-1(<NONE>) euid=-1(<NONE>)" "$t"
	ok "$hook: setresuid16(0xffff, 0xffff, 0xffff) is setresuid(-1, -1, -1)" \
		grep -q " setresuid res=0 ruid=-1(<NONE>) euid=-1(<NONE>) suid=-1(<NONE>)" "$t"
	ok "$hook: fchown16(fd, 0xffff, 0xffff): the fd as given, both ids -1" \
		grep -Eq " fchown res=0 fd=[0-9]+[^ ]* uid=-1[^ ]* gid=-1" "$t"
	ok "$hook: int \$0x80 execve(11) is an execve with its argv" \
		grep -q " execve res=0 filename=/bin/echo argv=/bin/echo ia32-marker-int80 " "$t"
	ok "$hook: the i386 binary's open is there" \
		test "$(count "$t" " open fd=[0-9]+ name=$TMP/secret")" -ge 2
	ok "$hook: ... its execve" \
		grep -q " execve res=0 filename=/bin/echo argv=/bin/echo ia32-marker-i386 " "$t"

	# The same through sakerd and the rules.
	: > "$TMP/alerts.log"
	"$SAKERD" --driver ebpf -r "$TMP/rules.yaml" \
		-o stdout_output.enabled=false -o journal_output.enabled=false \
		-o file_output.enabled=true -o file_output.filename="$TMP/alerts.log" \
		--ready-file "$TMP/ready.$hook" 2> "$TMP/sakerd.$hook.err" &
	d=$!
	wait_ready "$TMP/ready.$hook" $d || { cat "$TMP/sakerd.$hook.err" >&2; kill $d; ok "$hook: sakerd ready" false; continue; }
	ok "$hook: sakerd says which hook it uses" grep -q "hook $hook" "$TMP/sakerd.$hook.err"
	behave > /dev/null 2>&1
	sleep 1
	kill $d
	wait $d
	a=$TMP/alerts.log
	ok "$hook: the rule on the secret alerts for int80's open" \
		grep -q "secret opened (proc.name=ia32_int80 evt.type=open fd.name=$TMP/secret)" "$a"
	ok "$hook: the connect rule alerts for both of int80's connects" \
		test "$(grep -c "connect (proc.name=ia32_int80 " "$a")" -ge 2
	ok "$hook: the exec rule alerts for int80's execve" \
		grep -q "exec (proc.name=echo proc.cmdline=echo ia32-marker-int80" "$a"
	ok "$hook: ... and for the i386 binary's" \
		grep -q "exec (proc.name=echo proc.cmdline=echo ia32-marker-i386" "$a"
	ok "$hook: the secret rule alerts for the i386 binary's open" \
		grep -q "secret opened (proc.name=ia32_static evt.type=open" "$a"
	ok "$hook: the connect rule alerts for both of the i386 binary's connects" \
		test "$(grep -c "connect (proc.name=ia32_static " "$a")" -ge 2
done
kill $listener 2> /dev/null
done_testing
