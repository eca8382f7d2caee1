// SPDX-License-Identifier: GPL-2.0-only
/*
 * eBPF source: open -> check ABI -> size maps -> load -> configure ->
 * attach -> poll the ring buffer. Records are copied out of the ring in
 * batches into one buffer and handed out one at a time.
 *
 * The probe submits without waking us until wakeup_bytes are pending
 * (a wakeup per event costs the traced workload ~8 us); next() therefore
 * polls on a short slice so latency stays bounded by POLL_SLICE_MS.
 */
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <libelf.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/resource.h>
#include <sys/stat.h>
#include <sys/utsname.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/libbpf.h>

#include "event.h"
#include "src_ebpf.h"
#include "util.h"

#pragma GCC diagnostic push
#pragma GCC diagnostic ignored "-Wunused-function"
#pragma GCC diagnostic ignored "-Wmissing-prototypes"
#include "saker.skel.h"
#pragma GCC diagnostic pop

#define POLL_SLICE_MS 10
#define BATCH_BYTES (4u << 20)
#define LOG_CAP (1u << 20)
#define BTF_PATH "/sys/kernel/btf/vmlinux"

struct src_ebpf {
	struct source s;
	struct bpf_object *obj;
	struct bpf_link *links[8];
	int nlinks;
	struct ring_buffer *rb;
	int interest_fd, counters_fd, config_fd;
	int ncpus;
	uint8_t *batch;
	size_t blen, bpos;
	bool batch_full;
	uint64_t records;
	void *owned_elf; /* a classic object read from disk */
};

/* libbpf's messages of the current load, kept for the verifier log file. */
static char *load_log;
static size_t load_log_len;

static int collect_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	int n;

	if (level == LIBBPF_DEBUG || !load_log || load_log_len >= LOG_CAP - 1)
		return 0;
	n = vsnprintf(load_log + load_log_len, LOG_CAP - load_log_len, fmt, ap);
	if (n > 0)
		load_log_len +=
			(size_t)n < LOG_CAP - load_log_len ? (size_t)n : LOG_CAP - 1 - load_log_len;
	return 0;
}

/* Library code does not print: libbpf's notes at open time go nowhere. */
static int quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap)
{
	return 0;
}

/* Write the verifier's words where an operator can read them; the path, or NULL. */
static const char *save_log(char *path, size_t len)
{
	static const char *const dirs[] = { "/run/saker", "/tmp" };

	for (size_t i = 0; i < ARRAY_SIZE(dirs); i++) {
		FILE *f;
		int fd;

		mkdir(dirs[i], 0750);
		snprintf(path, len, "%s/ebpf-verifier.log", dirs[i]);
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0640);
		if (fd < 0)
			continue;
		f = fdopen(fd, "w");
		if (!f) {
			close(fd);
			continue;
		}
		fwrite(load_log, 1, load_log_len, f);
		fclose(f);
		return path;
	}
	return NULL;
}

/* The probe's ABI version from its ELF section; -ENOENT if it has none. */
static int object_abi(const void *elf, size_t len, uint32_t *ret)
{
	Elf *e;
	Elf_Scn *scn = NULL;
	size_t shstrndx;
	int r = -ENOENT;

	elf_version(EV_CURRENT);
	e = elf_memory((char *)elf, len);
	if (!e)
		return -EBADMSG;
	if (elf_getshdrstrndx(e, &shstrndx) != 0) {
		elf_end(e);
		return -EBADMSG;
	}
	while ((scn = elf_nextscn(e, scn))) {
		GElf_Shdr sh;
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh))
			break;
		name = elf_strptr(e, shstrndx, sh.sh_name);
		if (!name || strcmp(name, SAKER_BPF_ABI_SECTION) != 0)
			continue;
		d = elf_getdata(scn, NULL);
		if (d && d->d_buf && d->d_size >= sizeof(uint32_t)) {
			memcpy(ret, d->d_buf, sizeof(uint32_t));
			r = 0;
		}
		break;
	}
	elf_end(e);
	return r;
}

static int read_file(const char *path, void **ret, size_t *ret_len)
{
	FILE *f = fopen(path, "rbe");
	size_t cap = 1 << 20, len = 0, n;
	uint8_t *buf;

	if (!f)
		return -errno;
	buf = malloc(cap);
	while (buf && (n = fread(buf + len, 1, cap - len, f)) > 0) {
		len += n;
		if (len == cap && cap < (64u << 20)) {
			uint8_t *nb = realloc(buf, cap *= 2);

			if (!nb) {
				free(buf);
				buf = NULL;
			}
			buf = nb;
		}
	}
	fclose(f);
	if (!buf)
		return -ENOMEM;
	*ret = buf;
	*ret_len = len;
	return 0;
}

/*
 * CO-RE when the kernel has BTF, else the classic object the driver
 * loader built for this release.
 */
static int pick_object(struct src_ebpf *e, const char *object, const void **ret, size_t *ret_len,
		       char *err, size_t errlen)
{
	char classic[512];
	struct utsname u;
	int k;

	if (!object && access(BTF_PATH, R_OK) == 0) {
		*ret = saker_bpf__elf_bytes(ret_len);
		return 0;
	}
	if (!object) {
		uname(&u);
		snprintf(classic, sizeof(classic), "%s/%s/saker.bpf.o", SRC_EBPF_CLASSIC_DIR,
			 u.release);
		object = classic;
	}
	k = read_file(object, &e->owned_elf, ret_len);
	if (k < 0) {
		if (object == classic)
			snprintf(err, errlen,
				 "ebpf: this kernel has no BTF (%s) and there is no classic probe "
				 "at %s (%s): build one with 'saker-driver-loader --ebpf'",
				 BTF_PATH, classic, strerror(-k));
		else
			snprintf(err, errlen, "ebpf: cannot read '%s': %s", object, strerror(-k));
		return k;
	}
	*ret = e->owned_elf;
	return 0;
}

static int size_maps(struct src_ebpf *e, size_t ring, char *err, size_t errlen)
{
	struct bpf_map *m;

	e->ncpus = libbpf_num_possible_cpus();
	m = bpf_object__find_map_by_name(e->obj, "saker_scratch");
	if (e->ncpus <= 0 || !m || bpf_map__set_max_entries(m, (uint32_t)e->ncpus) != 0) {
		snprintf(err, errlen, "ebpf: probe object lacks its scratch map");
		return -EINVAL;
	}
	m = bpf_object__find_map_by_name(e->obj, "saker_events");
	if (!m || bpf_map__set_max_entries(m, (uint32_t)ring) != 0) {
		snprintf(err, errlen, "ebpf: cannot size the ring buffer to %zu bytes", ring);
		return -EINVAL;
	}
	return 0;
}

static int load(struct src_ebpf *e, char *err, size_t errlen)
{
	struct rlimit rl = { RLIM_INFINITY, RLIM_INFINITY };
	libbpf_print_fn_t old;
	char path[256];
	const char *saved;
	int k;

	/* Older kernels charge BPF memory to RLIMIT_MEMLOCK; newer ones to the cgroup. */
	(void)setrlimit(RLIMIT_MEMLOCK, &rl);
	load_log = malloc(LOG_CAP);
	load_log_len = 0;
	old = libbpf_set_print(collect_print);
	k = bpf_object__load(e->obj);
	libbpf_set_print(old);
	if (k < 0 && (k == -EPERM || k == -EACCES) && geteuid() != 0)
		snprintf(err, errlen,
			 "ebpf: loading the probe needs root (or CAP_BPF and CAP_PERFMON): %s",
			 strerror(-k));
	else if (k == -EPERM)
		snprintf(err, errlen,
			 "ebpf: the kernel refused BPF (missing CAP_BPF/CAP_PERFMON/CAP_SYS_ADMIN, "
			 "or kernel.unprivileged_bpf_disabled/lockdown): %s",
			 strerror(-k));
	else if (k < 0) {
		saved = load_log ? save_log(path, sizeof(path)) : NULL;
		snprintf(err, errlen, "ebpf: the kernel rejected the probe (%s); verifier log: %s",
			 strerror(-k), saved ? saved : "could not be saved");
	}
	free(load_log);
	load_log = NULL;
	return k;
}

static int attach(struct src_ebpf *e, char *err, size_t errlen)
{
	struct bpf_program *p;

	bpf_object__for_each_program(p, e->obj)
	{
		struct bpf_link *l;

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

static int on_record(void *ctx, void *data, size_t size)
{
	struct src_ebpf *e = ctx;
	struct saker_rec_hdr h;

	/* The probe only writes whole records; anything else is not ours. */
	if (size < SAKER_HDR_SIZE || size > SAKER_REC_MAX)
		return 0;
	memcpy(&h, data, sizeof(h));
	if (h.len != size)
		return 0;
	memcpy(e->batch + e->blen, data, size);
	e->blen += (size + 7) & ~(size_t)7;
	if (BATCH_BYTES - e->blen < SAKER_REC_MAX) {
		e->batch_full = true;
		return -ENOSPC;
	}
	return 0;
}

static int ebpf_next(struct source *s, int timeout_ms, const void **ret_rec)
{
	struct src_ebpf *e = (struct src_ebpf *)s;
	uint64_t deadline = clock_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000ull;

	for (;;) {
		int k, slice;

		if (e->bpos < e->blen) {
			struct saker_rec_hdr h;

			memcpy(&h, e->batch + e->bpos, sizeof(h));
			*ret_rec = e->batch + e->bpos;
			e->bpos += (h.len + 7) & ~(uint32_t)7;
			e->records++;
			return SRC_RECORD;
		}
		e->bpos = e->blen = 0;
		e->batch_full = false;
		k = ring_buffer__consume(e->rb);
		if (k < 0 && !e->batch_full) {
			snprintf(s->error, sizeof(s->error), "ebpf: reading the ring: %s",
				 strerror(-k));
			return k;
		}
		if (e->blen)
			continue;
		if (timeout_ms == 0)
			return SRC_TIMEOUT;
		slice = POLL_SLICE_MS;
		if (timeout_ms > 0) {
			uint64_t now = clock_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				return SRC_TIMEOUT;
			if ((deadline - now) / 1000000 < (uint64_t)slice)
				slice = (int)((deadline - now) / 1000000) + 1;
		}
		k = ring_buffer__poll(e->rb, slice);
		if (k < 0 && k != -EINTR && !e->batch_full) {
			snprintf(s->error, sizeof(s->error), "ebpf: polling the ring: %s",
				 strerror(-k));
			return k;
		}
	}
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
		sum.seen += one.seen;
		sum.filtered += one.filtered;
		sum.sent += one.sent;
		for (int i = 0; i < SAKER_DROP_MAX; i++)
			sum.drops[i] += one.drops[i];
	}
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
	ring_buffer__free(e->rb);
	bpf_object__close(e->obj);
	free(e->owned_elf);
	free(e->batch);
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

static int check_abi(const void *elf, size_t len, char *err, size_t errlen)
{
	uint32_t v = 0;
	int k = object_abi(elf, len, &v);

	if (k < 0) {
		snprintf(err, errlen,
			 "ebpf: the probe object carries no saker ABI version: "
			 "rebuild it with saker-driver-loader");
		return -EPROTONOSUPPORT;
	}
	if (v >> 16 != SAKER_ABI_MAJOR) {
		snprintf(err, errlen,
			 "ebpf: the probe speaks event ABI %u.%u, this saker %u.%u: rebuild it "
			 "with saker-driver-loader",
			 v >> 16, v & 0xffff, SAKER_ABI_MAJOR, SAKER_ABI_MINOR);
		return -EPROTONOSUPPORT;
	}
	return 0;
}

static size_t env_size(const char *name, size_t dflt)
{
	const char *v = getenv(name);

	return v && *v ? (size_t)strtoull(v, NULL, 0) : dflt;
}

int src_ebpf_open(const struct src_ebpf_opts *opts, struct source **ret, char *err, size_t errlen)
{
	struct src_ebpf_opts o = opts ? *opts : (struct src_ebpf_opts){ 0 };
	LIBBPF_OPTS(bpf_object_open_opts, oo, .object_name = "saker");
	struct src_ebpf *e = calloc(1, sizeof(*e));
	libbpf_print_fn_t old;
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
	if (o.ring_bytes < 4096 || (o.ring_bytes & (o.ring_bytes - 1))) {
		snprintf(err, errlen, "ebpf: ring size %zu is not a power of two >= 4096",
			 o.ring_bytes);
		k = -EINVAL;
		goto fail;
	}
	k = pick_object(e, o.object, &elf, &elf_len, err, errlen);
	if (k < 0)
		goto fail;
	k = check_abi(elf, elf_len, err, errlen);
	if (k < 0)
		goto fail;
	old = libbpf_set_print(quiet_print);
	e->obj = bpf_object__open_mem(elf, elf_len, &oo);
	libbpf_set_print(old);
	if (!e->obj) {
		k = -errno;
		snprintf(err, errlen, "ebpf: not a usable BPF object: %s", strerror(-k));
		goto fail;
	}
	k = size_maps(e, o.ring_bytes, err, errlen);
	if (k < 0)
		goto fail;
	k = load(e, err, errlen);
	if (k < 0)
		goto fail;
	k = configure(e, &o);
	if (k < 0) {
		snprintf(err, errlen, "ebpf: cannot configure the probe's maps: %s", strerror(-k));
		goto fail;
	}
	e->batch = malloc(BATCH_BYTES);
	e->rb = ring_buffer__new(bpf_object__find_map_fd_by_name(e->obj, "saker_events"), on_record,
				 e, NULL);
	if (!e->batch || !e->rb) {
		k = e->batch ? -errno : -ENOMEM;
		snprintf(err, errlen, "ebpf: cannot map the ring buffer: %s", strerror(-k));
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
