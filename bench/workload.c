// SPDX-License-Identifier: GPL-2.0-only
/*
 * workload: the syscall-heavy loops the benchmarks time. Each runs a fixed
 * number of iterations and prints nothing unless asked, so the timing is
 * the loop and nothing else.
 *
 *   workload getppid N      N getppid(2): a syscall no rule needs
 *   workload open N FILE    N open/read/close of FILE
 *   workload stat N FILE    N stat(2) of FILE
 *   workload forkexec N     N fork + execve(/bin/true) + wait
 *   workload connect N      N connect/accept/close pairs on loopback
 *   workload rate R SECS    getppid-free event generator: openat at R per second
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

static long count(const char *s)
{
	char *end;
	long n = strtol(s, &end, 10);

	if (*end || n <= 0) {
		fprintf(stderr, "workload: bad count '%s'\n", s);
		exit(64);
	}
	return n;
}

static int do_getppid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

static int do_open(long n, const char *file)
{
	char buf[512];

	for (long i = 0; i < n; i++) {
		int fd = open(file, O_RDONLY | O_CLOEXEC);

		if (fd < 0) {
			perror(file);
			return 1;
		}
		if (read(fd, buf, sizeof(buf)) < 0)
			return 1;
		close(fd);
	}
	return 0;
}

static int do_stat(long n, const char *file)
{
	struct stat st;

	for (long i = 0; i < n; i++)
		if (stat(file, &st) < 0) {
			perror(file);
			return 1;
		}
	return 0;
}

static int do_forkexec(long n)
{
	for (long i = 0; i < n; i++) {
		pid_t p = fork();
		int st;

		if (p == 0) {
			execl("/bin/true", "true", (char *)NULL);
			_exit(127);
		}
		if (p < 0 || waitpid(p, &st, 0) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
			return 1;
	}
	return 0;
}

static int do_connect(long n)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (ls < 0 || bind(ls, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(ls, 128) < 0 ||
	    getsockname(ls, (struct sockaddr *)&a, &l) < 0) {
		perror("listen");
		return 1;
	}
	for (long i = 0; i < n; i++) {
		int c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), s;

		if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0) {
			perror("connect");
			return 1;
		}
		s = accept4(ls, NULL, NULL, SOCK_CLOEXEC);
		if (s < 0)
			return 1;
		close(s);
		close(c);
	}
	close(ls);
	return 0;
}

static uint64_t now_ns(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* openat(/dev/null) at a steady rate, in 1 ms batches; prints how many were made. */
static int do_rate(long rate, long secs)
{
	uint64_t start = now_ns(), end = start + (uint64_t)secs * 1000000000ull;
	long done = 0;

	while (now_ns() < end) {
		uint64_t t = now_ns();
		long due = (long)((t - start) * (uint64_t)rate / 1000000000ull);

		while (done < due) {
			int fd = open("/dev/null", O_RDONLY | O_CLOEXEC);

			if (fd >= 0)
				close(fd);
			done++;
		}
		if (done >= due) {
			struct timespec ts = { 0, 200000 };
			nanosleep(&ts, NULL);
		}
	}
	printf("%ld\n", done);
	return 0;
}

int main(int argc, char **argv)
{
	const char *w = argc > 1 ? argv[1] : "";

	if (argc >= 3 && strcmp(w, "getppid") == 0)
		return do_getppid(count(argv[2]));
	if (argc >= 4 && strcmp(w, "open") == 0)
		return do_open(count(argv[2]), argv[3]);
	if (argc >= 4 && strcmp(w, "stat") == 0)
		return do_stat(count(argv[2]), argv[3]);
	if (argc >= 3 && strcmp(w, "forkexec") == 0)
		return do_forkexec(count(argv[2]));
	if (argc >= 3 && strcmp(w, "connect") == 0)
		return do_connect(count(argv[2]));
	if (argc >= 4 && strcmp(w, "rate") == 0)
		return do_rate(count(argv[2]), count(argv[3]));
	fprintf(stderr, "usage: workload getppid N | open N FILE | stat N FILE | forkexec N |"
			" connect N | rate PER_SEC SECS\n");
	return 64;
}
