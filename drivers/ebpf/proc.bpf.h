/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The process block (SAKER_PROC_PARAMS, indices 0..28) of execve, execveat
 * and the clone family, read from the current task, and the exe flags.
 *
 * A successful execve has replaced the caller's registers and memory by the
 * time sys_exit runs, so sys_enter saves the arguments and
 * sched_process_exec saves the kernel's own copy of the filename; sys_exit
 * picks them up from the "execs" map.
 */
#ifndef SAKER_PROC_BPF_H
#define SAKER_PROC_BPF_H

#define CAP_DAC_OVERRIDE_BPF 1
#define PIDTYPE_PGID_BPF 2
#define PIDTYPE_SID_BPF 3

struct exec_saved {
	__u64 args[6];
	__u32 have_args;
	__u32 have_name;
	__u32 ev; /* the event sys_enter saw */
	__u32 pad;
	char filename[SAKER_PATH_MAX];
};

struct {
	__uint(type, BPF_MAP_TYPE_LRU_HASH);
	__uint(max_entries, 512);
	__type(key, __u32);
	__type(value, struct exec_saved);
} saker_execs SEC(".maps");

/* Source of new entries for "execs" (a 4 KiB value does not fit the stack). */
static struct exec_saved exec_zero;

/* The id of p in the pid namespace at level (0: the root namespace). */
static __always_inline __u32 pid_nr_at(struct pid *p, __u32 level)
{
	__u64 at;
	int nr = 0;

	if (!p || level > 31)
		return 0;
	at = FIELD_OFF(struct pid, numbers) + level * sizeof(struct upid) +
	     FIELD_OFF(struct upid, nr);
	bpf_probe_read_kernel(&nr, sizeof(nr), (void *)p + at);
	return (__u32)nr;
}

static __always_inline __u32 tty_dev(struct task_struct *t)
{
	struct tty_struct *tty = RD(t, signal, tty);
	__u32 major, minor;

	if (!tty)
		return 0;
	major = RD(tty, driver, major);
	minor = RD(tty, driver, minor_start) + RD(tty, index);
	return (major << 20) | (minor & 0xfffff);
}

static __always_inline __u64 cap_read(const struct cred *c, int which)
{
	__u64 v = 0;

	if (which == 0)
		bpf_core_read(&v, sizeof(v), &c->cap_inheritable);
	else if (which == 1)
		bpf_core_read(&v, sizeof(v), &c->cap_permitted);
	else
		bpf_core_read(&v, sizeof(v), &c->cap_effective);
	return v;
}

struct cgwalk {
	struct fillctx *fc;
	struct css_set *cgs;
	struct cgroup_root *dfl_root;
	__u32 used;
};

/* One v1 hierarchy's controller: "legacy_name=/path". */
static long cgroup_v1_step(__u64 i, void *arg)
{
	struct cgwalk *w = arg;
	struct cgroup_subsys_state *css = NULL;
	struct cgroup *cg;
	const char *name;
	__u32 n;

	bpf_probe_read_kernel(&css, sizeof(css),
			      (void *)w->cgs + FIELD_OFF(struct css_set, subsys) + (i & 15) * 8);
	if (!css)
		return 0;
	cg = RD(css, cgroup);
	if (!cg || RD(cg, root) == w->dfl_root)
		return 0;
	name = RD(css, ss, legacy_name);
	if (w->used >= SAKER_CGROUP_MAX)
		return 1;
	n = cgroup_entry(w->fc, name, RD(cg, kn), SAKER_CGROUP_MAX - w->used);
	w->used += n;
	return 0;
}

static __always_inline __u32 subsys_count(void)
{
#ifdef SAKER_CLASSIC
	return CGROUP_SUBSYS_COUNT;
#else
	return bpf_core_enum_value(enum cgroup_subsys_id, CGROUP_SUBSYS_COUNT);
#endif
}

/* v1 hierarchies by controller, then the unified (v2) one. */
static __always_inline void put_cgroups(struct fillctx *fc, __u32 idx, struct task_struct *t)
{
	struct css_set *cgs = RD(t, cgroups);
	struct cgwalk w = { .fc = fc, .cgs = cgs };
	struct cgroup *dfl;
	__u32 start = fc->off, n;

	if (!w.cgs) {
		set_len(fc, idx, 0);
		return;
	}
	dfl = RD(cgs, dfl_cgrp);
	w.dfl_root = RD(dfl, root);
	n = subsys_count();
	bpf_loop(n > 16 ? 16 : n, cgroup_v1_step, &w, 0);
	if (w.used < SAKER_CGROUP_MAX)
		w.used += cgroup_entry(fc, "unified", RD(dfl, kn), SAKER_CGROUP_MAX - w.used);
	set_len(fc, idx, (fc->off - start) & SAKER_PARAM_LEN_MASK);
}

static __always_inline __u32 exe_flags(struct task_struct *t, struct file *exe)
{
	struct inode *ino = RD(exe, f_inode);
	const struct cred *c = RD(t, cred);
	struct dentry *d = RD(exe, f_path.dentry);
	char name[8] = {};
	__u32 fl = 0, mode, fsuid, fsgid;
	bool lower = false;

	bpf_probe_read_kernel(name, 6, RD(d, d_name.name));
	if (name[0] == 'm' && name[1] == 'e' && name[2] == 'm' && name[3] == 'f' &&
	    name[4] == 'd' && name[5] == ':' && RD(d, d_parent) == d)
		fl |= SAKER_EXE_FROM_MEMFD;
	if (ovl_is_upper(ino, &lower))
		fl |= SAKER_EXE_UPPER_LAYER;
	else if (lower)
		fl |= SAKER_EXE_LOWER_LAYER;
	/* inode_permission(MAY_WRITE) by mode bits, plus CAP_DAC_OVERRIDE. */
	mode = RD(ino, i_mode);
	fsuid = RD(c, fsuid.val);
	fsgid = RD(c, fsgid.val);
	if ((mode & 0002) || (fsuid == RD(ino, i_uid.val) && (mode & 0200)) ||
	    (fsgid == RD(ino, i_gid.val) && (mode & 0020)) ||
	    (cap_read(c, 2) & (1ull << CAP_DAC_OVERRIDE_BPF)))
		fl |= SAKER_EXE_WRITABLE;
	return fl;
}

static __always_inline void fill_ids(struct fillctx *fc, struct task_struct *t)
{
	struct pid *tp = RD(t, thread_pid);
	struct pid *lp = RD(t, group_leader, thread_pid);
	struct pid *pg = RD(t, signal, pids[PIDTYPE_PGID_BPF]);
	struct pid *sid = RD(t, signal, pids[PIDTYPE_SID_BPF]);
	__u32 level = RD(tp, level);

	put_num(fc, 2, 8, (__s64)RD(t, pid));
	put_num(fc, 3, 8, (__s64)RD(t, tgid));
	put_num(fc, 4, 8, (__s64)RD(t, real_parent, tgid));
	put_num(fc, 5, 8, pid_nr_at(pg, 0));
	put_num(fc, 6, 8, pid_nr_at(sid, 0));
	put_num(fc, 7, 8, pid_nr_at(tp, level));
	put_num(fc, 8, 8, pid_nr_at(lp, level));
	put_num(fc, 9, 8, pid_nr_at(pg, level));
}

static __always_inline void fill_creds(struct fillctx *fc, struct task_struct *t)
{
	const struct cred *c = RD(t, cred);

	put_num(fc, 15, 4, tty_dev(t));
	put_num(fc, 16, 4, RD(t, loginuid.val));
	put_num(fc, 17, 4, RD(c, uid.val));
	put_num(fc, 18, 4, RD(c, gid.val));
	put_num(fc, 19, 4, RD(c, euid.val));
	put_num(fc, 20, 4, RD(c, egid.val));
	put_num(fc, 21, 8, cap_read(c, 0));
	put_num(fc, 22, 8, cap_read(c, 1));
	put_num(fc, 23, 8, cap_read(c, 2));
}

static __always_inline void fill_exe(struct fillctx *fc, struct task_struct *t, struct file *exe)
{
	struct inode *ino = RD(exe, f_inode);

	if (!exe || !ino) {
		set_len(fc, 24, 0);
		set_len(fc, 25, 0);
		set_len(fc, 26, 0);
		return;
	}
	fc->exe_flags = exe_flags(t, exe);
	put_num(fc, 24, 8, RD(ino, i_ino));
	put_num(fc, 25, 8, inode_time(ino, 0));
	put_num(fc, 26, 8, inode_time(ino, 1));
}

/*
 * Parameters 0..28 in table order (the offsets are appended in order, so
 * the calls below follow the parameter indices). A subprogram of its own:
 * inlined, its spills grow sys_exit's frame, and on 6.1 sys_exit, the
 * bpf_loop() callback and saker_fill_param() share 512 bytes of stack.
 */
static SAKER_NOINLINE void fill_proc(struct fillctx *fc, struct exec_saved *sv)
{
	struct task_struct *t = (void *)bpf_get_current_task();
	struct mm_struct *mm = RD(t, mm);
	struct fs_struct *fs = RD(t, fs);
	struct file *exe = mm ? RD(mm, exe_file) : NULL;
	bool exec = fc->ev == SAKER_EV_EXECVE || fc->ev == SAKER_EV_EXECVEAT;

	if (exec && sv && sv->have_name)
		put_kstr(fc, 0, sv->filename, SAKER_PATH_MAX);
	else if (exec && fc->res != 0)
		put_ustr(fc, 0, (void *)fc->args[fc->ev == SAKER_EV_EXECVE ? 0 : 1],
			 SAKER_PATH_MAX);
	else
		set_len(fc, 0, 0);
	if (mm)
		put_ulist(fc, 1, RD(mm, arg_start), RD(mm, arg_end), SAKER_ARGS_MAX);
	else
		set_len(fc, 1, 0);
	fill_ids(fc, t);
	if (fs)
		put_path(fc, 10, &fs->pwd, &fs->root);
	else
		set_len(fc, 10, 0);
	put_kstr(fc, 11, &t->comm, SAKER_COMM_LEN);
	if (exe && fs)
		put_path(fc, 12, &exe->f_path, &fs->root);
	else
		set_len(fc, 12, 0);
	put_cgroups(fc, 13, t);
	if (mm)
		put_ulist(fc, 14, RD(mm, env_start), RD(mm, env_end), SAKER_ENV_MAX);
	else
		set_len(fc, 14, 0);
	fill_creds(fc, t);
	fill_exe(fc, t, exe);
	put_num(fc, 27, 8, RD(t, start_boottime));
	put_num(fc, 28, 4, RD(t, thread_pid, level));
}

#endif /* SAKER_PROC_BPF_H */
