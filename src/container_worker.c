// SPDX-License-Identifier: GPL-2.0-only
/*
 * The lookup worker: takes requests in order and asks the runtimes that
 * could own each container, in an order that follows the cgroup's runtime.
 * A socket that does not exist is skipped without a syscall beyond the
 * access(2) that found it missing, so an absent runtime costs nothing.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "container_int.h"

typedef int (*lookup_fn)(const char *socket, const char *id, unsigned timeout_ms,
			 const struct container_parse_opts *o, struct container_info **ret,
			 char *err, size_t errlen);

static const lookup_fn engine_lookup[CONTAINER_ENGINE_MAX] = {
	[CONTAINER_ENGINE_DOCKER] = container_docker_lookup,
	[CONTAINER_ENGINE_PODMAN] = container_docker_lookup,
	[CONTAINER_ENGINE_CRI] = container_cri_lookup,
};

/* Engines to ask, most likely owner first; CONTAINER_ENGINE_MAX ends the list. */
static const enum container_engine *engine_order(enum containerid_runtime rt)
{
	static const enum container_engine docker[] = { CONTAINER_ENGINE_DOCKER,
							CONTAINER_ENGINE_PODMAN,
							CONTAINER_ENGINE_MAX };
	static const enum container_engine podman[] = { CONTAINER_ENGINE_PODMAN,
							CONTAINER_ENGINE_DOCKER,
							CONTAINER_ENGINE_MAX };
	/* Bare ids under kubepods: CRI, or cri-dockerd's docker. */
	static const enum container_engine cri[] = { CONTAINER_ENGINE_CRI, CONTAINER_ENGINE_DOCKER,
						     CONTAINER_ENGINE_PODMAN,
						     CONTAINER_ENGINE_MAX };
	static const enum container_engine none[] = { CONTAINER_ENGINE_MAX };

	switch (rt) {
	case CONTAINERID_DOCKER:
		return docker;
	case CONTAINERID_PODMAN:
		return podman;
	case CONTAINERID_CONTAINERD:
	case CONTAINERID_CRIO:
		return cri;
	default:
		return none; /* lxc, nspawn: no API we speak */
	}
}

/*
 * container.type: the cgroup path names docker and podman containers; a
 * bare Kubernetes id is the runtime's that answered (cri-dockerd's docker).
 */
static const char *type_of(enum containerid_runtime rt, enum container_engine e)
{
	if (rt == CONTAINERID_DOCKER || rt == CONTAINERID_PODMAN || e == CONTAINER_ENGINE_CRI)
		return containerid_runtime_name(rt);
	return container_engine_name(e);
}

/*
 * A CRI socket's runtime by its name: CRI-O's sockets say crio. The
 * runtime the cgroup path names is asked first (containerd's CRI plugin
 * and CRI-O both answer the CRI, so either would do, but only the owner
 * knows the container).
 */
static bool socket_first(const char *socket, enum containerid_runtime rt, bool first)
{
	bool crio = strstr(socket, "crio") != NULL;

	return first == (rt == CONTAINERID_CRIO ? crio : !crio);
}

/*
 * 0: found. -ENOENT: every runtime asked said it does not know the id.
 * -ENODEV: no runtime that could own it is here. Else the last transient error.
 */
static int lookup(struct container_meta *cm, struct cm_job *j, unsigned *ret_timeouts)
{
	const enum container_engine *order = engine_order(j->runtime);
	int result = -ENODEV;
	char err[512];

	for (; *order != CONTAINER_ENGINE_MAX; order++) {
		enum container_engine e = *order;

		/* Two passes over the sockets: the cgroup's runtime's first (CRI only). */
		for (size_t k = 0; k < 2 * cm->nsockets[e]; k++) {
			size_t i = k % cm->nsockets[e];
			int r;

			if (e == CONTAINER_ENGINE_CRI ? !socket_first(cm->sockets[e][i], j->runtime,
								      k < cm->nsockets[e]) :
							k >= cm->nsockets[e])
				continue;
			if (access(cm->sockets[e][i], F_OK) < 0)
				continue;
			err[0] = '\0'; /* an engine that says nothing leaves no other's reason */
			r = engine_lookup[e](cm->sockets[e][i], j->full, cm->timeout_ms, &cm->popts,
					     &j->info, err, sizeof(err));
			if (r == 0) {
				/* The CRI engine knows which runtime answered. */
				if (!j->info->type)
					j->info->type = type_of(j->runtime, e);
				return 0;
			}
			if (r == -ETIMEDOUT)
				(*ret_timeouts)++;
			if (r == -EPROTONOSUPPORT)
				continue; /* as if absent */
			/* A 404 does not hide an earlier transient error. */
			if (r != -ENOENT || result == -ENODEV) {
				result = r;
				j->err_engine = e;
				j->err_socket = cm->sockets[e][i];
				snprintf(j->err, sizeof(j->err), "%s", err);
			}
		}
	}
	return result;
}

void *container_worker_main(void *arg)
{
	struct container_meta *cm = arg;

	pthread_mutex_lock(&cm->lock);
	for (;;) {
		struct cm_job *j;
		unsigned timeouts = 0;

		while (!cm->stop && !cm->reqs)
			pthread_cond_wait(&cm->wake, &cm->lock);
		if (cm->stop)
			break;
		j = cm->reqs;
		cm->reqs = j->next;
		if (!cm->reqs)
			cm->reqs_tail = &cm->reqs;
		cm->lookups++;
		pthread_mutex_unlock(&cm->lock);

		j->result = lookup(cm, j, &timeouts);

		pthread_mutex_lock(&cm->lock);
		cm->timeouts += timeouts;
		if (j->result == 0)
			cm->found++;
		else if (j->result == -ENOENT)
			cm->not_found++;
		else if (j->result == -ENODEV)
			cm->no_runtime++;
		else
			cm->failed++;
		j->next = cm->results;
		cm->results = j;
		atomic_store_explicit(&cm->have_results, true, memory_order_release);
		pthread_cond_broadcast(&cm->done);
	}
	pthread_mutex_unlock(&cm->lock);
	return NULL;
}
