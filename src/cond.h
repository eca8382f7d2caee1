/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Conditions in the Falco filter language: parse to an AST (with source
 * positions), expand macros and lists, compile to a tree of checks with
 * typed constants, and evaluate per event without allocating.
 */
#ifndef SAKER_COND_H
#define SAKER_COND_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "fields.h"
#include "source.h"

#define COND_MAX_DEPTH 100 /* parser and macro nesting */
#define COND_MAX_XF 4 /* nested transformers */

enum cond_op {
	OP_EQ = 0,
	OP_NE,
	OP_LT,
	OP_LE,
	OP_GT,
	OP_GE,
	OP_CONTAINS,
	OP_ICONTAINS,
	OP_BCONTAINS,
	OP_STARTSWITH,
	OP_BSTARTSWITH,
	OP_ENDSWITH,
	OP_GLOB,
	OP_IGLOB,
	OP_PMATCH,
	OP_IN,
	OP_INTERSECTS,
	OP_EXISTS,
	OP_REGEX,
	OP_MAX
};

enum cond_xf { XF_TOLOWER = 0, XF_TOUPPER, XF_B64, XF_BASENAME, XF_LEN, XF_MAX };

extern const char *const cond_op_names[OP_MAX];
extern const char *const cond_xf_names[XF_MAX];

/* Where a piece of a condition came from (file is borrowed). */
struct cond_pos {
	const char *file;
	uint32_t line, col;
	const char *macro; /* set when the text came from this macro's condition */
	const char *list; /* set on values spliced in from this list */
};

/* Maps byte offsets of a condition's text to file positions. */
struct cond_srcmap {
	const char *file;
	const uint32_t *line, *col; /* len + 1 entries; NULL: line 1, col offset + 1 */
	const char *const *files; /* per byte, when pieces come from several files */
};

enum cond_kind { CN_AND = 0, CN_OR, CN_NOT, CN_CHECK, CN_MACRO };

struct cond_operand {
	char *name; /* field name as written, e.g. "proc.aname" or "evt.arg.fd" */
	char *arg; /* [argument], NULL if none */
	uint8_t xf[COND_MAX_XF]; /* transformers, innermost first */
	uint8_t nxf;
	struct cond_pos pos;
};

struct cond_value {
	char *s; /* unescaped text */
	size_t len;
	bool quoted;
	struct cond_pos pos;
};

struct cond_node {
	enum cond_kind kind;
	struct cond_pos pos;
	struct cond_node **kids; /* AND/OR: n >= 2; NOT: 1 */
	unsigned nkids;
	/* CN_CHECK */
	struct cond_operand lhs;
	enum cond_op op;
	bool rhs_is_field; /* val(...) or a transformer on the right */
	struct cond_operand rhs;
	bool rhs_is_list; /* (a, b) or a bare list name */
	struct cond_value *vals;
	unsigned nvals;
	/* CN_MACRO: also the name of a list used as "in name" */
	char *name;
	const char *from_macro; /* set on nodes inlined from a macro */
};

struct cond_err {
	struct cond_pos pos;
	char msg[256];
};

/* Parse text (len bytes). On error returns -EINVAL and fills err. */
int cond_parse(const char *text, size_t len, const struct cond_srcmap *map, struct cond_node **ret,
	       struct cond_err *err);
void cond_node_free(struct cond_node *n);

/* Names the parser saw (for "unused" warnings and dependency checks). */
typedef void (*cond_name_fn)(void *ud, const char *name, bool as_list, struct cond_pos pos);
void cond_walk_names(const struct cond_node *n, cond_name_fn fn, void *ud);

/* Report one problem found while expanding or compiling. */
typedef void (*cond_diag_fn)(void *ud, struct cond_pos pos, const char *fmt, ...)
	__attribute__((format(printf, 3, 4)));

/* How expansion finds macros and lists; both return NULL if unknown. */
struct cond_resolver {
	const struct cond_node *(*macro)(void *ud, const char *name, struct cond_pos pos);
	/* Items of a list (already flattened), count in *ret_n. */
	const struct cond_value *(*list)(void *ud, const char *name, unsigned *ret_n);
	void *ud;
};

/*
 * A deep copy of n with macros inlined and list names inside value lists
 * replaced by their items. Returns NULL (after reporting through diag) if a
 * macro is unknown, or on ENOMEM.
 */
struct cond_node *cond_expand(const struct cond_node *n, const struct cond_resolver *r,
			      cond_diag_fn diag, void *ud);

/*
 * The fields a ruleset extracts, each (field, argument, transformers) once;
 * compiled checks and outputs refer to slots by index.
 */
struct cond_env;
struct cond_env *cond_env_new(void);
void cond_env_free(struct cond_env *env);
/* Slot for an operand; -errno with a message in err. */
int cond_env_slot(struct cond_env *env, const struct cond_operand *o, enum field_source src,
		  char *err, size_t errlen);
enum field_type cond_env_slot_type(const struct cond_env *env, unsigned slot);
const struct field_req *cond_env_slot_req(const struct cond_env *env, unsigned slot);
unsigned cond_env_nslots(const struct cond_env *env);
/* Domain names the compiled checks compare fd.*ip.name with; name i has id i. */
const char *const *cond_env_names(const struct cond_env *env, size_t *ret_n);

struct cond_expr;
/*
 * Compile an expanded AST for the given source. Every problem is reported
 * through diag; returns NULL if there was any.
 */
struct cond_expr *cond_compile(const struct cond_node *n, struct cond_env *env,
			       enum field_source src, cond_diag_fn diag, void *ud);
void cond_expr_free(struct cond_expr *e);

/*
 * Event types the expression can be true for (Falco's evt.type analysis:
 * negations and != handled). Returns true if that is every type.
 */
bool cond_evttypes(const struct cond_expr *e, struct src_interest *ret);

/* Call fn for every slot a check of e reads (both operands, a name comparison's address). */
void cond_expr_slots(const struct cond_expr *e, void (*fn)(void *ud, unsigned slot), void *ud);

/* Per-thread evaluation state: field cache and scratch, sized once. */
struct cond_run;
struct cond_run *cond_run_new(const struct cond_env *env);
void cond_run_free(struct cond_run *run);
/* Start a new event: forget every cached value. */
void cond_run_begin(struct cond_run *run, const struct field_ctx *ctx);
bool cond_eval(const struct cond_expr *e, struct cond_run *run);
/* Kleene's three truth values. */
enum cond_tri { COND_FALSE = 0, COND_TRUE, COND_UNKNOWN };
/*
 * Evaluate with some fields not known yet: a check reading a slot whose bit
 * is set in unknown (a bitmap over the env's slots) is neither true nor
 * false, and and/or/not follow Kleene's logic. COND_FALSE means that no
 * values of those fields could make e true. Shares the run's field cache
 * with cond_eval() but never its per-event memo.
 */
enum cond_tri cond_eval_partial(const struct cond_expr *e, struct cond_run *run,
				const uint8_t *unknown);
/* Evaluate every node afresh (tests compare verdicts with and without). */
void cond_run_nomemo(struct cond_run *run);
/* Subexpressions compiled into env more than once (evaluated once per event). */
unsigned cond_env_nshared(const struct cond_env *env);
/* Values of a slot for the current event (extracted on first use); 0 = n/a. */
int cond_run_get(struct cond_run *run, unsigned slot, const struct field_val **ret);
enum field_type cond_run_type(const struct cond_run *run, unsigned slot);

#endif /* SAKER_COND_H */
