// SPDX-License-Identifier: GPL-2.0-only
/*
 * The end of tracing. Attach mode detaches every thread and leaves it
 * running: each is interrupted, and detached at its next stop with the
 * signal it was about to receive, if any. Launch mode kills the traced tree:
 * a process still under our seccomp filter would get ENOSYS from every
 * traced call once no tracer is there (PTRACE_O_EXITKILL covers a crash).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptrace_int.h"

int ptr_tracer_exit_status(const struct ptr_tracer *t, int *ret_status)
{
	if (!t->launch || !t->root_done)
		return -EAGAIN;
	*ret_status = t->root_status;
	return 0;
}

int ptr_tracer_kill(struct ptr_tracer *t, int sig)
{
	if (!t->launch || !t->root || t->root_done)
		return -ESRCH;
	return kill(t->root, sig) < 0 ? -errno : 0;
}

void ptr_tracer_counters(const struct ptr_tracer *t, struct ptr_counters *ret)
{
	*ret = t->c;
	ret->syscall_info = t->syscall_info;
}

int ptr_tracer_exec_error(struct ptr_tracer *t)
{
	int e = 0;

	if (t->errpipe >= 0 && t->root_done) {
		if (read(t->errpipe, &e, sizeof(e)) != sizeof(e))
			e = 0;
		close(t->errpipe);
		t->errpipe = -1;
		t->exec_errno = -e;
	}
	return t->exec_errno;
}

static void for_each_task(struct ptr_tracer *t, void (*fn)(struct ptr_tracer *, struct ptr_task *))
{
	for (size_t i = 0; i < PTR_HASH_SIZE; i++) {
		struct ptr_task *k = t->tasks[i], *next;

		for (; k; k = next) {
			next = k->next;
			fn(t, k);
		}
	}
}

static void interrupt(struct ptr_tracer *t, struct ptr_task *k)
{
	ptrace(PTRACE_INTERRUPT, k->tid, 0, 0);
}

static void sigkill(struct ptr_tracer *t, struct ptr_task *k)
{
	kill(k->tid, SIGKILL);
}

/* One stop while detaching: let go of the task, keeping a pending signal. */
static void detach_one(struct ptr_tracer *t, pid_t pid, int st)
{
	int sig = 0;

	if (WIFEXITED(st) || WIFSIGNALED(st)) {
		ptr_task_del(t, pid);
		return;
	}
	if (!WIFSTOPPED(st))
		return;
	/* A signal-delivery-stop: the signal must still reach the tracee. */
	if ((unsigned)st >> 16 == 0 && WSTOPSIG(st) != (SIGTRAP | 0x80))
		sig = WSTOPSIG(st);
	if (ptrace(PTRACE_DETACH, pid, 0, (void *)(long)sig) < 0 && errno != ESRCH)
		return;
	ptr_task_del(t, pid);
}

static void detach_all(struct ptr_tracer *t)
{
	t->detaching = true;
	for_each_task(t, interrupt);
	while (t->c.tasks > 0) {
		int st;
		pid_t pid = waitpid(-1, &st, __WALL | __WNOTHREAD);

		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		detach_one(t, pid, st);
	}
	/* Children born while we detached were auto-attached: let them go too. */
	for (;;) {
		int st;
		pid_t pid = waitpid(-1, &st, __WALL | __WNOTHREAD | WNOHANG);

		if (pid <= 0)
			break;
		detach_one(t, pid, st);
	}
}

/* Until every task we know of is gone: the thread may have other children to wait for. */
static void kill_all(struct ptr_tracer *t)
{
	while (t->c.tasks > 0) {
		int st;
		pid_t pid;

		for_each_task(t, sigkill);
		pid = waitpid(-1, &st, __WALL | __WNOTHREAD);
		if (pid < 0) {
			if (errno == EINTR)
				continue;
			break;
		}
		if (WIFEXITED(st) || WIFSIGNALED(st)) {
			ptr_task_del(t, pid);
		} else if (!ptr_task_find(t, pid)) {
			/* A child we had not seen yet: it dies with the rest. */
			if (ptr_task_add(t, pid, pid))
				kill(pid, SIGKILL);
		}
	}
}

void ptr_tracer_free(struct ptr_tracer *t)
{
	if (!t)
		return;
	if (t->launch && t->started)
		kill_all(t);
	else if (!t->launch)
		detach_all(t);
	for (size_t i = 0; i < PTR_HASH_SIZE; i++)
		while (t->tasks[i])
			ptr_task_del(t, t->tasks[i]->tid);
	if (t->errpipe >= 0)
		close(t->errpipe);
	ptr_sock_fini(t);
	ptr_wait_fini(t);
	free(t);
}
