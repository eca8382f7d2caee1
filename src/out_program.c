// SPDX-License-Identifier: GPL-2.0-only
/*
 * program_output: alerts on a program's stdin, one per line. The command
 * is split into argv here and executed directly: alert text never meets a
 * shell. keep_alive keeps one process (respawned with backoff when it
 * dies); otherwise each alert gets its own process, as Falco does.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "out.h"
#include "util.h"

#define WRITE_TIMEOUT_MS 1000
#define MAX_ONESHOT 32
#define BACKOFF_MIN_NS (100ull * 1000000ull)
#define BACKOFF_MAX_NS (5000ull * 1000000ull)

extern char **environ;

struct out_program {
	struct out_sink base;
	char **argv;
	bool keep_alive;
	pid_t pid; /* keep_alive child, or 0 */
	int fd; /* its stdin, or -1 */
	uint64_t spawned_ns, next_spawn_ns, backoff_ns;
	pid_t oneshot[MAX_ONESHOT];
	unsigned respawns;
	bool fed; /* the current child took at least one alert */
};

/* The output thread blocks SIGPIPE; a write to a dead reader leaves one pending. */
static void drain_sigpipe(void)
{
	struct timespec zero = { 0, 0 };
	sigset_t set;

	sigemptyset(&set);
	sigaddset(&set, SIGPIPE);
	while (sigtimedwait(&set, NULL, &zero) == SIGPIPE)
		;
}

static int spawn(struct out_program *o, pid_t *ret_pid, int *ret_fd)
{
	posix_spawn_file_actions_t fa;
	posix_spawnattr_t at;
	sigset_t none, dfl;
	int p[2], r;
	pid_t pid;

	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	posix_spawn_file_actions_init(&fa);
	posix_spawn_file_actions_adddup2(&fa, p[0], STDIN_FILENO);
	posix_spawnattr_init(&at);
	sigemptyset(&none);
	sigemptyset(&dfl);
	sigaddset(&dfl, SIGPIPE);
	/* The child must not inherit the output thread's blocked SIGPIPE. */
	posix_spawnattr_setsigmask(&at, &none);
	posix_spawnattr_setsigdefault(&at, &dfl);
	posix_spawnattr_setflags(&at, POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF);
	r = -posix_spawnp(&pid, o->argv[0], &fa, &at, o->argv, environ);
	posix_spawn_file_actions_destroy(&fa);
	posix_spawnattr_destroy(&at);
	close(p[0]);
	if (r < 0) {
		close(p[1]);
		return r;
	}
	fcntl(p[1], F_SETFL, O_NONBLOCK);
	*ret_pid = pid;
	*ret_fd = p[1];
	return 0;
}

/* Writes all of buf, waiting at most WRITE_TIMEOUT_MS for a slow reader. */
static int write_all(int fd, const char *buf, size_t len)
{
	uint64_t end = clock_ns(CLOCK_MONOTONIC) + WRITE_TIMEOUT_MS * 1000000ull, now;
	struct pollfd pfd = { .fd = fd, .events = POLLOUT };
	ssize_t n;

	while (len) {
		n = write(fd, buf, len);
		if (n > 0) {
			buf += n;
			len -= (size_t)n;
			continue;
		}
		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0 && errno != EAGAIN) {
			n = -errno;
			drain_sigpipe();
			return (int)n;
		}
		now = clock_ns(CLOCK_MONOTONIC);
		if (now >= end)
			return -ETIMEDOUT;
		poll(&pfd, 1, (int)((end - now) / 1000000ull) + 1);
	}
	return 0;
}

static void child_gone(struct out_program *o)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);

	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	if (o->pid > 0) {
		/* A child that ignores EOF must not linger as a zombie or a stray. */
		if (waitpid(o->pid, NULL, WNOHANG) == 0) {
			kill(o->pid, SIGKILL);
			waitpid(o->pid, NULL, 0);
		}
	}
	o->pid = 0;
	/*
	 * A program that keeps dying within a second of its start, before it
	 * took an alert, is respawned ever more slowly; one that lived a while
	 * or did its work is replaced at once.
	 */
	if (!o->fed && now - o->spawned_ns < 1000000000ull)
		o->backoff_ns = o->backoff_ns ? o->backoff_ns * 2 : BACKOFF_MIN_NS;
	else
		o->backoff_ns = 0;
	if (o->backoff_ns > BACKOFF_MAX_NS)
		o->backoff_ns = BACKOFF_MAX_NS;
	o->next_spawn_ns = o->spawned_ns + o->backoff_ns;
}

static int ensure_child(struct out_program *o)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	int r;

	if (o->pid > 0 && waitpid(o->pid, NULL, WNOHANG) == o->pid) {
		o->pid = 0;
		child_gone(o);
	}
	if (o->pid > 0)
		return 0;
	if (now < o->next_spawn_ns)
		return -EAGAIN;
	r = spawn(o, &o->pid, &o->fd);
	if (r < 0) {
		o->spawned_ns = now;
		child_gone(o);
		return r;
	}
	if (o->spawned_ns)
		o->respawns++;
	o->spawned_ns = now;
	o->fed = false;
	return 0;
}

static int emit_keep_alive(struct out_program *o, const char *buf, size_t len)
{
	int r, tries;

	for (tries = 0; tries < 2; tries++) {
		r = ensure_child(o);
		if (r < 0)
			return r;
		r = write_all(o->fd, buf, len);
		if (r == 0)
			o->fed = true;
		if (r != -EPIPE)
			break;
		child_gone(o);
		/* Died between alerts: one immediate respawn is fine. */
		o->next_spawn_ns = 0;
	}
	if (r == -ETIMEDOUT)
		return r; /* slow, not dead: keep it */
	if (r < 0)
		child_gone(o);
	return r;
}

static void reap_oneshots(struct out_program *o, bool wait)
{
	unsigned i;

	for (i = 0; i < MAX_ONESHOT; i++) {
		if (o->oneshot[i] > 0 &&
		    waitpid(o->oneshot[i], NULL, wait ? 0 : WNOHANG) == o->oneshot[i])
			o->oneshot[i] = 0;
	}
}

static int emit_oneshot(struct out_program *o, const char *buf, size_t len)
{
	unsigned i;
	pid_t pid;
	int fd, r;

	reap_oneshots(o, false);
	for (i = 0; i < MAX_ONESHOT && o->oneshot[i] > 0; i++)
		;
	if (i == MAX_ONESHOT)
		return -EBUSY; /* bounded: this many programs still running */
	r = spawn(o, &pid, &fd);
	if (r < 0)
		return r;
	o->oneshot[i] = pid;
	r = write_all(fd, buf, len);
	close(fd);
	return r;
}

static int program_emit(struct out_sink *s, const struct alert *a, const char *line)
{
	struct out_program *o = (struct out_program *)s;
	size_t len = strlen(line);
	char *buf = malloc(len + 1);
	int r;

	if (!buf)
		return -ENOMEM;
	memcpy(buf, line, len);
	buf[len] = '\n';
	r = o->keep_alive ? emit_keep_alive(o, buf, len + 1) : emit_oneshot(o, buf, len + 1);
	free(buf);
	return r;
}

static void program_free(struct out_sink *s)
{
	struct out_program *o = (struct out_program *)s;
	uint64_t end = clock_ns(CLOCK_MONOTONIC) + 2000000000ull;
	unsigned i;

	if (o->fd >= 0)
		close(o->fd);
	o->fd = -1;
	/* EOF on stdin asks the programs to finish; give them a moment. */
	while (clock_ns(CLOCK_MONOTONIC) < end) {
		reap_oneshots(o, false);
		if (o->pid > 0 && waitpid(o->pid, NULL, WNOHANG) == o->pid)
			o->pid = 0;
		for (i = 0; i < MAX_ONESHOT && !o->oneshot[i]; i++)
			;
		if (!o->pid && i == MAX_ONESHOT)
			break;
		usleep(10000);
	}
	for (i = 0; i < MAX_ONESHOT; i++)
		if (o->oneshot[i] > 0)
			kill(o->oneshot[i], SIGKILL);
	if (o->pid > 0)
		kill(o->pid, SIGKILL);
	reap_oneshots(o, true);
	if (o->pid > 0)
		waitpid(o->pid, NULL, 0);
	out_free_argv(o->argv);
	free(o);
}

static const struct out_ops program_ops = {
	.name = "program",
	.emit = program_emit,
	.free = program_free,
};

int out_program_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen)
{
	struct out_program *o = calloc(1, sizeof(*o));
	char why[256];
	int r;

	if (!o) {
		snprintf(err, errlen, "program_output: out of memory");
		return -ENOMEM;
	}
	r = out_split_argv(c->program_program ? c->program_program : "", &o->argv, why,
			   sizeof(why));
	if (r < 0) {
		snprintf(err, errlen, "program_output.program: %s", why);
		free(o);
		return r;
	}
	o->base.ops = &program_ops;
	o->base.fmt = out_fmt_from_config(c);
	o->base.wants_line = true;
	o->keep_alive = c->program_keep_alive;
	o->fd = -1;
	*ret = &o->base;
	return 0;
}
