// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptrace_floor: the least a ptrace tracer can do for each call it must
 * see, as a contender beside sakerd's ptrace driver (bench/run).
 *
 *   ptrace_floor NR[,NR...] -- COMMAND [ARGS...]
 *
 * COMMAND runs under a seccomp filter that stops the listed x86-64 calls
 * (and every call of another ABI); the tracer follows forks, vforks,
 * clones and execs, and at each seccomp stop reads the call
 * (PTRACE_GET_SYSCALL_INFO) and, for a call that takes a path, the path
 * (one process_vm_readv), then resumes with PTRACE_CONT: no exit stop, no
 * /proc, no record, no rules. What a real tracer adds is measured against
 * this. bench/run passes the calls sakerd's launch filter stops on
 * (sakerd -v prints them at start). Exits with COMMAND's status.
 */
#ifndef _GNU_SOURCE
#define _GNU_SOURCE
#endif
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/uio.h>
#include <sys/wait.h>
#include <unistd.h>

#define MAX_NRS 128
#define X32_BIT 0x40000000u
#define OPTS                                                                                    \
	(PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | \
	 PTRACE_O_TRACECLONE | PTRACE_O_TRACEEXEC)

static void die(const char *what)
{
	perror(what);
	exit(125);
}

static int parse_nrs(const char *s, unsigned *nrs)
{
	int n = 0;

	while (*s) {
		char *end;
		unsigned long v = strtoul(s, &end, 10);

		if (end == s || v >= X32_BIT || n == MAX_NRS)
			return -1;
		nrs[n++] = (unsigned)v;
		s = *end == ',' ? end + 1 : end;
		if (*end && *end != ',')
			return -1;
	}
	return n;
}

/* x86-64 unless another ABI: stop; a listed nr: stop; else allow. */
static void install_filter(const unsigned *nrs, int n)
{
	struct sock_filter f[MAX_NRS + 8];
	struct sock_fprog prog;
	int i = 0;

	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, X32_BIT, (unsigned)n + 1,
					      0);
	for (int k = 0; k < n; k++)
		f[i++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, nrs[k],
						      (unsigned)(n - k), 0);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[i++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	prog = (struct sock_fprog){ .len = (unsigned short)i, .filter = f };
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0 ||
	    syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		die("seccomp");
}

/* Which argument holds a path, or -1. */
static int path_arg(uint64_t nr)
{
	switch (nr) {
	case SYS_open:
	case SYS_creat:
	case SYS_execve:
		return 0;
	case SYS_openat:
	case SYS_openat2:
	case SYS_execveat:
		return 1;
	default:
		return -1;
	}
}

static void read_call(pid_t tid)
{
	static char buf[4096];
	struct __ptrace_syscall_info si;
	struct iovec l, r;
	uint64_t addr;
	int a;

	if (ptrace(PTRACE_GET_SYSCALL_INFO, tid, sizeof(si), &si) <= 0 ||
	    si.op != PTRACE_SYSCALL_INFO_SECCOMP || si.arch != AUDIT_ARCH_X86_64)
		return;
	a = path_arg(si.seccomp.nr);
	if (a < 0 || !(addr = si.seccomp.args[a]))
		return;
	/* Up to the end of the page, as a string reader would start. */
	l = (struct iovec){ buf, 4096 - addr % 4096 };
	r = (struct iovec){ (void *)(uintptr_t)addr, l.iov_len };
	process_vm_readv(tid, &l, 1, &r, 1, 0);
}

int main(int argc, char **argv)
{
	unsigned nrs[MAX_NRS];
	int n, status = 0, st;
	pid_t child, w;

	if (argc < 4 || strcmp(argv[2], "--") != 0 || (n = parse_nrs(argv[1], nrs)) < 0) {
		fprintf(stderr, "usage: ptrace_floor NR[,NR...] -- COMMAND [ARGS...]\n");
		return 125;
	}
	child = fork();
	if (child < 0)
		die("fork");
	if (child == 0) {
		raise(SIGSTOP); /* until seized */
		install_filter(nrs, n);
		execvp(argv[3], argv + 3);
		_exit(127);
	}
	if (waitpid(child, &st, WSTOPPED) < 0 || ptrace(PTRACE_SEIZE, child, 0, OPTS) < 0)
		die("PTRACE_SEIZE");
	kill(child, SIGCONT);
	while ((w = waitpid(-1, &st, __WALL)) > 0) {
		int sig = 0, event = st >> 16;

		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			if (w == child)
				status = WIFEXITED(st) ? WEXITSTATUS(st) : 128 + WTERMSIG(st);
			continue;
		}
		if (event == PTRACE_EVENT_SECCOMP)
			read_call(w);
		else if (event == PTRACE_EVENT_STOP)
			sig = 0; /* group-stop or the seize's first stop: run on */
		else if (event == 0)
			sig = WSTOPSIG(st); /* a signal for the tracee: delivered */
		ptrace(PTRACE_CONT, w, 0, sig);
	}
	if (errno != ECHILD)
		die("waitpid");
	return status;
}
