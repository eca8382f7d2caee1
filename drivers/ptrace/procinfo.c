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

#include "ptrace_int.h"

#define CAP_DAC_OVERRIDE_BIT 1

/* Read at most max bytes of a /proc file; returns bytes read or -errno. */
static ssize_t slurp(const char *path, char *buf, size_t max)
{
	size_t got = 0;
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return -errno;
	while (got < max) {
		ssize_t n = read(fd, buf + got, max - got);

		if (n < 0 && errno == EINTR)
			continue;
		if (n <= 0)
			break;
		got += (size_t)n;
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

static void parse_status(pid_t tid, struct proc_status *st)
{
	char path[64], buf[4096];
	ssize_t n;

	memset(st, 0, sizeof(*st));
	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	n = slurp(path, buf, sizeof(buf) - 1);
	if (n <= 0)
		return;
	buf[n] = '\0';
	st->ok = true;
	for (char *line = buf, *nl; line && *line; line = nl) {
		nl = strchr(line, '\n');
		if (nl)
			*nl++ = '\0';
		if (sscanf(line, "PPid: %ld", &st->ppid) == 1 ||
		    sscanf(line, "Uid: %lu %lu", &st->uid[0], &st->uid[1]) == 2 ||
		    sscanf(line, "Gid: %lu %lu", &st->gid[0], &st->gid[1]) == 2 ||
		    sscanf(line, "CapInh: %llx", &st->cap[0]) == 1 ||
		    sscanf(line, "CapPrm: %llx", &st->cap[1]) == 1 ||
		    sscanf(line, "CapEff: %llx", &st->cap[2]) == 1)
			continue;
		if (strncmp(line, "NSpid:", 6) == 0 || strncmp(line, "NSpgid:", 7) == 0) {
			bool pid = line[2] == 'p' && line[4] == 'd';
			char *p = strchr(line, ':') + 1, *end;
			unsigned cnt = 0;
			long v = 0;

			/* The last entry is the id in the task's own namespace. */
			for (long x = strtol(p, &end, 10); end != p; x = strtol(p, &end, 10)) {
				v = x;
				cnt++;
				p = end;
			}
			if (pid) {
				st->nspid = v;
				st->levels = cnt;
			} else {
				st->nspgid = v;
			}
		}
	}
}

struct proc_stat {
	long pgrp, session;
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
		   "%*c %*d %ld %ld %lu %*d %*u %*u %*u %*u %*u %*u %*u %*d %*d %*d %*d %*d %*d "
		   "%llu",
		   &st->pgrp, &st->session, &st->tty, &st->start) == 4)
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

static void put_list(struct rec_builder *b, pid_t tid, const char *file, size_t max)
{
	char path[64];
	char *buf = malloc(max + 1);
	ssize_t n;

	snprintf(path, sizeof(path), "/proc/%d/%s", (int)tid, file);
	n = buf ? slurp(path, buf, max + 1) : -ENOMEM;
	if (n <= 0)
		rb_absent(b);
	else
		rb_strlist(b, buf, (size_t)n > max ? max : (size_t)n);
	/* rb_strlist only flags what it cut itself; mark an over-long list too. */
	if (!b->err && n > 0 && (size_t)n > max)
		b->buf[SAKER_HDR_SIZE + 2u * (b->next - 1u) + 1] |= SAKER_PARAM_TRUNCATED >> 8;
	free(buf);
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

/* Returns the exe flags (SAKER_EXE_*) of the process, for the caller's flags parameter. */
uint32_t ptr_proc_block(struct rec_builder *b, pid_t tid, pid_t tgid,
			const struct ptr_procblock *pb)
{
	char exe[SAKER_PATH_MAX], cwd[SAKER_PATH_MAX], cg[SAKER_CGROUP_MAX];
	char path[64], comm[64] = "", loginuid[32];
	struct proc_status ps;
	struct proc_stat st;
	struct stat sb;
	bool have_exe, have_sb, cgcut;
	size_t cglen;
	uint32_t flags = 0;

	parse_status(tid, &ps);
	parse_stat(tid, &st, comm, sizeof(comm));
	have_exe = read_link(tid, "exe", exe, sizeof(exe)) >= 0;
	snprintf(path, sizeof(path), "/proc/%d/exe", (int)tid);
	have_sb = stat(path, &sb) == 0;

	if (pb && pb->filename) {
		rb_str(b, pb->filename);
	} else {
		char a0[SAKER_PATH_MAX];
		ssize_t n;

		snprintf(path, sizeof(path), "/proc/%d/cmdline", (int)tid);
		n = slurp(path, a0, sizeof(a0) - 1);
		if (n > 0) {
			a0[n] = '\0';
			rb_str(b, a0);
		} else {
			rb_absent(b);
		}
	}
	if (pb && pb->argv)
		rb_strlist(b, pb->argv, pb->argv_len);
	else
		put_list(b, tid, "cmdline", SAKER_ARGS_MAX);
	rb_num(b, (uint64_t)tid);
	rb_num(b, (uint64_t)tgid);
	ps.ok ? rb_num(b, (uint64_t)ps.ppid) : rb_absent(b);
	st.ok ? rb_num(b, (uint64_t)st.pgrp) : rb_absent(b);
	st.ok ? rb_num(b, (uint64_t)st.session) : rb_absent(b);
	/* vtid: NSpid of /proc/TID is the thread's id in each namespace. */
	ps.ok ? rb_num(b, (uint64_t)ps.nspid) : rb_absent(b);
	if (tid == tgid) {
		ps.ok ? rb_num(b, (uint64_t)ps.nspid) : rb_absent(b);
	} else {
		struct proc_status lead;

		parse_status(tgid, &lead);
		lead.ok ? rb_num(b, (uint64_t)lead.nspid) : rb_absent(b);
	}
	ps.ok ? rb_num(b, (uint64_t)ps.nspgid) : rb_absent(b);
	rb_str(b, read_link(tid, "cwd", cwd, sizeof(cwd)) >= 0 ? cwd : NULL);
	rb_str(b, comm[0] || st.ok ? comm : NULL);
	rb_str(b, have_exe ? exe : NULL);
	cglen = read_cgroups(tid, cg, sizeof(cg), &cgcut);
	cglen ? rb_strlist(b, cg, cglen) : rb_absent(b);
	put_list(b, tid, "environ", SAKER_ENV_MAX);
	if (st.ok) {
		unsigned long x = st.tty;
		/* /proc shows the userspace encoding; the ABI carries the kernel's. */
		rb_num(b, ptr_kdev(makedev((x >> 8) & 0xfff, (x & 0xff) | ((x >> 12) & 0xfff00))));
	} else {
		rb_absent(b);
	}
	snprintf(path, sizeof(path), "/proc/%d/loginuid", (int)tid);
	if (slurp(path, loginuid, sizeof(loginuid) - 1) > 0)
		rb_num(b, strtoul(loginuid, NULL, 10));
	else
		rb_absent(b);
	for (int i = 0; i < 2; i++) {
		ps.ok ? rb_num(b, ps.uid[i]) : rb_absent(b);
		ps.ok ? rb_num(b, ps.gid[i]) : rb_absent(b);
	}
	for (int i = 0; i < 3; i++)
		ps.ok ? rb_num(b, ps.cap[i]) : rb_absent(b);
	have_sb ? rb_num(b, sb.st_ino) : rb_absent(b);
	have_sb ? rb_num(b, ts_ns(&sb.st_ctim)) : rb_absent(b);
	have_sb ? rb_num(b, ts_ns(&sb.st_mtim)) : rb_absent(b);
	if (st.ok) {
		long hz = sysconf(_SC_CLK_TCK);

		rb_num(b, st.start * (1000000000ull / (unsigned long long)(hz > 0 ? hz : 100)));
	} else {
		rb_absent(b);
	}
	ps.ok &&ps.levels ? rb_num(b, ps.levels - 1) : rb_absent(b);
	if (have_exe && have_sb)
		flags = exe_flags(tid, exe, &sb, &ps);
	return flags;
}
