// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's counters as a Prometheus text page (format 0.0.4), rendered
 * by the event loop about once a second and handed to the webserver. The
 * same counters as the statistics lines (SIGUSR2, metrics.enabled, exit),
 * under names an operator can graph and alert on; docs/metrics.md lists
 * them.
 */
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "daemon_int.h"
#include "fields.h"
#include "util.h"
#include "webserver.h"

#define METRICS_INTERVAL_NS 1000000000ull

/* A label value: backslash, double quote and newline escaped. */
static void put_label(FILE *f, const char *s)
{
	if (s && !strpbrk(s, "\\\"\n")) {
		fputs(s, f); /* the usual case: nothing to escape */
		return;
	}
	for (; s && *s; s++) {
		if (*s == '\\' || *s == '"')
			fprintf(f, "\\%c", *s);
		else if (*s == '\n')
			fputs("\\n", f);
		else
			fputc(*s, f);
	}
}

void daemon_metric_family(FILE *f, const char *name, const char *type, const char *help)
{
	fprintf(f, "# HELP %s %s\n# TYPE %s %s\n", name, help, name, type);
}

static void one(FILE *f, const char *name, const char *type, const char *help, uint64_t v)
{
	daemon_metric_family(f, name, type, help);
	fprintf(f, "%s %" PRIu64 "\n", name, v);
}

/*
 * The driver's setting as a label of saker_driver_info, and each of its
 * own counters as a family: saker_driver_NAME_total, or saker_driver_NAME
 * for a level.
 */
static void driver_counters(FILE *f, const char *driver, const struct src_stats *s)
{
	char name[96], help[160];

	daemon_metric_family(f, "saker_driver_info", "gauge",
			     "The capture driver, with its setting as a label.");
	fputs("saker_driver_info{driver=\"", f);
	put_label(f, driver);
	fputc('"', f);
	if (s->setting_name && s->setting) {
		fprintf(f, ",%s=\"", s->setting_name);
		put_label(f, s->setting);
		fputc('"', f);
	}
	fputs("} 1\n", f);
	for (unsigned i = 0; i < s->nctr; i++) {
		const struct src_counter *c = &s->ctr[i];

		snprintf(name, sizeof(name), "saker_driver_%s%s", c->name,
			 c->gauge ? "" : "_total");
		snprintf(help, sizeof(help), "The %s driver's %s (docs/metrics.md).", driver,
			 c->name);
		daemon_metric_family(f, name, c->gauge ? "gauge" : "counter", help);
		fprintf(f, "%s{driver=\"", name);
		put_label(f, driver);
		fprintf(f, "\"} %" PRIu64 "\n", c->value);
	}
}

/* NAME{rule=...,priority=...,source=...} for rule i; labels only. */
static void rule_sample(FILE *f, const char *name, const struct rules_rule *r)
{
	fprintf(f, "%s{rule=\"", name);
	put_label(f, r->name);
	fputs("\",priority=\"", f);
	put_label(f, rules_priority_name(r->priority));
	fputs("\",source=\"", f);
	put_label(f, field_source_name(r->source));
	fputs("\"} ", f);
}

/* Per enabled rule: its alerts, and what evaluating it costs. */
static void rules(FILE *f, struct daemon *d)
{
	static const struct {
		const char *name, *help;
	} fams[] = {
		{ "saker_rule_matches_total",
		  "Alerts raised by each enabled rule (at or above the minimum priority)." },
		{ "saker_rule_evaluations_total",
		  "Events each enabled rule's condition was tested on." },
		{ "saker_rule_eval_seconds_total",
		  "Time in each enabled rule's condition, estimated from one event in 128 on "
		  "average." },
	};
	size_t n = rules_count(d->rs), enabled = 0;
	struct rules_cost *cost = calloc(n ? n : 1, sizeof(*cost));

	for (size_t i = 0; i < n; i++)
		enabled += rules_at(d->rs, i)->enabled;
	if (cost)
		rules_runner_costs(d->runner, cost);
	for (size_t k = 0; k < ARRAY_SIZE(fams) && cost; k++) {
		daemon_metric_family(f, fams[k].name, "counter", fams[k].help);
		for (size_t i = 0; i < n; i++) {
			const struct rules_rule *r = rules_at(d->rs, i);

			if (!r->enabled)
				continue;
			rule_sample(f, fams[k].name, r);
			if (k == 0)
				fprintf(f, "%" PRIu64 "\n",
					i < d->nrule_hits ? d->rule_hits[i] : 0);
			else if (k == 1)
				fprintf(f, "%" PRIu64 "\n", cost[i].evals);
			else
				fprintf(f, "%.9f\n", (double)cost[i].ns / 1e9);
		}
	}
	free(cost);
	daemon_metric_family(f, "saker_rules", "gauge", "Rules loaded, by state.");
	fprintf(f, "saker_rules{state=\"enabled\"} %zu\n", enabled);
	fprintf(f, "saker_rules{state=\"disabled\"} %zu\n", n - enabled);
}

struct rule_cost {
	const struct rules_rule *rule;
	struct rules_cost c;
};

static int by_time(const void *a, const void *b)
{
	const struct rule_cost *x = a, *y = b;

	if (x->c.ns != y->c.ns)
		return x->c.ns < y->c.ns ? 1 : -1;
	return x->rule->index < y->rule->index ? -1 : 1;
}

/* saker replay --profile: each rule tested on an event, costliest first. */
void daemon_rule_profile(struct daemon *d, FILE *f)
{
	size_t n = rules_count(d->rs), m = 0;
	struct rules_cost *cost = calloc(n ? n : 1, sizeof(*cost));
	struct rule_cost *rc = calloc(n ? n : 1, sizeof(*rc));
	uint64_t total = 0;

	if (!rc || !cost) {
		free(rc);
		free(cost);
		return;
	}
	rules_runner_costs(d->runner, cost);
	for (size_t i = 0; i < n; i++) {
		if (!rules_at(d->rs, i)->enabled || !cost[i].evals)
			continue;
		rc[m++] = (struct rule_cost){ .rule = rules_at(d->rs, i), .c = cost[i] };
		total += cost[i].ns;
	}
	qsort(rc, m, sizeof(*rc), by_time);
	fprintf(f, "saker: rule costs over %" PRIu64 " events (%zu of %zu rules tested): %.3f ms\n",
		d->events, m, n, (double)total / 1e6);
	fprintf(f, "%10s %6s %10s %8s %8s  %s\n", "ms", "share", "tested", "ns/test", "matched",
		"rule");
	for (size_t i = 0; i < m; i++)
		fprintf(f, "%10.3f %5.1f%% %10" PRIu64 " %8.0f %8" PRIu64 "  %s\n",
			(double)rc[i].c.ns / 1e6,
			total ? 100.0 * (double)rc[i].c.ns / (double)total : 0, rc[i].c.evals,
			(double)rc[i].c.ns / (double)rc[i].c.evals, rc[i].c.matched,
			rc[i].rule->name);
	free(rc);
	free(cost);
}

char *daemon_metrics_render(struct daemon *d)
{
	struct src_stats s = { 0 };
	struct state_stats ss = { 0 };
	struct outq_stats qs = { 0 };
	uint64_t bad = 0;
	char *page = NULL;
	size_t len = 0;
	FILE *f = open_memstream(&page, &len);

	if (!f)
		return NULL;
	src_stats(d->src, &s);
	state_get_stats(d->st, &ss);
	outq_get_stats(d->q, &qs);
	for (int i = 0; i < EVT_BAD_MAX; i++)
		bad += d->ds.bad[i];

	daemon_metric_family(f, "saker_build_info", "gauge",
			     "The running saker: version and capture driver.");
	fprintf(f, "saker_build_info{version=\"%s\",driver=\"", PACKAGE_VERSION);
	put_label(f, d->src->driver);
	fputs("\"} 1\n", f);
	one(f, "saker_start_time_seconds", "gauge",
	    "When sakerd started, in seconds since the epoch.", d->start_time);
	one(f, "saker_events_total", "counter", "Records decoded and processed.", d->events);
	one(f, "saker_driver_records_total", "counter", "Records the driver handed out.",
	    s.records);
	daemon_metric_family(f, "saker_driver_drops_total", "counter",
			     "Records the driver lost before sakerd could read them, by reason.");
	for (int i = 0; i < SAKER_DROP_MAX; i++)
		fprintf(f, "saker_driver_drops_total{reason=\"%s\"} %" PRIu64 "\n",
			daemon_drop_names[i], s.drops[i]);
	one(f, "saker_bad_records_total", "counter", "Records rejected as malformed.", bad + s.bad);
	driver_counters(f, d->src->driver, &s);

	one(f, "saker_alerts_total", "counter", "Rule matches queued as alerts.", d->alerts);
	one(f, "saker_alerts_below_priority_total", "counter",
	    "Rule matches under the minimum priority (not sent).", d->below_prio);
	one(f, "saker_drop_alerts_total", "counter",
	    "Alerts raised because the driver lost records.", d->drop_alerts);
	rules(f, d);

	one(f, "saker_output_queue_depth", "gauge", "Alerts waiting for the outputs.", qs.depth);
	daemon_metric_family(f, "saker_output_queue_dropped_total", "counter",
			     "Alerts the output queue dropped, by reason.");
	fprintf(f, "saker_output_queue_dropped_total{reason=\"full\"} %" PRIu64 "\n",
		qs.dropped_full);
	fprintf(f, "saker_output_queue_dropped_total{reason=\"rate\"} %" PRIu64 "\n",
		qs.dropped_rate);
	for (int k = 0; k < 2; k++) {
		const char *name = k ? "saker_output_failed_total" : "saker_output_sent_total";

		daemon_metric_family(f, name, "counter",
				     k ? "Alerts each output failed to deliver." :
					 "Alerts each output delivered.");
		for (size_t i = 0; i < qs.nsinks; i++) {
			fprintf(f, "%s{output=\"", name);
			put_label(f, qs.sinks[i].name);
			fprintf(f, "\"} %" PRIu64 "\n", k ? qs.sinks[i].failed : qs.sinks[i].sent);
		}
	}

	daemon_metric_family(f, "saker_state_entries", "gauge", "What the state tracks now.");
	fprintf(f, "saker_state_entries{kind=\"threads\"} %" PRIu64 "\n", ss.threads);
	fprintf(f, "saker_state_entries{kind=\"processes\"} %" PRIu64 "\n", ss.procs);
	fprintf(f, "saker_state_entries{kind=\"fds\"} %" PRIu64 "\n", ss.fds);
	daemon_metric_family(f, "saker_state_evicted_total", "counter",
			     "State entries evicted at their limit, by kind.");
	fprintf(f, "saker_state_evicted_total{kind=\"threads\"} %" PRIu64 "\n", ss.threads_evicted);
	fprintf(f, "saker_state_evicted_total{kind=\"processes\"} %" PRIu64 "\n", ss.procs_evicted);
	one(f, "saker_state_fds_refused_total", "counter",
	    "New fds not tracked: their process's table was at its limit.", ss.fds_refused);
	one(f, "saker_state_lookups_failed_total", "counter",
	    "/proc look-ups of unknown threads that failed.", ss.lookups_failed);
	daemon_containers_metrics(d, f);
	daemon_k8s_metrics(d, f);
	if (fclose(f) != 0) {
		free(page);
		return NULL;
	}
	return page;
}

/* From the event loop: publish a fresh page once a second. */
void daemon_metrics_tick(struct daemon *d, uint64_t now)
{
	if (!d->web || now < d->next_publish)
		return;
	webserver_publish(d->web, daemon_metrics_render(d), now);
	d->next_publish = now + METRICS_INTERVAL_NS;
}

int daemon_metrics_open(struct daemon *d)
{
	const char *listen = d->cfg->webserver_listen;
	char err[512];
	int k;

	if (!listen || !*listen)
		return 0;
	k = webserver_start(listen, &d->web, err, sizeof(err));
	if (k < 0) {
		fprintf(stderr, "sakerd: %s\n", err);
		return k;
	}
	d->start_time = clock_ns(CLOCK_REALTIME) / 1000000000ull;
	/* Published before the port is told: no probe sees "starting". */
	daemon_metrics_tick(d, clock_ns(CLOCK_MONOTONIC));
	if (!d->o->quiet)
		fprintf(stderr, "sakerd: webserver: %s, port %u: /healthz, /metrics\n", listen,
			webserver_port(d->web));
	return 0;
}
