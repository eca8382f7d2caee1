/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Which system call this is, whatever door it came through. A 64-bit
 * kernel with IA32_EMULATION takes i386 calls (`int $0x80`, sysenter,
 * compat syscall) from any process, 64-bit ones included, with i386
 * numbers in orig_ax and arguments in ebx, ecx, edx, esi, edi, ebp; x32
 * calls come with X32_SYSCALL_BIT set. Read as x86-64 numbers they would
 * be other calls (i386 11, execve, is x86-64 munmap): an evasion. Here the
 * number is looked up in the key range of its ABI (userspace fills them
 * from drivers/common/saker_ia32.h) and the arguments are put in the
 * x86-64 call's order, so the record is the x86-64 event.
 */
#ifndef SAKER_SYSABI_BPF_H
#define SAKER_SYSABI_BPF_H

#define TS_COMPAT_BPF 0x0002 /* arch/x86/include/asm/thread_info.h, stable since 2.6 */
#define SOCKETCALL_ARGS_MAX 6
#define KEY_NONE 0xffffffffu

/*
 * in_ia32_syscall(): the entry code sets TS_COMPAT in the task's
 * thread_info for a 32-bit call and clears it on the way back to user
 * mode, after sys_exit and any fexit have run. With BTF the flag is a
 * direct load (this runs for every system call in tracepoint mode).
 */
static __always_inline bool task_compat(void)
{
#ifdef SAKER_CLASSIC
	struct task_struct *t = (void *)bpf_get_current_task();

	return RD(t, thread_info.status) & TS_COMPAT_BPF;
#else
	struct task_struct *t;

	if (!bpf_core_field_exists(((struct thread_info *)0)->status))
		return false;
	t = bpf_get_current_task_btf();
	return t->thread_info.status & TS_COMPAT_BPF;
#endif
}

/* The interest key of the current call; KEY_NONE when it has none. */
static __always_inline __u32 sys_key(struct pt_regs *regs)
{
	__u64 nr = REG(regs, orig_ax);

	if (task_compat())
		return nr < SAKER_BPF_IA32_NR_MAX ? SAKER_BPF_KEY_IA32 + (__u32)nr : KEY_NONE;
	/*
	 * x32: the x86-64 number with the bit set, or one of its own at 512+.
	 * 512+ without the bit is no call (the kernel fails it with ENOSYS):
	 * it must not pass for an x32 execve with arguments the caller chose.
	 */
	if (nr & SAKER_X32_SYSCALL_BIT)
		nr &= ~(__u64)SAKER_X32_SYSCALL_BIT;
	else if (nr >= 512)
		return KEY_NONE;
	return nr < SAKER_BPF_KEY_PROCEXIT ? (__u32)nr : KEY_NONE;
}

static __always_inline __u32 interest_at(__u32 key)
{
	__u32 *v;

	if (key == KEY_NONE)
		return 0;
	v = bpf_map_lookup_elem(&saker_interest, &key);
	return v ? *v : 0;
}

/* An i386 call's arguments as the kernel reads them, in the x86-64 call's order. */
static __always_inline void ia32_args(struct pt_regs *regs, __u32 val, __u64 *args)
{
	REG_INTO(args[0], regs, bx);
	REG_INTO(args[1], regs, cx);
	REG_INTO(args[2], regs, dx);
	REG_INTO(args[3], regs, si);
	REG_INTO(args[4], regs, di);
	REG_INTO(args[5], regs, bp);
	for (int i = 0; i < 6; i++)
		args[i] = saker_ia32_arg(SAKER_BPF_VAL_FLAGS(val), i, args[i]);
	if (SAKER_BPF_VAL_FLAGS(val) & SAKER_IA32_CLONE_TLS4) {
		__u64 tls = args[3];

		args[3] = args[4];
		args[4] = tls;
	}
}

/*
 * socketcall(call, u32 *args): the subcall's interest value, its
 * arguments read from the caller's array (bounded by the table's count)
 * through buf (room for 8 u32; not the stack, which 6.1's verifier finds
 * full when the record is built).
 */
static __always_inline __u32 socketcall_args(struct pt_regs *regs, __u64 *args, __u32 *buf)
{
	__u32 call = (__u32)REG(regs, bx), val, n;
	const void *uargs = (const void *)(__u64)(__u32)REG(regs, cx);

	if (!buf || call >= SAKER_BPF_SOCKETCALL_MAX)
		return 0;
	val = interest_at(SAKER_BPF_KEY_SOCKETCALL + call);
	n = SAKER_BPF_VAL_NARGS(val);
	if (!val || n == 0 || n > SOCKETCALL_ARGS_MAX)
		return 0;
	/* The mask: a bound the verifier sees (n <= 6 already). */
	if (bpf_probe_read_user(buf, (n & 7) * sizeof(__u32), uargs) != 0)
		return 0;
	for (int i = 0; i < SOCKETCALL_ARGS_MAX; i++)
		args[i] = i < n ? buf[i] : 0;
	return val;
}

/*
 * The arguments of the current call (key and val from sys_key() and
 * interest_at(), val != 0) in x86-64 order; returns the interest value,
 * which for socketcall is the subcall's (0: not wanted or unreadable).
 * buf: scratch for socketcall's array, NULL where socketcall is not needed.
 */
static __always_inline __u32 sys_args(struct pt_regs *regs, __u32 key, __u32 val, __u64 *args,
				      __u32 *buf)
{
	if (key < SAKER_BPF_KEY_IA32) {
		REG_INTO(args[0], regs, di);
		REG_INTO(args[1], regs, si);
		REG_INTO(args[2], regs, dx);
		REG_INTO(args[3], regs, r10);
		REG_INTO(args[4], regs, r8);
		REG_INTO(args[5], regs, r9);
		return val;
	}
	if (SAKER_BPF_VAL_FLAGS(val) & SAKER_BPF_VAL_SOCKETCALL)
		return socketcall_args(regs, args, buf);
	ia32_args(regs, val, args);
	return val;
}

#endif /* SAKER_SYSABI_BPF_H */
