/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reading the probe's output (internal to the eBPF source): the BPF ring
 * buffer, or per-CPU perf buffers where the kernel has no ring buffer or
 * the configuration asks for them. Records are copied out in batches and
 * handed out one at a time, in timestamp order within a batch.
 */
#ifndef SAKER_SRC_EBPF_BUF_H
#define SAKER_SRC_EBPF_BUF_H

#include <stdbool.h>
#include <stddef.h>

#include <bpf/libbpf.h>

enum src_ebpf_buffer {
	SRC_EBPF_BUF_AUTO = 0, /* the ring buffer where the kernel has it, else perf */
	SRC_EBPF_BUF_RING,
	SRC_EBPF_BUF_PERF,
};

/* "auto", "ringbuf" or "perf"; -EINVAL otherwise. */
int src_ebpf_buffer_parse(const char *s, enum src_ebpf_buffer *ret);

/*
 * Before load: choose ring or perf (auto: by probing the kernel), size the
 * buffer (bytes: the ring, or each CPU's perf buffer), set the probe's
 * knob and leave the unused map uncreated. *ret_perf says which.
 */
int src_ebpf_buf_prepare(struct bpf_object *obj, enum src_ebpf_buffer mode, size_t bytes,
			 bool *ret_perf, char *err, size_t errlen);

struct ebpf_buf;

/* After load: map the buffer(s). wakeup_bytes: see src_ebpf_opts. NULL with errno. */
struct ebpf_buf *src_ebpf_buf_new(struct bpf_object *obj, bool perf, size_t bytes,
				  size_t wakeup_bytes);

/*
 * The next record, valid until the next call: from the current batch, or
 * a new batch read from the kernel, waiting up to timeout_ms (< 0: for
 * ever) in slices of at most slice_ms. 1 with *ret_rec, 0 on timeout,
 * -errno on error.
 */
int src_ebpf_buf_next(struct ebpf_buf *b, int timeout_ms, int slice_ms, const void **ret_rec);

void src_ebpf_buf_free(struct ebpf_buf *b);

#endif /* SAKER_SRC_EBPF_BUF_H */
