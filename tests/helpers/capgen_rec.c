// SPDX-License-Identifier: GPL-2.0-only
/*
 * capgen's records: one line "TID[/PID] [@TS] EVENT NAME=VALUE... [= RES]"
 * becomes one ABI record. Process blocks are completed the way a driver
 * fills them, from what capgen has seen of the process and its creator.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "capgen.h"
#include "recbuild.h"

static struct cg_proc *proc_find(uint32_t pid)
{
	for (int i = 0; i < cg_g.nprocs; i++)
		if (cg_g.procs[i].pid == pid)
			return &cg_g.procs[i];
	return NULL;
}

static struct cg_proc *proc_add(uint32_t pid)
{
	struct cg_proc *p = proc_find(pid);

	if (p)
		return p;
	if (cg_g.nprocs == CG_PROCS_MAX)
		cg_die("more than %d processes", CG_PROCS_MAX);
	p = &cg_g.procs[cg_g.nprocs++];
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
	for (int i = 0; i < cg_g.nprocs; i++)
		for (int j = 0; j < cg_g.procs[i].ntids; j++)
			if (cg_g.procs[i].tids[j] == tid)
				return cg_g.procs[i].pid;
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
		cg_die("out of memory");
	memcpy(p->rec, rec, len);
}

/* A value the record inherits or derives, as a string parameter. */
static void set_str(int idx, const char *s)
{
	size_t len = strlen(s);

	if (len >= CG_VAL_MAX)
		len = CG_VAL_MAX - 1;
	cg_g.vals[idx] = (struct cg_val){ .kind = CG_BYTES, .len = len + 1 };
	memcpy(cg_g.vals[idx].bytes, s, len);
	cg_g.vals[idx].bytes[len] = '\0';
	cg_g.given[idx] = true;
}

static void set_num(int idx, uint64_t v)
{
	cg_g.vals[idx].kind = CG_NUM;
	cg_g.vals[idx].num = v;
	cg_g.given[idx] = true;
}

static const char *given_str(int idx)
{
	return cg_g.given[idx] && cg_g.vals[idx].kind == CG_BYTES ?
		       (const char *)cg_g.vals[idx].bytes :
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
	uint64_t flags = cg_g.given[PB_FLAGS] ? cg_g.vals[PB_FLAGS].num : 0;
	bool child = is_clone(type) && res == 0;
	const uint8_t *base = base_block(pid);
	struct cg_proc *known = proc_find(pid);

	if (child && !(flags & CG_CLONE_THREAD) && !cg_g.given[PB_PTID] &&
	    !(known && known->parent))
		cg_die("the child's side of a %s names its parent: give ptid=",
		       evt_table[type].name);
	if (!base && cg_g.given[PB_PTID])
		base = base_block((uint32_t)cg_g.vals[PB_PTID].num);
	/* A child capgen saw created, with no block of its own yet: its parent is its creator. */
	if (!cg_g.given[PB_PTID] && known && !known->rec && known->parent &&
	    !(is_clone(type) && res > 0) && !(child && (flags & CG_CLONE_THREAD)))
		set_num(PB_PTID, known->parent);
	if (type == SAKER_EV_EXECVE || type == SAKER_EV_EXECVEAT ||
	    type == SAKER_EV_PROC_SNAPSHOT) {
		if (!cg_g.given[PB_FILENAME] && given_str(PB_ARGV))
			set_str(PB_FILENAME, given_str(PB_ARGV));
		if (given_str(PB_FILENAME)) {
			char name[CG_VAL_MAX], *b;

			snprintf(name, sizeof(name), "%s", given_str(PB_FILENAME));
			b = strrchr(name, '/') ? strrchr(name, '/') + 1 : name;
			if (!cg_g.given[PB_ARGV])
				set_str(PB_ARGV, b);
			if (!cg_g.given[PB_COMM]) {
				b[15 < strlen(b) ? 15 : strlen(b)] = '\0';
				set_str(PB_COMM, b);
			}
			if (!cg_g.given[PB_EXEPATH] && given_str(PB_FILENAME)[0] == '/')
				set_str(PB_EXEPATH, given_str(PB_FILENAME));
		}
	}
	if (!cg_g.given[PB_TID])
		set_num(PB_TID, tid);
	if (!cg_g.given[PB_PID])
		set_num(PB_PID, pid);
	if (!cg_g.given[PB_VTID])
		set_num(PB_VTID, cg_g.vals[PB_TID].num);
	if (!cg_g.given[PB_VPID])
		set_num(PB_VPID, cg_g.vals[PB_PID].num);
	if (!cg_g.given[PB_VPGID] && cg_g.given[PB_PGID] &&
	    cg_g.vals[PB_VPID].num == cg_g.vals[PB_PID].num)
		set_num(PB_VPGID, cg_g.vals[PB_PGID].num);
	if (!base) {
		if (!cg_g.given[PB_PGID])
			set_num(PB_PGID, pid);
		if (!cg_g.given[PB_SID])
			set_num(PB_SID, pid);
		if (!cg_g.given[PB_VPGID])
			set_num(PB_VPGID, cg_g.vals[PB_PGID].num);
	}
	/* A process capgen has no block of starts now. */
	if (!cg_g.given[PB_START_TS] && (!known || !known->rec || child))
		set_num(PB_START_TS, cg_g.ts);
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
	cg_die("result '%s' is not a number or -ERRNO name", s);
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
	uint64_t flags = cg_g.given[PB_FLAGS] ? cg_g.vals[PB_FLAGS].num : 0;
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
	if (is_clone(type) && cg_g.given[PB_PTID])
		p->parent = (uint32_t)cg_g.vals[PB_PTID].num;
	remember(pid, cg_g.rec, len);
}

void cg_record(void)
{
	struct cg_token *t = cg_g.l.t;
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
		cg_die("'%s': a record starts with TID or TID/PID", t[0].val);
	if (i < cg_g.l.n && t[i].val[0] == '@' && !t[i].key[0]) {
		uint64_t v;

		if (cg_parse_num(t[i].val + 1 + (t[i].val[1] == '+'), &v) < 0)
			cg_die("'%s': expected @NS or @+NS", t[i].val);
		cg_g.ts = t[i].val[1] == '+' ? cg_g.ts + v : v;
		i++;
	} else {
		cg_g.ts += 1000000; /* 1 ms apart unless told */
	}
	if (i >= cg_g.l.n || t[i].key[0] || t[i].result)
		cg_die("expected an event name after the thread");
	type = evt_type_by_name(t[i].val);
	if (type <= SAKER_EV_UNKNOWN)
		cg_die("unknown event '%s' (see saker list-events)", t[i].val);
	info = &evt_table[type];
	memset(cg_g.given, 0, sizeof(cg_g.given));
	for (i++; i < cg_g.l.n; i++) {
		int idx;

		if (t[i].result) {
			if (i + 2 != cg_g.l.n || t[i + 1].key[0])
				cg_die("'= RESULT' ends the line with one value");
			res = parse_res(t[i + 1].val);
			has_res = true;
			break;
		}
		if (!t[i].key[0])
			cg_die("'%s': expected NAME=VALUE", t[i].val);
		idx = evt_param_index(type, t[i].key);
		if (idx < 0) {
			char names[1024];

			params_list(type, names, sizeof(names));
			cg_die("%s has no parameter '%s' (it has: %s)", info->name, t[i].key,
			       names);
		}
		if (cg_g.given[idx])
			cg_die("parameter '%s' given twice", t[i].key);
		cg_g.given[idx] = true;
		if (!strcmp(t[i].val, "(absent)")) {
			cg_g.vals[idx].kind = CG_ABSENT;
			continue;
		}
		if (cg_parse_value(&info->params[idx], t[i].val, t[i].len, t[i].list,
				   &cg_g.vals[idx], err, sizeof(err)) < 0)
			cg_die("%s.%s: %s", info->name, t[i].key, err);
	}
	if (!has_res && (info->flags & SAKER_EF_CREATES_FD))
		cg_die("%s makes an fd: end the line with '= FD' or '= -ERRNO'", info->name);
	if (!pid)
		pid = pid_of((uint32_t)tid) ?: tid;
	if (info->flags & SAKER_EF_PROC) {
		base = proc_defaults(type, (uint32_t)tid, (uint32_t)pid, res);
		if (base && evt_decode(&be, base, SAKER_REC_MAX, NULL, NULL) < 0)
			cg_die("internal error: a remembered block does not decode");
	}
	rb_begin(&rb, cg_g.rec, sizeof(cg_g.rec), (uint16_t)type, cg_g.ts, (uint32_t)tid,
		 (uint32_t)pid, res);
	for (int k = 0; k < info->nparams; k++) {
		const struct evt_param *bp =
			base && k < SAKER_PROC_NPARAMS ? evt_param(&be, k) : NULL;

		if (cg_g.given[k])
			put_val(&rb, &cg_g.vals[k]);
		else if (bp && bp->val)
			rb_bytes(&rb, bp->val, bp->len);
		else
			rb_absent(&rb);
	}
	len = rb_end(&rb);
	if (len < 0)
		cg_die("the record does not fit: %s", strerror(-len));
	if (evt_decode(&be, cg_g.rec, (size_t)len, NULL, NULL) < 0)
		cg_die("internal error: the record does not decode");
	cg_write_rec(type);
	bookkeeping(type, (uint32_t)tid, (uint32_t)pid, res, (size_t)len);
}
