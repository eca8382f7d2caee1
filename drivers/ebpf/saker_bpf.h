/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * What saker.bpf.c and its loader (src/src_ebpf.c) share: map keys, the
 * config and counter layouts. __u32-style types only: both sides include it.
 */
#ifndef SAKER_BPF_H
#define SAKER_BPF_H

#include "saker_abi.h"
#include "saker_ia32.h"

/*
 * The "interest" map: key = x86_64 syscall number, value = event type + 1
 * (0: not of interest, the syscall never leaves the kernel). The scheduler
 * events have keys of their own above the syscall range.
 */
#define SAKER_BPF_NR_MAX 1024
#define SAKER_BPF_KEY_PROCEXIT (SAKER_BPF_NR_MAX - 1)

/*
 * The 32-bit ABIs (drivers/common/saker_ia32.h): i386 numbers at
 * KEY_IA32 + nr, socketcall's subcalls at KEY_SOCKETCALL + call; x32's
 * own numbers (512 and up) share the x86-64 range, where nothing else is.
 * Objects older than these keys have SAKER_BPF_NR_MAX entries only.
 */
#define SAKER_BPF_KEY_IA32 SAKER_BPF_NR_MAX
#define SAKER_BPF_IA32_NR_MAX 512
#define SAKER_BPF_KEY_SOCKETCALL (SAKER_BPF_KEY_IA32 + SAKER_BPF_IA32_NR_MAX)
#define SAKER_BPF_SOCKETCALL_MAX 32
#define SAKER_BPF_KEYS (SAKER_BPF_KEY_SOCKETCALL + SAKER_BPF_SOCKETCALL_MAX)

/*
 * An interest value: event type + 1 in bits 0-15 (0: not wanted), flags
 * in bits 16-23 (SAKER_IA32_* and the three below), the number of u32
 * arguments of a socketcall subcall in bits 24-31.
 */
#define SAKER_BPF_VAL(ev1, flags, nargs) \
	((__u32)(ev1) | ((__u32)(flags) << 16) | ((__u32)(nargs) << 24))
#define SAKER_BPF_VAL_EV1(v) ((v)&0xffff)
#define SAKER_BPF_VAL_FLAGS(v) (((v) >> 16) & 0xff)
#define SAKER_BPF_VAL_NARGS(v) ((v) >> 24)
#define SAKER_BPF_VAL_DEFER 0x20 /* close: only the state needs it (drivers/ebpf/pending.bpf.h) */
#define SAKER_BPF_VAL_COMPAT 0x40 /* user structures in the compat layout (msghdr, iovec) */
#define SAKER_BPF_VAL_SOCKETCALL 0x80 /* i386 socketcall: look up the subcall */
_Static_assert(((SAKER_BPF_VAL_DEFER | SAKER_BPF_VAL_COMPAT | SAKER_BPF_VAL_SOCKETCALL) &
		(SAKER_IA32_IDS | SAKER_IA32_ARGS1 | SAKER_IA32_CLONE_TLS4)) == 0,
	       "the probe's flags share a byte with saker_ia32.h's");

/* The one entry of the "config" map, written by userspace after load. */
struct saker_bpf_config {
	__u64 wakeup_bytes; /* wake the reader once this much is pending */
	__u32 self_tgid; /* the reader itself: never traced (no feedback loop) */
	__u32 pad;
};

/* Per-CPU counters, the one entry of the "counters" map. */
struct saker_bpf_counters {
	__u64 seen; /* filtered + sent + drops, summed by userspace (not kept in the kernel) */
	__u64 filtered; /* outside the interest set, never left the kernel */
	__u64 sent; /* records written to the ring */
	__u64 drops[SAKER_DROP_MAX]; /* enum saker_drop_reason */
	__u64 deferred; /* closes held back (pending.bpf.h) */
	__u64 implied; /* ... that a new fd of the same number made unneeded */
	__u64 late; /* ... written later, before a record that needed them */
};

/*
 * Knobs set before load (const volatile, so the verifier prunes what they
 * turn off), alone in their own read-only section: saker_use_perf.
 */
#define SAKER_BPF_KNOB_SECTION ".rodata.saker"

/* The ELF section carrying (SAKER_ABI_MAJOR << 16) | SAKER_ABI_MINOR. */
#define SAKER_BPF_ABI_SECTION ".saker_abi"

#endif /* SAKER_BPF_H */
