// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the rules loader: the input is a rules file. When
 * it loads, one synthetic openat event runs through the ruleset and every
 * match is formatted, so compiled conditions and outputs are exercised too.
 * Built with SAKER_FUZZ_REGRESS it is a TAP program that feeds the broken
 * corpus (tests/rules-bad) and the upstream files through the same path.
 */
#include "config.h"

#include <dirent.h>
#include <json-c/json.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "recbuild.h"
#include "rules.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

static void run_event(struct ruleset *rs)
{
	struct rules_runner *run = rules_runner_new(rs);
	const struct rules_rule *m[8];
	struct rec_builder rb;
	uint8_t rec[512];
	struct evt e;
	enum evt_bad why;
	char out[1024];
	int len, n;

	if (!run)
		return;
	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_OPENAT, 1, 2, 2, 3);
	rb_num(&rb, (uint64_t)-100);
	rb_str(&rb, "/etc/shadow");
	rb_num(&rb, 0);
	len = rb_end(&rb);
	if (len > 0 && evt_decode(&e, rec, (size_t)len, NULL, &why) == 0) {
		n = rules_eval(run, &e, NULL, RULES_EVAL_ALL, m, 8);
		for (int i = 0; i < n; i++) {
			rules_format(run, m[i], out, sizeof(out));
			json_object_put(rules_output_fields(run, m[i]));
		}
	}
	rules_runner_free(run);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct rules_src src = { "fuzz.yaml", (const char *)data, size };
	struct rules_diags d = { 0 };
	struct ruleset *rs = NULL;
	char line[256];

	if (rules_load_mem(&src, 1, &d, &rs) == 0)
		run_event(rs);
	for (size_t i = 0; i < d.n; i++)
		rules_diag_format(&d.v[i], line, sizeof(line));
	rules_free(rs);
	rules_diags_free(&d);
	return 0;
}

#ifdef SAKER_FUZZ_REGRESS
#include "tap.h"

static int feed(const char *path)
{
	FILE *f = fopen(path, "re");
	static char buf[1 << 20];
	size_t n;

	if (!f)
		return -1;
	n = fread(buf, 1, sizeof(buf), f);
	fclose(f);
	LLVMFuzzerTestOneInput((const uint8_t *)buf, n);
	/* every prefix too: truncated files are the commonest broken input */
	for (size_t cut = 1; cut < n; cut += 1 + n / 64)
		LLVMFuzzerTestOneInput((const uint8_t *)buf, cut);
	return 0;
}

static int is_yaml(const struct dirent *d)
{
	return strstr(d->d_name, ".yaml") != NULL;
}

static void feed_dir(const char *dir)
{
	struct dirent **ents;
	char path[4400];
	int n = scandir(dir, &ents, is_yaml, alphasort);

	if (n < 0) {
		tap_skip(1, "no %s", dir);
		return;
	}
	for (int i = 0; i < n; i++) {
		snprintf(path, sizeof(path), "%s/%s", dir, ents[i]->d_name);
		tap_ok(feed(path) == 0, "%s and its prefixes", ents[i]->d_name);
		free(ents[i]);
	}
	free(ents);
}

int main(void)
{
	char dir[4096];
	const char *top = tap_srcdir() ? tap_srcdir() : ".";

	snprintf(dir, sizeof(dir) - 100, "%s/tests/rules-bad", top);
	feed_dir(dir);
	snprintf(dir, sizeof(dir) - 100, "%s/../shared/anchors/falco-rules", top);
	feed_dir(dir);
	return tap_done();
}
#endif
