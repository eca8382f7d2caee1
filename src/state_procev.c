// SPDX-License-Identifier: GPL-2.0-only
/* Process events: snapshots, clone family, execve, exit. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <sched.h>
#include <string.h>

#include "containerid.h"
#include "state_int.h"
#include "util.h"

/* Set *slot from a string parameter; an absent parameter keeps the old value. */
static int set_str(struct state *st, const struct evt *e, int idx, struct state_str **slot)
{
	const struct evt_param *p = evt_param(e, idx);

	if (!p || !p->val)
		return 0;
	return state_str_set(&st->strs, slot, (const char *)p->val, p->len - 1u);
}

static void set_u32(const struct evt *e, int idx, uint32_t *v)
{
	uint64_t x;

	if (evt_param_u64(e, idx, &x))
		*v = (uint32_t)x;
}

static void set_pid(const struct evt *e, int idx, uint32_t *v)
{
	int64_t x;

	if (evt_param_s64(e, idx, &x) && x >= 0 && x <= UINT32_MAX)
		*v = (uint32_t)x;
}

/* argv[0] becomes proc.exe, the rest proc.args. */
static int set_argv(struct state *st, const struct evt *e, struct state_proc *p)
{
	const struct evt_param *a = evt_param(e, PB_ARGV);
	const char *s;
	size_t n0, len;
	int r;

	if (!a || !a->val)
		return 0;
	s = (const char *)a->val;
	len = a->len - 1u; /* without the final NUL */
	n0 = strnlen(s, len);
	r = state_str_set(&st->strs, &p->exe, s, n0);
	if (r == 0)
		r = state_str_set(&st->strs, &p->args, n0 < len ? s + n0 + 1 : "",
				  n0 < len ? len - n0 - 1 : 0);
	return r;
}

/* The kernel names memfd executables "/memfd:NAME (deleted)"; Falco says "memfd:NAME". */
static int set_exepath(struct state *st, const struct evt *e, struct state_proc *p)
{
	const char *s = evt_param_str(e, PB_EXEPATH);
	static const char del[] = " (deleted)";
	size_t len;

	if (!s)
		return 0;
	len = strlen(s);
	if (!strncmp(s, "/memfd:", 7)) {
		s++;
		len--;
		if (len >= sizeof(del) - 1 && !strcmp(s + len - (sizeof(del) - 1), del))
			len -= sizeof(del) - 1;
	}
	return state_str_set(&st->strs, &p->exepath, s, len);
}

static int set_cgroups(struct state *st, const struct evt *e, struct state_proc *p)
{
	struct state_str *old = p->cgroups;
	struct containerid id;
	int r;

	if (!evt_param_str(e, PB_CGROUPS))
		return 0;
	state_str_ref(old);
	r = set_str(st, e, PB_CGROUPS, &p->cgroups);
	if (r == 0 && (p->cgroups != old || !p->container_id)) {
		struct state_str *cid;

		containerid_from_cgroups(p->cgroups->s, p->cgroups->len, &id);
		cid = state_str_get(&st->strs, id.id, strlen(id.id));
		if (cid)
			state_proc_set_container(st, p, cid);
		else
			r = -ENOMEM;
	}
	state_str_put(&st->strs, old);
	return r;
}

static int set_cwd(struct state *st, const struct evt *e, struct state_proc *p)
{
	const char *s = evt_param_str(e, PB_CWD);

	if (!s)
		return 0;
	if (s[0] == '/' && state_path_join(NULL, s, st->pathbuf[1], sizeof(st->pathbuf[1])))
		s = st->pathbuf[1];
	return state_str_set(&st->strs, &p->cwd, s, strlen(s));
}

static void set_comm(const struct evt *e, char *comm)
{
	const char *s = evt_param_str(e, PB_COMM);

	if (s) {
		strncpy(comm, s, STATE_COMM_LEN - 1);
		comm[STATE_COMM_LEN - 1] = '\0';
	}
}

/* Boot-time ns of the record to epoch ns, with the source's offset. */
static uint64_t to_epoch(const struct evt *e, uint64_t boot_ns)
{
	return boot_ns + (e->ts - e->hdr.ts);
}

static void fill_image(struct state *st, const struct evt *e, struct state_proc *p, int *r)
{
	uint64_t v;

	if (*r == 0)
		*r = set_argv(st, e, p);
	if (*r == 0)
		*r = set_exepath(st, e, p);
	if (*r == 0)
		*r = set_str(st, e, PB_ENV, &p->env);
	if (evt_param_u64(e, PB_EXE_INO, &v))
		p->exe_ino = v;
	if (evt_param_u64(e, PB_EXE_CTIME, &v))
		p->exe_ctime = v;
	if (evt_param_u64(e, PB_EXE_MTIME, &v))
		p->exe_mtime = v;
	/* Only execve's flags are exe flags (clone's are CLONE_*); elsewhere a memfd shows in the path. */
	if ((e->hdr.type != SAKER_EV_EXECVE && e->hdr.type != SAKER_EV_EXECVEAT) ||
	    !evt_param_u64(e, PB_FLAGS, &v))
		v = p->exepath && !strncmp(p->exepath->s, "memfd:", 6) ? SAKER_EXE_FROM_MEMFD : 0;
	p->exe_flags = (uint32_t)v;
}

/*
 * Apply a process block to thread t and its process. image: the block
 * describes a (new) program image (execve, snapshot), so exe facts are
 * replaced; otherwise only ids, credentials and the like are refreshed.
 */
int state_fill_proc_block(struct state *st, const struct evt *e, struct state_thread *t, bool image)
{
	struct state_proc *p = t->proc;
	uint64_t v;
	uint32_t ppid = p->ppid;
	int r = 0;

	set_pid(e, PB_VTID, &t->vtid);
	set_comm(e, t->comm);
	if (evt_param_str(e, PB_COMM) && (t->tid == p->pid || image))
		memcpy(p->comm, t->comm, sizeof(p->comm));
	if (evt_param_u64(e, PB_CAP_INH, &v))
		t->cap_inheritable = v;
	if (evt_param_u64(e, PB_CAP_PRM, &v))
		t->cap_permitted = v;
	if (evt_param_u64(e, PB_CAP_EFF, &v))
		t->cap_effective = v;
	set_pid(e, PB_PTID, &ppid);
	state_proc_set_ppid(st, p, ppid);
	set_pid(e, PB_PGID, &p->pgid);
	set_pid(e, PB_SID, &p->sid);
	set_pid(e, PB_VPID, &p->vpid);
	set_pid(e, PB_VPGID, &p->vpgid);
	set_u32(e, PB_TTY, &p->tty);
	set_u32(e, PB_LOGINUID, &p->loginuid);
	set_u32(e, PB_UID, &p->uid);
	set_u32(e, PB_GID, &p->gid);
	set_u32(e, PB_EUID, &p->euid);
	set_u32(e, PB_EGID, &p->egid);
	set_u32(e, PB_PIDNS_LEVEL, &p->pidns_level);
	if (evt_param_u64(e, PB_START_TS, &v) && t->tid == p->pid)
		p->start_ts = to_epoch(e, v);
	r = set_cwd(st, e, p);
	if (r == 0)
		r = set_cgroups(st, e, p);
	if (image)
		fill_image(st, e, p, &r);
	if (r < 0)
		st->stats.nomem++;
	return r;
}

/* The process pid, created (empty) if unknown. */
static struct state_proc *proc_get_or_new(struct state *st, uint32_t pid)
{
	struct state_proc *p = state_proc_get(st, pid);

	return p ? p : state_proc_new(st, pid);
}

/* Thread tid in process p, created or moved there. */
static struct state_thread *thread_in(struct state *st, struct state_proc *p, uint32_t tid)
{
	struct state_thread *t = state_thread_get(st, tid, false);

	if (!t)
		return state_thread_new(st, p, tid);
	state_thread_move(st, t, p);
	return t;
}

static int apply_snapshot(struct state *st, const struct evt *e, struct state_evctx *ctx)
{
	struct state_proc *p = proc_get_or_new(st, e->hdr.pid);
	struct state_thread *t;

	if (!p)
		return -ENOMEM;
	t = thread_in(st, p, e->hdr.tid);
	if (!t)
		return -ENOMEM;
	ctx->thread = t;
	if (!p->fdt) {
		p->fdt = state_fdt_new();
		if (!p->fdt)
			return -ENOMEM;
		st->stats.fdtables++;
	}
	/* A non-leader's block repeats the process facts: only the leader's count. */
	return state_fill_proc_block(st, e, t, t->tid == p->pid || !p->exepath);
}

static void copy_proc(struct state *st, struct state_proc *dst, const struct state_proc *src)
{
	struct state_str **d[] = { &dst->exe, &dst->exepath, &dst->args,
				   &dst->env, &dst->cwd,     &dst->cgroups };
	struct state_str *const s[] = { src->exe, src->exepath, src->args,
					src->env, src->cwd,	src->cgroups };

	for (size_t i = 0; i < ARRAY_SIZE(d); i++) {
		state_str_put(&st->strs, *d[i]);
		*d[i] = state_str_ref(s[i]);
	}
	state_proc_set_container(st, dst, state_str_ref(src->container_id));
	dst->sid = src->sid;
	dst->pgid = src->pgid;
	dst->vpgid = src->vpgid;
	dst->pidns_level = src->pidns_level;
	dst->uid = src->uid;
	dst->gid = src->gid;
	dst->euid = src->euid;
	dst->egid = src->egid;
	dst->suid = src->suid;
	dst->sgid = src->sgid;
	dst->loginuid = src->loginuid;
	dst->tty = src->tty;
	dst->exe_flags = src->exe_flags;
	dst->exe_ino = src->exe_ino;
	dst->exe_ctime = src->exe_ctime;
	dst->exe_mtime = src->exe_mtime;
	memcpy(dst->comm, src->comm, sizeof(dst->comm));
}

static void copy_thread(struct state_thread *dst, const struct state_thread *src)
{
	memcpy(dst->comm, src->comm, sizeof(dst->comm));
	dst->cap_inheritable = src->cap_inheritable;
	dst->cap_permitted = src->cap_permitted;
	dst->cap_effective = src->cap_effective;
}

/* The child's fd table: the parent's, shared (CLONE_FILES) or copied. */
static int inherit_fds(struct state *st, struct state_proc *child, struct state_proc *parent,
		       uint64_t flags)
{
	if (child->fdt)
		return 0;
	if (parent && parent->fdt && (flags & CLONE_FILES)) {
		child->fdt = parent->fdt;
		child->fdt->ref++;
		return 0;
	}
	child->fdt = state_fdt_copy(st, parent ? parent->fdt : NULL);
	return child->fdt ? 0 : -ENOMEM;
}

/*
 * Create the child of a clone from what we know of its creator: parent is
 * the calling thread (parent-side record) or NULL (child-side record, the
 * block fills the rest). Returns the new thread or NULL.
 */
static struct state_thread *clone_child(struct state *st, struct state_thread *parent,
					struct state_proc *pproc, uint32_t tid, uint32_t pid,
					uint64_t flags, uint64_t now)
{
	struct state_proc *p;
	struct state_thread *t;

	if (flags & CLONE_THREAD) {
		p = pproc ? pproc : proc_get_or_new(st, pid);
		if (!p)
			return NULL;
		t = state_thread_new(st, p, tid);
		if (t && parent)
			copy_thread(t, parent);
		else if (t)
			memcpy(t->comm, p->comm, sizeof(t->comm));
		if (t && p->vpid == p->pid)
			t->vtid = tid;
		return t;
	}
	/* A child cannot have its parent's pid (a corrupt record). */
	if (pproc && pproc->pid == pid)
		return NULL;
	p = state_proc_new(st, pid);
	if (!p)
		return NULL;
	t = state_thread_new(st, p, tid);
	if (!t) {
		state_proc_remove(st, p, 0);
		return NULL;
	}
	p->start_ts = now;
	if (pproc) {
		copy_proc(st, p, pproc);
		state_proc_set_ppid(st, p, (flags & CLONE_PARENT) ? pproc->ppid : pproc->pid);
		if (flags & CLONE_NEWPID) {
			p->vpid = p->vpgid = t->vtid = 1;
			p->pidns_level = pproc->pidns_level + 1;
		} else if (pproc->vpid == pproc->pid) {
			p->vpid = t->vtid = pid;
		}
	}
	if (parent)
		copy_thread(t, parent);
	else
		memcpy(t->comm, p->comm, sizeof(t->comm));
	if (pproc && (flags & CLONE_FS)) {
		/* Processes sharing a cwd (CLONE_FS) form a group chdir updates. */
		if (!pproc->fs_group)
			pproc->fs_group = pproc->pid;
		p->fs_group = pproc->fs_group;
	}
	if (inherit_fds(st, p, pproc, flags) < 0)
		st->stats.nomem++;
	return t;
}

static int apply_clone(struct state *st, const struct evt *e, struct state_thread *caller,
		       struct state_evctx *ctx)
{
	uint64_t flags = evt_u64_or(e, PB_FLAGS, 0);
	struct state_thread *t;

	if (e->hdr.res > 0) {
		/* Parent side: the caller gets child tid res. */
		uint32_t ctid = (uint32_t)e->hdr.res;

		if (!caller) {
			/* Unknown caller: its own block describes it. */
			int r = apply_snapshot(st, e, ctx);

			if (r < 0)
				return r;
			caller = ctx->thread;
		}
		if (state_thread_get(st, ctid, false))
			return 0; /* the child's record came first */
		/*
		 * In a child pid namespace res is the child's tid there, not
		 * the host's: the child's own record will create it.
		 */
		if (caller->proc->pidns_level > 0 || (caller->vtid && caller->vtid != caller->tid))
			return 0;
		t = clone_child(st, caller, caller->proc, ctid,
				(flags & CLONE_THREAD) ? caller->proc->pid : ctid, flags, e->ts);
		return t ? 0 : -ENOMEM;
	}
	/* Child side: the block describes the child. */
	t = state_thread_get(st, e->hdr.tid, false);
	if (!t) {
		struct state_proc *pp;

		if (flags & CLONE_THREAD)
			pp = state_proc_get(st, e->hdr.pid);
		else
			pp = state_proc_get(st, (uint32_t)evt_s64_or(e, PB_PTID, 0));
		t = clone_child(st, NULL, pp, e->hdr.tid, e->hdr.pid, flags, e->ts);
		if (!t)
			return -ENOMEM;
		ctx->thread_created = true;
	}
	ctx->thread = t;
	return state_fill_proc_block(st, e, t, !t->proc->exepath);
}

/* A non-leader's execve: the kernel gives it the leader's tid; the others vanish. */
static struct state_thread *exec_dethread(struct state *st, struct state_thread *t)
{
	struct state_proc *p = t->proc;
	struct state_thread *leader = state_thread_get(st, p->pid, false);

	if (!leader) {
		leader = state_thread_new(st, p, p->pid);
		if (!leader)
			return NULL;
	} else if (leader->proc != p) {
		state_thread_move(st, leader, p); /* a stale entry elsewhere */
	}
	if (t != leader)
		copy_thread(leader, t);
	while (p->threads != leader || leader->next_in_proc) {
		struct state_thread *o = p->threads != leader ? p->threads : leader->next_in_proc;

		state_thread_remove(st, o);
	}
	return leader;
}

static int apply_execve(struct state *st, const struct evt *e, struct state_thread *t,
			struct state_evctx *ctx)
{
	struct state_proc *p;

	if (!t) {
		/* Unknown: the block describes the new image in full. */
		ctx->thread_created = true;
		return apply_snapshot(st, e, ctx);
	}
	p = t->proc;
	if (p->nthreads > 1 || t->tid != p->pid) {
		t = exec_dethread(st, t);
		if (!t)
			return -ENOMEM;
	}
	ctx->thread = t;
	state_fd_close_on_exec(st, p);
	return state_fill_proc_block(st, e, t, true);
}

int state_apply_proc_event(struct state *st, const struct evt *e, struct state_evctx *ctx)
{
	struct state_thread *t = ctx->thread;

	switch (e->hdr.type) {
	case SAKER_EV_PROC_SNAPSHOT:
		return apply_snapshot(st, e, ctx);
	case SAKER_EV_CLONE:
	case SAKER_EV_CLONE3:
	case SAKER_EV_FORK:
	case SAKER_EV_VFORK:
		return apply_clone(st, e, t, ctx);
	case SAKER_EV_EXECVE:
	case SAKER_EV_EXECVEAT:
		return apply_execve(st, e, t, ctx);
	case SAKER_EV_PROCEXIT:
		if (t)
			state_defer(st, PEND_THREAD, t->tid, -1,
				    (uint32_t)evt_s64_or(e, 1 /* reaper_tid */, 0));
		return 0;
	default:
		return 0;
	}
}
