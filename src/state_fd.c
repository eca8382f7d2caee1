// SPDX-License-Identifier: GPL-2.0-only
/* Fd tables: shared by threads, copied or shared by clone, pruned by exec. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "state_int.h"
#include "util.h"

struct state_fdtable *state_fdt_new(void)
{
	struct state_fdtable *t = calloc(1, sizeof(*t));

	if (t)
		t->ref = 1;
	return t;
}

void state_fd_clear(struct state *st, struct state_fd *fd)
{
	state_str_put(&st->strs, fd->name);
	state_str_put(&st->strs, fd->nameraw);
	state_slab_free(&st->sock_slab, fd->sock);
	fd->name = fd->nameraw = NULL;
	fd->sock = NULL;
}

/* A zeroed entry held by one table, or NULL (ENOMEM). */
static struct state_fd *fd_new(struct state *st)
{
	struct state_fd *fd = state_slab_alloc(&st->fd_slab);

	if (!fd)
		return NULL;
	memset(fd, 0, sizeof(*fd));
	fd->ref = 1;
	st->stats.fds++;
	return fd;
}

/* One table lets go of fd; stats.fds counts entries per table. */
static void fd_put(struct state *st, struct state_fd *fd)
{
	st->stats.fds--;
	if (--fd->ref > 0)
		return;
	state_fd_clear(st, fd);
	state_slab_free(&st->fd_slab, fd);
}

void state_fdt_put(struct state *st, struct state_fdtable *t)
{
	uint32_t pos = 0;
	void *v;

	if (!t || --t->ref > 0)
		return;
	while (state_map_next(&t->fds, &pos, NULL, &v))
		fd_put(st, v);
	state_map_free(&t->fds);
	free(t);
	st->stats.fdtables--;
}

/* A private copy of src's fd, or NULL (ENOMEM). */
static struct state_fd *fd_clone(struct state *st, const struct state_fd *src)
{
	struct state_fd *fd = fd_new(st);

	if (!fd)
		return NULL;
	*fd = *src;
	fd->ref = 1;
	if (src->sock) {
		fd->sock = state_slab_alloc(&st->sock_slab);
		if (!fd->sock) {
			fd->name = fd->nameraw = NULL;
			fd->sock = NULL;
			fd_put(st, fd);
			return NULL;
		}
		*fd->sock = *src->sock;
	}
	state_str_ref(fd->name);
	state_str_ref(fd->nameraw);
	return fd;
}

/*
 * A fork's copy shares the entries (most children exec at once and close
 * them): the slots are copied, each entry gains a reference, and whoever
 * changes one first takes a private copy (state_fd_own()).
 */
struct state_fdtable *state_fdt_copy(struct state *st, const struct state_fdtable *src)
{
	struct state_fdtable *t = state_fdt_new();
	uint32_t pos = 0;
	void *v;

	if (!t)
		return NULL;
	st->stats.fdtables++;
	if (!src)
		return t;
	if (state_map_copy(&t->fds, &src->fds) < 0) {
		st->stats.nomem++;
		return t;
	}
	while (state_map_next(&t->fds, &pos, NULL, &v)) {
		((struct state_fd *)v)->ref++;
		st->stats.fds++;
	}
	return t;
}

struct state_fd *state_fd_own(struct state *st, struct state_proc *p, struct state_fd *fd)
{
	struct state_fd *copy;

	if (!fd || fd->ref <= 1)
		return fd;
	copy = fd_clone(st, fd);
	/* Replacing a present key never grows the map, so this cannot fail. */
	if (!copy || !p->fdt || state_map_put(&p->fdt->fds, (uint64_t)fd->num, copy) < 0) {
		if (copy)
			fd_put(st, copy);
		st->stats.nomem++;
		return NULL;
	}
	fd_put(st, fd);
	return copy;
}

static struct state_fdtable *proc_fdt(struct state *st, struct state_proc *p)
{
	if (!p->fdt) {
		p->fdt = state_fdt_new();
		if (!p->fdt)
			return NULL;
		st->stats.fdtables++;
	}
	return p->fdt;
}

/* A fresh entry for num (replacing any), or NULL at the limit / on ENOMEM. */
struct state_fd *state_fd_add(struct state *st, struct state_proc *p, int64_t num, uint8_t kind)
{
	struct state_fdtable *t = proc_fdt(st, p);
	struct state_fd *fd, *old;

	if (!t || num < 0)
		return NULL;
	old = state_map_get(&t->fds, (uint64_t)num);
	if (!old && t->fds.count >= st->lim.max_fds) {
		st->stats.fds_refused++;
		return NULL;
	}
	fd = fd_new(st);
	if (!fd || state_map_put(&t->fds, (uint64_t)num, fd) < 0) {
		if (fd)
			fd_put(st, fd);
		st->stats.nomem++;
		return NULL;
	}
	if (old)
		fd_put(st, old);
	fd->num = num;
	fd->kind = kind;
	return fd;
}

struct state_fd *state_fd_dup(struct state *st, struct state_proc *p, int64_t oldfd, int64_t newfd,
			      bool cloexec)
{
	struct state_fd *src = state_fd_get(p, oldfd), *fd;
	struct state_fdtable *t = proc_fdt(st, p);
	struct state_fd *old;

	if (!src || !t || newfd < 0) {
		if (!src)
			st->stats.unknown_fds++;
		return NULL;
	}
	if (oldfd == newfd)
		return src;
	old = state_map_get(&t->fds, (uint64_t)newfd);
	if (!old && t->fds.count >= st->lim.max_fds) {
		st->stats.fds_refused++;
		return NULL;
	}
	fd = fd_clone(st, src);
	if (!fd || state_map_put(&t->fds, (uint64_t)newfd, fd) < 0) {
		if (fd)
			fd_put(st, fd);
		st->stats.nomem++;
		return NULL;
	}
	if (old)
		fd_put(st, old);
	fd->num = newfd;
	/* The close-on-exec flag belongs to the descriptor, not the file. */
	fd->flags = cloexec ? (src->flags | O_CLOEXEC) : (src->flags & ~(uint32_t)O_CLOEXEC);
	return fd;
}

void state_fd_del(struct state *st, struct state_proc *p, int64_t num)
{
	struct state_fd *fd;

	if (!p->fdt || num < 0)
		return;
	fd = state_map_del(&p->fdt->fds, (uint64_t)num);
	if (fd)
		fd_put(st, fd);
}

/* p gets an empty table of its own (a table shared with others stays theirs). */
void state_fd_reset(struct state *st, struct state_proc *p)
{
	struct state_fdtable *t = state_fdt_new();

	if (!t) {
		st->stats.nomem++;
		return;
	}
	st->stats.fdtables++;
	state_fdt_put(st, p->fdt);
	p->fdt = t;
}

/* p's own copy of a table it shares with other processes; false on ENOMEM. */
static bool fdt_unshare(struct state *st, struct state_proc *p)
{
	struct state_fdtable *copy;

	if (!p->fdt || p->fdt->ref <= 1)
		return true;
	copy = state_fdt_copy(st, p->fdt);
	if (!copy) {
		st->stats.nomem++;
		return false;
	}
	state_fdt_put(st, p->fdt);
	p->fdt = copy;
	return true;
}

/*
 * The fds of p's table numbered first..last (any number with cloexec_only:
 * those with O_CLOEXEC) are closed, or with mark get O_CLOEXEC. Collected
 * in batches: the map must not change while it is walked.
 */
static void fds_sweep(struct state *st, struct state_proc *p, uint64_t first, uint64_t last,
		      bool cloexec_only, bool mark)
{
	int64_t nums[64];
	unsigned n;
	uint32_t pos = 0;
	void *v;

	if (!p->fdt)
		return;
	do {
		n = 0;
		if (!mark)
			pos = 0; /* removals move entries: start over */
		while (n < ARRAY_SIZE(nums) && state_map_next(&p->fdt->fds, &pos, NULL, &v)) {
			const struct state_fd *fd = v;

			if ((uint64_t)fd->num < first || (uint64_t)fd->num > last ||
			    (cloexec_only && !(fd->flags & O_CLOEXEC)) ||
			    (mark && (fd->flags & O_CLOEXEC)))
				continue;
			nums[n++] = fd->num;
		}
		for (unsigned i = 0; i < n; i++) {
			struct state_fd *fd;

			if (!mark)
				state_fd_del(st, p, nums[i]);
			else if ((fd = state_fd_own(st, p, state_fd_get(p, nums[i]))))
				fd->flags |= O_CLOEXEC;
		}
	} while (n == ARRAY_SIZE(nums));
}

/* Exec closes O_CLOEXEC fds and unshares a table shared with other processes. */
void state_fd_close_on_exec(struct state *st, struct state_proc *p)
{
	if (fdt_unshare(st, p))
		fds_sweep(st, p, 0, UINT64_MAX, true, false);
}

void state_fd_close_range(struct state *st, struct state_proc *p, uint64_t first, uint64_t last,
			  uint64_t flags)
{
	if ((flags & SAKER_CLOSE_RANGE_UNSHARE) && !fdt_unshare(st, p))
		return;
	fds_sweep(st, p, first, last, false, flags & SAKER_CLOSE_RANGE_CLOEXEC);
}

int state_fd_set_name(struct state *st, struct state_fd *fd, const char *name, const char *raw)
{
	int r = state_str_set(&st->strs, &fd->name, name, name ? strlen(name) : 0);

	if (r == 0 && raw && raw == name) {
		/* The same text interns to the same string: skip the look-up. */
		state_str_put(&st->strs, fd->nameraw);
		fd->nameraw = state_str_ref(fd->name);
	} else if (r == 0) {
		r = state_str_set(&st->strs, &fd->nameraw, raw, raw ? strlen(raw) : 0);
	}
	if (r < 0)
		st->stats.nomem++;
	return r;
}

/* Decimal v at out; returns the length. */
static size_t fmt_uint(char *out, unsigned v)
{
	char tmp[10];
	size_t n = 0;

	do
		tmp[n++] = (char)('0' + v % 10);
	while ((v /= 10));
	for (size_t i = 0; i < n; i++)
		out[i] = tmp[n - 1 - i];
	return n;
}

/* "ip:port" at out (room for INET6_ADDRSTRLEN + 6); returns the length. */
static size_t fmt_addr(char *out, uint8_t family, const uint8_t *addr, uint16_t port)
{
	size_t n = 0;

	/* IPv4 by hand: inet_ntop formats it through sprintf, on every connect and accept. */
	if (family == AF_INET6) {
		inet_ntop(AF_INET6, addr, out, INET6_ADDRSTRLEN);
		n = strlen(out);
	} else {
		for (int i = 0; i < 4; i++) {
			if (i)
				out[n++] = '.';
			n += fmt_uint(out + n, addr[i]);
		}
	}
	out[n++] = ':';
	return n + fmt_uint(out + n, port);
}

/*
 * fd.name of an inet socket: "client->server"; a socket without a peer
 * (bound, listening) is named by its local end alone.
 */
void state_fd_render_sock(struct state *st, struct state_fd *fd)
{
	const struct state_sock *s = fd->sock;
	char buf[2 * (INET6_ADDRSTRLEN + 8) + 4];
	size_t n;

	if (!s || (s->family != AF_INET && s->family != AF_INET6))
		return;
	if (!s->rport && !memcmp(s->raddr, (const uint8_t[16]){ 0 }, 16)) {
		n = fmt_addr(buf, s->family, s->laddr, s->lport);
	} else {
		bool server = s->role == STATE_ROLE_SERVER;

		n = fmt_addr(buf, s->family, server ? s->raddr : s->laddr,
			     server ? s->rport : s->lport);
		buf[n++] = '-';
		buf[n++] = '>';
		n += fmt_addr(buf + n, s->family, server ? s->laddr : s->raddr,
			      server ? s->lport : s->rport);
	}
	buf[n] = '\0';
	state_fd_set_name(st, fd, buf, buf);
}

const char *state_resolve_at(struct state *st, struct state_proc *p, int64_t dirfd, const char *rel)
{
	const char *base = NULL;
	char *out = st->pathbuf[0];

	if (!rel)
		return NULL;
	/* Already absolute and normal: the name is the path as given. */
	if (rel[0] == '/' && state_path_clean(rel))
		return rel;
	if (rel[0] != '/') {
		if (dirfd == AT_FDCWD) {
			base = p && p->cwd ? p->cwd->s : NULL;
		} else {
			struct state_fd *d = p ? state_fd_get(p, dirfd) : NULL;

			if (d && d->name && d->name->s[0] == '/')
				base = d->name->s;
			else
				st->stats.unknown_fds++;
		}
		/* Base unknown: keep the path as given rather than invent one. */
		if (!base)
			return rel;
	}
	return state_path_join(base, rel, out, sizeof(st->pathbuf[0])) ? out : rel;
}

struct state_fd *state_fd_get(const struct state_proc *p, int64_t fd)
{
	if (!p || !p->fdt || fd < 0)
		return NULL;
	return state_map_get(&p->fdt->fds, (uint64_t)fd);
}

uint32_t state_fd_count(const struct state_proc *p)
{
	return p && p->fdt ? p->fdt->fds.count : 0;
}

struct state_fd *state_fd_next(const struct state_proc *p, uint32_t *pos)
{
	void *v;

	if (!p || !p->fdt || !state_map_next(&p->fdt->fds, pos, NULL, &v))
		return NULL;
	return v;
}
