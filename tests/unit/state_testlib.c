// SPDX-License-Identifier: GPL-2.0-only
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_testlib.h"

static uint8_t buf[SAKER_REC_MAX];
static struct rec_builder rb;
static uint64_t clock_ts = 1000000000ull;

struct rec_builder *tl_begin(uint16_t type, uint32_t tid, uint32_t pid, int64_t res)
{
	rb_begin(&rb, buf, sizeof(buf), type, clock_ts += 1000, tid, pid, res);
	return &rb;
}

void tl_block(struct rec_builder *b, const struct tl_proc *p)
{
	rb_str(b, p->filename);
	if (p->argv)
		rb_strlist(b, p->argv, p->argv_len);
	else
		rb_absent(b);
	rb_num(b, p->tid);
	rb_num(b, p->pid);
	rb_num(b, p->ptid);
	rb_num(b, p->pgid);
	rb_num(b, p->sid);
	rb_num(b, p->vtid);
	rb_num(b, p->vpid);
	rb_num(b, p->vpgid);
	rb_str(b, p->cwd);
	rb_str(b, p->comm);
	rb_str(b, p->exepath);
	if (p->cgroups)
		rb_strlist(b, p->cgroups, p->cgroups_len);
	else
		rb_absent(b);
	if (p->env)
		rb_strlist(b, p->env, p->env_len);
	else
		rb_absent(b);
	rb_num(b, p->tty);
	rb_num(b, p->loginuid);
	rb_num(b, p->uid);
	rb_num(b, p->gid);
	rb_num(b, p->euid);
	rb_num(b, p->egid);
	rb_num(b, p->cap_inh);
	rb_num(b, p->cap_prm);
	rb_num(b, p->cap_eff);
	rb_num(b, p->exe_ino);
	rb_num(b, p->exe_ctime);
	rb_num(b, p->exe_mtime);
	rb_num(b, p->start_ts);
	rb_num(b, 0); /* pidns_level */
	if (evt_table[b->type].nparams > SAKER_PROC_NPARAMS)
		rb_num(b, p->flags);
}

int tl_apply(struct state *st, struct rec_builder *b, struct state_evctx *ctx)
{
	struct evt e;
	int len = rb_end(b);

	if (len < 0 || evt_decode(&e, b->buf, (size_t)len, NULL, NULL) < 0) {
		fprintf(stderr, "tl_apply: bad record (%d)\n", len);
		abort();
	}
	return state_apply(st, &e, ctx);
}

int tl_apply_commit(struct state *st, struct rec_builder *b)
{
	struct state_evctx ctx;
	int r = tl_apply(st, b, &ctx);

	state_commit(st);
	return r;
}

void tl_snapshot(struct state *st, uint32_t pid, uint32_t ppid, const char *comm,
		 const char *exepath, const char *cwd)
{
	struct tl_proc p = { .tid = pid,
			     .pid = pid,
			     .ptid = ppid,
			     .pgid = pid,
			     .sid = pid,
			     .vtid = pid,
			     .vpid = pid,
			     .vpgid = pid,
			     .comm = comm,
			     .exepath = exepath,
			     .cwd = cwd,
			     .argv = comm,
			     .argv_len = strlen(comm) + 1,
			     .loginuid = UINT32_MAX };
	struct rec_builder *b = tl_begin(SAKER_EV_PROC_SNAPSHOT, pid, pid, 0);

	tl_block(b, &p);
	tl_apply_commit(st, b);
}

static void clone_rec(struct state *st, uint32_t tid, uint32_t pid, int64_t res, uint32_t ptid,
		      uint64_t flags)
{
	struct state_proc *pp = state_proc_get(st, ptid);
	struct tl_proc p = { .tid = tid,
			     .pid = pid,
			     .ptid = ptid,
			     .pgid = pp ? pp->pgid : pid,
			     .sid = pp ? pp->sid : pid,
			     .vtid = tid,
			     .vpid = pid,
			     .vpgid = pp ? pp->vpgid : pid,
			     .flags = flags,
			     .loginuid = UINT32_MAX };
	struct rec_builder *b = tl_begin(SAKER_EV_CLONE, tid, pid, res);

	/* Strings absent: the state must take them from the parent. */
	tl_block(b, &p);
	tl_apply_commit(st, b);
}

void tl_fork(struct state *st, uint32_t parent, uint32_t child, uint64_t flags, bool child_first)
{
	struct state_proc *pp = state_proc_get(st, parent);
	uint32_t gp = pp ? pp->ppid : 0;

	uint32_t cpid = (flags & CLONE_THREAD) ? parent : child;

	if (child_first)
		clone_rec(st, child, cpid, 0, (flags & CLONE_THREAD) ? gp : parent, flags);
	clone_rec(st, parent, parent, child, gp, flags);
	if (!child_first)
		clone_rec(st, child, cpid, 0, (flags & CLONE_THREAD) ? gp : parent, flags);
}

void tl_execve(struct state *st, uint32_t tid, uint32_t pid, const char *comm, const char *exepath,
	       const char *argv, size_t argv_len, uint64_t exe_flags)
{
	struct state_proc *pp = state_proc_get(st, pid);
	struct tl_proc p = { .tid = pid,
			     .pid = pid,
			     .ptid = pp ? pp->ppid : 1,
			     .pgid = pp ? pp->pgid : pid,
			     .sid = pp ? pp->sid : pid,
			     .vtid = pid,
			     .vpid = pid,
			     .vpgid = pp ? pp->vpgid : pid,
			     .comm = comm,
			     .exepath = exepath,
			     .filename = exepath,
			     .argv = argv,
			     .argv_len = argv_len,
			     .flags = exe_flags,
			     .loginuid = UINT32_MAX,
			     .cwd = pp && pp->cwd ? pp->cwd->s : "/" };
	struct rec_builder *b = tl_begin(SAKER_EV_EXECVE, tid, pid, 0);

	tl_block(b, &p);
	tl_apply_commit(st, b);
}

void tl_exit(struct state *st, uint32_t tid, uint32_t pid, uint32_t reaper)
{
	struct rec_builder *b = tl_begin(SAKER_EV_PROCEXIT, tid, pid, 0);

	rb_num(b, 0);
	rb_num(b, reaper);
	tl_apply_commit(st, b);
}
