// SPDX-License-Identifier: GPL-2.0-only
/*
 * The seccomp filter of launch mode. Calls in the set stop the tracee
 * (SECCOMP_RET_TRACE), the rest run at full speed. The set is per ABI:
 * x86-64, x32 (nr with __X32_SYSCALL_BIT) and i386 (int $0x80 or a 32-bit
 * binary), each with the numbers of the calls of interest (abi.c maps them);
 * any other arch stops unconditionally, so no ABI slips past unseen. The
 * verdict depends on arch and nr only, which lets the kernel's seccomp
 * action cache skip the filter for allowed calls, but for close, dup2 and
 * dup3 when no rule names them: they stop only when their fd argument is
 * 0, 1 or 2 (policy.c, ptr_stdfd_arg).
 *
 * Layout: the arch dispatch, then one section per ABI, each a chain of
 * equality tests ending in ALLOW, the fd-argument blocks, and TRACE. BPF
 * conditional jumps reach
 * 255 instructions, so sections are entered with BPF_JA (32-bit offset) and
 * every conditional jump stays in its section.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <stddef.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "ptrace_int.h"
#include "saker_ia32.h"
#include "util.h"

/* Longest chain a section may hold: its jumps must reach its TRACE. */
#define FILTER_MAX_CHAIN 240
#define FILTER_MAX (16 + 3 * (FILTER_MAX_CHAIN + 16))

static bool bit(const uint8_t *bits, size_t nr)
{
	return (bits[nr / 8] >> (nr % 8)) & 1;
}

struct prog {
	struct sock_filter f[FILTER_MAX];
	unsigned n;
	bool full;
};

static void emit(struct prog *p, struct sock_filter insn)
{
	if (p->n < FILTER_MAX)
		p->f[p->n++] = insn;
	else
		p->full = true;
}

/*
 * One ABI's section, with nr to be loaded: TRACE for the numbers in bits
 * (offset added: the x32 bit), for the std calls when their fd argument is
 * 0, 1 or 2, ALLOW for the rest.
 */
static int section(struct prog *p, const uint8_t *bits, const struct ptr_stdcall *std,
		   unsigned nstd, uint32_t offset)
{
	unsigned chain = nstd, trace, block;

	for (size_t nr = 0; nr < PTR_NR_BITS; nr++)
		chain += bit(bits, nr);
	if (chain + 3 * nstd > FILTER_MAX_CHAIN)
		return -E2BIG;
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	/* After the tests: ALLOW, one block per std call (load, compare, ALLOW), TRACE. */
	block = p->n + chain + 1;
	trace = block + 3 * nstd;
	for (size_t nr = 0; nr < PTR_NR_BITS; nr++) {
		if (!bit(bits, nr))
			continue;
		emit(p,
		     (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, (uint32_t)nr + offset,
						  (uint8_t)(trace - p->n - 1), 0));
	}
	for (unsigned i = 0; i < nstd; i++)
		emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K,
						     (uint32_t)std[i].nr + offset,
						     (uint8_t)(block + 3 * i - p->n - 1), 0));
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	for (unsigned i = 0; i < nstd; i++) {
		/* The fd is an int: the low half of the argument on little-endian x86. */
		emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
						     offsetof(struct seccomp_data, args[0]) +
							     8 * std[i].arg));
		emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, 3, 0,
						     (uint8_t)(trace - p->n - 1)));
		emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_ALLOW));
	}
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));
	return 0;
}

/* Point the BPF_JA at 'at' to the next instruction to be emitted. */
static void land(struct prog *p, unsigned at)
{
	p->f[at].k = p->n - at - 1;
}

static int build(struct prog *p, const struct ptr_sysset *set)
{
	unsigned ja_x64, ja_i386, ja_x32;
	int r;

	p->n = 0;
	p->full = false;
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, arch)));
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_X86_64, 0, 1));
	ja_x64 = p->n;
	emit(p, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 0));
	emit(p, (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JEQ | BPF_K, AUDIT_ARCH_I386, 0, 1));
	ja_i386 = p->n;
	emit(p, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 0));
	/* Any other arch: never let it pass unseen. */
	emit(p, (struct sock_filter)BPF_STMT(BPF_RET | BPF_K, SECCOMP_RET_TRACE));

	land(p, ja_x64);
	emit(p, (struct sock_filter)BPF_STMT(BPF_LD | BPF_W | BPF_ABS,
					     offsetof(struct seccomp_data, nr)));
	emit(p,
	     (struct sock_filter)BPF_JUMP(BPF_JMP | BPF_JGE | BPF_K, SAKER_X32_SYSCALL_BIT, 0, 1));
	ja_x32 = p->n;
	emit(p, (struct sock_filter)BPF_STMT(BPF_JMP | BPF_JA, 0));
	r = section(p, set->x64, set->x64_std, set->nx64_std, 0);
	if (r < 0)
		return r;
	land(p, ja_x32);
	r = section(p, set->x32, NULL, 0, SAKER_X32_SYSCALL_BIT);
	if (r < 0)
		return r;
	land(p, ja_i386);
	r = section(p, set->i386, set->i386_std, set->ni386_std, 0);
	if (r < 0)
		return r;
	return p->full ? -E2BIG : 0;
}

int ptr_filter_build(const struct ptr_sysset *set, struct sock_filter **ret_prog)
{
	static struct prog p;
	int r = build(&p, set);

	if (r < 0)
		return r;
	*ret_prog = p.f;
	return (int)p.n;
}

int ptr_filter_install(const struct ptr_sysset *set)
{
	struct sock_filter *f;
	struct sock_fprog prog;
	int n = ptr_filter_build(set, &f);

	if (n < 0)
		return n;
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
