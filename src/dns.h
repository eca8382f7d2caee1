/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Domain names for fd.cip.name, fd.sip.name, fd.lip.name and fd.rip.name.
 *
 * The names are those the rules compare these fields with (collected when
 * conditions are compiled). A worker thread resolves each with
 * getaddrinfo(3) (every A and AAAA answer) and re-resolves it on Falco's
 * schedule: 10 s after an answer, doubling while the answers stay the same,
 * up to 320 s. The event thread never resolves: it reads an immutable
 * snapshot of the answers, which the worker replaces when they change and
 * the event thread adopts between events (dns_poll()). A name with no
 * answer yet has no address, so nothing matches it.
 *
 * Threads: everything but dns_wait() and dns_get_stats() belongs to one
 * thread (the one evaluating rules).
 */
#ifndef SAKER_DNS_H
#define SAKER_DNS_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fields.h"

#define DNS_MAX_NAMES 1024 /* names resolved; further ones never match */
#define DNS_MAX_ADDRS 64 /* addresses kept per name */
#define DNS_NAME_MAX 253 /* longer names are not looked up */
/*
 * Lookups at once, not counting those past the timeout (at most one per
 * name anyway), so as not to flood the resolver. Below glibc's 20 helper
 * threads, so that a few hung lookups leave room for the others.
 */
#define DNS_MAX_INFLIGHT 16

#define DNS_REFRESH_NS 10000000000ull /* Falco's base refresh */
#define DNS_REFRESH_MAX_NS 320000000000ull /* and its ceiling */
#define DNS_TIMEOUT_NS 5000000000ull /* one lookup, before it counts as timed out */

struct dns_opts {
	uint64_t refresh_ns, refresh_max_ns, timeout_ns; /* 0: the defaults above */
};

struct dns_stats {
	unsigned names; /* being resolved */
	unsigned answered; /* of those, with a first outcome (an answer, a failure, a timeout) */
	unsigned unanswered; /* of those, with no answer yet (timed out, failing, in flight) */
	unsigned ignored; /* not resolved: too many, or too long */
	uint64_t lookups, failures, timeouts, changes, truncated;
};

struct dns;

/* NULL opts: the defaults. NULL with errno on failure. */
struct dns *dns_new(const struct dns_opts *o);
/*
 * Stops the worker. Lookups glibc is still doing are waited for (at most
 * 1 s) so that their memory is not freed under it. Accepts NULL.
 */
void dns_free(struct dns *d);
/*
 * The same when the process is about to exit: lookups in flight are not
 * waited for (their memory goes with the process). A short launched
 * command would otherwise wait at its end for an answer nobody reads.
 */
void dns_free_exiting(struct dns *d);

/*
 * The names to resolve from now on; name i has id i for dns_match(). Answers
 * already known for a name are kept. Starts the worker on first use.
 */
int dns_set_names(struct dns *d, const char *const *names, size_t n);

/*
 * Wait until every name has had its first answer (or failure or timeout),
 * at most timeout_ns. True if they all have. Any thread.
 */
bool dns_wait(struct dns *d, uint64_t timeout_ns);
/*
 * Instead of dns_wait() now: the first dns_match() or dns_name_of() waits
 * (at most timeout_ns) and adopts the first answers. For a daemon that
 * must not hold its start on the resolver but still wants the first
 * comparison with a name to see its answer (ptrace launch mode).
 */
void dns_wait_on_use(struct dns *d, uint64_t timeout_ns);
void dns_get_stats(struct dns *d, struct dns_stats *ret);

/*
 * Adopt the worker's latest answers. Called before each event: strings
 * returned by dns_name_of() stay valid until the next call.
 */
void dns_poll(struct dns *d);

/* Is the address one of those of any name in ids (sorted)? False for d NULL. */
bool dns_match(struct dns *d, const uint32_t *ids, size_t nids, const struct field_val *ip);
/* The (alphabetically first) name the address belongs to, or NULL. */
const char *dns_name_of(struct dns *d, const struct field_val *ip);

#endif /* SAKER_DNS_H */
