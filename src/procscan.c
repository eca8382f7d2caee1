// SPDX-License-Identifier: GPL-2.0-only
/* PROC_SNAPSHOT records from /proc/PID/task/TID. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <ctype.h>
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <time.h>
#include <unistd.h>

#include "procscan_int.h"
#include "util.h"

ssize_t procscan_read(const char *path, char *buf, size_t max)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	size_t n = 0;
	ssize_t r;

	if (fd < 0)
		return -errno;
	while (n + 1 < max) {
		r = read(fd, buf + n, max - 1 - n);
		if (r < 0 && errno == EINTR)
			continue;
		if (r <= 0)
			break;
		n += (size_t)r;
	}
	close(fd);
	buf[n] = '\0';
	return (ssize_t)n;
}

int procscan_finish(struct procscan_ctx *c, struct rec_builder *b)
{
	int len = rb_end(b);

	if (len < 0)
		return len;
	c->emitted++;
	return c->emit(c->opaque, c->rec, (size_t)len);
}

/* The last number of a "NSpid:\t1\t2\t3" line, and how many there are. */
static int64_t last_num(const char *s, uint32_t *count)
{
	int64_t v = -1;
	char *end;

	*count = 0;
	for (;;) {
		long long x = strtoll(s, &end, 10);

		if (end == s)
			break;
		v = x;
		(*count)++;
		s = end;
	}
	return v;
}

void procscan_parse_status(char *text, struct procscan_status *ps)
{
	char *save = NULL;
	uint32_t n;

	for (char *line = strtok_r(text, "\n", &save); line; line = strtok_r(NULL, "\n", &save)) {
		char *v = strchr(line, ':');

		if (!v)
			continue;
		*v++ = '\0';
		while (*v == '\t' || *v == ' ')
			v++;
		if (!strcmp(line, "Name"))
			snprintf(ps->name, sizeof(ps->name), "%s", v);
		else if (!strcmp(line, "Tgid"))
			ps->tgid = strtoll(v, NULL, 10);
		else if (!strcmp(line, "PPid"))
			ps->ppid = strtoll(v, NULL, 10);
		else if (!strcmp(line, "Uid"))
			sscanf(v, "%u %u %u %u", &ps->uid[0], &ps->uid[1], &ps->uid[2],
			       &ps->uid[3]);
		else if (!strcmp(line, "Gid"))
			sscanf(v, "%u %u %u %u", &ps->gid[0], &ps->gid[1], &ps->gid[2],
			       &ps->gid[3]);
		else if (!strcmp(line, "CapInh"))
			ps->cap_inh = strtoull(v, NULL, 16);
		else if (!strcmp(line, "CapPrm"))
			ps->cap_prm = strtoull(v, NULL, 16);
		else if (!strcmp(line, "CapEff"))
			ps->cap_eff = strtoull(v, NULL, 16);
		else if (!strcmp(line, "NSpid"))
			ps->vtid = last_num(v, &ps->nslevels);
		else if (!strcmp(line, "NStgid"))
			ps->vpid = last_num(v, &n);
		else if (!strcmp(line, "NSpgid"))
			ps->vpgid = last_num(v, &n);
	}
}

/* Facts from /proc/PID/task/TID/stat, after the comm. */
struct pstat {
	int64_t pgrp, session;
	uint32_t tty;
	uint64_t start_ticks;
};

static int parse_stat(const char *text, struct pstat *ps)
{
	const char *p = strrchr(text, ')');
	unsigned long long start = 0;
	long long pgrp, sess;
	int tty;

	/* Fields 3..22: state ppid pgrp session tty_nr ... starttime. */
	if (!p || sscanf(p + 2,
			 "%*c %*d %lld %lld %d %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d "
			 "%*d %*d %*d %llu",
			 &pgrp, &sess, &tty, &start) != 4)
		return -EINVAL;
	ps->pgrp = pgrp;
	ps->session = sess;
	/* stat's tty_nr is the userspace dev_t encoding; the ABI's is the kernel's. */
	ps->tty = tty ? (major((dev_t)tty) << 20) | minor((dev_t)tty) : 0;
	ps->start_ticks = start;
	return 0;
}

/* "3:cpu,cpuacct:/path" lines as "cpu,cpuacct=/path", NUL-separated. */
static size_t cgroups_list(char *text, char *out, size_t max)
{
	size_t n = 0;

	for (char *line = strtok(text, "\n"); line; line = strtok(NULL, "\n")) {
		char *ctl = strchr(line, ':'), *path;
		int w;

		if (!ctl || !(path = strchr(ctl + 1, ':')))
			continue;
		*path++ = '\0';
		ctl++;
		if (!strncmp(ctl, "name=", 5))
			ctl += 5;
		w = snprintf(out + n, max - n, "%s=%s", *ctl ? ctl : "unified", path);
		if (w < 0 || (size_t)w + 1 > max - n)
			break;
		n += (size_t)w + 1;
	}
	return n;
}

static ssize_t read_link(const char *dir, const char *name, char *out, size_t max)
{
	char path[320];
	ssize_t n;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	n = readlink(path, out, max - 1);
	if (n < 0)
		return -errno;
	out[n] = '\0';
	return n;
}

static void block_ids(struct rec_builder *b, const struct procscan_status *s,
		      const struct pstat *st, uint32_t tid, const char *cwd)
{
	rb_num(b, tid);
	rb_num(b, (uint64_t)s->tgid);
	rb_num(b, (uint64_t)s->ppid);
	rb_num(b, (uint64_t)st->pgrp);
	rb_num(b, (uint64_t)st->session);
	rb_num(b, (uint64_t)(s->vtid >= 0 ? s->vtid : tid));
	rb_num(b, (uint64_t)(s->vpid >= 0 ? s->vpid : s->tgid));
	if (s->vpgid >= 0)
		rb_num(b, (uint64_t)s->vpgid);
	else
		rb_num(b, (uint64_t)st->pgrp);
	rb_str(b, cwd);
	rb_str(b, s->name);
}

/*
 * A NUL-separated /proc file (cmdline, environ), at most max bytes, added
 * only when not empty. Returns its length, or -errno if unreadable.
 */
static ssize_t add_list_file(struct procscan_ctx *c, struct rec_builder *b, const char *pdir,
			     const char *name, size_t max)
{
	ssize_t n;

	snprintf(c->buf, c->buflen, "%s/%s", pdir, name);
	n = procscan_read(c->buf, c->buf, max + 1);
	if (n > 0)
		rb_strlist(b, c->buf, (size_t)n);
	return n;
}

static void add_cgroups(struct procscan_ctx *c, struct rec_builder *b, const char *pdir)
{
	char *buf = c->buf;
	ssize_t n;

	snprintf(buf, c->buflen, "%s/cgroup", pdir);
	/* The list goes after the text: leave room for it. */
	n = procscan_read(buf, buf, c->buflen - SAKER_CGROUP_MAX - 1);
	if (n >= 0)
		rb_strlist(b, buf + n + 1, cgroups_list(buf, buf + n + 1, SAKER_CGROUP_MAX));
	else
		rb_absent(b);
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

/* From tty on: credentials, capabilities, exe inode, start, namespace depth. */
static void add_tail(struct procscan_ctx *c, struct rec_builder *b, const char *pdir,
		     const struct procscan_status *s, const struct pstat *st,
		     const struct stat *exe)
{
	uint64_t ticks = (uint64_t)sysconf(_SC_CLK_TCK);

	rb_num(b, st->tty);
	snprintf(c->buf, c->buflen, "%s/loginuid", pdir);
	rb_num(b, procscan_read(c->buf, c->buf, 32) > 0 ? strtoul(c->buf, NULL, 10) : UINT32_MAX);
	rb_num(b, s->uid[0]);
	rb_num(b, s->gid[0]);
	rb_num(b, s->uid[1]);
	rb_num(b, s->gid[1]);
	rb_num(b, s->cap_inh);
	rb_num(b, s->cap_prm);
	rb_num(b, s->cap_eff);
	rb_num(b, (uint64_t)exe->st_ino);
	rb_num(b, ts_ns(&exe->st_ctim));
	rb_num(b, ts_ns(&exe->st_mtim));
	rb_num(b, st->start_ticks * (1000000000ull / (ticks ? ticks : 100)));
	rb_num(b, s->nslevels ? s->nslevels - 1 : 0);
}

/* status and stat of the thread; -ESRCH if it is gone or not in pid. */
static int read_task(struct procscan_ctx *c, uint32_t pid, uint32_t tid, struct procscan_status *s,
		     struct pstat *st)
{
	char dir[128];

	snprintf(dir, sizeof(dir), "%s/%u/task/%u", c->root, pid, tid);
	snprintf(c->buf, c->buflen, "%s/status", dir);
	if (procscan_read(c->buf, c->buf, c->buflen) < 0)
		return -ESRCH;
	procscan_parse_status(c->buf, s);
	if (s->tgid != (int64_t)pid)
		return -ESRCH;
	snprintf(c->buf, c->buflen, "%s/stat", dir);
	if (procscan_read(c->buf, c->buf, c->buflen) < 0 || parse_stat(c->buf, st) < 0)
		return -ESRCH;
	return 0;
}

/* One PROC_SNAPSHOT for thread tid of process pid. */
static int emit_thread(struct procscan_ctx *c, uint32_t pid, uint32_t tid)
{
	struct procscan_status s = { .tgid = -1, .vtid = -1, .vpid = -1, .vpgid = -1 };
	char pdir[128], cwd[SAKER_PATH_MAX], exe[SAKER_PATH_MAX];
	struct stat exe_st = { 0 };
	struct pstat st = { 0 };
	struct rec_builder b;
	bool have_exe;
	ssize_t n;

	if (read_task(c, pid, tid, &s, &st) < 0)
		return -ESRCH;
	snprintf(pdir, sizeof(pdir), "%s/%u", c->root, pid);
	if (read_link(pdir, "cwd", cwd, sizeof(cwd)) < 0)
		cwd[0] = '\0';
	have_exe = read_link(pdir, "exe", exe, sizeof(exe)) >= 0;
	snprintf(c->buf, c->buflen, "%s/exe", pdir);
	if (have_exe && stat(c->buf, &exe_st) < 0)
		memset(&exe_st, 0, sizeof(exe_st));

	rb_begin(&b, c->rec, SAKER_REC_MAX, SAKER_EV_PROC_SNAPSHOT, clock_ns(CLOCK_BOOTTIME), tid,
		 pid, 0);
	rb_absent(&b); /* filename: what execve was given is not in /proc */
	/* Kernel threads have no argv: their comm stands in. */
	if (add_list_file(c, &b, pdir, "cmdline", SAKER_ARGS_MAX) <= 0)
		rb_str(&b, s.name);
	block_ids(&b, &s, &st, tid, cwd[0] ? cwd : NULL);
	rb_str(&b, have_exe ? exe : NULL);
	add_cgroups(c, &b, pdir);
	n = add_list_file(c, &b, pdir, "environ", SAKER_ENV_MAX);
	if (n == 0)
		rb_strlist(&b, "", 0); /* empty, as kernel threads' is */
	else if (n < 0)
		rb_absent(&b);
	add_tail(c, &b, pdir, &s, &st, &exe_st);
	return procscan_finish(c, &b);
}

static bool all_digits(const char *s)
{
	if (!*s)
		return false;
	for (; *s; s++)
		if (!isdigit((unsigned char)*s))
			return false;
	return true;
}

/* The leader, then (PROCSCAN_THREADS) the other threads, then the fds. */
static int scan_process(struct procscan_ctx *c, uint32_t pid)
{
	char path[128];
	struct dirent *de;
	DIR *d;
	int r;

	r = emit_thread(c, pid, pid);
	if (r < 0)
		return r == -ESRCH ? 0 : r;
	if (c->flags & PROCSCAN_THREADS) {
		snprintf(path, sizeof(path), "%s/%u/task", c->root, pid);
		d = opendir(path);
		while (d && (de = readdir(d))) {
			uint32_t tid;

			if (!all_digits(de->d_name))
				continue;
			tid = (uint32_t)strtoul(de->d_name, NULL, 10);
			if (tid == pid)
				continue;
			r = emit_thread(c, pid, tid);
			if (r < 0 && r != -ESRCH) {
				closedir(d);
				return r;
			}
		}
		if (d)
			closedir(d);
	}
	if (c->flags & PROCSCAN_FDS)
		return procscan_fds(c, pid, pid, -1);
	return 0;
}

static int ctx_init(struct procscan_ctx *c, const char *root, unsigned flags, procscan_emit_fn emit,
		    void *opaque, size_t buflen)
{
	*c = (struct procscan_ctx){
		.root = root ? root : "/proc", .flags = flags, .emit = emit, .opaque = opaque
	};
	c->buflen = buflen;
	c->rec = malloc(SAKER_REC_MAX);
	c->buf = malloc(c->buflen);
	if (!c->rec || !c->buf) {
		free(c->rec);
		free(c->buf);
		return -ENOMEM;
	}
	return 0;
}

static int ctx_done(struct procscan_ctx *c, int r)
{
	procscan_socks_free(c);
	free(c->rec);
	free(c->buf);
	return r < 0 ? r : c->emitted;
}

int procscan_all(const char *procroot, unsigned flags, procscan_emit_fn emit, void *opaque)
{
	struct procscan_ctx c;
	struct dirent *de;
	DIR *d;
	int r = ctx_init(&c, procroot, flags, emit, opaque, 65536);

	if (r < 0)
		return r;
	d = opendir(c.root);
	if (!d)
		return ctx_done(&c, -errno);
	while (r >= 0 && (de = readdir(d)))
		if (all_digits(de->d_name))
			r = scan_process(&c, (uint32_t)strtoul(de->d_name, NULL, 10));
	closedir(d);
	return ctx_done(&c, r);
}

int procscan_thread(const char *procroot, uint32_t tid, unsigned flags, procscan_emit_fn emit,
		    void *opaque)
{
	struct procscan_ctx c;
	struct procscan_status s = { .tgid = -1 };
	char path[128];
	int r = ctx_init(&c, procroot, flags, emit, opaque, 65536);

	if (r < 0)
		return r;
	/* /proc/TID works for any thread, listed or not. */
	snprintf(path, sizeof(path), "%s/%u/status", c.root, tid);
	if (procscan_read(path, c.buf, c.buflen) < 0)
		return ctx_done(&c, -ESRCH);
	procscan_parse_status(c.buf, &s);
	if (s.tgid <= 0)
		return ctx_done(&c, -ESRCH);
	r = emit_thread(&c, (uint32_t)s.tgid, (uint32_t)s.tgid);
	if (r >= 0 && tid != (uint32_t)s.tgid)
		r = emit_thread(&c, (uint32_t)s.tgid, tid);
	if (r >= 0 && (flags & PROCSCAN_FDS))
		r = procscan_fds(&c, (uint32_t)s.tgid, (uint32_t)s.tgid, -1);
	return ctx_done(&c, r);
}

int procscan_thread_fds(const char *procroot, uint32_t tid, uint32_t pid, int64_t fd,
			unsigned flags, procscan_emit_fn emit, void *opaque)
{
	struct procscan_ctx c;
	/* Files are not read here beyond fdinfo's first lines. */
	int r = ctx_init(&c, procroot, PROCSCAN_FDS | (flags & PROCSCAN_NO_FDFLAGS), emit, opaque,
			 1024);

	if (r < 0)
		return r;
	return ctx_done(&c, procscan_fds(&c, tid, pid, fd));
}
