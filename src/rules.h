/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Rulesets in the Falco rule language: load YAML files (lists, macros,
 * rules, exceptions, append/override), compile every condition and output
 * once, index rules by event type, and evaluate decoded events.
 *
 * Loading is all-or-nothing: rules_load*() writes *ret only when no error
 * was found, so a daemon reloading on SIGHUP keeps its old ruleset when the
 * new files are bad. Every problem is collected in struct rules_diags.
 */
#ifndef SAKER_RULES_H
#define SAKER_RULES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "fields.h"
#include "source.h"

/* The rule-language version this engine implements (required_engine_version). */
#define RULES_ENGINE_VERSION "0.57.0"
#define RULES_MAX_FILE_SIZE (16u << 20)
#define RULES_MAX_ITEMS 100000

enum rules_priority {
	RULES_PRIO_EMERGENCY = 0,
	RULES_PRIO_ALERT,
	RULES_PRIO_CRITICAL,
	RULES_PRIO_ERROR,
	RULES_PRIO_WARNING,
	RULES_PRIO_NOTICE,
	RULES_PRIO_INFORMATIONAL,
	RULES_PRIO_DEBUG,
	RULES_PRIO_MAX
};

/* "Warning", "Informational": the capitalised names Falco prints. */
const char *rules_priority_name(enum rules_priority p);
/* Case-insensitive, with Falco's aliases ("info"); -1 if unknown. */
int rules_priority_parse(const char *s);

/* One error or warning, with where it is. */
struct rules_diag {
	char *file; /* NULL when not tied to a file */
	uint32_t line, col; /* 1-based; 0 when unknown */
	bool warning;
	char *msg; /* names the item: "rule 'X': ..." */
};

struct rules_diags {
	struct rules_diag *v;
	size_t n, cap;
	unsigned errors, warnings;
	/* What the files defined (filled even when loading fails). */
	unsigned nrules, nmacros, nlists;
};

void rules_diags_free(struct rules_diags *d);
/* "file:line:col: error: message" (snprintf semantics). */
int rules_diag_format(const struct rules_diag *g, char *buf, size_t len);

/* A rule as loaded. Fields below "private" belong to the engine. */
struct rules_rule {
	char *name;
	char *desc;
	char *output; /* the output format as written */
	enum rules_priority priority;
	enum field_source source;
	char **tags;
	unsigned ntags;
	bool enabled;
	bool all_types; /* matches every event type */
	struct src_interest types; /* event types it can match (syscall rules) */
	size_t index; /* position in the ruleset: rules_at(rs, index) == this rule */
	/* private */
	bool names_fds; /* reads the name of an fd an FDARG event names (rules_may_match()) */
	bool names_std; /* reads proc.stdin/stdout/stderr.name */
	struct cond_expr *expr;
	struct outfmt *fmt;
};

struct ruleset;

/* A rules file in memory (tests, fuzzing): name is used in diagnostics. */
struct rules_src {
	const char *name;
	const char *buf;
	size_t len;
};

/*
 * Load files in order (a directory contributes its *.yaml and *.yml in
 * name order). Later definitions replace earlier ones in place. Returns 0
 * and *ret, or -EINVAL when the files have errors (listed in d), or
 * -errno. d must be zeroed by the caller and freed with rules_diags_free().
 */
int rules_load_files(const char *const *paths, size_t n, struct rules_diags *d,
		     struct ruleset **ret);
int rules_load_mem(const struct rules_src *srcs, size_t n, struct rules_diags *d,
		   struct ruleset **ret);
void rules_free(struct ruleset *rs);

/* Rules in file order; they are contiguous, so rule - rules_at(rs, 0) == rule->index. */
size_t rules_count(const struct ruleset *rs);
const struct rules_rule *rules_at(const struct ruleset *rs, size_t i);
const struct rules_rule *rules_find(const struct ruleset *rs, const char *name);

/*
 * Enable or disable rules: by exact name (name != NULL), by tag
 * (tag != NULL), or all of them (both NULL). Returns how many matched.
 */
int rules_enable(struct ruleset *rs, const char *name, const char *tag, bool on);

/* Union of the event types the enabled syscall rules need. */
void rules_interest(const struct ruleset *rs, struct src_interest *ret);

/* Evaluation state for one thread; holds the per-event field cache. */
struct rules_runner;
struct rules_runner *rules_runner_new(const struct ruleset *rs);
void rules_runner_free(struct rules_runner *r);
void rules_runner_set_hostname(struct rules_runner *r, const char *hostname);
/*
 * Answer fd.*ip.name from dns (NULL: no names resolve), and make dns resolve
 * the names this ruleset compares them with (replacing any it had).
 */
int rules_runner_set_dns(struct rules_runner *r, struct dns *dns);

#define RULES_EVAL_ALL 1u /* every matching rule, not just the first */

/*
 * Test one decoded syscall event against the enabled rules indexed for its
 * type. data is passed to field extractors (struct field_ctx.data). Writes
 * up to max matching rules, in rules-file order, to ret; returns how many.
 * Allocates nothing.
 */
int rules_eval(struct rules_runner *r, const struct evt *e, void *data, unsigned flags,
	       const struct rules_rule **ret, size_t max);
/*
 * For a record built at a call's entry, before its result: could any
 * enabled rule indexed for its type match once the call finishes? Fields
 * that field_known_at_entry() leaves out count as unknown (Kleene's
 * logic). For an open, also: could the name it gives its fd make a rule
 * true on a later event about that fd (field_known_later())? false means
 * no result could make any rule true, so a driver may skip the rest of
 * the call. Allocates only on the first call per type.
 */
bool rules_may_match(struct rules_runner *r, const struct evt *e, void *data);
/*
 * Does an enabled rule read the name of a standard stream? Then an open
 * that may return fd 0, 1 or 2 must be recorded as it is (the caller
 * knows which fds are open).
 */
bool rules_read_std_names(const struct ruleset *rs);
/* What a rule cost a runner (rules_runner_costs()). */
struct rules_cost {
	uint64_t evals; /* events its condition was evaluated on */
	uint64_t matched; /* of those, the ones it was true on (whatever the priority) */
	uint64_t ns; /* time in the condition, estimated from the timed events */
};
/*
 * Every rule's cost, in rules_count() entries by rules_at() index. evals
 * leaves out the events a rule was disabled for and those an earlier rule
 * matched first (0 for a rule disabled now). One event in
 * RULES_COST_SAMPLE on average (or as set below), at varying gaps, is
 * timed. Fields are extracted once per event, so a field's cost falls on
 * the first rule that reads it, as it does when the rules run.
 */
#define RULES_COST_SAMPLE 128
void rules_runner_costs(const struct rules_runner *r, struct rules_cost *ret);
/* Time one event in every on average (1: each one, for a profile), from the next one on. */
void rules_runner_time_every(struct rules_runner *r, unsigned every);
/* The same for events of another source (k8s_audit): no struct evt. */
int rules_eval_source(struct rules_runner *r, enum field_source src, void *data, unsigned flags,
		      const struct rules_rule **ret, size_t max);

/*
 * Output of a rule that matched the event last passed to rules_eval*():
 * the text (snprintf semantics, <NA> for missing values), and a new json-c
 * object mapping each output field to its typed value (null when missing).
 */
int rules_format(struct rules_runner *r, const struct rules_rule *rule, char *buf, size_t len);
struct json_object *rules_output_fields(struct rules_runner *r, const struct rules_rule *rule);

#endif /* SAKER_RULES_H */
