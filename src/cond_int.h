/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals shared by the condition compiler, evaluator and type index. */
#ifndef SAKER_COND_INT_H
#define SAKER_COND_INT_H

#define PCRE2_CODE_UNIT_WIDTH 8
#include <pcre2.h>

#include "cond.h"

struct cond_slot {
	struct field_req req;
	char *argcopy;
	uint8_t xf[COND_MAX_XF];
	uint8_t nxf;
	enum field_type type; /* after transformers */
	char *key; /* "xf,xf:name[arg]", for de-duplication */
};

struct cond_env {
	struct cond_slot *slots;
	unsigned n, cap;
	struct cond_memo *memo; /* structural ids of compiled subtrees */
	char **names; /* domain names compared with fd.*ip.name; the index is the id */
	unsigned nnames, capnames;
};

/*
 * A constant set for in / intersects / pmatch: open addressing over value
 * hashes (strings and numbers); addresses and booleans are scanned.
 */
struct cond_set {
	enum field_class cls;
	unsigned n, mask;
	struct field_val *items;
	uint32_t *tab; /* item index + 1; 0 is empty */
	char *strs; /* storage of every string item */
};

enum ce_kind { CE_AND = 0, CE_OR, CE_NOT, CE_CHECK, CE_TRUE };

struct cond_expr {
	enum ce_kind kind;
	int memo; /* structural id (cond_memo.c), -1 if none */
	unsigned n;
	struct cond_expr **kids;
	/* CE_CHECK */
	unsigned slot;
	int rslot; /* val(...) / transformed right operand, else -1 */
	enum cond_op op;
	enum field_type type;
	enum field_class cls;
	bool any; /* several values: true if any one matches */
	bool subset; /* list field with "in": every value must be in the set */
	struct field_val val; /* the constant of single-value operators */
	char *owned; /* storage behind val */
	struct cond_set *set;
	pcre2_code *re;
	pcre2_match_data *md;
	struct src_interest *types; /* plain evt.type checks: the named types */
	/* fd.*ip.name =, != or in names: the address slot and the names' ids (sorted) */
	int addr_slot;
	uint32_t *dns_ids;
	unsigned ndns;
};

bool cond_set_has(const struct cond_set *s, const struct field_val *v);
bool cond_set_pmatch(const struct cond_set *s, const struct field_val *v);
uint64_t cond_hash(const void *p, size_t n);
int cond_set_index(struct cond_set *s);
void cond_set_free(struct cond_set *s);
int cond_memo_assign(struct cond_env *env, struct cond_expr *c, const struct cond_node *n,
		     enum field_source src);
unsigned cond_memo_count(const struct cond_env *env);
bool cond_memo_shared(const struct cond_env *env, unsigned id);
void cond_memo_free(struct cond_memo *m);
int cond_env_name(struct cond_env *env, const char *name);
bool cond_ip_in(const struct field_val *net, const struct field_val *ip);

#endif /* SAKER_COND_INT_H */
