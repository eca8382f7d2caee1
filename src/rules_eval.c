// SPDX-License-Identifier: GPL-2.0-only
/* Running a ruleset: enable/disable, interest, evaluation and outputs. */
#include "config.h"

#include <string.h>

#include "dns.h"
#include "rules_int.h"

struct rules_runner {
	const struct ruleset *rs;
	struct cond_run *run;
	const char *hostname;
	struct dns *dns;
};

size_t rules_count(const struct ruleset *rs)
{
	return rs->nrules;
}

const struct rules_rule *rules_at(const struct ruleset *rs, size_t i)
{
	return i < rs->nrules ? &rs->rules[i] : NULL;
}

const struct rules_rule *rules_find(const struct ruleset *rs, const char *name)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (!strcmp(rs->rules[i].name, name))
			return &rs->rules[i];
	return NULL;
}

static bool has_tag(const struct rules_rule *r, const char *tag)
{
	for (unsigned i = 0; i < r->ntags; i++)
		if (!strcmp(r->tags[i], tag))
			return true;
	return false;
}

int rules_enable(struct ruleset *rs, const char *name, const char *tag, bool on)
{
	int n = 0;

	for (size_t i = 0; i < rs->nrules; i++) {
		struct rules_rule *r = &rs->rules[i];

		if ((name && strcmp(r->name, name)) || (tag && !has_tag(r, tag)))
			continue;
		r->enabled = on;
		n++;
	}
	return n;
}

void rules_interest(const struct ruleset *rs, struct src_interest *ret)
{
	struct src_interest u;

	memset(&u, 0, sizeof(u));
	for (size_t i = 0; i < rs->nrules; i++) {
		const struct rules_rule *r = &rs->rules[i];

		if (!r->enabled || r->source != FSRC_SYSCALL)
			continue;
		for (unsigned b = 0; b < SRC_INTEREST_BYTES; b++)
			u.bits[b] |= r->types.bits[b];
	}
	*ret = u;
}

struct rules_runner *rules_runner_new(const struct ruleset *rs)
{
	struct rules_runner *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->rs = rs;
	r->run = cond_run_new(rs->env);
	if (!r->run) {
		free(r);
		return NULL;
	}
	return r;
}

void rules_runner_free(struct rules_runner *r)
{
	if (!r)
		return;
	cond_run_free(r->run);
	free(r);
}

void rules_runner_set_hostname(struct rules_runner *r, const char *hostname)
{
	r->hostname = hostname;
}

int rules_runner_set_dns(struct rules_runner *r, struct dns *dns)
{
	size_t n;
	const char *const *names = cond_env_names(r->rs->env, &n);
	int k = dns ? dns_set_names(dns, names, n) : 0;

	if (k < 0)
		return k;
	r->dns = dns;
	return 0;
}

static int run_list(struct rules_runner *r, const unsigned *idx, unsigned n, unsigned flags,
		    const struct rules_rule **ret, size_t max)
{
	size_t found = 0;

	for (unsigned i = 0; i < n && found < max; i++) {
		const struct rules_rule *rule = &r->rs->rules[idx[i]];

		if (!rule->enabled || !cond_eval(rule->expr, r->run))
			continue;
		ret[found++] = rule;
		if (!(flags & RULES_EVAL_ALL))
			break;
	}
	return (int)found;
}

int rules_eval(struct rules_runner *r, const struct evt *e, void *data, unsigned flags,
	       const struct rules_rule **ret, size_t max)
{
	struct field_ctx ctx = { .evt = e,
				 .data = data,
				 .hostname = r->hostname,
				 .dns = r->dns,
				 .source = FSRC_SYSCALL };
	unsigned t = e->hdr.type;

	dns_poll(r->dns);
	cond_run_begin(r->run, &ctx);
	if (t >= SAKER_EV_MAX)
		return 0;
	return run_list(r, r->rs->by_type[t], r->rs->n_by_type[t], flags, ret, max);
}

int rules_eval_source(struct rules_runner *r, enum field_source src, void *data, unsigned flags,
		      const struct rules_rule **ret, size_t max)
{
	struct field_ctx ctx = {
		.data = data, .hostname = r->hostname, .dns = r->dns, .source = src
	};
	size_t found = 0;

	dns_poll(r->dns);
	cond_run_begin(r->run, &ctx);
	for (unsigned i = 0; i < r->rs->nother && found < max; i++) {
		const struct rules_rule *rule = &r->rs->rules[r->rs->other[i]];

		if (rule->source != src || !rule->enabled || !cond_eval(rule->expr, r->run))
			continue;
		ret[found++] = rule;
		if (!(flags & RULES_EVAL_ALL))
			break;
	}
	return (int)found;
}

int rules_format(struct rules_runner *r, const struct rules_rule *rule, char *buf, size_t len)
{
	return outfmt_render(rule->fmt, r->run, buf, len);
}

struct json_object *rules_output_fields(struct rules_runner *r, const struct rules_rule *rule)
{
	return outfmt_fields(rule->fmt, r->run);
}
