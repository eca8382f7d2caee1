// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp filter of launch mode. x86_64 calls in the set stop the tracee
 * (SECCOMP_RET_TRACE), the rest run at full speed. x32 calls (nr with
 * __X32_SYSCALL_BIT) and every other arch (i386 through int 0x80 or a
 * 32-bit binary) stop unconditionally, so no ABI slips past unseen. The
 * verdict depends on arch and nr only, which lets the kernel's seccomp
 * action cache skip the filter for allowed calls; fcntl is the exception
 * when only the state needs it: then only the commands that change the fd
 * table or an fd's flags stop (the queries and locks, most fcntl calls, run
 * free), at the price of the filter running for every fcntl.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ptrace_int.h"
#include "util.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

/* BPF conditional jumps are 8-bit: keep the chain short enough to reach its end. */
#define FILTER_MAX_CHAIN 250

void ptr_filter_syscalls(const uint8_t *want, uint8_t *ret_sys, size_t sysbytes)
{
	memset(ret_sys, 0, sysbytes);
	for (int type = 0; type < SAKER_EV_MAX; type++) {
		const struct evt_info *ei = &evt_table[type];
		bool on = (want[type / 8] >> (type % 8)) & 1;

		if (ei->syscall_nr < 0 || (size_t)ei->syscall_nr >= sysbytes * 8)
			continue;
		if (on || (ei->flags & SAKER_EF_STATE))
			ret_sys[ei->syscall_nr / 8] |= (uint8_t)(1u << (ei->syscall_nr % 8));
	}
}

/* The fcntl commands the state follows (src/state_fdev.c). */
static const uint32_t fcntl_state_cmds[] = { F_DUPFD, F_DUPFD_CLOEXEC, F_SETFD, F_SETFL };
#define FCNTL_BLOCK (3 + ARRAY_SIZE(fcntl_state_cmds))

static bool want_nr(const uint8_t *sys_want, size_t nr, bool fcntl_apart)
{
	if (fcntl_apart && nr == SYS_fcntl)
		return false;
	return (sys_want[nr / 8] >> (nr % 8)) & 1;
}

int ptr_filter_install(const uint8_t *sys_want, size_t nbits, bool fcntl_state_only)
{
	struct sock_filter f[FILTER_MAX_CHAIN + FCNTL_BLOCK + 8];
	bool fcntl_apart =
		fcntl_state_only && SYS_fcntl < nbits && want_nr(sys_want, SYS_fcntl, false);
	struct sock_fprog prog;
	unsigned n = 0, chain = 0, trace;

	for (size_t nr = 0; nr < nbits; nr++)
		if (want_nr(sys_want, nr, fcntl_apart))
			chain++;
	if (chain > FILTER_MAX_CHAIN)
		return -E2BIG;
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, arch));
	f[n++] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 1, 0);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					      offsetof(struct seccomp_data, nr));
	/* Instructions after this one: the fcntl block, the chain, ALLOW, then TRACE. */
	trace = n + 1 + (fcntl_apart ? FCNTL_BLOCK : 0) + chain + 1;
	f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, __X32_SYSCALL_BIT,
					    (uint8_t)(trace - n - 1), 0);
	n++;
	if (fcntl_apart) {
		/* Not fcntl: on to the chain, with nr still in A. */
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, SYS_fcntl, 0,
						    FCNTL_BLOCK - 1);
		n++;
		/* The command is an int: the low half of args[1] on little-endian x86_64. */
		f[n++] = (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						      offsetof(struct seccomp_data, args[1]));
		for (size_t i = 0; i < ARRAY_SIZE(fcntl_state_cmds); i++) {
			f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
							    fcntl_state_cmds[i],
							    (uint8_t)(trace - n - 1), 0);
			n++;
		}
		f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	}
	for (size_t nr = 0; nr < nbits; nr++) {
		if (!want_nr(sys_want, nr, fcntl_apart))
			continue;
		f[n] = (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr,
						    (uint8_t)(trace - n - 1), 0);
		n++;
	}
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW);
	f[n++] = (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE);
	prog = (struct sock_fprog){ .len = (unsigned short)n, .filter = f };
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) == 0)
		return 0;
	if (errno != EACCES)
		return -errno;
	/* Without CAP_SYS_ADMIN a filter needs no_new_privs (setuid bits stop working). */
	if (prctl(PR_SET_NO_NEW_PRIVS, 1, 0, 0, 0) < 0)
		return -errno;
	if (syscall(SYS_seccomp, SECCOMP_SET_MODE_FILTER, 0, &prog) < 0)
		return -errno;
	return 0;
}
