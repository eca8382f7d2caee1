// SPDX-License-Identifier: GPL-2.0-only
/*
 * Recursive-descent parser for Falco conditions. Precedence, lowest first:
 * or, and, not, then checks and parentheses. A bare identifier (no dot) is
 * a macro reference; a dotted name is a field.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"

const char *const cond_op_names[OP_MAX] = {
	"=",	     "!=",	  "<",		"<=",	       ">",	   ">=",   "contains",
	"icontains", "bcontains", "startswith", "bstartswith", "endswith", "glob", "iglob",
	"pmatch",    "in",	  "intersects", "exists",      "regex",
};

const char *const cond_xf_names[XF_MAX] = { "tolower", "toupper", "b64", "basename", "len" };

struct parser {
	const char *s;
	size_t len, i;
	const struct cond_srcmap *map;
	unsigned depth;
	struct cond_err *err;
	bool failed;
};

static struct cond_pos pos_at(const struct parser *p, size_t off)
{
	struct cond_pos pos = { .file = p->map ? p->map->file : NULL };

	if (off > p->len)
		off = p->len;
	if (p->map && p->map->line) {
		pos.line = p->map->line[off];
		if (p->map->files)
			pos.file = p->map->files[off];
		pos.col = p->map->col[off];
	} else {
		pos.line = 1;
		pos.col = (uint32_t)off + 1;
	}
	return pos;
}

__attribute__((format(printf, 3, 4))) static void *fail(struct parser *p, size_t off,
							const char *fmt, ...)
{
	va_list ap;

	if (p->failed)
		return NULL;
	p->failed = true;
	p->err->pos = pos_at(p, off);
	va_start(ap, fmt);
	vsnprintf(p->err->msg, sizeof(p->err->msg), fmt, ap);
	va_end(ap);
	return NULL;
}

static int peek(const struct parser *p, size_t k)
{
	return p->i + k < p->len ? (unsigned char)p->s[p->i + k] : 0;
}

static bool is_blank(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r' || c == '\b' || c == '\f' ||
	       c == '\v';
}

static void skip_blank(struct parser *p)
{
	while (p->i < p->len && is_blank(peek(p, 0)))
		p->i++;
}

static bool is_ident_start(int c)
{
	return isalpha(c);
}

static bool is_ident(int c)
{
	return isalnum(c) || c == '_';
}

/* The keyword kw at the cursor, followed by a blank, '(' or the end. */
static bool at_keyword(const struct parser *p, const char *kw)
{
	size_t n = strlen(kw);
	int c;

	if (p->i + n > p->len || strncmp(p->s + p->i, kw, n) != 0)
		return false;
	c = p->i + n < p->len ? (unsigned char)p->s[p->i + n] : 0;
	return c == 0 || is_blank(c) || c == '(';
}

static char *dup_n(const char *s, size_t n)
{
	char *d = malloc(n + 1);

	if (d) {
		memcpy(d, s, n);
		d[n] = 0;
	}
	return d;
}

static struct cond_node *node_new(struct parser *p, enum cond_kind k, size_t off)
{
	struct cond_node *n = calloc(1, sizeof(*n));

	if (!n)
		return fail(p, off, "out of memory");
	n->kind = k;
	n->pos = pos_at(p, off);
	return n;
}

static bool add_kid(struct parser *p, struct cond_node *n, struct cond_node *kid)
{
	struct cond_node **k = realloc(n->kids, (n->nkids + 1) * sizeof(*k));

	if (!k) {
		cond_node_free(kid);
		fail(p, p->i, "out of memory");
		return false;
	}
	n->kids = k;
	n->kids[n->nkids++] = kid;
	return true;
}

static struct cond_node *parse_or(struct parser *p);

/* A quoted string: '...' or "..." with backslash escapes. */
static char *lex_quoted(struct parser *p, size_t *ret_len)
{
	int q = peek(p, 0);
	size_t start = p->i, n = 0;
	char *out = malloc(p->len - p->i + 1);

	if (!out)
		return fail(p, start, "out of memory");
	p->i++;
	while (p->i < p->len && peek(p, 0) != q) {
		int c = peek(p, 0);

		if (c == '\\' && p->i + 1 < p->len) {
			int e = peek(p, 1);

			p->i += 2;
			switch (e) {
			case 'n':
				out[n++] = '\n';
				break;
			case 't':
				out[n++] = '\t';
				break;
			case 'r':
				out[n++] = '\r';
				break;
			case '\\':
			case '"':
			case '\'':
				out[n++] = (char)e;
				break;
			default: /* kept as written: glob and regex escapes */
				out[n++] = '\\';
				out[n++] = (char)e;
			}
			continue;
		}
		out[n++] = (char)c;
		p->i++;
	}
	if (p->i >= p->len) {
		free(out);
		return fail(p, start, "unterminated quoted string");
	}
	p->i++;
	out[n] = 0;
	*ret_len = n;
	return out;
}

/* A bare string: anything up to a blank, parenthesis, comma, '=' or quote. */
static char *lex_bare(struct parser *p, size_t *ret_len)
{
	size_t start = p->i;

	while (p->i < p->len) {
		int c = peek(p, 0);

		if (is_blank(c) || c == '(' || c == ')' || c == ',' || c == '=' || c == '"' ||
		    c == '\'')
			break;
		p->i++;
	}
	*ret_len = p->i - start;
	return dup_n(p->s + start, p->i - start);
}

static bool parse_value(struct parser *p, struct cond_value *v)
{
	size_t off = p->i;
	int c = peek(p, 0);

	v->pos = pos_at(p, off);
	if (c == '"' || c == '\'') {
		v->quoted = true;
		v->s = lex_quoted(p, &v->len);
	} else {
		v->s = lex_bare(p, &v->len);
		if (v->s && v->len == 0) {
			free(v->s);
			v->s = NULL;
			if (!c)
				return fail(p, off, "expected a value but the condition ended"),
				       false;
			return fail(p, off, "expected a value but found '%c'", c), false;
		}
	}
	return v->s != NULL;
}

/* Field name: ident ('.' ident)+, then an optional [argument]. */
static bool parse_field(struct parser *p, struct cond_operand *o)
{
	size_t start = p->i;
	unsigned parts = 0;

	o->pos = pos_at(p, start);
	for (;;) {
		if (!is_ident_start(peek(p, 0)))
			break;
		while (is_ident(peek(p, 0)))
			p->i++;
		parts++;
		if (peek(p, 0) != '.' || !is_ident_start(peek(p, 1)))
			break;
		p->i++;
	}
	if (parts < 2)
		return fail(p, start, "expected a field name (such as proc.name)"), false;
	o->name = dup_n(p->s + start, p->i - start);
	if (!o->name)
		return fail(p, start, "out of memory"), false;
	if (peek(p, 0) != '[')
		return true;
	p->i++;
	if (peek(p, 0) == '"' || peek(p, 0) == '\'') {
		size_t n;

		o->arg = lex_quoted(p, &n);
	} else {
		size_t a = p->i;

		while (p->i < p->len && !strchr(" \t\n\r\b[]\"'", peek(p, 0)))
			p->i++;
		o->arg = dup_n(p->s + a, p->i - a);
	}
	if (!o->arg)
		return false;
	if (peek(p, 0) != ']')
		return fail(p, p->i, "expected ']' to close the argument of '%s'", o->name), false;
	p->i++;
	return true;
}

static int at_transformer(const struct parser *p, bool *is_val)
{
	for (int x = 0; x < XF_MAX; x++) {
		size_t n = strlen(cond_xf_names[x]);

		if (p->i + n < p->len && !strncmp(p->s + p->i, cond_xf_names[x], n) &&
		    p->s[p->i + n] == '(')
			return x;
	}
	*is_val = p->len - p->i > 4 && !strncmp(p->s + p->i, "val(", 4);
	return -1;
}

/* field | xf(operand) | val(field) (only where allow_val). */
static bool parse_operand(struct parser *p, struct cond_operand *o, bool allow_val)
{
	bool is_val = false;
	int x = at_transformer(p, &is_val);
	size_t start = p->i;

	if (x < 0 && !is_val)
		return parse_field(p, o);
	if (is_val && !allow_val)
		return fail(p, start, "val() is only allowed on the right of an operator"), false;
	p->i += is_val ? 4 : strlen(cond_xf_names[x]) + 1;
	skip_blank(p);
	if (!parse_operand(p, o, false))
		return false;
	if (!is_val) {
		if (o->nxf >= COND_MAX_XF)
			return fail(p, start, "too many nested transformers"), false;
		o->xf[o->nxf++] = (uint8_t)x;
	}
	o->pos = pos_at(p, start);
	skip_blank(p);
	if (peek(p, 0) != ')')
		return fail(p, p->i, "expected ')' to close '%s('",
			    is_val ? "val" : cond_xf_names[x]),
		       false;
	p->i++;
	return true;
}

static int lex_op(struct parser *p)
{
	static const char *const sym[] = { "==", "!=", "<=", ">=", "=", "<", ">" };
	static const enum cond_op symop[] = { OP_EQ, OP_NE, OP_LE, OP_GE, OP_EQ, OP_LT, OP_GT };
	size_t start = p->i, n;

	for (size_t k = 0; k < sizeof(sym) / sizeof(sym[0]); k++) {
		n = strlen(sym[k]);
		if (p->len - p->i >= n && !strncmp(p->s + p->i, sym[k], n)) {
			p->i += n;
			return symop[k];
		}
	}
	while (is_ident(peek(p, 0)))
		p->i++;
	n = p->i - start;
	for (int op = OP_CONTAINS; op < OP_MAX; op++)
		if (strlen(cond_op_names[op]) == n && !strncmp(p->s + start, cond_op_names[op], n))
			return op;
	p->i = start;
	return -1;
}

static bool is_list_op(enum cond_op op)
{
	return op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH;
}

static bool parse_list(struct parser *p, struct cond_node *n)
{
	size_t open = p->i;

	p->i++; /* '(' */
	skip_blank(p);
	if (peek(p, 0) == ')') {
		p->i++;
		return true;
	}
	for (;;) {
		struct cond_value *v = realloc(n->vals, (n->nvals + 1) * sizeof(*v));

		if (!v)
			return fail(p, p->i, "out of memory"), false;
		n->vals = v;
		memset(&v[n->nvals], 0, sizeof(*v));
		if (!parse_value(p, &v[n->nvals]))
			return false;
		n->nvals++;
		skip_blank(p);
		if (peek(p, 0) == ',') {
			p->i++;
			skip_blank(p);
			continue;
		}
		if (peek(p, 0) == ')') {
			p->i++;
			return true;
		}
		if (p->i >= p->len)
			return fail(p, open, "unclosed '(' of a value list"), false;
		return fail(p, p->i, "expected ',' or ')' in a value list"), false;
	}
}

static bool parse_rhs(struct parser *p, struct cond_node *n)
{
	bool is_val = false;

	skip_blank(p);
	if (at_transformer(p, &is_val) >= 0 || is_val) {
		n->rhs_is_field = true;
		return parse_operand(p, &n->rhs, true);
	}
	if (is_list_op(n->op)) {
		n->rhs_is_list = true;
		if (peek(p, 0) == '(')
			return parse_list(p, n);
		if (is_ident_start(peek(p, 0))) { /* "in list_name" */
			size_t a = p->i;

			while (is_ident(peek(p, 0)))
				p->i++;
			n->name = dup_n(p->s + a, p->i - a);
			return n->name != NULL;
		}
		return fail(p, p->i, "expected a list such as (a, b) after '%s'",
			    cond_op_names[n->op]),
		       false;
	}
	n->vals = calloc(1, sizeof(*n->vals));
	if (!n->vals)
		return fail(p, p->i, "out of memory"), false;
	n->nvals = 1;
	return parse_value(p, &n->vals[0]);
}

static struct cond_node *parse_check(struct parser *p)
{
	size_t start = p->i;
	struct cond_node *n;
	bool is_val = false;
	int op;

	if (peek(p, 0) == '(') {
		p->i++;
		skip_blank(p);
		n = parse_or(p);
		if (!n)
			return NULL;
		skip_blank(p);
		if (peek(p, 0) != ')') {
			cond_node_free(n);
			return p->i >= p->len ? fail(p, start, "unclosed '('") :
						fail(p, p->i, "expected ')' or an operator");
		}
		p->i++;
		return n;
	}
	if (p->i >= p->len)
		return fail(p, p->i, "expected a check, a macro or '(' but the condition ended");
	if (!is_ident_start(peek(p, 0)))
		return fail(p, p->i, "expected a field, a macro or '(' but found '%c'", peek(p, 0));
	/* A bare identifier is a macro name. */
	if (at_transformer(p, &is_val) < 0 && is_val)
		return fail(p, p->i, "val() is only allowed on the right of an operator");
	if (at_transformer(p, &is_val) < 0) {
		size_t a = p->i;

		while (is_ident(peek(p, 0)))
			p->i++;
		if (peek(p, 0) != '.' && peek(p, 0) != '[') {
			n = node_new(p, CN_MACRO, a);
			if (!n)
				return NULL;
			n->name = dup_n(p->s + a, p->i - a);
			if (!n->name) {
				cond_node_free(n);
				return fail(p, a, "out of memory");
			}
			return n;
		}
		p->i = a;
	}
	n = node_new(p, CN_CHECK, start);
	if (!n)
		return NULL;
	if (!parse_operand(p, &n->lhs, false))
		goto err;
	skip_blank(p);
	op = lex_op(p);
	if (op < 0) {
		fail(p, p->i, "expected an operator after '%s' (=, !=, in, contains, ...)",
		     n->lhs.name);
		goto err;
	}
	n->op = (enum cond_op)op;
	if (op != OP_EXISTS && !parse_rhs(p, n))
		goto err;
	return n;
err:
	cond_node_free(n);
	return NULL;
}

static struct cond_node *parse_not(struct parser *p)
{
	size_t start = p->i;
	unsigned nots = 0;
	struct cond_node *n, *k;

	while (at_keyword(p, "not")) {
		p->i += 3;
		skip_blank(p);
		nots++;
	}
	if (++p->depth > COND_MAX_DEPTH)
		return fail(p, start, "condition nested deeper than %d levels", COND_MAX_DEPTH);
	k = parse_check(p);
	p->depth--;
	if (!k || nots % 2 == 0)
		return k;
	n = node_new(p, CN_NOT, start);
	if (!n || !add_kid(p, n, k)) {
		if (!n)
			cond_node_free(k);
		cond_node_free(n);
		return NULL;
	}
	return n;
}

typedef struct cond_node *(*parse_fn)(struct parser *p);

/* One level of a left-associative n-ary operator (and / or). */
static struct cond_node *parse_chain(struct parser *p, const char *kw, enum cond_kind kind,
				     parse_fn sub)
{
	size_t start = p->i;
	struct cond_node *first = sub(p), *n = NULL, *k;

	if (!first)
		return NULL;
	for (;;) {
		skip_blank(p);
		if (!at_keyword(p, kw))
			return n ? n : first;
		p->i += strlen(kw);
		skip_blank(p);
		if (!n) {
			n = node_new(p, kind, start);
			if (!n || !add_kid(p, n, first)) {
				if (!n)
					cond_node_free(first);
				cond_node_free(n);
				return NULL;
			}
		}
		k = sub(p);
		if (!k || !add_kid(p, n, k)) {
			cond_node_free(n);
			return NULL;
		}
	}
}

static struct cond_node *parse_and(struct parser *p)
{
	return parse_chain(p, "and", CN_AND, parse_not);
}

static struct cond_node *parse_or(struct parser *p)
{
	struct cond_node *n;

	if (++p->depth > COND_MAX_DEPTH)
		return fail(p, p->i, "condition nested deeper than %d levels", COND_MAX_DEPTH);
	n = parse_chain(p, "or", CN_OR, parse_and);
	p->depth--;
	return n;
}

int cond_parse(const char *text, size_t len, const struct cond_srcmap *map, struct cond_node **ret,
	       struct cond_err *err)
{
	struct parser p = { .s = text, .len = len, .map = map, .err = err };
	struct cond_node *n;

	memset(err, 0, sizeof(*err));
	if (memchr(text, 0, len)) {
		fail(&p, (size_t)((const char *)memchr(text, 0, len) - text),
		     "NUL byte in condition");
		return -EINVAL;
	}
	skip_blank(&p);
	if (p.i >= len) {
		fail(&p, 0, "empty condition");
		return -EINVAL;
	}
	n = parse_or(&p);
	if (n) {
		skip_blank(&p);
		if (p.i < len) {
			size_t w = 0;

			/* the text is not NUL-terminated: bounded scan */
			while (p.i + w < len && !strchr(" \t\n()", p.s[p.i + w]))
				w++;
			fail(&p, p.i, "unexpected '%.*s' after a complete expression",
			     (int)(w ? w : 1), p.s + p.i);
			cond_node_free(n);
			n = NULL;
		}
	}
	if (!n) {
		if (!p.failed)
			fail(&p, p.i, "out of memory");
		return p.err->msg[0] == 'o' && !strcmp(p.err->msg, "out of memory") ? -ENOMEM :
										      -EINVAL;
	}
	*ret = n;
	return 0;
}

static void operand_free(struct cond_operand *o)
{
	free(o->name);
	free(o->arg);
}

void cond_node_free(struct cond_node *n)
{
	if (!n)
		return;
	for (unsigned i = 0; i < n->nkids; i++)
		cond_node_free(n->kids[i]);
	free(n->kids);
	operand_free(&n->lhs);
	operand_free(&n->rhs);
	for (unsigned i = 0; i < n->nvals; i++)
		free(n->vals[i].s);
	free(n->vals);
	free(n->name);
	free(n);
}

void cond_walk_names(const struct cond_node *n, cond_name_fn fn, void *ud)
{
	if (!n)
		return;
	for (unsigned i = 0; i < n->nkids; i++)
		cond_walk_names(n->kids[i], fn, ud);
	if (n->kind == CN_MACRO) {
		fn(ud, n->name, false, n->pos);
		return;
	}
	if (n->kind != CN_CHECK || !n->rhs_is_list)
		return;
	if (n->name)
		fn(ud, n->name, true, n->pos);
	for (unsigned i = 0; i < n->nvals; i++)
		if (!n->vals[i].quoted)
			fn(ud, n->vals[i].s, true, n->vals[i].pos);
}
