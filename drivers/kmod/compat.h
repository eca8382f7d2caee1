/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Every difference between the kernels saker.ko builds for, in one place.
 * The SAKER_HAVE_* macros come from feature probes in Kbuild (they look for
 * the interface in the kernel's headers), never from version numbers.
 */
#ifndef SAKER_COMPAT_H
#define SAKER_COMPAT_H

#include <linux/capability.h>
#include <linux/file.h>
#include <linux/fs.h>
#include <linux/mm.h>
#include <linux/rcupdate.h>
#include <linux/uaccess.h>

/* 6.3 made vm_flags read-only behind vm_flags_set/clear. */
static inline void saker_vma_set_flags(struct vm_area_struct *vma, unsigned long flags)
{
#ifdef SAKER_HAVE_VM_FLAGS_SET
	vm_flags_set(vma, flags);
#else
	vma->vm_flags |= flags;
#endif
}

static inline void saker_vma_clear_flags(struct vm_area_struct *vma, unsigned long flags)
{
#ifdef SAKER_HAVE_VM_FLAGS_SET
	vm_flags_clear(vma, flags);
#else
	vma->vm_flags &= ~flags;
#endif
}

/* kernel_cap_t became one u64 in 6.3. */
static inline u64 saker_cap_u64(kernel_cap_t c)
{
#ifdef SAKER_HAVE_CAP_U64
	return c.val;
#else
	return (u64)c.cap[0] | ((u64)c.cap[1] << 32);
#endif
}

/* Inode times moved behind accessors in 6.6/6.7. */
static inline u64 saker_inode_ctime_ns(struct inode *inode)
{
#ifdef SAKER_HAVE_INODE_GET_MTIME
	struct timespec64 ts = inode_get_ctime(inode);
#else
	struct timespec64 ts = inode->i_ctime;
#endif
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

static inline u64 saker_inode_mtime_ns(struct inode *inode)
{
#ifdef SAKER_HAVE_INODE_GET_MTIME
	struct timespec64 ts = inode_get_mtime(inode);
#else
	struct timespec64 ts = inode->i_mtime;
#endif
	return (u64)ts.tv_sec * NSEC_PER_SEC + ts.tv_nsec;
}

/*
 * A reference to mm->exe_file without sleeping (get_mm_exe_file is not
 * exported). get_file_rcu() took a file and became a lookup of an __rcu
 * pointer in 6.7.
 */
static inline struct file *saker_mm_exe_file(struct mm_struct *mm)
{
	struct file *f;

	rcu_read_lock();
#ifdef SAKER_HAVE_GET_FILE_RCU_PTR
	f = get_file_rcu(&mm->exe_file);
#else
	f = rcu_dereference(mm->exe_file);
	if (f && !get_file_rcu(f))
		f = NULL;
#endif
	rcu_read_unlock();
	return f;
}

/*
 * strncpy_from_user_nofault is not exported: the same, built from the
 * exported copy with page faults disabled (a missing page fails instead of
 * sleeping, as the tracepoint context requires).
 */
static inline long saker_strncpy_user_nofault(char *dst, unsigned long src, long count)
{
	long ret;

	if (!access_ok((const void __user *)src, 1))
		return -EFAULT;
	pagefault_disable();
	ret = strncpy_from_user(dst, (const char __user *)src, count);
	pagefault_enable();
	return ret;
}

#endif /* SAKER_COMPAT_H */
