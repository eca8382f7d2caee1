// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container cache and its lookup worker. The cache is the event
 * thread's alone; the worker only sees requests and results, exchanged
 * through two lists under one mutex. A result carries the generation of
 * the entry it was asked for, so an answer for a container that died (and
 * perhaps came back) while it was being asked is recognised and dropped.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <pthread.h>
#include <stdatomic.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "container.h"
#include "container_int.h"
#include "hash.h"
#include "state.h"

static const char *const docker_sockets[] = { "/var/run/docker.sock", NULL };
static const char *const podman_sockets[] = { "/run/podman/podman.sock", NULL };
static const char *const cri_sockets[] = { "/run/containerd/containerd.sock",
					   "/var/run/crio/crio.sock",
					   "/run/k3s/containerd/containerd.sock", NULL };

const char *const *container_default_sockets(enum container_engine e)
{
	switch (e) {
	case CONTAINER_ENGINE_DOCKER:
		return docker_sockets;
	case CONTAINER_ENGINE_PODMAN:
		return podman_sockets;
	default:
		return cri_sockets;
	}
}

const char *container_engine_name(enum container_engine e)
{
	static const char *const names[] = { "docker", "podman", "cri" };

	return (unsigned)e < CONTAINER_ENGINE_MAX ? names[e] : "?";
}

static struct cm_entry **bucket_of(const struct container_meta *cm, const char *id, size_t len)
{
	return &cm->buckets[hash_bytes(id, len) & (cm->nbuckets - 1)];
}

static struct cm_entry **slot_of(const struct container_meta *cm, const char *id, size_t len)
{
	struct cm_entry **pp = bucket_of(cm, id, len);

	for (; *pp; pp = &(*pp)->next)
		if (strlen((*pp)->pub.id) == len && !memcmp((*pp)->pub.id, id, len))
			break;
	return pp;
}

static int copy_sockets(struct container_meta *cm, const struct container_config *cfg)
{
	for (int e = 0; e < CONTAINER_ENGINE_MAX; e++) {
		const char *const *def = container_default_sockets((enum container_engine)e);
		size_t n = cfg->sockets[e] ? cfg->nsockets[e] : 0;

		if (!cfg->enabled[e])
			continue;
		if (!cfg->sockets[e])
			while (def[n])
				n++;
		for (size_t i = 0; i < n && i < CONTAINER_MAX_SOCKETS; i++) {
			cm->sockets[e][i] = strdup(cfg->sockets[e] ? cfg->sockets[e][i] : def[i]);
			if (!cm->sockets[e][i])
				return -ENOMEM;
			cm->nsockets[e]++;
		}
	}
	/* containerd namespaces: at most CONTAINER_MAX_SOCKETS (8), like sockets. */
	for (size_t i = 0; i < cfg->n_containerd_namespaces && i < CONTAINER_MAX_SOCKETS; i++) {
		cm->containerd_ns[i] = strdup(cfg->containerd_namespaces[i]);
		if (!cm->containerd_ns[i])
			return -ENOMEM;
		cm->popts.n_containerd_namespaces++;
	}
	cm->popts.containerd_namespaces = cm->containerd_ns;
	return 0;
}

struct container_meta *container_meta_new(const struct container_config *cfg)
{
	struct container_meta *cm = calloc(1, sizeof(*cm));

	if (!cm)
		return NULL;
	cm->timeout_ms = cfg->timeout_ms ? cfg->timeout_ms : CONTAINER_DEF_TIMEOUT_MS;
	cm->cache_size = cfg->cache_size ? cfg->cache_size : CONTAINER_DEF_CACHE_SIZE;
	cm->popts.label_max_len = cfg->label_max_len;
	cm->on_error = cfg->on_error;
	cm->on_error_arg = cfg->on_error_arg;
	for (cm->nbuckets = 16; cm->nbuckets < cm->cache_size; cm->nbuckets *= 2)
		;
	cm->buckets = calloc(cm->nbuckets, sizeof(*cm->buckets));
	cm->reqs_tail = &cm->reqs;
	pthread_mutex_init(&cm->lock, NULL);
	pthread_cond_init(&cm->wake, NULL);
	pthread_cond_init(&cm->done, NULL);
	if (!cm->buckets || copy_sockets(cm, cfg) < 0) {
		container_meta_free(cm);
		errno = ENOMEM;
		return NULL;
	}
	return cm;
}

static void free_jobs(struct cm_job *j)
{
	while (j) {
		struct cm_job *next = j->next;

		container_info_free(j->info);
		free(j);
		j = next;
	}
}

void container_meta_free(struct container_meta *cm)
{
	if (!cm)
		return;
	if (cm->started) {
		pthread_mutex_lock(&cm->lock);
		cm->stop = true;
		pthread_cond_broadcast(&cm->wake);
		pthread_mutex_unlock(&cm->lock);
		pthread_join(cm->thread, NULL);
	}
	free_jobs(cm->reqs);
	free_jobs(cm->results);
	for (uint32_t b = 0; cm->buckets && b < cm->nbuckets; b++) {
		while (cm->buckets[b]) {
			struct cm_entry *e = cm->buckets[b];

			cm->buckets[b] = e->next;
			container_info_free(e->info);
			free(e);
		}
	}
	free(cm->buckets);
	for (int e = 0; e < CONTAINER_ENGINE_MAX; e++)
		for (size_t i = 0; i < cm->nsockets[e]; i++)
			free(cm->sockets[e][i]);
	for (size_t i = 0; i < CONTAINER_MAX_SOCKETS; i++)
		free(cm->containerd_ns[i]);
	pthread_mutex_destroy(&cm->lock);
	pthread_cond_destroy(&cm->wake);
	pthread_cond_destroy(&cm->done);
	free(cm);
}

/* Queue a lookup for e (event thread). */
static void request(struct container_meta *cm, struct cm_entry *e)
{
	struct cm_job *j = calloc(1, sizeof(*j));

	e->pub.status = CONTAINER_PENDING;
	e->retry_at = 0;
	if (!j) {
		e->pub.status = CONTAINER_FAILED;
		return;
	}
	memcpy(j->id, e->pub.id, sizeof(j->id));
	memcpy(j->full, e->pub.full, sizeof(j->full));
	j->runtime = e->pub.runtime;
	j->gen = e->gen = ++cm->next_gen;
	e->attempts++;
	cm->outstanding++;
	pthread_mutex_lock(&cm->lock);
	*cm->reqs_tail = j;
	cm->reqs_tail = &j->next;
	pthread_cond_signal(&cm->wake);
	pthread_mutex_unlock(&cm->lock);
}

static void add(struct container_meta *cm, const char *id, size_t idlen, const char *cgroups,
		size_t cglen)
{
	struct cm_entry *e, **pp;
	struct containerid cid = { 0 };

	if (cm->count >= cm->cache_size ||
	    /* Bounded by the cache: a request per entry, plus answers not yet published. */
	    cm->outstanding >= 2 * cm->cache_size) {
		cm->refused++;
		return;
	}
	if (idlen >= sizeof(e->pub.id) || !(e = calloc(1, sizeof(*e))))
		return;
	memcpy(e->pub.id, id, idlen);
	/* The full id and the runtime come from the same cgroup path the short id did. */
	if (cgroups)
		containerid_from_cgroups(cgroups, cglen, &cid);
	if (cid.runtime != CONTAINERID_HOST && !strcmp(cid.id, e->pub.id)) {
		memcpy(e->pub.full, cid.full, sizeof(e->pub.full));
		e->pub.runtime = cid.runtime;
	} else {
		memcpy(e->pub.full, e->pub.id, sizeof(e->pub.full));
		e->pub.runtime = CONTAINERID_CONTAINERD;
	}
	e->nprocs = 1;
	pp = bucket_of(cm, id, idlen);
	e->next = *pp;
	*pp = e;
	cm->count++;
	if (cm->started)
		request(cm, e);
	else
		e->pub.status = CONTAINER_FAILED; /* until container_meta_start() asks */
}

static void remove_entry(struct container_meta *cm, struct cm_entry *e)
{
	struct cm_entry **pp = slot_of(cm, e->pub.id, strlen(e->pub.id));

	*pp = e->next;
	if (e->retry_at)
		cm->nretry--;
	if (e->empty)
		cm->nempty--;
	container_info_free(e->info);
	free(e);
	cm->count--;
	cm->evicted++;
}

void container_meta_proc(struct container_meta *cm, const char *id, size_t idlen,
			 const char *cgroups, size_t cglen, int delta)
{
	struct cm_entry *e = *slot_of(cm, id, idlen);

	if (delta > 0) {
		if (!e) {
			add(cm, id, idlen, cgroups, cglen);
		} else if (e->nprocs++ == 0 && e->empty) {
			e->empty = false; /* back within the grace period */
			cm->nempty--;
		}
		return;
	}
	if (!e || !e->nprocs || --e->nprocs > 0)
		return;
	/* The last process we knew of left: removed after the grace period. */
	e->empty = true;
	e->empty_since = 0;
	cm->nempty++;
}

void container_meta_state_hook(void *arg, const struct state_proc *p, const struct state_str *id,
			       int delta)
{
	container_meta_proc(arg, id->s, id->len, p->cgroups ? p->cgroups->s : NULL,
			    p->cgroups ? p->cgroups->len : 0, delta);
}

static bool transient(int result)
{
	return result < 0 && result != -ENOENT && result != -ENODEV;
}

/* Transient failures are asked again, a few times, later. True if it will be. */
static bool settle(struct container_meta *cm, struct cm_entry *e, struct cm_job *j, uint64_t now)
{
	if (j->result == 0) {
		e->info = j->info;
		j->info = NULL;
		e->pub.info = e->info;
		e->pub.status = CONTAINER_READY;
		return false;
	}
	e->pub.status = CONTAINER_FAILED;
	if (!transient(j->result) || e->attempts >= CM_MAX_ATTEMPTS)
		return false;
	e->retry_at = now + CM_RETRY_BASE_NS * e->attempts;
	cm->nretry++;
	return true;
}

/* A failed lookup, told to whoever asked to be (the daemon logs it). */
static void report(const struct container_meta *cm, const struct cm_job *j, bool retry)
{
	struct container_lookup_error le = {
		.id = j->id,
		.engine = container_engine_name(j->err_engine),
		.socket = j->err_socket ? j->err_socket : "",
		.reason = j->err[0] ? j->err : "no reason given",
		.error = j->result,
		.retry = retry,
	};

	if (cm->on_error && transient(j->result))
		cm->on_error(cm->on_error_arg, &le);
}

void container_meta_poll(struct container_meta *cm, uint64_t now)
{
	struct cm_job *done = NULL;

	if (atomic_load_explicit(&cm->have_results, memory_order_acquire)) {
		pthread_mutex_lock(&cm->lock);
		done = cm->results;
		cm->results = NULL;
		atomic_store_explicit(&cm->have_results, false, memory_order_relaxed);
		pthread_mutex_unlock(&cm->lock);
	}
	for (struct cm_job *j = done; j; j = j->next) {
		struct cm_entry *e = *slot_of(cm, j->id, strlen(j->id));

		cm->outstanding--;
		if (!e || e->gen != j->gen) {
			cm->late++;
			report(cm, j, false);
			continue;
		}
		report(cm, j, settle(cm, e, j, now));
	}
	free_jobs(done);
	if ((!cm->nretry && !cm->nempty) || now < cm->next_scan)
		return;
	cm->next_scan = now + CM_SCAN_NS;
	for (uint32_t b = 0; b < cm->nbuckets; b++) {
		struct cm_entry *e = cm->buckets[b], *next;

		for (; e; e = next) {
			next = e->next;
			/* Stamped with now + 1: 0 means "not yet". */
			if (e->empty && !e->empty_since) {
				e->empty_since = now + 1;
			} else if (e->empty && now + 1 - e->empty_since >= CM_GRACE_NS) {
				remove_entry(cm, e);
				continue;
			}
			if (e->retry_at && now >= e->retry_at && !e->empty) {
				cm->nretry--;
				cm->retries++;
				request(cm, e);
			}
		}
	}
}

bool container_meta_wait(struct container_meta *cm, unsigned timeout_ms)
{
	struct timespec until;
	bool ready;

	clock_gettime(CLOCK_REALTIME, &until);
	until.tv_sec += timeout_ms / 1000;
	until.tv_nsec += (long)(timeout_ms % 1000) * 1000000L;
	if (until.tv_nsec >= 1000000000L) {
		until.tv_sec++;
		until.tv_nsec -= 1000000000L;
	}
	pthread_mutex_lock(&cm->lock);
	while (!cm->results && pthread_cond_timedwait(&cm->done, &cm->lock, &until) == 0)
		;
	ready = cm->results != NULL;
	pthread_mutex_unlock(&cm->lock);
	return ready;
}

const struct container_entry *container_meta_get(const struct container_meta *cm, const char *id,
						 size_t idlen)
{
	struct cm_entry *e = *slot_of(cm, id, idlen);

	return e ? &e->pub : NULL;
}

int container_meta_start(struct container_meta *cm)
{
	int r = -pthread_create(&cm->thread, NULL, container_worker_main, cm);
	if (r < 0)
		return r;
	cm->started = true;
	/* Containers seen before the worker ran are asked now. */
	for (uint32_t b = 0; b < cm->nbuckets; b++)
		for (struct cm_entry *e = cm->buckets[b]; e; e = e->next)
			if (!e->attempts)
				request(cm, e);
	return 0;
}

void container_meta_get_stats(struct container_meta *cm, struct container_stats *ret)
{
	struct container_stats s = { .cached = cm->count,
				     .evicted = cm->evicted,
				     .refused = cm->refused,
				     .late = cm->late,
				     .retries = cm->retries };

	pthread_mutex_lock(&cm->lock);
	s.lookups = cm->lookups;
	s.found = cm->found;
	s.not_found = cm->not_found;
	s.failed = cm->failed;
	s.timeouts = cm->timeouts;
	s.no_runtime = cm->no_runtime;
	pthread_mutex_unlock(&cm->lock);
	*ret = s;
}
