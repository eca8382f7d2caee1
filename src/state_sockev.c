// SPDX-License-Identifier: GPL-2.0-only
/* Socket events: socket, connect, accept, bind, peers of sendto/recvfrom, snapshots. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "state_int.h"

struct state_sock *state_sock_of(struct state *st, struct state_fd *fd)
{
	if (!fd->sock) {
		fd->sock = state_slab_alloc(&st->sock_slab);
		if (fd->sock)
			memset(fd->sock, 0, sizeof(*fd->sock));
		else
			st->stats.nomem++;
	}
	return fd->sock;
}

uint8_t state_kind_of_family(uint64_t fam)
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
	struct state_sock *s = state_sock_of(st, fd);
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

	fd->kind = state_kind_of_family(fd->sock->family);
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

void state_apply_connect(struct state *st, const struct evt *e, struct state_proc *p,
			 struct state_evctx *ctx)
{
	struct state_fd *fd = ctx->fd;
	const char *path = NULL;
	struct state_sock *s;

	/* A non-blocking connect in progress already has its tuple. */
	if (e->hdr.res < 0 && e->hdr.res != -EINPROGRESS)
		return;
	if (!fd) {
		/* A socket made before we watched (or its record lost): the tuple names it. */
		const struct evt_param *t = evt_param(e, 2);
		int64_t num = evt_s64_or(e, 0, -1);

		if (num < 0 || !t || !t->val)
			return;
		fd = state_fd_add(st, p, num, state_kind_of_family(t->val[0]));
		if (!fd)
			return;
		fd->flags = O_RDWR;
		ctx->fd = fd;
		ctx->fdnum = num;
	} else {
		fd = state_fd_own(st, p, fd);
		if (!fd)
			return;
		ctx->fd = fd;
	}
	if (!(s = state_sock_of(st, fd)))
		return;
	if (!read_tuple(e, 2, s, &path))
		read_addr(e, 1, s, false, &path);
	s->role = STATE_ROLE_CLIENT;
	s->connected = e->hdr.res == 0;
	sock_named(st, fd, path, ctx);
}

void state_apply_accept(struct state *st, const struct evt *e, struct state_proc *p,
			struct state_evctx *ctx)
{
	struct state_fd *lfd = state_fd_get(p, evt_s64_or(e, 0, -1)), *fd;
	const char *path = NULL;
	struct state_sock *s;

	fd = state_fd_add(st, p, e->hdr.res, lfd ? lfd->kind : SAKER_FDK_IPV4);
	if (!fd || !(s = state_sock_of(st, fd)))
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

void state_apply_bind(struct state *st, const struct evt *e, struct state_proc *p,
		      struct state_evctx *ctx)
{
	struct state_fd *fd = ctx->fd;
	const char *path = NULL;
	struct state_sock *s;

	if (e->hdr.res < 0 || !fd)
		return;
	fd = state_fd_own(st, p, fd);
	if (!fd)
		return;
	ctx->fd = fd;
	if (!(s = state_sock_of(st, fd)))
		return;
	if (!read_addr(e, 1, s, true, &path))
		return;
	if (s->role == STATE_ROLE_NONE)
		s->role = STATE_ROLE_SERVER;
	sock_named(st, fd, path, ctx);
}

/* sendto/recvfrom on an unconnected socket: the peer is in the tuple. */
void state_apply_msg_tuple(struct state *st, const struct evt *e, struct state_proc *p,
			   struct state_evctx *ctx)
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
	fd = state_fd_own(st, p, fd);
	if (!fd)
		return;
	ctx->fd = fd;
	*fd->sock = tmp;
	sock_named(st, fd, path, ctx);
}

void state_new_sock(struct state *st, const struct evt *e, struct state_proc *p, int64_t num)
{
	uint64_t fam = evt_u64_or(e, 0, 0);
	struct state_fd *fd = state_fd_add(st, p, num, state_kind_of_family(fam));

	if (fd)
		init_sock(st, fd, fam, evt_u64_or(e, 1, 0), evt_u64_or(e, 2, 0));
}

/*
 * An fd as /proc shows it. Two forms say something else (docs/event-abi.md):
 * fd -1 replaces the process's table (emptied and no longer shared; the
 * snapshots that follow fill it), and res < 0 says fd is not open.
 */
void state_apply_fd_snapshot(struct state *st, const struct evt *e, struct state_proc *p,
			     struct state_evctx *ctx)
{
	int64_t num;
	uint8_t kind = (uint8_t)evt_u64_or(e, 1, SAKER_FDK_UNKNOWN);
	const char *name = evt_param_str(e, 3), *path = NULL;
	struct state_fd *fd;
	struct state_sock *s;

	if (!evt_param_s64(e, 0, &num))
		return;
	if (num == SAKER_FD_TABLE) {
		state_fd_reset(st, p);
		return;
	}
	if (e->hdr.res < 0) {
		state_fd_del(st, p, num);
		return;
	}
	fd = state_fd_add(st, p, num, kind < SAKER_FDK_MAX ? kind : 0);
	if (!fd)
		return;
	ctx->fd = fd;
	fd->flags = (uint32_t)evt_u64_or(e, 2, 0);
	fd->dev = (uint32_t)evt_u64_or(e, 5, 0);
	fd->ino = evt_u64_or(e, 6, 0);
	state_fd_set_name(st, fd, name, name);
	if (kind != SAKER_FDK_IPV4 && kind != SAKER_FDK_IPV6 && kind != SAKER_FDK_UNIX)
		return;
	s = state_sock_of(st, fd);
	if (!s)
		return;
	s->family = kind == SAKER_FDK_IPV4 ? AF_INET : kind == SAKER_FDK_IPV6 ? AF_INET6 : AF_UNIX;
	s->l4proto = (uint8_t)evt_u64_or(e, 7 /* proto */, 0);
	if (read_tuple(e, 4, s, &path) && s->family != AF_UNIX) {
		/* Listening sockets have no peer; connected ones are clients unless told. */
		bool listening = !s->rport && !memcmp(s->raddr, (uint8_t[16]){ 0 }, 16);

		s->role = listening ? STATE_ROLE_SERVER : STATE_ROLE_CLIENT;
		s->connected = !listening;
		state_fd_render_sock(st, fd);
	}
}
