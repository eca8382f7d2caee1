// SPDX-License-Identifier: GPL-2.0-only
/*
 * The 32-bit ways into a 64-bit kernel, decoded into the x86-64 event and
 * arguments the fillers expect: int $0x80 and i386 binaries (i386 numbers,
 * arguments in ebx, ecx, edx, esi, edi, ebp, socketcall's argument array)
 * and x32 (x86-64 registers, X32_SYSCALL_BIT, a few calls moved to 512+).
 * A record then looks the same however the call was made, so rules match
 * unchanged; a call saker skipped here would be an evasion. The numbers
 * are drivers/common/saker_ia32.h's.
 */
#include <linux/compat.h>
#include <linux/kernel.h>
#include <linux/sched.h>
#include <linux/uaccess.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "saker_ia32.h"
#include "saker_kmod.h"

#define IA32_NR_MAX 512
#define X32_FIRST 512
#define X32_NR_MAX 64
#define SOCKETCALL_ARGS_MAX 6

static u16 ia32_event[IA32_NR_MAX];
static u8 ia32_flags[IA32_NR_MAX];
static u16 socketcall_event[SAKER_IA32_SOCKETCALL_MAX];
static u8 socketcall_nargs[SAKER_IA32_SOCKETCALL_MAX];
static u16 x32_event[X32_NR_MAX];

/* sys_to_event: the x86-64 table (index: x86-64 number, nr entries). */
void saker_ia32_init(const u16 *sys_to_event, unsigned int nr)
{
#define SAKER_EV_OF(name) (__NR_##name < nr ? sys_to_event[__NR_##name] : 0)
#define SAKER_IA32_SET(n, name, fl, entry)         \
	do {                                       \
		BUILD_BUG_ON((n) >= IA32_NR_MAX);  \
		ia32_event[n] = SAKER_EV_OF(name); \
		ia32_flags[n] = (fl);              \
	} while (0);
#define SAKER_SOCKETCALL_SET(call, name, nargs)                    \
	do {                                                       \
		BUILD_BUG_ON((call) >= SAKER_IA32_SOCKETCALL_MAX); \
		BUILD_BUG_ON((nargs) > SOCKETCALL_ARGS_MAX);       \
		socketcall_event[call] = SAKER_EV_OF(name);        \
		socketcall_nargs[call] = (nargs);                  \
	} while (0);
#define SAKER_X32_SET(n, name)                                                  \
	do {                                                                    \
		BUILD_BUG_ON((n) < X32_FIRST || (n) >= X32_FIRST + X32_NR_MAX); \
		x32_event[(n)-X32_FIRST] = SAKER_EV_OF(name);                   \
	} while (0);
	SAKER_IA32_SYSCALLS(SAKER_IA32_SET)
	SAKER_IA32_SOCKETCALLS(SAKER_SOCKETCALL_SET)
	SAKER_X32_SYSCALLS(SAKER_X32_SET)
#undef SAKER_X32_SET
#undef SAKER_SOCKETCALL_SET
#undef SAKER_IA32_SET
#undef SAKER_EV_OF
}

/* The i386 call's arguments as the kernel reads them, where x86-64 has them. */
static void ia32_fixup(u8 flags, unsigned long *args)
{
	unsigned long tls;
	unsigned int i;

	for (i = 0; i < 6; i++)
		args[i] = saker_ia32_arg(flags, i, args[i]);
	if (flags & SAKER_IA32_CLONE_TLS4) {
		tls = args[3];
		args[3] = args[4];
		args[4] = tls;
	}
}

/*
 * socketcall(call, args): the subcall's u32 arguments from user memory,
 * bounded by its count. A fault leaves them 0 (the call itself failed with
 * EFAULT then). Only for a subcall saker_ia32_event() named.
 */
static void ia32_socketcall_args(unsigned long *args)
{
	u32 call = (u32)args[0], uargs = (u32)args[1];
	u32 a[SOCKETCALL_ARGS_MAX] = {};
	unsigned int i;

	if (call >= SAKER_IA32_SOCKETCALL_MAX)
		return;
	if (copy_from_user_nofault(a, (const void __user *)(unsigned long)uargs,
				   socketcall_nargs[call] * sizeof(u32)))
		memset(a, 0, sizeof(a));
	for (i = 0; i < 6; i++)
		args[i] = a[i];
}

/*
 * The event of the current compat call (in_compat_syscall()), nr being
 * its number as the entry code saw it; 0 when the table has none. Reads
 * registers only: socketcall's subcall number is its first argument, so
 * the caller can check interest before any user memory is touched.
 */
u16 saker_ia32_event(struct pt_regs *regs, long nr)
{
	unsigned long args[6];
	u32 call;

	if (nr < 0)
		return 0;
	if (in_x32_syscall()) {
		nr &= ~(long)SAKER_X32_SYSCALL_BIT;
		if (nr >= X32_FIRST && nr < X32_FIRST + X32_NR_MAX)
			return x32_event[nr - X32_FIRST];
		return saker_sys_event(nr);
	}
	if (nr >= IA32_NR_MAX)
		return 0;
	if (nr != SAKER_IA32_NR_SOCKETCALL)
		return ia32_event[nr];
	/* In a compat call these are ebx, ecx, edx, esi, edi, ebp. */
	syscall_get_arguments(current, regs, args);
	call = (u32)args[0];
	return call < SAKER_IA32_SOCKETCALL_MAX ? socketcall_event[call] : 0;
}

/*
 * The arguments of the current compat call, whose event
 * saker_ia32_event(regs, nr) gave, in the x86-64 call's order and
 * meaning; for socketcall, the subcall's, read from the caller's array.
 */
void saker_ia32_args(struct pt_regs *regs, long nr, unsigned long *args)
{
	syscall_get_arguments(current, regs, args);
	if (in_x32_syscall())
		return;
	if (nr == SAKER_IA32_NR_SOCKETCALL)
		ia32_socketcall_args(args);
	else if (nr >= 0 && nr < IA32_NR_MAX)
		ia32_fixup(ia32_flags[nr], args);
}
