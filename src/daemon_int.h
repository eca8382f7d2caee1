/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared between the daemon's files; not an interface. */
#ifndef SAKER_DAEMON_INT_H
#define SAKER_DAEMON_INT_H

#include <signal.h>
#include <stdio.h>

#include "configfile.h"
#include "daemon.h"
#include "event.h"
#include "outq.h"
#include "rules.h"
#include "source.h"
#include "state.h"

#define DAEMON_MAX_MATCHES 64

struct daemon {
	const struct daemon_opts *o;
	struct config *cfg;
	struct ruleset *rs;
	struct rules_runner *runner;
	bool std_names; /* a rule reads proc.std*.name (entry verdicts keep opens that may make 0-2) */
	struct state *st;
	struct container_meta *containers; /* runtime metadata; NULL for replay */
	struct source *src;
	struct outq *q;
	char hostname[256];
	pid_t self;

	/* Counters (main thread only). */
	struct evt_decode_stats ds;
	uint64_t events; /* records decoded and processed */
	uint64_t alerts; /* rule matches queued */
	uint64_t below_prio; /* matches under the minimum priority */
	uint64_t *rule_hits; /* per rules_at() index */
	size_t nrule_hits;

	/* Periodic work, CLOCK_MONOTONIC ns. */
	uint64_t started, next_watchdog, watchdog_period, next_stats, next_drop_check;
	uint64_t wedge_at; /* fault hook: the loop stops making progress here */
	struct src_stats last_src; /* at the last drop check */
	uint64_t last_events;
	struct out_bucket drop_bucket;
	uint64_t drop_alerts;
	struct out_bucket ctr_err_bucket; /* container lookup errors logged */
	uint64_t ctr_err_held; /* not logged since the last line that was */

	struct daemon_k8s *k8s; /* the Kubernetes audit source; NULL when off */
	struct dns *dns; /* answers for fd.*ip.name */
	struct webserver *web; /* /healthz, /metrics; NULL when off */
	uint64_t next_publish; /* of the metrics page */
	uint64_t start_time; /* CLOCK_REALTIME s, for saker_start_time_seconds */
};

extern volatile sig_atomic_t daemon_sig_stop, daemon_sig_hup, daemon_sig_usr1, daemon_sig_usr2;

/* daemon_alert.c */
bool daemon_admit(struct daemon *d, const struct rules_rule *r);
void daemon_raise(struct daemon *d, const struct rules_rule *r, const struct evt *e);
void daemon_raise_at(struct daemon *d, const struct rules_rule *r, uint64_t ts);
void daemon_health(struct daemon *d, enum alert_prio prio, const char *rule, const char *msg);

/* daemon_stats.c */
extern const char *const daemon_drop_names[SAKER_DROP_MAX]; /* "buffer_full", ... */
void daemon_log_stats(struct daemon *d, const char *why);
void daemon_check_drops(struct daemon *d, uint64_t now);
void daemon_update_status(struct daemon *d);

/* daemon_containers.c */
int daemon_containers_open(struct daemon *d);
void daemon_containers_log_stats(struct daemon *d, const char *why);
void daemon_containers_metrics(struct daemon *d, FILE *f);

/* daemon_metrics.c: the webserver's pages (no-ops when webserver.listen is unset). */
int daemon_metrics_open(struct daemon *d);
void daemon_metrics_tick(struct daemon *d, uint64_t now);
char *daemon_metrics_render(struct daemon *d);
/* # HELP and # TYPE lines of a metric family. */
void daemon_metric_family(FILE *f, const char *name, const char *type, const char *help);
void daemon_rule_profile(struct daemon *d, FILE *f);

/* daemon_rules.c */
int daemon_load_rules(const struct daemon_opts *o, const struct config *cfg, struct ruleset **ret);
void daemon_interest(const struct ruleset *rs, struct src_interest *ret);

/* daemon_dns.c */
int daemon_dns_open(struct daemon *d);
void daemon_dns_wait(struct daemon *d);
void daemon_dns_log_stats(struct daemon *d);

/* daemon_k8saudit.c: the audit source beside the driver (no-ops when not configured). */
int daemon_k8s_open(struct daemon *d);
void daemon_k8s_poll(struct daemon *d);
void daemon_k8s_drain(struct daemon *d);
void daemon_k8s_log_stats(struct daemon *d);
void daemon_k8s_metrics(struct daemon *d, FILE *f);
void daemon_k8s_close(struct daemon *d);

#endif /* SAKER_DAEMON_INT_H */
