// SPDX-License-Identifier: GPL-2.0-only
/* Output formats compiled at load time; rendering allocates nothing. */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "outfmt.h"

struct piece {
	const char *lit; /* literal text (points into f->text) */
	size_t litlen;
	int slot; /* field slot, or -1 */
	char *name; /* "proc.aname[2]", the JSON key */
};

struct outfmt {
	char *text;
	struct piece *p;
	unsigned n;
};

static bool name_char(int c)
{
	return isalnum(c) || c == '_' || c == '.';
}

static int add_piece(struct outfmt *f, struct piece pc)
{
	struct piece *np = realloc(f->p, (f->n + 1) * sizeof(*np));

	if (!np)
		return -ENOMEM;
	f->p = np;
	f->p[f->n++] = pc;
	return 0;
}

static void set_err(struct cond_err *err, const struct cond_srcmap *map, size_t off,
		    const char *msg)
{
	err->pos.file = map ? map->file : NULL;
	err->pos.line = map && map->line ? map->line[off] : 1;
	err->pos.col = map && map->col ? map->col[off] : (uint32_t)off + 1;
	snprintf(err->msg, sizeof(err->msg), "%s", msg);
}

/* Parse one %reference at text[i] (just past '%'); returns its end. */
static int add_field(struct outfmt *f, size_t i, size_t len, const struct cond_srcmap *map,
		     struct cond_env *env, enum field_source src, struct cond_err *err)
{
	const char *t = f->text;
	struct cond_operand o = { 0 };
	size_t a = i, nend;
	char msg[256];
	int slot;

	while (i < len && name_char((unsigned char)t[i]))
		i++;
	while (i > a && t[i - 1] == '.') /* "... %proc.name." ends a sentence */
		i--;
	nend = i;
	if (i < len && t[i] == '[') {
		const char *close = memchr(t + i, ']', len - i);

		if (!close) {
			set_err(err, map, i, "unclosed '[' in an output field");
			return -EINVAL;
		}
		o.arg = strndup(t + i + 1, (size_t)(close - t - i - 1));
		i = (size_t)(close - t) + 1;
	}
	o.name = strndup(t + a, nend - a);
	if (!o.name || (i > nend && !o.arg)) {
		free(o.name);
		free(o.arg);
		return -ENOMEM;
	}
	slot = cond_env_slot(env, &o, src, msg, sizeof(msg));
	free(o.name);
	free(o.arg);
	if (slot < 0) {
		set_err(err, map, a - 1, msg);
		return slot;
	}
	struct piece pc = { .slot = slot, .name = strndup(t + a, i - a) };
	if (!pc.name || add_piece(f, pc) < 0) {
		free(pc.name);
		return -ENOMEM;
	}
	return (int)i;
}

int outfmt_compile(const char *text, size_t len, const struct cond_srcmap *map,
		   struct cond_env *env, enum field_source src, struct outfmt **ret,
		   struct cond_err *err)
{
	struct outfmt *f = calloc(1, sizeof(*f));
	size_t i = 0, lit = 0;
	int r = -ENOMEM;

	if (!f || !(f->text = malloc(len + 1)))
		goto err;
	memcpy(f->text, text, len); /* len bytes exactly: the text may hold NULs */
	f->text[len] = 0;
	while (i < len) {
		if (f->text[i] != '%' || i + 1 >= len || !isalpha((unsigned char)f->text[i + 1])) {
			i++;
			continue;
		}
		if (i > lit && (r = add_piece(f, (struct piece){ f->text + lit, i - lit, -1 })) < 0)
			goto err;
		r = add_field(f, i + 1, len, map, env, src, err);
		if (r < 0)
			goto err;
		i = lit = (size_t)r;
	}
	if (i > lit && (r = add_piece(f, (struct piece){ f->text + lit, i - lit, -1 })) < 0)
		goto err;
	*ret = f;
	return 0;
err:
	outfmt_free(f);
	return r < 0 ? r : -ENOMEM;
}

void outfmt_free(struct outfmt *f)
{
	if (!f)
		return;
	for (unsigned i = 0; i < f->n; i++)
		free(f->p[i].name);
	free(f->p);
	free(f->text);
	free(f);
}

static size_t put(char *buf, size_t len, size_t at, const char *s, size_t n)
{
	if (at < len) {
		size_t k = len - at - 1 < n ? len - at - 1 : n;

		memcpy(buf + at, s, k);
	}
	return at + n;
}

int outfmt_render(const struct outfmt *f, struct cond_run *run, char *buf, size_t len)
{
	char tmp[4096];
	size_t at = 0;

	for (unsigned i = 0; i < f->n; i++) {
		const struct piece *pc = &f->p[i];
		const struct field_val *v;
		int n;

		if (pc->slot < 0) {
			at = put(buf, len, at, pc->lit, pc->litlen);
			continue;
		}
		n = cond_run_get(run, (unsigned)pc->slot, &v);
		if (n <= 0) {
			at = put(buf, len, at, "<NA>", 4);
			continue;
		}
		for (int k = 0; k < n; k++) {
			int m = field_val_format(cond_run_type(run, (unsigned)pc->slot), &v[k], tmp,
						 sizeof(tmp));

			if (m < 0)
				m = 0;
			if ((size_t)m >= sizeof(tmp))
				m = sizeof(tmp) - 1;
			if (n > 1)
				at = put(buf, len, at, k ? "," : "(", 1);
			at = put(buf, len, at, tmp, (size_t)m);
		}
		if (n > 1)
			at = put(buf, len, at, ")", 1);
	}
	if (len)
		buf[at < len ? at : len - 1] = 0;
	return (int)at;
}

static struct json_object *json_val(enum field_type t, const struct field_val *v)
{
	char tmp[4096];

	switch (field_type_class(t)) {
	case FC_SIGNED:
		return json_object_new_int64(v->i);
	case FC_UNSIGNED:
		return json_object_new_uint64(v->u);
	case FC_BOOL:
		return json_object_new_boolean(v->b);
	case FC_STR:
		return json_object_new_string_len(v->s.p, (int)v->s.len);
	default:
		field_val_format(t, v, tmp, sizeof(tmp));
		return json_object_new_string(tmp);
	}
}

struct json_object *outfmt_fields(const struct outfmt *f, struct cond_run *run)
{
	struct json_object *o = json_object_new_object();

	if (!o)
		return NULL;
	for (unsigned i = 0; i < f->n; i++) {
		const struct piece *pc = &f->p[i];
		enum field_type t;
		const struct field_val *v;
		struct json_object *j = NULL;
		int n;

		if (pc->slot < 0)
			continue;
		t = cond_run_type(run, (unsigned)pc->slot);
		n = cond_run_get(run, (unsigned)pc->slot, &v);
		if (n == 1) {
			j = json_val(t, v);
		} else if (n > 1) {
			j = json_object_new_array();
			for (int k = 0; j && k < n; k++)
				json_object_array_add(j, json_val(t, &v[k]));
		}
		json_object_object_add(o, pc->name, j);
	}
	return o;
}
