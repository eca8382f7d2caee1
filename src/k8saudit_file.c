// SPDX-License-Identifier: GPL-2.0-only
/*
 * Following an audit log (kube-apiserver --audit-log-path: one JSON event
 * per line) across rotations. The file is read from its start (or, when
 * asked, from its end at startup: what it held before is not replayed). At the end
 * of the data the path is checked: when it names another file (renamed
 * away by the writer's or logrotate's rotation) the old file is read to
 * its end first, then the new one from its start, so no line is lost or
 * read twice; when the file became shorter than what was read (copytruncate)
 * reading restarts at its start. Lines are bounded by max_line; a longer
 * one is skipped and counted. When the queue is full the follower waits:
 * a file is never dropped from.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <time.h>
#include <unistd.h>

#include "k8saudit_int.h"

#define FILE_POLL_MS 50
#define FILE_CHUNK 65536

struct k8sa_file {
	struct k8sa *k;
	char *path;
	pthread_t thread;
	int stop; /* atomic */
	int fd;
	struct stat st; /* of fd when opened */
	off_t off; /* bytes consumed from fd */
	char *line; /* the line being assembled */
	size_t len; /* bytes in line */
	bool skipping; /* inside a line longer than max_line */
};

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { .tv_sec = ms / 1000, .tv_nsec = (long)(ms % 1000) * 1000000 };

	nanosleep(&ts, NULL);
}

static bool stopping(struct k8sa_file *f)
{
	return __atomic_load_n(&f->stop, __ATOMIC_RELAXED);
}

static void emit_line(struct k8sa_file *f, const char *p, size_t n)
{
	struct k8sa_event **evs = NULL;
	size_t nev = 0;
	char err[256];

	while (n && (p[n - 1] == '\r' || p[n - 1] == ' ' || p[n - 1] == '\t'))
		n--;
	if (!n)
		return;
	K8SA_COUNT(f->k, lines);
	if (k8sa_parse(p, n, &evs, &nev, err, sizeof(err)) < 0) {
		K8SA_COUNT(f->k, bad_json);
		return;
	}
	/* Backpressure, not loss: wait for the daemon to take events. */
	while (k8sa_queue_push(f->k, evs, nev) == -EAGAIN && !stopping(f))
		sleep_ms(FILE_POLL_MS);
	if (stopping(f))
		for (size_t i = 0; i < nev; i++)
			k8sa_event_free(evs[i]);
	free(evs);
}

/* Split what was read into lines; a partial last line waits for more. */
static void feed(struct k8sa_file *f, const char *p, size_t n)
{
	size_t max = f->k->max_line;

	while (n) {
		const char *nl = memchr(p, '\n', n);
		size_t take = nl ? (size_t)(nl - p) : n;

		if (!f->skipping && f->len + take > max) {
			K8SA_COUNT(f->k, long_lines);
			f->skipping = true;
			f->len = 0;
		}
		if (!f->skipping) {
			memcpy(f->line + f->len, p, take);
			f->len += take;
		}
		if (!nl)
			return;
		if (!f->skipping)
			emit_line(f, f->line, f->len);
		f->skipping = false;
		f->len = 0;
		p = nl + 1;
		n -= take + 1;
	}
}

/* Read everything available; returns 0 at the end of the data, -errno on errors. */
static int drain(struct k8sa_file *f)
{
	static __thread char buf[FILE_CHUNK];

	for (;;) {
		ssize_t n = read(f->fd, buf, sizeof(buf));

		if (n < 0 && errno == EINTR)
			continue;
		if (n < 0)
			return -errno;
		if (n == 0 || stopping(f))
			return 0;
		f->off += n;
		feed(f, buf, (size_t)n);
	}
}

static int reopen(struct k8sa_file *f)
{
	int fd = open(f->path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	if (f->fd >= 0)
		close(f->fd);
	f->fd = fd;
	f->off = 0;
	f->len = 0;
	f->skipping = false;
	fstat(fd, &f->st);
	return 0;
}

/* At the end of the data: has the file been rotated or truncated? */
static void check_rotation(struct k8sa_file *f)
{
	struct stat now, cur;

	if (f->fd >= 0 && fstat(f->fd, &cur) == 0 && cur.st_size < f->off) {
		/* copytruncate: what is there now was written after the truncation. */
		K8SA_COUNT(f->k, rotations);
		lseek(f->fd, 0, SEEK_SET);
		f->off = 0;
		f->len = 0;
		f->skipping = false;
		return;
	}
	if (stat(f->path, &now) < 0)
		return; /* renamed away, not created yet: keep the old file */
	if (f->fd >= 0 && now.st_ino == f->st.st_ino && now.st_dev == f->st.st_dev)
		return;
	if (f->fd >= 0) {
		/* Lines appended to the old file before the rename come first. */
		drain(f);
		if (f->len && !f->skipping)
			emit_line(f, f->line, f->len); /* a last line without its newline */
		K8SA_COUNT(f->k, rotations);
	}
	reopen(f);
}

static off_t skip_to_end(int fd)
{
	off_t end = lseek(fd, 0, SEEK_END), at = end;
	char c;

	while (at > 0 && pread(fd, &c, 1, at - 1) == 1 && c != '\n')
		at--;
	return lseek(fd, at, SEEK_SET) < 0 ? 0 : at;
}

static void *follow(void *arg)
{
	struct k8sa_file *f = arg;

	while (!stopping(f)) {
		if (f->fd >= 0)
			drain(f);
		if (stopping(f))
			break;
		check_rotation(f);
		sleep_ms(FILE_POLL_MS);
	}
	return NULL;
}

int k8sa_file_start(struct k8sa *k, const char *path, bool from_end, struct k8sa_file **ret,
		    char *err, size_t errlen)
{
	struct k8sa_file *f = calloc(1, sizeof(*f));
	int r;

	if (!f)
		return -ENOMEM;
	f->k = k;
	f->fd = -1;
	f->path = strdup(path);
	f->line = malloc(k->max_line);
	if (!f->path || !f->line) {
		r = -ENOMEM;
		goto fail;
	}
	/* A file that does not exist yet is waited for; any other error is reported. */
	r = reopen(f);
	if (r < 0 && r != -ENOENT) {
		snprintf(err, errlen, "k8s_audit.file '%s': %s", path, strerror(-r));
		goto fail;
	}
	/* From the end of the last complete line: a partial one is read whole later. */
	if (r == 0 && from_end)
		f->off = skip_to_end(f->fd);
	r = -pthread_create(&f->thread, NULL, follow, f);
	if (r < 0) {
		snprintf(err, errlen, "k8s_audit.file: cannot start a thread: %s", strerror(-r));
		goto fail;
	}
	*ret = f;
	return 0;
fail:
	if (f->fd >= 0)
		close(f->fd);
	free(f->line);
	free(f->path);
	free(f);
	return r;
}

void k8sa_file_stop(struct k8sa_file *f)
{
	if (!f)
		return;
	__atomic_store_n(&f->stop, 1, __ATOMIC_RELAXED);
	pthread_join(f->thread, NULL);
	if (f->fd >= 0)
		close(f->fd);
	free(f->line);
	free(f->path);
	free(f);
}
