// SPDX-License-Identifier: GPL-2.0-only
/* fd.* fields: the file descriptor the event is about, from the state tables. */
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "dns.h"
#include "fields_state_int.h"
#include "util.h"

static int out_ip(struct field_out *out, uint8_t family, const uint8_t *a)
{
	struct field_val *v;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (!field_out_u64(out, 0))
		return -ENOSPC;
	v = &out->vals[out->n - 1];
	memset(&v->ip, 0, sizeof(v->ip));
	v->ip.fam = family == AF_INET ? 4 : 6;
	v->ip.bits = family == AF_INET ? 32 : 128;
	memcpy(v->ip.a, a, family == AF_INET ? 4 : 16);
	return 1;
}

static const char *l4name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return "icmp";
	case IPPROTO_RAW:
		return "raw";
	default:
		return NULL;
	}
}

/* fd.sip.name and co: the name (among those the rules compare with) the address has. */
static int out_ipname(const struct field_ctx *c, uint8_t family, const uint8_t *a,
		      struct field_out *out)
{
	struct field_val ip = { .ip = { .fam = family == AF_INET ? 4 : 6 } };

	memcpy(ip.ip.a, a, family == AF_INET ? 4 : 16);
	return fs_out_cstr(out, dns_name_of(c->dns, &ip));
}

static int fd_sock(const struct field_ctx *c, const struct state_fd *fd, enum sf what,
		   struct field_out *out)
{
	const struct state_sock *s = fd->sock;
	const uint8_t *cip, *sip;
	uint16_t cport, sport;
	int k;

	if (!s || (s->family != AF_INET && s->family != AF_INET6)) {
		if (s && what == SF_FD_SOCKFAMILY && s->family == AF_UNIX)
			return fs_out_cstr(out, "unix");
		return 0;
	}
	state_sock_ends(fd, &sip, &sport, &cip, &cport);
	switch (what) {
	case SF_FD_IP:
		k = out_ip(out, s->family, cip);
		return k < 0 ? k : k + out_ip(out, s->family, sip);
	case SF_FD_CIP:
		return out_ip(out, s->family, cip);
	case SF_FD_SIP:
		return out_ip(out, s->family, sip);
	case SF_FD_LIP:
		return out_ip(out, s->family, s->laddr);
	case SF_FD_RIP:
		return out_ip(out, s->family, s->raddr);
	case SF_FD_CIP_NAME:
		return out_ipname(c, s->family, cip, out);
	case SF_FD_SIP_NAME:
		return out_ipname(c, s->family, sip, out);
	case SF_FD_LIP_NAME:
		return out_ipname(c, s->family, s->laddr, out);
	case SF_FD_RIP_NAME:
		return out_ipname(c, s->family, s->raddr, out);
	case SF_FD_PORT:
		k = fs_out_u64(out, cport);
		return k < 0 ? k : k + fs_out_u64(out, sport);
	case SF_FD_CPORT:
		return fs_out_u64(out, cport);
	case SF_FD_SPORT:
		return fs_out_u64(out, sport);
	case SF_FD_LPORT:
		return fs_out_u64(out, s->lport);
	case SF_FD_RPORT:
		return fs_out_u64(out, s->rport);
	case SF_FD_L4PROTO:
		return fs_out_cstr(out, l4name(s->l4proto));
	case SF_FD_SOCKFAMILY:
		return fs_out_cstr(out, "ip");
	case SF_FD_IS_SERVER:
		return fs_out_bool(out, s->role == STATE_ROLE_SERVER);
	default:
		return 0;
	}
}

static int fd_types(const struct field_ctx *c, const struct field_req *req, struct field_out *out)
{
	struct state_proc *p = fs_proc(c);
	const char *seen[SAKER_FDK_MAX];
	unsigned nseen = 0;
	struct state_fd *fd;
	uint32_t pos = 0;
	int n = 0;

	if (!p)
		return 0;
	if (req->index >= 0) {
		fd = state_fd_get(p, req->index);
		return fd ? fs_out_cstr(out, state_fd_typename(fd)) : 0;
	}
	while ((fd = state_fd_next(p, &pos))) {
		const char *ty = state_fd_typename(fd);
		bool dup = false;

		for (unsigned i = 0; i < nseen; i++)
			dup |= strcmp(seen[i], ty) == 0;
		if (dup || nseen == ARRAY_SIZE(seen))
			continue;
		seen[nseen++] = ty;
		if (fs_out_cstr(out, ty) < 0)
			break;
		n++;
	}
	return n;
}

int fs_fd_extract(const struct field_req *req, const struct field_ctx *c, struct field_out *out,
		  const struct sf_map *m)
{
	const struct fields_state_data *d = fs_data(c);
	const struct state_fd *fd = d && d->ev ? d->ev->fd : NULL;
	struct state_proc *p;
	size_t room;
	char *buf;
	int n;

	if (m->f == SF_FD_TYPES)
		return fd_types(c, req, out);
	if (m->f == SF_FD_NUM)
		return d && d->ev && d->ev->fdnum != -1 ? fs_out_s64(out, d->ev->fdnum) :
		       fd				? fs_out_s64(out, fd->num) :
							  0;
	if (m->f == SF_FD_NAME_CHANGED)
		return d && d->ev ? fs_out_bool(out, d->ev->fd_name_changed) : 0;
	if (!fd)
		return 0;
	switch (m->f) {
	case SF_FD_TYPE:
		return fs_out_cstr(out, state_fd_typename(fd));
	case SF_FD_TYPECHAR: {
		char tc = state_fd_typechar(fd);

		room = out->size - out->used;
		if (room < 2)
			return -ENOSPC;
		buf = out->buf + out->used;
		buf[0] = tc;
		buf[1] = '\0';
		out->used += 2;
		return field_out_str(out, buf, 1) ? 1 : -ENOSPC;
	}
	case SF_FD_NAME:
		return fs_out_sstr(out, fd->name);
	case SF_FD_NAMERAW:
		return fs_out_sstr(out, fd->nameraw ? fd->nameraw : fd->name);
	case SF_FD_DIRECTORY: {
		const char *dir;

		room = out->size - out->used;
		buf = out->buf + out->used;
		/* A directory fd's own name comes back as is, not in buf. */
		dir = state_fd_directory(fd, buf, room);
		if (!dir)
			return 0;
		if (dir == buf)
			out->used += strlen(buf) + 1;
		return field_out_cstr(out, dir) ? 1 : -ENOSPC;
	}
	case SF_FD_FILENAME:
		return fs_out_cstr(out, state_fd_filename(fd));
	case SF_FD_CONNECTED:
		return fd->sock ? fs_out_bool(out, fd->sock->connected) : 0;
	case SF_FD_DEV:
		return fd->dev ? fs_out_u64(out, fd->dev) : 0;
	case SF_FD_DEV_MAJOR:
		return fd->dev ? fs_out_u64(out, fd->dev >> 20) : 0;
	case SF_FD_DEV_MINOR:
		return fd->dev ? fs_out_u64(out, fd->dev & 0xfffff) : 0;
	case SF_FD_INO:
		return fd->ino ? fs_out_u64(out, fd->ino) : 0;
	case SF_FD_CONTAINERNAME:
	case SF_FD_CONTAINERDIR:
		p = fs_proc(c);
		if (!p || !p->container_id || !fd->name)
			return 0;
		room = out->size - out->used;
		buf = out->buf + out->used;
		if (m->f == SF_FD_CONTAINERDIR) {
			char dirbuf[4096];
			const char *dir = state_fd_directory(fd, dirbuf, sizeof(dirbuf));

			if (!dir)
				return 0;
			n = snprintf(buf, room, "%.*s:%s", (int)p->container_id->len,
				     p->container_id->s, dir);
		} else {
			n = snprintf(buf, room, "%.*s:%.*s", (int)p->container_id->len,
				     p->container_id->s, (int)fd->name->len, fd->name->s);
		}
		if (n < 0 || (size_t)n >= room)
			return -ENOSPC;
		out->used += (size_t)n + 1;
		return field_out_str(out, buf, (size_t)n) ? 1 : -ENOSPC;
	default:
		return fd_sock(c, fd, m->f, out);
	}
}
