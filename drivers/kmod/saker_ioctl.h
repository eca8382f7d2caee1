/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The interface of /dev/saker, shared by saker.ko and userspace
 * (src/src_kmod.c). Kernel-safe C only.
 *
 * One device, one reader at a time. Each CPU owns a ring written only by that
 * CPU. The reader maps two regions per CPU (offsets from SAKER_MMAP_OFFSET):
 *  - the control page (read-write): head and size written by the kernel,
 *    tail written by the reader. The kernel never trusts tail beyond using
 *    it to compute free space.
 *  - the data pages (read-only), mapped twice back to back so that a record
 *    that wraps around the end is contiguous in the mapping.
 * Records start at 8-byte aligned offsets: a reader advances tail by
 * SAKER_RING_ALIGN(hdr.len).
 */
#ifndef SAKER_IOCTL_H
#define SAKER_IOCTL_H

#if !defined(__KERNEL__)
#include <linux/ioctl.h>
#include <linux/types.h>
#endif

#define SAKER_DEVICE_NAME "saker"

struct saker_ring_ctl {
	__u64 head; /* kernel: bytes produced, free-running */
	__u64 tail; /* reader: bytes consumed, free-running */
	__u32 size; /* data size in bytes (power of two) */
	__u32 pad;
};

#define SAKER_RING_ALIGN(len) (((len) + 7u) & ~7u)

/* mmap offsets, in bytes: which CPU, which region. */
#define SAKER_MMAP_CTL 0u
#define SAKER_MMAP_DATA 1u
#define SAKER_MMAP_PGOFF(cpu, region) (((__u64)(cpu) << 20) | (region))

struct saker_ioc_version {
	__u32 major; /* SAKER_ABI_MAJOR the module was built with */
	__u32 minor;
	__u32 ring_size; /* bytes of data per CPU */
	__u32 nr_cpu_ids; /* CPU numbers are below this */
};

/* Event types of interest: bit N is enum saker_event_type N. */
#define SAKER_IOC_INTEREST_MAX_BITS 512
struct saker_ioc_interest {
	__u32 nbits; /* bits that follow; at most SAKER_IOC_INTEREST_MAX_BITS */
	__u32 flags; /* must be 0 */
	__u8 bits[SAKER_IOC_INTEREST_MAX_BITS / 8];
};

struct saker_ioc_stats {
	__u32 cpu; /* in: CPU number, below nr_cpu_ids */
	__u32 online; /* out: 1 if the CPU is online */
	__u64 records; /* out: records written */
	__u64 drops[8]; /* out: per enum saker_drop_reason */
};

#define SAKER_IOC_MAGIC 0xb5
#define SAKER_IOC_VERSION _IOR(SAKER_IOC_MAGIC, 1, struct saker_ioc_version)
#define SAKER_IOC_START _IO(SAKER_IOC_MAGIC, 2)
#define SAKER_IOC_STOP _IO(SAKER_IOC_MAGIC, 3)
#define SAKER_IOC_SET_INTEREST _IOW(SAKER_IOC_MAGIC, 4, struct saker_ioc_interest)
#define SAKER_IOC_GET_STATS _IOWR(SAKER_IOC_MAGIC, 5, struct saker_ioc_stats)

#endif /* SAKER_IOCTL_H */
