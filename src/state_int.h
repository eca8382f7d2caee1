/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals shared by the state_*.c files; not for other modules. */
#ifndef SAKER_STATE_INT_H
#define SAKER_STATE_INT_H

#include "state.h"
#include "state_map.h"
#include "state_slab.h"
#include "users.h"

struct state_fdtable {
	uint32_t ref; /* processes sharing it (CLONE_FILES) */
	struct state_map fds; /* fd number -> struct state_fd */
};

/* Removals deferred to state_commit(): at most a few per event. */
enum state_pending_kind { PEND_THREAD = 1, PEND_FD };
struct state_pending {
	uint8_t kind;
	uint32_t id; /* tid, or the process of the fd */
	int64_t fd;
	uint32_t reaper; /* PEND_THREAD: reaper tid, 0 unknown */
};
#define STATE_MAX_PENDING 4

struct state {
	struct state_limits lim;
	char procroot[256];
	struct state_map threads; /* tid -> struct state_thread */
	struct state_map procs; /* pid -> struct state_proc */
	struct state_map families; /* ppid -> first child struct state_proc */
	struct state_thread *tlru_head, *tlru_tail; /* head: most recent */
	struct state_proc *plru_head, *plru_tail;
	struct state_strpool strs;
	struct users *users;
	struct state_stats stats;
	struct state_pending pending[STATE_MAX_PENDING];
	unsigned npending;
	/* /proc look-ups: a budget of lim.lookups_per_sec per second */
	uint64_t lookup_window;
	uint32_t lookups_in_window;
	bool in_lookup;
	struct state_fd scratch_fd; /* fd of a failed open, for ctx */
	struct state_slab fd_slab; /* struct state_fd */
	struct state_slab sock_slab; /* struct state_sock */
	state_container_fn container_fn; /* state_set_container_hook() */
	void *container_arg;
	char pathbuf[2][SAKER_PATH_MAX + 1];
};

/* state.c: tables */
/* A new, empty process; a stale one with the same pid is removed first. */
struct state_proc *state_proc_new(struct state *st, uint32_t pid);
struct state_thread *state_thread_new(struct state *st, struct state_proc *p, uint32_t tid);
void state_thread_move(struct state *st, struct state_thread *t, struct state_proc *p);
void state_thread_remove(struct state *st, struct state_thread *t);
void state_proc_remove(struct state *st, struct state_proc *p, uint32_t reaper_pid);
void state_proc_set_ppid(struct state *st, struct state_proc *p, uint32_t ppid);
/* p's container id becomes id (a reference handed over); the hook hears of it. */
void state_proc_set_container(struct state *st, struct state_proc *p, struct state_str *id);
void state_touch(struct state *st, struct state_thread *t);
/* Give p's cwd to every process sharing its fs (CLONE_FS); rare, so a scan. */
void state_fs_group_cwd(struct state *st, struct state_proc *p);
void state_enforce_limits(struct state *st);
bool state_lookup_allowed(struct state *st);
struct state_thread *state_lookup_proc(struct state *st, uint32_t tid);

/* state_fd.c: fd tables */
struct state_fdtable *state_fdt_new(void);
struct state_fdtable *state_fdt_copy(struct state *st, const struct state_fdtable *src);
void state_fdt_put(struct state *st, struct state_fdtable *t);
struct state_fd *state_fd_add(struct state *st, struct state_proc *p, int64_t num, uint8_t kind);
struct state_fd *state_fd_dup(struct state *st, struct state_proc *p, int64_t oldfd, int64_t newfd,
			      bool cloexec);
void state_fd_del(struct state *st, struct state_proc *p, int64_t num);
void state_fd_reset(struct state *st, struct state_proc *p);
/*
 * A fork shares fd entries between the tables until one changes: call this
 * before changing fd (an entry of p's table) and use what it returns, an
 * entry p's table alone holds (fd itself when it is not shared), or NULL
 * (ENOMEM, counted).
 */
struct state_fd *state_fd_own(struct state *st, struct state_proc *p, struct state_fd *fd);
void state_fd_clear(struct state *st, struct state_fd *fd);
void state_fd_close_on_exec(struct state *st, struct state_proc *p);
/* close_range(first, last, flags): <linux/close_range.h>'s flags. */
#define SAKER_CLOSE_RANGE_UNSHARE (1u << 1)
#define SAKER_CLOSE_RANGE_CLOEXEC (1u << 2)
void state_fd_close_range(struct state *st, struct state_proc *p, uint64_t first, uint64_t last,
			  uint64_t flags);
int state_fd_set_name(struct state *st, struct state_fd *fd, const char *name, const char *raw);
void state_fd_render_sock(struct state *st, struct state_fd *fd);

/* state_sockev.c: socket events */
struct state_sock *state_sock_of(struct state *st, struct state_fd *fd);
uint8_t state_kind_of_family(uint64_t fam);
void state_new_sock(struct state *st, const struct evt *e, struct state_proc *p, int64_t num);
void state_apply_connect(struct state *st, const struct evt *e, struct state_proc *p,
			 struct state_evctx *ctx);
void state_apply_accept(struct state *st, const struct evt *e, struct state_proc *p,
			struct state_evctx *ctx);
void state_apply_bind(struct state *st, const struct evt *e, struct state_proc *p,
		      struct state_evctx *ctx);
void state_apply_msg_tuple(struct state *st, const struct evt *e, struct state_proc *p,
			   struct state_evctx *ctx);
void state_apply_fd_snapshot(struct state *st, const struct evt *e, struct state_proc *p,
			     struct state_evctx *ctx);

/* state_path.c: join and normalise; returns out or NULL if it does not fit. */
char *state_path_join(const char *base, const char *rel, char *out, size_t len);
/* strlen(p) if p needs no normalising (no empty, "." or ".." component, no trailing '/'), else 0. */
size_t state_path_clean(const char *p);
/* state_fd.c: resolve rel against dirfd (AT_FDCWD: cwd) of p into st->pathbuf[0]. */
const char *state_resolve_at(struct state *st, struct state_proc *p, int64_t dirfd,
			     const char *rel);

/* state_apply.c / state_procev.c */
int state_apply_proc_event(struct state *st, const struct evt *e, struct state_evctx *ctx);
int state_fill_proc_block(struct state *st, const struct evt *e, struct state_thread *t,
			  bool image);
int state_apply_fd_event(struct state *st, const struct evt *e, struct state_evctx *ctx);
/* An open family call before it returns: the name it opens, in ctx->fd. false: not one. */
bool state_preview_open(struct state *st, const struct evt *e, struct state_proc *p,
			struct state_evctx *ctx);
int state_apply_cred_event(struct state *st, const struct evt *e, struct state_thread *t);
void state_defer(struct state *st, enum state_pending_kind kind, uint32_t id, int64_t fd,
		 uint32_t reaper);

/* The process block's parameter indices (drivers/common/saker_events.h). */
enum {
	PB_FILENAME = 0,
	PB_ARGV,
	PB_TID,
	PB_PID,
	PB_PTID,
	PB_PGID,
	PB_SID,
	PB_VTID,
	PB_VPID,
	PB_VPGID,
	PB_CWD,
	PB_COMM,
	PB_EXEPATH,
	PB_CGROUPS,
	PB_ENV,
	PB_TTY,
	PB_LOGINUID,
	PB_UID,
	PB_GID,
	PB_EUID,
	PB_EGID,
	PB_CAP_INH,
	PB_CAP_PRM,
	PB_CAP_EFF,
	PB_EXE_INO,
	PB_EXE_CTIME,
	PB_EXE_MTIME,
	PB_START_TS,
	PB_PIDNS_LEVEL,
	PB_FLAGS, /* execve/execveat/clone family only */
};

static inline uint64_t evt_u64_or(const struct evt *e, int idx, uint64_t dflt)
{
	uint64_t v;

	return evt_param_u64(e, idx, &v) ? v : dflt;
}

static inline int64_t evt_s64_or(const struct evt *e, int idx, int64_t dflt)
{
	int64_t v;

	return evt_param_s64(e, idx, &v) ? v : dflt;
}

#endif /* SAKER_STATE_INT_H */
