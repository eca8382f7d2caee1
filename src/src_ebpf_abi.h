/* SPDX-License-Identifier: GPL-2.0-only */
/* The probe's interest map for the x86-64, i386 and x32 ABIs (internal to the eBPF source). */
#ifndef SAKER_SRC_EBPF_ABI_H
#define SAKER_SRC_EBPF_ABI_H

#include <stdbool.h>
#include <stdint.h>

#include "saker_bpf.h"

/*
 * Write the interest map (fd, max_keys entries) for the events on[]
 * (indexed by event type): x86-64 numbers, then, when the map has room,
 * i386 numbers, socketcall subcalls and x32's own numbers. xflags (NULL:
 * none) adds per-event flags to every ABI's value (SAKER_BPF_VAL_DEFER).
 */
int src_ebpf_abi_fill(int fd, uint32_t max_keys, const bool *on, const uint8_t *xflags);

/*
 * The i386 entries of saker_ia32.h, one by one (for the trampolines): the
 * number, the event's name and the kernel's entry function (without its
 * __ia32_sys_ / __ia32_compat_sys_ prefix).
 */
int src_ebpf_abi_ia32_count(void);
int src_ebpf_abi_ia32_at(int i, int *ret_nr, const char **ret_name, const char **ret_entry);

#endif /* SAKER_SRC_EBPF_ABI_H */
