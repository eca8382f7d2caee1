// SPDX-License-Identifier: GPL-2.0-only
/* The bounded alert queue and its output thread. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "outq.h"
#include "util.h"

struct outq {
	pthread_mutex_t lock;
	pthread_cond_t cond; /* CLOCK_MONOTONIC */
	struct alert **ring;
	size_t cap, head, len;
	struct out_bucket bucket;
	bool started, stopping, reopen;
	uint64_t deadline_ns; /* when stopping: give up delivering after this */
	pthread_t thread;
	struct out_sink *sinks[OUTQ_MAX_SINKS];
	size_t nsinks;
	uint64_t pushed, delivered, dropped_full, dropped_rate, health_alerts;
	uint64_t reported_drops, last_health_ns, health_interval_ns;
	char *hostname;
	int undelivered;
};

void out_bucket_init(struct out_bucket *b, double rate, double burst, uint64_t now_ns)
{
	b->rate = rate;
	b->burst = burst < 1 ? 1 : burst;
	b->tokens = b->burst;
	b->last_ns = now_ns;
}

bool out_bucket_claim(struct out_bucket *b, uint64_t now_ns)
{
	if (b->rate <= 0)
		return true;
	if (now_ns > b->last_ns) {
		b->tokens += (double)(now_ns - b->last_ns) * b->rate / 1e9;
		if (b->tokens > b->burst)
			b->tokens = b->burst;
		b->last_ns = now_ns;
	}
	if (b->tokens < 1)
		return false;
	b->tokens -= 1;
	return true;
}

void out_sink_free(struct out_sink *s)
{
	if (s && s->ops->free)
		s->ops->free(s);
}

struct outq *outq_new(const struct outq_opts *o)
{
	pthread_condattr_t ca;
	struct outq *q;

	if (!o->capacity || o->capacity > (1u << 24) || o->rate < 0) {
		errno = EINVAL;
		return NULL;
	}
	q = calloc(1, sizeof(*q));
	if (!q)
		return NULL;
	q->ring = calloc(o->capacity, sizeof(*q->ring));
	q->hostname = o->hostname ? strdup(o->hostname) : NULL;
	if (!q->ring || (o->hostname && !q->hostname)) {
		free(q->ring);
		free(q->hostname);
		free(q);
		errno = ENOMEM;
		return NULL;
	}
	q->cap = o->capacity;
	q->health_interval_ns = o->health_interval_ns;
	out_bucket_init(&q->bucket, o->rate, o->max_burst, clock_ns(CLOCK_MONOTONIC));
	pthread_mutex_init(&q->lock, NULL);
	pthread_condattr_init(&ca);
	pthread_condattr_setclock(&ca, CLOCK_MONOTONIC);
	pthread_cond_init(&q->cond, &ca);
	pthread_condattr_destroy(&ca);
	return q;
}

int outq_add_sink(struct outq *q, struct out_sink *s)
{
	if (q->started)
		return -EBUSY;
	if (q->nsinks >= OUTQ_MAX_SINKS)
		return -E2BIG;
	q->sinks[q->nsinks++] = s;
	return 0;
}

int outq_push(struct outq *q, struct alert *a)
{
	struct alert *old = NULL;
	int r = 0;

	pthread_mutex_lock(&q->lock);
	if (q->stopping) {
		r = -ESHUTDOWN;
	} else if (!a->health && !out_bucket_claim(&q->bucket, clock_ns(CLOCK_MONOTONIC))) {
		q->dropped_rate++;
		r = -EAGAIN;
	} else {
		if (q->len == q->cap) {
			old = q->ring[q->head];
			q->head = (q->head + 1) % q->cap;
			q->len--;
			q->dropped_full++;
			r = 1;
		}
		q->ring[(q->head + q->len) % q->cap] = a;
		q->len++;
		q->pushed++;
		a = NULL;
		pthread_cond_signal(&q->cond);
	}
	pthread_mutex_unlock(&q->lock);
	/* Freed outside the lock: the producer holds it as briefly as it can. */
	alert_free(old);
	alert_free(a);
	return r;
}

void outq_reopen(struct outq *q)
{
	pthread_mutex_lock(&q->lock);
	q->reopen = true;
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
}

struct render_cache {
	struct alert_fmt fmt[4];
	char *line[4];
	size_t n;
};

static const char *render_for(struct render_cache *c, const struct alert *a,
			      const struct alert_fmt *f)
{
	size_t i;

	for (i = 0; i < c->n; i++)
		if (!memcmp(&c->fmt[i], f, sizeof(*f)))
			return c->line[i];
	if (c->n == ARRAY_SIZE(c->line))
		return NULL;
	c->fmt[c->n] = *f;
	c->line[c->n] = alert_render(a, f);
	return c->line[c->n++];
}

static void deliver(struct outq *q, const struct alert *a)
{
	struct render_cache rc = { .n = 0 };
	const char *line;
	size_t i;
	int r;

	for (i = 0; i < q->nsinks; i++) {
		struct out_sink *s = q->sinks[i];

		line = s->wants_line ? render_for(&rc, a, &s->fmt) : NULL;
		if (s->wants_line && !line)
			r = -ENOMEM;
		else
			r = s->ops->emit(s, a, line);
		if (r < 0) {
			__atomic_fetch_add(&s->failed, 1, __ATOMIC_RELAXED);
			__atomic_store_n(&s->last_error, r, __ATOMIC_RELAXED);
		} else {
			__atomic_fetch_add(&s->sent, 1, __ATOMIC_RELAXED);
		}
	}
	for (i = 0; i < rc.n; i++)
		free(rc.line[i]);
}

static void each_sink(struct outq *q, bool reopen)
{
	size_t i;
	int r;

	for (i = 0; i < q->nsinks; i++) {
		struct out_sink *s = q->sinks[i];
		int (*fn)(struct out_sink *) = reopen ? s->ops->reopen : s->ops->flush;

		if (!fn)
			continue;
		r = fn(s);
		if (r < 0)
			__atomic_store_n(&s->last_error, r, __ATOMIC_RELAXED);
	}
}

/* The overflow alert, in Falco's internal-alert style (source "internal"). */
static struct alert *overflow_alert(struct outq *q, uint64_t n, uint64_t total)
{
	struct alert *a;
	char msg[256];

	snprintf(msg, sizeof(msg),
		 "saker alert queue full: %llu alerts dropped since the last report "
		 "(%llu in total, queue capacity %zu)",
		 (unsigned long long)n, (unsigned long long)total, q->cap);
	a = alert_new("saker internal: alert queue overflow", ALERT_CRITICAL,
		      clock_ns(CLOCK_REALTIME), "internal", q->hostname, msg);
	if (!a)
		return NULL;
	a->health = true;
	if (alert_set_field_int(a, "saker.alerts_dropped", (int64_t)n) < 0 ||
	    alert_set_field_int(a, "saker.alerts_dropped_total", (int64_t)total) < 0 ||
	    alert_set_field_int(a, "saker.queue_capacity", (int64_t)q->cap) < 0 ||
	    alert_add_tag(a, "saker") < 0 || alert_add_tag(a, "health") < 0) {
		alert_free(a);
		return NULL;
	}
	return a;
}

/* Called with the lock held; may drop and retake it. */
static void maybe_report_overflow(struct outq *q, uint64_t now)
{
	uint64_t n = q->dropped_full - q->reported_drops, total = q->dropped_full;
	struct alert *a;

	if (!n || (q->last_health_ns && now - q->last_health_ns < q->health_interval_ns))
		return;
	q->reported_drops = total;
	q->last_health_ns = now;
	q->health_alerts++;
	pthread_mutex_unlock(&q->lock);
	a = overflow_alert(q, n, total);
	if (a)
		deliver(q, a);
	alert_free(a);
	pthread_mutex_lock(&q->lock);
}

static void wait_for_work(struct outq *q)
{
	uint64_t wake = 0, now = clock_ns(CLOCK_MONOTONIC);
	struct timespec ts;

	if (q->dropped_full != q->reported_drops)
		wake = q->last_health_ns + q->health_interval_ns;
	if (wake && wake <= now)
		return;
	if (!wake) {
		pthread_cond_wait(&q->cond, &q->lock);
		return;
	}
	ts.tv_sec = (time_t)(wake / 1000000000ull);
	ts.tv_nsec = (long)(wake % 1000000000ull);
	pthread_cond_timedwait(&q->cond, &q->lock, &ts);
}

static void *output_thread(void *arg)
{
	struct outq *q = arg;
	struct alert *a;
	sigset_t pipe;

	/* A sink whose reader died must get EPIPE, not kill the daemon. */
	sigemptyset(&pipe);
	sigaddset(&pipe, SIGPIPE);
	pthread_sigmask(SIG_BLOCK, &pipe, NULL);

	pthread_mutex_lock(&q->lock);
	for (;;) {
		maybe_report_overflow(q, clock_ns(CLOCK_MONOTONIC));
		if (q->reopen) {
			q->reopen = false;
			pthread_mutex_unlock(&q->lock);
			each_sink(q, true);
			pthread_mutex_lock(&q->lock);
			continue;
		}
		if (q->len && (!q->stopping || clock_ns(CLOCK_MONOTONIC) < q->deadline_ns)) {
			a = q->ring[q->head];
			q->head = (q->head + 1) % q->cap;
			q->len--;
			pthread_mutex_unlock(&q->lock);
			deliver(q, a);
			alert_free(a);
			pthread_mutex_lock(&q->lock);
			q->delivered++;
			if (!q->len) {
				pthread_mutex_unlock(&q->lock);
				each_sink(q, false);
				pthread_mutex_lock(&q->lock);
			}
			continue;
		}
		if (q->stopping)
			break;
		wait_for_work(q);
	}
	pthread_mutex_unlock(&q->lock);
	each_sink(q, false);
	return NULL;
}

int outq_start(struct outq *q)
{
	int r;

	if (q->started)
		return -EALREADY;
	r = -pthread_create(&q->thread, NULL, output_thread, q);
	if (r == 0)
		q->started = true;
	return r;
}

int outq_stop(struct outq *q, unsigned timeout_ms)
{
	struct alert *a;
	int left = 0;

	pthread_mutex_lock(&q->lock);
	if (!q->stopping) {
		q->stopping = true;
		q->deadline_ns = clock_ns(CLOCK_MONOTONIC) + (uint64_t)timeout_ms * 1000000ull;
	}
	pthread_cond_signal(&q->cond);
	pthread_mutex_unlock(&q->lock);
	if (q->started) {
		pthread_join(q->thread, NULL);
		q->started = false;
	}
	/* What the deadline left behind (or everything, if never started). */
	pthread_mutex_lock(&q->lock);
	while (q->len) {
		a = q->ring[q->head];
		q->head = (q->head + 1) % q->cap;
		q->len--;
		alert_free(a);
		left++;
	}
	q->undelivered += left;
	left = q->undelivered;
	pthread_mutex_unlock(&q->lock);
	return left;
}

void outq_get_stats(struct outq *q, struct outq_stats *ret_stats)
{
	struct outq_stats st = { 0 };
	size_t i;

	pthread_mutex_lock(&q->lock);
	st.pushed = q->pushed;
	st.delivered = q->delivered;
	st.dropped_full = q->dropped_full;
	st.dropped_rate = q->dropped_rate;
	st.health_alerts = q->health_alerts;
	st.depth = q->len;
	pthread_mutex_unlock(&q->lock);
	st.nsinks = q->nsinks;
	for (i = 0; i < q->nsinks; i++) {
		st.sinks[i].name = q->sinks[i]->ops->name;
		st.sinks[i].sent = __atomic_load_n(&q->sinks[i]->sent, __ATOMIC_RELAXED);
		st.sinks[i].failed = __atomic_load_n(&q->sinks[i]->failed, __ATOMIC_RELAXED);
		st.sinks[i].last_error =
			__atomic_load_n(&q->sinks[i]->last_error, __ATOMIC_RELAXED);
	}
	*ret_stats = st;
}

void outq_free(struct outq *q)
{
	size_t i;

	if (!q)
		return;
	outq_stop(q, 0);
	for (i = 0; i < q->nsinks; i++)
		out_sink_free(q->sinks[i]);
	pthread_cond_destroy(&q->cond);
	pthread_mutex_destroy(&q->lock);
	free(q->ring);
	free(q->hostname);
	free(q);
}
