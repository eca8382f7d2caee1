/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Deferred closes. When no loaded rule reads close events, a close is
 * there for the state alone: it removes the fd from the process's table.
 * Its record is then not written when the call returns; the fd number
 * waits in a per-process bitmap and the close record is written just
 * before the state could read the table without it:
 *
 * - before a record of the same process that names that fd (any FD-typed
 *   argument: read, connect, a dirfd, dup's old fd...), or that reads
 *   fds 0-2 (every record: proc.stdin/stdout/stderr);
 * - all of them before an execve, execveat or unshare record of the
 *   process, and at fork (sched_process_fork, before the child runs and
 *   before the parent's clone record), so a child's copy of the table is
 *   made from the right one.
 *
 * A new fd of the same number (a record of the process that creates it:
 * open, socket, dup2...) makes the close implied: the state replaces the
 * entry, so no record is written at all. That is the common case (the
 * kernel hands out the lowest free number) and what makes this cheaper.
 * When the group exits, what is pending goes with its table.
 *
 * Limits, each falling back to an immediate record: fds from PEND_FDS up;
 * a full map; the ring being unavailable (perf buffers); processes that
 * share one table without being threads of one group (CLONE_FILES
 * without CLONE_THREAD: found at fork, both then write every close).
 */
#ifndef SAKER_PENDING_BPF_H
#define SAKER_PENDING_BPF_H

#define PEND_FDS 512
#define PEND_WORDS (PEND_FDS / 64)
#define CLOSE_REC_LEN (SAKER_HDR_SIZE + 2 + 8)

struct pend {
	__u64 w[PEND_WORDS];
	__u32 nodefer; /* the table is shared with another process */
	__u32 pad;
};

struct {
	__uint(type, BPF_MAP_TYPE_HASH);
	__uint(max_entries, 16384);
	__type(key, __u32);
	__type(value, struct pend);
} saker_pending SEC(".maps");

static struct pend pend_zero;

/* Index of the lowest set bit of a word that has exactly one (de Bruijn). */
static const __u8 bit_index[64] = {
	0,  1,	48, 2,	57, 49, 28, 3,	61, 58, 50, 42, 38, 29, 17, 4,	62, 55, 59, 36, 53, 51,
	43, 22, 45, 39, 33, 30, 24, 18, 12, 5,	63, 47, 56, 27, 60, 41, 37, 16, 54, 35, 52, 21,
	44, 32, 23, 11, 46, 26, 40, 15, 34, 20, 31, 10, 25, 14, 19, 9,	13, 8,	7,  6,
};

/*
 * The word of fd's bit. The mask stays past barrier_var(): a compiler that
 * knows fd < PEND_FDS drops it, and 6.1's verifier then sees no bound.
 */
static __always_inline __u64 *pend_word(struct pend *p, __s64 fd)
{
	__u64 i = (__u64)fd >> 6;

	barrier_var(i);
	return &p->w[i & (PEND_WORDS - 1)];
}

/*
 * The close of fd by the process (tid, pid) in id, written now. Global
 * functions here and below: each is verified once, on its own, instead of
 * at every place that calls it.
 */
SAKER_NOINLINE int saker_emit_close(__u64 id, __u32 fd)
{
	struct saker_bpf_counters *cnt = counters_get();
	__u8 *r = bpf_ringbuf_reserve(&saker_events, (CLOSE_REC_LEN + 7) & ~7, 0);
	struct saker_rec_hdr *h = (void *)r;
	__u16 len = 8;
	__s64 v = fd;

	if (!r) {
		drop(cnt, SAKER_DROP_BUFFER_FULL);
		return 0;
	}
	put_hdr(h, id, 0, CLOSE_REC_LEN, SAKER_EV_CLOSE, 1);
	__builtin_memcpy(r + SAKER_HDR_SIZE, &len, sizeof(len));
	__builtin_memcpy(r + SAKER_HDR_SIZE + 2, &v, sizeof(v));
	bpf_ringbuf_submit(r, BPF_RB_NO_WAKEUP);
	if (cnt)
		cnt->late++;
	return 0;
}

/* Hold back the close of fd by the current process; false: write it now. */
static __always_inline bool defer_close(__s64 fd, struct saker_bpf_counters *cnt)
{
	__u32 tgid = bpf_get_current_pid_tgid() >> 32;
	struct pend *p;

	if (saker_use_perf || fd < 0 || fd >= PEND_FDS)
		return false;
	p = bpf_map_lookup_elem(&saker_pending, &tgid);
	if (!p) {
		/* Another thread may win the insert: then its entry is used. */
		bpf_map_update_elem(&saker_pending, &tgid, &pend_zero, BPF_NOEXIST);
		p = bpf_map_lookup_elem(&saker_pending, &tgid);
		if (!p)
			return false;
	}
	if (p->nodefer)
		return false;
	__sync_fetch_and_or(pend_word(p, fd), 1ull << (fd & 63));
	if (cnt)
		cnt->deferred++;
	return true;
}

/* Write the pending close of fd, if there is one. */
static __always_inline void flush_one(struct pend *p, __u64 id, __s64 fd)
{
	__u64 bit = 1ull << (fd & 63), old, *w;

	if (fd < 0 || fd >= PEND_FDS)
		return;
	w = pend_word(p, fd);
	if (!(*w & bit))
		return;
	old = __sync_fetch_and_and(w, ~bit);
	if (old & bit)
		saker_emit_close(id, (__u32)fd);
}

struct flush_word {
	__u64 w;
	__u64 id;
	__u32 base;
};

/* One pending close of a word per call, lowest first; stops when none is left. */
static long flush_word_cb(__u64 i, void *arg)
{
	struct flush_word *f = arg;
	__u64 x = f->w, low = x & -x;

	if (!x)
		return 1;
	f->w = x & (x - 1);
	saker_emit_close(f->id, f->base + bit_index[((low * 0x03f79d71b4cb0a89ull) >> 58) & 63]);
	return 0;
}

/* Every pending close of the process in id, written now. */
SAKER_NOINLINE int saker_flush_all(__u64 id)
{
	__u32 tgid = id >> 32;
	struct pend *p = bpf_map_lookup_elem(&saker_pending, &tgid);

	if (!p)
		return 0;
	for (__u32 k = 0; k < PEND_WORDS; k++) {
		struct flush_word f = { .id = id, .base = k * 64 };

		if (!p->w[k])
			continue;
		f.w = __sync_lock_test_and_set(&p->w[k], 0);
		if (f.w)
			bpf_loop(64, flush_word_cb, &f, 0);
	}
	return 0;
}

/*
 * Before the record of event ev of the current process (its arguments
 * and result in this CPU's scratch): drop the pending close a new fd
 * makes implied, and write the ones the state is about to need.
 */
SAKER_NOINLINE int saker_pending_settle(__u32 ev)
{
	struct saker_bpf_counters *cnt = counters_get();
	__u64 id = bpf_get_current_pid_tgid();
	__u32 tgid = id >> 32, first;
	struct fillctx *fc;
	struct pend *p;

	if (saker_use_perf)
		return 0;
	p = bpf_map_lookup_elem(&saker_pending, &tgid);
	fc = scratch_get();
	if (!p || !fc)
		return 0;
	ev &= EV_SLOTS - 1;
	if ((ev_flags[ev] & SAKER_EF_CREATES_FD) && fc->res >= 0 && fc->res < PEND_FDS) {
		__u64 bit = 1ull << (fc->res & 63), *w = pend_word(p, fc->res);

		if ((*w & bit) && (__sync_fetch_and_and(w, ~bit) & bit) && cnt)
			cnt->implied++;
	}
	if (ev == SAKER_EV_EXECVE || ev == SAKER_EV_EXECVEAT || ev == SAKER_EV_UNSHARE)
		return saker_flush_all(id);
	if (!p->w[0] && !p->w[1] && !p->w[2] && !p->w[3] && !p->w[4] && !p->w[5] && !p->w[6] &&
	    !p->w[7])
		return 0;
	for (__s64 fd = 0; fd < 3; fd++)
		flush_one(p, id, fd);
	first = (ev_flags[ev] & SAKER_EF_PROC) ? SAKER_PROC_NPARAMS : 0;
	for (__u32 i = 0; i < SPEC_MAX; i++) {
		const struct psrc *ps = &ev_specs[ev].p[i];
		__u32 idx = first + i;

		if (i >= ev_specs[ev].n || idx >= SAKER_MAX_PARAMS)
			break;
		if (ps->kind == K_ARG && ev_ptypes[ev][idx] == SAKER_PT_FD)
			flush_one(p, id, (__s64)(__s32)fc->args[ps->a & 7]);
	}
	return 0;
}

/*
 * fork/vfork/clone of a new process, before the child runs: the child's
 * table is a copy of the parent's as it is now, so the state must have
 * the parent's closes first. args: parent, child.
 */
SEC(SAKER_TP("sched_process_fork"))
int saker_sched_fork(__u64 *ctx)
{
	struct task_struct *parent = (void *)ctx[0], *child = (void *)ctx[1];
	__u32 ptgid = RD(parent, tgid), ctgid = RD(child, tgid);
	struct pend *p;

	if (saker_use_perf || ptgid == ctgid)
		return 0;
	/* A pid once used by another process: what it left is not the child's. */
	bpf_map_delete_elem(&saker_pending, &ctgid);
	p = bpf_map_lookup_elem(&saker_pending, &ptgid);
	if (p)
		saker_flush_all(bpf_get_current_pid_tgid());
	if (RD(parent, files) == RD(child, files)) {
		/* One table, two processes: neither defers from now on. */
		struct pend nd = { .nodefer = 1 };

		bpf_map_update_elem(&saker_pending, &ptgid, &nd, BPF_ANY);
		bpf_map_update_elem(&saker_pending, &ctgid, &nd, BPF_ANY);
	}
	return 0;
}

#endif /* SAKER_PENDING_BPF_H */
