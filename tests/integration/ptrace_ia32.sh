#!/bin/bash
# SPDX-License-Identifier: GPL-2.0-only
# 32-bit system calls under `sakerd --driver ptrace -- PROGRAM`: a 64-bit
# program calling through int $0x80 and a real i386 static binary (the
# shared tests/helpers/ia32_int80 and ia32_static) open a sensitive scratch
# file, connect (socketcall and direct) and execute a program; the rules that match those calls must alert, as they do for the
# same calls made through the x86-64 ABI. Skips where the kernel runs no
# i386 code (IA-32 emulation off).
. "$(dirname "$0")/lib.sh"
SAKERD=$abs_top_builddir/src/sakerd
INT80=$abs_top_builddir/tests/helpers/ia32_int80
I386=$abs_top_builddir/tests/helpers/ia32_static

[ -x "$SAKERD" ] || skip_all "sakerd not built"
[ -x "$INT80" ] && [ -x "$I386" ] || skip_all "the ia32 helpers are not built"
"$I386" 2>/dev/null
[ $? = 64 ] || skip_all "this kernel runs no i386 code (IA-32 emulation off: execve of an i386 binary fails)"

secret=$TMP/ptr-ia32-secret
echo secret > "$secret"
loopback_listener "$TMP/port"
trap 'kill $listener 2>/dev/null; rm -rf "$TMP"' EXIT

cat > "$TMP/rules.yaml" <<YAML
- rule: ia32 secret read
  desc: the scratch secret opened
  condition: evt.type in (open, openat) and fd.name = "$secret"
  output: "secret opened (file=%fd.name evt=%evt.type proc=%proc.name)"
  priority: WARNING
- rule: ia32 connect
  desc: a connection to the test listener
  condition: evt.type = connect and fd.rport = $port
  output: "connect (port=%fd.rport proc=%proc.name)"
  priority: WARNING
- rule: ia32 exec
  desc: true executed with the marker argument
  condition: evt.type = execve and evt.rawres = 0 and proc.name = true and proc.args contains "from-ia32"
  output: "exec (exe=%proc.exepath args=%proc.args parent=%proc.pname)"
  priority: WARNING
YAML

run() {
	"$SAKERD" --driver ptrace -r "$TMP/rules.yaml" -o json_output=true \
		-o stdout_output.enabled=true -o journal_output.enabled=false \
		-o rule_matching=all -- "$@" > "$TMP/alerts.json" 2> "$TMP/sakerd.err"
}

count() { grep -c "\"rule\":\"$1\"" "$TMP/alerts.json"; }

run "$INT80" "$secret" "$port" /bin/true from-ia32
is "int80: sakerd exits with the program's status" "$?" 0
is "int80: open and openat of the secret alert" "$(count 'ia32 secret read')" 2
is "int80: both connects (socketcall, direct) alert" "$(count 'ia32 connect')" 2
is "int80: its execve (argv through 32-bit pointers) alerts" "$(count 'ia32 exec')" 1

run "$I386" "$secret" "$port" /bin/true from-ia32
is "i386 binary: sakerd exits with the program's status" "$?" 0
is "i386 binary: the open of the secret alerts" "$(count 'ia32 secret read')" 1
is "i386 binary: both connects (socketcall, direct) alert" "$(count 'ia32 connect')" 2
is "i386 binary: its execve alerts" "$(count 'ia32 exec')" 1
ok "i386 binary: the exec alert carries the new image and its arguments" \
	grep -q 'exe=/usr/bin/true args=from-ia32' "$TMP/alerts.json"
done_testing
