// SPDX-License-Identifier: GPL-2.0-only
/*
 * /dev/saker: one reader at a time (a second open gets -EBUSY), root only.
 * Opening allocates the rings and registers the probes; the last close
 * (after every mapping is gone) unregisters them, waits for running probes,
 * and frees the rings. The file holds a module reference (fops.owner), so
 * the module cannot be unloaded under a reader.
 */
#include <linux/capability.h>
#include <linux/fs.h>
#include <linux/miscdevice.h>
#include <linux/mm.h>
#include <linux/module.h>
#include <linux/poll.h>

#include "saker_kmod.h"

static unsigned long dev_busy;

static int saker_open(struct inode *inode, struct file *file)
{
	int err;

	if (!capable(CAP_SYS_ADMIN))
		return -EPERM;
	if (test_and_set_bit(0, &dev_busy))
		return -EBUSY;
	err = saker_rings_alloc(saker_buf_size);
	if (err)
		goto err_release_busy;
	err = saker_probes_register();
	if (err)
		goto err_free_rings;
	return 0;

err_free_rings:
	saker_rings_free();
err_release_busy:
	clear_bit(0, &dev_busy);
	return err;
}

static int saker_release(struct inode *inode, struct file *file)
{
	saker_probes_unregister();
	saker_rings_free();
	clear_bit(0, &dev_busy);
	return 0;
}

static int saker_mmap(struct file *file, struct vm_area_struct *vma)
{
	unsigned long cpu = vma->vm_pgoff >> 20;
	unsigned int region = vma->vm_pgoff & ((1ul << 20) - 1);

	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return -EINVAL;
	return saker_ring_mmap(cpu, region, vma);
}

static __poll_t saker_poll(struct file *file, struct poll_table_struct *wait)
{
	poll_wait(file, &saker_ring_wait, wait);
	return saker_rings_readable() ? EPOLLIN | EPOLLRDNORM : 0;
}

static const struct file_operations saker_fops = {
	.owner = THIS_MODULE,
	.open = saker_open,
	.release = saker_release,
	.mmap = saker_mmap,
	.poll = saker_poll,
	.unlocked_ioctl = saker_ioctl,
	.compat_ioctl = compat_ptr_ioctl,
	.llseek = noop_llseek,
};

static struct miscdevice saker_misc = {
	.minor = MISC_DYNAMIC_MINOR,
	.name = SAKER_DEVICE_NAME,
	.fops = &saker_fops,
	.mode = 0600,
};

int saker_device_init(void)
{
	return misc_register(&saker_misc);
}

void saker_device_exit(void)
{
	misc_deregister(&saker_misc);
}
