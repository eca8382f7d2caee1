// SPDX-License-Identifier: GPL-2.0-only
/*
 * The process block (SAKER_PROC_PARAMS) of a traced thread, from /proc: what
 * the kernel drivers read from the task, the tracer reads from the files
 * that expose it. Every read is bounded by the ABI limits and a cut value
 * is flagged truncated by the builder.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/statvfs.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "procscan.h"
#include "ptrace_int.h"

#define CAP_DAC_OVERRIDE_BIT 1

/*
 * Read at most max bytes of a /proc file; returns bytes read or -errno.
 * The files read here (seq_file and single-buffer files, cmdline and
 * environ, which loop over the pages themselves) return all they have up to
 * the size asked for: a short read is the end, and needs no read of 0 to
 * confirm it (one syscall less per file, while the tracee waits).
 */
static ssize_t slurp(const char *path, char *buf, size_t max)
{
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got < max) {
		size_t want = max - got;
		ssize_t n = read(fd, buf + got, want);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
		if ((size_t)n < want)
			break;
	}
	close(fd);
	return (ssize_t)got;
}

/* The kernel's internal dev_t encoding (MKDEV: 12-bit major, 20-bit minor). */
uint32_t ptr_kdev(dev_t d)
{
	return (uint32_t)((major(d) << 20) | (minor(d) & 0xfffff));
}

struct proc_status {
	long ppid;
	unsigned long uid[2], gid[2]; /* real, effective */
	unsigned long long cap[3]; /* inheritable, permitted, effective */
	long nspid, nspgid;
	unsigned levels; /* entries in NSpid */
	bool ok;
};

/* src/procscan.c's reading of the status file, in the fields kept here. */
static void parse_status(pid_t tid, struct proc_status *st)
{
	struct procscan_status s = { .vtid = -1, .vpgid = -1 };
	char path[64], buf[4096];
	ssize_t n;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	n = slurp(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	procscan_parse_status(buf, &s);
	st->ok = true;
	st->ppid = s.ppid;
	for (int i = 0; i < 2; i++) {
		st->uid[i] = s.uid[i];
		st->gid[i] = s.gid[i];
	}
	st->cap[0] = s.cap_inh;
	st->cap[1] = s.cap_prm;
	st->cap[2] = s.cap_eff;
	/* No NSpid/NSpgid line (before Linux 4.1): 0, and no level known. */
	st->levels = s.nslevels;
	st->nspid = s.vtid < 0 ? 0 : s.vtid;
	st->nspgid = s.vpgid < 0 ? 0 : s.vpgid;
}

struct proc_stat {
	long ppid, pgrp, session;
	unsigned long tty;
	unsigned long long start;
	bool ok;
};

static void parse_stat(pid_t tid, struct proc_stat *st, char *comm, size_t commlen)
{
	char path[64], buf[1024], *rp, *lp;
	ssize_t n;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "/proc/%d/stat", (int)tid);
	n = slurp(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	/* comm may hold spaces and parentheses: it ends at the last ')'. */
	lp = strchr(buf, '(');
	rp = strrchr(buf, ')');
	if (!lp || !rp || rp < lp)
		return;
	snprintf(comm, commlen, "%.*s", (int)(rp - lp - 1), lp + 1);
	/* state ppid pgrp session tty_nr tpgid flags minflt cminflt majflt
	 * cmajflt utime stime cutime cstime priority nice threads itrealvalue
	 * starttime */
	if (sscanf(rp + 2,
		   "%*c %ld %ld %ld %lu %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d "
		   "%llu",
		   &st->ppid, &st->pgrp, &st->session, &st->tty, &st->start) == 5)
		st->ok = true;
}

/* "ID:subsys,subsys:path" lines -> "subsys=path" strings, NUL-separated. */
static size_t read_cgroups(pid_t tid, char *out, size_t max, bool *cut)
{
	char path[64], buf[4096];
	size_t off = 0;
	ssize_t n;

	*cut = false;
	snprintf(path, sizeof(path), "/proc/%d/cgroup", (int)tid);
	n = slurp(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return 0;
	buf[n] = '\0';
	for (char *line = buf, *nl; line && *line; line = nl) {
		char *c1, *c2, *save = NULL;

		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		c1 = strchr(line, ':');
		c2 = c1 ? strchr(c1 + 1, ':') : NULL;
		if (!c2)
			continue;
		*c2 = '\0';
		/* The unified (v2) hierarchy has no controller list of its own. */
		if (c1[1] == '\0') {
			int w = snprintf(out + off, max - off, "unified=%s", c2 + 1);

			if (w < 0 || (size_t)w + 1 > max - off) {
				*cut = true;
				break;
			}
			off += (size_t)w + 1;
			continue;
		}
		for (char *s = strtok_r(c1 + 1, ",", &save); s; s = strtok_r(NULL, ",", &save)) {
			int w = snprintf(out + off, max - off, "%s=%s", s, c2 + 1);

			if (w < 0 || (size_t)w + 1 > max - off) {
				*cut = true;
				return off;
			}
			off += (size_t)w + 1;
		}
	}
	return off;
}

static ssize_t read_link(pid_t tid, const char *what, char *buf, size_t max)
{
	char path[64];
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, what);
	n = readlink(path, buf, max - 1);
	if (n < 0)
		return -errno;
	buf[n] = '\0';
	return n;
}

static uint32_t exe_flags(pid_t tid, const char *exepath, const struct stat *sb,
			  const struct proc_status *ps)
{
	char path[64];
	struct statvfs vfs;
	uint32_t f = 0;
	bool w;

	if (strncmp(exepath, "/memfd:", 7) == 0)
		f |= SAKER_EXE_FROM_MEMFD;
	if (ps->uid[1] == 0 && (ps->cap[2] >> CAP_DAC_OVERRIDE_BIT) & 1)
		w = true;
	else if (ps->uid[1] == sb->st_uid)
		w = sb->st_mode & S_IWUSR;
	else if (ps->gid[1] == sb->st_gid)
		w = sb->st_mode & S_IWGRP;
	else
		w = sb->st_mode & S_IWOTH;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
	if (w && statvfs(path, &vfs) == 0 && (vfs.f_flag & ST_RDONLY))
		w = false;
	if (w)
		f |= SAKER_EXE_WRITABLE;
	return f;
}

static uint64_t ts_ns(const struct timespec *ts)
{
	return (uint64_t)ts->tv_sec * 1000000000ull + (uint64_t)ts->tv_nsec;
}

/* A NUL-separated list as read, cut to the ABI limit. */
struct ptr_list {
	char *buf; /* NULL: not available */
	size_t len;
	bool cut;
};

/* What the process block says about one task. */
struct ptr_facts {
	struct proc_status ps;
	struct proc_stat st;
	char comm[64];
	char *exe, *cwd, *cg; /* NULL: not available */
	size_t cglen;
	bool cgcut;
	struct ptr_list cmdline, env;
	bool have_sb, have_loginuid;
	uint64_t ino, ctime, mtime;
	unsigned long loginuid;
	long leader_nspid; /* -1: not available */
	uint32_t exe_flags;
};

/* A NUL-separated list file (cmdline, environ): one byte past max tells it was cut. */
static void read_list(pid_t tid, const char *file, size_t max, struct ptr_list *l)
{
	char path[64];
	char *buf = malloc(max + 1);
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, file);
	n = buf ? slurp(path, buf, max + 1) : -ENOMEM;
	if (n <= 0) {
		free(buf);
		*l = (struct ptr_list){ 0 };
		return;
	}
	l->buf = buf;
	l->len = (size_t)n > max ? max : (size_t)n;
	l->cut = (size_t)n > max;
}

static char *dup_link(pid_t tid, const char *what)
{
	char buf[SAKER_PATH_MAX];

	return read_link(tid, what, buf, sizeof(buf)) >= 0 ? strdup(buf) : NULL;
}

/*
 * Everything the process block says about tid, from /proc: about ten files.
 * Returns NULL only when out of memory; what /proc does not give is marked
 * absent inside.
 */
struct ptr_facts *ptr_facts_read(pid_t tid, pid_t tgid)
{
	struct ptr_facts *f = calloc(1, sizeof(*f));
	char path[64], loginuid[32], cg[SAKER_CGROUP_MAX];
	struct stat sb;
	ssize_t n;

	if (!f)
		return NULL;
	parse_status(tid, &f->ps);
	parse_stat(tid, &f->st, f->comm, sizeof(f->comm));
	f->exe = dup_link(tid, "exe");
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
	if (stat(path, &sb) == 0) {
		f->have_sb = true;
		f->ino = sb.st_ino;
		f->ctime = ts_ns(&sb.st_ctim);
		f->mtime = ts_ns(&sb.st_mtim);
		if (f->exe)
			f->exe_flags = exe_flags(tid, f->exe, &sb, &f->ps);
	}
	read_list(tid, "cmdline", SAKER_ARGS_MAX, &f->cmdline);
	f->cwd = dup_link(tid, "cwd");
	f->cglen = read_cgroups(tid, cg, sizeof(cg), &f->cgcut);
	if (f->cglen && (f->cg = malloc(f->cglen)))
		memcpy(f->cg, cg, f->cglen);
	else
		f->cglen = 0;
	read_list(tid, "environ", SAKER_ENV_MAX, &f->env);
	snprintf(path, sizeof(path), "/proc/%d/loginuid", (int)tid);
	n = slurp(path, loginuid, sizeof(loginuid) - 1);
	if (n > 0) {
		loginuid[n] = '\0';
		f->have_loginuid = true;
		f->loginuid = strtoul(loginuid, NULL, 10);
	}
	/* vpid: the NSpid of the thread-group leader. */
	if (tid == tgid) {
		f->leader_nspid = f->ps.nspid;
	} else {
		struct proc_status lead;

		parse_status(tgid, &lead);
		f->leader_nspid = lead.ok ? lead.nspid : -1;
	}
	return f;
}

static bool list_dup(struct ptr_list *to, const struct ptr_list *from)
{
	*to = *from;
	to->buf = NULL;
	if (!from->buf)
		return true;
	to->buf = malloc(from->len ? from->len : 1);
	if (!to->buf)
		return false;
	memcpy(to->buf, from->buf, from->len);
	return true;
}

/*
 * A new task's facts from its creator's: at clone time the child has the
 * same image, credentials, cwd, cgroups and environment. What differs (ids,
 * start time, comm, process group, session, tty) the caller reads next
 * with ptr_facts_restat() (one read of its /proc stat), as for any record
 * built from kept facts. Only valid when both are in the initial pid
 * namespace (the caller checks): there the namespace ids equal the global
 * ones.
 */
struct ptr_facts *ptr_facts_clone(const struct ptr_facts *from)
{
	struct ptr_facts *f = malloc(sizeof(*f));
	bool ok;

	if (!f)
		return NULL;
	*f = *from;
	f->exe = f->cwd = f->cg = NULL;
	f->cmdline.buf = f->env.buf = NULL;
	ok = list_dup(&f->cmdline, &from->cmdline) && list_dup(&f->env, &from->env);
	if (ok && from->exe)
		ok = (f->exe = strdup(from->exe)) != NULL;
	if (ok && from->cwd)
		ok = (f->cwd = strdup(from->cwd)) != NULL;
	if (ok && from->cglen && (ok = (f->cg = malloc(from->cglen)) != NULL))
		memcpy(f->cg, from->cg, from->cglen);
	if (!ok) {
		ptr_facts_free(f);
		return NULL;
	}
	return f;
}

/* Re-read what changes without a traced syscall: comm, ppid, pgid, session, tty, start. */
void ptr_facts_restat(struct ptr_facts *f, pid_t tid, pid_t tgid)
{
	parse_stat(tid, &f->st, f->comm, sizeof(f->comm));
	if (f->st.ok)
		f->ps.ppid = f->st.ppid;
	/* stat's ids are the tracer's view: the task's own only in the initial namespace. */
	if (!ptr_facts_root_ns(f))
		return;
	if (f->st.ok)
		f->ps.nspgid = f->st.pgrp;
	f->ps.nspid = tid;
	f->leader_nspid = tgid;
}

bool ptr_facts_root_ns(const struct ptr_facts *f)
{
	return f->ps.ok && f->ps.levels == 1;
}

void ptr_facts_free(struct ptr_facts *f)
{
	if (!f)
		return;
	free(f->exe);
	free(f->cwd);
	free(f->cg);
	free(f->cmdline.buf);
	free(f->env.buf);
	free(f);
}

static void put_list(struct rec_builder *b, const struct ptr_list *l)
{
	if (!l->buf) {
		rb_absent(b);
		return;
	}
	rb_strlist(b, l->buf, l->len);
	/* rb_strlist only flags what it cut itself; mark an over-long list too. */
	if (!b->err && l->cut)
		b->buf[SAKER_HDR_SIZE + 2u * (b->next - 1u) + 1] |= SAKER_PARAM_TRUNCATED >> 8;
}

/* argv[0] from cmdline, as the filename of a record without its own. */
static void put_argv0(struct rec_builder *b, const struct ptr_list *l)
{
	char a0[SAKER_PATH_MAX];
	size_t n;

	if (!l->buf || !l->len) {
		rb_absent(b);
		return;
	}
	n = strnlen(l->buf, l->len < sizeof(a0) - 1 ? l->len : sizeof(a0) - 1);
	memcpy(a0, l->buf, n);
	a0[n] = '\0';
	rb_str(b, a0);
}

/* Write the process block of tid; returns its exe flags (SAKER_EXE_*). */
uint32_t ptr_facts_put(struct rec_builder *b, const struct ptr_facts *f, pid_t tid, pid_t tgid,
		       const struct ptr_procblock *pb)
{
	const struct proc_status *ps = &f->ps;
	const struct proc_stat *st = &f->st;

	if (pb && pb->filename)
		rb_str(b, pb->filename);
	else
		put_argv0(b, &f->cmdline);
	if (pb && pb->argv)
		rb_strlist(b, pb->argv, pb->argv_len);
	else
		put_list(b, &f->cmdline);
	rb_num(b, (uint64_t)tid);
	rb_num(b, (uint64_t)tgid);
	ps->ok ? rb_num(b, (uint64_t)ps->ppid) : rb_absent(b);
	st->ok ? rb_num(b, (uint64_t)st->pgrp) : rb_absent(b);
	st->ok ? rb_num(b, (uint64_t)st->session) : rb_absent(b);
	/* vtid: NSpid of /proc/TID is the thread's id in each namespace. */
	ps->ok ? rb_num(b, (uint64_t)ps->nspid) : rb_absent(b);
	f->leader_nspid >= 0 && ps->ok ? rb_num(b, (uint64_t)f->leader_nspid) : rb_absent(b);
	ps->ok ? rb_num(b, (uint64_t)ps->nspgid) : rb_absent(b);
	rb_str(b, f->cwd);
	rb_str(b, f->comm[0] || st->ok ? f->comm : NULL);
	rb_str(b, f->exe);
	f->cglen ? rb_strlist(b, f->cg, f->cglen) : rb_absent(b);
	put_list(b, &f->env);
	if (st->ok) {
		unsigned long x = st->tty;
		/* /proc shows the userspace encoding; the ABI carries the kernel's. */
		rb_num(b, ptr_kdev(makedev((x >> 8) & 0xfff, (x & 0xff) | ((x >> 12) & 0xfff00))));
	} else {
		rb_absent(b);
	}
	f->have_loginuid ? rb_num(b, f->loginuid) : rb_absent(b);
	for (int i = 0; i < 2; i++) {
		ps->ok ? rb_num(b, ps->uid[i]) : rb_absent(b);
		ps->ok ? rb_num(b, ps->gid[i]) : rb_absent(b);
	}
	for (int i = 0; i < 3; i++)
		ps->ok ? rb_num(b, ps->cap[i]) : rb_absent(b);
	f->have_sb ? rb_num(b, f->ino) : rb_absent(b);
	f->have_sb ? rb_num(b, f->ctime) : rb_absent(b);
	f->have_sb ? rb_num(b, f->mtime) : rb_absent(b);
	if (st->ok) {
		long hz = sysconf(_SC_CLK_TCK);

		rb_num(b, st->start * (1000000000ull / (unsigned long long)(hz > 0 ? hz : 100)));
	} else {
		rb_absent(b);
	}
	ps->ok && ps->levels ? rb_num(b, ps->levels - 1) : rb_absent(b);
	return f->exe && f->have_sb ? f->exe_flags : 0;
}

/* The process block of tid read afresh; returns its exe flags. */
uint32_t ptr_proc_block(struct rec_builder *b, pid_t tid, pid_t tgid,
			const struct ptr_procblock *pb)
{
	struct ptr_facts *f = ptr_facts_read(tid, tgid);
	uint32_t flags;

	if (!f) {
		b->err = -ENOMEM;
		return 0;
	}
	flags = ptr_facts_put(b, f, tid, tgid, pb);
	ptr_facts_free(f);
	return flags;
}
