// SPDX-License-Identifier: GPL-2.0-only
/* Fd events: open family, sockets, pipes, dup, fcntl, close, cwd. */
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

static struct state_sock *sock_of(struct state *st, struct state_fd *fd)
{
	if (!fd->sock) {
		fd->sock = calloc(1, sizeof(*fd->sock));
		if (!fd->sock)
			st->stats.nomem++;
	}
	return fd->sock;
}

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

static void apply_open(struct state *st, const struct evt *e, struct state_proc *p,
		       struct state_evctx *ctx)
{
	const struct open_layout *l = open_layout(e->hdr.type);
	const char *raw = evt_param_str(e, l->name);
	int64_t dirfd = l->dirfd >= 0 ? evt_s64_or(e, l->dirfd, AT_FDCWD) : AT_FDCWD;
	uint32_t flags = l->flags >= 0 ? (uint32_t)evt_u64_or(e, l->flags, 0) :
					 (O_CREAT | O_WRONLY | O_TRUNC);
	const char *name = state_resolve_at(st, p, dirfd, raw);
	struct state_fd *fd;

	if (e->hdr.res < 0) {
		/* A failed open still has a name rules print; it lives outside the table. */
		fd = &st->scratch_fd;
		state_fd_clear(st, fd);
		fd->kind = (flags & O_DIRECTORY) ? SAKER_FDK_DIRECTORY : SAKER_FDK_FILE;
		fd->flags = flags;
		fd->num = -1;
		state_fd_set_name(st, fd, name, raw);
		ctx->fd = fd;
		return;
	}
	fd = state_fd_add(st, p, e->hdr.res,
			  (flags & O_DIRECTORY) ? SAKER_FDK_DIRECTORY : SAKER_FDK_FILE);
	if (!fd)
		return;
	fd->flags = flags;
	fd->dev = (uint32_t)evt_u64_or(e, l->dev, 0);
	fd->ino = evt_u64_or(e, l->ino, 0);
	state_fd_set_name(st, fd, name, raw);
}

static uint8_t kind_of_family(uint64_t fam)
{
	switch (fam) {
	case AF_INET:
		return SAKER_FDK_IPV4;
	case AF_INET6:
		return SAKER_FDK_IPV6;
	case AF_UNIX:
		return SAKER_FDK_UNIX;
	case AF_NETLINK:
		return SAKER_FDK_NETLINK;
	default:
		return SAKER_FDK_OTHER;
	}
}

static void init_sock(struct state *st, struct state_fd *fd, uint64_t fam, uint64_t type,
		      uint64_t proto)
{
	struct state_sock *s = sock_of(st, fd);
	uint32_t base = (uint32_t)type & 0xf;

	if (type & SOCK_CLOEXEC)
		fd->flags |= O_CLOEXEC;
	fd->flags |= O_RDWR;
	if (!s)
		return;
	s->family = (uint8_t)fam;
	s->socktype = (uint8_t)base;
	if (fam != AF_INET && fam != AF_INET6)
		return;
	if (proto)
		s->l4proto = (uint8_t)proto;
	else if (base == SOCK_STREAM)
		s->l4proto = IPPROTO_TCP;
	else if (base == SOCK_DGRAM)
		s->l4proto = IPPROTO_UDP;
	else if (base == SOCK_RAW)
		s->l4proto = IPPROTO_RAW;
}

/* Decode a SOCKTUPLE parameter into s. Returns false if absent or foreign. */
static bool read_tuple(const struct evt *e, int idx, struct state_sock *s, const char **path)
{
	const struct evt_param *p = evt_param(e, idx);
	size_t al;

	if (!p || !p->val)
		return false;
	if (p->val[0] == AF_UNIX && p->len >= SAKER_TUPLE_UNIX_MIN) {
		memcpy(&s->un_local, p->val + 1, 8);
		memcpy(&s->un_peer, p->val + 9, 8);
		*path = p->len > SAKER_TUPLE_UNIX_MIN ? (const char *)p->val + 17 : "";
		s->family = AF_UNIX;
		return true;
	}
	if (p->val[0] == AF_INET && p->len == SAKER_TUPLE_INET_SIZE)
		al = 4;
	else if (p->val[0] == AF_INET6 && p->len == SAKER_TUPLE_INET6_SIZE)
		al = 16;
	else
		return false;
	s->family = p->val[0];
	memset(s->laddr, 0, sizeof(s->laddr));
	memset(s->raddr, 0, sizeof(s->raddr));
	memcpy(s->laddr, p->val + 1, al);
	memcpy(&s->lport, p->val + 1 + al, 2);
	memcpy(s->raddr, p->val + 3 + al, al);
	memcpy(&s->rport, p->val + 3 + 2 * al, 2);
	return true;
}

/* Decode a SOCKADDR parameter into the remote (or local) end of s. */
static bool read_addr(const struct evt *e, int idx, struct state_sock *s, bool local,
		      const char **path)
{
	const struct evt_param *p = evt_param(e, idx);
	size_t al;

	if (!p || !p->val)
		return false;
	if (p->val[0] == AF_UNIX) {
		*path = p->len > 1 ? (const char *)p->val + 1 : "";
		return true;
	}
	if (p->val[0] == AF_INET && p->len == SAKER_SOCK_INET_SIZE)
		al = 4;
	else if (p->val[0] == AF_INET6 && p->len == SAKER_SOCK_INET6_SIZE)
		al = 16;
	else
		return false;
	s->family = p->val[0];
	memset(local ? s->laddr : s->raddr, 0, 16);
	memcpy(local ? s->laddr : s->raddr, p->val + 1, al);
	memcpy(local ? &s->lport : &s->rport, p->val + 1 + al, 2);
	return true;
}

/* After a tuple changed: kind from the family, name from the tuple or path. */
static void sock_named(struct state *st, struct state_fd *fd, const char *path,
		       struct state_evctx *ctx)
{
	struct state_str *old = state_str_ref(fd->name);

	fd->kind = kind_of_family(fd->sock->family);
	if (fd->sock->family == AF_UNIX) {
		if (path && path[0])
			state_fd_set_name(st, fd, path, path);
	} else {
		state_fd_render_sock(st, fd);
	}
	if (fd->name != old && ctx->fd == fd)
		ctx->fd_name_changed = true;
	state_str_put(&st->strs, old);
}

static void apply_connect(struct state *st, const struct evt *e, struct state_proc *p,
			  struct state_evctx *ctx)
{
	struct state_fd *fd = ctx->fd;
	const char *path = NULL;
	struct state_sock *s;

	/* A non-blocking connect in progress already has its tuple. */
	if (e->hdr.res < 0 && e->hdr.res != -EINPROGRESS)
		return;
	if (!fd || !(s = sock_of(st, fd)))
		return;
	if (!read_tuple(e, 2, s, &path))
		read_addr(e, 1, s, false, &path);
	s->role = STATE_ROLE_CLIENT;
	s->connected = e->hdr.res == 0;
	sock_named(st, fd, path, ctx);
}

static void apply_accept(struct state *st, const struct evt *e, struct state_proc *p,
			 struct state_evctx *ctx)
{
	struct state_fd *lfd = state_fd_get(p, evt_s64_or(e, 0, -1)), *fd;
	const char *path = NULL;
	struct state_sock *s;

	fd = state_fd_add(st, p, e->hdr.res, lfd ? lfd->kind : SAKER_FDK_IPV4);
	if (!fd || !(s = sock_of(st, fd)))
		return;
	fd->flags = O_RDWR;
	if (e->hdr.type == SAKER_EV_ACCEPT4 && (evt_u64_or(e, 2, 0) & SOCK_CLOEXEC))
		fd->flags |= O_CLOEXEC;
	if (lfd && lfd->sock) {
		*s = *lfd->sock;
		if (lfd->name && lfd->kind == SAKER_FDK_UNIX)
			path = lfd->name->s;
	}
	if (!s->l4proto && s->family != AF_UNIX)
		s->l4proto = IPPROTO_TCP;
	read_tuple(e, 1, s, &path);
	s->role = STATE_ROLE_SERVER;
	s->connected = true;
	ctx->fd = fd;
	sock_named(st, fd, path, ctx);
	ctx->fd_name_changed = true;
}

static void apply_bind(struct state *st, const struct evt *e, struct state_evctx *ctx)
{
	struct state_fd *fd = ctx->fd;
	const char *path = NULL;
	struct state_sock *s;

	if (e->hdr.res < 0 || !fd || !(s = sock_of(st, fd)))
		return;
	if (!read_addr(e, 1, s, true, &path))
		return;
	if (s->role == STATE_ROLE_NONE)
		s->role = STATE_ROLE_SERVER;
	sock_named(st, fd, path, ctx);
}

/* sendto/recvfrom on an unconnected socket: the peer is in the tuple. */
static void apply_msg_tuple(struct state *st, const struct evt *e, struct state_evctx *ctx)
{
	struct state_fd *fd = ctx->fd;
	struct state_sock tmp;
	const char *path = NULL;

	if (e->hdr.res < 0 || !fd || !fd->sock || fd->sock->connected ||
	    (fd->sock->family != AF_INET && fd->sock->family != AF_INET6))
		return;
	tmp = *fd->sock;
	if (!read_tuple(e, 3, &tmp, &path) || !memcmp(&tmp, fd->sock, sizeof(tmp)))
		return;
	if (tmp.role == STATE_ROLE_NONE)
		tmp.role = (e->hdr.type == SAKER_EV_SENDTO || e->hdr.type == SAKER_EV_SENDMSG) ?
				   STATE_ROLE_CLIENT :
				   STATE_ROLE_SERVER;
	*fd->sock = tmp;
	sock_named(st, fd, path, ctx);
}

static void new_sock(struct state *st, const struct evt *e, struct state_proc *p, int64_t num)
{
	uint64_t fam = evt_u64_or(e, 0, 0);
	struct state_fd *fd = state_fd_add(st, p, num, kind_of_family(fam));

	if (fd)
		init_sock(st, fd, fam, evt_u64_or(e, 1, 0), evt_u64_or(e, 2, 0));
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
	} else if (cmdu == F_SETFD && ctx->fd) {
		if (arg & FD_CLOEXEC)
			ctx->fd->flags |= O_CLOEXEC;
		else
			ctx->fd->flags &= ~(uint32_t)O_CLOEXEC;
	} else if (cmdu == F_SETFL && ctx->fd) {
		const uint32_t mask = O_APPEND | O_NONBLOCK | O_ASYNC | O_DIRECT | O_NOATIME;

		ctx->fd->flags = (ctx->fd->flags & ~mask) | ((uint32_t)arg & mask);
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

static void apply_fd_snapshot(struct state *st, const struct evt *e, struct state_proc *p,
			      struct state_evctx *ctx)
{
	int64_t num = evt_s64_or(e, 0, -1);
	uint8_t kind = (uint8_t)evt_u64_or(e, 1, SAKER_FDK_UNKNOWN);
	const char *name = evt_param_str(e, 3), *path = NULL;
	struct state_fd *fd = state_fd_add(st, p, num, kind < SAKER_FDK_MAX ? kind : 0);
	struct state_sock *s;

	if (!fd)
		return;
	ctx->fd = fd;
	fd->flags = (uint32_t)evt_u64_or(e, 2, 0);
	fd->dev = (uint32_t)evt_u64_or(e, 5, 0);
	fd->ino = evt_u64_or(e, 6, 0);
	state_fd_set_name(st, fd, name, name);
	if (kind != SAKER_FDK_IPV4 && kind != SAKER_FDK_IPV6 && kind != SAKER_FDK_UNIX)
		return;
	s = sock_of(st, fd);
	if (!s)
		return;
	s->family = kind == SAKER_FDK_IPV4 ? AF_INET : kind == SAKER_FDK_IPV6 ? AF_INET6 : AF_UNIX;
	s->l4proto = (uint8_t)evt_u64_or(e, 7 /* proto */, 0);
	if (read_tuple(e, 4, s, &path) && s->family != AF_UNIX) {
		/* Listening sockets have no peer; connected ones are clients unless told. */
		bool listening = !s->rport && !memcmp(s->raddr, (uint8_t[16]){ 0 }, 16);

		s->role = listening ? STATE_ROLE_SERVER : STATE_ROLE_CLIENT;
		s->connected = !listening;
		if (!listening)
			state_fd_render_sock(st, fd);
	}
}

int state_apply_fd_event(struct state *st, const struct evt *e, struct state_evctx *ctx)
{
	struct state_proc *p = ctx->thread ? ctx->thread->proc : NULL;
	int64_t res = e->hdr.res;

	if (!p)
		return 0;
	if (e->hdr.type == SAKER_EV_FD_SNAPSHOT) {
		apply_fd_snapshot(st, e, p, ctx);
		return 0;
	}
	if (open_layout(e->hdr.type)) {
		apply_open(st, e, p, ctx);
		return 0;
	}
	switch (e->hdr.type) {
	case SAKER_EV_CONNECT:
		apply_connect(st, e, p, ctx);
		return 0;
	case SAKER_EV_SENDTO:
	case SAKER_EV_SENDMSG:
	case SAKER_EV_RECVFROM:
	case SAKER_EV_RECVMSG:
		apply_msg_tuple(st, e, ctx);
		return 0;
	}
	if (res < 0)
		return 0;
	switch (e->hdr.type) {
	case SAKER_EV_CLOSE:
		if (ctx->fd)
			state_defer(st, PEND_FD, p->pid, ctx->fdnum, 0);
		break;
	case SAKER_EV_SOCKET:
		new_sock(st, e, p, res);
		break;
	case SAKER_EV_SOCKETPAIR:
		new_sock(st, e, p, evt_s64_or(e, 3, -1));
		new_sock(st, e, p, evt_s64_or(e, 4, -1));
		break;
	case SAKER_EV_ACCEPT:
	case SAKER_EV_ACCEPT4:
		apply_accept(st, e, p, ctx);
		break;
	case SAKER_EV_BIND:
		apply_bind(st, e, ctx);
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
