// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's container metadata: configuration, the state hook, statistics. */
#include <ctype.h>
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "container.h"
#include "daemon_int.h"
#include "util.h"

/* Lookup errors logged: a burst of 5, then one a minute. */
#define CTR_ERR_BURST 5
#define CTR_ERR_RATE (1.0 / 60)

/* s for a log line: quotes, backslashes and what is not printable as \xHH. */
static const char *escaped(const char *s, char *out, size_t len)
{
	size_t o = 0;

	for (; *s && o + 5 < len; s++) {
		unsigned char c = (unsigned char)*s;

		if (isprint(c) && c != '"' && c != '\\')
			out[o++] = (char)c;
		else
			o += (size_t)snprintf(out + o, len - o, "\\x%02x", c);
	}
	out[o] = '\0';
	return out;
}

/*
 * The worker's failures, one line each with what an operator needs (the
 * runtime, its socket, why), rate-limited: a runtime that is down fails
 * every new container. What is held back is counted in the next line.
 */
static void log_lookup_error(void *arg, const struct container_lookup_error *e)
{
	struct daemon *d = arg;
	char sock[512], why[1024], held[64] = "";

	if (!out_bucket_claim(&d->ctr_err_bucket, clock_ns(CLOCK_MONOTONIC))) {
		d->ctr_err_held++;
		return;
	}
	if (d->ctr_err_held)
		snprintf(held, sizeof(held), " (%" PRIu64 " more not logged)", d->ctr_err_held);
	d->ctr_err_held = 0;
	fprintf(stderr,
		"sakerd: container metadata: lookup of %s failed: runtime %s, socket \"%s\": "
		"\"%s\" (%s); %s%s\n",
		e->id, e->engine, escaped(e->socket, sock, sizeof(sock)),
		escaped(e->reason, why, sizeof(why)), strerror(-e->error),
		e->retry ? "will retry" : "giving up", held);
}

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
		.on_error = log_lookup_error,
		.on_error_arg = d,
	};
	int k;

	out_bucket_init(&d->ctr_err_bucket, CTR_ERR_RATE, CTR_ERR_BURST, clock_ns(CLOCK_MONOTONIC));
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

void daemon_containers_metrics(struct daemon *d, FILE *f)
{
	struct container_stats s;

	if (!d->containers)
		return;
	container_meta_get_stats(d->containers, &s);
	daemon_metric_family(f, "saker_container_cache_entries", "gauge",
			     "Containers whose metadata is cached.");
	fprintf(f, "saker_container_cache_entries %" PRIu64 "\n", s.cached);
	daemon_metric_family(f, "saker_container_lookups_total", "counter",
			     "Container runtime look-ups, by outcome.");
	fprintf(f,
		"saker_container_lookups_total{outcome=\"found\"} %" PRIu64 "\n"
		"saker_container_lookups_total{outcome=\"not_found\"} %" PRIu64 "\n"
		"saker_container_lookups_total{outcome=\"failed\"} %" PRIu64 "\n"
		"saker_container_lookups_total{outcome=\"no_runtime\"} %" PRIu64 "\n",
		s.found, s.not_found, s.failed, s.no_runtime);
	daemon_metric_family(f, "saker_container_lookup_timeouts_total", "counter",
			     "Runtime requests that timed out.");
	fprintf(f, "saker_container_lookup_timeouts_total %" PRIu64 "\n", s.timeouts);
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
