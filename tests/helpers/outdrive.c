// SPDX-License-Identifier: GPL-2.0-only
/*
 * Drives the real outputs the way the daemon will: loads a config (file
 * and -o overrides), opens every enabled sink, pushes N synthetic alerts
 * from this thread (measuring how long each push takes), reopens on
 * SIGUSR1, stops with a flush, and prints the counters on stderr.
 *
 *   outdrive [-c FILE] [-o KEY=VALUE]... [-n N] [-i USEC] [-q CAPACITY]
 *            [-H HEALTH_MS] [-s STOP_MS] [-p PRIORITY] [-w WAIT_MS]
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "alert.h"
#include "configfile.h"
#include "out.h"
#include "outq.h"
#include "util.h"

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = 1;
}

static struct alert *make_alert(unsigned seq, enum alert_prio prio)
{
	char out[256];
	struct alert *a;

	snprintf(out, sizeof(out),
		 "File below /etc opened for writing (user=root command=touch /etc/x%u "
		 "file=/etc/x%u seq=%u)",
		 seq, seq, seq);
	a = alert_new("Write below etc", prio, clock_ns(CLOCK_REALTIME), "syscall", NULL, out);
	if (!a)
		return NULL;
	alert_add_tag(a, "mitre_persistence");
	alert_add_tag(a, "filesystem");
	alert_add_tag(a, "test");
	alert_set_field_str(a, "proc.name", "touch");
	alert_set_field_str(a, "user.name", "root");
	alert_set_field_int(a, "evt.seq", seq);
	alert_set_field_int(a, "proc.pid", 4242);
	alert_set_field_str(a, "container.id", NULL);
	return a;
}

int main(int argc, char **argv)
{
	char *overrides[64], err[512];
	unsigned n = 10, interval_us = 0, cap = 0, health_ms = 10000, stop_ms = 10000, wait_ms = 0;
	const char *cfgpath = NULL;
	enum alert_prio prio = ALERT_WARNING;
	size_t nov = 0, i;
	uint64_t t0, dt, max_push = 0;
	struct config *c;
	struct outq *q;
	struct outq_stats st;
	int opt, r, left;

	while ((opt = getopt(argc, argv, "c:o:n:i:q:H:s:p:w:")) != -1) {
		switch (opt) {
		case 'c':
			cfgpath = optarg;
			break;
		case 'o':
			if (nov < 64)
				overrides[nov++] = optarg;
			break;
		case 'n':
			n = (unsigned)atoi(optarg);
			break;
		case 'i':
			interval_us = (unsigned)atoi(optarg);
			break;
		case 'q':
			cap = (unsigned)atoi(optarg);
			break;
		case 'H':
			health_ms = (unsigned)atoi(optarg);
			break;
		case 's':
			stop_ms = (unsigned)atoi(optarg);
			break;
		case 'w':
			wait_ms = (unsigned)atoi(optarg);
			break;
		case 'p':
			if (alert_prio_parse(optarg, &prio) < 0)
				return 64;
			break;
		default:
			return 64;
		}
	}
	r = config_load(cfgpath, overrides, nov, &c, err, sizeof(err));
	if (r < 0) {
		fprintf(stderr, "outdrive: %s\n", err);
		return 78;
	}
	q = outq_new(&(struct outq_opts){
		.capacity = cap ? cap : (c->outputs_queue_capacity ?: OUTQ_DEFAULT_CAPACITY),
		.rate = c->outputs_rate,
		.max_burst = c->outputs_max_burst,
		.health_interval_ns = (uint64_t)health_ms * 1000000ull,
	});
	if (!q || out_open_all(c, q, err, sizeof(err)) < 0 || outq_start(q) < 0) {
		fprintf(stderr, "outdrive: %s\n", q ? err : strerror(errno));
		return 1;
	}
	signal(SIGUSR1, on_usr1);
	for (i = 0; i < n; i++) {
		struct alert *a = make_alert((unsigned)i, prio);

		if (!a)
			return 1;
		t0 = clock_ns(CLOCK_MONOTONIC);
		outq_push(q, a);
		dt = clock_ns(CLOCK_MONOTONIC) - t0;
		if (dt > max_push)
			max_push = dt;
		if (got_usr1) {
			got_usr1 = 0;
			outq_reopen(q);
		}
		if (interval_us)
			usleep(interval_us);
	}
	if (wait_ms)
		usleep(wait_ms * 1000);
	left = outq_stop(q, stop_ms);
	outq_get_stats(q, &st);
	fprintf(stderr,
		"pushed=%llu delivered=%llu dropped_full=%llu dropped_rate=%llu health=%llu "
		"undelivered=%d max_push_us=%llu\n",
		(unsigned long long)st.pushed, (unsigned long long)st.delivered,
		(unsigned long long)st.dropped_full, (unsigned long long)st.dropped_rate,
		(unsigned long long)st.health_alerts, left, (unsigned long long)(max_push / 1000));
	for (i = 0; i < st.nsinks; i++)
		fprintf(stderr, "sink=%s sent=%llu failed=%llu last_error=%d\n", st.sinks[i].name,
			(unsigned long long)st.sinks[i].sent,
			(unsigned long long)st.sinks[i].failed, st.sinks[i].last_error);
	outq_free(q);
	config_free(c);
	return 0;
}
