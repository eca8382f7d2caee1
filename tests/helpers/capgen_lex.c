// SPDX-License-Identifier: GPL-2.0-only
/*
 * capgen's line splitter: bare words, KEY=VALUE, "quoted \"strings\"" with
 * C escapes (\n \t \\ \" \0 \xHH), [list items], '# comments' and the
 * result marker '= RES'.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "capgen_lex.h"

static bool is_space(char c)
{
	return c == ' ' || c == '\t' || c == '\r' || c == '\n';
}

static int hexval(char c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	if (c >= 'a' && c <= 'f')
		return c - 'a' + 10;
	if (c >= 'A' && c <= 'F')
		return c - 'A' + 10;
	return -1;
}

/* Appends one decoded byte to the arena; false when it is full. */
static bool put(struct cg_line *l, char c)
{
	if (l->used >= sizeof(l->arena))
		return false;
	l->arena[l->used++] = c;
	return true;
}

/* A quoted string at *s (after the quote); decoded into the arena. */
static int quoted(struct cg_line *l, const char **s, char *err, size_t errlen)
{
	const char *p = *s;

	for (; *p && *p != '"'; p++) {
		char c = *p;

		if (c == '\\') {
			p++;
			switch (*p) {
			case 'n':
				c = '\n';
				break;
			case 't':
				c = '\t';
				break;
			case '0':
				c = '\0';
				break;
			case '\\':
			case '"':
				c = *p;
				break;
			case 'x':
				if (hexval(p[1]) < 0 || hexval(p[2]) < 0) {
					snprintf(err, errlen, "\\x needs two hex digits");
					return -EINVAL;
				}
				c = (char)(hexval(p[1]) * 16 + hexval(p[2]));
				p += 2;
				break;
			default:
				snprintf(err, errlen, "unknown escape '\\%c'", *p ? *p : ' ');
				return -EINVAL;
			}
		}
		if (!put(l, c)) {
			snprintf(err, errlen, "line too long");
			return -E2BIG;
		}
	}
	if (*p != '"') {
		snprintf(err, errlen, "unterminated quoted string");
		return -EINVAL;
	}
	*s = p + 1;
	return 0;
}

/* One item: quoted, or bare up to a space (or stop, when not 0). */
static int item(struct cg_line *l, const char **s, char stop, char *err, size_t errlen)
{
	if (**s == '"') {
		(*s)++;
		return quoted(l, s, err, errlen);
	}
	while (**s && !is_space(**s) && **s != stop) {
		if (!put(l, **s)) {
			snprintf(err, errlen, "line too long");
			return -E2BIG;
		}
		(*s)++;
	}
	return 0;
}

static int list(struct cg_line *l, const char **s, struct cg_token *t, char *err, size_t errlen)
{
	t->list = 0;
	for (;;) {
		while (is_space(**s))
			(*s)++;
		if (**s == ']') {
			(*s)++;
			break;
		}
		if (!**s) {
			snprintf(err, errlen, "unterminated [list]");
			return -EINVAL;
		}
		if (t->list && !put(l, '\0')) {
			snprintf(err, errlen, "line too long");
			return -E2BIG;
		}
		if (item(l, s, ']', err, errlen) < 0)
			return -EINVAL;
		t->list++;
	}
	return 0;
}

/* "[::1]:80" and tuples of them are addresses, not lists. */
static bool bracketed_address(const char *p)
{
	for (; *p && !is_space(*p); p++)
		if (p[0] == ']' && p[1] == ':')
			return true;
	return false;
}

static int token(struct cg_line *l, const char **s, struct cg_token *t, char *err, size_t errlen)
{
	const char *p = *s, *eq;
	size_t klen;

	*t = (struct cg_token){ .list = -1 };
	if (p[0] == '=' && (!p[1] || is_space(p[1]))) {
		t->result = true;
		*s = p + 1;
		return 0;
	}
	eq = p;
	while (*eq && *eq != '=' && !is_space(*eq) && *eq != '"')
		eq++;
	if (*eq == '=' && eq > p) {
		klen = (size_t)(eq - p);
		if (klen >= sizeof(t->key)) {
			snprintf(err, errlen, "name too long");
			return -EINVAL;
		}
		memcpy(t->key, p, klen);
		t->key[klen] = '\0';
		p = eq + 1;
	}
	t->val = l->arena + l->used;
	if (*p == '[' && !bracketed_address(p)) {
		p++;
		if (list(l, &p, t, err, errlen) < 0)
			return -EINVAL;
	} else if (item(l, &p, 0, err, errlen) < 0) {
		return -EINVAL;
	}
	t->len = (size_t)(l->arena + l->used - t->val);
	if (*p && !is_space(*p)) {
		snprintf(err, errlen, "unexpected '%c' after a value", *p);
		return -EINVAL;
	}
	if (!put(l, '\0')) {
		snprintf(err, errlen, "line too long");
		return -E2BIG;
	}
	*s = p;
	return 0;
}

int cg_split(const char *text, struct cg_line *l, char *err, size_t errlen)
{
	const char *s = text;

	l->n = 0;
	l->used = 0;
	for (;;) {
		while (is_space(*s))
			s++;
		if (!*s || *s == '#')
			return 0;
		if (l->n == CG_TOKENS_MAX) {
			snprintf(err, errlen, "more than %d items on a line", CG_TOKENS_MAX);
			return -E2BIG;
		}
		if (token(l, &s, &l->t[l->n], err, errlen) < 0)
			return -EINVAL;
		l->n++;
	}
}
