// SPDX-License-Identifier: GPL-2.0-only
/*
 * Evaluation. All memory is allocated by cond_run_new(): per event, field
 * values go to a value pool and text to an arena, both reset by
 * cond_run_begin(), and each slot is extracted at most once per event.
 */
#include "config.h"

#include <ctype.h>
#include <fnmatch.h>
#include <stdlib.h>
#include <string.h>

#include "cond_int.h"
#include "dns.h"

#define RUN_POOL 4096 /* values per event */
#define RUN_ARENA (256 * 1024) /* bytes of rendered text per event */
#define RUN_SLOT_MAX 256 /* values one field may yield */

struct cond_cache {
	uint64_t gen;
	int n;
	struct field_val *vals;
};

/* The verdict of a shared subexpression in this event (gen). */
struct cond_memo_val {
	uint64_t gen;
	bool val;
};

struct cond_run {
	const struct cond_env *env;
	struct cond_memo_val *memo; /* by id; NULL entries: not shared */
	bool *shared; /* by id */
	unsigned nmemo;
	struct field_ctx ctx;
	uint64_t gen;
	struct cond_cache *cache;
	unsigned ncache;
	struct field_val *pool;
	unsigned pool_used;
	char *arena;
	size_t arena_used;
};

struct cond_run *cond_run_new(const struct cond_env *env)
{
	struct cond_run *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->env = env;
	r->ncache = env->n;
	r->cache = calloc(env->n ? env->n : 1, sizeof(*r->cache));
	r->pool = calloc(RUN_POOL, sizeof(*r->pool));
	r->arena = malloc(RUN_ARENA);
	r->nmemo = cond_memo_count(env);
	r->memo = calloc(r->nmemo ? r->nmemo : 1, sizeof(*r->memo));
	r->shared = calloc(r->nmemo ? r->nmemo : 1, sizeof(*r->shared));
	if (!r->cache || !r->pool || !r->arena || !r->memo || !r->shared) {
		cond_run_free(r);
		return NULL;
	}
	for (unsigned i = 0; i < r->nmemo; i++)
		r->shared[i] = cond_memo_shared(env, i);
	return r;
}

void cond_run_nomemo(struct cond_run *r)
{
	memset(r->shared, 0, r->nmemo * sizeof(*r->shared));
}

void cond_run_free(struct cond_run *r)
{
	if (!r)
		return;
	free(r->cache);
	free(r->memo);
	free(r->shared);
	free(r->pool);
	free(r->arena);
	free(r);
}

void cond_run_begin(struct cond_run *r, const struct field_ctx *ctx)
{
	r->ctx = *ctx;
	r->gen++;
	r->pool_used = 0;
	r->arena_used = 0;
}

enum field_type cond_run_type(const struct cond_run *r, unsigned slot)
{
	return r->env->slots[slot].type;
}

static char *arena_take(struct cond_run *r, size_t n)
{
	char *p;

	if (RUN_ARENA - r->arena_used < n)
		return NULL;
	p = r->arena + r->arena_used;
	r->arena_used += n;
	return p;
}

static int b64val(int c)
{
	if (c >= 'A' && c <= 'Z')
		return c - 'A';
	if (c >= 'a' && c <= 'z')
		return c - 'a' + 26;
	if (c >= '0' && c <= '9')
		return c - '0' + 52;
	return c == '+' ? 62 : c == '/' ? 63 : -1;
}

/* Apply one transformer to v in place (new text goes to the arena). */
static bool transform(struct cond_run *r, enum cond_xf x, struct field_val *v)
{
	const char *s = v->s.p;
	size_t n = v->s.len, o = 0;
	unsigned acc = 0, bits = 0;
	char *d;

	if (x == XF_LEN) {
		v->u = n;
		return true;
	}
	if (x == XF_BASENAME) {
		const char *slash = memrchr(s, '/', n);

		if (slash) {
			v->s.p = slash + 1;
			v->s.len = (uint32_t)(n - (size_t)(slash + 1 - s));
		}
		d = arena_take(r, v->s.len + 1);
		if (!d)
			return false;
		memcpy(d, v->s.p, v->s.len);
		d[v->s.len] = 0;
		v->s.p = d;
		return true;
	}
	d = arena_take(r, n + 1);
	if (!d)
		return false;
	for (size_t i = 0; i < n; i++) {
		int c = (unsigned char)s[i];

		if (x == XF_TOLOWER)
			d[o++] = (char)tolower(c);
		else if (x == XF_TOUPPER)
			d[o++] = (char)toupper(c);
		else if (c == '=')
			break;
		else if (b64val(c) < 0)
			return false; /* not base64: the value is not available */
		else {
			acc = acc << 6 | (unsigned)b64val(c);
			bits += 6;
			if (bits >= 8) {
				bits -= 8;
				d[o++] = (char)(acc >> bits & 0xff);
			}
		}
	}
	d[o] = 0;
	v->s.p = d;
	v->s.len = (uint32_t)o;
	return true;
}

int cond_run_get(struct cond_run *r, unsigned slot, const struct field_val **ret)
{
	struct cond_cache *c;
	const struct cond_slot *s;
	field_extract_fn fn;
	struct field_out out;
	int n = 0;

	if (slot >= r->ncache)
		return 0;
	c = &r->cache[slot];
	if (c->gen == r->gen) {
		*ret = c->vals;
		return c->n;
	}
	s = &r->env->slots[slot];
	out = (struct field_out){ .vals = r->pool + r->pool_used,
				  .cap = RUN_POOL - r->pool_used,
				  .buf = r->arena + r->arena_used,
				  .size = RUN_ARENA - r->arena_used };
	if (out.cap > RUN_SLOT_MAX)
		out.cap = RUN_SLOT_MAX;
	fn = field_extractor(s->req.id);
	if (fn && out.cap && fn(&s->req, &r->ctx, &out) > 0)
		n = (int)out.n;
	r->pool_used += (unsigned)n;
	r->arena_used += out.used;
	for (int i = 0; s->nxf && i < n; i++)
		for (unsigned k = 0; k < s->nxf; k++)
			if (!transform(r, (enum cond_xf)s->xf[k], &out.vals[i]))
				n = 0;
	c->gen = r->gen;
	c->n = n;
	c->vals = out.vals;
	*ret = out.vals;
	return n;
}

static bool ci_contains(const char *h, size_t hn, const char *needle, size_t nn)
{
	if (nn > hn)
		return false;
	for (size_t i = 0; i + nn <= hn; i++) {
		size_t k = 0;

		while (k < nn &&
		       tolower((unsigned char)h[i + k]) == tolower((unsigned char)needle[k]))
			k++;
		if (k == nn)
			return true;
	}
	return false;
}

/*
 * memmem() for the short needles of rules: glibc's builds a shift table
 * on every call, which cost more than the search on paths of 20-60 bytes.
 * Candidates are found by one byte of the needle, not '/' or '.' if it has
 * another (paths are full of those), and then compared in full.
 */
static bool contains(const char *h, size_t hn, const char *nd, size_t nn)
{
	const char *p, *end;
	size_t j = 0;

	if (nn == 0)
		return true;
	if (nn > hn)
		return false;
	while (j < nn - 1 && (nd[j] == '/' || nd[j] == '.'))
		j++;
	/* Needle starts are 0 .. hn - nn, so its byte j is at j .. hn - nn + j. */
	end = h + hn - (nn - 1 - j);
	for (p = h + j; p < end; p++) {
		p = memchr(p, nd[j], (size_t)(end - p));
		if (!p)
			return false;
		if (!memcmp(p - j, nd, nn))
			return true;
	}
	return false;
}

static bool glob(const struct field_val *pat, const struct field_val *v, int flags)
{
	char buf[4096], *text = buf;
	size_t lit = 0;
	bool r;

	/*
	 * The text before the first special character must open the value:
	 * most values fail there (on the "/home/" of a pattern for users' ssh
	 * keys), with no copy and no fnmatch. Case folding: fnmatch decides.
	 */
	while (!(flags & FNM_CASEFOLD) && lit < pat->s.len && pat->s.p[lit] &&
	       pat->s.p[lit] != '*' && pat->s.p[lit] != '?' && pat->s.p[lit] != '[' &&
	       pat->s.p[lit] != '\\')
		lit++;
	if (lit && (lit > v->s.len || memcmp(pat->s.p, v->s.p, lit)))
		return false;

	/*
	 * fnmatch wants NUL-terminated text; values need not be. A long one
	 * (a command line, an environment) is copied whole: a cut would make
	 * "*suffix" patterns miss and "prefix*" ones match text never seen.
	 */
	if (v->s.len >= sizeof(buf) && !(text = malloc(v->s.len + 1)))
		return false;
	memcpy(text, v->s.p, v->s.len);
	text[v->s.len] = 0;
	r = fnmatch(pat->s.p, text, flags) == 0;
	if (text != buf)
		free(text);
	return r;
}

static int memcmp_len(const struct field_val *a, const struct field_val *b)
{
	size_t n = a->s.len < b->s.len ? a->s.len : b->s.len;
	int c = memcmp(a->s.p, b->s.p, n);

	return c ? c : (a->s.len > b->s.len) - (a->s.len < b->s.len);
}

static bool match_str(const struct cond_expr *c, const struct field_val *v,
		      const struct field_val *k)
{
	switch (c->op) {
	case OP_EQ:
	case OP_NE:
		return (v->s.len == k->s.len && !memcmp(v->s.p, k->s.p, k->s.len)) ==
		       (c->op == OP_EQ);
	case OP_LT:
		return memcmp_len(v, k) < 0;
	case OP_LE:
		return memcmp_len(v, k) <= 0;
	case OP_GT:
		return memcmp_len(v, k) > 0;
	case OP_GE:
		return memcmp_len(v, k) >= 0;
	case OP_CONTAINS:
	case OP_BCONTAINS:
		return contains(v->s.p, v->s.len, k->s.p, k->s.len);
	case OP_ICONTAINS:
		return ci_contains(v->s.p, v->s.len, k->s.p, k->s.len);
	case OP_STARTSWITH:
	case OP_BSTARTSWITH:
		return v->s.len >= k->s.len && !memcmp(v->s.p, k->s.p, k->s.len);
	case OP_ENDSWITH:
		return v->s.len >= k->s.len &&
		       !memcmp(v->s.p + v->s.len - k->s.len, k->s.p, k->s.len);
	case OP_GLOB:
		return glob(k, v, 0);
	case OP_IGLOB:
		return glob(k, v, FNM_CASEFOLD);
	case OP_REGEX:
		return pcre2_match(c->re, (PCRE2_SPTR)v->s.p, v->s.len, 0, 0, c->md, NULL) >= 0;
	default:
		return false;
	}
}

static bool match_num(const struct cond_expr *c, const struct field_val *v,
		      const struct field_val *k)
{
	int cmp;

	if (c->cls == FC_SIGNED)
		cmp = (v->i > k->i) - (v->i < k->i);
	else
		cmp = (v->u > k->u) - (v->u < k->u);
	switch (c->op) {
	case OP_EQ:
		return cmp == 0;
	case OP_NE:
		return cmp != 0;
	case OP_LT:
		return cmp < 0;
	case OP_LE:
		return cmp <= 0;
	case OP_GT:
		return cmp > 0;
	case OP_GE:
		return cmp >= 0;
	default:
		return false;
	}
}

static bool match_one(const struct cond_expr *c, const struct field_val *v,
		      const struct field_val *k)
{
	switch (c->op) {
	case OP_IN:
	case OP_INTERSECTS:
		return cond_set_has(c->set, v);
	case OP_PMATCH:
		return cond_set_pmatch(c->set, v);
	default:
		break;
	}
	switch (c->cls) {
	case FC_STR:
	case FC_BYTES:
		return match_str(c, v, k);
	case FC_BOOL:
		return (v->b == k->b) == (c->op == OP_EQ);
	case FC_IP:
		if (c->rslot >= 0)
			return (v->ip.fam == k->ip.fam && !memcmp(v->ip.a, k->ip.a, 16)) ==
			       (c->op == OP_EQ);
		return cond_ip_in(k, v) == (c->op == OP_EQ);
	default:
		return match_num(c, v, k);
	}
}

/* fd.*ip.name =, != or in: is the address one of the names'? */
static bool eval_dns(const struct cond_expr *c, struct cond_run *r)
{
	const struct field_val *ip;
	bool hit;

	if (cond_run_get(r, (unsigned)c->addr_slot, &ip) <= 0)
		return false;
	hit = dns_match(r->ctx.dns, c->dns_ids, c->ndns, ip);
	return c->op == OP_NE ? !hit : hit;
}

static bool eval_check(const struct cond_expr *c, struct cond_run *r)
{
	const struct field_val *vals, *k = &c->val;
	int n;

	if (c->dns_ids)
		return eval_dns(c, r);

	/* evt.type against the names given: compare type numbers. */
	if (c->types && r->ctx.evt) {
		bool has = src_interest_has(c->types, r->ctx.evt->hdr.type);

		return c->op == OP_NE ? !has : has;
	}
	n = cond_run_get(r, c->slot, &vals);
	if (c->op == OP_EXISTS)
		return n > 0;
	if (n <= 0)
		return false;
	if (c->rslot >= 0 && cond_run_get(r, (unsigned)c->rslot, &k) <= 0)
		return false;
	if (c->subset) {
		for (int i = 0; i < n; i++)
			if (!cond_set_has(c->set, &vals[i]))
				return false;
		return true;
	}
	for (int i = 0; i < n; i++)
		if (match_one(c, &vals[i], k))
			return true;
	return false;
}

static bool eval_node(const struct cond_expr *e, struct cond_run *r)
{
	switch (e->kind) {
	case CE_AND:
		for (unsigned i = 0; i < e->n; i++)
			if (!cond_eval(e->kids[i], r))
				return false;
		return true;
	case CE_OR:
		for (unsigned i = 0; i < e->n; i++)
			if (cond_eval(e->kids[i], r))
				return true;
		return false;
	case CE_NOT:
		return !cond_eval(e->kids[0], r);
	case CE_TRUE:
		return true;
	default:
		return eval_check(e, r);
	}
}

bool cond_eval(const struct cond_expr *e, struct cond_run *r)
{
	struct cond_memo_val *m;

	if (e->memo < 0 || (unsigned)e->memo >= r->nmemo || !r->shared[e->memo])
		return eval_node(e, r);
	m = &r->memo[e->memo];
	if (m->gen != r->gen) {
		m->val = eval_node(e, r);
		m->gen = r->gen;
	}
	return m->val;
}

static bool slot_unknown(const uint8_t *unknown, int slot)
{
	return slot >= 0 && (unknown[(unsigned)slot / 8] >> ((unsigned)slot % 8)) & 1;
}

enum cond_tri cond_eval_partial(const struct cond_expr *e, struct cond_run *r,
				const uint8_t *unknown)
{
	enum cond_tri v, acc;

	switch (e->kind) {
	case CE_AND:
	case CE_OR:
		/* and: false wins, else unknown wins; or: the same with true. */
		acc = e->kind == CE_AND ? COND_TRUE : COND_FALSE;
		for (unsigned i = 0; i < e->n; i++) {
			v = cond_eval_partial(e->kids[i], r, unknown);
			if (v == (e->kind == CE_AND ? COND_FALSE : COND_TRUE))
				return v;
			if (v == COND_UNKNOWN)
				acc = COND_UNKNOWN;
		}
		return acc;
	case CE_NOT:
		v = cond_eval_partial(e->kids[0], r, unknown);
		return v == COND_UNKNOWN ? v : v == COND_TRUE ? COND_FALSE : COND_TRUE;
	case CE_TRUE:
		return COND_TRUE;
	default:
		/* evt.type compared by number is always known. */
		if (!(e->types && r->ctx.evt) &&
		    (slot_unknown(unknown, (int)e->slot) || slot_unknown(unknown, e->rslot) ||
		     (e->dns_ids && slot_unknown(unknown, e->addr_slot))))
			return COND_UNKNOWN;
		return eval_check(e, r) ? COND_TRUE : COND_FALSE;
	}
}
