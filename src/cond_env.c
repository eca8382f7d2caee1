// SPDX-License-Identifier: GPL-2.0-only
/* The slot table: each distinct (field, argument, transformers) once. */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cond_int.h"

struct cond_env *cond_env_new(void)
{
	return calloc(1, sizeof(struct cond_env));
}

void cond_env_free(struct cond_env *env)
{
	if (!env)
		return;
	for (unsigned i = 0; i < env->n; i++) {
		free(env->slots[i].argcopy);
		free(env->slots[i].key);
	}
	free(env->slots);
	for (unsigned i = 0; i < env->nnames; i++)
		free(env->names[i]);
	free(env->names);
	cond_memo_free(env->memo);
	free(env);
}

unsigned cond_env_nslots(const struct cond_env *env)
{
	return env->n;
}

const char *const *cond_env_names(const struct cond_env *env, size_t *ret_n)
{
	*ret_n = env->nnames;
	return (const char *const *)env->names;
}

int cond_env_name(struct cond_env *env, const char *name)
{
	for (unsigned i = 0; i < env->nnames; i++)
		if (!strcmp(env->names[i], name))
			return (int)i;
	if (env->nnames == env->capnames) {
		unsigned ncap = env->capnames ? env->capnames * 2 : 16;
		char **nn = realloc(env->names, ncap * sizeof(*nn));

		if (!nn)
			return -ENOMEM;
		env->names = nn;
		env->capnames = ncap;
	}
	env->names[env->nnames] = strdup(name);
	if (!env->names[env->nnames])
		return -ENOMEM;
	return (int)env->nnames++;
}

enum field_type cond_env_slot_type(const struct cond_env *env, unsigned slot)
{
	return env->slots[slot].type;
}

const struct field_req *cond_env_slot_req(const struct cond_env *env, unsigned slot)
{
	return &env->slots[slot].req;
}

/* The type a transformer yields, or -1 if it does not apply to t. */
static int xf_type(enum cond_xf x, enum field_type t)
{
	enum field_class c = field_type_class(t);

	switch (x) {
	case XF_LEN:
		return (c == FC_STR || c == FC_BYTES) ? FT_UINT64 : -1;
	case XF_B64:
		return (c == FC_STR || c == FC_BYTES) ? FT_CHARBUF : -1;
	default:
		return c == FC_STR ? FT_CHARBUF : -1;
	}
}

static char *make_key(const struct cond_operand *o)
{
	size_t n = strlen(o->name) + (o->arg ? strlen(o->arg) : 0) + 8 + o->nxf * 4;
	char *k = malloc(n);
	size_t used = 0;

	if (!k)
		return NULL;
	for (unsigned i = 0; i < o->nxf; i++)
		used += (size_t)snprintf(k + used, n - used, "%u,", o->xf[i]);
	snprintf(k + used, n - used, ":%s%s%s%s", o->name, o->arg ? "[" : "", o->arg ? o->arg : "",
		 o->arg ? "]" : "");
	return k;
}

int cond_env_slot(struct cond_env *env, const struct cond_operand *o, enum field_source src,
		  char *err, size_t errlen)
{
	struct cond_slot s = { 0 };
	char *key = make_key(o);
	int r, t;

	if (!key)
		return -ENOMEM;
	for (unsigned i = 0; i < env->n; i++)
		if (!strcmp(env->slots[i].key, key)) {
			if (env->slots[i].req.def->source != src)
				break; /* report the source mismatch below */
			free(key);
			return (int)i;
		}
	r = field_resolve(o->name, o->arg, o->arg != NULL, &s.req, &s.argcopy, err, errlen);
	if (r < 0)
		goto fail;
	if (s.req.def->source != src) {
		snprintf(err, errlen, "field '%s' belongs to the %s source, not %s", o->name,
			 field_source_name(s.req.def->source), field_source_name(src));
		r = -EINVAL;
		goto fail;
	}
	s.type = s.req.type;
	for (unsigned i = 0; i < o->nxf; i++) {
		t = xf_type((enum cond_xf)o->xf[i], s.type);
		if (t < 0) {
			snprintf(err, errlen, "transformer %s() does not apply to '%s' (%s)",
				 cond_xf_names[o->xf[i]], o->name, field_type_name(s.type));
			r = -EINVAL;
			goto fail;
		}
		s.type = (enum field_type)t;
		s.xf[s.nxf++] = o->xf[i];
	}
	if (env->n == env->cap) {
		unsigned ncap = env->cap ? env->cap * 2 : 32;
		struct cond_slot *ns = realloc(env->slots, ncap * sizeof(*ns));

		if (!ns) {
			r = -ENOMEM;
			goto fail;
		}
		env->slots = ns;
		env->cap = ncap;
	}
	s.key = key;
	env->slots[env->n] = s;
	return (int)env->n++;
fail:
	free(s.argcopy);
	free(key);
	return r;
}
