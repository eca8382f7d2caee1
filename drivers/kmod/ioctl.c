// SPDX-License-Identifier: GPL-2.0-only
/* ioctls of /dev/saker. Every argument is copied once and validated whole. */
#include <linux/cpumask.h>
#include <linux/fs.h>
#include <linux/uaccess.h>

#include "saker_kmod.h"

static long ioc_version(void __user *arg)
{
	struct saker_ioc_version v = {
		.major = saker_test_abi_major ? saker_test_abi_major : SAKER_ABI_MAJOR,
		.minor = SAKER_ABI_MINOR,
		.ring_size = saker_buf_size,
		.nr_cpu_ids = nr_cpu_ids,
	};

	return copy_to_user(arg, &v, sizeof(v)) ? -EFAULT : 0;
}

/* Refuses flags, counts beyond the limit, and bits this module does not know. */
static long ioc_set_interest(void __user *arg)
{
	struct saker_ioc_interest in;
	unsigned int i;

	if (copy_from_user(&in, arg, sizeof(in)))
		return -EFAULT;
	if (in.flags || in.nbits > SAKER_IOC_INTEREST_MAX_BITS)
		return -EINVAL;
	for (i = SAKER_EV_MAX; i < SAKER_IOC_INTEREST_MAX_BITS; i++)
		if ((in.bits[i / 8] >> (i % 8)) & 1)
			return -EINVAL;
	for (i = in.nbits; i < SAKER_IOC_INTEREST_MAX_BITS; i++)
		if ((in.bits[i / 8] >> (i % 8)) & 1)
			return -EINVAL;
	saker_set_interest(in.bits, in.nbits);
	return 0;
}

static long ioc_get_stats(void __user *arg)
{
	struct saker_ioc_stats st;
	u32 cpu;
	int err;

	if (get_user(cpu, (u32 __user *)arg))
		return -EFAULT;
	if (cpu >= nr_cpu_ids || !cpu_possible(cpu))
		return -EINVAL;
	memset(&st, 0, sizeof(st));
	st.cpu = cpu;
	err = saker_ring_stats(cpu, &st);
	if (err)
		return err;
	return copy_to_user(arg, &st, sizeof(st)) ? -EFAULT : 0;
}

long saker_ioctl(struct file *file, unsigned int cmd, unsigned long arg)
{
	void __user *uarg = (void __user *)arg;

	switch (cmd) {
	case SAKER_IOC_VERSION:
		return ioc_version(uarg);
	case SAKER_IOC_START:
	case SAKER_IOC_STOP:
		if (arg)
			return -EINVAL;
		saker_set_capturing(cmd == SAKER_IOC_START);
		return 0;
	case SAKER_IOC_SET_INTEREST:
		return ioc_set_interest(uarg);
	case SAKER_IOC_GET_STATS:
		return ioc_get_stats(uarg);
	default:
		return -ENOTTY;
	}
}
