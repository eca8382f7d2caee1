// SPDX-License-Identifier: GPL-2.0-only
/*
 * bench_state: resident memory of the state with 10,000 and 100,000
 * tracked processes (each with a distinct command line, a shared 1 KiB
 * environment, a cgroup set, ten fds; every tenth has four threads), and
 * the cost of applying openat/close pairs. Prints figures; never fails on
 * them. Each size runs in a child process so the measurements do not mix.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "recbuild.h"
#include "rules.h"
#include "state.h"
#include "util.h"

static uint8_t rec[SAKER_REC_MAX];
static char env[1024];

static long rss_kib(void)
{
	char line[256];
	long kib = -1;
	FILE *f = fopen("/proc/self/status", "re");

	while (f && fgets(line, sizeof(line), f))
		if (sscanf(line, "VmRSS: %ld kB", &kib) == 1)
			break;
	if (f)
		fclose(f);
	return kib;
}

static void apply(struct state *st, struct rec_builder *b)
{
	struct state_evctx ctx;
	struct evt e;
	int len = rb_end(b);

	if (len < 0 || evt_decode(&e, rec, (size_t)len, NULL, NULL) < 0) {
		fprintf(stderr, "bench_state: bad record\n");
		exit(1);
	}
	state_apply(st, &e, &ctx);
	state_commit(st);
}

static void snapshot(struct state *st, uint32_t pid, uint32_t tid)
{
	static const char cg[] = "cpu=/system.slice/app.service\0memory=/system.slice/app.service";
	char argv[128];
	int n = snprintf(argv, sizeof(argv), "worker%c--id=%u%c--config=/etc/app/app.conf", 0, pid,
			 0);
	struct rec_builder b;

	rb_begin(&b, rec, sizeof(rec), SAKER_EV_PROC_SNAPSHOT, 1, tid, pid, 0);
	rb_str(&b, NULL);
	rb_strlist(&b, argv, (size_t)n + 1);
	rb_num(&b, tid);
	rb_num(&b, pid);
	rb_num(&b, 1);
	rb_num(&b, pid);
	rb_num(&b, pid);
	rb_num(&b, tid);
	rb_num(&b, pid);
	rb_num(&b, pid);
	rb_str(&b, "/var/lib/app");
	rb_str(&b, "worker");
	rb_str(&b, "/usr/bin/worker");
	rb_strlist(&b, cg, sizeof(cg));
	rb_strlist(&b, env, sizeof(env));
	for (int i = 0; i < 14; i++)
		rb_num(&b, i == 1 ? UINT32_MAX : 0);
	apply(st, &b);
}

static void fd_snapshot(struct state *st, uint32_t pid, int64_t fd, uint8_t kind, const char *name)
{
	uint8_t a[4] = { 10, 0, (uint8_t)(pid >> 8), (uint8_t)pid }, r[4] = { 10, 1, 2, 3 };
	struct rec_builder b;

	rb_begin(&b, rec, sizeof(rec), SAKER_EV_FD_SNAPSHOT, 1, pid, pid, 0);
	rb_num(&b, (uint64_t)fd);
	rb_num(&b, kind);
	rb_num(&b, O_RDWR);
	rb_str(&b, name);
	if (kind == SAKER_FDK_IPV4)
		rb_tuple_in(&b, AF_INET, a, (uint16_t)(30000 + fd), r, 443);
	else
		rb_absent(&b);
	rb_num(&b, 0);
	rb_num(&b, (uint64_t)fd);
	rb_num(&b, kind == SAKER_FDK_IPV4 ? 6 : 0);
	apply(st, &b);
}

static void populate(struct state *st, uint32_t nprocs)
{
	char name[64];

	for (uint32_t i = 0; i < nprocs; i++) {
		uint32_t pid = 1000 + i * 8;

		snapshot(st, pid, pid);
		if (i % 10 == 0)
			for (uint32_t t = 1; t < 4; t++)
				snapshot(st, pid, pid + t);
		fd_snapshot(st, pid, 0, SAKER_FDK_FILE, "/dev/null");
		fd_snapshot(st, pid, 1, SAKER_FDK_PIPE, "pipe:[1234]");
		fd_snapshot(st, pid, 2, SAKER_FDK_PIPE, "pipe:[1234]");
		for (int f = 3; f < 8; f++) {
			snprintf(name, sizeof(name), "/var/lib/app/data/%u/%d.db", pid, f);
			fd_snapshot(st, pid, f, SAKER_FDK_FILE, name);
		}
		fd_snapshot(st, pid, 8, SAKER_FDK_IPV4, NULL);
		fd_snapshot(st, pid, 9, SAKER_FDK_IPV4, NULL);
	}
}

static double open_close_ns(struct state *st, uint32_t nprocs, unsigned rounds)
{
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
	struct rec_builder b;

	for (unsigned i = 0; i < rounds; i++) {
		uint32_t pid = 1000 + (i % nprocs) * 8;

		rb_begin(&b, rec, sizeof(rec), SAKER_EV_OPENAT, 2, pid, pid, 20);
		rb_num(&b, (uint64_t)AT_FDCWD);
		rb_str(&b, "../etc/app.conf");
		rb_num(&b, O_RDONLY);
		rb_num(&b, 0);
		rb_num(&b, 0);
		rb_num(&b, 99);
		apply(st, &b);
		rb_begin(&b, rec, sizeof(rec), SAKER_EV_CLOSE, 3, pid, pid, 0);
		rb_num(&b, 20);
		apply(st, &b);
	}
	return (double)(clock_ns(CLOCK_MONOTONIC) - t0) / (2.0 * rounds);
}

static void run(uint32_t nprocs)
{
	struct state_limits lim = { .no_lookups = true,
				    .max_procs = nprocs + 16,
				    .max_threads = nprocs * 2 };
	long before = rss_kib(), after;
	struct state_stats s;
	struct state *st = state_new(&lim);

	populate(st, nprocs);
	after = rss_kib();
	state_get_stats(st, &s);
	printf("%u processes: %llu threads, %llu fds, %llu strings (%llu KiB); "
	       "RSS %ld KiB (+%ld KiB, %.0f bytes/process)\n",
	       nprocs, (unsigned long long)s.threads, (unsigned long long)s.fds,
	       (unsigned long long)s.strings, (unsigned long long)(s.string_bytes / 1024), after,
	       after - before, (double)(after - before) * 1024.0 / nprocs);
	printf("%u processes: openat+close %.0f ns per event\n", nprocs,
	       open_close_ns(st, nprocs, 200000));
	fflush(stdout);
	state_free(st);
}

/*
 * Rules files given as arguments are loaded first (and kept), so the
 * figures are the daemon's: tables plus the compiled rules.
 */
static int load_rules(int n, char **paths)
{
	struct rules_diags d = { 0 };
	struct ruleset *rs = NULL;
	long before = rss_kib();
	int k;

	if (!n)
		return 0;
	k = rules_load_files((const char *const *)paths, (size_t)n, &d, &rs);
	if (k < 0) {
		fprintf(stderr, "bench_state: rules do not load (%u errors)\n", d.errors);
		rules_diags_free(&d);
		return k;
	}
	printf("rules: %zu loaded (+%ld KiB RSS); totals below include them\n", rules_count(rs),
	       rss_kib() - before);
	rules_diags_free(&d);
	return 0; /* rs stays loaded for the measurement */
}

int main(int argc, char **argv)
{
	static const uint32_t sizes[] = { 10000, 100000 };

	for (size_t i = 0; i + 1 < sizeof(env); i++)
		env[i] = i % 32 == 31 ? '\0' : (char)('A' + i % 26);
	printf("baseline RSS %ld KiB\n", rss_kib());
	fflush(stdout);
	for (size_t i = 0; i < sizeof(sizes) / sizeof(sizes[0]); i++) {
		pid_t pid = fork();
		int status;

		if (pid == 0) {
			if (load_rules(argc - 1, argv + 1) < 0)
				_exit(1);
			run(sizes[i]);
			_exit(0);
		}
		if (pid < 0 || waitpid(pid, &status, 0) < 0 || status != 0)
			return 1;
	}
	return 0;
}
