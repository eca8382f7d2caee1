// SPDX-License-Identifier: GPL-2.0-only
/*
 * Probes the eBPF source must refuse, with a clear error: built with
 * -DBAD_ABI_MAJOR=N it claims another ABI major; built plain it carries the
 * right ABI but a program the verifier rejects (an unbounded stack read).
 */
#include <linux/bpf.h>
#include <bpf/bpf_helpers.h>

#include "saker_bpf.h"

#ifndef BAD_ABI_MAJOR
#define BAD_ABI_MAJOR SAKER_ABI_MAJOR
#endif

char LICENSE[] SEC("license") = "GPL";
const __u32 saker_abi_version SEC(SAKER_BPF_ABI_SECTION) = BAD_ABI_MAJOR << 16;

struct {
	__uint(type, BPF_MAP_TYPE_ARRAY);
	__uint(max_entries, 1);
	__type(key, __u32);
	__type(value, __u64);
} saker_scratch SEC(".maps");

struct {
	__uint(type, BPF_MAP_TYPE_RINGBUF);
	__uint(max_entries, 4096);
} saker_events SEC(".maps");

SEC("raw_tracepoint/sys_exit")
int saker_bad(void *ctx)
{
	volatile char buf[8] = {};
	__u32 i = bpf_get_prandom_u32();

	return buf[i];
}
