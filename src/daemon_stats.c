// SPDX-License-Identifier: GPL-2.0-only
/* The daemon's own health: statistics, drop-rate alerts, systemd STATUS=. */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "daemon_int.h"
#include "sdnotify.h"
#include "util.h"

const char *const daemon_drop_names[SAKER_DROP_MAX] = {
	[SAKER_DROP_BUFFER_FULL] = "buffer_full",
	[SAKER_DROP_TOO_BIG] = "too_big",
	[SAKER_DROP_FAULT] = "fault",
};

static uint64_t total_drops(const struct src_stats *s)
{
	uint64_t n = 0;

	for (int i = 0; i < SAKER_DROP_MAX; i++)
		n += s->drops[i];
	return n;
}

void daemon_log_stats(struct daemon *d, const char *why)
{
	struct src_stats s = { 0 };
	struct state_stats ss = { 0 };
	struct outq_stats qs = { 0 };
	uint64_t secs = (clock_ns(CLOCK_MONOTONIC) - d->started) / 1000000000ull;
	uint64_t bad = 0;
	char drops[256] = "", top[512] = "", detail[256];
	size_t off = 0;

	src_stats(d->src, &s);
	state_get_stats(d->st, &ss);
	outq_get_stats(d->q, &qs);
	for (int i = 0; i < EVT_BAD_MAX; i++)
		bad += d->ds.bad[i];
	for (int i = 0; i < SAKER_DROP_MAX; i++)
		off += (size_t)snprintf(drops + off, sizeof(drops) - off, "%s%s=%" PRIu64,
					i ? "," : "", daemon_drop_names[i], s.drops[i]);
	off = 0;
	for (size_t i = 0; i < d->nrule_hits && off < sizeof(top) - 64; i++)
		if (d->rule_hits[i])
			off += (size_t)snprintf(top + off, sizeof(top) - off, "%s'%s'=%" PRIu64,
						off ? "," : "", rules_at(d->rs, i)->name,
						d->rule_hits[i]);
	fprintf(stderr,
		"sakerd: stats (%s): events=%" PRIu64 " eps=%" PRIu64
		" drops=%s bad_records=%" PRIu64 " alerts=%" PRIu64 " below_priority=%" PRIu64
		" queue_depth=%zu queue_dropped=%" PRIu64 " rate_limited=%" PRIu64
		" threads=%" PRIu64 " procs=%" PRIu64 " fds=%" PRIu64 " evicted=%" PRIu64
		" lookups_failed=%" PRIu64 " rules_hit=[%s]\n",
		why, d->events, secs ? d->events / secs : d->events, drops, bad + s.bad, d->alerts,
		d->below_prio, qs.depth, qs.dropped_full, qs.dropped_rate, ss.threads, ss.procs,
		ss.fds, ss.threads_evicted + ss.procs_evicted, ss.lookups_failed, top);
	src_stats_detail(&s, detail, sizeof(detail));
	if (detail[0])
		fprintf(stderr, "sakerd: stats (%s): driver %s: %s\n", why, d->src->driver, detail);
	daemon_containers_log_stats(d, why);
	daemon_dns_log_stats(d);
	daemon_k8s_log_stats(d);
}

/*
 * Falco's "syscall event drops": when the share of records the driver lost
 * since the last check crosses the threshold, say so, rate-limited.
 */
void daemon_check_drops(struct daemon *d, uint64_t now)
{
	struct src_stats s = { 0 };
	uint64_t dropped, seen;
	char msg[512];

	src_stats(d->src, &s);
	dropped = total_drops(&s) - total_drops(&d->last_src);
	seen = dropped + (s.records - d->last_src.records);
	d->last_src = s;
	if (!dropped || !seen || (double)dropped / (double)seen < d->cfg->drops.threshold)
		return;
	if (!out_bucket_claim(&d->drop_bucket, now))
		return;
	d->drop_alerts++;
	snprintf(msg, sizeof(msg),
		 "Syscall event drops: %" PRIu64 " of %" PRIu64
		 " records lost in the last check (buffer_full=%" PRIu64 " too_big=%" PRIu64
		 " fault=%" PRIu64 "); detection is incomplete, consider a larger buffer",
		 dropped, seen, s.drops[SAKER_DROP_BUFFER_FULL], s.drops[SAKER_DROP_TOO_BIG],
		 s.drops[SAKER_DROP_FAULT]);
	if (d->cfg->drops.actions & CONFIG_DROP_LOG)
		fprintf(stderr, "sakerd: %s\n", msg);
	if (d->cfg->drops.actions & CONFIG_DROP_ALERT)
		daemon_health(d, ALERT_CRITICAL, "saker internal: syscall event drops", msg);
	if (d->cfg->drops.actions & CONFIG_DROP_EXIT)
		daemon_sig_stop = 1;
}

void daemon_update_status(struct daemon *d)
{
	char status[256];
	size_t enabled = 0;

	for (size_t i = 0; i < rules_count(d->rs); i++)
		enabled += rules_at(d->rs, i)->enabled;
	snprintf(status, sizeof(status),
		 "driver %s, %zu rules (%zu enabled), %" PRIu64 " events, %" PRIu64 " alerts",
		 d->src->driver, rules_count(d->rs), enabled, d->events, d->alerts);
	sdn_status(status);
}
