// SPDX-License-Identifier: GPL-2.0-only
/*
 * The resolver thread. Lookups go through getaddrinfo_a(3) so that one
 * slow name neither holds up the others nor blocks this thread past its
 * timeout: each name has at most one lookup in flight, a lookup older than
 * the timeout is counted and its name served from what it had, and a late
 * answer is still taken when it comes. The container worker's queue does
 * not fit here (it answers one request once; these are refreshed forever).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "dns_int.h"
#include "util.h"

#define POLL_NS 20000000ull /* while a lookup is in flight, look at it this often */
#define IDLE_NS 3600000000000ull

void dns_rec_free(struct dns_rec *r)
{
	if (!r)
		return;
	if (r->cb.ar_result)
		freeaddrinfo(r->cb.ar_result);
	free(r->name);
	free(r);
}

static void start(struct dns *d, struct dns_rec *r, uint64_t now)
{
	struct gaicb *list[1] = { &r->cb };

	memset(&r->cb, 0, sizeof(r->cb));
	memset(&r->hints, 0, sizeof(r->hints));
	r->hints.ai_family = AF_UNSPEC; /* A and AAAA */
	r->hints.ai_socktype = SOCK_STREAM; /* one answer per address */
	r->cb.ar_name = r->name;
	r->cb.ar_request = &r->hints;
	d->st.lookups++;
	r->started = now;
	r->late = false;
	if (getaddrinfo_a(GAI_NOWAIT, list, 1, NULL) != 0) {
		d->st.failures++;
		r->answered = true;
		r->next_at = now + d->o.refresh_ns;
		return;
	}
	r->inflight = true;
}

static int addr_qcmp(const void *a, const void *b)
{
	return dns_addr_cmp(a, b);
}

/* The answer's distinct addresses, sorted; at most DNS_MAX_ADDRS. */
static unsigned collect(struct dns *d, const struct addrinfo *ai, struct dns_addr *out)
{
	unsigned n = 0;

	for (; ai; ai = ai->ai_next) {
		struct dns_addr a = { 0 };
		bool dup = false;

		if (ai->ai_family == AF_INET && ai->ai_addrlen >= sizeof(struct sockaddr_in)) {
			a.fam = 4;
			memcpy(a.a, &((const struct sockaddr_in *)ai->ai_addr)->sin_addr, 4);
		} else if (ai->ai_family == AF_INET6 &&
			   ai->ai_addrlen >= sizeof(struct sockaddr_in6)) {
			a.fam = 6;
			memcpy(a.a, &((const struct sockaddr_in6 *)ai->ai_addr)->sin6_addr, 16);
		} else {
			continue;
		}
		for (unsigned i = 0; i < n && !dup; i++)
			dup = !dns_addr_cmp(&out[i], &a);
		if (dup)
			continue;
		if (n == DNS_MAX_ADDRS) {
			d->st.truncated++;
			break;
		}
		out[n++] = a;
	}
	qsort(out, n, sizeof(*out), addr_qcmp);
	return n;
}

/* A lookup finished with err; returns whether the name's addresses changed. */
static bool harvest(struct dns *d, struct dns_rec *r, int err, uint64_t now)
{
	struct dns_addr got[DNS_MAX_ADDRS];
	unsigned n = 0;
	bool changed;

	r->inflight = false;
	r->answered = true;
	if (err == 0) {
		r->got = true;
		n = collect(d, r->cb.ar_result, got);
		freeaddrinfo(r->cb.ar_result);
		r->cb.ar_result = NULL;
	} else {
		d->st.failures++;
		/* The name does not exist (any more): no address. Else try again soon. */
		if (err != EAI_NONAME && err != EAI_NODATA && err != EAI_ADDRFAMILY) {
			r->next_at = now + d->o.refresh_ns;
			return false;
		}
		r->got = true;
	}
	changed = n != r->naddrs || memcmp(got, r->addrs, n * sizeof(*got));
	if (changed) {
		memcpy(r->addrs, got, n * sizeof(*got));
		r->naddrs = n;
		d->st.changes++;
	}
	r->interval = dns_next_interval(&d->o, r->interval, changed);
	r->next_at = now + r->interval;
	return changed;
}

static void drop(struct dns *d, struct dns_rec *r)
{
	struct dns_rec **z;

	if (!r->inflight || gai_cancel(&r->cb) == EAI_ALLDONE ||
	    gai_error(&r->cb) != EAI_INPROGRESS) {
		dns_rec_free(r);
		return;
	}
	z = realloc(d->zombies, (d->nzombies + 1) * sizeof(*z));
	if (!z)
		return; /* glibc still writes to it: leaking is the safe choice */
	d->zombies = z;
	d->zombies[d->nzombies++] = r;
}

static struct dns_rec *new_rec(const char *name, bool skip)
{
	struct dns_rec *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->name = strdup(name);
	if (!r->name) {
		free(r);
		return NULL;
	}
	r->skip = skip;
	r->answered = skip;
	return r;
}

/* Follow a new name list: keep what is known of names still wanted. All or nothing. */
static int reconcile(struct dns *d)
{
	struct dns_rec **recs = calloc(d->nwant ? d->nwant : 1, sizeof(*recs));
	bool *kept = calloc(d->nrecs ? d->nrecs : 1, sizeof(*kept));
	bool *fresh = calloc(d->nwant ? d->nwant : 1, sizeof(*fresh));
	unsigned ignored = 0;
	size_t i;

	if (!recs || !kept || !fresh)
		goto fail;
	for (i = 0; i < d->nwant; i++) {
		size_t len = strlen(d->want[i]);
		bool skip = i >= DNS_MAX_NAMES || !len || len > DNS_NAME_MAX;

		for (size_t k = 0; k < d->nrecs && !recs[i]; k++)
			if (!kept[k] && !strcmp(d->recs[k]->name, d->want[i])) {
				recs[i] = d->recs[k];
				kept[k] = true;
			}
		if (!recs[i]) {
			recs[i] = new_rec(d->want[i], skip);
			fresh[i] = true;
		}
		if (!recs[i])
			goto fail;
		recs[i]->skip = skip;
		ignored += skip;
	}
	for (size_t k = 0; k < d->nrecs; k++)
		if (!kept[k])
			drop(d, d->recs[k]);
	free(d->recs);
	free(kept);
	free(fresh);
	d->recs = recs;
	d->nrecs = d->nwant;
	d->have_gen = d->want_gen;
	d->st.names = (unsigned)d->nrecs - ignored;
	d->st.ignored = ignored;
	return 0;
fail:
	/* The old list stays as it was; only the new records (never started) go. */
	for (size_t k = 0; recs && fresh && k < d->nwant; k++)
		if (fresh[k])
			dns_rec_free(recs[k]);
	free(recs);
	free(kept);
	free(fresh);
	return -ENOMEM;
}

/* False on ENOMEM: the event thread keeps its answers and the next pass retries. */
static bool publish(struct dns *d)
{
	const char **names = calloc(d->nrecs ? d->nrecs : 1, sizeof(*names));
	struct dns_addrset *sets = calloc(d->nrecs ? d->nrecs : 1, sizeof(*sets));
	struct dns_snap *s = NULL;

	if (names && sets) {
		for (size_t i = 0; i < d->nrecs; i++) {
			names[i] = d->recs[i]->name;
			sets[i] = (struct dns_addrset){ d->recs[i]->addrs, d->recs[i]->naddrs };
		}
		s = dns_snap_build(d->have_gen, names, d->nrecs, sets);
	}
	free(names);
	free(sets);
	if (!s)
		return false;
	dns_snap_free(atomic_exchange_explicit(&d->published, s, memory_order_acq_rel));
	return true;
}

static void reap(struct dns *d)
{
	size_t k = 0;

	for (size_t i = 0; i < d->nzombies; i++) {
		if (gai_error(&d->zombies[i]->cb) == EAI_INPROGRESS)
			d->zombies[k++] = d->zombies[i];
		else
			dns_rec_free(d->zombies[i]);
	}
	d->nzombies = k;
}

/* Take the outcome of r's lookup if it has one; count it late past the timeout. */
static void check(struct dns *d, struct dns_rec *r, uint64_t now, bool *changed)
{
	int err = gai_error(&r->cb);

	if (err != EAI_INPROGRESS) {
		*changed |= harvest(d, r, err, now);
	} else if (!r->late && now - r->started >= d->o.timeout_ns) {
		r->late = true;
		r->answered = true; /* what it had stands; the answer may still come */
		d->st.timeouts++;
	}
}

/* One pass over the names; returns when the next one is due. Caller holds the lock. */
static uint64_t pass(struct dns *d, uint64_t now, bool *changed)
{
	uint64_t next = now + IDLE_NS;
	unsigned pending = 0, unanswered = 0, active = 0;

	for (size_t i = 0; i < d->nrecs; i++) {
		struct dns_rec *r = d->recs[i];

		if (r->inflight)
			check(d, r, now, changed);
		active += r->inflight && !r->late;
	}
	for (size_t i = 0; i < d->nrecs; i++) {
		struct dns_rec *r = d->recs[i];

		if (r->skip)
			continue;
		/* Late lookups do not hold a slot: at most one per name is in flight anyway. */
		if (!r->inflight && now >= r->next_at && active < DNS_MAX_INFLIGHT) {
			start(d, r, now);
			active += r->inflight;
		}
		if (r->inflight || now >= r->next_at)
			next = now + POLL_NS < next ? now + POLL_NS : next;
		else if (r->next_at < next)
			next = r->next_at;
		pending += !r->answered;
		unanswered += !r->got;
	}
	if (d->nzombies) {
		reap(d);
		next = now + POLL_NS < next ? now + POLL_NS : next;
	}
	d->pending = pending;
	d->st.unanswered = unanswered;
	return next;
}

void *dns_worker_main(void *arg)
{
	struct dns *d = arg;
	bool unpublished = false;

	pthread_mutex_lock(&d->lock);
	while (!d->stop) {
		uint64_t now = clock_ns(CLOCK_MONOTONIC), next;
		bool retry = false;
		struct timespec ts;

		if (d->have_gen != d->want_gen) {
			if (reconcile(d) == 0)
				unpublished = true;
			else
				retry = true; /* ENOMEM: try again shortly */
		}
		next = pass(d, now, &unpublished);
		if (unpublished)
			unpublished = !publish(d);
		if (retry || unpublished)
			next = now + POLL_NS < next ? now + POLL_NS : next;
		d->st.answered = (unsigned)d->nrecs - d->st.ignored - d->pending;
		pthread_cond_broadcast(&d->done);
		ts = (struct timespec){ .tv_sec = (time_t)(next / 1000000000ull),
					.tv_nsec = (long)(next % 1000000000ull) };
		/* set_names() needs the lock, so it cannot signal between the pass and here. */
		if (!d->stop)
			pthread_cond_timedwait(&d->wake, &d->lock, &ts);
	}
	pthread_mutex_unlock(&d->lock);
	return NULL;
}

void dns_worker_cleanup(struct dns *d, uint64_t wait_ns)
{
	uint64_t until = clock_ns(CLOCK_MONOTONIC) + wait_ns;

	for (size_t i = 0; i < d->nrecs; i++)
		drop(d, d->recs[i]);
	free(d->recs);
	d->recs = NULL;
	d->nrecs = 0;
	/* What glibc could not cancel ends within its resolver's timeouts; wait a little. */
	while (d->nzombies && clock_ns(CLOCK_MONOTONIC) < until) {
		const struct gaicb *list[64];
		struct timespec ts = { .tv_nsec = (long)POLL_NS };
		size_t n = d->nzombies < ARRAY_SIZE(list) ? d->nzombies : ARRAY_SIZE(list);

		for (size_t i = 0; i < n; i++)
			list[i] = &d->zombies[i]->cb;
		gai_suspend(list, (int)n, &ts);
		reap(d);
	}
	/* Any left are still glibc's: they are leaked, not freed under it. */
	free(d->zombies);
	d->zombies = NULL;
	d->nzombies = 0;
}
