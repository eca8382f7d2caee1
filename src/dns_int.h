/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by dns.c (the snapshots, the event thread's side) and dns_worker.c. */
#ifndef SAKER_DNS_INT_H
#define SAKER_DNS_INT_H

#include <netdb.h>
#include <pthread.h>
#include <stdatomic.h>

#include "dns.h"

struct dns_addr {
	uint8_t fam; /* 4 or 6, as in struct field_val */
	uint8_t a[16]; /* an IPv4 address in the first 4 bytes, the rest zero */
};

/* One (address, name) pair of a snapshot. */
struct dns_entry {
	struct dns_addr addr;
	uint32_t id;
};

/*
 * The answers at one moment, immutable once built: entries sorted by
 * address, and for one address by name, so the first is the name
 * fd.*ip.name shows.
 */
struct dns_snap {
	uint64_t gen; /* of the name list it was built for */
	uint32_t nnames;
	const char **names; /* by id; point into strs */
	size_t n;
	struct dns_entry *e;
	char *strs;
};

struct dns_addrset {
	const struct dns_addr *a;
	unsigned n;
};

/* A snapshot of names[i] -> sets[i] (sets NULL: no answers). NULL on ENOMEM. */
struct dns_snap *dns_snap_build(uint64_t gen, const char *const *names, size_t nnames,
				const struct dns_addrset *sets);
void dns_snap_free(struct dns_snap *s);
/* The entries of addr: index of the first, count in *ret_n (0: none). */
size_t dns_snap_find(const struct dns_snap *s, const struct dns_addr *addr, size_t *ret_n);
int dns_addr_cmp(const struct dns_addr *a, const struct dns_addr *b);
/* The interval to the next lookup of a name after an answer. */
uint64_t dns_next_interval(const struct dns_opts *o, uint64_t cur, bool changed);

/* One name, as the worker keeps it; allocated alone so cb never moves. */
struct dns_rec {
	char *name;
	bool skip; /* too long or over the limit: never looked up */
	bool answered; /* a first outcome: an answer, a failure or a timeout */
	bool got; /* an answer (addresses, or "no such name") */
	bool inflight, late;
	unsigned naddrs;
	struct dns_addr addrs[DNS_MAX_ADDRS]; /* sorted */
	uint64_t next_at, interval, started; /* CLOCK_MONOTONIC ns */
	struct addrinfo hints;
	struct gaicb cb; /* glibc's while inflight */
};

struct dns {
	struct dns_opts o;

	/* Event thread. */
	struct dns_snap *cur;
	uint64_t gen;
	uint64_t await_ns; /* dns_wait_on_use(): the first match waits this long, then 0 */

	/* The worker's latest snapshot, not yet adopted; whoever takes it frees it. */
	_Atomic(struct dns_snap *) published;

	/* Under lock. */
	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	pthread_t thread;
	bool started, stop;
	char **want; /* the names wanted since want_gen */
	size_t nwant;
	uint64_t want_gen, have_gen; /* have_gen: the list recs follow */
	struct dns_rec **recs; /* by id */
	size_t nrecs;
	struct dns_rec **zombies; /* dropped while glibc still had their lookup */
	size_t nzombies;
	unsigned pending; /* recs without a first outcome */
	struct dns_stats st;
};

/* dns_worker.c */
void *dns_worker_main(void *arg);
void dns_rec_free(struct dns_rec *r);
/* At exit, how long a lookup glibc is still doing is waited for (dns_free()). */
#define DNS_CLEANUP_NS 1000000000ull
/*
 * After the worker stopped: cancel or wait out (at most wait_ns) glibc's
 * lookups, free the rest; what glibc still has is leaked, not freed under it.
 */
void dns_worker_cleanup(struct dns *d, uint64_t wait_ns);

#endif /* SAKER_DNS_INT_H */
