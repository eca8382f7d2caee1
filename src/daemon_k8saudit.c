// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Kubernetes audit source beside the syscall driver: started from
 * k8s_audit.* in the configuration, drained by the event loop between
 * records, its events run through the same rules (only source: k8s_audit
 * ones) and become alerts like any other. Changes to k8s_audit.* take
 * effect at the next start, not on SIGHUP.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon_int.h"
#include "k8saudit.h"
#include "util.h"

#define K8S_BATCH 1024 /* events per loop tick, so syscalls are not starved */

struct daemon_k8s {
	struct k8sa *src;
	char *cluster_name;
	uint64_t events, alerts;
};

int daemon_k8s_open(struct daemon *d)
{
	const typeof(d->cfg->k8s_audit) *c = &d->cfg->k8s_audit;
	struct k8sa_config kc = { .listen = c->listen,
				  .path = c->path,
				  .tls_cert = c->tls_cert,
				  .tls_key = c->tls_key,
				  .tls_client_ca = c->tls_client_ca,
				  .token_file = c->token_file,
				  .plain_http = c->plain_http,
				  .file = c->file,
				  .file_from_end = c->file_from_end,
				  .max_body = c->max_body_bytes,
				  .max_line = c->max_line_bytes };
	struct daemon_k8s *k;
	char err[1024] = "";
	int r;

	if (fields_ka_register() < 0) {
		fprintf(stderr, "sakerd: internal error: ka.* fields do not match the registry\n");
		return -EINVAL;
	}
	if (!c->listen && !c->file)
		return 0;
	k = calloc(1, sizeof(*k));
	if (!k || (c->cluster_name && !(k->cluster_name = strdup(c->cluster_name)))) {
		free(k);
		return -ENOMEM;
	}
	r = k8sa_open(&kc, &k->src, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "sakerd: k8s_audit: %s\n", err);
		free(k->cluster_name);
		free(k);
		return r;
	}
	fields_ka_set_cluster_name(k->cluster_name);
	d->k8s = k;
	if (!d->o->quiet && c->listen)
		fprintf(stderr, "sakerd: k8s_audit: webhook on %s (port %u)\n", c->listen,
			k8sa_port(k->src));
	if (!d->o->quiet && c->file)
		fprintf(stderr, "sakerd: k8s_audit: following %s\n", c->file);
	return 0;
}

static void run_event(struct daemon *d, struct k8sa_event *ev)
{
	const struct rules_rule *m[DAEMON_MAX_MATCHES];
	unsigned flags = d->cfg->rule_matching == CONFIG_MATCH_ALL ? RULES_EVAL_ALL : 0;
	int n = rules_eval_source(d->runner, FSRC_K8SAUDIT, ev, flags, m, ARRAY_SIZE(m));

	d->k8s->events++;
	for (int i = 0; i < n; i++) {
		if (!daemon_admit(d, m[i]))
			continue;
		d->k8s->alerts++;
		daemon_raise_at(d, m[i], ev->ts);
	}
}

void daemon_k8s_poll(struct daemon *d)
{
	struct k8sa_event *ev;

	if (!d->k8s)
		return;
	for (unsigned i = 0; i < K8S_BATCH && (ev = k8sa_next(d->k8s->src)); i++) {
		run_event(d, ev);
		/* The alert holds copies of what it shows: the event can go. */
		k8sa_event_free(ev);
	}
}

void daemon_k8s_log_stats(struct daemon *d)
{
	struct k8sa_stats s;

	if (!d->k8s)
		return;
	k8sa_get_stats(d->k8s->src, &s);
	fprintf(stderr,
		"sakerd: k8s_audit stats: events=%" PRIu64 " alerts=%" PRIu64 " requests=%" PRIu64
		" queued=%" PRIu64 " bad_json=%" PRIu64 " too_large=%" PRIu64
		" unauthorized=%" PRIu64 " rejected=%" PRIu64 " queue_full=%" PRIu64
		" lines=%" PRIu64 " long_lines=%" PRIu64 " rotations=%" PRIu64 "\n",
		d->k8s->events, d->k8s->alerts, s.requests, s.events, s.bad_json, s.too_large,
		s.unauthorized, s.rejected, s.queue_full, s.lines, s.long_lines, s.rotations);
}

void daemon_k8s_metrics(struct daemon *d, FILE *f)
{
	struct k8sa_stats s;

	if (!d->k8s)
		return;
	k8sa_get_stats(d->k8s->src, &s);
	daemon_metric_family(f, "saker_k8s_audit_events_total", "counter",
			     "Kubernetes audit events processed.");
	fprintf(f, "saker_k8s_audit_events_total %" PRIu64 "\n", d->k8s->events);
	daemon_metric_family(f, "saker_k8s_audit_alerts_total", "counter",
			     "Alerts raised on Kubernetes audit events.");
	fprintf(f, "saker_k8s_audit_alerts_total %" PRIu64 "\n", d->k8s->alerts);
	daemon_metric_family(f, "saker_k8s_audit_refused_total", "counter",
			     "Audit input refused or skipped, by reason.");
	fprintf(f,
		"saker_k8s_audit_refused_total{reason=\"bad_json\"} %" PRIu64 "\n"
		"saker_k8s_audit_refused_total{reason=\"too_large\"} %" PRIu64 "\n"
		"saker_k8s_audit_refused_total{reason=\"unauthorized\"} %" PRIu64 "\n"
		"saker_k8s_audit_refused_total{reason=\"rejected\"} %" PRIu64 "\n"
		"saker_k8s_audit_refused_total{reason=\"long_line\"} %" PRIu64 "\n",
		s.bad_json, s.too_large, s.unauthorized, s.rejected, s.long_lines);
}

/* What was accepted (200) before the loop ended still runs, bounded by the queue. */
void daemon_k8s_drain(struct daemon *d)
{
	for (unsigned i = 0; d->k8s && i < K8SA_QUEUE_EVENTS / K8S_BATCH + 1; i++)
		daemon_k8s_poll(d);
}

void daemon_k8s_close(struct daemon *d)
{
	if (!d->k8s)
		return;
	k8sa_close(d->k8s->src);
	fields_ka_set_cluster_name(NULL);
	free(d->k8s->cluster_name);
	free(d->k8s);
	d->k8s = NULL;
}
