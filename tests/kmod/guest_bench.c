// SPDX-License-Identifier: GPL-2.0-only
/*
 * What the module costs a workload, printed as diagnostics (never a verdict
 * on time): a system call no rule asks for (getppid: the probe's filter
 * path) and openat+close pairs captured while a thread drains the rings.
 * Under TCG absolute numbers are slow; the ratios are what to compare.
 */
#include <fcntl.h>
#include <pthread.h>
#include <stdio.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/syscall.h>

#include "guest.h"
#include "src_kmod.h"
#include "tap.h"

#define BENCH_FILE "/tmp/saker-kmod-file"
#define N_GETPPID 100000
#define N_OPEN 10000

struct bench {
	double getppid_ns, open_ns;
};

static double now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return ts.tv_sec * 1e9 + ts.tv_nsec;
}

static void run(struct bench *b)
{
	double t;
	int i, f;

	f = open(BENCH_FILE, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (f >= 0)
		close(f);
	t = now_ns();
	for (i = 0; i < N_GETPPID; i++)
		syscall(SYS_getppid);
	b->getppid_ns = (now_ns() - t) / N_GETPPID;
	t = now_ns();
	for (i = 0; i < N_OPEN; i++) {
		f = open(BENCH_FILE, O_RDONLY | O_CLOEXEC);
		if (f >= 0)
			close(f);
	}
	b->open_ns = (now_ns() - t) / N_OPEN;
}

static struct bench baseline;

void case_bench_baseline(void)
{
	run(&baseline);
}

struct drainer {
	struct source *s;
	volatile int stop;
	unsigned long long records;
};

static void *drain_thread(void *arg)
{
	struct drainer *d = arg;
	const void *rec;

	while (!d->stop)
		while (src_next(d->s, 5, &rec) == SRC_RECORD)
			d->records++;
	return NULL;
}

void case_bench(void)
{
	struct drainer d = { 0 };
	struct src_interest want = { { 0 } };
	struct src_stats st;
	struct bench b;
	pthread_t t;
	char err[512];

	if (guest_load("buf_size=1048576") < 0 ||
	    src_kmod_open(GUEST_DEVICE, &d.s, err, sizeof(err)) < 0) {
		tap_diag("bench: cannot attach");
		guest_unload();
		return;
	}
	src_interest_set(&want, SAKER_EV_OPENAT);
	src_set_interest(d.s, &want);
	pthread_create(&t, NULL, drain_thread, &d);
	run(&b);
	d.stop = 1;
	pthread_join(t, NULL);
	src_stats(d.s, &st);
	tap_diag(
		"bench: getppid %.0f ns untraced, %.0f ns with saker.ko attached (%.2fx, filtered out)",
		baseline.getppid_ns, b.getppid_ns, b.getppid_ns / baseline.getppid_ns);
	tap_diag(
		"bench: openat+close %.0f ns untraced, %.0f ns captured (%.2fx); %llu records, %llu drops",
		baseline.open_ns, b.open_ns, b.open_ns / baseline.open_ns, d.records,
		(unsigned long long)st.drops[SAKER_DROP_BUFFER_FULL]);
	src_close(d.s);
	guest_unload();
}
