// SPDX-License-Identifier: GPL-2.0-only
/*
 * Shared subexpressions. A macro such as open_read or spawned_process is
 * inlined into many rules; each copy compiles to its own tree. Here every
 * compiled node gets an id by structure (a check by its slots, operator and
 * constants as written; a group by its kind and its children's ids), so
 * identical subtrees share an id and the evaluator computes each shared id
 * once per event. Conditions have no side effects, so a cached verdict is
 * the verdict.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "cond_int.h"
#include "hash.h"

#define MEMO_MAX (1u << 20) /* distinct subexpressions per ruleset */

struct memo_key {
	char *b;
	size_t n;
};

struct cond_memo {
	struct memo_key *keys; /* by id */
	unsigned *uses; /* by id */
	unsigned n, cap;
	uint32_t *tab; /* id + 1; 0 is empty */
	unsigned mask;
};

struct kbuf {
	char *b;
	size_t n, cap;
	bool oom;
};

static void put(struct kbuf *k, const void *p, size_t n)
{
	if (k->oom)
		return;
	if (k->n + n > k->cap) {
		size_t cap = (k->n + n) * 2 + 64;
		char *b = realloc(k->b, cap);

		if (!b) {
			k->oom = true;
			return;
		}
		k->b = b;
		k->cap = cap;
	}
	memcpy(k->b + k->n, p, n);
	k->n += n;
}

static void put_u32(struct kbuf *k, uint32_t v)
{
	put(k, &v, sizeof(v));
}

static int grow(struct cond_memo *m)
{
	unsigned cap = m->cap ? m->cap * 2 : 256;
	struct memo_key *keys = realloc(m->keys, cap * sizeof(*keys));
	unsigned *uses;
	uint32_t *tab;

	if (!keys)
		return -ENOMEM;
	m->keys = keys;
	uses = realloc(m->uses, cap * sizeof(*uses));
	if (!uses)
		return -ENOMEM;
	m->uses = uses;
	tab = calloc(cap * 2, sizeof(*tab));
	if (!tab)
		return -ENOMEM;
	free(m->tab);
	m->tab = tab;
	m->cap = cap;
	m->mask = cap * 2 - 1;
	for (unsigned i = 0; i < m->n; i++) {
		uint64_t h = hash_bytes(m->keys[i].b, m->keys[i].n) & m->mask;

		while (m->tab[h])
			h = (h + 1) & m->mask;
		m->tab[h] = i + 1;
	}
	return 0;
}

/* The id of key (taken over on insertion), or -errno. */
static int intern(struct cond_memo *m, struct kbuf *k)
{
	uint64_t h;

	if (k->oom)
		return -ENOMEM;
	for (h = m->cap ? hash_bytes(k->b, k->n) & m->mask : 0; m->cap && m->tab[h];
	     h = (h + 1) & m->mask) {
		struct memo_key *e = &m->keys[m->tab[h] - 1];

		if (e->n == k->n && !memcmp(e->b, k->b, k->n)) {
			free(k->b);
			m->uses[m->tab[h] - 1]++;
			return (int)(m->tab[h] - 1);
		}
	}
	if (m->n >= MEMO_MAX)
		return -E2BIG;
	if (m->n >= m->cap) {
		int r = grow(m);

		if (r < 0)
			return r;
	}
	h = hash_bytes(k->b, k->n) & m->mask;
	while (m->tab[h])
		h = (h + 1) & m->mask;
	m->keys[m->n] = (struct memo_key){ k->b, k->n };
	m->uses[m->n] = 1;
	m->tab[h] = ++m->n;
	return (int)(m->n - 1);
}

static void put_check(struct kbuf *k, const struct cond_expr *c, const struct cond_node *n,
		      enum field_source src)
{
	put_u32(k, CE_CHECK);
	put_u32(k, src);
	put_u32(k, c->slot);
	put_u32(k, (uint32_t)c->rslot);
	put_u32(k, c->op);
	put_u32(k, n->rhs_is_list);
	put_u32(k, n->nvals);
	for (unsigned i = 0; i < n->nvals; i++) {
		put_u32(k, (uint32_t)n->vals[i].len);
		put_u32(k, n->vals[i].quoted);
		put(k, n->vals[i].s, n->vals[i].len);
	}
}

/*
 * Give c (compiled from n) its structural id; children already have theirs.
 * Returns 0 or -errno; on failure c keeps memo = -1 (evaluated directly).
 */
int cond_memo_assign(struct cond_env *env, struct cond_expr *c, const struct cond_node *n,
		     enum field_source src)
{
	struct kbuf k = { 0 };
	int id;

	c->memo = -1;
	if (!env->memo && !(env->memo = calloc(1, sizeof(*env->memo))))
		return -ENOMEM;
	if (c->kind == CE_CHECK) {
		put_check(&k, c, n, src);
	} else {
		put_u32(&k, c->kind);
		put_u32(&k, c->n);
		for (unsigned i = 0; i < c->n; i++) {
			if (c->kids[i]->memo < 0) {
				free(k.b);
				return 0;
			}
			put_u32(&k, (uint32_t)c->kids[i]->memo);
		}
	}
	id = intern(env->memo, &k);
	if (id < 0) {
		free(k.b);
		return id;
	}
	c->memo = id;
	return 0;
}

unsigned cond_memo_count(const struct cond_env *env)
{
	return env->memo ? env->memo->n : 0;
}

bool cond_memo_shared(const struct cond_env *env, unsigned id)
{
	return env->memo && id < env->memo->n && env->memo->uses[id] > 1;
}

unsigned cond_env_nshared(const struct cond_env *env)
{
	unsigned n = 0;

	for (unsigned i = 0; i < cond_memo_count(env); i++)
		n += cond_memo_shared(env, i);
	return n;
}

void cond_memo_free(struct cond_memo *m)
{
	if (!m)
		return;
	for (unsigned i = 0; i < m->n; i++)
		free(m->keys[i].b);
	free(m->keys);
	free(m->uses);
	free(m->tab);
	free(m);
}
