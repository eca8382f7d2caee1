// SPDX-License-Identifier: GPL-2.0-only
/*
 * The process block (SAKER_PROC_PARAMS) of execve and clone records, read
 * from the task itself. Nothing here sleeps: paths come from d_path under
 * the fs lock, user memory from the fault-safe copies, files and ttys are
 * pinned with references that can be dropped in atomic context.
 */
#include <linux/audit.h>
#include <linux/cgroup.h>
#include <linux/cred.h>
#include <linux/fs_struct.h>
#include <linux/kernfs.h>
#include <linux/magic.h>
#include <linux/pid_namespace.h>
#include <linux/sched.h>
#include <linux/sched/mm.h>
#include <linux/sched/signal.h>
#include <linux/tty.h>

#include "compat.h"
#include "saker_kmod.h"

static void fill_cwd(struct saker_rec *r, struct task_struct *task)
{
	struct fs_struct *fs = task->fs;

	if (!fs) {
		saker_rec_absent(r);
		return;
	}
	spin_lock(&fs->lock);
	saker_rec_path(r, &fs->pwd);
	spin_unlock(&fs->lock);
}

/* Append "name=path" and its NUL at *off; false when it does not fit. */
static bool cgroup_entry(u8 *p, u32 room, u32 *off, const char *name, struct kernfs_node *kn)
{
	size_t nlen = strlen(name);
	int plen;

	if (*off + nlen + 3 > room)
		return false;
	memcpy(p + *off, name, nlen);
	p[*off + nlen] = '=';
	plen = kernfs_path(kn, (char *)p + *off + nlen + 1, room - *off - nlen - 1);
	if (plen < 0 || *off + nlen + 1 + plen + 1 > room)
		return false;
	*off += nlen + 1 + plen + 1;
	return true;
}

/*
 * As the eBPF probe writes them: "controller=/path" for each controller
 * mounted on a v1 hierarchy (by its v1 name), then "unified=/path" for the
 * task's v2 cgroup; NUL-separated, bounded.
 */
static void fill_cgroups(struct saker_rec *r, struct task_struct *task)
{
	u32 room = r->overflow ? 0 : min_t(u32, SAKER_CGROUP_MAX, r->limit - r->off);
	u8 *p = saker_rec_room(r, room);
	bool fits = true;
	u32 off = 0;
	int i;

	if (!p)
		return;
	rcu_read_lock();
	for (i = 0; i < CGROUP_SUBSYS_COUNT && fits; i++) {
		struct cgroup_subsys_state *css = task_css(task, i);

		if (!css || !css->ss || !css->cgroup || css->cgroup->root == &cgrp_dfl_root)
			continue;
		fits = cgroup_entry(p, room, &off, css->ss->legacy_name, css->cgroup->kn);
	}
	if (fits)
		fits = cgroup_entry(p, room, &off, "unified", task_dfl_cgroup(task)->kn);
	rcu_read_unlock();
	if (room < SAKER_CGROUP_MAX && !fits) {
		r->overflow = true;
		return;
	}
	saker_rec_put_len(r, off, !fits);
}

/*
 * overlayfs keeps the upper-layer dentry right after the VFS inode in its
 * private struct ovl_inode (fs/overlayfs/ovl_entry.h, laid out so since
 * 4.13; the header is not in the kernel headers packages). It is only
 * tested for NULL here, never followed. No upper dentry: the file is in a
 * lower layer.
 */
static u32 exe_layer(struct inode *inode)
{
	struct dentry *const *upper;

	if (inode->i_sb->s_magic != OVERLAYFS_SUPER_MAGIC)
		return 0;
	upper = (void *)inode + ALIGN(sizeof(*inode), sizeof(void *));
	return READ_ONCE(*upper) ? SAKER_EXE_UPPER_LAYER : SAKER_EXE_LOWER_LAYER;
}

static u32 fill_exe(struct saker_rec *r, struct task_struct *task)
{
	struct file *exe = task->mm ? saker_mm_exe_file(task->mm) : NULL;
	const struct cred *cred;
	struct inode *inode;
	u32 flags = 0;

	if (!exe) {
		saker_rec_absent(r);
		return 0;
	}
	saker_rec_path(r, &exe->f_path);
	inode = file_inode(exe);
	/* A memfd's dentry is its own root: a file merely named so is not. */
	if (!strncmp(exe->f_path.dentry->d_name.name, "memfd:", 6) && IS_ROOT(exe->f_path.dentry))
		flags |= SAKER_EXE_FROM_MEMFD;
	flags |= exe_layer(inode);
	rcu_read_lock();
	cred = __task_cred(task);
	/* inode_permission(MAY_WRITE) by mode bits, or CAP_DAC_OVERRIDE. */
	if ((uid_eq(inode->i_uid, cred->fsuid) && (inode->i_mode & 0200)) ||
	    (gid_eq(inode->i_gid, cred->fsgid) && (inode->i_mode & 0020)) ||
	    (inode->i_mode & 0002) || cap_raised(cred->cap_effective, CAP_DAC_OVERRIDE))
		flags |= SAKER_EXE_WRITABLE;
	rcu_read_unlock();
	fput(exe);
	return flags;
}

static void fill_tty(struct saker_rec *r, struct task_struct *task)
{
	/* A fork child shares or copied its parent's (the current task's) tty. */
	struct tty_struct *tty = get_current_tty();

	saker_rec_int(r, SAKER_PT_DEV, tty ? tty_devnum(tty) : 0);
	tty_kref_put(tty);
}

static void fill_exe_inode(struct saker_rec *r, struct task_struct *task)
{
	struct file *exe = task->mm ? saker_mm_exe_file(task->mm) : NULL;
	struct inode *inode;

	if (!exe) {
		saker_rec_absent(r);
		saker_rec_absent(r);
		saker_rec_absent(r);
		return;
	}
	inode = file_inode(exe);
	saker_rec_int(r, SAKER_PT_INODE, inode->i_ino);
	saker_rec_int(r, SAKER_PT_ABSTIME, saker_inode_ctime_ns(inode));
	saker_rec_int(r, SAKER_PT_ABSTIME, saker_inode_mtime_ns(inode));
	fput(exe);
}

static void fill_ids(struct saker_rec *r, struct task_struct *task)
{
	struct pid_namespace *ns = task_active_pid_ns(task);
	struct task_struct *parent;
	pid_t ptid;

	rcu_read_lock();
	parent = rcu_dereference(task->real_parent);
	ptid = parent ? task_tgid_nr(parent) : 0;
	rcu_read_unlock();
	saker_rec_int(r, SAKER_PT_PID, task_pid_nr(task));
	saker_rec_int(r, SAKER_PT_PID, task_tgid_nr(task));
	saker_rec_int(r, SAKER_PT_PID, ptid);
	saker_rec_int(r, SAKER_PT_PID, task_pgrp_nr_ns(task, &init_pid_ns));
	saker_rec_int(r, SAKER_PT_PID, task_session_nr_ns(task, &init_pid_ns));
	saker_rec_int(r, SAKER_PT_PID, ns ? task_pid_nr_ns(task, ns) : 0);
	saker_rec_int(r, SAKER_PT_PID, ns ? task_tgid_nr_ns(task, ns) : 0);
	saker_rec_int(r, SAKER_PT_PID, ns ? task_pgrp_nr_ns(task, ns) : 0);
}

static void fill_creds(struct saker_rec *r, struct task_struct *task)
{
	const struct cred *c;

	saker_rec_int(r, SAKER_PT_UID, from_kuid(&init_user_ns, audit_get_loginuid(task)));
	rcu_read_lock();
	c = __task_cred(task);
	saker_rec_int(r, SAKER_PT_UID, from_kuid(&init_user_ns, c->uid));
	saker_rec_int(r, SAKER_PT_GID, from_kgid(&init_user_ns, c->gid));
	saker_rec_int(r, SAKER_PT_UID, from_kuid(&init_user_ns, c->euid));
	saker_rec_int(r, SAKER_PT_GID, from_kgid(&init_user_ns, c->egid));
	saker_rec_int(r, SAKER_PT_U64, saker_cap_u64(c->cap_inheritable));
	saker_rec_int(r, SAKER_PT_U64, saker_cap_u64(c->cap_permitted));
	saker_rec_int(r, SAKER_PT_U64, saker_cap_u64(c->cap_effective));
	rcu_read_unlock();
}

/*
 * filename: for a successful execve the caller's string is gone with the old
 * address space; the kernel copied it to the new stack, just above the
 * environment (where AT_EXECFN points), so it is read from there.
 * argv and env are read from the current mm: for a fork child at
 * sched_process_fork that is the parent's, a copy of the child's.
 */
u32 saker_fill_proc(struct saker_rec *r, struct task_struct *task, bool execve, long ret,
		    unsigned long filename_uptr)
{
	struct mm_struct *mm = task->mm;
	char comm[TASK_COMM_LEN];
	u32 flags;

	if (execve && ret == 0 && mm)
		saker_rec_user_str(r, mm->env_end, SAKER_PATH_MAX);
	else if (execve)
		saker_rec_user_str(r, filename_uptr, SAKER_PATH_MAX);
	else
		saker_rec_absent(r);
	if (mm)
		saker_rec_user_strlist(r, mm->arg_start, mm->arg_end, SAKER_ARGS_MAX);
	else
		saker_rec_absent(r);
	fill_ids(r, task);
	fill_cwd(r, task);
	memcpy(comm, task->comm, sizeof(comm));
	comm[sizeof(comm) - 1] = '\0';
	saker_rec_kstr(r, comm, sizeof(comm));
	flags = fill_exe(r, task);
	fill_cgroups(r, task);
	if (mm)
		saker_rec_user_strlist(r, mm->env_start, mm->env_end, SAKER_ENV_MAX);
	else
		saker_rec_absent(r);
	fill_tty(r, task);
	fill_creds(r, task);
	fill_exe_inode(r, task);
	saker_rec_int(r, SAKER_PT_ABSTIME, task->start_boottime);
	saker_rec_int(r, SAKER_PT_U32,
		      task_active_pid_ns(task) ? task_active_pid_ns(task)->level : 0);
	return flags;
}

/* clone family: the process block, then the clone flags. */
void saker_fill_clone(struct saker_rec *r, u16 type, struct task_struct *task,
		      const unsigned long *args)
{
	u64 flags = 0;

	saker_fill_proc(r, task, false, 0, 0);
	if (type == SAKER_EV_CLONE)
		flags = args[0];
	else if (type == SAKER_EV_CLONE3 &&
		 copy_from_user_nofault(&flags, (const void __user *)args[0], sizeof(flags)))
		flags = 0;
	else if (type == SAKER_EV_VFORK)
		flags = CLONE_VM | CLONE_VFORK;
	saker_rec_int(r, SAKER_PT_FLAGS, flags);
}
