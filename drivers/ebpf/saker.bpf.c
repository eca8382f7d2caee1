// SPDX-License-Identifier: GPL-2.0-only
/*
 * saker's eBPF probe: one record per system call of interest, built at
 * sys_exit in the shared ABI format (drivers/common/saker_abi.h) and written
 * to a BPF ring buffer; a procexit record from sched_process_exit.
 * sys_enter and sched_process_exec only save what a successful execve
 * destroys before sys_exit runs.
 *
 * Userspace (src/src_ebpf.c) sizes the maps, fills "interest" (syscall
 * number of each ABI -> event type + 1 and flags, saker_bpf.h) and
 * "config", then attaches: either sys_exit on every call (tracepoint mode)
 * or a trampoline per call of interest (fexit mode, src/src_ebpf_hook.c).
 * A traced syscall outside "interest" costs one counter increment and one
 * array lookup.
 */
#include "compat.bpf.h"
#include "saker_bpf.h"
#include "record.bpf.h"
#include "paths.bpf.h"
#include "net.bpf.h"
#include "proc.bpf.h"
#include "params.bpf.h"

char LICENSE[] SEC("license") = "GPL";

/*
 * The key of the one-entry maps, in .rodata: a key on the stack takes a
 * slot of sys_exit's frame, which the classic build needs all of (the
 * verifier allows 512 bytes for sys_exit, the bpf_loop() callback and
 * saker_fill_param() together).
 */
static const volatile __u32 saker_zero_key = 0;

/* Read by userspace before anything is loaded: a major mismatch is refused. */
const __u32
	saker_abi_version SEC(SAKER_BPF_ABI_SECTION) = (SAKER_ABI_MAJOR << 16) | SAKER_ABI_MINOR;

/*
 * Where records go, chosen by userspace before load: the BPF ring buffer
 * (one, shared by all CPUs, ordered) or, where the kernel has none (< 5.8)
 * or the operator asks for it, a perf event array (one buffer per CPU).
 * A constant for the verifier: the other path is dead code and its map is
 * not even created.
 */
const volatile __u32 saker_use_perf SEC(SAKER_BPF_KNOB_SECTION) = 0;

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 8 << 20);
} saker_events SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERF_EVENT_ARRAY);
	__uint(key_size, sizeof(__u32));
	__uint(value_size, sizeof(__u32));
} saker_perf SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, SAKER_BPF_KEYS);
	__type(key, __u32);
	__type(value, __u32);
} saker_interest SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct saker_bpf_config);
} saker_config SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_PERCPU_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, struct saker_bpf_counters);
} saker_counters SEC(".maps");

#include "sysabi.bpf.h"

static __always_inline struct saker_bpf_counters *counters_get(void)
{
	return bpf_map_lookup_elem(&saker_counters, (void *)&saker_zero_key);
}

static __always_inline void drop(struct saker_bpf_counters *cnt, __u32 why)
{
	if (cnt && why < SAKER_DROP_MAX)
		cnt->drops[why]++;
}

#include "pending.bpf.h"

/*
 * Header, then out to the buffer. The ring wakes the reader only past the
 * threshold; perf buffers do the same through their watermark.
 */
static __always_inline int emit(void *ctx, struct fillctx *fc, struct saker_bpf_counters *cnt)
{
	struct saker_rec_hdr *h = (void *)fc->rec;
	struct saker_bpf_config *cfg;
	__u64 id = bpf_get_current_pid_tgid(), flags = BPF_RB_NO_WAKEUP;
	__u32 len = fc->off;

	if (len < SAKER_HDR_SIZE || len > SAKER_REC_MAX) {
		drop(cnt, SAKER_DROP_TOO_BIG);
		return 0;
	}
	/*
	 * Again, past barrier_var(): the compiler folds the two compares
	 * above into one on a copy, whose bound a 6.1 verifier does not
	 * carry back to len.
	 */
	barrier_var(len);
	if (len > SAKER_REC_MAX)
		return 0;
	put_hdr(h, id, fc->res, len, fc->ev, fc->n);
	if (saker_use_perf) {
		if (bpf_perf_event_output(ctx, &saker_perf, BPF_F_CURRENT_CPU, fc->rec, len) != 0) {
			drop(cnt, SAKER_DROP_BUFFER_FULL);
			return 0;
		}
		if (cnt)
			cnt->sent++;
		return 0;
	}
	cfg = bpf_map_lookup_elem(&saker_config, (void *)&saker_zero_key);
	if (cfg && bpf_ringbuf_query(&saker_events, BPF_RB_AVAIL_DATA) + len >= cfg->wakeup_bytes)
		flags = BPF_RB_FORCE_WAKEUP;
	if (bpf_ringbuf_output(&saker_events, fc->rec, len, flags) != 0) {
		drop(cnt, SAKER_DROP_BUFFER_FULL);
		return 0;
	}
	if (cnt)
		cnt->sent++;
	return 0;
}

/* The interest value of a scheduler event's key, 0 when nobody asked for it. */
static __always_inline __u32 interest_of(__u32 key)
{
	__u32 *v = bpf_map_lookup_elem(&saker_interest, &key);

	return v ? *v : 0;
}

static __always_inline bool is_self(void)
{
	struct saker_bpf_config *cfg;

	cfg = bpf_map_lookup_elem(&saker_config, (void *)&saker_zero_key);
	return cfg && cfg->self_tgid == bpf_get_current_pid_tgid() >> 32;
}

/*
 * A record for a syscall of interest (key, val: its interest key and
 * value). ctx is the raw tracepoint's or fexit's: regs, then the result.
 * Few live values here: each one more spills to a stack 6.1 finds full.
 */
static __always_inline int sys_exit_record(__u64 *ctx, __u32 key, __u32 val,
					   struct saker_bpf_counters *cnt)
{
	struct exec_saved *sv = NULL;
	struct fillctx *fc = record_begin();
	__u32 tid, ev, n;

	if (!fc) {
		drop(cnt, SAKER_DROP_FAULT);
		return 0;
	}
	val = sys_args((struct pt_regs *)ctx[0], key, val, fc->args, (__u32 *)fc->tmp);
	if (!SAKER_BPF_VAL_EV1(val) || SAKER_BPF_VAL_EV1(val) > SAKER_EV_MAX) {
		if (cnt)
			cnt->filtered++;
		return 0;
	}
	ev = (SAKER_BPF_VAL_EV1(val) - 1) & (EV_SLOTS - 1);
	fc->res = (__s64)ctx[1];
	fc->abi_flags = SAKER_BPF_VAL_FLAGS(val);
	if (ev == SAKER_EV_EXECVE || ev == SAKER_EV_EXECVEAT) {
		tid = (__u32)bpf_get_current_pid_tgid();
		sv = bpf_map_lookup_elem(&saker_execs, &tid);
		/*
		 * The new image's registers are not the call's arguments, and
		 * a successful execveat reports itself as execve here: trust
		 * what was saved before the image was replaced.
		 */
		if (sv && sv->have_args && ctx[1] == 0) {
			__builtin_memcpy(fc->args, sv->args, sizeof(sv->args));
			ev = sv->ev == SAKER_EV_EXECVEAT ? SAKER_EV_EXECVEAT : SAKER_EV_EXECVE;
			/* ...and its memory is not the caller's: no user pointers. */
			if (ev == SAKER_EV_EXECVEAT)
				fc->args[1] = 0;
		}
	}
	/* A close only the state needs waits for the next record that needs it. */
	if (ev == SAKER_EV_CLOSE && (fc->abi_flags & SAKER_BPF_VAL_DEFER) && fc->res == 0 &&
	    defer_close((__s64)(__s32)fc->args[0], cnt))
		return 0;
	saker_pending_settle(ev);
	n = ev_nparams[ev];
	fc->ev = ev;
	fc->n = n;
	fc->off = SAKER_HDR_SIZE + 2 * n;
	if (ev_flags[ev] & SAKER_EF_PROC) {
		fill_proc(fc, sv);
		fc->first = SAKER_PROC_NPARAMS;
		if (n > SAKER_PROC_NPARAMS)
			bpf_loop(n - SAKER_PROC_NPARAMS, fill_param_cb, NULL, 0);
	} else if (n > 0) {
		bpf_loop(n, fill_param_cb, NULL, 0);
	}
	emit(ctx, fc, cnt);
	if (sv)
		bpf_map_delete_elem(&saker_execs, &tid);
	return 0;
}

/*
 * The way out of every traced system call: for the ones nobody asked for
 * it is one flag test, one array lookup and one per-CPU counter.
 */
static __always_inline int on_sys_exit(__u64 *ctx)
{
	struct saker_bpf_counters *cnt = counters_get();
	__u32 key = sys_key((struct pt_regs *)ctx[0]), val = interest_at(key);

	/* A socketcall's value has no event of its own: its subcall decides. */
	if (!val || SAKER_BPF_VAL_EV1(val) > SAKER_EV_MAX || is_self()) {
		if (cnt)
			cnt->filtered++;
		return 0;
	}
	return sys_exit_record(ctx, key, val, cnt);
}

/* Tracepoint mode: every system call on the host passes here. args: regs, ret. */
SEC(SAKER_TP("sys_exit"))
int saker_sys_exit(__u64 *ctx)
{
	return on_sys_exit(ctx);
}

/* Keep the arguments of an execve/execveat for its exit. */
static __always_inline void save_exec_args(struct pt_regs *regs)
{
	__u32 key = sys_key(regs), val = interest_at(key), ev1 = SAKER_BPF_VAL_EV1(val), tid;
	struct exec_saved *sv;

	if (ev1 != SAKER_EV_EXECVE + 1 && ev1 != SAKER_EV_EXECVEAT + 1)
		return;
	tid = (__u32)bpf_get_current_pid_tgid();
	if (bpf_map_update_elem(&saker_execs, &tid, &exec_zero, BPF_ANY) != 0)
		return;
	sv = bpf_map_lookup_elem(&saker_execs, &tid);
	if (!sv)
		return;
	sys_args(regs, key, val, sv->args, NULL);
	sv->ev = ev1 - 1;
	sv->have_args = 1;
}

/*
 * Kernels without sched_prepare_exec, tracepoint mode only: a program on
 * every system call's entry, for the rare execve. args: regs, id.
 */
SEC(SAKER_TP("sys_enter"))
int saker_sys_enter(__u64 *ctx)
{
	save_exec_args((struct pt_regs *)ctx[0]);
	return 0;
}

#ifndef SAKER_CLASSIC
/*
 * sched_prepare_exec (6.10+) fires inside execve past the point of no
 * return, before the new image clears the registers: the arguments are
 * still there. Where it exists, userspace leaves sys_enter unattached and
 * no system call pays for an entry program. args: task, bprm.
 */
SEC("tp_btf/sched_prepare_exec")
int saker_prepare_exec(__u64 *ctx)
{
	struct task_struct *t = bpf_get_current_task_btf();
	struct pt_regs *regs = (struct pt_regs *)bpf_task_pt_regs(t);

	if (regs)
		save_exec_args(regs);
	return 0;
}

/*
 * Trampoline mode (src/src_ebpf_hook.c): a fexit program per system call
 * of interest, attached to the call's entry function (__x64_sys_openat,
 * __ia32_compat_sys_open, ...), so a call nobody asked for runs no BPF at
 * all. A tracing program is verified for one attach target; these bodies
 * are verified once each (userspace points them at one function of each
 * prototype the entry functions have) and tiny per-target stubs that
 * userspace loads tail-call into them through saker_fexit_progs[group].
 * fexit on `long f(const struct pt_regs *regs)` gets ctx[0] = regs,
 * ctx[1] = the return value: the raw tracepoint's shape.
 */
struct {
	__uint(type, BPF_MAP_TYPE_PROG_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u32);
} saker_fexit_progs0 SEC(".maps"), saker_fexit_progs1 SEC(".maps");

SEC("fexit")
int saker_fexit_body0(__u64 *ctx)
{
	return on_sys_exit(ctx);
}

SEC("fexit")
int saker_fexit_body1(__u64 *ctx)
{
	return on_sys_exit(ctx);
}

/*
 * Trampoline mode on kernels without sched_prepare_exec: execve's
 * arguments from fentry on its entry functions (x86-64 and i386, execve
 * and execveat; userspace sets the targets) instead of sys_enter.
 */
#define SAKER_FENTRY_EXEC(n)                              \
	SEC("fentry")                                     \
	int saker_fentry_exec##n(__u64 *ctx)              \
	{                                                 \
		save_exec_args((struct pt_regs *)ctx[0]); \
		return 0;                                 \
	}
SAKER_FENTRY_EXEC(0)
SAKER_FENTRY_EXEC(1)
SAKER_FENTRY_EXEC(2)
SAKER_FENTRY_EXEC(3)
#endif

/* The kernel's copy of the filename, before sys_exit (args: p, old_pid, bprm). */
SEC(SAKER_TP("sched_process_exec"))
int saker_sched_exec(__u64 *ctx)
{
	struct linux_binprm *bprm = (void *)ctx[2];
	__u32 old = (__u32)ctx[1], tid = (__u32)bpf_get_current_pid_tgid();
	struct exec_saved *sv = bpf_map_lookup_elem(&saker_execs, &old);

	/* A non-leader thread's exec takes over the leader's id (de_thread). */
	if (sv && old != tid) {
		bpf_map_update_elem(&saker_execs, &tid, sv, BPF_ANY);
		bpf_map_delete_elem(&saker_execs, &old);
		sv = bpf_map_lookup_elem(&saker_execs, &tid);
	}
	if (!sv)
		return 0;
	if (bpf_probe_read_kernel_str(sv->filename, sizeof(sv->filename), RD(bprm, filename)) > 0)
		sv->have_name = 1;
	return 0;
}

/* Who adopts the children of p: a live thread of its group, else its pid namespace's init. */
static __always_inline __s64 reaper_of(struct task_struct *p)
{
	struct task_struct *leader = RD(p, group_leader);
	struct pid *tp = RD(p, thread_pid);
	struct task_struct *init;
	struct pid_namespace *ns;
	__u32 level = RD(tp, level);
	struct upid up = {};

	if (RD(p, signal, live.counter) > 0 && leader != p)
		return RD(leader, pid);
	bpf_probe_read_kernel(&up, sizeof(up),
			      (void *)tp + FIELD_OFF(struct pid, numbers) +
				      (level & 31) * sizeof(up));
	ns = up.ns;
	init = RD(ns, child_reaper);
	return init ? RD(init, pid) : 0;
}

/* procexit: status = exit_code (as wait(2) sees it), reaper_tid. args: p. */
SEC(SAKER_TP("sched_process_exit"))
int saker_sched_exit(__u64 *ctx)
{
	struct saker_bpf_counters *cnt = counters_get();
	struct task_struct *p = (void *)ctx[0];
	struct fillctx *fc;

	/* The group's table goes with its last thread, and its pending closes. */
	if (!saker_use_perf && RD(p, signal, live.counter) == 0) {
		__u32 tgid = RD(p, tgid);

		bpf_map_delete_elem(&saker_pending, &tgid);
	}
	if (!interest_of(SAKER_BPF_KEY_PROCEXIT)) {
		if (cnt)
			cnt->filtered++;
		return 0;
	}
	fc = record_begin();
	if (!fc) {
		drop(cnt, SAKER_DROP_FAULT);
		return 0;
	}
	fc->ev = SAKER_EV_PROCEXIT;
	fc->res = RD(p, exit_code);
	fc->n = SAKER_NPARAMS_PROCEXIT;
	fc->off = SAKER_HDR_SIZE + 2 * SAKER_NPARAMS_PROCEXIT;
	put_num(fc, 0, 8, fc->res);
	put_num(fc, 1, 8, reaper_of(p));
	emit(ctx, fc, cnt);
	return 0;
}
