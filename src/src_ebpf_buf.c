// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probe's output, read in batches: the BPF ring buffer (one, shared,
 * ordered), or per-CPU perf buffers (kernels < 5.8, or on request). The
 * probe does not wake us per record (a wakeup costs the traced workload
 * ~8 us): the ring wakes us past wakeup_bytes, perf buffers past their
 * watermark, and we poll in short slices so latency stays bounded.
 *
 * Perf buffers are per CPU, so a batch gathered from several is sorted by
 * timestamp before it is handed out; records of one thread keep their
 * order (a thread runs on one CPU at a time and each buffer is FIFO).
 */
#include <errno.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>
#include <linux/perf_event.h>
#include <sys/epoll.h>

#include "saker_abi.h"
#include "saker_bpf.h"
#include "src_ebpf_buf.h"
#include "util.h"

#define RING_BATCH (4u << 20)
#define PERF_BATCH_MAX (64u << 20)

struct slot {
	uint64_t ts;
	size_t off;
};

struct ebpf_buf {
	struct ring_buffer *rb;
	struct perf_buffer *pb;
	size_t nbufs, next_buf; /* perf: buffers, and the one to read first */
	size_t per_buf; /* perf: bytes one buffer can hold */
	uint8_t *batch;
	size_t cap, blen;
	bool full;
	struct slot *order; /* perf: the batch by timestamp */
	size_t nrec, pos, ocap;
	int epfd; /* libbpf's epoll set over the buffer(s) */
};

int src_ebpf_buffer_parse(const char *s, enum src_ebpf_buffer *ret)
{
	static const char *const names[] = { "auto", "ringbuf", "perf" };

	for (size_t i = 0; s && i < ARRAY_SIZE(names); i++) {
		if (strcmp(s, names[i]) == 0) {
			*ret = (enum src_ebpf_buffer)i;
			return 0;
		}
	}
	return -EINVAL;
}

static struct bpf_map *knob_map(struct bpf_object *obj)
{
	struct bpf_map *m;

	bpf_object__for_each_map(m, obj)
	{
		const char *n = bpf_map__name(m);
		size_t l = strlen(n), k = strlen(SAKER_BPF_KNOB_SECTION);

		/* libbpf may prefix internal maps' names with the object's. */
		if (l >= k && strcmp(n + l - k, SAKER_BPF_KNOB_SECTION) == 0)
			return m;
	}
	return NULL;
}

int src_ebpf_buf_prepare(struct bpf_object *obj, enum src_ebpf_buffer mode, size_t bytes,
			 bool *ret_perf, char *err, size_t errlen)
{
	struct bpf_map *ring = bpf_object__find_map_by_name(obj, "saker_events");
	struct bpf_map *knobs = knob_map(obj);
	uint32_t use_perf;
	size_t sz = 0;

	if (!ring) {
		snprintf(err, errlen, "ebpf: the probe object lacks its output map");
		return -EINVAL;
	}
	/* Tried, not guessed from the version: distributions backport. */
	if (mode == SRC_EBPF_BUF_AUTO)
		mode = libbpf_probe_bpf_map_type(BPF_MAP_TYPE_RINGBUF, NULL) == 1 ?
			       SRC_EBPF_BUF_RING :
			       SRC_EBPF_BUF_PERF;
	use_perf = mode == SRC_EBPF_BUF_PERF;
	/* An object older than the knob writes to the ring only. */
	if (!knobs || !bpf_map__initial_value(knobs, &sz) || sz < sizeof(use_perf)) {
		if (use_perf) {
			snprintf(err, errlen,
				 "ebpf: this probe object cannot write perf buffers: rebuild it "
				 "with saker-driver-loader");
			return -EPROTONOSUPPORT;
		}
		knobs = NULL;
	}
	if ((knobs && bpf_map__set_initial_value(knobs, &use_perf, sizeof(use_perf)) != 0) ||
	    (use_perf ? bpf_map__set_autocreate(ring, false) :
			bpf_map__set_max_entries(ring, (uint32_t)bytes)) != 0) {
		snprintf(err, errlen, "ebpf: cannot set up the %s buffer of %zu bytes",
			 use_perf ? "perf" : "ring", bytes);
		return -EINVAL;
	}
	*ret_perf = use_perf;
	return 0;
}

/* Copy one whole record into the batch; false once the batch is full. */
static bool take(struct ebpf_buf *b, const void *data, size_t size)
{
	struct saker_rec_hdr h;

	/* The probe only writes whole records; anything else is not ours. */
	if (size < SAKER_HDR_SIZE)
		return true;
	memcpy(&h, data, sizeof(h));
	if (h.len < SAKER_HDR_SIZE || h.len > size || h.len > SAKER_REC_MAX ||
	    b->blen + h.len > b->cap)
		return true;
	memcpy(b->batch + b->blen, data, h.len);
	b->blen += (h.len + 7) & ~(size_t)7;
	b->full = b->cap - b->blen < SAKER_REC_MAX;
	return !b->full;
}

static int on_ring(void *ctx, void *data, size_t size)
{
	struct ebpf_buf *b = ctx;

	/* A ring record is exactly one saker record. */
	if (size > SAKER_REC_MAX)
		return 0;
	return take(b, data, size) ? 0 : -ENOSPC;
}

static enum bpf_perf_event_ret on_perf(void *ctx, int cpu, struct perf_event_header *ev)
{
	struct ebpf_buf *b = ctx;
	struct {
		struct perf_event_header h;
		uint32_t size;
		uint8_t data[];
	} *s = (void *)ev;

	/*
	 * PERF_RECORD_LOST repeats what the probe counted when its output
	 * failed (SAKER_DROP_BUFFER_FULL); only samples carry records. The
	 * batch has room for a whole buffer, so take() never refuses here.
	 */
	if (ev->type == PERF_RECORD_SAMPLE && ev->size >= sizeof(*s) &&
	    s->size <= ev->size - sizeof(*s))
		take(b, s->data, s->size);
	return LIBBPF_PERF_EVENT_CONT;
}

static int cmp_slot(const void *a, const void *b)
{
	const struct slot *x = a, *y = b;

	if (x->ts != y->ts)
		return x->ts < y->ts ? -1 : 1;
	return x->off < y->off ? -1 : x->off > y->off;
}

/* Index the batch by timestamp (stable: equal stamps keep buffer order). */
static int sort_batch(struct ebpf_buf *b)
{
	size_t n = 0;

	for (size_t off = 0; off < b->blen; n++) {
		struct saker_rec_hdr h;

		memcpy(&h, b->batch + off, sizeof(h));
		if (n == b->ocap) {
			size_t cap = b->ocap ? b->ocap * 2 : 4096;
			struct slot *o = realloc(b->order, cap * sizeof(*o));

			if (!o)
				return -ENOMEM;
			b->order = o;
			b->ocap = cap;
		}
		b->order[n] = (struct slot){ .ts = h.ts, .off = off };
		off += (h.len + 7) & ~(size_t)7;
	}
	qsort(b->order, n, sizeof(*b->order), cmp_slot);
	b->nrec = n;
	return 0;
}

/* Drain perf buffers, round robin, while the batch can hold a whole one. */
static int consume_perf(struct ebpf_buf *b)
{
	for (size_t i = 0; i < b->nbufs && b->cap - b->blen >= b->per_buf + SAKER_REC_MAX; i++) {
		int k = perf_buffer__consume_buffer(b->pb, (b->next_buf + i) % b->nbufs);

		if (k < 0 && k != -ENOENT)
			return k;
	}
	b->next_buf = (b->next_buf + 1) % b->nbufs;
	return b->blen ? sort_batch(b) : 0;
}

static int consume(struct ebpf_buf *b)
{
	int k;

	b->blen = b->pos = b->nrec = 0;
	b->full = false;
	if (b->pb)
		return consume_perf(b);
	k = ring_buffer__consume(b->rb);
	return k < 0 && !b->full ? k : 0;
}

static bool pop(struct ebpf_buf *b, const void **ret_rec)
{
	struct saker_rec_hdr h;
	size_t off;

	if (b->pb) {
		if (b->pos >= b->nrec)
			return false;
		*ret_rec = b->batch + b->order[b->pos++].off;
		return true;
	}
	if (b->pos >= b->blen)
		return false;
	off = b->pos;
	memcpy(&h, b->batch + off, sizeof(h));
	b->pos += (h.len + 7) & ~(size_t)7;
	*ret_rec = b->batch + off;
	return true;
}

int src_ebpf_buf_next(struct ebpf_buf *b, int timeout_ms, int slice_ms, const void **ret_rec)
{
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000ull;

	for (;;) {
		struct epoll_event ev;
		int k, slice = slice_ms;

		if (pop(b, ret_rec))
			return 1;
		k = consume(b);
		if (k < 0)
			return k;
		if (b->blen)
			continue;
		if (timeout_ms == 0)
			return 0;
		if (timeout_ms > 0) {
			uint64_t now = clock_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				return 0;
			if ((deadline - now) / 1000000 < (uint64_t)slice)
				slice = (int)((deadline - now) / 1000000) + 1;
		}
		/* Only waits: consume() reads, so a batch never overfills. */
		if (epoll_wait(b->epfd, &ev, 1, slice) < 0 && errno != EINTR)
			return -errno;
	}
}

static struct perf_buffer *perf_open(struct ebpf_buf *b, int fd, size_t bytes, size_t wakeup)
{
	struct perf_event_attr attr = {
		.type = PERF_TYPE_SOFTWARE,
		.config = PERF_COUNT_SW_BPF_OUTPUT,
		.sample_type = PERF_SAMPLE_RAW,
		.sample_period = 1,
		/* Wake the reader once this many bytes wait, not per sample. */
		.watermark = 1,
		.wakeup_watermark = (uint32_t)wakeup,
	};

	return perf_buffer__new_raw(fd, bytes / 4096, &attr, on_perf, b, NULL);
}

struct ebpf_buf *src_ebpf_buf_new(struct bpf_object *obj, bool perf, size_t bytes,
				  size_t wakeup_bytes)
{
	struct ebpf_buf *b = calloc(1, sizeof(*b));
	int fd = bpf_object__find_map_fd_by_name(obj, perf ? "saker_perf" : "saker_events");
	size_t wakeup = wakeup_bytes ? wakeup_bytes : bytes / 16;

	if (!b)
		return NULL;
	if (wakeup >= bytes)
		wakeup = bytes / 2;
	if (perf) {
		b->pb = perf_open(b, fd, bytes, wakeup);
		b->nbufs = b->pb ? perf_buffer__buffer_cnt(b->pb) : 0;
		b->per_buf = bytes;
		b->cap = b->nbufs * bytes < PERF_BATCH_MAX ? b->nbufs * bytes : PERF_BATCH_MAX;
		if (b->cap < bytes)
			b->cap = bytes;
		b->cap += 2 * SAKER_REC_MAX;
	} else {
		b->rb = ring_buffer__new(fd, on_ring, b, NULL);
		b->cap = RING_BATCH;
	}
	b->batch = malloc(b->cap);
	b->epfd = b->pb ? perf_buffer__epoll_fd(b->pb) : b->rb ? ring_buffer__epoll_fd(b->rb) : -1;
	if (!b->batch || (!b->pb && !b->rb) || (b->pb && !b->nbufs)) {
		int k = errno ? errno : ENOMEM;

		src_ebpf_buf_free(b);
		errno = k;
		return NULL;
	}
	return b;
}

void src_ebpf_buf_free(struct ebpf_buf *b)
{
	if (!b)
		return;
	ring_buffer__free(b->rb);
	perf_buffer__free(b->pb);
	free(b->batch);
	free(b->order);
	free(b);
}
