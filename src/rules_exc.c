// SPDX-License-Identifier: GPL-2.0-only
/*
 * Rule exceptions. Two shapes, as in Falco:
 *   fields: [f1, f2]  comps: [=, in]  values: [[v1, (a, b)], ...]
 *     -> (f1 = v1 and f2 in (a, b)) or ...
 *   fields: f   comps: in (the default)   values: [a, b]
 *     -> f in (a, b)
 * and the rule becomes: (condition) and not (exception or exception ...).
 * The AST is built directly, so values need no quoting.
 */
#include "config.h"

#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "rules_int.h"

static bool valid_comp(const char *s)
{
	for (int op = 0; op < OP_MAX; op++)
		if (op != OP_EXISTS && !strcmp(cond_op_names[op], s))
			return true;
	return !strcmp(s, "==");
}

static int op_of(const char *s)
{
	if (!strcmp(s, "=="))
		return OP_EQ;
	for (int op = 0; op < OP_MAX; op++)
		if (!strcmp(cond_op_names[op], s))
			return op;
	return -1;
}

static bool list_op(int op)
{
	return op == OP_IN || op == OP_INTERSECTS || op == OP_PMATCH;
}

void ld_exc_free(struct rl_exc *e)
{
	unsigned per = e->single ? 1 : e->nfields;

	/* a shape that failed half way may lack comps or cells */
	for (unsigned i = 0; i < e->nfields; i++) {
		free(e->fields ? e->fields[i] : NULL);
		free(e->comps ? e->comps[i] : NULL);
	}
	for (unsigned i = 0; e->cells && i < e->nrows * per; i++) {
		for (unsigned k = 0; k < e->cells[i].n; k++)
			free(e->cells[i].items[k].s);
		free(e->cells[i].items);
	}
	free(e->fields);
	free(e->fpos);
	free(e->comps);
	free(e->cells);
	free(e->rowpos);
	free(e->name);
	memset(e, 0, sizeof(*e));
}

/* A cell: a scalar, or a sequence of scalars (an inline list). */
static int read_cell(struct ld_ctx *c, yaml_node_t *n, struct rl_exval *cell)
{
	unsigned cnt = 1;

	memset(cell, 0, sizeof(*cell));
	if (n->type == YAML_SEQUENCE_NODE) {
		cell->is_list = true;
		cnt = (unsigned)(n->data.sequence.items.top - n->data.sequence.items.start);
	} else if (n->type != YAML_SCALAR_NODE) {
		return -EINVAL;
	}
	cell->items = calloc(cnt ? cnt : 1, sizeof(*cell->items));
	if (!cell->items)
		return -ENOMEM;
	for (unsigned i = 0; i < cnt; i++) {
		yaml_node_t *in =
			cell->is_list ?
				yaml_document_get_node(c->doc, n->data.sequence.items.start[i]) :
				n;

		if (in->type != YAML_SCALAR_NODE)
			return -EINVAL;
		cell->items[i].s =
			strndup((const char *)in->data.scalar.value, in->data.scalar.length);
		if (!cell->items[i].s)
			return -ENOMEM;
		cell->items[i].len = in->data.scalar.length;
		cell->items[i].pos = LD_POS(c, in);
		cell->n++;
	}
	return 0;
}

static int read_strs(struct ld_ctx *c, yaml_node_t *n, char ***ret, unsigned *ret_n,
		     struct cond_pos **ret_pos, bool *single)
{
	unsigned cnt = 1;

	*single = n->type == YAML_SCALAR_NODE;
	if (!*single)
		cnt = (unsigned)(n->data.sequence.items.top - n->data.sequence.items.start);
	*ret = calloc(cnt ? cnt : 1, sizeof(char *));
	if (ret_pos)
		*ret_pos = calloc(cnt ? cnt : 1, sizeof(struct cond_pos));
	if (!*ret || (ret_pos && !*ret_pos))
		return -ENOMEM;
	for (unsigned i = 0; i < cnt; i++) {
		yaml_node_t *in =
			*single ? n :
				  yaml_document_get_node(c->doc, n->data.sequence.items.start[i]);
		const char *s = ld_scalar(in);

		if (!s)
			return -EINVAL;
		if (!((*ret)[i] = strdup(s)))
			return -ENOMEM;
		if (ret_pos)
			(*ret_pos)[i] = LD_POS(c, in);
		*ret_n = i + 1;
	}
	if (cnt == 0)
		*ret_n = 0;
	return 0;
}

#define BAD(n, ...)                                                        \
	do {                                                               \
		ld_diag(c->ld, false, LD_POS(c, n), c->item, __VA_ARGS__); \
		return -EINVAL;                                            \
	} while (0)

/* fields and comps of a new exception. */
static int read_shape(struct ld_ctx *c, yaml_node_t *en, struct rl_exc *e)
{
	yaml_node_t *fn = ld_map_get(c, en, "fields"), *cn = ld_map_get(c, en, "comps");
	unsigned ncomps = 0;
	char **comps = NULL;
	bool csingle;
	int r;

	if (!fn)
		BAD(en, "exception '%s': missing 'fields'", e->name);
	if (fn->type != YAML_SCALAR_NODE && fn->type != YAML_SEQUENCE_NODE)
		BAD(fn, "exception '%s': 'fields' must be a field name or a sequence of them",
		    e->name);
	r = read_strs(c, fn, &e->fields, &e->nfields, &e->fpos, &e->single);
	if (r == -EINVAL)
		BAD(fn, "exception '%s': fields must be strings", e->name);
	if (r < 0)
		return r;
	if (!e->single && e->nfields == 0)
		BAD(fn, "exception '%s': 'fields' is empty", e->name);
	e->comps = calloc(e->nfields ? e->nfields : 1, sizeof(char *));
	if (!e->comps)
		return -ENOMEM;
	if (cn) {
		if (cn->type != YAML_SCALAR_NODE && cn->type != YAML_SEQUENCE_NODE)
			BAD(cn, "exception '%s': 'comps' must be an operator or a sequence of them",
			    e->name);
		r = read_strs(c, cn, &comps, &ncomps, NULL, &csingle);
		for (unsigned i = 0; i < ncomps; i++)
			e->comps[i < e->nfields ? i : 0] =
				i < e->nfields ? comps[i] : (free(comps[i]), e->comps[0]);
		free(comps);
		if (r < 0)
			return r == -EINVAL ?
				       (ld_diag(c->ld, false, LD_POS(c, cn), c->item,
						"exception '%s': comps must be strings", e->name),
					-EINVAL) :
				       r;
		if (csingle != e->single || ncomps != e->nfields)
			BAD(cn, "exception '%s': 'comps' has %u entries but 'fields' has %u",
			    e->name, ncomps, e->nfields);
		for (unsigned i = 0; i < e->nfields; i++)
			if (!valid_comp(e->comps[i]))
				BAD(cn, "exception '%s': unknown comparison operator '%s'", e->name,
				    e->comps[i]);
	}
	for (unsigned i = 0; i < e->nfields; i++)
		if (!e->comps[i] && !(e->comps[i] = strdup(e->single ? "in" : "=")))
			return -ENOMEM;
	return 0;
}

static int read_values(struct ld_ctx *c, yaml_node_t *vn, struct rl_exc *e)
{
	unsigned per = e->single ? 1 : e->nfields, rows, base = e->nrows;
	struct rl_exval *cells;
	struct cond_pos *rp;

	if (vn->type != YAML_SEQUENCE_NODE)
		BAD(vn, "exception '%s': 'values' must be a sequence", e->name);
	rows = (unsigned)(vn->data.sequence.items.top - vn->data.sequence.items.start);
	cells = realloc(e->cells, (base + rows) * per * sizeof(*cells) + 1);
	rp = realloc(e->rowpos, (base + rows) * sizeof(*rp) + 1);
	if (cells)
		e->cells = cells;
	if (rp)
		e->rowpos = rp;
	if (!cells || !rp)
		return -ENOMEM;
	for (unsigned i = 0; i < rows; i++) {
		yaml_node_t *row = yaml_document_get_node(c->doc, vn->data.sequence.items.start[i]);
		struct rl_exval *dst = &e->cells[(base + i) * per];
		int r;

		e->rowpos[base + i] = LD_POS(c, row);
		if (e->single) {
			if ((r = read_cell(c, row, dst)) < 0) {
				e->nrows = base + i + 1;
				if (r == -EINVAL)
					BAD(row, "exception '%s': values must be strings", e->name);
				return r;
			}
			e->nrows = base + i + 1;
			continue;
		}
		memset(dst, 0, per * sizeof(*dst));
		e->nrows = base + i + 1;
		if (row->type != YAML_SEQUENCE_NODE ||
		    (unsigned)(row->data.sequence.items.top - row->data.sequence.items.start) !=
			    per)
			BAD(row,
			    "exception '%s': each value must be a sequence of %u item%s (one per field)",
			    e->name, per, per == 1 ? "" : "s");
		for (unsigned k = 0; k < per; k++) {
			yaml_node_t *cn =
				yaml_document_get_node(c->doc, row->data.sequence.items.start[k]);

			if ((r = read_cell(c, cn, &dst[k])) < 0) {
				if (r == -EINVAL)
					BAD(cn,
					    "exception '%s': a value must be a string or a list of strings",
					    e->name);
				return r;
			}
		}
	}
	return 0;
}

static int one_exception(struct ld_ctx *c, yaml_node_t *en, struct rl_rule *r, bool append)
{
	const char *name;
	yaml_node_t *vn, *nn;
	struct rl_exc *e = NULL, *ne;
	static const char *const known[] = { "name", "fields", "comps", "values", NULL };
	int rc;

	if (en->type != YAML_MAPPING_NODE)
		BAD(en, "each exception must be a mapping with name, fields, comps, values");
	ld_check_keys(c, en, known);
	name = ld_want_str(c, en, "name", &nn);
	if (!name || !*name)
		BAD(en, "exception without a 'name'");
	for (unsigned i = 0; append && i < r->nexc; i++)
		if (!strcmp(r->exc[i].name, name))
			e = &r->exc[i];
	if (!e) {
		for (unsigned i = 0; i < r->nexc; i++)
			if (!strcmp(r->exc[i].name, name))
				BAD(nn, "exception '%s' is defined twice", name);
		ne = realloc(r->exc, (r->nexc + 1) * sizeof(*ne));
		if (!ne)
			return -ENOMEM;
		r->exc = ne;
		e = &ne[r->nexc++];
		memset(e, 0, sizeof(*e));
		e->pos = LD_POS(c, en);
		if (!(e->name = strdup(name)))
			return -ENOMEM;
		if ((rc = read_shape(c, en, e)) < 0)
			return rc;
	} else if (ld_map_get(c, en, "fields") || ld_map_get(c, en, "comps")) {
		BAD(en, "exception '%s': appended values cannot change fields or comps", name);
	}
	vn = ld_map_get(c, en, "values");
	return vn ? read_values(c, vn, e) : 0;
}

int ld_exceptions(struct ld_ctx *c, yaml_node_t *n, struct rl_rule *r, bool append)
{
	int bad = 0;

	if (n->type != YAML_SEQUENCE_NODE)
		BAD(n, "'exceptions' must be a sequence");
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		int rc = one_exception(c, yaml_document_get_node(c->doc, *it), r, append);

		if (rc == -ENOMEM)
			return rc;
		if (rc < 0)
			bad = rc;
	}
	return bad;
}
#undef BAD

/* --- building the AST ------------------------------------------------- */

static struct cond_node *new_node(enum cond_kind k, struct cond_pos pos)
{
	struct cond_node *n = calloc(1, sizeof(*n));

	if (n) {
		n->kind = k;
		n->pos = pos;
	}
	return n;
}

static bool add_kid(struct cond_node *n, struct cond_node *k)
{
	struct cond_node **nk;

	if (!k)
		return false;
	nk = realloc(n->kids, (n->nkids + 1) * sizeof(*nk));
	if (!nk) {
		cond_node_free(k);
		return false;
	}
	n->kids = nk;
	n->kids[n->nkids++] = k;
	return true;
}

/* The operand of a field as written in 'fields' (may carry an argument). */
static int parse_field(struct loader *ld, const char *field, struct cond_pos pos,
		       struct cond_operand *ret, const char *item, const char *exc)
{
	size_t n = strlen(field);
	char *text = malloc(n + 8);
	struct cond_node *tmp = NULL;
	struct cond_err err;

	if (!text)
		return -ENOMEM;
	memcpy(text, field, n);
	memcpy(text + n, " exists", 8);
	if (cond_parse(text, n + 7, NULL, &tmp, &err) < 0 || tmp->kind != CN_CHECK) {
		ld_diag(ld, false, pos, item, "exception '%s': '%s' is not a field name", exc,
			field);
		cond_node_free(tmp);
		free(text);
		return -EINVAL;
	}
	*ret = tmp->lhs;
	memset(&tmp->lhs, 0, sizeof(tmp->lhs));
	ret->pos = pos;
	cond_node_free(tmp);
	free(text);
	return 0;
}

static int copy_cell(struct cond_node *chk, const struct rl_exval *cell, bool list)
{
	chk->rhs_is_list = list;
	chk->vals = calloc(cell->n ? cell->n : 1, sizeof(*chk->vals));
	if (!chk->vals)
		return -ENOMEM;
	for (unsigned i = 0; i < cell->n; i++) {
		chk->vals[i] = cell->items[i];
		chk->vals[i].quoted = false; /* a bare name may be a list */
		if (!(chk->vals[i].s = strdup(cell->items[i].s)))
			return -ENOMEM;
		chk->nvals++;
	}
	return 0;
}

static struct cond_node *check(struct loader *ld, const struct rl_exc *e, unsigned f,
			       const struct rl_exval *cell, const char *item)
{
	struct cond_node *n = new_node(CN_CHECK, cell->n ? cell->items[0].pos : e->pos);
	int op = op_of(e->comps[f]);

	if (!n)
		return NULL;
	n->op = (enum cond_op)op;
	if (parse_field(ld, e->fields[f], e->fpos[f], &n->lhs, item, e->name) < 0)
		goto err;
	if (cell->is_list && !list_op(op)) {
		ld_diag(ld, false, n->pos, item,
			"exception '%s': a list of values needs in, intersects or pmatch, not '%s'",
			e->name, e->comps[f]);
		goto err;
	}
	if (copy_cell(n, cell, list_op(op)) < 0 || (!list_op(op) && cell->n != 1))
		goto err;
	return n;
err:
	cond_node_free(n);
	return NULL;
}

/* Single-field form: every value of every row, in one check (or one per value). */
static bool single_ast(struct loader *ld, const struct rl_exc *e, const char *item,
		       struct cond_node *any)
{
	struct rl_exval all = { .is_list = true };
	unsigned n = 0;
	bool ok = true;

	for (unsigned row = 0; row < e->nrows; row++)
		n += e->cells[row].n;
	if (n == 0)
		return true;
	all.items = calloc(n, sizeof(*all.items));
	if (!all.items)
		return false;
	for (unsigned row = 0; row < e->nrows; row++)
		for (unsigned i = 0; i < e->cells[row].n; i++)
			all.items[all.n++] = e->cells[row].items[i];
	if (list_op(op_of(e->comps[0]))) {
		ok = add_kid(any, check(ld, e, 0, &all, item));
	} else {
		for (unsigned i = 0; ok && i < all.n; i++) {
			struct rl_exval one = { &all.items[i], 1, false };

			ok = add_kid(any, check(ld, e, 0, &one, item));
		}
	}
	free(all.items);
	return ok;
}

/* One exception: its rows, each an "and" of its fields, added to any. */
static bool exc_ast(struct loader *ld, const struct rl_exc *e, const char *item,
		    struct cond_node *any)
{
	unsigned per = e->nfields;

	if (e->single)
		return single_ast(ld, e, item, any);
	for (unsigned row = 0; row < e->nrows; row++) {
		const struct rl_exval *cells = &e->cells[row * per];
		struct cond_node *k;

		if (per == 1) {
			if (!add_kid(any, check(ld, e, 0, &cells[0], item)))
				return false;
			continue;
		}
		k = new_node(CN_AND, e->rowpos[row]);
		if (!k)
			return false;
		for (unsigned f = 0; f < per; f++)
			if (!add_kid(k, check(ld, e, f, &cells[f], item))) {
				cond_node_free(k);
				return false;
			}
		if (!add_kid(any, k))
			return false;
	}
	return true;
}

int ld_exc_ast(struct loader *ld, const struct rl_rule *r, const char *item, struct cond_node **ret)
{
	struct cond_node *any = new_node(CN_OR, r->pos), *not ;

	*ret = NULL;
	if (!any)
		return -ENOMEM;
	for (unsigned i = 0; i < r->nexc; i++)
		if (!exc_ast(ld, &r->exc[i], item, any)) {
			cond_node_free(any);
			return -EINVAL;
		}
	if (any->nkids == 0) {
		cond_node_free(any);
		return 0;
	}
	not = new_node(CN_NOT, r->pos);
	if (!not || !add_kid(not, any)) {
		cond_node_free(not );
		return -ENOMEM;
	}
	*ret = not ;
	return 0;
}
