// SPDX-License-Identifier: GPL-2.0-only
/*
 * The behaviours tests/integration/ptrace_fdsync.sh traces: fds changed by
 * calls no rule names (close, dup2, fcntl, eventfd, memfd, pipe), then used
 * by a call a rule names (write) or seen at an exec. Each role exits 0 when
 * every call behaved as expected, so a failed setup cannot pass as a state
 * bug. The file "secret" in DIR must exist.
 *
 *   fdsync stale DIR        fd N: secret, then eventfd, epoll, memfd, pipe, closed
 *   fdsync fork DIR         a forked child changes its copy of the table
 *   fdsync files DIR        a CLONE_FILES child changes the shared table
 *   fdsync threads DIR      a thread changes the process's table
 *   fdsync high DIR         fds 2000 and 2256 (one slot of the driver's cache)
 *   fdsync exec PORT DIR    stdin/stdout on a socket, close-on-exec fds, exec
 *   fdsync redirect PORT DIR  stdout onto a socket, closed, an eventfd, a file;
 *                           DIR/probe written after each
 *   fdsync count FILE       (the exec'd image) writes its open fd count to FILE
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <dirent.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/epoll.h>
#include <sys/eventfd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <unistd.h>

static char secret[4096];

/* The call a rule names: a write of 8 bytes (what an eventfd takes). */
static long named_write(int fd)
{
	uint64_t one = 1;

	return write(fd, &one, sizeof(one));
}

/* fd N becomes an eventfd without a call the rules name; returns 0 if it did. */
static int eventfd_at(int n)
{
	int e;

	close(n);
	e = eventfd(0, 0);
	return e == n ? 0 : -1;
}

static int open_secret(void)
{
	return open(secret, O_RDWR);
}

static int role_stale(void)
{
	int n = open_secret(), p[2];

	if (n < 0 || eventfd_at(n) < 0 || named_write(n) != 8)
		return 10;
	/* The same anonymous inode as the eventfd: only the /proc link tells them apart. */
	close(n);
	if (epoll_create1(0) != n || named_write(n) != -1)
		return 14;
	close(n);
	if (memfd_create("fdsync-mfd", 0) != n || named_write(n) != 8)
		return 11;
	close(n);
	if (pipe(p) < 0 || p[0] != n || named_write(p[1]) != 8 || named_write(n) != -1)
		return 12;
	close(p[0]);
	close(p[1]);
	/* Not open at all: the write fails with EBADF. */
	if (named_write(n) != -1)
		return 13;
	return 0;
}

static int role_fork(void)
{
	int n = open_secret(), st;
	pid_t pid;

	if (n < 0)
		return 20;
	pid = fork();
	if (pid == 0)
		_exit(eventfd_at(n) < 0 || named_write(n) != 8 ? 1 : 0);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		return 21;
	/* The parent's own n becomes an eventfd too, unseen: the child's changed only its copy. */
	if (eventfd_at(n) < 0 || named_write(n) != 8)
		return 22;
	return 0;
}

/* Shared-table roles: the other task turns n into an eventfd; we put the secret back. */
static int shared_n;

static int other_side(void *arg)
{
	return eventfd_at(shared_n) < 0 || named_write(shared_n) != 8;
}

static void *other_thread(void *arg)
{
	return (void *)(intptr_t)other_side(arg);
}

static int put_back(int m)
{
	if (dup2(m, shared_n) != shared_n || named_write(shared_n) != 8)
		return -1;
	return 0;
}

static int role_files(void)
{
	size_t sz = 256 * 1024;
	char *stack = mmap(NULL, sz, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS, -1, 0);
	int m, st;
	pid_t pid;

	shared_n = open_secret();
	m = open_secret();
	if (shared_n < 0 || m < 0 || stack == MAP_FAILED)
		return 30;
	pid = clone(other_side, stack + sz, CLONE_FILES | SIGCHLD, NULL);
	if (pid < 0 || waitpid(pid, &st, 0) != pid || st != 0)
		return 31;
	return put_back(m) < 0 ? 32 : 0;
}

static int role_threads(void)
{
	pthread_t th;
	void *ret = (void *)1;
	int m;

	shared_n = open_secret();
	m = open_secret();
	if (shared_n < 0 || m < 0 || pthread_create(&th, NULL, other_thread, NULL) ||
	    pthread_join(th, &ret) || ret)
		return 40;
	return put_back(m) < 0 ? 41 : 0;
}

/* Two high fds the driver caches in one shared slot, each changed unseen. */
static int role_high(void)
{
	int p = open_secret(), e = eventfd(0, 0);

	if (p < 0 || e < 0 || dup2(p, 2000) != 2000 || named_write(2000) != 8)
		return 80;
	if (dup2(e, 2256) != 2256 || named_write(2256) != 8)
		return 81;
	if (dup2(e, 2000) != 2000 || named_write(2000) != 8)
		return 82;
	return 0;
}

/*
 * stdin and stdout onto a socket by dup2, a file kept open across the exec,
 * two closed by it (O_CLOEXEC, fcntl F_SETFD) and one closed before it; then
 * exec ourselves to count what the new image has.
 */
static int role_exec(int port, const char *dir, const char *self)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char out[4200];
	int s = socket(AF_INET, SOCK_STREAM, 0), a, b, c;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 50;
	if (dup2(s, 0) != 0 || dup2(s, 1) != 1)
		return 51;
	close(s);
	a = open(secret, O_RDONLY | O_CLOEXEC);
	b = open(secret, O_RDONLY);
	c = open(secret, O_RDONLY);
	if (a < 0 || b < 0 || c < 0 || fcntl(b, F_SETFD, FD_CLOEXEC) < 0)
		return 52;
	close(c);
	snprintf(out, sizeof(out), "%s/count", dir);
	execl(self, "fdsync", "count", out, (char *)NULL);
	return 53;
}

static int role_redirect(int port, const char *dir)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	char path[4200];
	int s = socket(AF_INET, SOCK_STREAM, 0), p;

	snprintf(path, sizeof(path), "%s/probe", dir);
	p = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0600);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || p < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 70;
	if (dup2(s, 1) != 1 || named_write(p) != 8)
		return 71;
	if (close(1) || named_write(p) != 8)
		return 72;
	/* An untraced creator takes the lowest free fd: 1. */
	if (eventfd(0, 0) != 1 || named_write(p) != 8)
		return 74;
	if (dup2(p, 1) != 1 || named_write(p) != 8)
		return 73;
	return 0;
}

static int role_count(const char *out)
{
	DIR *d = opendir("/proc/self/fd");
	struct dirent *de;
	int n = 0;
	FILE *f;

	if (!d)
		return 60;
	while ((de = readdir(d)))
		n += de->d_name[0] != '.';
	closedir(d);
	f = fopen(out, "w");
	if (!f)
		return 61;
	/* The directory read is one of them. */
	fprintf(f, "%d\n", n - 1);
	return fclose(f) ? 62 : 0;
}

int main(int argc, char **argv)
{
	const char *role = argc > 1 ? argv[1] : "";

	if (argc > 2 && strcmp(role, "exec") && strcmp(role, "redirect") && strcmp(role, "count"))
		snprintf(secret, sizeof(secret), "%s/secret", argv[2]);
	if (argc > 3 && (!strcmp(role, "exec") || !strcmp(role, "redirect")))
		snprintf(secret, sizeof(secret), "%s/secret", argv[3]);
	if (!strcmp(role, "stale"))
		return role_stale();
	if (!strcmp(role, "fork"))
		return role_fork();
	if (!strcmp(role, "files"))
		return role_files();
	if (!strcmp(role, "threads"))
		return role_threads();
	if (!strcmp(role, "high"))
		return role_high();
	if (!strcmp(role, "exec") && argc > 3) {
		/* By its path, so the new image is named fdsync too. */
		char self[4096];
		ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

		if (n <= 0)
			return 54;
		self[n] = '\0';
		return role_exec(atoi(argv[2]), argv[3], self);
	}
	if (!strcmp(role, "redirect") && argc > 3)
		return role_redirect(atoi(argv[2]), argv[3]);
	if (!strcmp(role, "count") && argc > 2)
		return role_count(argv[2]);
	fprintf(stderr,
		"usage: fdsync stale|fork|files|threads|high DIR | exec|redirect PORT DIR | count FILE\n");
	return 2;
}
