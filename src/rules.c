// SPDX-License-Identifier: GPL-2.0-only
/* Loading rulesets: files and directories in order, diagnostics, teardown. */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <sys/stat.h>
#include <unistd.h>

#include "rules_int.h"

static const char *const prio_names[RULES_PRIO_MAX] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

const char *rules_priority_name(enum rules_priority p)
{
	return p < RULES_PRIO_MAX ? prio_names[p] : "?";
}

int rules_priority_parse(const char *s)
{
	for (int i = 0; i < RULES_PRIO_MAX; i++)
		if (!strcasecmp(s, prio_names[i]))
			return i;
	if (!strcasecmp(s, "info"))
		return RULES_PRIO_INFORMATIONAL;
	return -1;
}

void ld_diag(struct loader *ld, bool warning, struct cond_pos pos, const char *item,
	     const char *fmt, ...)
{
	struct rules_diags *d = ld->d;
	struct rules_diag g = { .line = pos.line, .col = pos.col, .warning = warning };
	char msg[1024];
	size_t n = 0;
	va_list ap;

	if (item)
		n = (size_t)snprintf(msg, sizeof(msg), "%s: ", item);
	va_start(ap, fmt);
	vsnprintf(msg + n, sizeof(msg) - n, fmt, ap);
	va_end(ap);
	/* the same problem seen through several rules is reported once */
	for (size_t i = 0; i < d->n; i++)
		if (d->v[i].line == g.line && d->v[i].col == g.col && !strcmp(d->v[i].msg, msg) &&
		    (!pos.file || (d->v[i].file && !strcmp(d->v[i].file, pos.file))))
			return;
	if (d->n == d->cap) {
		size_t cap = d->cap ? d->cap * 2 : 16;
		struct rules_diag *nv = realloc(d->v, cap * sizeof(*nv));

		if (!nv) {
			ld->oom = 1;
			return;
		}
		d->v = nv;
		d->cap = cap;
	}
	g.msg = strdup(msg);
	g.file = pos.file ? strdup(pos.file) : NULL;
	if (!g.msg || (pos.file && !g.file)) {
		free(g.msg);
		free(g.file);
		ld->oom = 1;
		return;
	}
	d->v[d->n++] = g;
	if (warning)
		d->warnings++;
	else
		d->errors++;
}

void rules_diags_free(struct rules_diags *d)
{
	if (!d)
		return;
	for (size_t i = 0; i < d->n; i++) {
		free(d->v[i].file);
		free(d->v[i].msg);
	}
	free(d->v);
	memset(d, 0, sizeof(*d));
}

int rules_diag_format(const struct rules_diag *g, char *buf, size_t len)
{
	const char *sev = g->warning ? "warning" : "error";

	if (!g->file)
		return snprintf(buf, len, "%s: %s", sev, g->msg);
	if (!g->line)
		return snprintf(buf, len, "%s: %s: %s", g->file, sev, g->msg);
	return snprintf(buf, len, "%s:%u:%u: %s: %s", g->file, g->line, g->col, sev, g->msg);
}

void ld_rule_free(struct rl_rule *r)
{
	rtext_free(&r->cond);
	rtext_free(&r->output);
	for (unsigned i = 0; i < r->nexc; i++)
		ld_exc_free(&r->exc[i]);
	free(r->exc);
	for (unsigned i = 0; i < r->pub.ntags; i++)
		free(r->pub.tags[i]);
	free(r->pub.tags);
	free(r->pub.name);
	free(r->pub.desc);
	memset(r, 0, sizeof(*r));
}

static void loader_free(struct loader *ld)
{
	for (unsigned i = 0; i < ld->nlists; i++) {
		for (unsigned k = 0; k < ld->lists[i].n; k++)
			free(ld->lists[i].items[k].s);
		free(ld->lists[i].items);
		free(ld->lists[i].flat);
		free(ld->lists[i].name);
	}
	free(ld->lists);
	for (unsigned i = 0; i < ld->nmacros; i++) {
		rtext_free(&ld->macros[i].cond);
		cond_node_free(ld->macros[i].ast);
		free(ld->macros[i].name);
	}
	free(ld->macros);
	for (unsigned i = 0; i < ld->nrules; i++)
		ld_rule_free(&ld->rules[i]);
	free(ld->rules);
}

int rules_load_mem(const struct rules_src *srcs, size_t n, struct rules_diags *d,
		   struct ruleset **ret)
{
	struct loader ld = { .d = d };
	int r = 0;

	field_init_builtin();
	for (size_t i = 0; i < n && r >= 0; i++) {
		struct rfile f = { (char *)srcs[i].name, srcs[i].buf, srcs[i].len };

		r = ld_file(&ld, &f);
	}
	d->nrules = ld.nrules;
	d->nmacros = ld.nmacros;
	d->nlists = ld.nlists;
	if (r >= 0)
		r = ld_build(&ld, ret);
	loader_free(&ld);
	if (ld.oom && r >= 0) {
		rules_free(*ret);
		r = -ENOMEM;
	}
	return r;
}

static int read_file(const char *path, char **ret, size_t *ret_len, char *err, size_t errlen)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t got = 0;
	char *buf;

	if (fd < 0 || fstat(fd, &st) < 0) {
		snprintf(err, errlen, "cannot read: %s", strerror(errno));
		if (fd >= 0)
			close(fd);
		return -errno;
	}
	if (st.st_size > (off_t)RULES_MAX_FILE_SIZE) {
		snprintf(err, errlen, "larger than %u bytes", RULES_MAX_FILE_SIZE);
		close(fd);
		return -EFBIG;
	}
	buf = malloc((size_t)st.st_size + 1);
	if (!buf) {
		close(fd);
		return -ENOMEM;
	}
	while (got < (size_t)st.st_size) {
		ssize_t k = read(fd, buf + got, (size_t)st.st_size - got);

		if (k <= 0)
			break;
		got += (size_t)k;
	}
	close(fd);
	buf[got] = 0;
	*ret = buf;
	*ret_len = got;
	return 0;
}

static int yaml_name(const struct dirent *e)
{
	size_t n = strlen(e->d_name);

	return e->d_name[0] != '.' && ((n > 5 && !strcmp(e->d_name + n - 5, ".yaml")) ||
				       (n > 4 && !strcmp(e->d_name + n - 4, ".yml")));
}

struct srclist {
	struct rules_src *v;
	char **names, **bufs;
	size_t n;
};

static int add_src(struct srclist *l, const char *path, struct rules_diags *d)
{
	struct loader ld = { .d = d };
	char err[256], *buf = NULL, *name;
	size_t len = 0;
	int r = read_file(path, &buf, &len, err, sizeof(err));

	if (r < 0) {
		ld_diag(&ld, false, (struct cond_pos){ .file = path }, NULL, "%s", err);
		return r == -ENOMEM ? r : 0;
	}
	name = strdup(path);
	struct rules_src *nv = realloc(l->v, (l->n + 1) * sizeof(*nv));
	char **nn = realloc(l->names, (l->n + 1) * sizeof(*nn));
	char **nb = nn ? realloc(l->bufs, (l->n + 1) * sizeof(*nb)) : NULL;

	if (nv)
		l->v = nv;
	if (nn)
		l->names = nn;
	if (nb)
		l->bufs = nb;
	if (!name || !nv || !nn || !nb) {
		free(name);
		free(buf);
		return -ENOMEM;
	}
	l->v[l->n] = (struct rules_src){ name, buf, len };
	l->names[l->n] = name;
	l->bufs[l->n] = buf;
	l->n++;
	return 0;
}

static int add_path(struct srclist *l, const char *path, struct rules_diags *d)
{
	struct dirent **ents;
	struct stat st;
	int n, r = 0;

	if (stat(path, &st) < 0 || !S_ISDIR(st.st_mode))
		return add_src(l, path, d);
	n = scandir(path, &ents, yaml_name, alphasort);
	if (n < 0)
		return add_src(l, path, d);
	for (int i = 0; i < n; i++) {
		char full[4096];

		if (r >= 0) {
			snprintf(full, sizeof(full), "%s/%s", path, ents[i]->d_name);
			r = add_src(l, full, d);
		}
		free(ents[i]);
	}
	free(ents);
	return r;
}

int rules_load_files(const char *const *paths, size_t n, struct rules_diags *d,
		     struct ruleset **ret)
{
	struct srclist l = { 0 };
	int r = 0;

	for (size_t i = 0; i < n && r >= 0; i++)
		r = add_path(&l, paths[i], d);
	if (r >= 0)
		r = rules_load_mem(l.v, l.n, d, ret);
	if (r >= 0 && d->errors) { /* an unreadable file */
		rules_free(*ret);
		r = -EINVAL;
	}
	for (size_t i = 0; i < l.n; i++) {
		free(l.names[i]);
		free(l.bufs[i]);
	}
	free(l.names);
	free(l.bufs);
	free(l.v);
	return r;
}

void rules_free(struct ruleset *rs)
{
	if (!rs)
		return;
	for (size_t i = 0; i < rs->nrules; i++) {
		struct rules_rule *r = &rs->rules[i];

		cond_expr_free(r->expr);
		outfmt_free(r->fmt);
		for (unsigned k = 0; k < r->ntags; k++)
			free(r->tags[k]);
		free(r->tags);
		free(r->name);
		free(r->desc);
		free(r->output);
	}
	free(rs->rules);
	for (unsigned t = 0; t < SAKER_EV_MAX; t++)
		free(rs->by_type[t]);
	free(rs->other);
	cond_env_free(rs->env);
	free(rs);
}
