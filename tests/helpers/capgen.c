// SPDX-License-Identifier: GPL-2.0-only
/*
 * capgen [-c N] DESCRIPTION OUT.cap: writes the capture a text description
 * asks for, through the real writer (src/capture.c) and record builder
 * (src/recbuild.c). Events and parameters are named as in the ABI table
 * (drivers/common/saker_events.h); every error names file:line. The format
 * is in tests/replay/README.md.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capgen.h"
#include "capgen_lex.h"
#include "capture.h"
#include "recbuild.h"

#define CG_PROCS_MAX 1024
#define CG_INCLUDE_DEPTH 4

/* What capgen knows of a process: its last process block, its creator. */
struct cg_proc {
	uint32_t pid, parent;
	uint8_t *rec; /* last record with its process block, or NULL */
	uint32_t tids[64];
	int ntids;
};

struct cg {
	const char *file;
	int line;
	int want_case, cur_case; /* -c N; the %case section being read (0: prelude) */
	struct cap_hostinfo hi;
	uint64_t boot_offset, start_ns, ts, drops;
	struct cap_writer *w;
	bool in_events;
	struct cg_proc procs[CG_PROCS_MAX];
	int nprocs;
	struct cg_line l;
	struct cg_val vals[SAKER_MAX_PARAMS];
	bool given[SAKER_MAX_PARAMS];
	uint8_t rec[SAKER_REC_MAX];
};

static struct cg g;
static const char *out_path;

static void open_writer(void)
{
	if (g.w)
		return;
	if (cap_writer_open(out_path, &g.hi, g.boot_offset, g.start_ns, &g.w) < 0) {
		perror(out_path);
		exit(73);
	}
}

static int die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", g.file, g.line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out_path)
		unlink(out_path); /* no half-written capture for a runner to trust */
	exit(65);
}

static struct cg_proc *proc_find(uint32_t pid)
{
	for (int i = 0; i < g.nprocs; i++)
		if (g.procs[i].pid == pid)
			return &g.procs[i];
	return NULL;
}

static struct cg_proc *proc_add(uint32_t pid)
{
	struct cg_proc *p = proc_find(pid);

	if (p)
		return p;
	if (g.nprocs == CG_PROCS_MAX)
		die("more than %d processes", CG_PROCS_MAX);
	p = &g.procs[g.nprocs++];
	*p = (struct cg_proc){ .pid = pid };
	return p;
}

static void proc_add_tid(struct cg_proc *p, uint32_t tid)
{
	for (int i = 0; i < p->ntids; i++)
		if (p->tids[i] == tid)
			return;
	if (p->ntids < (int)(sizeof(p->tids) / sizeof(p->tids[0])))
		p->tids[p->ntids++] = tid;
}

/* The process a thread belongs to, as far as capgen has seen. */
static uint32_t pid_of(uint32_t tid)
{
	for (int i = 0; i < g.nprocs; i++)
		for (int j = 0; j < g.procs[i].ntids; j++)
			if (g.procs[i].tids[j] == tid)
				return g.procs[i].pid;
	return 0;
}

/* The process block a new record of pid inherits: its own, else its creator's. */
static const uint8_t *base_block(uint32_t pid)
{
	for (int depth = 0; depth < 16 && pid; depth++) {
		struct cg_proc *p = proc_find(pid);

		if (!p)
			return NULL;
		if (p->rec)
			return p->rec;
		pid = p->parent;
	}
	return NULL;
}

static void remember(uint32_t pid, const uint8_t *rec, size_t len)
{
	struct cg_proc *p = proc_add(pid);

	free(p->rec);
	p->rec = malloc(len);
	if (!p->rec)
		die("out of memory");
	memcpy(p->rec, rec, len);
}

static bool is_snapshot(int type)
{
	return type == SAKER_EV_PROC_SNAPSHOT || type == SAKER_EV_FD_SNAPSHOT;
}

static void snapshot_end(void)
{
	if (!g.in_events && cap_writer_snapshot_end(g.w) < 0)
		die("writing the snapshot end failed");
	g.in_events = true;
}

static void write_rec(int type)
{
	if (!is_snapshot(type))
		snapshot_end();
	if (cap_writer_record(g.w, g.rec) < 0)
		die("writing the record failed");
}

/* A value the record inherits or derives, as a string parameter. */
static void set_str(int idx, const char *s)
{
	size_t len = strlen(s);

	if (len >= CG_VAL_MAX)
		len = CG_VAL_MAX - 1;
	g.vals[idx] = (struct cg_val){ .kind = CG_BYTES, .len = len + 1 };
	memcpy(g.vals[idx].bytes, s, len);
	g.vals[idx].bytes[len] = '\0';
	g.given[idx] = true;
}

static void set_num(int idx, uint64_t v)
{
	g.vals[idx].kind = CG_NUM;
	g.vals[idx].num = v;
	g.given[idx] = true;
}

static const char *given_str(int idx)
{
	return g.given[idx] && g.vals[idx].kind == CG_BYTES ? (const char *)g.vals[idx].bytes :
							      NULL;
}

static bool is_clone(int type)
{
	return type == SAKER_EV_CLONE || type == SAKER_EV_CLONE3 || type == SAKER_EV_FORK ||
	       type == SAKER_EV_VFORK;
}

#define CG_CLONE_THREAD 0x00010000ull
#define PB_FILENAME 0
#define PB_ARGV 1
#define PB_TID 2
#define PB_PID 3
#define PB_PTID 4
#define PB_PGID 5
#define PB_SID 6
#define PB_VTID 7
#define PB_VPID 8
#define PB_VPGID 9
#define PB_COMM 11
#define PB_EXEPATH 12
#define PB_START_TS 27
#define PB_FLAGS SAKER_PROC_NPARAMS

/*
 * Fill what a driver would have put in the process block and the
 * description left out: ids from the header, image facts from the file
 * name, the rest from the process's last block (or its creator's).
 */
static const uint8_t *proc_defaults(int type, uint32_t tid, uint32_t pid, int64_t res)
{
	uint64_t flags = g.given[PB_FLAGS] ? g.vals[PB_FLAGS].num : 0;
	bool child = is_clone(type) && res == 0;
	const uint8_t *base = base_block(pid);
	struct cg_proc *known = proc_find(pid);

	if (child && !(flags & CG_CLONE_THREAD) && !g.given[PB_PTID] && !(known && known->parent))
		die("the child's side of a %s names its parent: give ptid=", evt_table[type].name);
	if (!base && g.given[PB_PTID])
		base = base_block((uint32_t)g.vals[PB_PTID].num);
	/* A child capgen saw created, with no block of its own yet: its parent is its creator. */
	if (!g.given[PB_PTID] && known && !known->rec && known->parent &&
	    !(is_clone(type) && res > 0) && !(child && (flags & CG_CLONE_THREAD)))
		set_num(PB_PTID, known->parent);
	if (type == SAKER_EV_EXECVE || type == SAKER_EV_EXECVEAT ||
	    type == SAKER_EV_PROC_SNAPSHOT) {
		if (!g.given[PB_FILENAME] && given_str(PB_ARGV))
			set_str(PB_FILENAME, given_str(PB_ARGV));
		if (given_str(PB_FILENAME)) {
			char name[CG_VAL_MAX], *b;

			snprintf(name, sizeof(name), "%s", given_str(PB_FILENAME));
			b = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
			if (!g.given[PB_ARGV])
				set_str(PB_ARGV, b);
			if (!g.given[PB_COMM]) {
				b[15 < strlen(b) ? 15 : strlen(b)] = '\0';
				set_str(PB_COMM, b);
			}
			if (!g.given[PB_EXEPATH] && given_str(PB_FILENAME)[0] == '/')
				set_str(PB_EXEPATH, given_str(PB_FILENAME));
		}
	}
	if (!g.given[PB_TID])
		set_num(PB_TID, tid);
	if (!g.given[PB_PID])
		set_num(PB_PID, pid);
	if (!g.given[PB_VTID])
		set_num(PB_VTID, g.vals[PB_TID].num);
	if (!g.given[PB_VPID])
		set_num(PB_VPID, g.vals[PB_PID].num);
	if (!g.given[PB_VPGID] && g.given[PB_PGID] && g.vals[PB_VPID].num == g.vals[PB_PID].num)
		set_num(PB_VPGID, g.vals[PB_PGID].num);
	if (!base) {
		if (!g.given[PB_PGID])
			set_num(PB_PGID, pid);
		if (!g.given[PB_SID])
			set_num(PB_SID, pid);
		if (!g.given[PB_VPGID])
			set_num(PB_VPGID, g.vals[PB_PGID].num);
	}
	/* A process capgen has no block of starts now. */
	if (!g.given[PB_START_TS] && (!known || !known->rec || child))
		set_num(PB_START_TS, g.ts);
	return base;
}

static void put_val(struct rec_builder *rb, const struct cg_val *v)
{
	switch (v->kind) {
	case CG_ABSENT:
		rb_absent(rb);
		break;
	case CG_NUM:
		rb_num(rb, v->num);
		break;
	case CG_BYTES:
		rb_bytes(rb, v->bytes, v->len);
		break;
	case CG_SOCKADDR:
		if (v->a.family == AF_UNIX)
			rb_sockaddr_un(rb, v->a.path);
		else
			rb_sockaddr_in(rb, v->a.family, v->a.addr, v->a.port);
		break;
	case CG_TUPLE:
		if (v->a.family == AF_UNIX)
			rb_tuple_un(rb, v->un_local, v->un_peer, v->a.path[0] ? v->a.path : NULL);
		else
			rb_tuple_in(rb, v->a.family, v->a.addr, v->a.port, v->b.addr, v->b.port);
		break;
	}
}

static int64_t parse_res(const char *s)
{
	uint64_t v;

	if (cg_parse_num(s, &v) == 0)
		return (int64_t)v;
	for (int e = 1; s[0] == '-' && e < 200; e++) {
		const char *n = strerrorname_np(e);

		if (n && !strcmp(n, s + 1))
			return -e;
	}
	die("result '%s' is not a number or -ERRNO name", s);
	return 0;
}

static void params_list(int type, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	for (int i = 0; i < evt_table[type].nparams && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s", i ? ", " : "",
					evt_table[type].params[i].name);
}

static void bookkeeping(int type, uint32_t tid, uint32_t pid, int64_t res, size_t len)
{
	uint64_t flags = g.given[PB_FLAGS] ? g.vals[PB_FLAGS].num : 0;
	struct cg_proc *p;

	if (!(evt_table[type].flags & SAKER_EF_PROC) || res < 0)
		return;
	p = proc_add(pid);
	proc_add_tid(p, tid);
	if (is_clone(type) && res > 0) {
		struct cg_proc *c = (flags & CG_CLONE_THREAD) ? p : proc_add((uint32_t)res);

		if (c != p && !c->parent)
			c->parent = pid;
		proc_add_tid(c, (uint32_t)res);
		return;
	}
	if (is_clone(type) && (flags & CG_CLONE_THREAD))
		return;
	if (type == SAKER_EV_PROC_SNAPSHOT && tid != pid && p->rec)
		return;
	if (is_clone(type) && g.given[PB_PTID])
		p->parent = (uint32_t)g.vals[PB_PTID].num;
	remember(pid, g.rec, len);
}

static void record(void)
{
	struct cg_token *t = g.l.t;
	const struct evt_info *info;
	struct rec_builder rb;
	const uint8_t *base = NULL;
	struct evt be;
	char err[512], *slash;
	uint64_t tid, pid = 0;
	int64_t res = 0;
	bool has_res = false;
	int i = 1, type, len;

	tid = strtoull(t[0].val, &slash, 10);
	if (*slash == '/' && slash[1])
		pid = strtoull(slash + 1, &slash, 10);
	if (*slash || !tid || tid > UINT32_MAX || pid > UINT32_MAX)
		die("'%s': a record starts with TID or TID/PID", t[0].val);
	if (i < g.l.n && t[i].val[0] == '@' && !t[i].key[0]) {
		uint64_t v;

		if (cg_parse_num(t[i].val + 1 + (t[i].val[1] == '+'), &v) < 0)
			die("'%s': expected @NS or @+NS", t[i].val);
		g.ts = t[i].val[1] == '+' ? g.ts + v : v;
		i++;
	} else {
		g.ts += 1000000; /* 1 ms apart unless told */
	}
	if (i >= g.l.n || t[i].key[0] || t[i].result)
		die("expected an event name after the thread");
	type = evt_type_by_name(t[i].val);
	if (type <= SAKER_EV_UNKNOWN)
		die("unknown event '%s' (see saker list-events)", t[i].val);
	info = &evt_table[type];
	memset(g.given, 0, sizeof(g.given));
	for (i++; i < g.l.n; i++) {
		int idx;

		if (t[i].result) {
			if (i + 2 != g.l.n || t[i + 1].key[0])
				die("'= RESULT' ends the line with one value");
			res = parse_res(t[i + 1].val);
			has_res = true;
			break;
		}
		if (!t[i].key[0])
			die("'%s': expected NAME=VALUE", t[i].val);
		idx = evt_param_index(type, t[i].key);
		if (idx < 0) {
			char names[1024];

			params_list(type, names, sizeof(names));
			die("%s has no parameter '%s' (it has: %s)", info->name, t[i].key, names);
		}
		if (g.given[idx])
			die("parameter '%s' given twice", t[i].key);
		g.given[idx] = true;
		if (!strcmp(t[i].val, "(absent)")) {
			g.vals[idx].kind = CG_ABSENT;
			continue;
		}
		if (cg_parse_value(&info->params[idx], t[i].val, t[i].len, t[i].list, &g.vals[idx],
				   err, sizeof(err)) < 0)
			die("%s.%s: %s", info->name, t[i].key, err);
	}
	if (!has_res && (info->flags & SAKER_EF_CREATES_FD))
		die("%s makes an fd: end the line with '= FD' or '= -ERRNO'", info->name);
	if (!pid)
		pid = pid_of((uint32_t)tid) ?: tid;
	if (info->flags & SAKER_EF_PROC) {
		base = proc_defaults(type, (uint32_t)tid, (uint32_t)pid, res);
		if (base && evt_decode(&be, base, SAKER_REC_MAX, NULL, NULL) < 0)
			die("internal error: a remembered block does not decode");
	}
	rb_begin(&rb, g.rec, sizeof(g.rec), (uint16_t)type, g.ts, (uint32_t)tid, (uint32_t)pid,
		 res);
	for (int k = 0; k < info->nparams; k++) {
		const struct evt_param *bp =
			base && k < SAKER_PROC_NPARAMS ? evt_param(&be, k) : NULL;

		if (g.given[k])
			put_val(&rb, &g.vals[k]);
		else if (bp && bp->val)
			rb_bytes(&rb, bp->val, bp->len);
		else
			rb_absent(&rb);
	}
	len = rb_end(&rb);
	if (len < 0)
		die("the record does not fit: %s", strerror(-len));
	if (evt_decode(&be, g.rec, (size_t)len, NULL, NULL) < 0)
		die("internal error: the record does not decode");
	write_rec(type);
	bookkeeping(type, (uint32_t)tid, (uint32_t)pid, res, (size_t)len);
}

static void directive(void)
{
	struct cg_token *t = g.l.t;
	const char *what = t[0].val;

	if (!strcmp(what, "host")) {
		static const char *const keys[CAP_HOST_MAX] = {
			[CAP_HOST_HOSTNAME] = "hostname",
			[CAP_HOST_KERNEL_RELEASE] = "kernel_release",
			[CAP_HOST_KERNEL_VERSION] = "kernel_version",
			[CAP_HOST_MACHINE] = "machine",
			[CAP_HOST_OS] = "os",
			[CAP_HOST_SAKER_VERSION] = "saker_version",
			[CAP_HOST_DRIVER] = "driver",
		};
		for (int i = 1; i < g.l.n; i++) {
			int k = 1;

			while (k < CAP_HOST_MAX && strcmp(keys[k], t[i].key))
				k++;
			if (k == CAP_HOST_MAX)
				die("host: unknown key '%s' (hostname, kernel_release, kernel_version, "
				    "machine, os, saker_version, driver)",
				    t[i].key);
			if (g.w)
				die("host must come before the first record");
			free(g.hi.v[k]);
			g.hi.v[k] = strdup(t[i].val);
		}
	} else if (!strcmp(what, "capture") || !strcmp(what, "trailer")) {
		for (int i = 1; i < g.l.n; i++) {
			uint64_t v;
			uint64_t *dst = !strcmp(t[i].key, "boot_offset") ? &g.boot_offset :
					!strcmp(t[i].key, "start")	 ? &g.start_ns :
					!strcmp(t[i].key, "drops")	 ? &g.drops :
									   NULL;

			if (!dst || (dst == &g.drops) != (what[0] == 't'))
				die("%s: unknown key '%s'", what, t[i].key);
			if (cg_parse_num(t[i].val, &v) < 0)
				die("%s: '%s' is not a number", what, t[i].val);
			if (g.w && what[0] == 'c')
				die("capture must come before the first record");
			*dst = v;
		}
	} else if (!strcmp(what, "snapshot_end")) {
		if (g.l.n != 1)
			die("snapshot_end takes nothing");
		open_writer();
		snapshot_end();
	} else {
		die("unknown directive or event '%s'", what);
	}
}

static void read_file(const char *path, int depth);

static void one_line(const char *text, const char *path, int depth)
{
	char err[512];

	if (text[0] == '%') {
		/* The runner's lines; "%case" starts a new section. */
		if (!strncmp(text, "%case", 5) && (text[5] == ' ' || text[5] == '\n'))
			g.cur_case++;
		return;
	}
	if (g.want_case && g.cur_case && g.cur_case != g.want_case)
		return;
	if (cg_split(text, &g.l, err, sizeof(err)) < 0)
		die("%s", err);
	if (!g.l.n)
		return;
	if (!strcmp(g.l.t[0].val, "include") && !g.l.t[0].key[0]) {
		char dir[4096], inc[8192];

		if (g.l.n != 2)
			die("include takes one file name");
		snprintf(dir, sizeof(dir), "%s", path);
		snprintf(inc, sizeof(inc), "%s/%s", dirname(dir), g.l.t[1].val);
		read_file(inc, depth + 1);
		return;
	}
	if (g.l.t[0].val[0] >= '0' && g.l.t[0].val[0] <= '9' && !g.l.t[0].key[0]) {
		open_writer();
		record();
	} else {
		directive();
	}
}

static void read_file(const char *path, int depth)
{
	const char *file = g.file;
	int line = g.line, cur = g.cur_case;
	char buf[16384];
	FILE *f;

	if (depth > CG_INCLUDE_DEPTH)
		die("includes nested deeper than %d", CG_INCLUDE_DEPTH);
	f = fopen(path, "re");
	if (!f) {
		if (file)
			die("include '%s': %s", path, strerror(errno));
		perror(path);
		exit(66);
	}
	g.file = path;
	g.line = 0;
	if (depth)
		g.cur_case = 0; /* an included file's %case lines are its own */
	while (fgets(buf, sizeof(buf), f)) {
		g.line++;
		if (!strchr(buf, '\n') && !feof(f))
			die("line longer than %zu bytes", sizeof(buf) - 1);
		one_line(buf, path, depth);
	}
	fclose(f);
	g.file = file;
	g.line = line;
	if (depth)
		g.cur_case = cur;
}

int main(int argc, char **argv)
{
	struct cap_trailer tr = { 0 };
	int a = 1;

	g.boot_offset = 1700000000000000000ull; /* 2023-11-14T22:13:20Z at boot */
	g.start_ns = g.boot_offset + 1000000000ull;
	g.ts = 1000000000ull;
	if (argc == 5 && !strcmp(argv[1], "-c")) {
		g.want_case = atoi(argv[2]);
		a = 3;
	}
	if (argc - a != 2 || (a == 3 && g.want_case < 1)) {
		fprintf(stderr, "usage: capgen [-c CASE] DESCRIPTION OUT.cap\n");
		return 64;
	}
	out_path = argv[a + 1];
	read_file(argv[a], 0);
	g.file = argv[a];
	if (g.want_case > g.cur_case)
		die("no %%case number %d (the file has %d)", g.want_case, g.cur_case);
	open_writer();
	tr.records = cap_writer_records(g.w);
	tr.drops = g.drops;
	if (cap_writer_close(g.w, &tr) < 0) {
		perror(argv[a + 1]);
		return 74;
	}
	for (int i = 0; i < g.nprocs; i++)
		free(g.procs[i].rec);
	cap_hostinfo_clear(&g.hi);
	return 0;
}
