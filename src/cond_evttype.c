// SPDX-License-Identifier: GPL-2.0-only
/*
 * The event types a condition can be true for. Each node gets two sets:
 * T, the types for which it can be true, and F, those for which it can be
 * false. A plain evt.type check splits the types exactly; any other check
 * can be either for any type. and: T = T1 & T2, F = F1 | F2; or: the dual;
 * not swaps them. So "not evt.type = open" is every type but open, while
 * "not (evt.type = open and proc.name = x)" is every type.
 */
#include "config.h"

#include <string.h>

#include "cond_int.h"

struct tf {
	struct src_interest t, f;
};

static void fill_all(struct src_interest *s)
{
	memset(s, 0, sizeof(*s));
	for (unsigned i = 0; i < SAKER_EV_MAX; i++)
		src_interest_set(s, i);
}

static void analyse(const struct cond_expr *e, struct tf *out)
{
	struct tf k;

	switch (e->kind) {
	case CE_CHECK:
		if (!e->types) {
			fill_all(&out->t);
			fill_all(&out->f);
			return;
		}
		fill_all(&out->f);
		memset(&out->t, 0, sizeof(out->t));
		for (unsigned i = 0; i < SRC_INTEREST_BYTES; i++) {
			out->t.bits[i] = e->types->bits[i];
			out->f.bits[i] &= (uint8_t)~e->types->bits[i];
		}
		if (e->op == OP_NE) {
			k = *out;
			out->t = k.f;
			out->f = k.t;
		}
		return;
	case CE_NOT:
		analyse(e->kids[0], &k);
		out->t = k.f;
		out->f = k.t;
		return;
	case CE_TRUE:
		fill_all(&out->t);
		memset(&out->f, 0, sizeof(out->f));
		return;
	default:
		break;
	}
	/* and / or */
	for (unsigned i = 0; i < e->n; i++) {
		analyse(e->kids[i], &k);
		if (i == 0) {
			*out = k;
			continue;
		}
		for (unsigned b = 0; b < SRC_INTEREST_BYTES; b++) {
			if (e->kind == CE_AND) {
				out->t.bits[b] &= k.t.bits[b];
				out->f.bits[b] |= k.f.bits[b];
			} else {
				out->t.bits[b] |= k.t.bits[b];
				out->f.bits[b] &= k.f.bits[b];
			}
		}
	}
}

bool cond_evttypes(const struct cond_expr *e, struct src_interest *ret)
{
	struct tf r;
	bool all = true;

	analyse(e, &r);
	for (unsigned i = 0; i < SAKER_EV_MAX; i++)
		if (!src_interest_has(&r.t, i))
			all = false;
	*ret = r.t;
	return all;
}

void cond_expr_slots(const struct cond_expr *e, void (*fn)(void *ud, unsigned slot), void *ud)
{
	if (e->kind != CE_CHECK) {
		for (unsigned i = 0; i < e->n; i++)
			cond_expr_slots(e->kids[i], fn, ud);
		return;
	}
	if (!e->types)
		fn(ud, e->slot);
	if (e->rslot >= 0)
		fn(ud, (unsigned)e->rslot);
	if (e->dns_ids && e->addr_slot >= 0)
		fn(ud, (unsigned)e->addr_slot);
}
