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
	uint8_t *unknown[SAKER_EV_MAX]; /* per type: slots not known at entry, built on demand */
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
	for (unsigned t = 0; t < SAKER_EV_MAX; t++)
		free(r->unknown[t]);
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

/* A new syscall event for the run: every cached value forgotten. */
static void begin(struct rules_runner *r, const struct evt *e, void *data)
{
	struct field_ctx ctx = { .evt = e,
				 .data = data,
				 .hostname = r->hostname,
				 .dns = r->dns,
				 .source = FSRC_SYSCALL };

	dns_poll(r->dns);
	cond_run_begin(r->run, &ctx);
}

int rules_eval(struct rules_runner *r, const struct evt *e, void *data, unsigned flags,
	       const struct rules_rule **ret, size_t max)
{
	unsigned t = e->hdr.type;

	begin(r, e, data);
	if (t >= SAKER_EV_MAX)
		return 0;
	return run_list(r, r->rs->by_type[t], r->rs->n_by_type[t], flags, ret, max);
}

static const uint8_t *unknown_slots(struct rules_runner *r, unsigned type)
{
	unsigned n = cond_env_nslots(r->rs->env);
	uint8_t *u = r->unknown[type];

	if (u)
		return u;
	u = calloc(n / 8 + 1, 1);
	if (!u)
		return NULL;
	for (unsigned i = 0; i < n; i++)
		if (!field_known_at_entry(cond_env_slot_req(r->rs->env, i), type))
			u[i / 8] |= (uint8_t)(1u << (i % 8));
	r->unknown[type] = u;
	return u;
}

bool rules_may_match(struct rules_runner *r, const struct evt *e, void *data)
{
	unsigned t = e->hdr.type;
	const uint8_t *u;

	if (t >= SAKER_EV_MAX)
		return true;
	u = unknown_slots(r, t);
	if (!u)
		return true;
	begin(r, e, data);
	for (unsigned i = 0; i < r->rs->n_by_type[t]; i++) {
		const struct rules_rule *rule = &r->rs->rules[r->rs->by_type[t][i]];

		if (rule->enabled && cond_eval_partial(rule->expr, r->run, u) != COND_FALSE)
			return true;
	}
	return false;
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
