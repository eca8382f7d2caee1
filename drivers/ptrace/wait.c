// SPDX-License-Identifier: GPL-2.0-only
/*
 * The wait loop. Each stop is collected with a blocking waitpid: the kernel
 * wakes a tracer blocked there synchronously, which keeps the tracee/tracer
 * hand-off on one CPU (polling a signalfd for SIGCHLD instead measured about
 * 40% slower per traced call). A timeout is a POSIX timer aimed at this
 * thread (SIGEV_THREAD_ID) with a no-op handler installed without
 * SA_RESTART: its signal makes the waitpid fail with EINTR. The timer
 * repeats every 10 ms after the deadline, so an expiry that lands just
 * before waitpid blocks delays the return by 10 ms at most.
 *
 * Waits use __WNOTHREAD: tracees belong to this thread, and children other
 * threads of the daemon spawn are never reaped here.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <signal.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "ptrace_int.h"
#include "util.h"

#define WAIT_RETRY_NS 10000000L

static __thread volatile sig_atomic_t timed_out;

static int wait_signal(void)
{
	return SIGRTMIN + 4;
}

static void on_timer(int sig)
{
	timed_out = 1;
}

int ptr_wait_init(struct ptr_tracer *t)
{
	struct sigaction sa = { .sa_handler = on_timer }, old;
	struct sigevent ev = { .sigev_notify = SIGEV_THREAD_ID };
	sigset_t set;

	/* Deliberately no SA_RESTART: the signal exists to interrupt waitpid. */
	if (sigaction(wait_signal(), NULL, &old) < 0)
		return -errno;
	if (old.sa_handler != on_timer && old.sa_handler != SIG_DFL)
		return -EBUSY;
	if (sigaction(wait_signal(), &sa, NULL) < 0)
		return -errno;
	sigemptyset(&set);
	sigaddset(&set, wait_signal());
	pthread_sigmask(SIG_UNBLOCK, &set, NULL);
	ev.sigev_signo = wait_signal();
	ev._sigev_un._tid = gettid();
	if (timer_create(CLOCK_MONOTONIC, &ev, &t->timer) < 0)
		return -errno;
	t->have_timer = true;
	return 0;
}

void ptr_wait_fini(struct ptr_tracer *t)
{
	if (t->have_timer)
		timer_delete(t->timer);
	t->have_timer = false;
}

/* In the launched child, before exec: the command starts with the default. */
void ptr_wait_child_reset(void)
{
	signal(wait_signal(), SIG_DFL);
}

static void arm(struct ptr_tracer *t, int timeout_ms)
{
	struct itimerspec its = {
		.it_value = { .tv_sec = timeout_ms / 1000,
			      .tv_nsec = (timeout_ms % 1000) * 1000000L },
		.it_interval = { .tv_nsec = WAIT_RETRY_NS },
	};

	timed_out = 0;
	timer_settime(t->timer, 0, &its, NULL);
}

static void disarm(struct ptr_tracer *t)
{
	struct itimerspec its = { 0 };

	timer_settime(t->timer, 0, &its, NULL);
	timed_out = 0;
}

/* Collect stops until one produced a record. flags: extra waitpid flags. */
static pid_t collect(struct ptr_tracer *t, int flags)
{
	pid_t pid = 0;
	int st;

	while (!t->emitted && !timed_out &&
	       (pid = waitpid(-1, &st, __WALL | __WNOTHREAD | flags)) > 0)
		ptr_handle(t, pid, st);
	return pid;
}

int ptr_tracer_run(struct ptr_tracer *t, int timeout_ms)
{
	pid_t pid;

	t->emitted = 0;
	ptr_verdict_unpark(t);
	/* What is already waiting first, without a timer. */
	pid = collect(t, WNOHANG);
	if (t->emitted)
		return 1;
	if (pid < 0)
		return errno == ECHILD ? -ECHILD : -errno;
	/*
	 * Nothing traced and nothing pending: the end, even if this thread has
	 * other children (a new tracee is in the table from its creator's event).
	 */
	if (t->started && t->c.tasks == 0)
		return -ECHILD;
	if (timeout_ms == 0)
		return 0;
	if (timeout_ms > 0)
		arm(t, timeout_ms);
	for (;;) {
		pid = collect(t, 0);
		if (t->emitted || timed_out || (pid < 0 && errno != EINTR))
			break;
	}
	if (timeout_ms > 0)
		disarm(t);
	if (t->emitted)
		return 1;
	if (pid < 0 && errno == ECHILD)
		return -ECHILD;
	return 0;
}
