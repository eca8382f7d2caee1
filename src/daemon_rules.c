// SPDX-License-Identifier: GPL-2.0-only
/* Loading the rules the configuration and the command line name. */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/stat.h>

#include "daemon_int.h"
#include "util.h"

static void print_diags(const struct rules_diags *dg, bool warnings)
{
	char line[1024];

	for (size_t i = 0; i < dg->n; i++) {
		if (dg->v[i].warning && !warnings)
			continue;
		rules_diag_format(&dg->v[i], line, sizeof(line));
		fprintf(stderr, "sakerd: %s\n", line);
	}
}

/* Apply -T, -t and -D. */
static void select_rules(const struct daemon_opts *o, struct ruleset *rs)
{
	if (o->n_enable_tags) {
		rules_enable(rs, NULL, NULL, false);
		for (size_t i = 0; i < o->n_enable_tags; i++)
			rules_enable(rs, NULL, o->enable_tags[i], true);
	}
	for (size_t i = 0; i < o->n_disable_tags; i++)
		rules_enable(rs, NULL, o->disable_tags[i], false);
	for (size_t i = 0; i < o->n_disable_names; i++)
		for (size_t r = 0; r < rules_count(rs); r++) {
			const struct rules_rule *rule = rules_at(rs, r);

			if (strstr(rule->name, o->disable_names[i]))
				rules_enable(rs, rule->name, NULL, false);
		}
}

/*
 * -r replaces rules_files. A configured path that does not exist is skipped
 * (rules.d may be absent); one named with -r must exist.
 */
int daemon_load_rules(const struct daemon_opts *o, const struct config *cfg, struct ruleset **ret)
{
	const char *paths[CONFIG_MAX_RULES_FILES];
	struct rules_diags dg = { 0 };
	struct ruleset *rs = NULL;
	size_t n = 0;
	int k;

	if (o->n_rules) {
		for (size_t i = 0; i < o->n_rules && n < CONFIG_MAX_RULES_FILES; i++) {
			struct stat st;

			if (stat(o->rules[i], &st) < 0) {
				fprintf(stderr, "sakerd: rules '%s': %s\n", o->rules[i],
					strerror(errno));
				return -ENOENT;
			}
			paths[n++] = o->rules[i];
		}
	} else {
		for (size_t i = 0; i < cfg->n_rules_files && n < CONFIG_MAX_RULES_FILES; i++) {
			struct stat st;

			if (stat(cfg->rules_files[i], &st) == 0)
				paths[n++] = cfg->rules_files[i];
		}
	}
	if (n == 0) {
		fprintf(stderr,
			"sakerd: no rules files found (rules_files in the configuration, or -r)\n");
		return -ENOENT;
	}
	k = rules_load_files(paths, n, &dg, &rs);
	print_diags(&dg, o->verbose || o->list_rules);
	if (k < 0) {
		fprintf(stderr, "sakerd: rules do not load: %u errors, %u warnings\n", dg.errors,
			dg.warnings);
		rules_diags_free(&dg);
		return k;
	}
	rules_diags_free(&dg);
	select_rules(o, rs);
	*ret = rs;
	return 0;
}

/*
 * What the rules need from the drivers. What the state needs is not listed:
 * every driver adds the SAKER_EF_STATE types itself (src/source.h).
 */
void daemon_interest(const struct ruleset *rs, struct src_interest *ret)
{
	struct src_interest want = { 0 };

	rules_interest(rs, &want);
	*ret = want;
}
