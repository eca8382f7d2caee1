// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <string.h>
#include <sys/socket.h>

#include "recbuild.h"

static struct saker_rec_hdr *hdr(struct rec_builder *b)
{
	return (struct saker_rec_hdr *)b->buf;
}

static void set_len(struct rec_builder *b, uint16_t idx, uint16_t len)
{
	memcpy(b->buf + SAKER_HDR_SIZE + 2u * idx, &len, sizeof(len));
}

void rb_begin(struct rec_builder *b, void *buf, size_t cap, uint16_t type, uint64_t ts,
	      uint32_t tid, uint32_t pid, int64_t res)
{
	*b = (struct rec_builder){ .buf = buf,
				   .cap = cap < SAKER_REC_MAX ? cap : SAKER_REC_MAX,
				   .type = type };
	if (type >= SAKER_EV_MAX) {
		b->err = -EINVAL;
		return;
	}
	b->nparams = evt_table[type].nparams;
	b->off = SAKER_HDR_SIZE + 2u * b->nparams;
	if (b->off > b->cap) {
		b->err = -ENOSPC;
		return;
	}
	*hdr(b) = (struct saker_rec_hdr){
		.ts = ts, .res = res, .tid = tid, .pid = pid, .type = type, .nparams = b->nparams
	};
	for (uint16_t i = 0; i < b->nparams; i++)
		set_len(b, i, 0);
}

/* Append len bytes as the next parameter; returns where they go, or NULL. */
static uint8_t *put(struct rec_builder *b, size_t len, bool truncated)
{
	uint8_t *p;

	if (b->err)
		return NULL;
	if (b->next >= b->nparams) {
		b->err = -E2BIG;
		return NULL;
	}
	if (len > SAKER_PARAM_LEN_MASK || b->off + len > b->cap) {
		b->err = -ENOSPC;
		return NULL;
	}
	set_len(b, b->next, len | (truncated ? SAKER_PARAM_TRUNCATED : 0));
	p = b->buf + b->off;
	b->off += len;
	b->next++;
	return p;
}

void rb_absent(struct rec_builder *b)
{
	put(b, 0, false);
}

void rb_num(struct rec_builder *b, uint64_t v)
{
	size_t sz = 8;
	uint8_t *p;

	if (!b->err && b->next < b->nparams) {
		sz = saker_ptype_size(evt_table[b->type].params[b->next].type);
		if (!sz) {
			b->err = -EINVAL;
			return;
		}
	}
	p = put(b, sz, false);
	if (!p)
		return;
	if (sz == 1) {
		*p = (uint8_t)v;
	} else if (sz == 2) {
		uint16_t x = (uint16_t)v;
		memcpy(p, &x, 2);
	} else if (sz == 4) {
		uint32_t x = (uint32_t)v;
		memcpy(p, &x, 4);
	} else {
		memcpy(p, &v, 8);
	}
}

static size_t room(const struct rec_builder *b)
{
	size_t r = b->cap > b->off ? b->cap - b->off : 0;

	return r < SAKER_PARAM_LEN_MASK ? r : SAKER_PARAM_LEN_MASK;
}

void rb_str(struct rec_builder *b, const char *s)
{
	size_t len, max = room(b);
	bool cut = false;
	uint8_t *p;

	if (!s) {
		rb_absent(b);
		return;
	}
	len = strlen(s) + 1;
	if (len > max && max > 0) {
		len = max;
		cut = true;
	}
	p = put(b, len, cut);
	if (!p)
		return;
	memcpy(p, s, len - 1);
	p[len - 1] = '\0';
}

void rb_strlist(struct rec_builder *b, const char *list, size_t len)
{
	size_t max = room(b);
	bool cut = false;
	uint8_t *p;

	if (!list) {
		rb_absent(b);
		return;
	}
	/* Drop a trailing NUL the caller included; we add exactly one. */
	if (len && list[len - 1] == '\0')
		len--;
	if (len + 1 > max && max > 0) {
		len = max - 1;
		cut = true;
	}
	p = put(b, len + 1, cut);
	if (!p)
		return;
	memcpy(p, list, len);
	p[len] = '\0';
}

void rb_bytes(struct rec_builder *b, const void *src, size_t len)
{
	size_t max = room(b);
	bool cut = false;
	uint8_t *p;

	if (len > max) {
		len = max;
		cut = true;
	}
	p = put(b, len, cut);
	if (p && len)
		memcpy(p, src, len);
}

static size_t addr_len(int family)
{
	return family == AF_INET6 ? 16 : 4;
}

void rb_sockaddr_in(struct rec_builder *b, int family, const void *addr, uint16_t port)
{
	size_t al = addr_len(family);
	uint8_t *p = put(b, 1 + al + 2, false);

	if (!p)
		return;
	p[0] = (uint8_t)family;
	memcpy(p + 1, addr, al);
	memcpy(p + 1 + al, &port, 2);
}

void rb_sockaddr_un(struct rec_builder *b, const char *path)
{
	size_t len = strnlen(path, 107);
	uint8_t *p = put(b, 1 + len + 1, false);

	if (!p)
		return;
	p[0] = AF_UNIX;
	memcpy(p + 1, path, len);
	p[1 + len] = '\0';
}

void rb_tuple_in(struct rec_builder *b, int family, const void *laddr, uint16_t lport,
		 const void *raddr, uint16_t rport)
{
	size_t al = addr_len(family);
	uint8_t *p = put(b, 1 + 2 * (al + 2), false);

	if (!p)
		return;
	p[0] = (uint8_t)family;
	memcpy(p + 1, laddr, al);
	memcpy(p + 1 + al, &lport, 2);
	memcpy(p + 3 + al, raddr, al);
	memcpy(p + 3 + 2 * al, &rport, 2);
}

void rb_tuple_un(struct rec_builder *b, uint64_t local, uint64_t peer, const char *path)
{
	size_t len = path ? strnlen(path, 107) : 0;
	size_t total = SAKER_TUPLE_UNIX_MIN + (len ? len + 1 : 0);
	uint8_t *p = put(b, total, false);

	if (!p)
		return;
	p[0] = AF_UNIX;
	memcpy(p + 1, &local, 8);
	memcpy(p + 9, &peer, 8);
	if (len) {
		memcpy(p + SAKER_TUPLE_UNIX_MIN, path, len);
		p[SAKER_TUPLE_UNIX_MIN + len] = '\0';
	}
}

int rb_end(struct rec_builder *b)
{
	if (b->err)
		return b->err;
	hdr(b)->len = (uint32_t)b->off;
	return (int)b->off;
}
