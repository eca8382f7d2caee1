// SPDX-License-Identifier: GPL-2.0-only
/*
 * Constant sets for in / intersects / pmatch. Strings and numbers are
 * hashed (hash.h) into an open-addressing table built at load time; the
 * evaluator only probes it. pmatch probes every leading path prefix of the
 * value at component boundaries, so "/a/b" matches "/a/b" and "/a/b/c" but
 * not "/a/bc".
 */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cond_int.h"
#include "hash.h"

uint64_t cond_hash(const void *p, size_t n)
{
	return hash_bytes(p, n);
}

static uint64_t val_hash(enum field_class c, const struct field_val *v)
{
	if (c == FC_STR || c == FC_BYTES)
		return cond_hash(v->s.p, v->s.len);
	return cond_hash(&v->u, sizeof(v->u));
}

static bool val_eq(enum field_class c, const struct field_val *a, const struct field_val *b)
{
	switch (c) {
	case FC_STR:
	case FC_BYTES:
		return a->s.len == b->s.len && !memcmp(a->s.p, b->s.p, a->s.len);
	case FC_BOOL:
		return a->b == b->b;
	default:
		return a->u == b->u;
	}
}

bool cond_ip_in(const struct field_val *net, const struct field_val *ip)
{
	unsigned bits = net->ip.bits, whole = bits / 8, rest = bits % 8;

	if (net->ip.fam != ip->ip.fam)
		return false;
	if (memcmp(net->ip.a, ip->ip.a, whole))
		return false;
	if (rest) {
		uint8_t mask = (uint8_t)(0xff << (8 - rest));

		return (net->ip.a[whole] & mask) == (ip->ip.a[whole] & mask);
	}
	return true;
}

bool cond_set_has(const struct cond_set *s, const struct field_val *v)
{
	if (!s->n)
		return false;
	if (s->cls == FC_IP) {
		for (unsigned i = 0; i < s->n; i++)
			if (cond_ip_in(&s->items[i], v))
				return true;
		return false;
	}
	if (s->cls == FC_BOOL) {
		for (unsigned i = 0; i < s->n; i++)
			if (s->items[i].b == v->b)
				return true;
		return false;
	}
	for (uint64_t h = val_hash(s->cls, v) & s->mask;; h = (h + 1) & s->mask) {
		uint32_t k = s->tab[h];

		if (!k)
			return false;
		if (val_eq(s->cls, &s->items[k - 1], v))
			return true;
	}
}

static bool has_str(const struct cond_set *s, const char *p, size_t n)
{
	struct field_val v = { .s = { p, (uint32_t)n } };

	return cond_set_has(s, &v);
}

bool cond_set_pmatch(const struct cond_set *s, const struct field_val *v)
{
	const char *p = v->s.p;
	size_t n = v->s.len;

	while (n > 1 && p[n - 1] == '/')
		n--;
	if (has_str(s, p, n))
		return true;
	for (size_t i = n; i > 0; i--)
		if (p[i - 1] == '/' && has_str(s, p, i > 1 ? i - 1 : 1))
			return true;
	return false;
}

/* Build the hash table over items[0..n) (items already converted). */
int cond_set_index(struct cond_set *s)
{
	unsigned cap = 8;

	while (cap < s->n * 2)
		cap *= 2;
	s->mask = cap - 1;
	s->tab = calloc(cap, sizeof(*s->tab));
	if (!s->tab)
		return -1;
	for (unsigned i = 0; i < s->n; i++) {
		uint64_t h = val_hash(s->cls, &s->items[i]) & s->mask;

		while (s->tab[h]) {
			if (val_eq(s->cls, &s->items[s->tab[h] - 1], &s->items[i]))
				break;
			h = (h + 1) & s->mask;
		}
		if (!s->tab[h])
			s->tab[h] = i + 1;
	}
	return 0;
}

void cond_set_free(struct cond_set *s)
{
	if (!s)
		return;
	free(s->items);
	free(s->tab);
	free(s->strs);
	free(s);
}
