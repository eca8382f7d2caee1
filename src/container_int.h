/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by container_meta.c (the cache) and container_worker.c (the lookups). */
#ifndef SAKER_CONTAINER_INT_H
#define SAKER_CONTAINER_INT_H

#include <pthread.h>
#include <stdatomic.h>

#include "container.h"

#define CM_MAX_ATTEMPTS 3
#define CM_RETRY_BASE_NS 2000000000ull
/*
 * An entry whose processes are all gone is kept this long before it is
 * removed: runtimes start containers through helpers that exit before the
 * container's own process is seen, and a restarted container keeps its id.
 */
#define CM_GRACE_NS 5000000000ull
#define CM_SCAN_NS 500000000ull /* retries and removals are looked for this often */

struct cm_entry {
	struct container_entry pub;
	struct cm_entry *next; /* hash chain */
	struct container_info *info;
	uint32_t nprocs; /* processes known to be in it */
	uint32_t gen; /* of the outstanding or last lookup */
	uint8_t attempts;
	uint64_t retry_at; /* CLOCK_MONOTONIC ns; 0: no retry due */
	uint64_t empty_since; /* no process left since (0: not yet stamped by a poll) */
	bool empty;
};

/* A request, and its answer: the same block travels both ways. */
struct cm_job {
	struct cm_job *next;
	char id[CONTAINERID_FULL_MAX], full[CONTAINERID_FULL_MAX];
	enum containerid_runtime runtime;
	uint32_t gen;
	int result; /* 0 found, -ENOENT none knew it, -ENODEV no runtime, else transient */
	struct container_info *info;
	/* Where the failure in result happened, and why (transient failures). */
	enum container_engine err_engine;
	const char *err_socket; /* one of container_meta's sockets */
	char err[256];
};

struct container_meta {
	char *sockets[CONTAINER_ENGINE_MAX][CONTAINER_MAX_SOCKETS];
	size_t nsockets[CONTAINER_ENGINE_MAX];
	unsigned timeout_ms, cache_size;
	struct container_parse_opts popts;
	container_error_fn on_error;
	void *on_error_arg;
	char *containerd_ns[CONTAINER_MAX_SOCKETS]; /* popts points here */

	/* Event thread. */
	struct cm_entry **buckets;
	uint32_t nbuckets, count, next_gen, nretry, nempty, outstanding;
	uint64_t next_scan;
	uint64_t evicted, refused, late, retries;

	/* Shared with the worker, under lock. */
	pthread_mutex_t lock;
	pthread_cond_t wake, done;
	struct cm_job *reqs, **reqs_tail, *results;
	atomic_bool have_results;
	bool stop, started;
	pthread_t thread;
	uint64_t lookups, found, not_found, failed, timeouts, no_runtime;
};

/* container_worker.c */
void *container_worker_main(void *arg);

#endif /* SAKER_CONTAINER_INT_H */
