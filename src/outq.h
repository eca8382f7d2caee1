/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The alert queue: the engine pushes alerts, one output thread hands them
 * to every sink. Pushing never blocks on a sink: a full queue drops its
 * oldest alert (counted, and reported by a rate-limited health alert), and
 * a token bucket (outputs.rate / outputs.max_burst) limits alerts as Falco
 * does. Sinks are called from the output thread only.
 */
#ifndef SAKER_OUTQ_H
#define SAKER_OUTQ_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"

struct out_sink;

struct out_ops {
	const char *name;
	/* Deliver one alert; line is the rendering for this sink's format. */
	int (*emit)(struct out_sink *s, const struct alert *a, const char *line);
	/* Optional: reopen files (log rotation). */
	int (*reopen)(struct out_sink *s);
	/* Optional: push buffered data out (queue drained, shutdown). */
	int (*flush)(struct out_sink *s);
	void (*free)(struct out_sink *s);
};

/* Every sink embeds this first; counters are written by the output thread. */
struct out_sink {
	const struct out_ops *ops;
	struct alert_fmt fmt;
	bool wants_line; /* false: the sink renders for itself (journal) */
	uint64_t sent;
	uint64_t failed;
	int last_error; /* -errno of the last failure */
};

void out_sink_free(struct out_sink *s);

struct outq_opts {
	size_t capacity; /* alerts held; >= 1 */
	double rate; /* alerts per second; 0 = unlimited */
	double max_burst; /* bucket size */
	uint64_t health_interval_ns; /* at most one overflow alert per interval */
	const char *hostname; /* for health alerts; NULL = this host */
};
#define OUTQ_DEFAULT_CAPACITY 4096
#define OUTQ_DEFAULT_HEALTH_INTERVAL_NS (10ull * 1000000000ull)

struct outq_sink_stats {
	const char *name;
	uint64_t sent, failed;
	int last_error;
};

struct outq_stats {
	uint64_t pushed; /* accepted by outq_push */
	uint64_t delivered; /* handed to the sinks */
	uint64_t dropped_full; /* oldest dropped because the queue was full */
	uint64_t dropped_rate; /* refused by the token bucket */
	uint64_t health_alerts; /* overflow alerts emitted */
	size_t depth; /* alerts waiting now */
	size_t nsinks;
	struct outq_sink_stats sinks[16];
};
#define OUTQ_MAX_SINKS 16

/* NULL with errno. The queue owns added sinks from then on. */
struct outq *outq_new(const struct outq_opts *o);
int outq_add_sink(struct outq *q, struct out_sink *s);
/* Starts the output thread. */
int outq_start(struct outq *q);
/*
 * Takes ownership of a. 0 queued, 1 queued after dropping the oldest,
 * -EAGAIN refused by the rate limit (a freed), -ESHUTDOWN after outq_stop.
 * Health alerts (a->health) bypass the rate limit.
 */
int outq_push(struct outq *q, struct alert *a);
/* Asks the output thread to reopen its files (SIGUSR1); returns at once. */
void outq_reopen(struct outq *q);
/*
 * Delivers what is queued (waiting at most timeout_ms for the sinks), stops
 * the thread. Returns the number of alerts still undelivered (0 = flushed).
 */
int outq_stop(struct outq *q, unsigned timeout_ms);
void outq_get_stats(struct outq *q, struct outq_stats *ret_stats);
/* Stops if needed and frees the queue and its sinks. */
void outq_free(struct outq *q);

/* Monotonic token bucket (Falco's outputs.rate/max_burst); exported for tests. */
struct out_bucket {
	double rate, burst, tokens;
	uint64_t last_ns;
};
void out_bucket_init(struct out_bucket *b, double rate, double burst, uint64_t now_ns);
bool out_bucket_claim(struct out_bucket *b, uint64_t now_ns);

#endif /* SAKER_OUTQ_H */
