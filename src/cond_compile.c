// SPDX-License-Identifier: GPL-2.0-only
/*
 * Compile an expanded condition: resolve fields to slots, check operators
 * against field types, convert constants to the field's type (a bad
 * constant is a load error), build sets, compile regexes once. Every
 * problem is reported; compilation goes on to find the next one.
 */
#include "config.h"

#include <arpa/inet.h>
#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cond_int.h"
#include "util.h"

struct cctx {
	struct cond_env *env;
	enum field_source src;
	cond_diag_fn diag;
	void *ud;
};

static bool op_ok(enum field_class c, enum cond_op op)
{
	switch (c) {
	case FC_STR:
		return true;
	case FC_BYTES:
		return op == OP_EQ || op == OP_NE || op == OP_CONTAINS || op == OP_BCONTAINS ||
		       op == OP_STARTSWITH || op == OP_BSTARTSWITH || op == OP_EXISTS;
	case FC_SIGNED:
	case FC_UNSIGNED:
		return op <= OP_GE || op == OP_IN || op == OP_INTERSECTS || op == OP_EXISTS;
	default: /* bool, addresses */
		return op == OP_EQ || op == OP_NE || op == OP_IN || op == OP_INTERSECTS ||
		       op == OP_EXISTS;
	}
}

static int hexval(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

static bool parse_int(const char *s, bool is_signed, struct field_val *out)
{
	bool neg = false;
	uint64_t v = 0;
	unsigned base = 10;

	if (*s == '+' || *s == '-')
		neg = *s++ == '-';
	if (s[0] == '0' && (s[1] == 'x' || s[1] == 'X') && s[2]) {
		base = 16;
		s += 2;
	}
	if (!*s)
		return false;
	for (; *s; s++) {
		int d = base == 16 ? hexval(*s) : (*s >= '0' && *s <= '9' ? *s - '0' : -1);

		if (d < 0 || v > (UINT64_MAX - (unsigned)d) / base)
			return false;
		v = v * base + (unsigned)d;
	}
	if (is_signed && v > (uint64_t)INT64_MAX + neg)
		return false;
	out->u = neg ? (uint64_t)0 - v : v;
	return true;
}

static bool parse_ip(const char *s, struct field_val *out)
{
	char buf[64];
	const char *slash = strchr(s, '/');
	size_t n = slash ? (size_t)(slash - s) : strlen(s);
	unsigned max;
	char *end;
	long bits;

	if (n >= sizeof(buf))
		return false;
	memcpy(buf, s, n);
	buf[n] = 0;
	if (inet_pton(AF_INET, buf, out->ip.a) == 1) {
		out->ip.fam = 4;
		max = 32;
	} else if (inet_pton(AF_INET6, buf, out->ip.a) == 1) {
		out->ip.fam = 6;
		max = 128;
	} else {
		return false;
	}
	out->ip.bits = (uint8_t)max;
	if (!slash)
		return true;
	bits = strtol(slash + 1, &end, 10);
	if (!slash[1] || *end || bits < 0 || bits > (long)max)
		return false;
	out->ip.bits = (uint8_t)bits;
	return true;
}

/*
 * Convert constant v for a check of class cls with operator op. Strings
 * are written to dst (room for v->len + 1). Returns NULL or what is wrong.
 */
static const char *convert(enum field_class cls, enum cond_op op, const struct cond_value *v,
			   char *dst, struct field_val *out)
{
	size_t n = 0;

	memset(out, 0, sizeof(*out));
	switch (cls) {
	case FC_STR:
	case FC_BYTES:
		if (op == OP_BCONTAINS || op == OP_BSTARTSWITH) {
			if (v->len % 2)
				return "expected an even number of hex digits";
			for (size_t i = 0; i < v->len; i += 2) {
				int hi = hexval(v->s[i]), lo = hexval(v->s[i + 1]);

				if (hi < 0 || lo < 0)
					return "expected hex digits (such as 7f454c46)";
				dst[n++] = (char)(hi << 4 | lo);
			}
		} else {
			for (n = 0; n < v->len; n++)
				dst[n] = op == OP_ICONTAINS ?
						 (char)tolower((unsigned char)v->s[n]) :
						 v->s[n];
			if (op == OP_PMATCH)
				while (n > 1 && dst[n - 1] == '/')
					n--;
		}
		dst[n] = 0;
		out->s.p = dst;
		out->s.len = (uint32_t)n;
		return NULL;
	case FC_SIGNED:
	case FC_UNSIGNED:
		return parse_int(v->s, cls == FC_SIGNED, out) ? NULL : "expected an integer";
	case FC_BOOL:
		if (!strcmp(v->s, "true"))
			out->b = true;
		else if (strcmp(v->s, "false"))
			return "expected true or false";
		return NULL;
	default:
		return parse_ip(v->s, out) ? NULL : "expected an IP address or network (a.b.c.d/n)";
	}
}

static bool build_set(struct cctx *x, struct cond_expr *c, const struct cond_node *n)
{
	struct cond_set *s = calloc(1, sizeof(*s));
	size_t total = 0, used = 0;
	bool ok = true;

	if (!s)
		return false;
	c->set = s;
	s->cls = c->cls;
	for (unsigned i = 0; i < n->nvals; i++)
		total += n->vals[i].len + 1;
	s->items = calloc(n->nvals ? n->nvals : 1, sizeof(*s->items));
	s->strs = malloc(total ? total : 1);
	if (!s->items || !s->strs)
		return false;
	for (unsigned i = 0; i < n->nvals; i++) {
		const char *why =
			convert(c->cls, c->op, &n->vals[i], s->strs + used, &s->items[s->n]);

		if (why) {
			x->diag(x->ud, n->vals[i].pos, "bad value '%s' for '%s' (%s): %s",
				n->vals[i].s, n->lhs.name, field_type_name(c->type), why);
			ok = false;
			continue;
		}
		used += n->vals[i].len + 1;
		s->n++;
	}
	return cond_set_index(s) == 0 && ok;
}

static bool compile_regex(struct cctx *x, struct cond_expr *c, const struct cond_node *n)
{
	int code;
	PCRE2_SIZE off;

	/* Falco's regex is a full match of the value. */
	c->re = pcre2_compile((PCRE2_SPTR)n->vals[0].s, n->vals[0].len,
			      PCRE2_ANCHORED | PCRE2_ENDANCHORED, &code, &off, NULL);
	if (!c->re) {
		char msg[128];

		pcre2_get_error_message(code, (PCRE2_UCHAR *)msg, sizeof(msg));
		x->diag(x->ud, n->vals[0].pos, "bad regex '%s' at offset %zu: %s", n->vals[0].s,
			(size_t)off, msg);
		return false;
	}
	c->md = pcre2_match_data_create_from_pattern(c->re, NULL);
	return c->md != NULL;
}

static bool compile_rhs(struct cctx *x, struct cond_expr *c, const struct cond_node *n)
{
	char err[256];
	int rs;

	if (n->op == OP_EXISTS)
		return true;
	if (n->rhs_is_field) {
		rs = cond_env_slot(x->env, &n->rhs, x->src, err, sizeof(err));
		if (rs < 0) {
			x->diag(x->ud, n->rhs.pos, "%s", err);
			return false;
		}
		if (field_type_class(cond_env_slot_type(x->env, (unsigned)rs)) != c->cls ||
		    n->op == OP_IN || n->op == OP_INTERSECTS || n->op == OP_PMATCH ||
		    n->op == OP_REGEX) {
			x->diag(x->ud, n->rhs.pos, "cannot compare '%s' with '%s' using '%s'",
				n->lhs.name, n->rhs.name, cond_op_names[n->op]);
			return false;
		}
		c->rslot = rs;
		return true;
	}
	if (n->rhs_is_list)
		return build_set(x, c, n);
	c->owned = malloc(n->vals[0].len + 1);
	if (!c->owned)
		return false;
	{
		const char *why = convert(c->cls, c->op, &n->vals[0], c->owned, &c->val);

		if (why) {
			x->diag(x->ud, n->vals[0].pos, "bad value '%s' for '%s' (%s): %s",
				n->vals[0].s, n->lhs.name, field_type_name(c->type), why);
			return false;
		}
	}
	return c->op == OP_REGEX ? compile_regex(x, c, n) : true;
}

/* Plain evt.type =, != and in: remember the named types for the index. */
static bool evttype_check(struct cond_expr *c, const struct cond_node *n)
{
	if (strcmp(n->lhs.name, "evt.type") || n->lhs.nxf || n->rhs_is_field ||
	    (c->op != OP_EQ && c->op != OP_NE && c->op != OP_IN))
		return true;
	c->types = calloc(1, sizeof(*c->types));
	if (!c->types)
		return false;
	for (unsigned i = 0; i < n->nvals; i++) {
		int t = evt_type_by_name(n->vals[i].s);

		if (t >= 0)
			src_interest_set(c->types, (unsigned)t);
	}
	return true;
}

static int id_cmp(const void *a, const void *b)
{
	uint32_t x = *(const uint32_t *)a, y = *(const uint32_t *)b;

	return (x > y) - (x < y);
}

/*
 * fd.sip.name = "name" (and !=, in): Falco's meaning is "the address is
 * one of the name's", whatever name the address would show. The check
 * reads the address field and the names get ids for the resolver.
 * Other operators compare the name the address shows, as text.
 */
static bool dns_check(struct cctx *x, struct cond_expr *c, const struct cond_node *n)
{
	static const char *const ipfield[][2] = {
		{ "fd.cip.name", "fd.cip" },
		{ "fd.sip.name", "fd.sip" },
		{ "fd.lip.name", "fd.lip" },
		{ "fd.rip.name", "fd.rip" },
	};
	struct cond_operand ip = { .pos = n->lhs.pos };
	char err[256];
	unsigned k = 0;
	int r;

	for (size_t i = 0; i < ARRAY_SIZE(ipfield) && !ip.name; i++)
		if (!strcmp(n->lhs.name, ipfield[i][0]))
			ip.name = (char *)ipfield[i][1];
	if (!ip.name || n->lhs.nxf || n->rhs_is_field ||
	    (c->op != OP_EQ && c->op != OP_NE && c->op != OP_IN))
		return true;
	r = cond_env_slot(x->env, &ip, x->src, err, sizeof(err));
	if (r < 0) {
		x->diag(x->ud, n->lhs.pos, "%s", err);
		return false;
	}
	c->dns_ids = calloc(n->nvals ? n->nvals : 1, sizeof(*c->dns_ids));
	if (!c->dns_ids)
		return false;
	c->addr_slot = r;
	for (unsigned i = 0; i < n->nvals; i++) {
		r = cond_env_name(x->env, n->vals[i].s);
		if (r < 0)
			return false;
		c->dns_ids[k++] = (uint32_t)r;
	}
	qsort(c->dns_ids, k, sizeof(*c->dns_ids), id_cmp);
	c->ndns = k;
	return true;
}

static struct cond_expr *compile_check(struct cctx *x, const struct cond_node *n)
{
	struct cond_expr *c = calloc(1, sizeof(*c));
	const struct field_req *req;
	char err[256];
	int slot;

	if (!c)
		return NULL;
	c->kind = CE_CHECK;
	c->rslot = -1;
	c->op = n->op;
	slot = cond_env_slot(x->env, &n->lhs, x->src, err, sizeof(err));
	if (slot < 0) {
		x->diag(x->ud, n->lhs.pos, "%s", err);
		goto err;
	}
	c->slot = (unsigned)slot;
	c->type = cond_env_slot_type(x->env, c->slot);
	c->cls = field_type_class(c->type);
	req = cond_env_slot_req(x->env, c->slot);
	if (!op_ok(c->cls, c->op)) {
		x->diag(x->ud, n->lhs.pos, "operator '%s' does not apply to '%s' (%s)",
			cond_op_names[c->op], n->lhs.name, field_type_name(c->type));
		goto err;
	}
	c->subset = (req->def->flags & FIELD_LIST) && !(req->def->flags & FIELD_ANY) &&
		    req->index < 0 && c->op == OP_IN;
	if (!compile_rhs(x, c, n) || !evttype_check(c, n) || !dns_check(x, c, n) ||
	    cond_memo_assign(x->env, c, n, x->src) < 0)
		goto err;
	return c;
err:
	cond_expr_free(c);
	return NULL;
}

static struct cond_expr *compile(struct cctx *x, const struct cond_node *n)
{
	struct cond_expr *c;
	bool ok = true;

	if (n->kind == CN_CHECK)
		return compile_check(x, n);
	if (n->kind == CN_MACRO) { /* expansion removes these */
		x->diag(x->ud, n->pos, "macro '%s' was not expanded", n->name);
		return NULL;
	}
	c = calloc(1, sizeof(*c));
	if (!c)
		return NULL;
	c->kind = n->kind == CN_AND ? CE_AND : n->kind == CN_OR ? CE_OR : CE_NOT;
	c->kids = calloc(n->nkids, sizeof(*c->kids));
	if (!c->kids) {
		free(c);
		return NULL;
	}
	for (unsigned i = 0; i < n->nkids; i++) {
		c->kids[c->n] = compile(x, n->kids[i]);
		if (c->kids[c->n])
			c->n++;
		else
			ok = false;
	}
	if (!ok || cond_memo_assign(x->env, c, n, x->src) < 0) {
		cond_expr_free(c);
		return NULL;
	}
	return c;
}

struct cond_expr *cond_compile(const struct cond_node *n, struct cond_env *env,
			       enum field_source src, cond_diag_fn diag, void *ud)
{
	struct cctx x = { .env = env, .src = src, .diag = diag, .ud = ud };

	return compile(&x, n);
}

void cond_expr_free(struct cond_expr *e)
{
	if (!e)
		return;
	for (unsigned i = 0; i < e->n; i++)
		cond_expr_free(e->kids[i]);
	free(e->kids);
	free(e->owned);
	cond_set_free(e->set);
	pcre2_match_data_free(e->md);
	pcre2_code_free(e->re);
	free(e->types);
	free(e->dns_ids);
	free(e);
}
