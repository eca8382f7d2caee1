// SPDX-License-Identifier: GPL-2.0-only
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "hash.h"
#include "state_str.h"

static uint32_t str_hash(const char *s, size_t len)
{
	return (uint32_t)hash_bytes(s, len);
}

static int rehash(struct state_strpool *p)
{
	uint32_t n = p->nbuckets ? p->nbuckets * 2 : 256;
	struct state_str **nb = calloc(n, sizeof(*nb));

	if (!nb)
		return -ENOMEM;
	for (uint32_t i = 0; i < p->nbuckets; i++) {
		struct state_str *s = p->buckets[i], *next;

		for (; s; s = next) {
			next = s->next;
			s->next = nb[s->hash & (n - 1)];
			nb[s->hash & (n - 1)] = s;
		}
	}
	free(p->buckets);
	p->buckets = nb;
	p->nbuckets = n;
	return 0;
}

struct state_str *state_str_get(struct state_strpool *p, const char *s, size_t len)
{
	struct state_str *e;
	uint32_t h;

	if (len > STATE_STR_MAX)
		len = STATE_STR_MAX;
	h = str_hash(s, len);
	if (p->nbuckets) {
		for (e = p->buckets[h & (p->nbuckets - 1)]; e; e = e->next)
			if (e->hash == h && e->len == len && !memcmp(e->s, s, len))
				return state_str_ref(e);
	}
	if (p->count >= p->nbuckets && rehash(p) < 0)
		return NULL;
	e = malloc(sizeof(*e) + len + 1);
	if (!e)
		return NULL;
	memcpy(e->s, s, len);
	e->s[len] = '\0';
	e->len = (uint32_t)len;
	e->hash = h;
	e->ref = 1;
	e->next = p->buckets[h & (p->nbuckets - 1)];
	p->buckets[h & (p->nbuckets - 1)] = e;
	p->count++;
	p->bytes += len + 1;
	return e;
}

struct state_str *state_str_ref(struct state_str *s)
{
	if (s)
		s->ref++;
	return s;
}

void state_str_put(struct state_strpool *p, struct state_str *s)
{
	struct state_str **pp;

	if (!s || --s->ref > 0)
		return;
	for (pp = &p->buckets[s->hash & (p->nbuckets - 1)]; *pp; pp = &(*pp)->next) {
		if (*pp == s) {
			*pp = s->next;
			break;
		}
	}
	p->count--;
	p->bytes -= s->len + 1;
	free(s);
}

int state_str_set(struct state_strpool *p, struct state_str **slot, const char *s, size_t len)
{
	struct state_str *n = NULL;

	if (s) {
		n = state_str_get(p, s, len);
		if (!n)
			return -ENOMEM;
	}
	state_str_put(p, *slot);
	*slot = n;
	return 0;
}

void state_strpool_free(struct state_strpool *p)
{
	if (!p)
		return;
	for (uint32_t i = 0; i < p->nbuckets; i++) {
		struct state_str *s = p->buckets[i], *next;

		for (; s; s = next) {
			next = s->next;
			free(s);
		}
	}
	free(p->buckets);
	*p = (struct state_strpool){ 0 };
}
