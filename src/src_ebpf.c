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
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "event.h"
#include "src_ebpf.h"
#include "src_ebpf_abi.h"
#include "src_ebpf_buf.h"
#include "src_ebpf_hook.h"
#include "src_ebpf_load.h"
#include "util.h"

#define POLL_SLICE_MS 10

struct src_ebpf {
	struct source s;
	struct bpf_object *obj;
	struct bpf_link *links[12];
	int nlinks;
	struct ebpf_buf *buf;
	bool perf; /* perf buffers instead of the ring buffer */
	int interest_fd, counters_fd, config_fd;
	int ncpus;
	uint64_t records;
	void *owned_elf; /* a classic object read from disk */
	struct ebpf_hooks *hooks; /* fexit mode; NULL in tracepoint mode */
	uint32_t interest_keys; /* entries of the interest map */
	bool on[SAKER_EV_MAX]; /* the interest set */
	bool can_defer; /* the probe can hold back closes (ring buffer, pending map, fork hook) */
};

enum hook_mode { HOOK_AUTO, HOOK_FEXIT, HOOK_TRACEPOINT };

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
 * at syscall entry then), else sys_enter on every system call
 * (tracepoint mode) or fentry on the execve entry functions (fexit mode).
 * Returns whether fexit mode needs the fentry programs.
 */
static bool pick_exec_hook(struct src_ebpf *e, bool force_enter, bool fexit)
{
	struct bpf_program *pe = bpf_object__find_program_by_name(e->obj, "saker_prepare_exec");
	struct bpf_program *se = bpf_object__find_program_by_name(e->obj, "saker_sys_enter");
	bool prepare = pe && se && !force_enter &&
		       libbpf_find_vmlinux_btf_id("sched_prepare_exec", BPF_TRACE_RAW_TP) > 0;

	if (pe && !prepare)
		bpf_program__set_autoload(pe, false);
	if (se && (prepare || fexit))
		bpf_program__set_autoload(se, false);
	return fexit && !prepare;
}

/* Tracepoint mode: the trampoline programs stay unloaded; fexit mode: sys_exit does. */
static void pick_mode_programs(struct src_ebpf *e, bool fexit)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, e->obj)
	{
		const char *n = bpf_program__name(p);

		if (!fexit && (!strncmp(n, "saker_fexit_", 12) || !strncmp(n, "saker_fentry_", 13)))
			bpf_program__set_autoload(p, false);
		if (fexit && !strcmp(n, "saker_sys_exit"))
			bpf_program__set_autoload(p, false);
	}
}

static int attach(struct src_ebpf *e, char *err, size_t errlen)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, e->obj)
	{
		struct bpf_link *l;

		/* The fexit bodies run through their stubs' tail calls only. */
		if (!bpf_program__autoload(p) ||
		    !strncmp(bpf_program__name(p), "saker_fexit_body", 16))
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
		sum.deferred += one.deferred;
		sum.implied += one.implied;
		sum.late += one.late;
	}
	/* One increment fewer on every system call: seen is the sum of the outcomes. */
	sum.seen = sum.filtered + sum.sent + sum.deferred;
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
	st.setting_name = "hook";
	st.setting = e->hooks ? "fexit" : "tracepoint";
	src_stats_add(&st, "filtered", c.filtered, false);
	src_stats_add(&st, "closes_deferred", c.deferred, false);
	src_stats_add(&st, "closes_implied", c.implied, false);
	src_stats_add(&st, "closes_late", c.late, false);
	*ret = st;
	return 0;
}

/*
 * Event types -> syscall numbers of every ABI, plus what state tracking
 * always needs; in fexit mode also the trampolines. A close no rule reads
 * is there for the state alone: the probe may hold it back
 * (drivers/ebpf/pending.bpf.h).
 */
static int ebpf_set_interest(struct source *s, const struct src_interest *want)
{
	struct src_ebpf *e = (struct src_ebpf *)s;
	uint8_t xflags[SAKER_EV_MAX] = { 0 };
	int k;

	for (int t = 0; t < SAKER_EV_MAX; t++)
		e->on[t] = !want || src_interest_has(want, (unsigned)t) ||
			   (evt_table[t].flags & SAKER_EF_STATE);
	if (e->can_defer && want && !src_interest_has(want, SAKER_EV_CLOSE))
		xflags[SAKER_EV_CLOSE] = SAKER_BPF_VAL_DEFER;
	k = src_ebpf_abi_fill(e->interest_fd, e->interest_keys, e->on, xflags);
	if (k == 0 && e->hooks)
		k = src_ebpf_hooks_set(e->hooks, e->on, s->error, sizeof(s->error));
	return k;
}

static void ebpf_close(struct source *s)
{
	struct src_ebpf *e = (struct src_ebpf *)s;

	if (!e)
		return;
	for (int i = e->nlinks - 1; i >= 0; i--)
		bpf_link__destroy(e->links[i]);
	src_ebpf_hooks_free(e->hooks);
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
	e->interest_keys =
		bpf_map__max_entries(bpf_object__find_map_by_name(e->obj, "saker_interest"));
	if (bpf_map_update_elem(e->config_fd, &zero, &cfg, BPF_ANY) != 0)
		return -errno;
	return ebpf_set_interest(&e->s, NULL);
}

static size_t env_size(const char *name, size_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? (size_t)strtoull(v, NULL, 0) : dflt;
}

/* Undo start(), keeping the object bytes for another try. */
static void teardown(struct src_ebpf *e)
{
	for (int i = e->nlinks - 1; i >= 0; i--)
		bpf_link__destroy(e->links[i]);
	e->nlinks = 0;
	src_ebpf_hooks_free(e->hooks);
	e->hooks = NULL;
	src_ebpf_buf_free(e->buf);
	e->buf = NULL;
	bpf_object__close(e->obj);
	e->obj = NULL;
}

/* open -> size maps -> choose programs -> load -> configure -> buffers -> attach. */
static int start(struct src_ebpf *e, const struct src_ebpf_opts *o, enum src_ebpf_buffer mode,
		 const void *elf, size_t elf_len, bool fexit, char *err, size_t errlen)
{
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "saker");
	bool exec_fentry;
	int k;

	e->obj = bpf_object__open_mem(elf, elf_len, &oo);
	if (!e->obj) {
		k = -errno;
		snprintf(err, errlen, "ebpf: not a usable BPF object: %s", strerror(-k));
		return k;
	}
	k = size_maps(e, err, errlen);
	if (k < 0)
		return k;
	k = src_ebpf_buf_prepare(e->obj, mode, o->ring_bytes, &e->perf, err, errlen);
	if (k < 0)
		return k;
	exec_fentry =
		pick_exec_hook(e, o->exec_enter_hook || getenv("SAKER_EBPF_ENTER_HOOK"), fexit);
	pick_mode_programs(e, fexit);
	if (fexit) {
		char why[256] = "";

		e->hooks = src_ebpf_hooks_new(e->obj, exec_fentry, why, sizeof(why));
		if (!e->hooks) {
			k = -errno;
			snprintf(err, errlen, "ebpf: fexit: %s", why);
			return k;
		}
	}
	k = src_ebpf_load_object(e->obj, err, errlen);
	if (k < 0)
		return k;
	if (e->hooks) {
		char why[256] = "";

		k = src_ebpf_hooks_start(e->hooks, why, sizeof(why));
		if (k < 0) {
			snprintf(err, errlen, "ebpf: fexit: %s", why);
			return k;
		}
	}
	/* Without its fork hook a held-back close could miss a child's copy of the table. */
	e->can_defer = !e->perf && !o->no_defer_close &&
		       bpf_object__find_map_by_name(e->obj, "saker_pending") &&
		       bpf_object__find_program_by_name(e->obj, "saker_sched_fork");
	k = configure(e, o);
	if (k < 0) {
		snprintf(err, errlen, "ebpf: cannot configure the probe: %s",
			 e->s.error[0] ? e->s.error : strerror(-k));
		return k;
	}
	e->buf = src_ebpf_buf_new(e->obj, e->perf, o->ring_bytes, o->wakeup_bytes);
	if (!e->buf) {
		k = -errno;
		snprintf(err, errlen, "ebpf: cannot map the %s buffer: %s",
			 e->perf ? "perf" : "ring", strerror(-k));
		return k;
	}
	return attach(e, err, errlen);
}

static int hook_parse(const char *s, enum hook_mode *ret)
{
	if (!s || !*s || !strcmp(s, "auto"))
		*ret = HOOK_AUTO;
	else if (!strcmp(s, "fexit"))
		*ret = HOOK_FEXIT;
	else if (!strcmp(s, "tracepoint"))
		*ret = HOOK_TRACEPOINT;
	else
		return -EINVAL;
	return 0;
}

/*
 * Trampolines where they work (auto), else the tracepoints; err gets a
 * note saying which and why (the daemon logs it).
 */
static int start_hooked(struct src_ebpf *e, const struct src_ebpf_opts *o,
			enum src_ebpf_buffer mode, const void *elf, size_t elf_len, char *err,
			size_t errlen)
{
	enum hook_mode hook;
	char why[512] = "ebpf.hook=tracepoint";
	bool fexit;
	int k;

	if (hook_parse(o->hook, &hook) < 0) {
		snprintf(err, errlen, "ebpf: hook '%.64s' is not auto, fexit or tracepoint",
			 o->hook);
		return -EINVAL;
	}
	fexit = hook != HOOK_TRACEPOINT;
	if (fexit && (k = src_ebpf_hook_probe(why, sizeof(why))) < 0) {
		if (hook == HOOK_FEXIT) {
			snprintf(err, errlen, "ebpf: ebpf.hook=fexit, but %s", why);
			return k;
		}
		fexit = false;
	}
	k = start(e, o, mode, elf, elf_len, fexit, err, errlen);
	if (k < 0 && fexit && hook == HOOK_AUTO) {
		snprintf(why, sizeof(why), "%s", err);
		teardown(e);
		e->s.error[0] = '\0';
		fexit = false;
		k = start(e, o, mode, elf, elf_len, false, err, errlen);
	}
	if (k < 0)
		return k;
	if (fexit)
		snprintf(err, errlen,
			 "ebpf: hook fexit (trampolines on %d system call entry functions)",
			 src_ebpf_hooks_attached(e->hooks));
	else
		snprintf(err, errlen, "ebpf: hook tracepoint (%s)", why);
	return 0;
}

static int ebpf_open(const struct src_ebpf_opts *opts, struct source **ret, char *err,
		     size_t errlen)
{
	struct src_ebpf_opts o = opts ? *opts : (struct src_ebpf_opts){ 0 };
	struct src_ebpf *e = calloc(1, sizeof(*e));
	enum src_ebpf_buffer mode;
	const void *elf;
	const char *env;
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
	if (!o.hook || !*o.hook)
		o.hook = getenv("SAKER_EBPF_HOOK");
	if ((env = getenv("SAKER_EBPF_DEFER_CLOSE")) && !strcmp(env, "0"))
		o.no_defer_close = true;
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
	k = start_hooked(e, &o, mode, elf, elf_len, err, errlen);
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

const char *src_ebpf_hook_mode(struct source *s)
{
	return ((struct src_ebpf *)s)->hooks ? "fexit" : "tracepoint";
}

int src_ebpf_open(const struct src_ebpf_opts *opts, struct source **ret, char *err, size_t errlen)
{
	/* libbpf prints to stderr by default; a library does not. */
	libbpf_print_fn_t old = libbpf_set_print(src_ebpf_quiet_print);
	int k = ebpf_open(opts, ret, err, errlen);

	libbpf_set_print(old);
	return k;
}
