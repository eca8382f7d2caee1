// SPDX-License-Identifier: GPL-2.0-only
/*
 * Reading rules files: each top-level item (list, macro, rule,
 * required_engine_version, required_plugin_versions) is checked and merged
 * into the loader's tables. A later definition with the same name replaces
 * the earlier one in place; append and override extend or replace keys.
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>

#include "rules_int.h"

#define POS(c, n) LD_POS(c, n)

const char *ld_scalar(const yaml_node_t *n)
{
	return n && n->type == YAML_SCALAR_NODE ? (const char *)n->data.scalar.value : NULL;
}

bool ld_bool(const yaml_node_t *n, bool *ret)
{
	const char *s = ld_scalar(n);

	if (!s)
		return false;
	if (!strcasecmp(s, "true") || !strcasecmp(s, "yes") || !strcasecmp(s, "on"))
		*ret = true;
	else if (!strcasecmp(s, "false") || !strcasecmp(s, "no") || !strcasecmp(s, "off"))
		*ret = false;
	else
		return false;
	return true;
}

yaml_node_t *ld_map_get(struct ld_ctx *c, yaml_node_t *map, const char *key)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		const char *k = ld_scalar(yaml_document_get_node(c->doc, p->key));

		if (k && !strcmp(k, key))
			return yaml_document_get_node(c->doc, p->value);
	}
	return NULL;
}

static bool in_set(const char *k, const char *const *set)
{
	for (; *set; set++)
		if (!strcmp(k, *set))
			return true;
	return false;
}

/* Warn about keys this kind of item does not have. */
void ld_check_keys(struct ld_ctx *c, yaml_node_t *map, const char *const *known)
{
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		const char *k = ld_scalar(kn);

		if (!k)
			ld_diag(c->ld, false, POS(c, kn), c->item, "expected a string key");
		else if (!in_set(k, known))
			ld_diag(c->ld, true, POS(c, kn), c->item, "unknown key '%s'", k);
	}
}

/* A scalar string value, or an error naming the key. */
const char *ld_want_str(struct ld_ctx *c, yaml_node_t *map, const char *key, yaml_node_t **ret)
{
	yaml_node_t *n = ld_map_get(c, map, key);

	if (ret)
		*ret = n;
	if (!n)
		return NULL;
	if (n->type != YAML_SCALAR_NODE) {
		ld_diag(c->ld, false, POS(c, n), c->item, "'%s' must be a string", key);
		return NULL;
	}
	return (const char *)n->data.scalar.value;
}

int ld_want_bool(struct ld_ctx *c, yaml_node_t *map, const char *key, bool *ret)
{
	yaml_node_t *n = ld_map_get(c, map, key);

	if (!n)
		return 0;
	if (!ld_bool(n, ret)) {
		ld_diag(c->ld, false, POS(c, n), c->item, "'%s' must be true or false", key);
		return -EINVAL;
	}
	return 1;
}

/* override: {key: append|replace}. modes[i] is 'a', 'r' or 0 for keys[i]. */
int ld_read_override(struct ld_ctx *c, yaml_node_t *map, const char *const *keys,
		     const char *const *appendable, char *modes)
{
	yaml_node_t *o = ld_map_get(c, map, "override");
	int bad = 0;

	if (!o)
		return 0;
	if (o->type != YAML_MAPPING_NODE) {
		ld_diag(c->ld, false, POS(c, o), c->item,
			"'override' must map keys to append or replace");
		return -EINVAL;
	}
	for (yaml_node_pair_t *p = o->data.mapping.pairs.start; p < o->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		yaml_node_t *vn = yaml_document_get_node(c->doc, p->value);
		const char *k = ld_scalar(kn), *v = ld_scalar(vn);
		int i;

		for (i = 0; keys[i] && (!k || strcmp(keys[i], k)); i++)
			;
		if (!keys[i]) {
			ld_diag(c->ld, false, POS(c, kn), c->item, "key '%s' cannot be overridden",
				k ? k : "?");
			bad = -EINVAL;
		} else if (!v || (strcmp(v, "append") && strcmp(v, "replace"))) {
			ld_diag(c->ld, false, POS(c, vn), c->item,
				"override of '%s' must be append or replace", k);
			bad = -EINVAL;
		} else if (!strcmp(v, "append") && !in_set(k, appendable)) {
			ld_diag(c->ld, false, POS(c, vn), c->item, "key '%s' cannot be appended",
				k);
			bad = -EINVAL;
		} else if (!ld_map_get(c, map, k)) {
			ld_diag(c->ld, false, POS(c, kn), c->item,
				"override names '%s' but the item does not set it", k);
			bad = -EINVAL;
		} else {
			modes[i] = v[0];
		}
	}
	/* every key the item sets must be listed under override */
	for (yaml_node_pair_t *p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top;
	     p++) {
		yaml_node_t *kn = yaml_document_get_node(c->doc, p->key);
		const char *k = ld_scalar(kn);

		if (!k || !strcmp(k, "override") || !strcmp(k, "rule") || !strcmp(k, "macro") ||
		    !strcmp(k, "list"))
			continue;
		for (int i = 0; keys[i]; i++)
			if (!strcmp(keys[i], k) && !modes[i]) {
				ld_diag(c->ld, false, POS(c, kn), c->item,
					"key '%s' is set but not listed under override", k);
				bad = -EINVAL;
			}
	}
	return bad < 0 ? bad : 1;
}

/*
 * Falco substitutes list items into the condition text, so an item written
 * as '"a b"' is a quoted string there: strip the quotes (and escapes) here.
 */
static void unquote(struct cond_value *v)
{
	char q = v->len >= 2 ? v->s[0] : 0;
	size_t o = 0;

	if ((q != '"' && q != '\'') || v->s[v->len - 1] != q)
		return;
	for (size_t i = 1; i + 1 < v->len; i++) {
		if (v->s[i] == '\\' && i + 2 < v->len && strchr("\\\"'", v->s[i + 1]))
			i++;
		v->s[o++] = v->s[i];
	}
	v->s[o] = 0;
	v->len = o;
	v->quoted = true;
}

static int read_items(struct ld_ctx *c, yaml_node_t *n, struct cond_value **ret, unsigned *ret_n)
{
	yaml_node_item_t *it;
	unsigned k = 0, count;
	struct cond_value *v;

	if (n->type != YAML_SEQUENCE_NODE) {
		ld_diag(c->ld, false, POS(c, n), c->item,
			"'items' must be a sequence such as [a, b]");
		return -EINVAL;
	}
	count = (unsigned)(n->data.sequence.items.top - n->data.sequence.items.start);
	v = calloc(count ? count : 1, sizeof(*v));
	if (!v)
		return -ENOMEM;
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		yaml_node_t *in = yaml_document_get_node(c->doc, *it);

		if (in->type != YAML_SCALAR_NODE) {
			ld_diag(c->ld, false, POS(c, in), c->item, "list items must be strings");
			continue;
		}
		v[k].s = strndup((const char *)in->data.scalar.value, in->data.scalar.length);
		if (!v[k].s)
			return -ENOMEM;
		v[k].len = in->data.scalar.length;
		v[k].pos = POS(c, in);
		unquote(&v[k]);
		k++;
	}
	*ret = v;
	*ret_n = k;
	return 0;
}

static void free_values(struct cond_value *v, unsigned n)
{
	for (unsigned i = 0; i < n; i++)
		free(v[i].s);
	free(v);
}

static int item_list(struct ld_ctx *c, yaml_node_t *map, const char *name)
{
	static const char *const known[] = { "list", "items", "append", "override", NULL };
	static const char *const okeys[] = { "items", NULL };
	struct rl_list *l = ld_find_list(c->ld, name);
	yaml_node_t *in = ld_map_get(c, map, "items");
	struct cond_value *items = NULL;
	unsigned n = 0;
	bool append = false;
	char modes[1] = { 0 };
	int r;

	ld_check_keys(c, map, known);
	if (ld_want_bool(c, map, "append", &append) < 0 ||
	    (r = ld_read_override(c, map, okeys, okeys, modes)) < 0)
		return -EINVAL;
	if (modes[0] == 'a')
		append = true;
	if (!in) {
		ld_diag(c->ld, false, POS(c, map), c->item, "missing required key 'items'");
		return -EINVAL;
	}
	if ((r = read_items(c, in, &items, &n)) < 0)
		return r;
	if (append || modes[0]) {
		if (!l) {
			ld_diag(c->ld, false, POS(c, map), c->item,
				"cannot %s: no list '%s' is defined before",
				append ? "append" : "override", name);
			free_values(items, n);
			return -EINVAL;
		}
		if (append) {
			struct cond_value *nv = realloc(l->items, (l->n + n + 1) * sizeof(*nv));

			if (!nv) {
				free_values(items, n);
				return -ENOMEM;
			}
			memcpy(nv + l->n, items, n * sizeof(*nv));
			l->items = nv;
			l->n += n;
			free(items);
			return 0;
		}
	}
	if (!l) {
		struct rl_list *nl = realloc(c->ld->lists, (c->ld->nlists + 1) * sizeof(*nl));

		if (!nl) {
			free_values(items, n);
			return -ENOMEM;
		}
		c->ld->lists = nl;
		l = &nl[c->ld->nlists++];
		memset(l, 0, sizeof(*l));
		l->name = strdup(name);
		l->pos = POS(c, map);
		if (!l->name)
			return -ENOMEM;
	}
	free_values(l->items, l->n);
	l->items = items;
	l->n = n;
	return 0;
}

static int item_macro(struct ld_ctx *c, yaml_node_t *map, const char *name)
{
	static const char *const known[] = { "macro", "condition", "append", "override", NULL };
	static const char *const okeys[] = { "condition", NULL };
	struct rl_macro *m = ld_find_macro(c->ld, name);
	yaml_node_t *cn;
	struct rtext t;
	bool append = false;
	char modes[1] = { 0 };
	int r;

	ld_check_keys(c, map, known);
	if (ld_want_bool(c, map, "append", &append) < 0 ||
	    ld_read_override(c, map, okeys, okeys, modes) < 0)
		return -EINVAL;
	if (modes[0] == 'a')
		append = true;
	if (!ld_want_str(c, map, "condition", &cn)) {
		if (!cn)
			ld_diag(c->ld, false, POS(c, map), c->item,
				"missing required key 'condition'");
		return -EINVAL;
	}
	if ((append || modes[0]) && !m) {
		ld_diag(c->ld, false, POS(c, map), c->item,
			"cannot %s: no macro '%s' is defined before",
			append ? "append" : "override", name);
		return -EINVAL;
	}
	if ((r = rtext_from_node(&t, c->f, cn)) < 0)
		return r;
	if (append) {
		r = rtext_append(&m->cond, &t);
		rtext_free(&t);
		return r;
	}
	if (!m) {
		struct rl_macro *nm = realloc(c->ld->macros, (c->ld->nmacros + 1) * sizeof(*nm));

		if (!nm) {
			rtext_free(&t);
			return -ENOMEM;
		}
		c->ld->macros = nm;
		m = &nm[c->ld->nmacros++];
		memset(m, 0, sizeof(*m));
		m->name = strdup(name);
		m->pos = POS(c, map);
		if (!m->name)
			return -ENOMEM;
	}
	rtext_free(&m->cond);
	m->cond = t;
	return 0;
}

static int engine_version(struct ld_ctx *c, yaml_node_t *n)
{
	const char *s = ld_scalar(n);
	unsigned want[3] = { 0 }, have[3] = { 0 };
	char tail;

	if (!s || !*s) {
		ld_diag(c->ld, false, POS(c, n), "required_engine_version",
			"expected a version such as 0.57.0");
		return -EINVAL;
	}
	sscanf(RULES_ENGINE_VERSION, "%u.%u.%u", &have[0], &have[1], &have[2]);
	if (sscanf(s, "%u.%u.%u%c", &want[0], &want[1], &want[2], &tail) == 3) {
		/* semver */
	} else if (sscanf(s, "%u%c", &want[1], &tail) == 1) {
		want[0] = 0; /* the legacy integer N means 0.N.0 */
	} else {
		ld_diag(c->ld, false, POS(c, n), "required_engine_version",
			"'%s' is not a version (expected such as 0.57.0)", s);
		return -EINVAL;
	}
	for (int i = 0; i < 3; i++) {
		if (want[i] < have[i])
			return 0;
		if (want[i] > have[i]) {
			ld_diag(c->ld, false, POS(c, n), "required_engine_version",
				"the file needs engine version %s; saker implements %s", s,
				RULES_ENGINE_VERSION);
			return -EINVAL;
		}
	}
	return 0;
}

/* Plugins whose fields saker provides itself. */
static bool plugin_builtin(const char *name)
{
	static const char *const builtin[] = {
		"container",	"k8saudit",	"json", "k8saudit-eks",
		"k8saudit-gke", "k8saudit-aks", NULL
	};

	return name && in_set(name, builtin);
}

static int plugin_versions(struct ld_ctx *c, yaml_node_t *n)
{
	if (n->type != YAML_SEQUENCE_NODE) {
		ld_diag(c->ld, false, POS(c, n), "required_plugin_versions",
			"expected a sequence of {name, version}");
		return -EINVAL;
	}
	for (yaml_node_item_t *it = n->data.sequence.items.start; it < n->data.sequence.items.top;
	     it++) {
		yaml_node_t *p = yaml_document_get_node(c->doc, *it), *alt;
		const char *name;
		bool ok;

		if (p->type != YAML_MAPPING_NODE || !(name = ld_want_str(c, p, "name", NULL)) ||
		    !ld_want_str(c, p, "version", NULL)) {
			ld_diag(c->ld, false, POS(c, p), "required_plugin_versions",
				"each entry needs 'name' and 'version'");
			return -EINVAL;
		}
		ok = plugin_builtin(name);
		alt = ld_map_get(c, p, "alternatives");
		if (alt && alt->type == YAML_SEQUENCE_NODE)
			for (yaml_node_item_t *a = alt->data.sequence.items.start;
			     a < alt->data.sequence.items.top; a++) {
				yaml_node_t *an = yaml_document_get_node(c->doc, *a);

				if (an->type == YAML_MAPPING_NODE &&
				    plugin_builtin(ld_want_str(c, an, "name", NULL)))
					ok = true;
			}
		if (!ok) {
			ld_diag(c->ld, false, POS(c, p), "required_plugin_versions",
				"plugin '%s' is required but saker has no equivalent", name);
			return -EINVAL;
		}
	}
	return 0;
}

static int one_item(struct ld_ctx *c, yaml_node_t *n)
{
	static const char *const kinds[] = { "rule", "macro", "list", NULL };
	yaml_node_t *v;
	const char *name;

	if (n->type != YAML_MAPPING_NODE) {
		ld_diag(c->ld, false, POS(c, n), NULL,
			"expected an item such as '- rule: NAME' (a mapping)");
		return -EINVAL;
	}
	if ((v = ld_map_get(c, n, "required_engine_version")))
		return engine_version(c, v);
	if ((v = ld_map_get(c, n, "required_plugin_versions")))
		return plugin_versions(c, v);
	for (int k = 0; kinds[k]; k++) {
		v = ld_map_get(c, n, kinds[k]);
		if (!v)
			continue;
		name = ld_scalar(v);
		if (!name || !*name) {
			ld_diag(c->ld, false, POS(c, v), NULL, "%s name must be a non-empty string",
				kinds[k]);
			return -EINVAL;
		}
		snprintf(c->item, sizeof(c->item), "%s '%s'", kinds[k], name);
		return k == 0 ? ld_rule_item(c, n, name) :
		       k == 1 ? item_macro(c, n, name) :
				item_list(c, n, name);
	}
	ld_diag(c->ld, false, POS(c, n), NULL,
		"unknown item: expected one of rule, macro, list, required_engine_version, "
		"required_plugin_versions");
	return -EINVAL;
}

static void yaml_error(struct loader *ld, const struct rfile *f, yaml_parser_t *p)
{
	struct cond_pos pos = ld_pos(f, &p->problem_mark);

	if (p->context)
		ld_diag(ld, false, pos, NULL, "invalid YAML: %s %s", p->problem ? p->problem : "",
			p->context);
	else
		ld_diag(ld, false, pos, NULL, "invalid YAML: %s",
			p->problem ? p->problem : "parse error");
}

int ld_file(struct loader *ld, const struct rfile *f)
{
	yaml_parser_t p;
	yaml_document_t doc;
	int r = 0;

	if (!yaml_parser_initialize(&p))
		return -ENOMEM;
	yaml_parser_set_input_string(&p, (const unsigned char *)f->buf, f->len);
	for (;;) {
		struct ld_ctx c = { .ld = ld, .f = f, .doc = &doc };
		yaml_node_t *root;

		if (!yaml_parser_load(&p, &doc)) {
			yaml_error(ld, f, &p);
			break;
		}
		root = yaml_document_get_root_node(&doc);
		if (!root) {
			yaml_document_delete(&doc);
			break;
		}
		if (root->type != YAML_SEQUENCE_NODE) {
			ld_diag(ld, false, ld_pos(f, &root->start_mark), NULL,
				"expected a sequence of items (- rule: ..., - macro: ..., - list: ...)");
		} else {
			for (yaml_node_item_t *it = root->data.sequence.items.start;
			     it < root->data.sequence.items.top && r != -ENOMEM; it++) {
				if (++ld->items > RULES_MAX_ITEMS) {
					ld_diag(ld, false, ld_pos(f, &root->start_mark), NULL,
						"more than %d items", RULES_MAX_ITEMS);
					break;
				}
				c.item[0] = 0;
				r = one_item(&c, yaml_document_get_node(&doc, *it));
			}
		}
		yaml_document_delete(&doc);
		if (r == -ENOMEM)
			break;
	}
	yaml_parser_delete(&p);
	return r == -ENOMEM ? r : 0;
}
