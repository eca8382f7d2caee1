// SPDX-License-Identifier: GPL-2.0-only
/*
 * Texts taken from YAML scalars, with the file line and column of every
 * byte, so a condition error points into the file. libyaml gives only the
 * scalar's start; we walk the raw source beside the parsed value, skipping
 * what YAML folded away (indentation, line breaks, quotes, escapes).
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

struct cond_pos ld_pos(const struct rfile *f, const yaml_mark_t *m)
{
	return (struct cond_pos){ .file = f->name,
				  .line = (uint32_t)m->line + 1,
				  .col = (uint32_t)m->column + 1 };
}

struct walker {
	const char *raw;
	size_t ri, end;
	uint32_t line, col;
};

static void step(struct walker *w)
{
	if (w->raw[w->ri] == '\n') {
		w->line++;
		w->col = 1;
	} else {
		w->col++;
	}
	w->ri++;
}

static bool raw_space(int c)
{
	return c == ' ' || c == '\t' || c == '\n' || c == '\r';
}

int rtext_from_node(struct rtext *t, const struct rfile *f, const yaml_node_t *n)
{
	const char *v = (const char *)n->data.scalar.value;
	size_t len = n->data.scalar.length;
	yaml_scalar_style_t st = n->data.scalar.style;
	bool block = st == YAML_LITERAL_SCALAR_STYLE || st == YAML_FOLDED_SCALAR_STYLE;
	unsigned indent = 0;
	struct walker w = { .raw = f->buf,
			    .ri = n->start_mark.index,
			    .end = n->end_mark.index,
			    .line = (uint32_t)n->start_mark.line + 1,
			    .col = (uint32_t)n->start_mark.column + 1 };

	memset(t, 0, sizeof(*t));
	t->s = malloc(len + 1);
	t->line = calloc(len + 1, sizeof(uint32_t));
	t->col = calloc(len + 1, sizeof(uint32_t));
	t->files = calloc(len + 1, sizeof(*t->files));
	if (!t->s || !t->line || !t->col || !t->files) {
		rtext_free(t);
		return -ENOMEM;
	}
	memcpy(t->s, v, len);
	t->s[len] = 0;
	t->len = len;
	t->file = f->name;
	t->set = true;
	if (w.end > f->len)
		w.end = f->len;
	if (st == YAML_SINGLE_QUOTED_SCALAR_STYLE || st == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
		step(&w);
	else if (block) {
		while (w.ri < w.end && f->buf[w.ri] != '\n')
			step(&w);
		/* the block's indentation is that of its first content line */
		for (size_t k = w.ri + 1; k < w.end && f->buf[k] == ' '; k++)
			indent++;
	}
	for (size_t i = 0; i <= len; i++)
		t->files[i] = f->name;
	for (size_t i = 0; i <= len; i++) {
		int c = i < len ? (unsigned char)v[i] : -1;

		while (w.ri < w.end) {
			int rc = (unsigned char)f->buf[w.ri];

			if (rc == c && !(rc == '\\' && st == YAML_DOUBLE_QUOTED_SCALAR_STYLE))
				break;
			if (raw_space(c) && raw_space(rc))
				break;
			if (rc == '\\' && st == YAML_DOUBLE_QUOTED_SCALAR_STYLE)
				break;
			step(&w);
		}
		t->line[i] = w.line;
		t->col[i] = w.col;
		if (w.ri >= w.end || c < 0)
			continue;
		if (f->buf[w.ri] == '\\' && st == YAML_DOUBLE_QUOTED_SCALAR_STYLE) {
			step(&w);
			if (w.ri < w.end)
				step(&w);
		} else if (raw_space(c) && raw_space((unsigned char)f->buf[w.ri]) &&
			   (c == '\n' || f->buf[w.ri] == '\n')) {
			/*
			 * A line break: step over it and the next line's indentation.
			 * In a block scalar only the block's indentation is dropped;
			 * deeper indentation is part of the value.
			 */
			while (w.ri < w.end && f->buf[w.ri] != '\n' &&
			       raw_space((unsigned char)f->buf[w.ri]))
				step(&w);
			if (w.ri < w.end)
				step(&w);
			for (unsigned k = 0;
			     w.ri < w.end && raw_space((unsigned char)f->buf[w.ri]) &&
			     f->buf[w.ri] != '\n' && (!block || k < indent);
			     k++)
				step(&w);
		} else {
			step(&w);
		}
	}
	return 0;
}

int rtext_append(struct rtext *t, const struct rtext *more)
{
	size_t n = t->len + 1 + more->len;
	char *s = realloc(t->s, n + 1);
	uint32_t *l, *c;
	const char **fl;

	if (!s)
		return -ENOMEM;
	t->s = s;
	l = realloc(t->line, (n + 1) * sizeof(*l));
	if (!l)
		return -ENOMEM;
	t->line = l;
	c = realloc(t->col, (n + 1) * sizeof(*c));
	if (!c)
		return -ENOMEM;
	t->col = c;
	fl = realloc(t->files, (n + 1) * sizeof(*fl));
	if (!fl)
		return -ENOMEM;
	t->files = fl;
	/* the joining space maps to the start of the appended text */
	t->s[t->len] = ' ';
	t->line[t->len] = more->line[0];
	t->col[t->len] = more->col[0];
	t->files[t->len] = more->files[0];
	memcpy(t->files + t->len + 1, more->files, (more->len + 1) * sizeof(*fl));
	memcpy(t->s + t->len + 1, more->s, more->len + 1);
	memcpy(t->line + t->len + 1, more->line, (more->len + 1) * sizeof(*l));
	memcpy(t->col + t->len + 1, more->col, (more->len + 1) * sizeof(*c));
	t->len = n;
	return 0;
}

void rtext_free(struct rtext *t)
{
	free(t->s);
	free(t->line);
	free(t->col);
	free(t->files);
	memset(t, 0, sizeof(*t));
}

void rtext_map(const struct rtext *t, struct cond_srcmap *map)
{
	map->file = t->file;
	map->line = t->line;
	map->col = t->col;
	map->files = t->files;
}
