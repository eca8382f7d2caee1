/* SPDX-License-Identifier: GPL-2.0-only */
/* Declarations shared by the files of saker.ko; one section per file. */
#ifndef SAKER_KMOD_H
#define SAKER_KMOD_H

#include <linux/types.h>

#include "saker_abi.h"
#include "saker_ioctl.h"

struct pt_regs;
struct task_struct;
struct path;

/* main.c: module parameters, validated at load. */
extern unsigned int saker_buf_size;
extern unsigned int saker_test_abi_major;

/* ring.c: one ring per possible CPU, alive while a reader is attached. */
struct saker_ring;
int saker_rings_alloc(u32 size);
void saker_rings_free(void);
struct saker_ring *saker_ring_get(unsigned int cpu);
/* Caller has preemption disabled and runs on the ring's CPU. */
void *saker_ring_reserve(struct saker_ring *ring, u32 *ret_limit);
void saker_ring_commit(struct saker_ring *ring, u32 len);
void saker_ring_drop(struct saker_ring *ring, enum saker_drop_reason why);
void saker_ring_unreserve(struct saker_ring *ring);
int saker_ring_stats(unsigned int cpu, struct saker_ioc_stats *st);
int saker_ring_mmap(unsigned int cpu, unsigned int region, struct vm_area_struct *vma);
bool saker_rings_readable(void);
extern wait_queue_head_t saker_ring_wait;

/* record.c: build one record in place. */
struct saker_rec {
	u8 *buf;
	u32 limit; /* bytes writable at buf */
	u32 off; /* where the next parameter's bytes go */
	u16 nparams;
	u16 idx; /* next parameter */
	bool overflow;
};
void saker_rec_begin(struct saker_rec *r, void *buf, u32 limit, u16 type, s64 res,
		     struct task_struct *task);
/* Returns the record's length, or 0 if it did not fit. */
u32 saker_rec_end(struct saker_rec *r);
void saker_rec_absent(struct saker_rec *r);
void saker_rec_int(struct saker_rec *r, enum saker_param_type t, u64 v);
void saker_rec_kstr(struct saker_rec *r, const char *s, u32 max);
void saker_rec_kbytes(struct saker_rec *r, const void *p, u32 n);
void saker_rec_user_str(struct saker_rec *r, unsigned long uptr, u32 max);
void saker_rec_user_bytes(struct saker_rec *r, unsigned long uptr, u64 n, u32 max);
void saker_rec_user_strlist(struct saker_rec *r, unsigned long start, unsigned long end, u32 max);
void saker_rec_path(struct saker_rec *r, const struct path *path);
/* Reserve n bytes for the next parameter; commit with saker_rec_put_len. */
u8 *saker_rec_room(struct saker_rec *r, u32 n);
void saker_rec_put_len(struct saker_rec *r, u32 n, bool truncated);

/* fillers.c: one record per system call; fillers_net.c, fillers_proc.c. */
extern const u8 *const saker_ptypes[SAKER_EV_MAX];
extern const u16 saker_nparams[SAKER_EV_MAX];
void saker_fill_syscall(struct saker_rec *r, u16 type, const unsigned long *args, long ret);
void saker_fill_generic(struct saker_rec *r, u16 type, const unsigned long *args,
			unsigned int first, unsigned int count);
void saker_fill_net(struct saker_rec *r, u16 type, const unsigned long *args, long ret);
void saker_fill_sockaddr(struct saker_rec *r, unsigned long uaddr, long ulen);
void saker_fill_tuple(struct saker_rec *r, long fd);
/* The process block of task; returns its SAKER_EXE_* flags. */
u32 saker_fill_proc(struct saker_rec *r, struct task_struct *task, bool execve, long ret,
		    unsigned long filename_uptr);
void saker_fill_clone(struct saker_rec *r, u16 type, struct task_struct *task,
		      const unsigned long *args);

/* probes.c: tracepoints, registered while a reader is attached. */
u16 saker_sys_event(long nr); /* x86-64 number -> event type, 0: none */
int saker_probes_init(void);
int saker_probes_register(void);
void saker_probes_unregister(void);
void saker_set_interest(const u8 *bits, unsigned int nbits);
void saker_set_capturing(bool on);

/* ia32.c: 32-bit calls (int $0x80, i386, x32) as their x86-64 event. */
void saker_ia32_init(const u16 *sys_to_event, unsigned int nr);
u16 saker_ia32_event(struct pt_regs *regs, long nr);
void saker_ia32_args(struct pt_regs *regs, long nr, unsigned long *args);

/* device.c and ioctl.c: /dev/saker. */
int saker_device_init(void);
void saker_device_exit(void);
long saker_ioctl(struct file *file, unsigned int cmd, unsigned long arg);

#endif /* SAKER_KMOD_H */
