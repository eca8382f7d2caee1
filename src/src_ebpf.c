// SPDX-License-Identifier: GPL-2.0-only
/*
 * eBPF source: open -> check ABI -> size maps -> load -> configure ->
 * attach -> poll the ring buffer (choosing and loading the object:
 * src_ebpf_load.c). Records are copied out of the ring in
 * batches into one buffer and handed out one at a time.
 *
 * The probe submits without waking us until wakeup_bytes are pending
 * (a wakeup per event costs the traced workload ~8 us); next() therefore
 * polls on a short slice so latency stays bounded by POLL_SLICE_MS.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "event.h"
#include "src_ebpf.h"
#include "src_ebpf_buf.h"
#include "src_ebpf_load.h"
#include "util.h"

#define POLL_SLICE_MS 10

struct src_ebpf {
	struct source s;
	struct bpf_object *obj;
	struct bpf_link *links[8];
	int nlinks;
	struct ebpf_buf *buf;
	bool perf; /* perf buffers instead of the ring buffer */
	int interest_fd, counters_fd, config_fd;
	int ncpus;
	uint64_t records;
	void *owned_elf; /* a classic object read from disk */
};

static int size_maps(struct src_ebpf *e, char *err, size_t errlen)
{
	struct bpf_map *m;

	e->ncpus = libbpf_num_possible_cpus();
	m = bpf_object__find_map_by_name(e->obj, "saker_scratch");
	if (e->ncpus <= 0 || !m || bpf_map__set_max_entries(m, (uint32_t)e->ncpus) != 0) {
		snprintf(err, errlen, "ebpf: probe object lacks its scratch map");
		return -EINVAL;
	}
	return 0;
}

/*
 * Where execve's arguments are saved before a successful exec replaces
 * them: sched_prepare_exec when the kernel has it (6.10+; no program runs
 * at syscall entry then), else sys_enter on every system call.
 */
static void pick_exec_hook(struct src_ebpf *e, bool force_enter)
{
	struct bpf_program *pe = bpf_object__find_program_by_name(e->obj, "saker_prepare_exec");
	struct bpf_program *se = bpf_object__find_program_by_name(e->obj, "saker_sys_enter");
	bool prepare = pe && se && !force_enter &&
		       libbpf_find_vmlinux_btf_id("sched_prepare_exec", BPF_TRACE_RAW_TP) > 0;

	if (pe && !prepare)
		bpf_program__set_autoload(pe, false);
	if (prepare)
		bpf_program__set_autoload(se, false);
}

static int attach(struct src_ebpf *e, char *err, size_t errlen)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, e->obj)
	{
		struct bpf_link *l;

		if (!bpf_program__autoload(p))
			continue;
		if (e->nlinks >= (int)ARRAY_SIZE(e->links))
			return -E2BIG;
		l = bpf_program__attach(p);
		if (!l) {
			int k = -errno;

			snprintf(err, errlen, "ebpf: cannot attach %s: %s", bpf_program__name(p),
				 strerror(-k));
			return k;
		}
		e->links[e->nlinks++] = l;
	}
	return 0;
}

static int ebpf_next(struct source *s, int timeout_ms, const void **ret_rec)
{
	struct src_ebpf *e = (struct src_ebpf *)s;
	int k = src_ebpf_buf_next(e->buf, timeout_ms, POLL_SLICE_MS, ret_rec);

	if (k < 0) {
		snprintf(s->error, sizeof(s->error), "ebpf: reading the %s buffer: %s",
			 e->perf ? "perf" : "ring", strerror(-k));
		return k;
	}
	if (k == 0)
		return SRC_TIMEOUT;
	e->records++;
	return SRC_RECORD;
}

int src_ebpf_counters(struct source *s, struct saker_bpf_counters *ret)
{
	struct src_ebpf *e = (struct src_ebpf *)s;
	size_t stride = (sizeof(struct saker_bpf_counters) + 7) & ~(size_t)7;
	struct saker_bpf_counters sum = { 0 };
	uint32_t zero = 0;
	uint8_t *all;
	int k = 0;

	all = calloc((size_t)e->ncpus, stride);
	if (!all)
		return -ENOMEM;
	if (bpf_map_lookup_elem(e->counters_fd, &zero, all) != 0) {
		k = -errno;
		goto out;
	}
	for (int c = 0; c < e->ncpus; c++) {
		struct saker_bpf_counters one;

		memcpy(&one, all + (size_t)c * stride, sizeof(one));
		sum.filtered += one.filtered;
		sum.sent += one.sent;
		for (int i = 0; i < SAKER_DROP_MAX; i++)
			sum.drops[i] += one.drops[i];
	}
	/* One increment fewer on every system call: seen is the sum of the outcomes. */
	sum.seen = sum.filtered + sum.sent;
	for (int i = 0; i < SAKER_DROP_MAX; i++)
		sum.seen += sum.drops[i];
	*ret = sum;
out:
	free(all);
	return k;
}

static int ebpf_stats(struct source *s, struct src_stats *ret)
{
	struct src_ebpf *e = (struct src_ebpf *)s;
	struct saker_bpf_counters c;
	struct src_stats st = { .records = e->records };
	int k = src_ebpf_counters(s, &c);

	if (k < 0)
		return k;
	for (int i = 0; i < SAKER_DROP_MAX; i++)
		st.drops[i] = c.drops[i];
	*ret = st;
	return 0;
}

/* Event types -> syscall numbers, plus what state tracking always needs. */
static int ebpf_set_interest(struct source *s, const struct src_interest *want)
{
	struct src_ebpf *e = (struct src_ebpf *)s;
	uint32_t key, val;

	for (int t = 0; t < SAKER_EV_MAX; t++) {
		const struct evt_info *in = &evt_table[t];
		bool on = !want || src_interest_has(want, (unsigned)t) ||
			  (in->flags & SAKER_EF_STATE);

		if (t == SAKER_EV_PROCEXIT)
			key = SAKER_BPF_KEY_PROCEXIT;
		else if (in->syscall_nr >= 0 && in->syscall_nr < SAKER_BPF_KEY_PROCEXIT)
			key = (uint32_t)in->syscall_nr;
		else
			continue;
		val = on ? (uint32_t)t + 1 : 0;
		if (bpf_map_update_elem(e->interest_fd, &key, &val, BPF_ANY) != 0)
			return -errno;
	}
	return 0;
}

static void ebpf_close(struct source *s)
{
	struct src_ebpf *e = (struct src_ebpf *)s;

	if (!e)
		return;
	for (int i = e->nlinks - 1; i >= 0; i--)
		bpf_link__destroy(e->links[i]);
	src_ebpf_buf_free(e->buf);
	bpf_object__close(e->obj);
	free(e->owned_elf);
	free(e);
}

static const struct src_ops ebpf_ops = {
	.name = "ebpf",
	.next = ebpf_next,
	.stats = ebpf_stats,
	.set_interest = ebpf_set_interest,
	.close = ebpf_close,
};

static int configure(struct src_ebpf *e, const struct src_ebpf_opts *o)
{
	struct saker_bpf_config cfg = {
		.wakeup_bytes = o->wakeup_bytes ? o->wakeup_bytes : o->ring_bytes / 16,
		/* Our own writes would feed back into the capture. */
		.self_tgid = o->trace_self ? 0 : (uint32_t)getpid(),
	};
	uint32_t zero = 0;

	e->interest_fd = bpf_object__find_map_fd_by_name(e->obj, "saker_interest");
	e->counters_fd = bpf_object__find_map_fd_by_name(e->obj, "saker_counters");
	e->config_fd = bpf_object__find_map_fd_by_name(e->obj, "saker_config");
	if (e->interest_fd < 0 || e->counters_fd < 0 || e->config_fd < 0)
		return -EINVAL;
	if (bpf_map_update_elem(e->config_fd, &zero, &cfg, BPF_ANY) != 0)
		return -errno;
	return ebpf_set_interest(&e->s, NULL);
}

static size_t env_size(const char *name, size_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? (size_t)strtoull(v, NULL, 0) : dflt;
}

static int ebpf_open(const struct src_ebpf_opts *opts, struct source **ret, char *err,
		     size_t errlen)
{
	struct src_ebpf_opts o = opts ? *opts : (struct src_ebpf_opts){ 0 };
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "saker");
	struct src_ebpf *e = calloc(1, sizeof(*e));
	enum src_ebpf_buffer mode;
	const void *elf;
	size_t elf_len = 0;
	int k;

	if (!e)
		return -ENOMEM;
	if (!o.ring_bytes)
		o.ring_bytes = env_size("SAKER_EBPF_RING_BYTES", SRC_EBPF_RING_DEFAULT);
	if (!o.object)
		o.object = getenv("SAKER_EBPF_OBJECT");
	if (o.object && !*o.object)
		o.object = NULL;
	if (!o.buffer)
		o.buffer = getenv("SAKER_EBPF_BUFFER");
	if (o.ring_bytes < 4096 || (o.ring_bytes & (o.ring_bytes - 1))) {
		snprintf(err, errlen, "ebpf: buffer size %zu is not a power of two >= 4096",
			 o.ring_bytes);
		k = -EINVAL;
		goto fail;
	}
	if (src_ebpf_buffer_parse(o.buffer && *o.buffer ? o.buffer : "auto", &mode) < 0) {
		snprintf(err, errlen, "ebpf: buffer '%.64s' is not auto, ringbuf or perf",
			 o.buffer);
		k = -EINVAL;
		goto fail;
	}
	k = src_ebpf_pick_object(o.object, &e->owned_elf, &elf, &elf_len, err, errlen);
	if (k < 0)
		goto fail;
	k = src_ebpf_check_abi(elf, elf_len, err, errlen);
	if (k < 0)
		goto fail;
	e->obj = bpf_object__open_mem(elf, elf_len, &oo);
	if (!e->obj) {
		k = -errno;
		snprintf(err, errlen, "ebpf: not a usable BPF object: %s", strerror(-k));
		goto fail;
	}
	k = size_maps(e, err, errlen);
	if (k < 0)
		goto fail;
	k = src_ebpf_buf_prepare(e->obj, mode, o.ring_bytes, &e->perf, err, errlen);
	if (k < 0)
		goto fail;
	pick_exec_hook(e, o.exec_enter_hook || getenv("SAKER_EBPF_ENTER_HOOK"));
	k = src_ebpf_load_object(e->obj, err, errlen);
	if (k < 0)
		goto fail;
	k = configure(e, &o);
	if (k < 0) {
		snprintf(err, errlen, "ebpf: cannot configure the probe's maps: %s", strerror(-k));
		goto fail;
	}
	e->buf = src_ebpf_buf_new(e->obj, e->perf, o.ring_bytes, o.wakeup_bytes);
	if (!e->buf) {
		k = -errno;
		snprintf(err, errlen, "ebpf: cannot map the %s buffer: %s",
			 e->perf ? "perf" : "ring", strerror(-k));
		goto fail;
	}
	k = attach(e, err, errlen);
	if (k < 0)
		goto fail;
	e->s.ops = &ebpf_ops;
	e->s.driver = "ebpf";
	e->s.boot_offset_ns = util_boot_offset_ns();
	e->s.start_ns = clock_ns(CLOCK_REALTIME);
	*ret = &e->s;
	return 0;
fail:
	ebpf_close(&e->s);
	return k;
}

int src_ebpf_open(const struct src_ebpf_opts *opts, struct source **ret, char *err, size_t errlen)
{
	/* libbpf prints to stderr by default; a library does not. */
	libbpf_print_fn_t old = libbpf_set_print(src_ebpf_quiet_print);
	int k = ebpf_open(opts, ret, err, errlen);

	libbpf_set_print(old);
	return k;
}
