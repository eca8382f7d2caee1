// SPDX-License-Identifier: GPL-2.0-only
/*
 * The three ABIs a system call can arrive through on x86-64, mapped onto the
 * event table's x86-64 calls: x86-64 itself, x32 (x86-64 registers, 32-bit
 * pointers, nr | __X32_SYSCALL_BIT, a few calls moved to 512 and up) and
 * i386 (int $0x80 from any process, or a 32-bit binary: its own numbers,
 * 32-bit arguments in ebx..ebp, 16-bit ids in the old calls, socketcall).
 * The i386 and x32 numbers come from drivers/common/saker_ia32.h, shared
 * with the kernel drivers. At a syscall's entry ptr_abi_entry() gives the
 * event type and rewrites the arguments into the x86-64 call's order and
 * meaning, so the decoder sees one ABI.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>

#include "ptrace_int.h"
#include "saker_ia32.h"

#define NR_MAX PTR_NR_BITS

static int16_t x64_ev[NR_MAX], i386_ev[NR_MAX], x32_ev[NR_MAX];
static uint8_t i386_fl[NR_MAX];
static int16_t sock_ev[SAKER_IA32_SOCKETCALL_MAX + 1];
static uint8_t sock_nargs[SAKER_IA32_SOCKETCALL_MAX + 1];
static pthread_once_t once = PTHREAD_ONCE_INIT;

static void set_ev(int16_t *tab, unsigned nr, const char *name)
{
	int type = evt_type_by_name(name);

	if (nr < NR_MAX && type > 0)
		tab[nr] = (int16_t)type;
}

static void abi_init(void)
{
	for (size_t i = 0; i < NR_MAX; i++)
		x64_ev[i] = i386_ev[i] = x32_ev[i] = -1;
	for (size_t i = 0; i <= SAKER_IA32_SOCKETCALL_MAX; i++)
		sock_ev[i] = -1;
	for (int type = 0; type < SAKER_EV_MAX; type++) {
		int nr = evt_table[type].syscall_nr;

		if (nr >= 0 && nr < 512) {
			x64_ev[nr] = (int16_t)type;
			/* x32 shares the x86-64 numbers below 512 (the 64-bit-only ones fail). */
			x32_ev[nr] = (int16_t)type;
		}
	}
#define X(nr, name, flags, entry)               \
	do {                                    \
		set_ev(i386_ev, nr, #name);     \
		i386_fl[nr] = (uint8_t)(flags); \
	} while (0);
	SAKER_IA32_SYSCALLS(X)
#undef X
#define X(call, name, nargs)                         \
	do {                                         \
		set_ev(sock_ev, call, #name);        \
		sock_nargs[call] = (uint8_t)(nargs); \
	} while (0);
	SAKER_IA32_SOCKETCALLS(X)
#undef X
#define X(nr, name) set_ev(x32_ev, nr, #name);
	SAKER_X32_SYSCALLS(X)
#undef X
}

void ptr_abi_init(void)
{
	pthread_once(&once, abi_init);
}

/* The lookup alone: the tables are built (ptr_abi_init). */
static int event_of(enum ptr_abi abi, uint64_t nr)
{
	switch (abi) {
	case PTR_ABI_X86_64:
		return nr < 512 ? x64_ev[nr] : -1;
	case PTR_ABI_X32:
		nr &= ~(uint64_t)SAKER_X32_SYSCALL_BIT;
		return nr < NR_MAX ? x32_ev[nr] : -1;
	case PTR_ABI_I386:
		return nr < NR_MAX ? i386_ev[nr] : -1;
	default:
		return -1;
	}
}

int ptr_abi_event(enum ptr_abi abi, uint64_t nr)
{
	ptr_abi_init();
	return event_of(abi, nr);
}

static void set_bit(uint8_t *bits, unsigned nr)
{
	bits[nr / 8] |= (uint8_t)(1u << (nr % 8));
}

/* nr of event type stops (bits), or stops on a standard fd (std; NULL: always), or not. */
static void classify(const uint8_t *want, int type, unsigned nr, uint8_t *bits,
		     struct ptr_stdcall *std, unsigned *nstd)
{
	int a = ptr_stdfd_arg(type);

	if (ptr_traced(want, type) || (a >= 0 && (!std || *nstd >= PTR_STDCALLS_MAX)))
		set_bit(bits, nr);
	else if (a >= 0)
		std[(*nstd)++] = (struct ptr_stdcall){ .nr = (uint16_t)nr, .arg = (uint8_t)a };
}

void ptr_filter_syscalls(const uint8_t *want, struct ptr_sysset *ret)
{
	ptr_abi_init();
	memset(ret, 0, sizeof(*ret));
	for (unsigned nr = 0; nr < NR_MAX; nr++) {
		classify(want, x64_ev[nr], nr, ret->x64, ret->x64_std, &ret->nx64_std);
		/* x32 (absent from most kernels) stops them always. */
		classify(want, x32_ev[nr], nr, ret->x32, NULL, NULL);
		classify(want, i386_ev[nr], nr, ret->i386, ret->i386_std, &ret->ni386_std);
	}
	for (unsigned call = 0; call <= SAKER_IA32_SOCKETCALL_MAX; call++)
		if (ptr_traced(want, sock_ev[call]))
			set_bit(ret->i386, SAKER_IA32_NR_SOCKETCALL);
}

/*
 * socketcall(call, u32 *args): the subcall's arguments are an array in the
 * caller's memory, read here (the kernel copies them at entry too). A read
 * that fails leaves them 0: the kernel fails the call with EFAULT then.
 */
static int socketcall(struct ptr_task *k)
{
	uint64_t call = k->args[0], addr = k->args[1];
	uint32_t a[6] = { 0 };
	size_t n;

	if (call > SAKER_IA32_SOCKETCALL_MAX || sock_ev[call] < 0)
		return -1;
	n = sock_nargs[call] <= 6 ? sock_nargs[call] : 6;
	if (ptr_mem_read(k->tid, addr, a, n * sizeof(a[0])) != (ssize_t)(n * sizeof(a[0])))
		memset(a, 0, sizeof(a));
	for (size_t i = 0; i < 6; i++)
		k->args[i] = i < n ? a[i] : 0;
	return sock_ev[call];
}

int ptr_abi_entry(struct ptr_task *k)
{
	unsigned flags;
	int type;

	if (k->abi != PTR_ABI_I386)
		return event_of(k->abi, k->nr);
	if (k->nr == SAKER_IA32_NR_SOCKETCALL)
		return socketcall(k);
	type = event_of(k->abi, k->nr);
	if (type < 0)
		return type;
	flags = i386_fl[k->nr];
	for (int i = 0; i < 6; i++)
		k->args[i] = saker_ia32_arg(flags, i, k->args[i]);
	if (flags & SAKER_IA32_CLONE_TLS4) {
		/* i386 clone(flags, stack, parent_tid, tls, child_tid). */
		uint64_t tls = k->args[3];

		k->args[3] = k->args[4];
		k->args[4] = tls;
	}
	return type;
}

bool ptr_abi_compat(enum ptr_abi abi)
{
	return abi == PTR_ABI_I386 || abi == PTR_ABI_X32;
}

/*
 * "N x86-64 calls: name(nr) ...; on fd 0-2 only: name(nr) ..." for the calls
 * set's filter stops (what the rules cost a launched command).
 */
void ptr_filter_describe(const struct ptr_sysset *set, char *buf, size_t len)
{
	unsigned n = 0;
	size_t o;

	ptr_abi_init();
	for (unsigned nr = 0; nr < NR_MAX; nr++)
		n += (set->x64[nr / 8] >> (nr % 8)) & 1;
	o = (size_t)snprintf(buf, len, "%u x86-64 calls:", n);
	for (unsigned nr = 0; nr < NR_MAX && o < len; nr++)
		if ((set->x64[nr / 8] >> (nr % 8)) & 1)
			o += (size_t)snprintf(buf + o, len - o, " %s(%u)",
					      x64_ev[nr] > 0 ? evt_table[x64_ev[nr]].name : "?",
					      nr);
	if (set->nx64_std && o < len)
		o += (size_t)snprintf(buf + o, len - o, "; on fd 0-2 only:");
	for (unsigned i = 0; i < set->nx64_std && o < len; i++) {
		unsigned nr = set->x64_std[i].nr;

		o += (size_t)snprintf(buf + o, len - o, " %s(%u)", evt_table[x64_ev[nr]].name, nr);
	}
}
