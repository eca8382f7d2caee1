// SPDX-License-Identifier: GPL-2.0-only
/*
 * notif_cost: what one seccomp round trip costs on this machine, by kind.
 *
 *   notif_cost [N]
 *
 * A child installs a filter that singles out getppid(2), calls it N times
 * (default 20000) and exits; the parent answers every stop. Each line is
 * the median of five runs, in microseconds per call, minus the untraced
 * loop:
 *
 *   trace       SECCOMP_RET_TRACE, parent: waitpid + PTRACE_CONT
 *   trace+info  the same plus PTRACE_GET_SYSCALL_INFO (what a tracer that
 *               builds a record reads at each stop)
 *   notif       SECCOMP_RET_USER_NOTIF, parent: NOTIF_RECV + NOTIF_SEND
 *               with SECCOMP_USER_NOTIF_FLAG_CONTINUE (the notification
 *               carries the number and arguments: nothing more to read)
 *   notif+sync  the same after SECCOMP_IOCTL_NOTIF_SET_FLAGS
 *               SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (Linux 6.6)
 *
 * each with both processes pinned to CPU 0, pinned to CPUs 0 and 1, and
 * left to the scheduler. Needs root (or CAP_SYS_PTRACE over the child, for
 * pidfd_getfd) and two CPUs for "apart".
 */
#define _GNU_SOURCE
#include <errno.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <sched.h>
#include <signal.h>
#include <stddef.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#ifndef SECCOMP_IOCTL_NOTIF_SET_FLAGS
#define SECCOMP_IOCTL_NOTIF_SET_FLAGS SECCOMP_IOW(4, __u64)
#endif
#ifndef SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP
#define SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP (1UL << 0)
#endif

enum kind { K_NONE, K_TRACE, K_TRACE_INFO, K_NOTIF, K_NOTIF_SYNC };

static const char *const kind_name[] = { "untraced", "trace", "trace+info", "notif", "notif+sync" };

static double now(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec + ts.tv_nsec / 1e9;
}

static void pin(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu < 0) /* free: any CPU */
		for (int i = 0; i < CPU_SETSIZE && i < sysconf(_SC_NPROCESSORS_ONLN); i++)
			CPU_SET(i, &set);
	else
		CPU_SET(cpu, &set);
	if (sched_setaffinity(0, sizeof(set), &set) < 0) {
		perror("sched_setaffinity");
		exit(1);
	}
}

static void die(const char *what)
{
	perror(what);
	exit(1);
}

/* The child: install the filter, report the listener's fd, loop, exit. */
static void child(enum kind k, long n, int cpu, int report)
{
	uint32_t action =
		k == K_NOTIF || k == K_NOTIF_SYNC ? SECCOMP_RET_USER_NOTIF : SECCOMP_RET_TRACE;
	struct sock_filter f[] = {
		BPF_STMT(BPF_LD | BPF_W | BPF_ABS, offsetof(struct seccomp_data, nr)),
		BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_getppid, 0, 1),
		BPF_STMT(BPF_RET | BPF_K, action),
		BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW),
	};
	struct sock_fprog prog = { sizeof(f) / sizeof(f[0]), f };
	int fd = -1;

	pin(cpu);
	if (k != K_NONE) {
		if (k == K_TRACE || k == K_TRACE_INFO)
			raise(SIGSTOP); /* wait to be seized */
		prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0);
		fd = syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER,
			     k == K_NOTIF || k == K_NOTIF_SYNC ? SECCOMP_FILTER_FLAG_NEW_LISTENER :
								 0,
			     &prog);
		if (fd < 0)
			die("seccomp");
	}
	if (write(report, &fd, sizeof(fd)) != sizeof(fd))
		_exit(1);
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	_exit(0);
}

static void serve_trace(pid_t pid, int info)
{
	int status;

	if (ptrace(PTRACE_SEIZE, pid, 0, PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL) < 0)
		die("PTRACE_SEIZE");
	kill(pid, SIGCONT);
	for (;;) {
		if (waitpid(pid, &status, __WALL) < 0)
			die("waitpid");
		if (WIFEXITED(status) || WIFSIGNALED(status))
			return;
		int sig = 0;

		if (status >> 8 == (SIGTRAP | PTRACE_EVENT_SECCOMP << 8)) {
			if (info) {
				struct __ptrace_syscall_info si;

				ptrace(PTRACE_GET_SYSCALL_INFO, pid, sizeof(si), &si);
			}
		} else if (status >> 16 == PTRACE_EVENT_STOP) {
			sig = 0;
		} else if (WIFSTOPPED(status) && WSTOPSIG(status) != SIGSTOP &&
			   WSTOPSIG(status) != SIGCONT) {
			sig = WSTOPSIG(status);
		}
		ptrace(PTRACE_CONT, pid, 0, sig);
	}
}

static void serve_notif(pid_t pid, int childfd, int sync)
{
	int pidfd = syscall(SYS_pidfd_open, pid, 0);
	int fd = pidfd < 0 ? -1 : syscall(SYS_pidfd_getfd, pidfd, childfd, 0);
	struct seccomp_notif req;
	struct seccomp_notif_resp resp;

	if (fd < 0)
		die("pidfd_getfd");
	if (sync &&
	    ioctl(fd, SECCOMP_IOCTL_NOTIF_SET_FLAGS, SECCOMP_USER_NOTIF_FD_SYNC_WAKE_UP, 0) < 0)
		die("SECCOMP_IOCTL_NOTIF_SET_FLAGS");
	for (;;) {
		memset(&req, 0, sizeof(req));
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_RECV, &req) < 0) {
			if (errno == EINTR)
				continue;
			break; /* ENOENT: the child is gone */
		}
		memset(&resp, 0, sizeof(resp));
		resp.id = req.id;
		resp.flags = SECCOMP_USER_NOTIF_FLAG_CONTINUE;
		if (ioctl(fd, SECCOMP_IOCTL_NOTIF_SEND, &resp) < 0 && errno != ENOENT)
			die("SECCOMP_IOCTL_NOTIF_SEND");
	}
	close(fd);
	close(pidfd);
}

/* One run: seconds for the child's whole life. */
static double run(enum kind k, long n, int cpu_parent, int cpu_child)
{
	int p[2];
	int childfd;
	int status;
	double t0;
	pid_t pid;

	if (pipe(p) < 0)
		die("pipe");
	pin(cpu_parent);
	t0 = now();
	pid = fork();
	if (pid < 0)
		die("fork");
	if (pid == 0) {
		close(p[0]);
		child(k, n, cpu_child, p[1]);
	}
	close(p[1]);
	if (k == K_TRACE || k == K_TRACE_INFO) {
		waitpid(pid, &status, WUNTRACED);
		t0 = now();
		serve_trace(pid, k == K_TRACE_INFO);
	} else {
		if (read(p[0], &childfd, sizeof(childfd)) != sizeof(childfd))
			die("read");
		t0 = now();
		if (k != K_NONE)
			serve_notif(pid, childfd, k == K_NOTIF_SYNC);
		waitpid(pid, &status, 0);
	}
	close(p[0]);
	return now() - t0;
}

static int cmp(const void *a, const void *b)
{
	double x = *(const double *)a, y = *(const double *)b;

	return x < y ? -1 : x > y;
}

/* Median and best of five runs. */
static void five(enum kind k, long n, int cpu_parent, int cpu_child, double ret[2])
{
	double t[5];

	for (int i = 0; i < 5; i++)
		t[i] = run(k, n, cpu_parent, cpu_child);
	qsort(t, 5, sizeof(t[0]), cmp);
	ret[0] = t[2];
	ret[1] = t[0];
}

int main(int argc, char **argv)
{
	long n = argc > 1 ? strtol(argv[1], NULL, 10) : 20000;
	int apart = sysconf(_SC_NPROCESSORS_ONLN) > 1;

	if (n <= 0) {
		fprintf(stderr, "notif_cost: bad count '%s'\n", argv[1]);
		return 64;
	}
	/* Both on CPU 0; on CPUs 0 and 1; wherever the scheduler puts them. */
	static const int cpus[3][2] = { { 0, 0 }, { 0, 1 }, { -1, -1 } };
	double base[3][2] = { { 0 } };

	printf("us per call above the untraced loop, median (best) of 5 x %ld calls\n", n);
	printf("%-11s %17s %17s %17s\n", "", "same cpu", apart ? "cpus 0 and 1" : "(1 cpu)",
	       "unpinned");
	for (int c = 0; c < 3; c++)
		if (c != 1 || apart)
			five(K_NONE, n, cpus[c][0], cpus[c][1], base[c]);
	for (enum kind k = K_TRACE; k <= K_NOTIF_SYNC; k++) {
		printf("%-11s", kind_name[k]);
		for (int c = 0; c < 3; c++) {
			double v[2] = { 0, 0 };

			if (c != 1 || apart)
				five(k, n, cpus[c][0], cpus[c][1], v);
			printf(" %8.2f (%6.2f)", (v[0] - base[c][0]) * 1e6 / n,
			       (v[1] - base[c][1]) * 1e6 / n);
		}
		printf("\n");
	}
	return 0;
}
