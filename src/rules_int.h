/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals of the rules loader, shared by its files. */
#ifndef SAKER_RULES_INT_H
#define SAKER_RULES_INT_H

#include <yaml.h>

#include "cond.h"
#include "outfmt.h"
#include "rules.h"

/* A text from the YAML (condition, output) with the file position of each byte. */
struct rtext {
	char *s;
	size_t len;
	uint32_t *line, *col; /* len + 1 entries */
	const char **files; /* appends may come from other files */
	const char *file;
	bool set;
};

struct rfile {
	char *name;
	const char *buf;
	size_t len;
};

struct rl_list {
	char *name;
	struct cond_pos pos;
	struct cond_value *items;
	unsigned n;
	struct cond_value *flat;
	unsigned nflat;
	bool flat_done, used;
};

struct rl_macro {
	char *name;
	struct cond_pos pos;
	struct rtext cond;
	struct cond_node *ast;
	bool bad, used;
};

struct rl_exval {
	struct cond_value *items;
	unsigned n;
	bool is_list;
};

struct rl_exc {
	char *name;
	struct cond_pos pos;
	bool single; /* fields: is a scalar */
	char **fields;
	struct cond_pos *fpos;
	unsigned nfields;
	char **comps; /* nfields entries (defaults filled in) */
	struct rl_exval *cells; /* nrows * (single ? 1 : nfields) */
	struct cond_pos *rowpos;
	unsigned nrows;
};

struct rl_rule {
	struct rules_rule pub;
	struct cond_pos pos;
	struct rtext cond, output;
	struct rl_exc *exc;
	unsigned nexc;
	bool warn_evttypes, skip_unknown;
	bool has_priority;
};

struct loader {
	struct rules_diags *d;
	struct rfile *files;
	unsigned nfiles;
	struct rl_list *lists;
	unsigned nlists;
	struct rl_macro *macros;
	unsigned nmacros;
	struct rl_rule *rules;
	unsigned nrules;
	unsigned items;
	/* while compiling one rule: who to blame */
	const char *cur_rule;
	bool cur_soft; /* skip-if-unknown-filter: errors become warnings */
	unsigned cur_errors;
	int oom;
};

struct ruleset {
	struct cond_env *env;
	struct rules_rule *rules; /* contiguous, in file order */
	size_t nrules;
	/* per event type: indices into rules[], in file order */
	unsigned *by_type[SAKER_EV_MAX];
	unsigned n_by_type[SAKER_EV_MAX];
	unsigned *other; /* rules of other sources */
	unsigned nother;
};

/* Diagnostics. item is e.g. "rule 'X'" (may be NULL). */
__attribute__((format(printf, 5, 6))) void ld_diag(struct loader *ld, bool warning,
						   struct cond_pos pos, const char *item,
						   const char *fmt, ...);
struct cond_pos ld_pos(const struct rfile *f, const yaml_mark_t *m);

/* rules_text.c */
int rtext_from_node(struct rtext *t, const struct rfile *f, const yaml_node_t *n);
int rtext_append(struct rtext *t, const struct rtext *more);
void rtext_free(struct rtext *t);
void rtext_map(const struct rtext *t, struct cond_srcmap *map);

/* rules_items.c: reading one file's items */
struct ld_ctx {
	struct loader *ld;
	const struct rfile *f;
	yaml_document_t *doc;
	char item[300]; /* "rule 'X'", for messages */
};
#define LD_POS(c, n) ld_pos((c)->f, &(n)->start_mark)
yaml_node_t *ld_map_get(struct ld_ctx *c, yaml_node_t *map, const char *key);
const char *ld_want_str(struct ld_ctx *c, yaml_node_t *map, const char *key, yaml_node_t **ret);
int ld_want_bool(struct ld_ctx *c, yaml_node_t *map, const char *key, bool *ret);
void ld_check_keys(struct ld_ctx *c, yaml_node_t *map, const char *const *known);
int ld_read_override(struct ld_ctx *c, yaml_node_t *map, const char *const *keys,
		     const char *const *appendable, char *modes);
/* rules_rule.c */
int ld_rule_item(struct ld_ctx *c, yaml_node_t *map, const char *name);

int ld_file(struct loader *ld, const struct rfile *f);
bool ld_bool(const yaml_node_t *n, bool *ret);
const char *ld_scalar(const yaml_node_t *n);

/* rules_exc.c */
int ld_exceptions(struct ld_ctx *c, yaml_node_t *n, struct rl_rule *r, bool append);
void ld_exc_free(struct rl_exc *e);
int ld_exc_ast(struct loader *ld, const struct rl_rule *r, const char *item,
	       struct cond_node **ret);

/* rules_build.c */
int ld_build(struct loader *ld, struct ruleset **ret);

struct rl_list *ld_find_list(struct loader *ld, const char *name);
struct rl_macro *ld_find_macro(struct loader *ld, const char *name);
struct rl_rule *ld_find_rule(struct loader *ld, const char *name);
void ld_rule_free(struct rl_rule *r);

#endif /* SAKER_RULES_INT_H */
