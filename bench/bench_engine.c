// SPDX-License-Identifier: GPL-2.0-only
/*
 * Engine microbenchmark: events per second through a ruleset (by default
 * the upstream stable rules). State fields come from a small constant
 * provider, as the state module would answer them, so conditions do real
 * work. Prints figures; never fails on time.
 *
 *   bench_engine [-n EVENTS] [RULES.yaml...]
 */
#include "config.h"

#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "recbuild.h"
#include "rules.h"
#include "util.h"

static int provide(const struct field_req *req, const struct field_ctx *ctx, struct field_out *out)
{
	const char *n = req->def->name;
	int idx;

	if (!strcmp(n, "fd.name") && ctx->evt) {
		idx = evt_param_index(ctx->evt->hdr.type, "name");
		return idx >= 0 && evt_param_str(ctx->evt, idx) ?
			       field_out_cstr(out, evt_param_str(ctx->evt, idx)) :
			       0;
	}
	if (!strcmp(n, "proc.name") || !strcmp(n, "proc.exe"))
		return field_out_cstr(out, "python3");
	if (!strcmp(n, "proc.pname") || !strncmp(n, "proc.aname", 10))
		return field_out_cstr(out, "bash");
	if (!strcmp(n, "proc.cmdline"))
		return field_out_cstr(out, "python3 app.py --serve");
	if (!strcmp(n, "proc.exepath"))
		return field_out_cstr(out, "/usr/bin/python3");
	if (!strcmp(n, "user.name"))
		return field_out_cstr(out, "app");
	if (!strcmp(n, "container.id"))
		return field_out_cstr(out, "host");
	if (!strcmp(n, "fd.typechar"))
		return field_out_cstr(out, "f");
	if (!strcmp(n, "fd.num"))
		return field_out_s64(out, 3);
	return 0;
}

static int make_events(uint8_t *buf, size_t cap, size_t *offs, int max)
{
	static const char *const paths[] = {
		"/etc/passwd",	     "/usr/lib/x86_64-linux-gnu/libc.so.6",
		"/home/app/data.db", "/etc/shadow",
		"/tmp/x.log",	     "/proc/self/status"
	};
	size_t off = 0;
	int n = 0;

	for (int i = 0; n < max && off + 1024 < cap; i++, n++) {
		struct rec_builder rb;
		int len;

		offs[n] = off;
		if (i % 4 == 3) {
			rb_begin(&rb, buf + off, cap - off, SAKER_EV_EXECVE, 1, 10, 10, 0);
			rb_str(&rb, "/usr/bin/ls");
			rb_strlist(&rb, "ls\0-l", 6);
		} else {
			rb_begin(&rb, buf + off, cap - off, SAKER_EV_OPENAT, 1, 10, 10, 3);
			rb_num(&rb, (uint64_t)-100);
			rb_str(&rb, paths[i % 6]);
			rb_num(&rb, i % 3 ? 0 : 01101);
		}
		len = rb_end(&rb);
		if (len < 0)
			break;
		off += (size_t)len;
	}
	return n;
}

int main(int argc, char **argv)
{
	const char *def = "../shared/anchors/falco-rules/falco_rules.yaml";
	struct rules_diags d = { 0 };
	struct ruleset *rs = NULL;
	struct rules_runner *run;
	const struct rules_rule *m[4];
	static uint8_t buf[1 << 20];
	static size_t offs[4096];
	struct evt *evs;
	long events = 2000000, matches = 0;
	uint64_t t0, t1;
	int c, nev;

	while ((c = getopt(argc, argv, "n:")) != -1)
		if (c == 'n')
			events = atol(optarg);
	field_register_extractor("proc.*", provide);
	field_register_extractor("fd.*", provide);
	field_register_extractor("user.*", provide);
	field_register_extractor("container.*", provide);
	if (rules_load_files(optind < argc ? (const char *const *)argv + optind : &def,
			     optind < argc ? (size_t)(argc - optind) : 1, &d, &rs) < 0) {
		fprintf(stderr, "bench_engine: rules do not load (%u errors); pass RULES.yaml\n",
			d.errors);
		return 1;
	}
	nev = make_events(buf, sizeof(buf), offs, 4096);
	evs = calloc((size_t)nev, sizeof(*evs));
	for (int i = 0; i < nev; i++) {
		enum evt_bad why;

		evt_decode(&evs[i], buf + offs[i], sizeof(buf) - offs[i], NULL, &why);
	}
	run = rules_runner_new(rs);
	t0 = clock_ns(CLOCK_MONOTONIC);
	for (long i = 0; i < events; i++) {
		evs[i % nev].num = (uint64_t)i;
		matches += rules_eval(run, &evs[i % nev], NULL, 0, m, 4);
	}
	t1 = clock_ns(CLOCK_MONOTONIC);
	printf("bench_engine: %zu rules, %ld events (openat/execve mix) in %.3f s: "
	       "%.0f events/s, %.1f ns/event, %ld matches\n",
	       rules_count(rs), events, (double)(t1 - t0) / 1e9,
	       (double)events * 1e9 / (double)(t1 - t0), (double)(t1 - t0) / (double)events,
	       matches);
	rules_runner_free(run);
	rules_free(rs);
	rules_diags_free(&d);
	free(evs);
	return 0;
}
