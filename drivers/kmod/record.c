// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building one record in place, in the ABI format: header, a u16 length per
 * parameter, then the bytes. Every copy is bounded by the parameter's limit
 * and by the room left; a value cut to fit is flagged truncated, a value
 * that cannot be read at all has length 0. A record that does not fit in the
 * room it was given is not written at all (the caller counts the drop).
 */
#include <linux/dcache.h>
#include <linux/path.h>
#include <linux/pid.h>
#include <linux/sched.h>
#include <linux/string.h>
#include <linux/timekeeping.h>
#include <linux/uaccess.h>

#include "compat.h"
#include "saker_kmod.h"

void saker_rec_begin(struct saker_rec *r, void *buf, u32 limit, u16 type, s64 res,
		     struct task_struct *task)
{
	struct saker_rec_hdr *h = buf;

	r->buf = buf;
	r->limit = limit;
	r->nparams = type < SAKER_EV_MAX ? saker_nparams[type] : 0;
	r->idx = 0;
	r->off = SAKER_HDR_SIZE + 2u * r->nparams;
	r->overflow = r->off > limit;
	if (r->overflow)
		return;
	h->ts = ktime_get_boottime_ns();
	h->res = res;
	h->tid = task_pid_nr(task);
	h->pid = task_tgid_nr(task);
	h->type = type;
	h->nparams = r->nparams;
}

u32 saker_rec_end(struct saker_rec *r)
{
	struct saker_rec_hdr *h = (struct saker_rec_hdr *)r->buf;

	/* Parameters a filler did not reach are "not available". */
	while (!r->overflow && r->idx < r->nparams)
		saker_rec_absent(r);
	if (r->overflow)
		return 0;
	h->len = r->off;
	return r->off;
}

void saker_rec_put_len(struct saker_rec *r, u32 n, bool truncated)
{
	u16 v;

	if (r->overflow || r->idx >= r->nparams)
		return;
	if (n > SAKER_PARAM_LEN_MASK || r->off + n > r->limit) {
		r->overflow = true;
		return;
	}
	v = n | (truncated ? SAKER_PARAM_TRUNCATED : 0);
	memcpy(r->buf + SAKER_HDR_SIZE + 2u * r->idx, &v, sizeof(v));
	r->off += n;
	r->idx++;
}

/* Room for up to n bytes of the next parameter, or NULL if there is none. */
u8 *saker_rec_room(struct saker_rec *r, u32 n)
{
	if (r->overflow || r->idx >= r->nparams)
		return NULL;
	if (r->off + n > r->limit) {
		r->overflow = true;
		return NULL;
	}
	return r->buf + r->off;
}

void saker_rec_absent(struct saker_rec *r)
{
	saker_rec_put_len(r, 0, false);
}

/* An integer in its type's size (x86_64 is little-endian: the low bytes). */
void saker_rec_int(struct saker_rec *r, enum saker_param_type t, u64 v)
{
	u32 n = saker_ptype_size(t);
	u8 *p = saker_rec_room(r, n ? n : 8);

	if (!p)
		return;
	if (!n) {
		saker_rec_absent(r);
		return;
	}
	memcpy(p, &v, n);
	saker_rec_put_len(r, n, false);
}

void saker_rec_kbytes(struct saker_rec *r, const void *src, u32 n)
{
	u8 *p = saker_rec_room(r, n);

	if (!p)
		return;
	memcpy(p, src, n);
	saker_rec_put_len(r, n, false);
}

void saker_rec_kstr(struct saker_rec *r, const char *s, u32 max)
{
	size_t n = strnlen(s, max - 1);
	u8 *p = saker_rec_room(r, n + 1);

	if (!p)
		return;
	memcpy(p, s, n);
	p[n] = '\0';
	saker_rec_put_len(r, n + 1, s[n] != '\0');
}

void saker_rec_user_str(struct saker_rec *r, unsigned long uptr, u32 max)
{
	u32 room = r->overflow ? 0 : min(max, r->limit - r->off);
	u8 *p = saker_rec_room(r, room);
	long n;

	if (!p)
		return;
	if (!uptr || room < 2) {
		saker_rec_absent(r);
		return;
	}
	n = saker_strncpy_user_nofault((char *)p, uptr, room);
	if (n < 0) {
		saker_rec_absent(r);
		return;
	}
	if (n >= room && room < max) {
		r->overflow = true; /* the record does not fit, not the value */
		return;
	}
	if (n >= room) {
		/* No NUL within the bound: keep what fits and say so. */
		p[room - 1] = '\0';
		saker_rec_put_len(r, room, true);
		return;
	}
	saker_rec_put_len(r, n + 1, false);
}

void saker_rec_user_bytes(struct saker_rec *r, unsigned long uptr, u64 n, u32 max)
{
	u32 want = min_t(u64, n, max);
	u8 *p = saker_rec_room(r, want);

	if (!p)
		return;
	if (!uptr || !want || copy_from_user_nofault(p, (const void __user *)uptr, want)) {
		saker_rec_absent(r);
		return;
	}
	saker_rec_put_len(r, want, want < n);
}

/* NUL-separated strings between start and end in the current mm. */
void saker_rec_user_strlist(struct saker_rec *r, unsigned long start, unsigned long end, u32 max)
{
	u64 n = end > start ? end - start : 0;
	u32 want = min_t(u64, n, max);
	u8 *p = saker_rec_room(r, want);

	if (!p)
		return;
	if (!want || copy_from_user_nofault(p, (const void __user *)start, want)) {
		saker_rec_absent(r);
		return;
	}
	if (p[want - 1] != '\0') {
		p[want - 1] = '\0';
		saker_rec_put_len(r, want, true);
		return;
	}
	saker_rec_put_len(r, want, want < n);
}

/* d_path writes at the end of the room it is given; move it to the front. */
void saker_rec_path(struct saker_rec *r, const struct path *path)
{
	u32 room = r->overflow ? 0 : min_t(u32, SAKER_PATH_MAX, r->limit - r->off);
	u8 *p = saker_rec_room(r, room);
	char *s;
	size_t n;

	if (!p)
		return;
	if (room < 2) {
		saker_rec_absent(r);
		return;
	}
	s = d_path(path, (char *)p, room);
	if (IS_ERR(s) && room < SAKER_PATH_MAX) {
		r->overflow = true;
		return;
	}
	if (IS_ERR(s)) {
		saker_rec_absent(r);
		return;
	}
	n = strlen(s) + 1;
	memmove(p, s, n);
	saker_rec_put_len(r, n, false);
}
