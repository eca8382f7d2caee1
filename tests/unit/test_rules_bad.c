// SPDX-License-Identifier: GPL-2.0-only
/*
 * The broken-rules corpus (tests/rules-bad): every file must fail to load,
 * leave the caller's ruleset pointer alone, and report each error listed
 * for it in tests/rules-bad/EXPECTED at the listed line and column.
 */
#include "config.h"

#include <dirent.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "rules.h"
#include "tap.h"

struct expect {
	char file[256];
	unsigned line, col;
	char msg[512];
};

static struct expect exp_[512];
static size_t nexp;

static int read_expected(const char *dir)
{
	char path[4400], line[1024];
	FILE *f;

	snprintf(path, sizeof(path), "%s/EXPECTED", dir);
	f = fopen(path, "re");
	if (!f)
		return -errno;
	while (fgets(line, sizeof(line), f) && nexp < sizeof(exp_) / sizeof(exp_[0])) {
		struct expect *e = &exp_[nexp];
		int off = 0;

		if (line[0] == '#' || line[0] == '\n')
			continue;
		line[strcspn(line, "\n")] = 0;
		if (sscanf(line, "%255[^:]:%u:%u: %n", e->file, &e->line, &e->col, &off) != 3 ||
		    !off)
			continue;
		snprintf(e->msg, sizeof(e->msg), "%s", line + off);
		nexp++;
	}
	fclose(f);
	return 0;
}

static int is_yaml(const struct dirent *d)
{
	size_t n = strlen(d->d_name);

	return n > 5 && !strcmp(d->d_name + n - 5, ".yaml");
}

static bool reported(const struct rules_diags *d, const struct expect *e)
{
	for (size_t i = 0; i < d->n; i++)
		if (!d->v[i].warning && d->v[i].line == e->line && d->v[i].col == e->col &&
		    !strcmp(d->v[i].msg, e->msg))
			return true;
	return false;
}

static void check_file(const char *dir, const char *name)
{
	char path[4400], line[1024];
	const char *p = path;
	struct rules_diags d = { 0 };
	struct ruleset *sentinel = (struct ruleset *)&d, *rs = sentinel;
	unsigned listed = 0;
	int r;

	snprintf(path, sizeof(path), "%s/%s", dir, name);
	r = rules_load_files(&p, 1, &d, &rs);
	tap_ok(r == -EINVAL && rs == sentinel && d.errors > 0, "%s fails to load", name);
	for (size_t i = 0; i < nexp; i++) {
		if (strcmp(exp_[i].file, name))
			continue;
		listed++;
		if (!tap_ok(reported(&d, &exp_[i]), "  %u:%u: %s", exp_[i].line, exp_[i].col,
			    exp_[i].msg))
			for (size_t k = 0; k < d.n; k++) {
				rules_diag_format(&d.v[k], line, sizeof(line));
				tap_diag("got %s", line);
			}
	}
	tap_ok(listed > 0, "  %s has expectations", name);
	rules_diags_free(&d);
}

int main(void)
{
	char dir[4096];
	struct dirent **ents;
	int n;

	snprintf(dir, sizeof(dir) - 300, "%s/tests/rules-bad", tap_srcdir() ? tap_srcdir() : ".");
	if (read_expected(dir) < 0)
		tap_skip_all("no %s/EXPECTED", dir);
	n = scandir(dir, &ents, is_yaml, alphasort);
	tap_ok(n >= 40, "the corpus has at least 40 broken files (%d)", n);
	for (int i = 0; i < n; i++) {
		check_file(dir, ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
	return tap_done();
}
