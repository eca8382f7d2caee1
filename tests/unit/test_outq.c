// SPDX-License-Identifier: GPL-2.0-only
/*
 * The alert queue: the producer never waits for a sink, a full queue drops
 * the oldest and says so (rate-limited), the token bucket limits, stop
 * flushes. The sink here is a test sink that can be made to hang, the way
 * a dead HTTP endpoint or a stuck program would; the real sinks are
 * exercised by tests/integration/out_*.sh.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "outq.h"
#include "tap.h"
#include "util.h"

struct test_sink {
	struct out_sink base;
	pthread_mutex_t lock;
	pthread_cond_t cond;
	bool hang; /* emit waits while set */
	unsigned entered, emitted, health, reopened, flushed;
	char last_rule[128];
	char last_line[512];
	char health_line[512];
};

static int t_emit(struct out_sink *s, const struct alert *a, const char *line)
{
	struct test_sink *t = (struct test_sink *)s;

	pthread_mutex_lock(&t->lock);
	t->entered++;
	while (t->hang)
		pthread_cond_wait(&t->cond, &t->lock);
	t->emitted++;
	t->health += a->health;
	if (a->health)
		snprintf(t->health_line, sizeof(t->health_line), "%s|%s", a->rule,
			 line ? line : "");
	snprintf(t->last_rule, sizeof(t->last_rule), "%s", a->rule);
	snprintf(t->last_line, sizeof(t->last_line), "%s", line ? line : "");
	pthread_mutex_unlock(&t->lock);
	return 0;
}

static int t_reopen(struct out_sink *s)
{
	__atomic_fetch_add(&((struct test_sink *)s)->reopened, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static int t_flush(struct out_sink *s)
{
	__atomic_fetch_add(&((struct test_sink *)s)->flushed, 1, __ATOMIC_SEQ_CST);
	return 0;
}

static void t_free(struct out_sink *s)
{
}

static const struct out_ops t_ops = { "test", t_emit, t_reopen, t_flush, t_free };

static void sink_init(struct test_sink *t, bool hang)
{
	memset(t, 0, sizeof(*t));
	t->base.ops = &t_ops;
	t->base.fmt = ALERT_FMT_DEFAULT;
	t->base.wants_line = true;
	t->hang = hang;
	pthread_mutex_init(&t->lock, NULL);
	pthread_cond_init(&t->cond, NULL);
}

static void sink_release(struct test_sink *t)
{
	pthread_mutex_lock(&t->lock);
	t->hang = false;
	pthread_cond_broadcast(&t->cond);
	pthread_mutex_unlock(&t->lock);
}

/* Waits (at most 5 s) until *counter reaches n; timing-independent tests. */
static bool wait_for(struct test_sink *t, unsigned *counter, unsigned n)
{
	unsigned v;
	int i;

	for (i = 0; i < 500; i++) {
		pthread_mutex_lock(&t->lock);
		v = __atomic_load_n(counter, __ATOMIC_SEQ_CST);
		pthread_mutex_unlock(&t->lock);
		if (v >= n)
			return true;
		usleep(10000);
	}
	return false;
}

static unsigned sink_count(struct test_sink *t, unsigned *health)
{
	unsigned n;

	pthread_mutex_lock(&t->lock);
	n = t->emitted;
	if (health)
		*health = t->health;
	pthread_mutex_unlock(&t->lock);
	return n;
}

static struct alert *mk(unsigned i)
{
	char rule[32];

	snprintf(rule, sizeof(rule), "rule %u", i);
	return alert_new(rule, ALERT_WARNING, 1, NULL, "h", "out");
}

static void test_bucket(void)
{
	struct out_bucket b;
	int i, n = 0;

	out_bucket_init(&b, 2, 3, 0);
	for (i = 0; i < 10; i++)
		n += out_bucket_claim(&b, 0);
	tap_is_int(n, 3, "a full bucket allows max_burst alerts at once");
	tap_ok(!out_bucket_claim(&b, 400000000), "... then nothing before 1/rate seconds");
	tap_ok(out_bucket_claim(&b, 500000000), "... and one more after 1/rate seconds");
	n = 0;
	for (i = 0; i < 10; i++)
		n += out_bucket_claim(&b, 100ull * 1000000000ull);
	tap_is_int(n, 3, "tokens never exceed max_burst after a long pause");
	out_bucket_init(&b, 0, 1, 0);
	for (i = 0, n = 0; i < 1000; i++)
		n += out_bucket_claim(&b, 0);
	tap_is_int(n, 1000, "rate 0 means no limit");
}

static void test_overflow(void)
{
	struct test_sink t;
	struct outq *q;
	struct outq_stats st;
	uint64_t t0, dt, worst = 0;
	unsigned i, health, ones = 0;
	int r;

	sink_init(&t, true);
	q = outq_new(&(struct outq_opts){ .capacity = 10, .health_interval_ns = 1 });
	outq_add_sink(q, &t.base);
	outq_start(q);
	for (i = 0; i < 1000; i++) {
		r = outq_push(q, mk(i));
		dt = clock_ns(CLOCK_MONOTONIC) - t0;
		worst = dt > worst ? dt : worst;
		ones += r == 1;
	}
	tap_ok(worst < 50000000ull, "1000 pushes with a hung sink never block (worst %llu us)",
	       (unsigned long long)(worst / 1000));
	outq_get_stats(q, &st);
	/* The thread holds one alert in the hung sink; the ring holds 10. */
	tap_ok(st.dropped_full >= 989 && st.dropped_full == ones && st.depth == 10,
	       "a full queue drops the oldest and counts them (dropped %llu, depth %zu)",
	       (unsigned long long)st.dropped_full, st.depth);
	sink_release(&t);
	outq_stop(q, 5000);
	sink_count(&t, &health);
	tap_ok(health >= 1, "the overflow produced a health alert");
	outq_get_stats(q, &st);
	tap_ok(st.delivered == st.pushed - st.dropped_full,
	       "everything not dropped is delivered at stop (%llu of %llu)",
	       (unsigned long long)st.delivered, (unsigned long long)st.pushed);
	tap_is_str(t.last_rule, "rule 999", "the newest alert survived, the oldest were dropped");
	outq_free(q);
}

static void test_health_rate_limited(void)
{
	struct test_sink t;
	struct outq *q;
	unsigned health, i, j;
	struct outq_stats st;

	sink_init(&t, true);
	q = outq_new(&(struct outq_opts){ .capacity = 2, .health_interval_ns = 3600000000000ull });
	outq_add_sink(q, &t.base);
	outq_start(q);
	for (i = 0; i < 10; i++)
		outq_push(q, mk(i));
	sink_release(&t);
	usleep(100000);
	for (i = 0; i < 3; i++) {
		pthread_mutex_lock(&t.lock);
		t.hang = true;
		pthread_mutex_unlock(&t.lock);
		for (j = 0; j < 10; j++)
			outq_push(q, mk(j));
		sink_release(&t);
		usleep(50000);
	}
	outq_stop(q, 5000);
	sink_count(&t, &health);
	outq_get_stats(q, &st);
	tap_ok(health == 1 && st.health_alerts == 1 && st.dropped_full > 20,
	       "four overflow episodes within the interval give one health alert "
	       "(%u health, %llu dropped)",
	       health, (unsigned long long)st.dropped_full);
	outq_free(q);
}

static void test_health_content(void)
{
	struct test_sink t;
	struct outq *q;

	sink_init(&t, true);
	q = outq_new(
		&(struct outq_opts){ .capacity = 1, .health_interval_ns = 1, .hostname = "hostX" });
	outq_add_sink(q, &t.base);
	outq_start(q);
	outq_push(q, mk(1));
	wait_for(&t, &t.entered, 1); /* the thread took it and hangs */
	outq_push(q, mk(2));
	outq_push(q, mk(3)); /* drops 2 */
	sink_release(&t);
	outq_stop(q, 5000);
	outq_free(q);
	tap_ok(t.health == 1, "one alert dropped gives one health alert");
	tap_ok(strstr(t.health_line, "saker internal: alert queue overflow|") == t.health_line &&
		       strstr(t.health_line, ": Critical saker alert queue full: 1 alerts dropped"),
	       "... a Critical alert of its own rule saying how many (%s)", t.health_line);
}

static void test_rate_limit(void)
{
	struct test_sink t;
	struct outq *q;
	struct outq_stats st;
	struct alert *h;
	int i, refused = 0;

	sink_init(&t, false);
	q = outq_new(&(struct outq_opts){ .capacity = 100, .rate = 1, .max_burst = 5 });
	outq_add_sink(q, &t.base);
	outq_start(q);
	for (i = 0; i < 20; i++)
		refused += outq_push(q, mk((unsigned)i)) == -EAGAIN;
	h = mk(99);
	h->health = true;
	tap_is_int(outq_push(q, h), 0, "health alerts bypass the rate limit");
	outq_stop(q, 5000);
	outq_get_stats(q, &st);
	tap_ok(refused == 15 && st.dropped_rate == 15 && sink_count(&t, NULL) == 6,
	       "rate 1/s, burst 5: 5 of 20 pass, 15 refused and counted (%d refused, %u sent)",
	       refused, sink_count(&t, NULL));
	outq_free(q);
}

static void *release_later(void *arg)
{
	usleep(100000);
	sink_release(arg);
	return NULL;
}

static void test_stop(void)
{
	struct test_sink t;
	struct outq *q;
	struct outq_stats st;
	pthread_t rel;
	int i, left;

	sink_init(&t, false);
	q = outq_new(&(struct outq_opts){ .capacity = 1000 });
	outq_add_sink(q, &t.base);
	outq_start(q);
	for (i = 0; i < 500; i++)
		outq_push(q, mk((unsigned)i));
	left = outq_stop(q, 5000);
	tap_ok(left == 0 && sink_count(&t, NULL) == 500, "stop flushes every queued alert");
	tap_ok(t.flushed >= 1, "... and flushes the sinks");
	tap_is_int(outq_push(q, mk(0)), -ESHUTDOWN, "push after stop is refused");
	outq_free(q);

	sink_init(&t, false);
	q = outq_new(&(struct outq_opts){ .capacity = 10 });
	outq_add_sink(q, &t.base);
	outq_start(q);
	outq_reopen(q);
	tap_ok(wait_for(&t, &t.reopened, 1) && t.reopened == 1,
	       "reopen reaches the sinks from the output thread");
	pthread_mutex_lock(&t.lock);
	t.hang = true;
	pthread_mutex_unlock(&t.lock);
	for (i = 0; i < 5; i++)
		outq_push(q, mk((unsigned)i));
	usleep(50000);
	/* The sink is hung: release it after the deadline so join can finish. */
	pthread_create(&rel, NULL, release_later, &t);
	left = outq_stop(q, 0);
	pthread_join(rel, NULL);
	outq_get_stats(q, &st);
	tap_ok(left >= 3, "stop's deadline leaves what a hung sink could not take (%d left)", left);
	outq_free(q);
}

int main(void)
{
	test_bucket();
	test_overflow();
	test_health_rate_limited();
	test_health_content();
	test_rate_limit();
	test_stop();
	return tap_done();
}
