// SPDX-License-Identifier: GPL-2.0-only
/* Running a ruleset: enable/disable, interest, evaluation and outputs. */
#include "config.h"

#include <string.h>

#include "dns.h"
#include "rules_int.h"
#include "util.h"

struct rules_runner {
	const struct ruleset *rs;
	struct cond_run *run;
	const char *hostname;
	struct dns *dns;
	uint8_t *unknown[SAKER_EV_MAX]; /* per type: slots not known at entry, built on demand */
	uint8_t *later[SAKER_EV_MAX]; /* per type: slots not known from an fd's name alone */
	/*
	 * What each rule costs (rules_runner_costs()), kept off the path of
	 * the rules that do not match: a rule is evaluated on every event of
	 * its list unless an earlier rule matched first, so events are
	 * counted per list and rules passed over per rule.
	 */
	uint64_t type_events[SAKER_EV_MAX]; /* syscall events run through by_type[t] */
	uint64_t source_events[FSRC_MAX]; /* events of other sources run through other */
	uint64_t *passed; /* per rule: events a rule before it matched first */
	uint64_t *matched; /* per rule: events its condition was true on */
	uint64_t *est_ns; /* per rule: time in its condition, each timing times every */
	unsigned sample; /* events until the next timed one */
	unsigned every; /* one event in this many is timed, on average */
	uint32_t rng; /* xorshift state: the gaps between timings vary */
	uint64_t clock_ns; /* what reading the clock twice costs, taken off each timing */
};

/* The least of a few back-to-back clock reads: what a timing itself adds. */
static uint64_t clock_overhead(void)
{
	uint64_t best = UINT64_MAX;

	for (int i = 0; i < 64; i++) {
		uint64_t a = clock_ns(CLOCK_MONOTONIC), b = clock_ns(CLOCK_MONOTONIC);

		if (b - a < best)
			best = b - a;
	}
	return best;
}

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
		/*
		 * A rule that reads the name of an fd from the table wants the
		 * opens that name them: a driver that could leave opens out
		 * (ptrace launch mode) would name those fds as /proc does.
		 */
		if (r->names_fds || r->names_std) {
			src_interest_set(&u, SAKER_EV_OPEN);
			src_interest_set(&u, SAKER_EV_OPENAT);
			src_interest_set(&u, SAKER_EV_OPENAT2);
			src_interest_set(&u, SAKER_EV_CREAT);
		}
	}
	*ret = u;
}

struct rules_runner *rules_runner_new(const struct ruleset *rs)
{
	struct rules_runner *r = calloc(1, sizeof(*r));

	if (!r)
		return NULL;
	r->rs = rs;
	r->every = RULES_COST_SAMPLE;
	r->clock_ns = clock_overhead();
	r->rng = (uint32_t)clock_ns(CLOCK_MONOTONIC) | 1u;
	r->run = cond_run_new(rs->env);
	r->passed = calloc(rs->nrules ? rs->nrules : 1, sizeof(*r->passed));
	r->matched = calloc(rs->nrules ? rs->nrules : 1, sizeof(*r->matched));
	r->est_ns = calloc(rs->nrules ? rs->nrules : 1, sizeof(*r->est_ns));
	if (!r->run || !r->passed || !r->matched || !r->est_ns) {
		rules_runner_free(r);
		return NULL;
	}
	return r;
}

void rules_runner_free(struct rules_runner *r)
{
	if (!r)
		return;
	cond_run_free(r->run);
	free(r->passed);
	free(r->matched);
	free(r->est_ns);
	for (unsigned t = 0; t < SAKER_EV_MAX; t++) {
		free(r->unknown[t]);
		free(r->later[t]);
	}
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

/*
 * The enabled rules of src among idx[0..n), in order; timed is a constant
 * at each call, so the compiler makes the untimed loop free of it.
 */
static inline __attribute__((always_inline)) int
run_rules(struct rules_runner *r, enum field_source src, const unsigned *idx, unsigned n,
	  unsigned flags, const struct rules_rule **ret, size_t max, bool timed)
{
	/* Locals: cond_eval() is a call, after which r's fields would be read again. */
	const struct rules_rule *rules = r->rs->rules;
	struct cond_run *run = r->run;
	size_t found = 0;
	unsigned i;

	for (i = 0; i < n && found < max; i++) {
		const struct rules_rule *rule = &rules[idx[i]];
		uint64_t t0 = 0;
		bool m;

		/* by_type lists hold syscall rules only: a constant src drops the test. */
		if (src != FSRC_SYSCALL && rule->source != src)
			continue;
		if (!rule->enabled) {
			r->passed[idx[i]]++;
			continue;
		}
		if (timed)
			t0 = clock_ns(CLOCK_MONOTONIC);
		m = cond_eval(rule->expr, run);
		if (timed) {
			uint64_t dt = clock_ns(CLOCK_MONOTONIC) - t0;

			r->est_ns[idx[i]] += (dt > r->clock_ns ? dt - r->clock_ns : 0) * r->every;
		}
		if (m) {
			ret[found++] = rule;
			if (!(flags & RULES_EVAL_ALL)) {
				i++;
				break;
			}
		}
	}
	/* Nor were the rest: a match came first (or max did). */
	for (; i < n; i++)
		if (rules[idx[i]].source == src)
			r->passed[idx[i]]++;
	/* Counted here, not in the loop: there it cost every record ~30 instructions. */
	for (size_t k = 0; k < found; k++)
		r->matched[ret[k]->index]++;
	return (int)found;
}

/*
 * Events to skip before the next timing: uniform in [0, 2 * every - 2], so
 * one event in every is timed on average and a loop whose period divides
 * every is not always timed at the same place.
 */
static unsigned next_gap(struct rules_runner *r)
{
	uint32_t x = r->rng;

	if (r->every <= 1)
		return 0;
	x ^= x << 13;
	x ^= x >> 17;
	x ^= x << 5;
	r->rng = x;
	return x % (2 * r->every - 1);
}

static inline __attribute__((always_inline)) int
run_list(struct rules_runner *r, enum field_source src, const unsigned *idx, unsigned n,
	 unsigned flags, const struct rules_rule **ret, size_t max)
{
	if (r->sample-- == 0) {
		r->sample = next_gap(r);
		return run_rules(r, src, idx, n, flags, ret, max, true);
	}
	return run_rules(r, src, idx, n, flags, ret, max, false);
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
	r->type_events[t]++;
	return run_list(r, FSRC_SYSCALL, r->rs->by_type[t], r->rs->n_by_type[t], flags, ret, max);
}

/* Slots a field_known_*() test leaves unknown for type, as a bitmap (cached in *cache). */
static const uint8_t *slots_unknown(struct rules_runner *r, uint8_t **cache, unsigned type,
				    bool (*known)(const struct field_req *, unsigned))
{
	unsigned n = cond_env_nslots(r->rs->env);
	uint8_t *u = *cache;

	if (u)
		return u;
	u = calloc(n / 8 + 1, 1);
	if (!u)
		return NULL;
	for (unsigned i = 0; i < n; i++)
		if (!known(cond_env_slot_req(r->rs->env, i), type))
			u[i / 8] |= (uint8_t)(1u << (i % 8));
	*cache = u;
	return u;
}

/*
 * Could the name the open gives its fd make a rule true on a later event
 * about that fd? Without the open's record the fd would be named as /proc
 * names it. Each rule that reads an fd's name on an FDARG type is tried
 * for each such type, with only the type and the fd's name known (its
 * context names the open's fd: data's fd is the open's scratch one).
 */
static bool name_matters_later(struct rules_runner *r, const struct evt *open, void *data)
{
	struct evt later = { .hdr = open->hdr, .ts = open->ts, .num = open->num };

	for (size_t i = 0; i < r->rs->nrules; i++) {
		const struct rules_rule *rule = &r->rs->rules[i];

		if (!rule->enabled || !rule->names_fds || rule->source != FSRC_SYSCALL)
			continue;
		for (unsigned t = 1; t < SAKER_EV_MAX; t++) {
			const uint8_t *u;

			if (!(evt_table[t].flags & SAKER_EF_FDARG) ||
			    !(rule->all_types || src_interest_has(&rule->types, t)))
				continue;
			u = slots_unknown(r, &r->later[t], t, field_known_later);
			if (!u)
				return true;
			later.hdr.type = (uint16_t)t;
			later.info = &evt_table[t];
			begin(r, &later, data);
			if (cond_eval_partial(rule->expr, r->run, u) != COND_FALSE)
				return true;
		}
	}
	return false;
}

bool rules_may_match(struct rules_runner *r, const struct evt *e, void *data)
{
	unsigned t = e->hdr.type;
	const uint8_t *u;

	if (t >= SAKER_EV_MAX)
		return true;
	u = slots_unknown(r, &r->unknown[t], t, field_known_at_entry);
	if (!u)
		return true;
	begin(r, e, data);
	for (unsigned i = 0; i < r->rs->n_by_type[t]; i++) {
		const struct rules_rule *rule = &r->rs->rules[r->rs->by_type[t][i]];

		if (rule->enabled && cond_eval_partial(rule->expr, r->run, u) != COND_FALSE)
			return true;
	}
	return evt_type_is_open(t) && name_matters_later(r, e, data);
}

bool rules_read_std_names(const struct ruleset *rs)
{
	for (size_t i = 0; i < rs->nrules; i++)
		if (rs->rules[i].enabled && rs->rules[i].names_std)
			return true;
	return false;
}

int rules_eval_source(struct rules_runner *r, enum field_source src, void *data, unsigned flags,
		      const struct rules_rule **ret, size_t max)
{
	struct field_ctx ctx = {
		.data = data, .hostname = r->hostname, .dns = r->dns, .source = src
	};

	dns_poll(r->dns);
	cond_run_begin(r->run, &ctx);
	if (src < FSRC_MAX)
		r->source_events[src]++;
	return run_list(r, src, r->rs->other, r->rs->nother, flags, ret, max);
}

void rules_runner_time_every(struct rules_runner *r, unsigned every)
{
	r->every = every ? (every < (1u << 20) ? every : 1u << 20) : 1;
	r->sample = 0;
}

void rules_runner_costs(const struct rules_runner *r, struct rules_cost *ret)
{
	const struct ruleset *rs = r->rs;

	memset(ret, 0, rs->nrules * sizeof(*ret));
	for (unsigned t = 0; t < SAKER_EV_MAX; t++)
		for (unsigned k = 0; k < rs->n_by_type[t]; k++)
			ret[rs->by_type[t][k]].evals += r->type_events[t];
	for (unsigned k = 0; k < rs->nother; k++) {
		enum field_source src = rs->rules[rs->other[k]].source;

		ret[rs->other[k]].evals += src < FSRC_MAX ? r->source_events[src] : 0;
	}
	for (size_t i = 0; i < rs->nrules; i++) {
		ret[i].evals = rs->rules[i].enabled ? ret[i].evals - r->passed[i] : 0;
		ret[i].matched = r->matched[i];
		ret[i].ns = r->est_ns[i];
	}
}

int rules_format(struct rules_runner *r, const struct rules_rule *rule, char *buf, size_t len)
{
	return outfmt_render(rule->fmt, r->run, buf, len);
}

struct json_object *rules_output_fields(struct rules_runner *r, const struct rules_rule *rule)
{
	return outfmt_fields(rule->fmt, r->run);
}
