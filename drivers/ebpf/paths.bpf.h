/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Paths the kernel holds (cwd, the executable, cgroups), assembled backwards
 * in scratch->tmp by walking parents: bpf_d_path() is not allowed from raw
 * tracepoints. The walks use bpf_loop() so the verifier checks one step,
 * and stop after PATH_DEPTH components (the path is then flagged truncated).
 */
#ifndef SAKER_PATHS_BPF_H
#define SAKER_PATHS_BPF_H

#define PATH_DEPTH 64
#define NAME_MAX_BPF 255

struct walk {
	struct fillctx *s;
	struct dentry *d;
	struct mount *mnt;
	struct dentry *root_d;
	struct vfsmount *root_mnt;
	__u32 pos; /* first byte of the path in tmp; TMP_END holds its NUL */
	__u32 trunc;
};

/* Prepend "/" + name[0..len) at w->pos. Returns false when it does not fit. */
static __always_inline bool walk_prepend(struct walk *w, const void *name, __u32 len)
{
	__u32 pos = w->pos, npos;

	if (len > NAME_MAX_BPF || len + 1 > pos || pos > TMP_END) {
		w->trunc = 1;
		return false;
	}
	/* Masks, not just compares: the verifier must see both bounds. */
	npos = (pos - len - 1) & (SAKER_PATH_MAX - 1);
	len &= NAME_MAX_BPF;
	if (len && bpf_probe_read_kernel(w->s->tmp + npos + 1, len, name) != 0)
		return false;
	w->s->tmp[npos] = '/';
	w->pos = npos;
	return true;
}

static long walk_dentry_step(__u64 i, void *arg)
{
	struct walk *w = arg;
	struct dentry *d = w->d, *parent;
	struct mount *mnt = w->mnt;
	struct vfsmount *vfs = (void *)mnt + FIELD_OFF(struct mount, mnt);
	const unsigned char *name;
	__u32 len;

	if (d == w->root_d && vfs == w->root_mnt)
		return 1;
	if (d == RD(vfs, mnt_root)) {
		struct mount *up = RD(mnt, mnt_parent);

		if (up == mnt || !up)
			return 1;
		w->d = RD(mnt, mnt_mountpoint);
		w->mnt = up;
		return 0;
	}
	parent = RD(d, d_parent);
	name = RD(d, d_name.name);
	len = RD(d, d_name.len);
	/* A pseudo or disconnected dentry (memfd, deleted root): its name ends it. */
	if (!walk_prepend(w, name, len) || parent == d || !parent)
		return 1;
	w->d = parent;
	return 0;
}

/* What crosses into the global walker: addresses as plain numbers. */
struct pathstate {
	__u64 vfs, d, root_d, root_mnt;
	__u32 pos, trunc;
};

/*
 * The path of (vfs, d) as seen from the task's root (root_mnt, root_d),
 * written into tmp from st->pos (its NUL at TMP_END). A global function:
 * verified once, not once per caller.
 */
SAKER_NOINLINE int saker_walk_path(struct pathstate *st)
{
	struct walk w = {};
	long n;

	if (!st)
		return -1;
	w.s = scratch_get();
	if (!w.s)
		return -1;
	w.d = (void *)st->d;
	w.mnt = (void *)st->vfs - FIELD_OFF(struct mount, mnt);
	w.root_d = (void *)st->root_d;
	w.root_mnt = (void *)st->root_mnt;
	w.pos = TMP_END;
	w.s->tmp[TMP_END] = 0;
	n = bpf_loop(PATH_DEPTH, walk_dentry_step, &w, 0);
	if (n >= PATH_DEPTH)
		w.trunc = 1;
	if (w.pos == TMP_END) {
		w.pos = TMP_END - 1;
		w.s->tmp[TMP_END - 1] = '/';
	}
	st->pos = w.pos;
	st->trunc = w.trunc;
	return 0;
}

/* Copy tmp[pos..TMP_END] (a NUL-terminated path) into the record. */
static __always_inline void put_tmp(struct fillctx *fc, __u32 idx, __u32 pos, __u32 trunc)
{
	__u32 off = fc->off, n;

	if (pos > TMP_END || off > SAKER_REC_MAX - SAKER_PATH_MAX) {
		set_len(fc, idx, 0);
		return;
	}
	n = TMP_END + 1 - pos;
	if (n > SAKER_PATH_MAX || n == 0 ||
	    bpf_probe_read_kernel(fc->rec + off, n, fc->tmp + pos) != 0) {
		set_len(fc, idx, 0);
		return;
	}
	set_len(fc, idx, n | (trunc ? SAKER_PARAM_TRUNCATED : 0));
	fc->off = off + n;
}

static __always_inline void put_path(struct fillctx *fc, __u32 idx, const struct path *p,
				     const struct path *root)
{
	struct pathstate st = {};

	st.vfs = (__u64)RD(p, mnt);
	st.d = (__u64)RD(p, dentry);
	if (root) {
		st.root_d = (__u64)RD(root, dentry);
		st.root_mnt = (__u64)RD(root, mnt);
	}
	if (!st.vfs || !st.d || saker_walk_path(&st) != 0) {
		set_len(fc, idx, 0);
		return;
	}
	put_tmp(fc, idx, st.pos, st.trunc);
}

struct kwalk {
	struct fillctx *s;
	struct kernfs_node *kn;
	__u32 pos;
	__u32 trunc;
};

static long walk_kernfs_step(__u64 i, void *arg)
{
	struct kwalk *w = arg;
	struct kernfs_node *kn = w->kn, *parent = kn_parent(kn);
	const char *name;
	__u32 pos = w->pos, npos;
	long len;

	/* The root's own name is the hierarchy's, not part of the path. */
	if (!parent)
		return 1;
	name = RD(kn, name);
	/* Read the name just below pos, then move it into place. */
	if (pos < NAME_MAX_BPF + 2 || pos > TMP_END) {
		w->trunc = 1;
		return 1;
	}
	len = bpf_probe_read_kernel_str(w->s->tmp + SAKER_PATH_MAX, NAME_MAX_BPF + 1, name);
	if (len <= 1)
		return 1;
	len -= 1;
	if (len > NAME_MAX_BPF || (__u32)len + 1 > pos)
		return 1;
	/*
	 * The checks above make both masks no-ops, so the compiler drops
	 * them; a 6.1 verifier cannot carry the checks' bounds over to the
	 * offset and length. barrier_var() makes the masks stay.
	 */
	npos = pos - (__u32)len - 1;
	barrier_var(npos);
	barrier_var(len);
	npos &= SAKER_PATH_MAX - 1;
	len &= NAME_MAX_BPF;
	bpf_probe_read_kernel(w->s->tmp + npos + 1, len, w->s->tmp + SAKER_PATH_MAX);
	w->s->tmp[npos] = '/';
	w->pos = npos;
	w->kn = parent;
	return 0;
}

struct cgstate {
	__u64 kn, subsys;
	__u32 off, room;
	__u32 wrote, pad;
};

/*
 * Append "subsys=/path" plus its NUL for one cgroup at st->off, without
 * closing the parameter (the caller sets the list's length). Global, so
 * the walk is verified once whatever loops call it.
 */
SAKER_NOINLINE int saker_cgroup_entry(struct cgstate *st)
{
	struct kwalk w = { .pos = TMP_END };
	__u32 off, n, m;
	struct fillctx *s;
	long k;

	if (!st)
		return -1;
	s = scratch_get();
	if (!s)
		return -1;
	w.s = s;
	w.kn = (void *)st->kn;
	off = st->off;
	s->tmp[TMP_END] = 0;
	bpf_loop(PATH_DEPTH, walk_kernfs_step, &w, 0);
	if (w.pos == TMP_END) {
		w.pos = TMP_END - 1;
		s->tmp[TMP_END - 1] = '/';
	}
	if (off > SAKER_REC_MAX - SAKER_PATH_MAX - 64 || st->room < 32)
		return 0;
	k = bpf_probe_read_kernel_str(s->rec + off, 32, (void *)st->subsys);
	if (k <= 1)
		return 0;
	n = (__u32)k - 1;
	s->rec[(off + n) & (SAKER_REC_MAX - 1)] = '=';
	n += 1;
	if (w.pos > TMP_END)
		return 0;
	m = TMP_END + 1 - w.pos;
	if (n + m > st->room || m > SAKER_PATH_MAX || m == 0)
		return 0;
	off += n;
	if (off > SAKER_REC_MAX - SAKER_PATH_MAX)
		return 0;
	if (bpf_probe_read_kernel(s->rec + off, m, s->tmp + w.pos) != 0)
		return 0;
	st->off = off + m;
	st->wrote = n + m;
	return 0;
}

static __always_inline __u32 cgroup_entry(struct fillctx *fc, const char *subsys,
					  struct kernfs_node *kn, __u32 room)
{
	struct cgstate st = {
		.kn = (__u64)kn, .subsys = (__u64)subsys, .off = fc->off, .room = room
	};

	if (!kn || saker_cgroup_entry(&st) != 0)
		return 0;
	fc->off = st.off;
	return st.wrote;
}

#endif /* SAKER_PATHS_BPF_H */
