// SPDX-License-Identifier: GPL-2.0-only
/* Event dispatch, deferred removals, credentials, seeding and /proc look-ups. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <string.h>
#include <time.h>

#include "procscan.h"
#include "state_int.h"
#include "util.h"

void state_defer(struct state *st, enum state_pending_kind kind, uint32_t id, int64_t fd,
		 uint32_t reaper)
{
	if (st->npending >= STATE_MAX_PENDING)
		state_commit(st);
	st->pending[st->npending++] =
		(struct state_pending){ .kind = kind, .id = id, .fd = fd, .reaper = reaper };
}

static void remove_thread(struct state *st, uint32_t tid, uint32_t reaper_tid)
{
	struct state_thread *t = state_thread_get(st, tid, false), *r;
	uint32_t reaper = 1;

	if (!t)
		return;
	if (t->proc->nthreads > 1) {
		state_thread_remove(st, t);
		return;
	}
	/* Last thread: the process goes, its children move to the reaper. */
	if (reaper_tid) {
		r = state_thread_get(st, reaper_tid, false);
		reaper = r ? r->proc->pid : reaper_tid;
	}
	state_proc_remove(st, t->proc, reaper);
}

void state_commit(struct state *st)
{
	for (unsigned i = 0; i < st->npending; i++) {
		struct state_pending *pd = &st->pending[i];
		struct state_proc *p;

		if (pd->kind == PEND_THREAD) {
			remove_thread(st, pd->id, pd->reaper);
		} else if (pd->kind == PEND_FD) {
			p = state_proc_get(st, pd->id);
			if (p)
				state_fd_del(st, p, pd->fd);
		}
	}
	st->npending = 0;
	state_enforce_limits(st);
}

/* -1 (as u32) in the set*id family means "unchanged". */
static void set_id(uint32_t *dst, uint64_t v)
{
	if ((uint32_t)v != UINT32_MAX)
		*dst = (uint32_t)v;
}

int state_apply_cred_event(struct state *st, const struct evt *e, struct state_thread *t)
{
	struct state_proc *p = t->proc;
	uint64_t a = evt_u64_or(e, 0, UINT32_MAX), b = evt_u64_or(e, 1, UINT32_MAX);
	uint64_t c = evt_u64_or(e, 2, UINT32_MAX);

	if (e->hdr.res < 0)
		return 0;
	switch (e->hdr.type) {
	case SAKER_EV_SETUID:
		/* Privileged: all three ids; otherwise only the effective one. */
		if (p->euid == 0)
			p->uid = p->suid = (uint32_t)a;
		p->euid = (uint32_t)a;
		break;
	case SAKER_EV_SETGID:
		if (p->euid == 0)
			p->gid = p->sgid = (uint32_t)a;
		p->egid = (uint32_t)a;
		break;
	case SAKER_EV_SETREUID:
	case SAKER_EV_SETRESUID:
		set_id(&p->uid, a);
		set_id(&p->euid, b);
		if (e->hdr.type == SAKER_EV_SETRESUID)
			set_id(&p->suid, c);
		break;
	case SAKER_EV_SETREGID:
	case SAKER_EV_SETRESGID:
		set_id(&p->gid, a);
		set_id(&p->egid, b);
		if (e->hdr.type == SAKER_EV_SETRESGID)
			set_id(&p->sgid, c);
		break;
	case SAKER_EV_SETSID:
		p->sid = p->pgid = p->pid;
		p->vpgid = p->vpid;
		break;
	case SAKER_EV_SETPGID: {
		/* Ids are in the caller's namespace; exact only in the root one. */
		uint64_t pid = evt_u64_or(e, 0, 0), pgid = evt_u64_or(e, 1, 0);
		struct state_proc *tp = p;

		if (pid && pid != p->vpid)
			tp = p->pidns_level == 0 ? state_proc_get(st, (uint32_t)pid) : NULL;
		if (!tp)
			break;
		tp->vpgid = pgid ? (uint32_t)pgid : tp->vpid;
		if (p->pidns_level == 0)
			tp->pgid = pgid ? (uint32_t)pgid : tp->pid;
		break;
	}
	case SAKER_EV_CAPSET:
		t->cap_inheritable = a;
		t->cap_permitted = b;
		t->cap_effective = c;
		break;
	case SAKER_EV_PRCTL:
		if (a == 15 /* PR_SET_NAME */ && evt_param_str(e, 1)) {
			strncpy(t->comm, evt_param_str(e, 1), STATE_COMM_LEN - 1);
			t->comm[STATE_COMM_LEN - 1] = '\0';
			if (t->tid == p->pid)
				memcpy(p->comm, t->comm, sizeof(p->comm));
		}
		break;
	}
	return 0;
}

bool state_lookup_allowed(struct state *st)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC) / 1000000000ull;

	if (st->lim.no_lookups || st->in_lookup) {
		st->stats.lookups_refused++;
		return false;
	}
	if (now != st->lookup_window) {
		st->lookup_window = now;
		st->lookups_in_window = 0;
	}
	if (st->lookups_in_window >= st->lim.lookups_per_sec) {
		st->stats.lookups_refused++;
		return false;
	}
	st->lookups_in_window++;
	return true;
}

struct apply_ctx {
	struct state *st;
	uint64_t boot_offset;
};

static int apply_rec_cb(void *opaque, const void *rec, size_t len)
{
	struct apply_ctx *a = opaque;
	struct state_evctx ctx;
	struct evt e;
	int r;

	r = evt_decode(&e, rec, len, NULL, NULL);
	if (r < 0)
		return r;
	e.ts = e.hdr.ts + a->boot_offset;
	/* One process state could not take (counted) does not stop a scan. */
	state_apply(a->st, &e, &ctx);
	state_commit(a->st);
	return 0;
}

int state_apply_record(struct state *st, const void *rec, size_t len)
{
	struct apply_ctx a = { .st = st, .boot_offset = util_boot_offset_ns() };

	return apply_rec_cb(&a, rec, len);
}

struct state_thread *state_lookup_proc(struct state *st, uint32_t tid)
{
	struct apply_ctx a = { .st = st, .boot_offset = util_boot_offset_ns() };
	struct state_thread *t;
	int r;

	if (!state_lookup_allowed(st))
		return NULL;
	st->stats.lookups++;
	st->in_lookup = true;
	r = procscan_thread(st->procroot, tid, PROCSCAN_FDS, apply_rec_cb, &a);
	st->in_lookup = false;
	t = r >= 0 ? state_thread_get(st, tid, false) : NULL;
	if (!t)
		st->stats.lookups_failed++;
	return t;
}

int state_seed(struct state *st)
{
	struct apply_ctx a = { .st = st, .boot_offset = util_boot_offset_ns() };
	int r;

	st->in_lookup = true;
	r = procscan_all(st->procroot, PROCSCAN_FDS | PROCSCAN_THREADS, apply_rec_cb, &a);
	st->in_lookup = false;
	return r;
}

/* Events whose record describes a thread that may not exist yet. */
static bool creates_thread(const struct evt *e)
{
	switch (e->hdr.type) {
	case SAKER_EV_PROC_SNAPSHOT:
	case SAKER_EV_EXECVE:
	case SAKER_EV_EXECVEAT:
		return true;
	case SAKER_EV_CLONE:
	case SAKER_EV_CLONE3:
	case SAKER_EV_FORK:
	case SAKER_EV_VFORK:
		return true;
	default:
		return false;
	}
}

/* Messages on unconnected sockets name their peer (UDP). */
static bool carries_peer(const struct evt *e)
{
	return e->hdr.type == SAKER_EV_SENDTO || e->hdr.type == SAKER_EV_SENDMSG ||
	       e->hdr.type == SAKER_EV_RECVFROM || e->hdr.type == SAKER_EV_RECVMSG;
}

/* After the update: the fd an fd-creating event made. */
static void resolve_new_fd(const struct evt *e, struct state_evctx *ctx)
{
	int64_t num = e->hdr.res;

	if (e->hdr.type == SAKER_EV_PIPE || e->hdr.type == SAKER_EV_PIPE2)
		num = evt_s64_or(e, 0, -1);
	else if (e->hdr.type == SAKER_EV_SOCKETPAIR)
		num = evt_s64_or(e, 3, -1);
	else if (!(e->info->flags & SAKER_EF_CREATES_FD))
		return;
	if (e->hdr.res < 0 || !ctx->thread)
		return;
	if (e->hdr.type == SAKER_EV_BPF && !state_fd_get(ctx->thread->proc, num))
		return;
	ctx->fdnum = num;
	ctx->fd = state_fd_get(ctx->thread->proc, num);
}

int state_preview(struct state *st, const struct evt *e, struct state_evctx *ret_ctx)
{
	struct state_evctx ctx = { .fdnum = -1 };
	uint32_t flags = e->info->flags;
	bool open = evt_type_is_open(e->hdr.type);

	if (!open &&
	    ((flags & (SAKER_EF_STATE | SAKER_EF_PROC | SAKER_EF_INTERNAL)) || carries_peer(e)))
		return -EOPNOTSUPP;
	if (st->npending)
		state_commit(st);
	/* As state_apply() would find it: an unknown thread is read from /proc. */
	ctx.thread = state_thread_get(st, e->hdr.tid, true);
	if (!ctx.thread || (e->hdr.pid && ctx.thread->proc->pid != e->hdr.pid))
		return -ESRCH;
	if (flags & SAKER_EF_FDARG) {
		ctx.fdnum = evt_s64_or(e, 0, -1);
		ctx.fd = state_fd_get(ctx.thread->proc, ctx.fdnum);
	}
	if (open)
		state_preview_open(st, e, ctx.thread->proc, &ctx);
	*ret_ctx = ctx;
	return 0;
}

int state_apply(struct state *st, const struct evt *e, struct state_evctx *ret_ctx)
{
	struct state_evctx ctx = { .fdnum = -1 };
	uint32_t flags = e->info->flags;
	/* A failed execve or clone leaves the caller as it was: /proc knows it. */
	bool lookup = (!creates_thread(e) || e->hdr.res < 0) && !(flags & SAKER_EF_INTERNAL);
	int r = 0;

	if (st->npending)
		state_commit(st);
	st->stats.events++;
	ctx.thread = state_thread_get(st, e->hdr.tid, lookup);
	if (ctx.thread && e->hdr.pid && ctx.thread->proc->pid != e->hdr.pid && !creates_thread(e) &&
	    !(flags & SAKER_EF_INTERNAL)) {
		/* The tid was reused after an exit we missed: the entry is stale. */
		st->stats.stale_threads++;
		state_thread_remove(st, ctx.thread);
		ctx.thread = state_thread_get(st, e->hdr.tid, lookup);
	}
	if (e->hdr.type == SAKER_EV_FD_SNAPSHOT && !ctx.thread)
		ctx.thread = state_thread_get(st, e->hdr.pid, false);
	if (ctx.thread)
		state_touch(st, ctx.thread);
	if ((flags & SAKER_EF_FDARG) && ctx.thread) {
		ctx.fdnum = evt_s64_or(e, 0, -1);
		ctx.fd = state_fd_get(ctx.thread->proc, ctx.fdnum);
		if (!ctx.fd && ctx.fdnum >= 0)
			st->stats.unknown_fds++;
	}
	if (e->hdr.res < 0 && !(flags & (SAKER_EF_INTERNAL)))
		st->stats.events_failed++;
	if (flags & SAKER_EF_PROC || e->hdr.type == SAKER_EV_PROCEXIT) {
		/* Failed execve/clone change nothing; the thread is still the caller. */
		if (e->hdr.res >= 0 || (flags & SAKER_EF_INTERNAL))
			r = state_apply_proc_event(st, e, &ctx);
	} else if (ctx.thread && ((flags & SAKER_EF_STATE) || carries_peer(e))) {
		r = state_apply_fd_event(st, e, &ctx);
		if (r == 0)
			r = state_apply_cred_event(st, e, ctx.thread);
		resolve_new_fd(e, &ctx);
	} else if (ctx.thread && e->hdr.type == SAKER_EV_FD_SNAPSHOT) {
		r = state_apply_fd_event(st, e, &ctx);
		ctx.fdnum = ctx.fd ? ctx.fd->num : -1;
	}
	if (!ctx.thread)
		st->stats.unknown_threads++;
	if (ctx.thread)
		state_touch(st, ctx.thread);
	state_enforce_limits(st);
	*ret_ctx = ctx;
	return r;
}
