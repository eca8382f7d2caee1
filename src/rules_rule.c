// SPDX-License-Identifier: GPL-2.0-only
/* The rule item: reading its keys and merging it (new, replace, append, override). */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

enum {
	K_COND,
	K_OUTPUT,
	K_DESC,
	K_PRIO,
	K_TAGS,
	K_EXC,
	K_ENABLED,
	K_WARN,
	K_CAPTURE,
	K_CAPDUR,
	K_MAX
};
static const char *const okeys[] = { "condition", "output",	      "desc",	 "priority",
				     "tags",	  "exceptions",	      "enabled", "warn_evttypes",
				     "capture",	  "capture_duration", NULL };
static const char *const appendable[] = {
	"condition", "output", "desc", "tags", "exceptions", NULL
};

struct tmp {
	struct rl_rule r;
	bool has[K_MAX];
	bool has_source;
};

static int read_tags(struct ld_ctx *c, yaml_node_t *n, struct tmp *t)
{
	if (n->type != YAML_SEQUENCE_NODE) {
		ld_diag(c->ld, false, LD_POS(c, n), c->item,
			"'tags' must be a sequence of strings");
		return -EINVAL;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		const char *s = ld_scalar(yaml_document_get_node(c->doc, *it));
		char **nt;

		if (!s) {
			ld_diag(c->ld, false, LD_POS(c, n), c->item, "tags must be strings");
			return -EINVAL;
		}
		nt = realloc(t->r.pub.tags, (t->r.pub.ntags + 1) * sizeof(*nt));
		if (!nt)
			return -ENOMEM;
		t->r.pub.tags = nt;
		if (!(nt[t->r.pub.ntags] = strdup(s)))
			return -ENOMEM;
		t->r.pub.ntags++;
	}
	return 0;
}

static int read_text(struct ld_ctx *c, yaml_node_t *map, const char *key, struct rtext *t,
		     bool *has)
{
	yaml_node_t *n;

	if (!ld_want_str(c, map, key, &n))
		return n ? -EINVAL : 0;
	*has = true;
	return rtext_from_node(t, c->f, n);
}

static int read_keys(struct ld_ctx *c, yaml_node_t *map, struct tmp *t)
{
	yaml_node_t *n;
	const char *s;
	bool b;
	int bad = 0, r;

	if ((r = read_text(c, map, "condition", &t->r.cond, &t->has[K_COND])) < 0)
		bad = r;
	if ((r = read_text(c, map, "output", &t->r.output, &t->has[K_OUTPUT])) < 0)
		bad = r;
	if ((s = ld_want_str(c, map, "desc", &n))) {
		t->has[K_DESC] = true;
		if (!(t->r.pub.desc = strdup(s)))
			return -ENOMEM;
	} else if (n) {
		bad = -EINVAL;
	}
	if ((s = ld_want_str(c, map, "priority", &n))) {
		int p = rules_priority_parse(s);

		t->has[K_PRIO] = true;
		if (p < 0) {
			ld_diag(c->ld, false, LD_POS(c, n), c->item,
				"unknown priority '%s' (expected emergency, alert, critical, error, "
				"warning, notice, informational or debug)",
				s);
			bad = -EINVAL;
		}
		t->r.pub.priority = (enum rules_priority)(p < 0 ? 0 : p);
	} else if (n) {
		bad = -EINVAL;
	}
	if ((n = ld_map_get(c, map, "tags"))) {
		t->has[K_TAGS] = true;
		if ((r = read_tags(c, n, t)) < 0)
			bad = r;
	}
	if ((s = ld_want_str(c, map, "source", &n))) {
		int src = field_source_by_name(s);

		t->has_source = true;
		if (src < 0) {
			ld_diag(c->ld, false, LD_POS(c, n), c->item,
				"unknown source '%s' (expected syscall or k8s_audit)", s);
			bad = -EINVAL;
		}
		t->r.pub.source = src < 0 ? FSRC_SYSCALL : (enum field_source)src;
	} else if (n) {
		bad = -EINVAL;
	}
	t->r.pub.enabled = true;
	t->r.warn_evttypes = true;
	if ((r = ld_want_bool(c, map, "enabled", &t->r.pub.enabled)) < 0)
		bad = r;
	t->has[K_ENABLED] = r > 0;
	if ((r = ld_want_bool(c, map, "warn_evttypes", &t->r.warn_evttypes)) < 0)
		bad = r;
	t->has[K_WARN] = r > 0;
	if ((r = ld_want_bool(c, map, "skip-if-unknown-filter", &t->r.skip_unknown)) < 0)
		bad = r;
	if ((r = ld_want_bool(c, map, "capture", &b)) < 0)
		bad = r;
	t->has[K_CAPTURE] = r > 0;
	if ((n = ld_map_get(c, map, "capture_duration"))) {
		t->has[K_CAPDUR] = true;
		s = ld_scalar(n);
		if (!s || strspn(s, "0123456789") != strlen(s) || !*s) {
			ld_diag(c->ld, false, LD_POS(c, n), c->item,
				"'capture_duration' must be a number of milliseconds");
			bad = -EINVAL;
		}
	}
	return bad;
}

static void swap_text(struct rtext *dst, struct rtext *src)
{
	rtext_free(dst);
	*dst = *src;
	memset(src, 0, sizeof(*src));
}

static int append_str(char **dst, const char *more)
{
	size_t a = *dst ? strlen(*dst) : 0, b = strlen(more);
	char *s = realloc(*dst, a + b + 2);

	if (!s)
		return -ENOMEM;
	if (a)
		s[a++] = ' ';
	memcpy(s + a, more, b + 1);
	*dst = s;
	return 0;
}

/* Apply the keys of t to the existing rule o (append or override). */
static int apply(struct tmp *t, struct rl_rule *o, const char *modes, bool append)
{
	int r = 0;

#define MODE(k) (append ? 'a' : modes[k])
	if (t->has[K_COND])
		r = MODE(K_COND) == 'a' ? rtext_append(&o->cond, &t->r.cond) :
					  (swap_text(&o->cond, &t->r.cond), 0);
	if (!r && t->has[K_OUTPUT])
		r = MODE(K_OUTPUT) == 'a' ? rtext_append(&o->output, &t->r.output) :
					    (swap_text(&o->output, &t->r.output), 0);
	if (!r && t->has[K_DESC]) {
		if (MODE(K_DESC) == 'a') {
			r = append_str(&o->pub.desc, t->r.pub.desc);
		} else {
			free(o->pub.desc);
			o->pub.desc = t->r.pub.desc;
			t->r.pub.desc = NULL;
		}
	}
	if (!r && t->has[K_TAGS]) {
		if (MODE(K_TAGS) != 'a') {
			for (unsigned i = 0; i < o->pub.ntags; i++)
				free(o->pub.tags[i]);
			o->pub.ntags = 0;
		}
		for (unsigned i = 0; !r && i < t->r.pub.ntags; i++) {
			char **nt = realloc(o->pub.tags, (o->pub.ntags + 1) * sizeof(*nt));

			if (!nt)
				return -ENOMEM;
			o->pub.tags = nt;
			nt[o->pub.ntags++] = t->r.pub.tags[i];
			t->r.pub.tags[i] = NULL;
		}
	}
	if (t->has[K_PRIO])
		o->pub.priority = t->r.pub.priority;
	if (t->has[K_ENABLED])
		o->pub.enabled = t->r.pub.enabled;
	if (t->has[K_WARN])
		o->warn_evttypes = t->r.warn_evttypes;
	return r;
#undef MODE
}

static int add_rule(struct loader *ld, struct tmp *t, const char *name, struct cond_pos pos)
{
	struct rl_rule *nr = realloc(ld->rules, (ld->nrules + 1) * sizeof(*nr));

	if (!nr)
		return -ENOMEM;
	ld->rules = nr;
	nr[ld->nrules] = t->r;
	memset(&t->r, 0, sizeof(t->r));
	nr[ld->nrules].pos = pos;
	if (!(nr[ld->nrules].pub.name = strdup(name)))
		return -ENOMEM;
	ld->nrules++;
	return 0;
}

static int merge(struct ld_ctx *c, yaml_node_t *map, const char *name, struct tmp *t,
		 const char *modes, bool append, bool ovr)
{
	static const char *const required[] = { "condition", "output", "desc", "priority" };
	static const int rk[] = { K_COND, K_OUTPUT, K_DESC, K_PRIO };
	struct rl_rule *o = ld_find_rule(c->ld, name);
	bool only_enabled = t->has[K_ENABLED];
	int bad = 0;

	for (int k = 0; k < K_MAX; k++)
		if (k != K_ENABLED && t->has[k])
			only_enabled = false;
	if (append || ovr || only_enabled) {
		if (!o) {
			ld_diag(c->ld, false, LD_POS(c, map), c->item,
				"cannot %s: no rule '%s' is defined before",
				append ? "append" :
				ovr    ? "override" :
					 "enable or disable",
				name);
			return -EINVAL;
		}
		return apply(t, o, modes, append);
	}
	for (int k = 0; k < 4; k++) {
		if (t->has[rk[k]])
			continue;
		bad = -EINVAL;
		/* a key that is there but malformed was reported already */
		if (!ld_map_get(c, map, required[k]))
			ld_diag(c->ld, false, LD_POS(c, map), c->item, "missing required key '%s'",
				required[k]);
	}
	if (bad)
		return bad;
	t->r.pub.output = NULL;
	if (o) { /* a redefinition replaces the rule where it stood */
		struct cond_pos pos = o->pos;
		char *keep = o->pub.name;

		o->pub.name = NULL;
		ld_rule_free(o);
		*o = t->r;
		memset(&t->r, 0, sizeof(t->r));
		o->pub.name = keep;
		o->pos = pos;
		return 0;
	}
	return add_rule(c->ld, t, name, LD_POS(c, map));
}

int ld_rule_item(struct ld_ctx *c, yaml_node_t *map, const char *name)
{
	static const char *const known[] = { "rule",
					     "desc",
					     "condition",
					     "output",
					     "priority",
					     "tags",
					     "enabled",
					     "source",
					     "exceptions",
					     "append",
					     "override",
					     "capture",
					     "capture_duration",
					     "warn_evttypes",
					     "skip-if-unknown-filter",
					     NULL };
	struct tmp t = { 0 };
	char modes[K_MAX] = { 0 };
	bool append = false, ovr;
	yaml_node_t *en;
	int r, bad;

	ld_check_keys(c, map, known);
	if (ld_want_bool(c, map, "append", &append) < 0)
		return -EINVAL;
	r = ld_read_override(c, map, okeys, appendable, modes);
	if (r < 0)
		return r;
	ovr = r > 0;
	if (append && ovr) {
		ld_diag(c->ld, false, LD_POS(c, map), c->item,
			"use either 'append' or 'override', not both");
		return -EINVAL;
	}
	/* a bad key is reported, and the rest is still checked */
	bad = read_keys(c, map, &t);
	if (bad == -ENOMEM) {
		ld_rule_free(&t.r);
		return bad;
	}
	r = 0;
	if ((en = ld_map_get(c, map, "exceptions"))) {
		struct rl_rule *o = ld_find_rule(c->ld, name);
		bool add = (append || modes[K_EXC] == 'a') && o;

		t.has[K_EXC] = true;
		r = ld_exceptions(c, en, add ? o : &t.r, add);
		if (!r && o && !add && (append || ovr)) { /* override: replace */
			for (unsigned i = 0; i < o->nexc; i++)
				ld_exc_free(&o->exc[i]);
			free(o->exc);
			o->exc = t.r.exc;
			o->nexc = t.r.nexc;
			t.r.exc = NULL;
			t.r.nexc = 0;
		}
		t.has[K_EXC] = false; /* applied already */
		if (!r && !append && !ovr)
			t.has[K_EXC] = true;
	}
	if (r != -ENOMEM)
		r = merge(c, map, name, &t, modes, append, ovr);
	ld_rule_free(&t.r);
	return r < 0 ? r : bad;
}
