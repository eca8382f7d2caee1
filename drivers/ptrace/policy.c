// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which calls launch mode stops on: the one decision, used by the filter
 * (abi.c) and again per call (stops.c: one i386 socketcall number or an
 * unknown arch stops calls it did not ask for).
 *
 * A call stops when a rule names it, or when it carries a fact the state
 * cannot read back from /proc later (process lifecycle, cwd, credentials,
 * session, capabilities, comm; a socket's role and its first tuple). The
 * calls whose only use is the fd table (ptr_fdtable_only) run free unless a
 * rule names them, but for close, dup2 and dup3 onto fd 0, 1 or 2
 * (ptr_stdfd_arg): proc.stdin/stdout/stderr are read at any event. fdsync.c
 * keeps the state's fd tables right without the others.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#include "ptrace_int.h"

bool ptr_fdtable_only(int type)
{
	switch (type) {
	case SAKER_EV_CLOSE:
	case SAKER_EV_CLOSE_RANGE:
	case SAKER_EV_DUP:
	case SAKER_EV_DUP2:
	case SAKER_EV_DUP3:
	case SAKER_EV_FCNTL:
	case SAKER_EV_OPEN:
	case SAKER_EV_OPENAT:
	case SAKER_EV_OPENAT2:
	case SAKER_EV_CREAT:
	case SAKER_EV_PIPE:
	case SAKER_EV_PIPE2:
	case SAKER_EV_SOCKETPAIR:
	case SAKER_EV_MEMFD_CREATE:
	case SAKER_EV_EVENTFD2:
	case SAKER_EV_SIGNALFD4:
	case SAKER_EV_TIMERFD_CREATE:
	case SAKER_EV_INOTIFY_INIT1:
	case SAKER_EV_EPOLL_CREATE1:
	case SAKER_EV_USERFAULTFD:
	case SAKER_EV_BPF:
		return true;
	default:
		/*
		 * Not socket, accept, accept4, connect, bind: /proc shows a
		 * socket's addresses but not whether it was accepted, bound
		 * or is a fresh UDP socket, and fd.sip/fd.cip follow that role.
		 */
		return false;
	}
}

bool ptr_traced(const uint8_t *want, int type)
{
	if (type <= 0 || type >= SAKER_EV_MAX)
		return false;
	if ((want[type / 8] >> (type % 8)) & 1)
		return true;
	return (evt_table[type].flags & SAKER_EF_STATE) && !ptr_fdtable_only(type);
}

/*
 * close, dup2 and dup3 onto 0, 1 or 2, and close_range from one of them,
 * stop even when only the state needs them (the filter compares the fd
 * argument): proc.stdin/stdout/stderr then follow redirections at every
 * event, not only at exec.
 */
int ptr_stdfd_arg(int type)
{
	switch (type) {
	case SAKER_EV_CLOSE:
	case SAKER_EV_CLOSE_RANGE:
		return 0;
	case SAKER_EV_DUP2:
	case SAKER_EV_DUP3:
		return 1;
	default:
		return -1;
	}
}

bool ptr_stdfd_call(const uint8_t *want, const struct ptr_task *k, int type)
{
	int a = ptr_stdfd_arg(type);

	return a >= 0 && !ptr_traced(want, type) && (uint32_t)k->args[a] <= 2;
}
