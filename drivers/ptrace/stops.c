// SPDX-License-Identifier: GPL-2.0-only
/*
 * One wait status at a time: tell the kinds of stop apart, keep the per
 * thread syscall state, build records at syscall exit, and resume. Every
 * path ends in a resume (or the task is gone): a tracee is never left in a
 * ptrace-stop. ESRCH from any request means the task died meanwhile; its
 * exit status follows through wait.
 *
 * With PTRACE_SEIZE the stops are:
 *   status>>16 == PTRACE_EVENT_SECCOMP   seccomp RET_TRACE at syscall entry
 *   WSTOPSIG == SIGTRAP|0x80             syscall-enter or -exit stop
 *   status>>16 == PTRACE_EVENT_STOP      group-stop (stop signal), or the
 *                                        first stop of a new/interrupted task
 *   status>>16 == PTRACE_EVENT_{FORK,VFORK,CLONE,EXEC}
 *   anything else                        signal-delivery-stop: re-inject it
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <string.h>
#include <signal.h>
#include <sys/ptrace.h>
#include <sys/wait.h>
#include <time.h>

#include "ptrace_int.h"
#include "util.h"

void ptr_resume(struct ptr_tracer *t, struct ptr_task *k, int sig)
{
	/* Launch mode runs free between seccomp stops; attach mode needs every syscall stop. */
	int req = t->launch && !k->in_syscall ? PTRACE_CONT : PTRACE_SYSCALL;

	k->listening = false;
	ptrace(req, k->tid, 0, (void *)(long)sig);
}

/*
 * Does the call in progress get a record? In launch mode the filter stopped
 * it because ptr_traced() said so, or because one i386 number (socketcall)
 * or an unknown arch covers calls it did not ask for: ask again per call.
 * Attach mode builds the records of every call the state follows.
 */
static bool reports(const struct ptr_tracer *t, const struct ptr_task *k, int type)
{
	if (t->launch)
		return ptr_traced(t->want, type) || ptr_stdfd_call(t->want, k, type);
	return ptr_wants(t, type) || (type > 0 && (evt_table[type].flags & SAKER_EF_STATE));
}

static void on_entry(struct ptr_tracer *t, struct ptr_task *k, const struct ptr_sysinfo *si)
{
	int type;

	ptr_task_reset(k);
	k->in_syscall = true;
	k->abi = si->abi;
	k->nr = si->nr;
	memcpy(k->args, si->args, sizeof(k->args));
	if (si->abi != PTR_ABI_X86_64)
		t->c.foreign_abi++;
	type = ptr_abi_entry(k);
	if (type > 0 && reports(t, k, type) && ptr_decode_known(type)) {
		k->type = type;
		ptr_decode_entry(t, k);
		/* The fds the record will name, as the call finds them. */
		ptr_fdsync_entry(t, k);
		if (type == SAKER_EV_CLOSE && ptr_stdfd_call(t->want, k, type)) {
			/*
			 * For the state alone close is complete at entry: it
			 * releases the fd whatever it returns (EBADF aside,
			 * when there was none). res 0, and no exit stop.
			 */
			ptr_decode_exit(t, k, 0, clock_ns(CLOCK_BOOTTIME));
			ptr_task_reset(k);
		} else {
			/* Or no rule can match it whatever the result: no exit stop. */
			ptr_verdict(t, k);
		}
	} else if (t->launch) {
		/* Nothing to report at exit: let it run without the exit stop. */
		k->in_syscall = false;
	}
}

/*
 * Does a finished syscall leave the task's cached process block true? The
 * fd, file and network calls do; comm, ppid, pgid and session are re-read
 * at every clone anyway. Anything that changes cwd, credentials,
 * namespaces or the exe's mode makes the process read /proc afresh.
 */
bool ptr_keeps_facts(int type)
{
	switch (type) {
	case SAKER_EV_CHDIR:
	case SAKER_EV_FCHDIR:
	case SAKER_EV_CHROOT:
	case SAKER_EV_SETUID:
	case SAKER_EV_SETGID:
	case SAKER_EV_SETREUID:
	case SAKER_EV_SETREGID:
	case SAKER_EV_SETRESUID:
	case SAKER_EV_SETRESGID:
	case SAKER_EV_CAPSET:
	case SAKER_EV_UNSHARE:
	case SAKER_EV_SETNS:
	case SAKER_EV_CHMOD:
	case SAKER_EV_FCHMOD:
	case SAKER_EV_FCHMODAT:
	case SAKER_EV_CHOWN:
	case SAKER_EV_LCHOWN:
	case SAKER_EV_FCHOWN:
	case SAKER_EV_FCHOWNAT:
		return false;
	default:
		return type > 0 && type < SAKER_EV_MAX;
	}
}

/* The call in progress finished with res: its record, and what it changed. */
static void finish(struct ptr_tracer *t, struct ptr_task *k, int64_t res)
{
	if (k->in_syscall && k->type > 0) {
		if (k->abi == PTR_ABI_I386)
			res = (int32_t)res;
		ptr_decode_exit(t, k, res, clock_ns(CLOCK_BOOTTIME));
		if (k->type == SAKER_EV_UNSHARE || k->type == SAKER_EV_SETNS)
			k->new_pidns = true;
		if (!ptr_keeps_facts(k->type))
			ptr_facts_forget(t, k->tgid);
	}
	ptr_task_reset(k);
}

static void on_exit_stop(struct ptr_tracer *t, struct ptr_task *k, const struct ptr_sysinfo *si)
{
	finish(t, k, si->rval);
}

/*
 * A fork/clone or exec event tells the call's result before its exit: the
 * new child's id (the event only comes when the child exists), 0 for an
 * exec (only a successful one reports it; the new image is in place, as
 * at the exit stop). In launch mode the record is built here and the task
 * resumed with PTRACE_CONT, which skips the exit stop. Attach mode keeps
 * its exit stop: it counts entry and exit stops to tell them apart.
 */
static bool in_call(const struct ptr_task *k, int a, int b, int c, int d)
{
	return k->in_syscall && (k->type == a || k->type == b || k->type == c || k->type == d);
}

static void finish_at_event(struct ptr_tracer *t, struct ptr_task *k, int64_t res)
{
	if (t->launch)
		finish(t, k, res);
}

static void on_syscall_stop(struct ptr_tracer *t, struct ptr_task *k, bool seccomp)
{
	struct ptr_sysinfo si;
	int hint = seccomp	 ? PTRACE_SYSCALL_INFO_SECCOMP :
		   k->in_syscall ? PTRACE_SYSCALL_INFO_EXIT :
				   PTRACE_SYSCALL_INFO_ENTRY;

	t->c.syscall_stops++;
	if (ptr_sysinfo_get(t, k, hint, &si) < 0)
		return;
	if (si.op == PTRACE_SYSCALL_INFO_EXIT)
		on_exit_stop(t, k, &si);
	else if (si.op == PTRACE_SYSCALL_INFO_ENTRY || si.op == PTRACE_SYSCALL_INFO_SECCOMP)
		on_entry(t, k, &si);
}

/*
 * The thread whose fork/clone created child, when the child's first stop
 * came before the creator's event: a thread of the same group (threads), or
 * of the parent process, that is inside a clone-family call.
 */
static struct ptr_task *find_creator(struct ptr_tracer *t, const struct ptr_task *child)
{
	pid_t want = child->tid != child->tgid ? child->tgid : ptr_proc_ppid(child->tid);

	for (size_t i = 0; i < PTR_HASH_SIZE; i++) {
		for (struct ptr_task *k = t->tasks[i]; k; k = k->next) {
			if (k == child || !k->in_syscall || k->tgid != want)
				continue;
			if (k->type == SAKER_EV_CLONE || k->type == SAKER_EV_CLONE3 ||
			    k->type == SAKER_EV_FORK || k->type == SAKER_EV_VFORK)
				return k;
		}
	}
	return NULL;
}

static void on_first_stop(struct ptr_tracer *t, struct ptr_task *k)
{
	struct ptr_task *c = NULL;
	int type = SAKER_EV_CLONE;
	uint64_t flags = 0;

	k->started = true;
	if (k->attached)
		return;
	if (k->clone_known) {
		type = k->clone_type;
		flags = k->clone_flags;
		c = ptr_task_find(t, k->creator);
	} else if ((c = find_creator(t, k))) {
		type = c->type;
		flags = ptr_clone_flags(c);
	}
	ptr_decode_clone_child(t, k, c, type, flags, clock_ns(CLOCK_BOOTTIME));
}

static void on_new_child(struct ptr_tracer *t, struct ptr_task *k)
{
	unsigned long msg = 0;
	uint64_t flags;
	struct ptr_task *c;
	pid_t child;

	if (ptrace(PTRACE_GETEVENTMSG, k->tid, 0, &msg) < 0)
		return;
	child = (pid_t)msg;
	flags = ptr_clone_flags(k);
	c = ptr_task_find(t, child);
	if (!c) {
		c = ptr_task_add(t, child, flags & CLONE_THREAD ? k->tgid : child);
		if (!c)
			return;
	}
	/* The child's first stop may already have been handled with a guess. */
	c->clone_known = true;
	c->creator = k->tid;
	c->clone_type = k->type > 0 ? k->type : SAKER_EV_CLONE;
	c->clone_flags = flags;
	c->tgid = flags & CLONE_THREAD ? k->tgid : child;
	ptr_fdsync_clone(t, c, k, flags);
	if (in_call(k, SAKER_EV_CLONE, SAKER_EV_CLONE3, SAKER_EV_FORK, SAKER_EV_VFORK))
		finish_at_event(t, k, child);
}

/*
 * execve succeeded. If a non-leader thread called it, the kernel gave it the
 * leader's tid: the syscall state we kept under the old tid moves there, and
 * the old tid vanishes without an exit notification.
 */
static struct ptr_task *on_exec(struct ptr_tracer *t, struct ptr_task *k)
{
	unsigned long former = 0;
	struct ptr_task *old;

	if (ptrace(PTRACE_GETEVENTMSG, k->tid, 0, &former) < 0 || (pid_t)former == k->tid)
		return k;
	old = ptr_task_find(t, (pid_t)former);
	if (!old)
		return k;
	ptr_task_reset(k);
	k->in_syscall = old->in_syscall;
	k->abi = old->abi;
	k->type = old->type;
	k->nr = old->nr;
	memcpy(k->args, old->args, sizeof(k->args));
	k->exec_filename = old->exec_filename;
	old->exec_filename = NULL;
	k->tgid = k->tid;
	k->started = true;
	ptr_task_del(t, (pid_t)former);
	return k;
}

static bool is_stop_signal(int sig)
{
	return sig == SIGSTOP || sig == SIGTSTP || sig == SIGTTIN || sig == SIGTTOU;
}

static void on_exited(struct ptr_tracer *t, pid_t pid, int status)
{
	struct ptr_task *k = ptr_task_find(t, pid);
	pid_t tgid = k ? k->tgid : pid;

	if (pid == t->root) {
		t->root_status = status;
		t->root_done = true;
	}
	ptr_decode_procexit(t, pid, tgid, status, clock_ns(CLOCK_BOOTTIME));
	ptr_task_del(t, pid);
}

void ptr_handle(struct ptr_tracer *t, pid_t pid, int status)
{
	struct ptr_task *k;
	int sig, ev;

	if (WIFEXITED(status) || WIFSIGNALED(status)) {
		on_exited(t, pid, status);
		return;
	}
	if (!WIFSTOPPED(status))
		return;
	t->c.stops++;
	sig = WSTOPSIG(status);
	ev = (unsigned)status >> 16;
	k = ptr_task_find(t, pid);
	if (!k) {
		/* An auto-attached child whose creator's event we have not seen yet. */
		k = ptr_task_add(t, pid, ptr_proc_tgid(pid));
		if (!k) {
			ptrace(PTRACE_SYSCALL, pid, 0, 0);
			return;
		}
	}
	switch (ev) {
	case PTRACE_EVENT_SECCOMP:
		on_syscall_stop(t, k, true);
		break;
	case PTRACE_EVENT_FORK:
	case PTRACE_EVENT_VFORK:
	case PTRACE_EVENT_CLONE:
		on_new_child(t, k);
		break;
	case PTRACE_EVENT_EXEC:
		k = on_exec(t, k);
		if (in_call(k, SAKER_EV_EXECVE, SAKER_EV_EXECVEAT, -1, -1)) {
			ptr_fdsync_exec(t, k);
			finish_at_event(t, k, 0);
		}
		break;
	case PTRACE_EVENT_STOP:
		if (!k->started)
			on_first_stop(t, k);
		if (is_stop_signal(sig)) {
			/* A group-stop: stay stopped for job control, but keep reporting. */
			k->listening = true;
			if (ptrace(PTRACE_LISTEN, pid, 0, 0) == 0 || errno == ESRCH)
				return;
		}
		break;
	case 0:
		if (sig == (SIGTRAP | 0x80)) {
			on_syscall_stop(t, k, false);
			break;
		}
		if (!k->started)
			on_first_stop(t, k);
		/* A signal-delivery-stop: the tracee gets its signal. */
		t->c.signals++;
		ptr_resume(t, k, sig);
		return;
	default:
		break;
	}
	/* verdict.c resumes a task it parked once the records before it are consumed. */
	if (t->parked != k->tid)
		ptr_resume(t, k, 0);
}
