// SPDX-License-Identifier: GPL-2.0-only
/* Fd events: open family, pipes, dup, fcntl, close, anonymous fds, cwd. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <linux/bpf.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "state_int.h"

/* Open family: which parameters hold dirfd, path, flags, dev and ino. */
struct open_layout {
	int dirfd, name, flags, dev, ino;
};

static const struct open_layout *open_layout(uint16_t type)
{
	static const struct open_layout open = { -1, 0, 1, 3, 4 }, openat = { 0, 1, 2, 4, 5 },
					openat2 = { 0, 1, 2, 5, 6 }, creat = { -1, 0, -1, 2, 3 };

	switch (type) {
	case SAKER_EV_OPEN:
		return &open;
	case SAKER_EV_OPENAT:
		return &openat;
	case SAKER_EV_OPENAT2:
		return &openat2;
	case SAKER_EV_CREAT:
		return &creat;
	default:
		return NULL;
	}
}

/* What an open call asks for: its path as given and resolved, and its flags. */
struct open_call {
	const struct open_layout *l;
	const char *raw, *name;
	uint32_t flags;
};

/* An open's fd is a directory's exactly when it was asked for with O_DIRECTORY. */
static uint8_t open_kind(const struct open_call *c)
{
	return (c->flags & O_DIRECTORY) ? SAKER_FDK_DIRECTORY : SAKER_FDK_FILE;
}

static void open_call(struct state *st, const struct evt *e, struct state_proc *p,
		      struct open_call *c)
{
	const struct open_layout *l = open_layout(e->hdr.type);
	int64_t dirfd = l->dirfd >= 0 ? evt_s64_or(e, l->dirfd, AT_FDCWD) : AT_FDCWD;

	c->l = l;
	c->raw = evt_param_str(e, l->name);
	c->flags = l->flags >= 0 ? (uint32_t)evt_u64_or(e, l->flags, 0) :
				   (O_CREAT | O_WRONLY | O_TRUNC);
	c->name = state_resolve_at(st, p, dirfd, c->raw);
}

/*
 * An open that made no fd (it failed, or has not returned yet) still has
 * a name rules print: it lives in the scratch fd, outside the table.
 */
static void open_scratch(struct state *st, const struct open_call *c, struct state_evctx *ctx)
{
	struct state_fd *fd = &st->scratch_fd;

	state_fd_clear(st, fd);
	fd->kind = open_kind(c);
	fd->flags = c->flags;
	fd->num = -1;
	state_fd_set_name(st, fd, c->name, c->raw);
	ctx->fd = fd;
}

static void apply_open(struct state *st, const struct evt *e, struct state_proc *p,
		       struct state_evctx *ctx)
{
	struct open_call c;
	struct state_fd *fd;

	open_call(st, e, p, &c);
	if (e->hdr.res < 0) {
		open_scratch(st, &c, ctx);
		return;
	}
	fd = state_fd_add(st, p, e->hdr.res, open_kind(&c));
	if (!fd)
		return;
	fd->flags = c.flags;
	fd->dev = (uint32_t)evt_u64_or(e, c.l->dev, 0);
	fd->ino = evt_u64_or(e, c.l->ino, 0);
	state_fd_set_name(st, fd, c.name, c.raw);
}

bool state_preview_open(struct state *st, const struct evt *e, struct state_proc *p,
			struct state_evctx *ctx)
{
	struct open_call c;

	if (!open_layout(e->hdr.type))
		return false;
	open_call(st, e, p, &c);
	open_scratch(st, &c, ctx);
	return true;
}

static void new_pipe(struct state *st, const struct evt *e, struct state_proc *p)
{
	uint64_t ino = evt_u64_or(e, 2, 0);
	uint32_t flags = (uint32_t)evt_u64_or(e, 3, 0);
	char name[48];

	snprintf(name, sizeof(name), "pipe:[%llu]", (unsigned long long)ino);
	for (int i = 0; i < 2; i++) {
		struct state_fd *fd = state_fd_add(st, p, evt_s64_or(e, i, -1), SAKER_FDK_PIPE);

		if (!fd)
			continue;
		fd->flags =
			(flags & (O_CLOEXEC | O_NONBLOCK | O_DIRECT)) | (i ? O_WRONLY : O_RDONLY);
		fd->ino = ino;
		state_fd_set_name(st, fd, name, name);
	}
}

/* Anonymous-inode fds: kind, name and which parameter holds the flags. */
static void new_anon(struct state *st, const struct evt *e, struct state_proc *p, uint8_t kind,
		     const char *name, int flags_idx)
{
	struct state_fd *fd = state_fd_add(st, p, e->hdr.res, kind);
	uint32_t flags = flags_idx >= 0 ? (uint32_t)evt_u64_or(e, flags_idx, 0) : O_CLOEXEC;

	if (!fd)
		return;
	/* EFD_, SFD_, TFD_, IN_, EPOLL_CLOEXEC and UFFD's O_CLOEXEC share one value. */
	fd->flags = O_RDWR | (flags & (O_CLOEXEC | O_NONBLOCK));
	state_fd_set_name(st, fd, name, name);
}

static void new_memfd(struct state *st, const struct evt *e, struct state_proc *p)
{
	struct state_fd *fd = state_fd_add(st, p, e->hdr.res, SAKER_FDK_MEMFD);
	const char *n = evt_param_str(e, 0);
	char name[300];

	if (!fd)
		return;
	fd->flags = O_RDWR | ((evt_u64_or(e, 1, 0) & 1u /* MFD_CLOEXEC */) ? O_CLOEXEC : 0);
	snprintf(name, sizeof(name), "memfd:%s", n ? n : "");
	state_fd_set_name(st, fd, name, name);
}

static bool bpf_cmd_creates_fd(uint64_t cmd)
{
	switch (cmd) {
	case BPF_MAP_CREATE:
	case BPF_PROG_LOAD:
	case BPF_OBJ_GET:
	case BPF_PROG_GET_FD_BY_ID:
	case BPF_MAP_GET_FD_BY_ID:
	case BPF_RAW_TRACEPOINT_OPEN:
	case BPF_BTF_LOAD:
	case BPF_BTF_GET_FD_BY_ID:
	case BPF_LINK_CREATE:
	case BPF_LINK_GET_FD_BY_ID:
	case BPF_ENABLE_STATS:
	case BPF_ITER_CREATE:
		return true;
	default:
		return false;
	}
}

static void apply_fcntl(struct state *st, const struct evt *e, struct state_proc *p,
			struct state_evctx *ctx)
{
	uint64_t cmdu = evt_u64_or(e, 1, UINT64_MAX), arg = evt_u64_or(e, 2, 0);

	if (cmdu == F_DUPFD || cmdu == F_DUPFD_CLOEXEC) {
		struct state_fd *fd = state_fd_dup(st, p, evt_s64_or(e, 0, -1), e->hdr.res,
						   cmdu == F_DUPFD_CLOEXEC);

		if (fd)
			ctx->fd = fd;
	} else if ((cmdu == F_SETFD || cmdu == F_SETFL) && ctx->fd) {
		const uint32_t mask = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;
		uint32_t flags = ctx->fd->flags;
		struct state_fd *fd;

		if (cmdu == F_SETFL)
			flags = (flags & ~mask) | ((uint32_t)arg & mask);
		else if (arg & FD_CLOEXEC)
			flags |= O_CLOEXEC;
		else
			flags &= ~(uint32_t)O_CLOEXEC;
		/* No change: a forked child keeps sharing the entry. */
		if (flags == ctx->fd->flags || !(fd = state_fd_own(st, p, ctx->fd)))
			return;
		ctx->fd = fd;
		fd->flags = flags;
	}
}

static void apply_chdir(struct state *st, const struct evt *e, struct state_proc *p)
{
	const char *path = NULL;

	if (e->hdr.type == SAKER_EV_CHDIR) {
		path = state_resolve_at(st, p, AT_FDCWD, evt_param_str(e, 0));
	} else {
		struct state_fd *fd = state_fd_get(p, evt_s64_or(e, 0, -1));

		path = fd && fd->name ? fd->name->s : NULL;
	}
	if (!path || path[0] != '/')
		return;
	if (state_str_set(&st->strs, &p->cwd, path, strlen(path)) < 0) {
		st->stats.nomem++;
		return;
	}
	if (p->fs_group)
		state_fs_group_cwd(st, p);
}

int state_apply_fd_event(struct state *st, const struct evt *e, struct state_evctx *ctx)
{
	struct state_proc *p = ctx->thread ? ctx->thread->proc : NULL;
	int64_t res = e->hdr.res;

	if (!p)
		return 0;
	if (e->hdr.type == SAKER_EV_FD_SNAPSHOT) {
		state_apply_fd_snapshot(st, e, p, ctx);
		return 0;
	}
	if (open_layout(e->hdr.type)) {
		apply_open(st, e, p, ctx);
		return 0;
	}
	switch (e->hdr.type) {
	case SAKER_EV_CONNECT:
		state_apply_connect(st, e, p, ctx);
		return 0;
	case SAKER_EV_SENDTO:
	case SAKER_EV_SENDMSG:
	case SAKER_EV_RECVFROM:
	case SAKER_EV_RECVMSG:
		state_apply_msg_tuple(st, e, p, ctx);
		return 0;
	}
	if (res < 0)
		return 0;
	switch (e->hdr.type) {
	case SAKER_EV_CLOSE:
		if (ctx->fd)
			state_defer(st, PEND_FD, p->pid, ctx->fdnum, 0);
		break;
	case SAKER_EV_CLOSE_RANGE:
		state_fd_close_range(st, p, evt_u64_or(e, 0, UINT64_MAX), evt_u64_or(e, 1, 0),
				     evt_u64_or(e, 2, 0));
		break;
	case SAKER_EV_SOCKET:
		state_new_sock(st, e, p, res);
		break;
	case SAKER_EV_SOCKETPAIR:
		state_new_sock(st, e, p, evt_s64_or(e, 3, -1));
		state_new_sock(st, e, p, evt_s64_or(e, 4, -1));
		break;
	case SAKER_EV_ACCEPT:
	case SAKER_EV_ACCEPT4:
		state_apply_accept(st, e, p, ctx);
		break;
	case SAKER_EV_BIND:
		state_apply_bind(st, e, p, ctx);
		break;
	case SAKER_EV_PIPE:
	case SAKER_EV_PIPE2:
		new_pipe(st, e, p);
		break;
	case SAKER_EV_DUP:
		state_fd_dup(st, p, evt_s64_or(e, 0, -1), res, false);
		break;
	case SAKER_EV_DUP2:
		state_fd_dup(st, p, evt_s64_or(e, 0, -1), res, false);
		break;
	case SAKER_EV_DUP3:
		state_fd_dup(st, p, evt_s64_or(e, 0, -1), res, evt_u64_or(e, 2, 0) & O_CLOEXEC);
		break;
	case SAKER_EV_FCNTL:
		apply_fcntl(st, e, p, ctx);
		break;
	case SAKER_EV_MEMFD_CREATE:
		new_memfd(st, e, p);
		break;
	case SAKER_EV_EVENTFD2:
		new_anon(st, e, p, SAKER_FDK_EVENT, "anon_inode:[eventfd]", 1);
		break;
	case SAKER_EV_SIGNALFD4:
		/* An existing signalfd passed in is only updated. */
		if (evt_s64_or(e, 0, -1) < 0)
			new_anon(st, e, p, SAKER_FDK_SIGNALFD, "anon_inode:[signalfd]", 1);
		break;
	case SAKER_EV_TIMERFD_CREATE:
		new_anon(st, e, p, SAKER_FDK_TIMERFD, "anon_inode:[timerfd]", 1);
		break;
	case SAKER_EV_INOTIFY_INIT1:
		new_anon(st, e, p, SAKER_FDK_INOTIFY, "anon_inode:inotify", 0);
		break;
	case SAKER_EV_EPOLL_CREATE1:
		new_anon(st, e, p, SAKER_FDK_EVENTPOLL, "anon_inode:[eventpoll]", 0);
		break;
	case SAKER_EV_USERFAULTFD:
		new_anon(st, e, p, SAKER_FDK_USERFAULTFD, "anon_inode:[userfaultfd]", 0);
		break;
	case SAKER_EV_BPF:
		if (bpf_cmd_creates_fd(evt_u64_or(e, 0, UINT64_MAX)))
			new_anon(st, e, p, SAKER_FDK_BPF, "anon_inode:bpf", -1);
		break;
	case SAKER_EV_CHDIR:
	case SAKER_EV_FCHDIR:
		apply_chdir(st, e, p);
		break;
	}
	return 0;
}
