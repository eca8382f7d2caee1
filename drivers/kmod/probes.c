// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tracepoint probes: sys_exit (one record per system call of interest),
 * sched_process_fork (the child's clone record, written before the child
 * can run) and sched_process_exit (procexit). The tracepoints are found by
 * name: __tracepoint_sys_exit is not exported on every kernel.
 * Probes are registered only while a reader is attached.
 */
#include <linux/compat.h>
#include <linux/preempt.h>
#include <linux/sched.h>
#include <linux/smp.h>
#include <linux/tracepoint.h>
#include <asm/syscall.h>
#include <asm/unistd.h>

#include "saker_kmod.h"

#define SAKER_SYS(n) __NR_##n
#define SAKER_NOSYS (-1)

static u16 sys_to_event[NR_syscalls];
static DECLARE_BITMAP(interest, SAKER_EV_MAX);
static bool capturing;

static struct tracepoint *tp_sys_exit;
static struct tracepoint *tp_fork;
static struct tracepoint *tp_exit;

static void find_tracepoint(struct tracepoint *tp, void *priv)
{
	if (!strcmp(tp->name, "sys_exit"))
		tp_sys_exit = tp;
	else if (!strcmp(tp->name, "sched_process_fork"))
		tp_fork = tp;
	else if (!strcmp(tp->name, "sched_process_exit"))
		tp_exit = tp;
}

static bool wanted(u16 type)
{
	return READ_ONCE(capturing) && test_bit(type, interest);
}

/*
 * Build one record on this CPU's ring. fill() runs with preemption disabled,
 * the only writer of this ring.
 */
#define saker_emit(type, res, task, fill)                                              \
	do {                                                                           \
		struct saker_ring *ring;                                               \
		struct saker_rec r;                                                    \
		void *buf;                                                             \
		u32 limit, len;                                                        \
                                                                                       \
		preempt_disable();                                                     \
		ring = saker_ring_get(smp_processor_id());                             \
		buf = ring ? saker_ring_reserve(ring, &limit) : NULL;                  \
		if (buf) {                                                             \
			saker_rec_begin(&r, buf, limit, (type), (res), (task));        \
			fill;                                                          \
			len = saker_rec_end(&r);                                       \
			if (len) {                                                     \
				saker_ring_commit(ring, len);                          \
			} else {                                                       \
				saker_ring_unreserve(ring);                            \
				saker_ring_drop(ring, limit >= SAKER_REC_MAX ?         \
							      SAKER_DROP_TOO_BIG :     \
							      SAKER_DROP_BUFFER_FULL); \
			}                                                              \
		}                                                                      \
		preempt_enable();                                                      \
	} while (0)

static bool is_clone(u16 type)
{
	return type == SAKER_EV_CLONE || type == SAKER_EV_CLONE3 || type == SAKER_EV_FORK ||
	       type == SAKER_EV_VFORK;
}

u16 saker_sys_event(long nr)
{
	return nr >= 0 && nr < NR_syscalls ? sys_to_event[nr] : 0;
}

/*
 * The event of the current system call and its arguments in x86-64
 * order; 0 when no event is wanted. 32-bit calls (int $0x80, i386
 * binaries, x32) are decoded by ia32.c into the same event. Interest is
 * checked on the event alone, from registers: arguments (socketcall's
 * array is user memory) are read only for a wanted event.
 */
static u16 decode(struct pt_regs *regs, unsigned long *args)
{
	long nr = syscall_get_nr(current, regs);
	bool compat = in_compat_syscall();
	u16 type;

	type = compat ? saker_ia32_event(regs, nr) : saker_sys_event(nr);
	if (!type || !wanted(type))
		return 0;
	if (compat)
		saker_ia32_args(regs, nr, args);
	else
		syscall_get_arguments(current, regs, args);
	return type;
}

static void probe_sys_exit(void *data, struct pt_regs *regs, long ret)
{
	unsigned long args[6];
	u16 type;

	if (!READ_ONCE(capturing))
		return;
	type = decode(regs, args);
	if (!type)
		return;
	if (is_clone(type)) {
		/* The child's record was written at sched_process_fork. */
		if (ret == 0)
			return;
		saker_emit(type, ret, current, saker_fill_clone(&r, type, current, args));
		return;
	}
	saker_emit(type, ret, current, saker_fill_syscall(&r, type, args, ret));
}

static void probe_fork(void *data, struct task_struct *parent, struct task_struct *child)
{
	struct pt_regs *regs = task_pt_regs(current);
	unsigned long args[6];
	u16 type;

	if (!READ_ONCE(capturing) || (current->flags & PF_KTHREAD))
		return;
	type = decode(regs, args);
	if (!type || !is_clone(type))
		return;
	saker_emit(type, 0, child, saker_fill_clone(&r, type, child, args));
}

static void probe_exit(void *data, struct task_struct *p)
{
	if ((p->flags & PF_KTHREAD) || !wanted(SAKER_EV_PROCEXIT))
		return;
	saker_emit(SAKER_EV_PROCEXIT, p->exit_code, p, ({
			   saker_rec_int(&r, SAKER_PT_S64, p->exit_code);
			   saker_rec_absent(&r); /* reaper: chosen after this point */
		   }));
}

int saker_probes_init(void)
{
#define SAKER_MAP_SYS(id, name, sys, flags, res, params) \
	if ((sys) >= 0 && (sys) < NR_syscalls)           \
		sys_to_event[(sys) >= 0 ? (sys) : 0] = SAKER_EV_##id;
	SAKER_EVENT_TABLE(SAKER_MAP_SYS, )
#undef SAKER_MAP_SYS
	saker_ia32_init(sys_to_event, NR_syscalls);

	for_each_kernel_tracepoint(find_tracepoint, NULL);
	if (!tp_sys_exit || !tp_fork || !tp_exit) {
		pr_err("saker: tracepoints missing:%s%s%s\n", tp_sys_exit ? "" : " sys_exit",
		       tp_fork ? "" : " sched_process_fork", tp_exit ? "" : " sched_process_exit");
		return -ENOENT;
	}
	return 0;
}

int saker_probes_register(void)
{
	int err;

	err = tracepoint_probe_register(tp_sys_exit, probe_sys_exit, NULL);
	if (err)
		return err;
	err = tracepoint_probe_register(tp_fork, probe_fork, NULL);
	if (err)
		goto err_unregister_sys_exit;
	err = tracepoint_probe_register(tp_exit, probe_exit, NULL);
	if (err)
		goto err_unregister_fork;
	return 0;

err_unregister_fork:
	tracepoint_probe_unregister(tp_fork, probe_fork, NULL);
err_unregister_sys_exit:
	tracepoint_probe_unregister(tp_sys_exit, probe_sys_exit, NULL);
	tracepoint_synchronize_unregister();
	return err;
}

/* Returns once no probe is running any more: the rings can then go. */
void saker_probes_unregister(void)
{
	WRITE_ONCE(capturing, false);
	tracepoint_probe_unregister(tp_exit, probe_exit, NULL);
	tracepoint_probe_unregister(tp_fork, probe_fork, NULL);
	tracepoint_probe_unregister(tp_sys_exit, probe_sys_exit, NULL);
	tracepoint_synchronize_unregister();
}

void saker_set_interest(const u8 *bits, unsigned int nbits)
{
	unsigned int i;

	for (i = 0; i < SAKER_EV_MAX; i++) {
		if (i < nbits && (bits[i / 8] >> (i % 8)) & 1)
			set_bit(i, interest);
		else
			clear_bit(i, interest);
	}
}

void saker_set_capturing(bool on)
{
	WRITE_ONCE(capturing, on);
}
