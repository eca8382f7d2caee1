// SPDX-License-Identifier: GPL-2.0-only
/*
 * The answers the event thread reads, and its side of the exchange with
 * the resolver thread (dns_worker.c). Reads take no lock: the event thread
 * owns its snapshot and swaps in a newer one only in dns_poll().
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "dns_int.h"
#include "util.h"

int dns_addr_cmp(const struct dns_addr *a, const struct dns_addr *b)
{
	if (a->fam != b->fam)
		return a->fam < b->fam ? -1 : 1;
	return memcmp(a->a, b->a, sizeof(a->a));
}

uint64_t dns_next_interval(const struct dns_opts *o, uint64_t cur, bool changed)
{
	if (changed || cur < o->refresh_ns)
		return o->refresh_ns;
	return cur >= o->refresh_max_ns / 2 ? o->refresh_max_ns : cur * 2;
}

static int entry_cmp(const void *pa, const void *pb, void *names)
{
	const struct dns_entry *a = pa, *b = pb;
	const char *const *n = names;
	int c = dns_addr_cmp(&a->addr, &b->addr);

	return c ? c : strcmp(n[a->id], n[b->id]);
}

void dns_snap_free(struct dns_snap *s)
{
	if (!s)
		return;
	free(s->names);
	free(s->e);
	free(s->strs);
	free(s);
}

struct dns_snap *dns_snap_build(uint64_t gen, const char *const *names, size_t nnames,
				const struct dns_addrset *sets)
{
	struct dns_snap *s = calloc(1, sizeof(*s));
	size_t total = 0, used = 0, k = 0;

	if (!s)
		return NULL;
	s->gen = gen;
	s->nnames = (uint32_t)nnames;
	for (size_t i = 0; i < nnames; i++) {
		total += strlen(names[i]) + 1;
		s->n += sets && sets[i].a ? sets[i].n : 0;
	}
	s->names = calloc(nnames ? nnames : 1, sizeof(*s->names));
	s->strs = malloc(total ? total : 1);
	s->e = calloc(s->n ? s->n : 1, sizeof(*s->e));
	if (!s->names || !s->strs || !s->e) {
		dns_snap_free(s);
		return NULL;
	}
	for (size_t i = 0; i < nnames; i++) {
		size_t len = strlen(names[i]) + 1;

		memcpy(s->strs + used, names[i], len);
		s->names[i] = s->strs + used;
		used += len;
		for (unsigned j = 0; sets && sets[i].a && j < sets[i].n; j++)
			s->e[k++] = (struct dns_entry){ .addr = sets[i].a[j], .id = (uint32_t)i };
	}
	/* Both threads build snapshots: qsort_r, no shared state. */
	qsort_r(s->e, s->n, sizeof(*s->e), entry_cmp, s->names);
	return s;
}

size_t dns_snap_find(const struct dns_snap *s, const struct dns_addr *addr, size_t *ret_n)
{
	size_t lo = 0, hi = s ? s->n : 0, end;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (dns_addr_cmp(&s->e[mid].addr, addr) < 0)
			lo = mid + 1;
		else
			hi = mid;
	}
	for (end = lo; s && end < s->n && !dns_addr_cmp(&s->e[end].addr, addr); end++)
		;
	*ret_n = end - lo;
	return lo;
}

static bool to_addr(const struct field_val *ip, struct dns_addr *ret)
{
	if (ip->ip.fam != 4 && ip->ip.fam != 6)
		return false;
	memset(ret, 0, sizeof(*ret));
	ret->fam = ip->ip.fam;
	memcpy(ret->a, ip->ip.a, ip->ip.fam == 4 ? 4 : 16);
	return true;
}

static bool has_id(const uint32_t *ids, size_t n, uint32_t id)
{
	size_t lo = 0, hi = n;

	while (lo < hi) {
		size_t mid = lo + (hi - lo) / 2;

		if (ids[mid] == id)
			return true;
		if (ids[mid] < id)
			lo = mid + 1;
		else
			hi = mid;
	}
	return false;
}

/* The first use after dns_wait_on_use(): wait for the first answers, then adopt them. */
static void settle(struct dns *d)
{
	uint64_t t = d->await_ns;

	d->await_ns = 0;
	dns_wait(d, t);
	dns_poll(d);
}

void dns_wait_on_use(struct dns *d, uint64_t timeout_ns)
{
	if (d)
		d->await_ns = timeout_ns;
}

bool dns_match(struct dns *d, const uint32_t *ids, size_t nids, const struct field_val *ip)
{
	struct dns_addr a;
	size_t i, n;

	if (d && d->await_ns)
		settle(d);
	if (!d || !d->cur || !to_addr(ip, &a))
		return false;
	for (i = dns_snap_find(d->cur, &a, &n); n--; i++)
		if (has_id(ids, nids, d->cur->e[i].id))
			return true;
	return false;
}

const char *dns_name_of(struct dns *d, const struct field_val *ip)
{
	struct dns_addr a;
	size_t i, n;

	if (d && d->await_ns)
		settle(d);
	if (!d || !d->cur || !to_addr(ip, &a))
		return NULL;
	i = dns_snap_find(d->cur, &a, &n);
	return n ? d->cur->names[d->cur->e[i].id] : NULL;
}

void dns_poll(struct dns *d)
{
	struct dns_snap *s;

	if (!d || !atomic_load_explicit(&d->published, memory_order_relaxed))
		return;
	s = atomic_exchange_explicit(&d->published, NULL, memory_order_acq_rel);
	if (!s)
		return;
	if (s->gen != d->gen) { /* built for a name list since replaced */
		dns_snap_free(s);
		return;
	}
	dns_snap_free(d->cur);
	d->cur = s;
}

struct dns *dns_new(const struct dns_opts *o)
{
	struct dns *d = calloc(1, sizeof(*d));
	pthread_condattr_t ca;

	if (!d)
		return NULL;
	if (o)
		d->o = *o;
	if (!d->o.refresh_ns)
		d->o.refresh_ns = DNS_REFRESH_NS;
	if (!d->o.refresh_max_ns)
		d->o.refresh_max_ns = DNS_REFRESH_MAX_NS;
	if (!d->o.timeout_ns)
		d->o.timeout_ns = DNS_TIMEOUT_NS;
	pthread_mutex_init(&d->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&d->wake, &ca);
	pthread_cond_init(&d->done, &ca);
	pthread_condattr_destroy(&ca);
	atomic_init(&d->published, NULL);
	return d;
}

static void free_names(char **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		free(v[i]);
	free(v);
}

static void free_dns(struct dns *d, uint64_t wait_ns)
{
	if (!d)
		return;
	if (d->started) {
		pthread_mutex_lock(&d->lock);
		d->stop = true;
		pthread_cond_broadcast(&d->wake);
		pthread_mutex_unlock(&d->lock);
		pthread_join(d->thread, NULL);
	}
	dns_worker_cleanup(d, wait_ns);
	free_names(d->want, d->nwant);
	dns_snap_free(atomic_exchange(&d->published, NULL));
	dns_snap_free(d->cur);
	pthread_mutex_destroy(&d->lock);
	pthread_cond_destroy(&d->wake);
	pthread_cond_destroy(&d->done);
	free(d);
}

void dns_free(struct dns *d)
{
	free_dns(d, DNS_CLEANUP_NS);
}

void dns_free_exiting(struct dns *d)
{
	free_dns(d, 0);
}

/* The new list's snapshot, with what the current one knows of each name. */
static struct dns_snap *carry_over(const struct dns_snap *cur, uint64_t gen,
				   const char *const *names, size_t n)
{
	size_t nold = cur ? cur->nnames : 0, nent = cur ? cur->n : 0;
	int32_t *to = calloc(nold ? nold : 1, sizeof(*to)); /* old id -> new id, or -1 */
	struct dns_addrset *sets = calloc(n ? n : 1, sizeof(*sets));
	struct dns_addr *addrs = calloc(nent ? nent : 1, sizeof(*addrs));
	unsigned *fill = calloc(n ? n : 1, sizeof(*fill));
	struct dns_snap *s = NULL;
	size_t used = 0;

	if (!to || !sets || !addrs || !fill)
		goto out;
	for (size_t j = 0; j < nold; j++) {
		to[j] = -1;
		for (size_t i = 0; i < n && to[j] < 0; i++)
			if (!strcmp(cur->names[j], names[i]))
				to[j] = (int32_t)i;
	}
	for (size_t k = 0; k < nent; k++)
		if (to[cur->e[k].id] >= 0)
			sets[to[cur->e[k].id]].n++;
	for (size_t i = 0; i < n; i++) {
		sets[i].a = addrs + used;
		used += sets[i].n;
	}
	for (size_t k = 0; k < nent; k++) {
		int32_t i = to[cur->e[k].id];

		if (i >= 0)
			addrs[sets[i].a - addrs + fill[i]++] = cur->e[k].addr;
	}
	s = dns_snap_build(gen, names, n, sets);
out:
	free(to);
	free(sets);
	free(addrs);
	free(fill);
	return s;
}

int dns_set_names(struct dns *d, const char *const *names, size_t n)
{
	char **copy = calloc(n ? n : 1, sizeof(*copy));
	struct dns_snap *s = NULL;
	int r = -ENOMEM;

	for (size_t i = 0; copy && i < n; i++)
		if (!(copy[i] = strdup(names[i]))) {
			free_names(copy, i);
			copy = NULL;
		}
	if (copy)
		s = carry_over(d->cur, d->gen + 1, names, n);
	if (!s)
		goto fail;
	pthread_mutex_lock(&d->lock);
	/* Nothing changes unless the worker runs: it waits for the lock meanwhile. */
	if (!d->started && n) {
		r = -pthread_create(&d->thread, NULL, dns_worker_main, d);
		if (r < 0) {
			pthread_mutex_unlock(&d->lock);
			goto fail;
		}
		d->started = true;
	}
	d->gen++;
	dns_snap_free(d->cur);
	d->cur = s;
	free_names(d->want, d->nwant);
	d->want = copy;
	d->nwant = n;
	d->want_gen = d->gen;
	if (!d->started)
		d->have_gen = d->want_gen; /* nothing to look up */
	pthread_cond_broadcast(&d->wake);
	pthread_mutex_unlock(&d->lock);
	return 0;
fail:
	dns_snap_free(s);
	if (copy)
		free_names(copy, n);
	return r;
}

bool dns_wait(struct dns *d, uint64_t timeout_ns)
{
	uint64_t until = clock_ns(CLOCK_MONOTONIC) + timeout_ns;
	struct timespec ts = { .tv_sec = (time_t)(until / 1000000000ull),
			       .tv_nsec = (long)(until % 1000000000ull) };
	bool ready;

	pthread_mutex_lock(&d->lock);
	while (!(ready = d->have_gen == d->want_gen && !d->pending) &&
	       pthread_cond_timedwait(&d->done, &d->lock, &ts) == 0)
		;
	ready = d->have_gen == d->want_gen && !d->pending;
	pthread_mutex_unlock(&d->lock);
	return ready;
}

void dns_get_stats(struct dns *d, struct dns_stats *ret)
{
	pthread_mutex_lock(&d->lock);
	*ret = d->st;
	pthread_mutex_unlock(&d->lock);
}
