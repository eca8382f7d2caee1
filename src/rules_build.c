// SPDX-License-Identifier: GPL-2.0-only
/*
 * After every file is read: flatten lists, parse macros (each may use only
 * macros defined above it, which also rules out cycles), compile each rule
 * with macros inlined, add its exceptions, compile its output, and index
 * it by event type.
 */
#include "config.h"

#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

struct rl_list *ld_find_list(struct loader *ld, const char *name)
{
	for (unsigned i = 0; i < ld->nlists; i++)
		if (!strcmp(ld->lists[i].name, name))
			return &ld->lists[i];
	return NULL;
}

struct rl_macro *ld_find_macro(struct loader *ld, const char *name)
{
	for (unsigned i = 0; i < ld->nmacros; i++)
		if (!strcmp(ld->macros[i].name, name))
			return &ld->macros[i];
	return NULL;
}

struct rl_rule *ld_find_rule(struct loader *ld, const char *name)
{
	for (unsigned i = 0; i < ld->nrules; i++)
		if (ld->rules[i].pub.name && !strcmp(ld->rules[i].pub.name, name))
			return &ld->rules[i];
	return NULL;
}

/* Expand nested lists; a list may use lists defined above it. */
static int flatten(struct loader *ld, unsigned idx)
{
	struct rl_list *l = &ld->lists[idx];
	unsigned cap = l->n + 1, n = 0;
	struct cond_value *out = calloc(cap, sizeof(*out));

	if (!out)
		return -ENOMEM;
	for (unsigned i = 0; i < l->n; i++) {
		struct rl_list *sub = ld_find_list(ld, l->items[i].s);
		const struct cond_value *src = &l->items[i];
		unsigned cnt = 1;

		if (sub && sub < l) {
			sub->used = true;
			src = sub->flat;
			cnt = sub->nflat;
		}
		if (n + cnt > cap) {
			struct cond_value *no;

			cap = (n + cnt) * 2;
			no = realloc(out, cap * sizeof(*out));
			if (!no) {
				free(out);
				return -ENOMEM;
			}
			out = no;
		}
		memcpy(out + n, src, cnt * sizeof(*out)); /* strings stay owned by items */
		n += cnt;
	}
	for (unsigned i = 0; i < n; i++)
		if (!out[i].pos.list)
			out[i].pos.list = l->name; /* blame the list for a bad item */
	l->flat = out;
	l->nflat = n;
	return 0;
}

struct mcheck {
	struct loader *ld;
	unsigned idx;
	char item[300];
};

static void macro_ref(void *ud, const char *name, bool as_list, struct cond_pos pos)
{
	struct mcheck *mc = ud;
	struct rl_macro *m;

	if (as_list)
		return;
	m = ld_find_macro(mc->ld, name);
	if (!m) {
		ld_diag(mc->ld, false, pos, mc->item, "undefined macro '%s'", name);
		mc->ld->macros[mc->idx].bad = true;
	} else if (m >= &mc->ld->macros[mc->idx]) {
		ld_diag(mc->ld, false, pos, mc->item,
			"macro '%s' is used before it is defined (a macro may only use macros "
			"defined above it)",
			name);
		mc->ld->macros[mc->idx].bad = true;
	}
}

static void parse_macros(struct loader *ld)
{
	for (unsigned i = 0; i < ld->nmacros; i++) {
		struct rl_macro *m = &ld->macros[i];
		struct mcheck mc = { .ld = ld, .idx = i };
		struct cond_srcmap map;
		struct cond_err err;

		snprintf(mc.item, sizeof(mc.item), "macro '%s'", m->name);
		rtext_map(&m->cond, &map);
		if (cond_parse(m->cond.s, m->cond.len, &map, &m->ast, &err) < 0) {
			ld_diag(ld, false, err.pos, mc.item, "%s", err.msg);
			m->bad = true;
			continue;
		}
		cond_walk_names(m->ast, macro_ref, &mc);
	}
}

static const struct cond_node *resolve_macro(void *ud, const char *name, struct cond_pos pos)
{
	struct loader *ld = ud;
	struct rl_macro *m = ld_find_macro(ld, name);

	if (!m) {
		ld_diag(ld, ld->cur_soft, pos, pos.macro ? NULL : ld->cur_rule,
			"undefined macro '%s'", name);
		ld->cur_errors++;
		return NULL;
	}
	m->used = true;
	if (m->bad || !m->ast) {
		ld->cur_errors++; /* reported at the macro */
		return NULL;
	}
	return m->ast;
}

static const struct cond_value *resolve_list(void *ud, const char *name, unsigned *ret_n)
{
	struct rl_list *l = ld_find_list(ud, name);

	if (!l)
		return NULL;
	l->used = true;
	*ret_n = l->nflat;
	return l->flat;
}

static void compile_diag(void *ud, struct cond_pos pos, const char *fmt, ...)
{
	struct loader *ld = ud;
	char msg[512], item[300];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	if (pos.list)
		snprintf(item, sizeof(item), "list '%s'", pos.list);
	else if (pos.macro)
		snprintf(item, sizeof(item), "macro '%s'", pos.macro);
	ld_diag(ld, ld->cur_soft, pos, pos.list || pos.macro ? item : ld->cur_rule, "%s", msg);
	ld->cur_errors++;
}

static struct cond_node *rule_ast(struct loader *ld, struct rl_rule *r)
{
	struct cond_srcmap map;
	struct cond_node *ast, *exc, *both;
	struct cond_err err;

	rtext_map(&r->cond, &map);
	if (cond_parse(r->cond.s, r->cond.len, &map, &ast, &err) < 0) {
		ld_diag(ld, false, err.pos, ld->cur_rule, "%s", err.msg);
		return NULL;
	}
	if (ld_exc_ast(ld, r, ld->cur_rule, &exc) < 0) {
		cond_node_free(ast);
		return NULL;
	}
	if (!exc)
		return ast;
	both = calloc(1, sizeof(*both));
	if (both)
		both->kids = calloc(2, sizeof(*both->kids));
	if (!both || !both->kids) {
		free(both);
		cond_node_free(ast);
		cond_node_free(exc);
		return NULL;
	}
	both->kind = CN_AND;
	both->pos = ast->pos;
	both->kids[0] = ast;
	both->kids[1] = exc;
	both->nkids = 2;
	return both;
}

struct slot_scan {
	const struct cond_env *env;
	bool names, std;
};

static void scan_slot(void *ud, unsigned slot)
{
	struct slot_scan *s = ud;
	const char *n = cond_env_slot_req(s->env, slot)->def->name;

	s->names |= field_names_fd(n);
	s->std |= !strcmp(n, "proc.stdin.name") || !strcmp(n, "proc.stdout.name") ||
		  !strcmp(n, "proc.stderr.name");
}

/*
 * Does the condition read the name of an fd from the table, where the fd
 * may have come from an open? Then how an open names its fd matters after
 * the open: on an event that names an fd (SAKER_EF_FDARG; names_fds), or
 * for the standard streams on any event (names_std). The open family's
 * own fd is the one the open makes, not one from the table.
 */
static void scan_names(struct rules_rule *r, const struct cond_env *env)
{
	struct slot_scan s = { .env = env };

	cond_expr_slots(r->expr, scan_slot, &s);
	r->names_std = s.std;
	for (unsigned t = 1; s.names && t < SAKER_EV_MAX && !r->names_fds; t++)
		r->names_fds = (r->all_types || src_interest_has(&r->types, t)) &&
			       (evt_table[t].flags & SAKER_EF_FDARG);
}

static struct rules_rule *compile_rule(struct loader *ld, struct rl_rule *r, struct cond_env *env)
{
	struct cond_resolver res = { resolve_macro, resolve_list, ld };
	struct rules_rule *out = calloc(1, sizeof(*out));
	struct cond_node *ast = NULL, *x = NULL;
	struct cond_srcmap map;
	struct cond_err err;

	if (!out)
		return NULL;
	*out = r->pub;
	out->tags = NULL;
	out->ntags = 0;
	out->name = out->desc = out->output = NULL;
	ast = rule_ast(ld, r);
	if (ast)
		x = cond_expand(ast, &res, compile_diag, ld);
	if (x)
		out->expr = cond_compile(x, env, r->pub.source, compile_diag, ld);
	cond_node_free(ast);
	cond_node_free(x);
	rtext_map(&r->output, &map);
	if (outfmt_compile(r->output.s, r->output.len, &map, env, r->pub.source, &out->fmt, &err) <
	    0) {
		ld_diag(ld, ld->cur_soft, err.pos, ld->cur_rule, "output: %s", err.msg);
		ld->cur_errors++;
	}
	if (!out->expr || !out->fmt)
		goto err;
	out->all_types = cond_evttypes(out->expr, &out->types);
	scan_names(out, env);
	if (out->all_types && r->warn_evttypes && r->pub.source == FSRC_SYSCALL)
		ld_diag(ld, true, r->pos, ld->cur_rule,
			"the condition matches every event type; the rule runs on every event "
			"(name event types with evt.type, or set warn_evttypes: false)");
	/* take ownership of the strings */
	out->name = r->pub.name;
	out->desc = r->pub.desc;
	out->tags = r->pub.tags;
	out->ntags = r->pub.ntags;
	out->output = r->output.s;
	r->pub.name = r->pub.desc = NULL;
	r->pub.tags = NULL;
	r->pub.ntags = 0;
	r->output.s = NULL;
	return out;
err:
	cond_expr_free(out->expr);
	outfmt_free(out->fmt);
	free(out);
	return NULL;
}

static void warn_unused(struct loader *ld)
{
	char item[300];

	for (unsigned i = 0; i < ld->nmacros; i++)
		if (!ld->macros[i].used && !ld->macros[i].bad) {
			snprintf(item, sizeof(item), "macro '%s'", ld->macros[i].name);
			ld_diag(ld, true, ld->macros[i].pos, item, "defined but not used");
		}
	for (unsigned i = 0; i < ld->nlists; i++)
		if (!ld->lists[i].used) {
			snprintf(item, sizeof(item), "list '%s'", ld->lists[i].name);
			ld_diag(ld, true, ld->lists[i].pos, item, "defined but not used");
		}
}

static int index_rules(struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rules_rule *r = &rs->rules[i];
		unsigned **slot;
		unsigned *n;

		for (unsigned t = 0; t < (r->source == FSRC_SYSCALL ? SAKER_EV_MAX : 1u); t++) {
			if (r->source == FSRC_SYSCALL && !src_interest_has(&r->types, t))
				continue;
			slot = r->source == FSRC_SYSCALL ? &rs->by_type[t] : &rs->other;
			n = r->source == FSRC_SYSCALL ? &rs->n_by_type[t] : &rs->nother;
			unsigned *ns = realloc(*slot, (*n + 1) * sizeof(*ns));

			if (!ns)
				return -ENOMEM;
			*slot = ns;
			ns[(*n)++] = (unsigned)i;
		}
	}
	return 0;
}

int ld_build(struct loader *ld, struct ruleset **ret)
{
	struct ruleset *rs = calloc(1, sizeof(*rs));
	char item[300];
	int r = -ENOMEM;

	if (!rs || !(rs->env = cond_env_new()))
		goto out;
	for (unsigned i = 0; i < ld->nlists; i++)
		if (flatten(ld, i) < 0)
			goto out;
	parse_macros(ld);
	rs->rules = calloc(ld->nrules ? ld->nrules : 1, sizeof(*rs->rules));
	if (!rs->rules)
		goto out;
	for (unsigned i = 0; i < ld->nrules; i++) {
		struct rl_rule *rr = &ld->rules[i];
		struct rules_rule *c;

		snprintf(item, sizeof(item), "rule '%s'", rr->pub.name);
		ld->cur_rule = item;
		ld->cur_soft = rr->skip_unknown;
		ld->cur_errors = 0;
		c = compile_rule(ld, rr, rs->env);
		if (c) {
			/* contiguous, so a rule's index is its offset from rules_at(rs, 0) */
			c->index = rs->nrules;
			rs->rules[rs->nrules++] = *c;
			free(c);
		} else if (!ld->cur_errors && !ld->d->errors)
			ld_diag(ld, false, rr->pos, item, "could not be compiled (out of memory)");
		else if (rr->skip_unknown && ld->cur_errors)
			ld_diag(ld, true, rr->pos, item,
				"skipped (skip-if-unknown-filter is set and the rule does not compile)");
	}
	ld->cur_rule = NULL;
	warn_unused(ld);
	if (ld->d->errors) {
		r = -EINVAL;
		goto out;
	}
	if ((r = index_rules(rs)) < 0)
		goto out;
	*ret = rs;
	return 0;
out:
	rules_free(rs);
	return r;
}
