// SPDX-License-Identifier: GPL-2.0-only
/* Macro inlining and list expansion: a deep copy of a parsed condition. */
#include "config.h"

#include <stdlib.h>
#include <string.h>

#include "cond.h"

struct xctx {
	const struct cond_resolver *r;
	cond_diag_fn diag;
	void *ud;
	unsigned depth;
};

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static char *dup_opt(const char *s)
{
	return s ? strdup(s) : NULL;
}

static int copy_operand(struct cond_operand *d, const struct cond_operand *s)
{
	*d = *s;
	d->name = dup_opt(s->name);
	d->arg = dup_opt(s->arg);
	return (s->name && !d->name) || (s->arg && !d->arg) ? -1 : 0;
}

static int push_val(struct cond_node *d, const struct cond_value *v, unsigned *cap)
{
	if (d->nvals == *cap) {
		unsigned ncap = *cap ? *cap * 2 : 8;
		struct cond_value *nv = realloc(d->vals, ncap * sizeof(*nv));

		if (!nv)
			return -1;
		d->vals = nv;
		*cap = ncap;
	}
	d->vals[d->nvals] = *v;
	d->vals[d->nvals].s = dup_n(v->s, v->len);
	if (!d->vals[d->nvals].s)
		return -1;
	d->nvals++;
	return 0;
}

static int push_list(struct cond_node *d, const struct cond_value *items, unsigned n, unsigned *cap)
{
	for (unsigned i = 0; i < n; i++)
		if (push_val(d, &items[i], cap) < 0)
			return -1;
	return 0;
}

static int copy_values(struct xctx *x, struct cond_node *d, const struct cond_node *s)
{
	unsigned cap = 0, n;
	const struct cond_value *items;

	if (s->name) { /* "in list_name" */
		items = x->r->list(x->r->ud, s->name, &n);
		if (!items) {
			x->diag(x->ud, s->pos, "'%s' after '%s' is not a defined list", s->name,
				cond_op_names[s->op]);
			return -1;
		}
		return push_list(d, items, n, &cap);
	}
	for (unsigned i = 0; i < s->nvals; i++) {
		const struct cond_value *v = &s->vals[i];

		items = (!s->rhs_is_list || v->quoted) ? NULL : x->r->list(x->r->ud, v->s, &n);
		if (items ? push_list(d, items, n, &cap) < 0 : push_val(d, v, &cap) < 0)
			return -1;
	}
	return 0;
}

static struct cond_node *copy(struct xctx *x, const struct cond_node *s);

/* Tag positions with the innermost macro they came from (for diagnostics). */
static void mark_macro(struct cond_node *n, const char *name)
{
	if (!n->pos.macro)
		n->pos.macro = name;
	if (!n->lhs.pos.macro)
		n->lhs.pos.macro = name;
	if (!n->rhs.pos.macro)
		n->rhs.pos.macro = name;
	for (unsigned i = 0; i < n->nvals; i++)
		if (!n->vals[i].pos.macro && !n->vals[i].pos.list)
			n->vals[i].pos.macro = name;
	for (unsigned i = 0; i < n->nkids; i++)
		mark_macro(n->kids[i], name);
}

static struct cond_node *inline_macro(struct xctx *x, const struct cond_node *s)
{
	const struct cond_node *m = x->r->macro(x->r->ud, s->name, s->pos);
	struct cond_node *d;

	if (!m)
		return NULL; /* the resolver said why */
	if (x->depth >= COND_MAX_DEPTH) {
		x->diag(x->ud, s->pos, "macro '%s' nests macros deeper than %d levels", s->name,
			COND_MAX_DEPTH);
		return NULL;
	}
	x->depth++;
	d = copy(x, m);
	x->depth--;
	if (d)
		mark_macro(d, s->name);
	return d;
}

static struct cond_node *copy(struct xctx *x, const struct cond_node *s)
{
	struct cond_node *d;

	if (s->kind == CN_MACRO)
		return inline_macro(x, s);
	d = calloc(1, sizeof(*d));
	if (!d)
		return NULL;
	d->kind = s->kind;
	d->pos = s->pos;
	d->op = s->op;
	d->rhs_is_field = s->rhs_is_field;
	d->rhs_is_list = s->rhs_is_list;
	if (s->nkids) {
		d->kids = calloc(s->nkids, sizeof(*d->kids));
		if (!d->kids)
			goto err;
		for (unsigned i = 0; i < s->nkids; i++) {
			d->kids[i] = copy(x, s->kids[i]);
			if (!d->kids[i])
				goto err;
			d->nkids++;
		}
	}
	if (s->kind == CN_CHECK) {
		if (copy_operand(&d->lhs, &s->lhs) < 0 || copy_operand(&d->rhs, &s->rhs) < 0)
			goto err;
		if (copy_values(x, d, s) < 0)
			goto err;
	}
	return d;
err:
	cond_node_free(d);
	return NULL;
}

struct cond_node *cond_expand(const struct cond_node *n, const struct cond_resolver *r,
			      cond_diag_fn diag, void *ud)
{
	struct xctx x = { .r = r, .diag = diag, .ud = ud };

	return copy(&x, n);
}
