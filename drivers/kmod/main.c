// SPDX-License-Identifier: GPL-2.0-only
/*
 * saker.ko: system call capture for saker. This file only wires the parts
 * together: parameters, then probes, then the device; torn down in reverse.
 */
#include <linux/kernel.h>
#include <linux/log2.h>
#include <linux/module.h>
#include <linux/moduleparam.h>

#include "saker_kmod.h"

unsigned int saker_buf_size = 4u << 20;
unsigned int saker_test_abi_major;

/* Per-CPU ring size: a power of two and a whole number of pages. */
static int buf_size_set(const char *val, const struct kernel_param *kp)
{
	unsigned int v;
	int err = kstrtouint(val, 0, &v);

	if (err)
		return err;
	if (!is_power_of_2(v) || v < PAGE_SIZE || v > (256u << 20))
		return -EINVAL;
	*(unsigned int *)kp->arg = v;
	return 0;
}

static const struct kernel_param_ops buf_size_ops = {
	.set = buf_size_set,
	.get = param_get_uint,
};

module_param_cb(buf_size, &buf_size_ops, &saker_buf_size, 0444);
MODULE_PARM_DESC(buf_size, "bytes of ring buffer per CPU (power of two, page multiple)");
module_param_named(test_abi_major, saker_test_abi_major, uint, 0444);
MODULE_PARM_DESC(test_abi_major, "testing only: report this ABI major version instead");

static int __init saker_init(void)
{
	int err;

	err = saker_probes_init();
	if (err)
		return err;
	err = saker_device_init();
	if (err)
		return err;
	pr_info("saker: event ABI %u.%u, %u bytes per CPU\n", SAKER_ABI_MAJOR, SAKER_ABI_MINOR,
		saker_buf_size);
	return 0;
}

static void __exit saker_exit(void)
{
	/* The device holds a module reference while open: no reader is left. */
	saker_device_exit();
}

module_init(saker_init);
module_exit(saker_exit);
MODULE_LICENSE("GPL");
MODULE_DESCRIPTION("saker system call capture");
MODULE_AUTHOR("saker developers");
