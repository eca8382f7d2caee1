/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The eBPF source: loads saker.bpf.o (built in, or a classic object for
 * this kernel), attaches it and hands out its records through the source
 * interface.
 */
#ifndef SAKER_SRC_EBPF_H
#define SAKER_SRC_EBPF_H

#include <stdbool.h>
#include <stddef.h>

#include "saker_bpf.h"
#include "source.h"

#define SRC_EBPF_RING_DEFAULT (8u << 20)
#define SRC_EBPF_CLASSIC_DIR "/var/lib/saker/ebpf"

struct src_ebpf_opts {
	size_t ring_bytes; /* the ring, or each CPU's perf buffer: a power of two >= page size;
			    * 0: SRC_EBPF_RING_DEFAULT */
	const char *buffer; /* "auto" (NULL), "ringbuf" or "perf" */
	size_t wakeup_bytes; /* wake the reader past this much; 0: ring / 16 */
	const char *object; /* a .bpf.o to load instead of the built-in choice */
	bool trace_self; /* also record the reading process (tests); default: never */
	const char *hook; /* "auto" (NULL): fexit trampolines where they work, else "tracepoint" */
	bool exec_enter_hook; /* save exec arguments at sys_enter even where sched_prepare_exec exists (tests) */
	bool no_defer_close; /* write every close record when the call returns (see pending.bpf.h) */
};

/*
 * Load, configure and attach the probe. All event types are of interest
 * until src_set_interest(). On failure err says what and how to fix it.
 * On success err says which hook mode was chosen and why.
 * Environment: SAKER_EBPF_OBJECT, SAKER_EBPF_RING_BYTES, SAKER_EBPF_BUFFER and SAKER_EBPF_HOOK override opts
 * when opts leaves them unset (the daemon's and the driver loader's hook);
 * SAKER_EBPF_DEFER_CLOSE=0 sets no_defer_close.
 */
int src_ebpf_open(const struct src_ebpf_opts *opts, struct source **ret, char *err, size_t errlen);

/* "fexit" or "tracepoint": how the probe hooks system calls. s must be an eBPF source. */
const char *src_ebpf_hook_mode(struct source *s);

/* The kernel-side counters, summed over CPUs. s must be an eBPF source. */
int src_ebpf_counters(struct source *s, struct saker_bpf_counters *ret);

#endif /* SAKER_SRC_EBPF_H */
