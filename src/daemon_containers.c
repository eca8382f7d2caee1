// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's container metadata: configuration, the state hook, statistics. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "container.h"
#include "daemon_int.h"

int daemon_containers_open(struct daemon *d)
{
	const struct config *c = d->cfg;
	struct container_config cc = {
		.enabled = { c->containers.docker_enabled, c->containers.podman_enabled,
			     c->containers.cri_enabled },
		.sockets = { c->containers.docker_sockets, c->containers.podman_sockets,
			     c->containers.cri_sockets },
		.nsockets = { c->containers.n_docker_sockets, c->containers.n_podman_sockets,
			      c->containers.n_cri_sockets },
		.timeout_ms = (unsigned)c->containers.lookup_timeout_ms,
		.cache_size = c->containers.cache_size,
		.label_max_len = c->containers.label_max_len,
		.containerd_namespaces = c->containers.containerd_namespaces,
		.n_containerd_namespaces = c->containers.n_containerd_namespaces,
	};
	int k;

	d->containers = container_meta_new(&cc);
	if (!d->containers)
		return -errno;
	k = container_meta_start(d->containers);
	if (k < 0) {
		fprintf(stderr, "sakerd: container metadata worker: %s\n", strerror(-k));
		return k;
	}
	/* Before the state is seeded, so the containers already running are looked up. */
	state_set_container_hook(d->st, container_meta_state_hook, d->containers);
	return 0;
}

void daemon_containers_log_stats(struct daemon *d, const char *why)
{
	struct container_stats s;

	if (!d->containers)
		return;
	container_meta_get_stats(d->containers, &s);
	fprintf(stderr,
		"sakerd: stats (%s): containers cached=%" PRIu64 " lookups=%" PRIu64
		" found=%" PRIu64 " not_found=%" PRIu64 " failed=%" PRIu64 " timeouts=%" PRIu64
		" retries=%" PRIu64 " no_runtime=%" PRIu64 " evicted=%" PRIu64 " refused=%" PRIu64
		"\n",
		why, s.cached, s.lookups, s.found, s.not_found, s.failed, s.timeouts, s.retries,
		s.no_runtime, s.evicted, s.refused);
}
