// SPDX-License-Identifier: GPL-2.0-only
/*
 * Kernel module source. Each CPU's ring is mapped read-only (twice back to
 * back, so a record is always contiguous) with a control page holding the
 * kernel's head and our tail. Records are handed out straight from the
 * mapping, oldest first across CPUs, and the tail moves past a record only
 * when the next one is asked for.
 */
#include <errno.h>
#include <poll.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <fcntl.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>

#include "../drivers/kmod/saker_ioctl.h"
#include "event.h"
#include "src_kmod.h"
#include "util.h"

struct kring {
	struct saker_ring_ctl *ctl; /* NULL for CPUs that cannot exist */
	const uint8_t *data;
	uint64_t tail; /* our copy; published to ctl->tail */
};

struct src_kmod {
	struct source s;
	int fd;
	uint32_t size;
	uint32_t ncpu;
	struct kring *rings;
	int cur; /* ring of the record handed out last, or -1 */
	uint32_t cur_len;
	struct src_stats st;
};

/* Bounds on what the module reports, so a confused module cannot make us map the world. */
#define KMOD_MAX_CPUS 8192u
#define KMOD_MAX_RING (1u << 30)

static void release_current(struct src_kmod *k)
{
	struct kring *r;

	if (k->cur < 0)
		return;
	r = &k->rings[k->cur];
	r->tail += SAKER_RING_ALIGN(k->cur_len);
	/* Done reading the record before the kernel may overwrite it. */
	__atomic_store_n(&r->ctl->tail, r->tail, __ATOMIC_RELEASE);
	k->cur = -1;
}

/* The oldest record at the head of any ring: 1 found, 0 none, -EBADMSG. */
static int pick_oldest(struct src_kmod *k, int *ret_cpu)
{
	uint64_t best_ts = UINT64_MAX;
	int best = -1;
	uint32_t c;

	for (c = 0; c < k->ncpu; c++) {
		struct kring *r = &k->rings[c];
		struct saker_rec_hdr h;
		uint64_t head, avail;

		if (!r->ctl)
			continue;
		head = __atomic_load_n(&r->ctl->head, __ATOMIC_ACQUIRE);
		avail = head - r->tail;
		if (!avail)
			continue;
		if (avail > k->size || avail < SAKER_HDR_SIZE)
			goto bad;
		memcpy(&h, r->data + (r->tail & (k->size - 1)), sizeof(h));
		if (h.len < SAKER_HDR_SIZE || h.len > SAKER_REC_MAX ||
		    SAKER_RING_ALIGN(h.len) > avail)
			goto bad;
		if (h.ts < best_ts) {
			best_ts = h.ts;
			best = (int)c;
		}
		continue;
bad:
		snprintf(k->s.error, sizeof(k->s.error),
			 "kmod: ring of CPU %u is inconsistent (head %llu, tail %llu)", c,
			 (unsigned long long)head, (unsigned long long)r->tail);
		return -EBADMSG;
	}
	if (best < 0)
		return 0;
	*ret_cpu = best;
	return 1;
}

static int kmod_next(struct source *s, int timeout_ms, const void **ret_rec)
{
	struct src_kmod *k = (struct src_kmod *)s;
	uint64_t deadline = 0;

	release_current(k);
	if (timeout_ms > 0)
		deadline = clock_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000ull;
	for (;;) {
		struct pollfd pfd = { .fd = k->fd, .events = POLLIN };
		int cpu, n, slice = 10;
		const uint8_t *rec;

		n = pick_oldest(k, &cpu);
		if (n < 0)
			return n;
		if (n > 0) {
			rec = k->rings[cpu].data + (k->rings[cpu].tail & (k->size - 1));
			k->cur = cpu;
			memcpy(&k->cur_len, rec + offsetof(struct saker_rec_hdr, len), 4);
			k->st.records++;
			*ret_rec = rec;
			return SRC_RECORD;
		}
		if (timeout_ms == 0)
			return SRC_TIMEOUT;
		if (timeout_ms > 0) {
			uint64_t now = clock_ns(CLOCK_MONOTONIC);

			if (now >= deadline)
				return SRC_TIMEOUT;
			if ((deadline - now) / 1000000ull < (uint64_t)slice)
				slice = (int)((deadline - now) / 1000000ull) + 1;
		}
		/* The module wakes us only when a ring fills up: poll in short slices. */
		if (poll(&pfd, 1, slice) < 0 && errno != EINTR) {
			snprintf(s->error, sizeof(s->error), "kmod: poll: %s", strerror(errno));
			return -errno;
		}
	}
}

static int kmod_stats(struct source *s, struct src_stats *ret)
{
	struct src_kmod *k = (struct src_kmod *)s;
	struct src_stats st = k->st;
	uint32_t c, i;

	for (c = 0; c < k->ncpu; c++) {
		struct saker_ioc_stats ks = { .cpu = c };

		if (!k->rings[c].ctl)
			continue;
		if (ioctl(k->fd, SAKER_IOC_GET_STATS, &ks) < 0) {
			snprintf(s->error, sizeof(s->error), "kmod: stats of CPU %u: %s", c,
				 strerror(errno));
			return -errno;
		}
		for (i = 0; i < SAKER_DROP_MAX; i++)
			st.drops[i] += ks.drops[i];
	}
	*ret = st;
	return 0;
}

/* What the rules want, plus what state tracking always needs. */
static int kmod_set_interest(struct source *s, const struct src_interest *want)
{
	struct src_kmod *k = (struct src_kmod *)s;
	struct saker_ioc_interest in = { .nbits = SAKER_EV_MAX };
	unsigned t;

	for (t = 0; t < SAKER_EV_MAX; t++)
		if (src_interest_has(want, t) || (evt_table[t].flags & SAKER_EF_STATE))
			in.bits[t / 8] |= (uint8_t)(1u << (t % 8));
	if (ioctl(k->fd, SAKER_IOC_SET_INTEREST, &in) < 0) {
		snprintf(s->error, sizeof(s->error), "kmod: set interest: %s", strerror(errno));
		return -errno;
	}
	return 0;
}

static void kmod_close(struct source *s)
{
	struct src_kmod *k = (struct src_kmod *)s;
	uint32_t c;

	if (!k)
		return;
	for (c = 0; k->rings && c < k->ncpu; c++) {
		if (k->rings[c].ctl)
			munmap(k->rings[c].ctl, (size_t)sysconf(_SC_PAGESIZE));
		if (k->rings[c].data)
			munmap((void *)k->rings[c].data, 2ul * k->size);
	}
	free(k->rings);
	if (k->fd >= 0)
		close(k->fd);
	free(k);
}

static const struct src_ops kmod_ops = {
	.name = "kmod",
	.next = kmod_next,
	.stats = kmod_stats,
	.set_interest = kmod_set_interest,
	.close = kmod_close,
};

static int open_device(const char *dev, char *err, size_t errlen)
{
	int fd = open(dev, O_RDWR | O_CLOEXEC);

	if (fd >= 0)
		return fd;
	if (errno == ENOENT)
		snprintf(
			err, errlen,
			"kmod: %s does not exist: the saker module is not loaded (build and load it "
			"with saker-driver-loader)",
			dev);
	else if (errno == EBUSY)
		snprintf(err, errlen, "kmod: %s is busy: another saker is already reading it", dev);
	else
		snprintf(err, errlen, "kmod: cannot open %s: %s", dev, strerror(errno));
	return -errno;
}

static int check_version(struct src_kmod *k, char *err, size_t errlen)
{
	struct saker_ioc_version v;

	if (ioctl(k->fd, SAKER_IOC_VERSION, &v) < 0) {
		snprintf(err, errlen, "kmod: cannot read the module's ABI version: %s",
			 strerror(errno));
		return -errno;
	}
	if (v.major != SAKER_ABI_MAJOR) {
		snprintf(err, errlen,
			 "kmod: the loaded saker module speaks event ABI %u.%u, this saker needs "
			 "%u.x: rebuild and reload it with saker-driver-loader",
			 v.major, v.minor, SAKER_ABI_MAJOR);
		return -EPROTO;
	}
	if (v.ring_size < 4096 || v.ring_size > KMOD_MAX_RING ||
	    (v.ring_size & (v.ring_size - 1)) || !v.nr_cpu_ids || v.nr_cpu_ids > KMOD_MAX_CPUS) {
		snprintf(err, errlen, "kmod: the module reports a ring of %u bytes for %u CPUs",
			 v.ring_size, v.nr_cpu_ids);
		return -EPROTO;
	}
	k->size = v.ring_size;
	k->ncpu = v.nr_cpu_ids;
	return 0;
}

/* CPUs that can never exist have no ring: their mmap fails with EINVAL. */
static int map_rings(struct src_kmod *k, char *err, size_t errlen)
{
	long page = sysconf(_SC_PAGESIZE);
	uint32_t c, mapped = 0;

	k->rings = calloc(k->ncpu, sizeof(*k->rings));
	if (!k->rings)
		return -ENOMEM;
	for (c = 0; c < k->ncpu; c++) {
		off_t ctl = (off_t)(SAKER_MMAP_PGOFF(c, SAKER_MMAP_CTL) * (uint64_t)page);
		off_t data = (off_t)(SAKER_MMAP_PGOFF(c, SAKER_MMAP_DATA) * (uint64_t)page);
		void *p = mmap(NULL, (size_t)page, PROT_READ | PROT_WRITE, MAP_SHARED, k->fd, ctl);

		if (p == MAP_FAILED && errno == EINVAL)
			continue;
		if (p == MAP_FAILED)
			goto fail;
		k->rings[c].ctl = p;
		k->rings[c].tail = __atomic_load_n(&k->rings[c].ctl->tail, __ATOMIC_ACQUIRE);
		p = mmap(NULL, 2ul * k->size, PROT_READ, MAP_SHARED, k->fd, data);
		if (p == MAP_FAILED)
			goto fail;
		k->rings[c].data = p;
		mapped++;
	}
	if (!mapped) {
		snprintf(err, errlen, "kmod: the module offers no ring");
		return -ENODEV;
	}
	return 0;
fail:
	snprintf(err, errlen, "kmod: cannot map the ring of CPU %u: %s", c, strerror(errno));
	return -errno;
}

int src_kmod_open(const char *device, struct source **ret, char *err, size_t errlen)
{
	struct src_kmod *k = calloc(1, sizeof(*k));
	struct src_interest all;
	int r;

	if (!k)
		return -ENOMEM;
	k->cur = -1;
	k->fd = open_device(device ? device : SRC_KMOD_DEVICE, err, errlen);
	if (k->fd < 0) {
		r = k->fd;
		goto fail;
	}
	r = check_version(k, err, errlen);
	if (r < 0)
		goto fail;
	r = map_rings(k, err, errlen);
	if (r < 0)
		goto fail;
	k->s.ops = &kmod_ops;
	k->s.driver = "kmod";
	k->s.boot_offset_ns = util_boot_offset_ns();
	k->s.start_ns = clock_ns(CLOCK_REALTIME);
	memset(&all, 0xff, sizeof(all));
	r = kmod_set_interest(&k->s, &all);
	if (r >= 0 && ioctl(k->fd, SAKER_IOC_START, 0) < 0)
		r = -errno;
	if (r < 0) {
		snprintf(err, errlen, "kmod: cannot start capture: %s", strerror(-r));
		goto fail;
	}
	snprintf(err, errlen, "kmod: %u bytes per CPU, event ABI %u.%u", k->size, SAKER_ABI_MAJOR,
		 SAKER_ABI_MINOR);
	*ret = &k->s;
	return 0;
fail:
	kmod_close(&k->s);
	return r;
}
