// SPDX-License-Identifier: GPL-2.0-only
/* The thread and process tables: creation, LRU eviction, removal. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "state_int.h"
#include "util.h"

static uint32_t or_default(uint32_t v, uint32_t dflt)
{
	if (v == 0)
		return dflt;
	return v < STATE_MIN_ENTRIES ? STATE_MIN_ENTRIES : v;
}

struct state *state_new(const struct state_limits *lim)
{
	struct state *st = calloc(1, sizeof(*st));

	if (!st)
		return NULL;
	if (lim)
		st->lim = *lim;
	st->lim.max_threads = or_default(st->lim.max_threads, STATE_DEF_MAX_THREADS);
	st->lim.max_procs = or_default(st->lim.max_procs, STATE_DEF_MAX_PROCS);
	st->lim.max_fds = or_default(st->lim.max_fds, STATE_DEF_MAX_FDS);
	st->lim.max_users = or_default(st->lim.max_users, STATE_DEF_MAX_USERS);
	if (!st->lim.lookups_per_sec)
		st->lim.lookups_per_sec = STATE_DEF_LOOKUPS_PER_SEC;
	snprintf(st->procroot, sizeof(st->procroot), "%s",
		 st->lim.procroot ? st->lim.procroot : "/proc");
	st->lim.procroot = st->procroot;
	st->users = users_new(st->lim.max_users, st->procroot);
	if (!st->users) {
		free(st);
		return NULL;
	}
	st->scratch_fd.num = -1;
	state_slab_init(&st->fd_slab, sizeof(struct state_fd));
	state_slab_init(&st->sock_slab, sizeof(struct state_sock));
	return st;
}

void state_free(struct state *st)
{
	if (!st)
		return;
	while (st->plru_head)
		state_proc_remove(st, st->plru_head, 0);
	state_fd_clear(st, &st->scratch_fd);
	state_slab_destroy(&st->fd_slab);
	state_slab_destroy(&st->sock_slab);
	state_map_free(&st->threads);
	state_map_free(&st->procs);
	state_map_free(&st->families);
	state_strpool_free(&st->strs);
	users_free(st->users);
	free(st);
}

/* Intrusive LRU lists: head is the most recently used. */
#define LRU_UNLINK(st, head, tail, x)                            \
	do {                                                     \
		if ((x)->lru_prev)                               \
			(x)->lru_prev->lru_next = (x)->lru_next; \
		else                                             \
			(st)->head = (x)->lru_next;              \
		if ((x)->lru_next)                               \
			(x)->lru_next->lru_prev = (x)->lru_prev; \
		else                                             \
			(st)->tail = (x)->lru_prev;              \
		(x)->lru_prev = (x)->lru_next = NULL;            \
	} while (0)
#define LRU_PUSH(st, head, tail, x)                 \
	do {                                        \
		(x)->lru_prev = NULL;               \
		(x)->lru_next = (st)->head;         \
		if ((st)->head)                     \
			(st)->head->lru_prev = (x); \
		else                                \
			(st)->tail = (x);           \
		(st)->head = (x);                   \
	} while (0)

void state_touch(struct state *st, struct state_thread *t)
{
	if (st->tlru_head != t) {
		LRU_UNLINK(st, tlru_head, tlru_tail, t);
		LRU_PUSH(st, tlru_head, tlru_tail, t);
	}
	if (st->plru_head != t->proc) {
		LRU_UNLINK(st, plru_head, plru_tail, t->proc);
		LRU_PUSH(st, plru_head, plru_tail, t->proc);
	}
}

/* Children are kept on a list per ppid number, whether that parent is known or not. */
static void family_unlink(struct state *st, struct state_proc *p)
{
	if (p->sib_prev) {
		p->sib_prev->sib_next = p->sib_next;
	} else if (state_map_get(&st->families, p->ppid) == p) {
		/* The head of its list (a process whose linking failed is on none). */
		if (p->sib_next)
			state_map_put(&st->families, p->ppid, p->sib_next);
		else
			state_map_del(&st->families, p->ppid);
	}
	if (p->sib_next)
		p->sib_next->sib_prev = p->sib_prev;
	p->sib_prev = p->sib_next = NULL;
}

static int family_link(struct state *st, struct state_proc *p)
{
	struct state_proc *first = state_map_get(&st->families, p->ppid);

	if (state_map_put(&st->families, p->ppid, p) < 0)
		return -ENOMEM;
	p->sib_prev = NULL;
	p->sib_next = first;
	if (first)
		first->sib_prev = p;
	return 0;
}

void state_proc_set_ppid(struct state *st, struct state_proc *p, uint32_t ppid)
{
	if (p->ppid == ppid)
		return;
	family_unlink(st, p);
	p->ppid = ppid;
	if (family_link(st, p) < 0)
		st->stats.nomem++;
}

struct state_proc *state_proc_new(struct state *st, uint32_t pid)
{
	struct state_proc *p, *old = state_map_get(&st->procs, pid);

	/* A pid is reused only after its process is gone: we missed the exit. */
	if (old) {
		st->stats.stale_threads += old->nthreads;
		state_proc_remove(st, old, 0);
	}
	p = calloc(1, sizeof(*p));
	if (!p)
		goto nomem;
	p->pid = p->pgid = p->sid = pid;
	p->loginuid = UINT32_MAX;
	/* Until cgroups say otherwise (or a parent passes its own). */
	p->container_id = state_str_get(&st->strs, "host", 4);
	if (state_map_put(&st->procs, pid, p) < 0)
		goto nomem;
	if (family_link(st, p) < 0) {
		state_map_del(&st->procs, pid);
		goto nomem;
	}
	LRU_PUSH(st, plru_head, plru_tail, p);
	return p;
nomem:
	free(p);
	st->stats.nomem++;
	return NULL;
}

struct state_thread *state_thread_new(struct state *st, struct state_proc *p, uint32_t tid)
{
	struct state_thread *t = calloc(1, sizeof(*t));

	if (!t || state_map_put(&st->threads, tid, t) < 0) {
		free(t);
		st->stats.nomem++;
		return NULL;
	}
	t->tid = tid;
	t->proc = p;
	t->next_in_proc = p->threads;
	if (p->threads)
		p->threads->prev_in_proc = t;
	p->threads = t;
	p->nthreads++;
	LRU_PUSH(st, tlru_head, tlru_tail, t);
	return t;
}

static void thread_unlink_proc(struct state_thread *t)
{
	struct state_proc *p = t->proc;

	if (t->prev_in_proc)
		t->prev_in_proc->next_in_proc = t->next_in_proc;
	else
		p->threads = t->next_in_proc;
	if (t->next_in_proc)
		t->next_in_proc->prev_in_proc = t->prev_in_proc;
	t->prev_in_proc = t->next_in_proc = NULL;
	p->nthreads--;
}

void state_thread_move(struct state *st, struct state_thread *t, struct state_proc *p)
{
	struct state_proc *old = t->proc;

	if (old == p)
		return;
	thread_unlink_proc(t);
	t->proc = p;
	t->next_in_proc = p->threads;
	if (p->threads)
		p->threads->prev_in_proc = t;
	p->threads = t;
	p->nthreads++;
	if (old->nthreads == 0)
		state_proc_remove(st, old, 0);
}

/* Drop a thread; its process goes with its last thread. */
void state_thread_remove(struct state *st, struct state_thread *t)
{
	struct state_proc *p = t->proc;

	state_map_del(&st->threads, t->tid);
	LRU_UNLINK(st, tlru_head, tlru_tail, t);
	thread_unlink_proc(t);
	free(t);
	if (p->nthreads == 0)
		state_proc_remove(st, p, 0);
}

static bool is_host(const struct state_str *id)
{
	return !id || (id->len == 4 && !memcmp(id->s, "host", 4));
}

void state_proc_set_container(struct state *st, struct state_proc *p, struct state_str *id)
{
	struct state_str *old = p->container_id;

	p->container_id = id;
	if (old != id && st->container_fn) {
		if (!is_host(id))
			st->container_fn(st->container_arg, p, id, 1);
		if (!is_host(old))
			st->container_fn(st->container_arg, p, old, -1);
	}
	state_str_put(&st->strs, old);
}

void state_set_container_hook(struct state *st, state_container_fn fn, void *arg)
{
	st->container_fn = fn;
	st->container_arg = arg;
}

static void proc_strings_put(struct state *st, struct state_proc *p)
{
	struct state_str **s[] = { &p->exe, &p->exepath, &p->args, &p->env, &p->cwd, &p->cgroups };

	state_proc_set_container(st, p, NULL);
	for (size_t i = 0; i < ARRAY_SIZE(s); i++) {
		state_str_put(&st->strs, *s[i]);
		*s[i] = NULL;
	}
}

/*
 * Remove a process and its threads. With reaper_pid, its children are
 * reparented there (it exited); without, they keep their ppid (evicted: the
 * parent is only forgotten, not gone).
 */
void state_proc_remove(struct state *st, struct state_proc *p, uint32_t reaper_pid)
{
	struct state_proc *c;

	while (p->threads) {
		struct state_thread *t = p->threads;

		state_map_del(&st->threads, t->tid);
		LRU_UNLINK(st, tlru_head, tlru_tail, t);
		thread_unlink_proc(t);
		free(t);
	}
	if (reaper_pid && reaper_pid != p->pid) {
		while ((c = state_map_get(&st->families, p->pid)))
			state_proc_set_ppid(st, c, reaper_pid);
	}
	family_unlink(st, p);
	if (state_map_get(&st->procs, p->pid) == p)
		state_map_del(&st->procs, p->pid);
	LRU_UNLINK(st, plru_head, plru_tail, p);
	state_fdt_put(st, p->fdt);
	proc_strings_put(st, p);
	free(p);
}

/* Evict least recently used entries until both tables are within limits. */
void state_enforce_limits(struct state *st)
{
	while (st->procs.count > st->lim.max_procs && st->plru_tail) {
		st->stats.procs_evicted++;
		state_proc_remove(st, st->plru_tail, 0);
	}
	while (st->threads.count > st->lim.max_threads && st->tlru_tail) {
		st->stats.threads_evicted++;
		state_thread_remove(st, st->tlru_tail);
	}
}

void state_fs_group_cwd(struct state *st, struct state_proc *p)
{
	for (struct state_proc *o = st->plru_head; o; o = o->lru_next) {
		if (o != p && o->fs_group == p->fs_group && o->cwd != p->cwd) {
			state_str_put(&st->strs, o->cwd);
			o->cwd = state_str_ref(p->cwd);
		}
	}
}

struct state_proc *state_proc_get(struct state *st, uint32_t pid)
{
	return state_map_get(&st->procs, pid);
}

struct state_thread *state_thread_get(struct state *st, uint32_t tid, bool lookup)
{
	struct state_thread *t = state_map_get(&st->threads, tid);

	if (t || !lookup || tid == 0)
		return t;
	return state_lookup_proc(st, tid);
}

struct state_proc *state_proc_ancestor(struct state *st, const struct state_proc *p, unsigned n)
{
	const struct state_proc *cur = p;

	if (n > STATE_MAX_ANCESTORS)
		return NULL;
	for (unsigned i = 0; i < n && cur; i++) {
		/* pid 0 and self-parents end the chain: the idle task, or a loop. */
		if (cur->ppid == 0 || cur->ppid == cur->pid)
			return NULL;
		cur = state_map_get(&st->procs, cur->ppid);
	}
	return (struct state_proc *)cur;
}

struct state_proc *state_proc_session_leader(struct state *st, const struct state_proc *p)
{
	struct state_proc *l = state_map_get(&st->procs, p->sid);
	const struct state_proc *cur = p, *last = p;

	if (l)
		return l;
	/* The leader is gone or unknown: the oldest ancestor in the session. */
	for (unsigned i = 0; i < STATE_MAX_ANCESTORS; i++) {
		cur = state_proc_ancestor(st, cur, 1);
		if (!cur || cur->sid != p->sid)
			break;
		last = cur;
	}
	return (struct state_proc *)last;
}

struct state_proc *state_proc_group_leader(struct state *st, const struct state_proc *p)
{
	return state_map_get(&st->procs, p->pgid);
}

void state_get_stats(const struct state *st, struct state_stats *ret)
{
	struct users_stats us;

	*ret = st->stats;
	ret->threads = st->threads.count;
	ret->procs = st->procs.count;
	ret->strings = st->strs.count;
	ret->string_bytes = st->strs.bytes;
	users_get_stats(st->users, &us);
	ret->users_cached = us.cached;
	ret->users_failed = us.failed;
	ret->users_evicted = us.evicted;
}

/*
 * A live process's container files are read through /proc/PID/root; in
 * replay (no look-ups) that pid may now be anyone, so only the host's
 * databases answer.
 */
static uint32_t live_pid(const struct state *st, const struct state_proc *p)
{
	return p && !st->lim.no_lookups ? p->pid : 0;
}

const char *state_user_name(struct state *st, const struct state_proc *p, uint32_t uid)
{
	return users_user_name(st->users, uid, p ? state_str_c(p->container_id) : NULL,
			       live_pid(st, p));
}

const char *state_group_name(struct state *st, const struct state_proc *p, uint32_t gid)
{
	return users_group_name(st->users, gid, p ? state_str_c(p->container_id) : NULL,
				live_pid(st, p));
}
