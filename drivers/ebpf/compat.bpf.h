/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Kernel data access for both builds of the probe.
 *
 * CO-RE (default): types come from a vmlinux.h generated from BTF and every
 * field access is relocated by libbpf at load time, so one object runs on
 * any kernel with BTF. Fields that moved between releases are read through
 * "___flavor" structs picked with bpf_core_field_exists().
 *
 * Classic (-DSAKER_CLASSIC): compiled against one kernel's headers, plain
 * probe reads at the offsets of that kernel, no BTF needed at load time.
 * The few internal structs the headers do not export are declared here.
 */
#ifndef SAKER_COMPAT_BPF_H
#define SAKER_COMPAT_BPF_H

#ifdef SAKER_CLASSIC
#include <linux/kconfig.h>
#include <linux/version.h>
#include <linux/types.h>
#include <linux/sched.h>
#include <linux/sched/signal.h>
#include <linux/fs.h>
#include <linux/fs_struct.h>
#include <linux/fdtable.h>
#include <linux/mount.h>
#include <linux/cred.h>
#include <linux/pid_namespace.h>
#include <linux/cgroup-defs.h>
#include <linux/kernfs.h>
#include <linux/tty.h>
#include <linux/net.h>
#include <net/sock.h>
#include <net/af_unix.h>
#include <linux/binfmts.h>
#include <uapi/linux/bpf.h>
/* fs/mount.h is private to the kernel; its head has not moved since 3.3. */
struct mount {
	struct hlist_node mnt_hash;
	struct mount *mnt_parent;
	struct dentry *mnt_mountpoint;
	struct vfsmount mnt;
};
#else
#include "vmlinux.h"
#endif

#include <bpf/bpf_helpers.h>
#include <bpf/bpf_core_read.h>

#ifdef SAKER_CLASSIC
/* No relocations: the object is only valid for the headers' kernel. */
#undef bpf_core_read
#define bpf_core_read(dst, sz, src) bpf_probe_read_kernel(dst, sz, (const void *)(src))
#endif

#define RD BPF_CORE_READ

/* Not __noinline: kernel headers redefine noinline, which that expands to. */
#define SAKER_NOINLINE __attribute__((__noinline__))

#ifdef SAKER_CLASSIC
#define FIELD_OFF(type, field) __builtin_offsetof(type, field)
#else
#define FIELD_OFF(type, field) bpf_core_field_offset(type, field)
#endif

/*
 * Program sections and register reads. With BTF the programs are tp_btf:
 * the same raw tracepoints, but their arguments are typed, so the
 * verifier turns regs->di into one guarded load instead of a
 * bpf_probe_read_kernel() call (the hot path reads seven registers).
 * Without BTF (classic) they are plain raw tracepoints and every read is
 * a probe read.
 */
#ifdef SAKER_CLASSIC
#define SAKER_TP(name) "raw_tracepoint/" name
#define REG(regs, f) RD(regs, f)
/* Straight into dst: no temporary on a stack the record path needs. */
#define REG_INTO(dst, regs, f) bpf_probe_read_kernel(&(dst), sizeof(dst), &(regs)->f)
#else
#define SAKER_TP(name) "tp_btf/" name
#define REG(regs, f) ((regs)->f)
#define REG_INTO(dst, regs, f) ((dst) = (regs)->f)
#endif

#ifndef SAKER_CLASSIC
struct kernfs_node___old {
	struct kernfs_node *parent;
} __attribute__((preserve_access_index));

struct inode___v66 {
	struct timespec64 __i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));

struct inode___old {
	struct timespec64 i_ctime;
	struct timespec64 i_mtime;
} __attribute__((preserve_access_index));
#endif

static __always_inline struct kernfs_node *kn_parent(struct kernfs_node *kn)
{
#ifdef SAKER_CLASSIC
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 15, 0)
	return RD(kn, __parent);
#else
	return RD(kn, parent);
#endif
#else
	if (bpf_core_field_exists(kn->__parent))
		return RD(kn, __parent);
	return RD((struct kernfs_node___old *)kn, parent);
#endif
}

/* ns since the epoch; which = 0 for ctime, 1 for mtime. */
static __always_inline __u64 inode_time(struct inode *ino, int which)
{
	__s64 sec = 0, nsec = 0;

#ifdef SAKER_CLASSIC
#if LINUX_VERSION_CODE >= KERNEL_VERSION(6, 11, 0)
	sec = which ? RD(ino, i_mtime_sec) : RD(ino, i_ctime_sec);
	nsec = which ? RD(ino, i_mtime_nsec) : RD(ino, i_ctime_nsec);
#elif LINUX_VERSION_CODE >= KERNEL_VERSION(6, 6, 0)
	sec = which ? RD(ino, i_mtime.tv_sec) : RD(ino, __i_ctime.tv_sec);
	nsec = which ? RD(ino, i_mtime.tv_nsec) : RD(ino, __i_ctime.tv_nsec);
#else
	sec = which ? RD(ino, i_mtime.tv_sec) : RD(ino, i_ctime.tv_sec);
	nsec = which ? RD(ino, i_mtime.tv_nsec) : RD(ino, i_ctime.tv_nsec);
#endif
#else
	if (bpf_core_field_exists(ino->i_ctime_sec)) {
		sec = which ? RD(ino, i_mtime_sec) : RD(ino, i_ctime_sec);
		nsec = which ? RD(ino, i_mtime_nsec) : RD(ino, i_ctime_nsec);
	} else if (bpf_core_field_exists(((struct inode___v66 *)ino)->__i_ctime)) {
		struct inode___v66 *o = (void *)ino;

		sec = which ? RD(o, i_mtime.tv_sec) : RD(o, __i_ctime.tv_sec);
		nsec = which ? RD(o, i_mtime.tv_nsec) : RD(o, __i_ctime.tv_nsec);
	} else {
		struct inode___old *o = (void *)ino;

		sec = which ? RD(o, i_mtime.tv_sec) : RD(o, i_ctime.tv_sec);
		nsec = which ? RD(o, i_mtime.tv_nsec) : RD(o, i_ctime.tv_nsec);
	}
#endif
	/* Multigrain timestamps keep a "queried" flag in bit 31 of the ns field. */
	return (__u64)sec * 1000000000ull + ((__u64)nsec & 0x3fffffff);
}

/* The upper dentry of an overlayfs inode, NULL if not overlayfs or not upper. */
static __always_inline bool ovl_is_upper(struct inode *ino, bool *ret_lower)
{
#ifdef SAKER_CLASSIC
	/* struct ovl_inode is private to overlayfs: no layer facts in classic builds. */
	return false;
#else
	struct super_block *sb = RD(ino, i_sb);
	unsigned long magic = RD(sb, s_magic);
	struct dentry *upper;
	void *oi;

	if (magic != 0x794c7630 /* OVERLAYFS_SUPER_MAGIC */ ||
	    !bpf_core_type_exists(struct ovl_inode))
		return false;
	oi = (void *)ino - FIELD_OFF(struct ovl_inode, vfs_inode);
	upper = RD((struct ovl_inode *)oi, __upperdentry);
	*ret_lower = !upper;
	return upper != NULL;
#endif
}

#endif /* SAKER_COMPAT_BPF_H */
