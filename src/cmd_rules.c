// SPDX-License-Identifier: GPL-2.0-only
/* saker validate, saker list-fields */
#include "config.h"

#include <getopt.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cmd.h"
#include "fields.h"
#include "fields_state.h"
#include "rules.h"

static const char *arg_form(uint32_t flags)
{
	if (flags & FIELD_ARG_PATH)
		return "path";
	if (flags & FIELD_ARG_KEY)
		return (flags & FIELD_ARG_INDEX) ? "index|key" : "key";
	if (flags & FIELD_ARG_INDEX)
		return "index";
	return "none";
}

struct sorted {
	const struct rules_diag *g;
	size_t file_order, seq;
};

static int by_position(const void *a, const void *b)
{
	const struct sorted *x = a, *y = b;

	if (x->file_order != y->file_order)
		return x->file_order < y->file_order ? -1 : 1;
	if (x->g->line != y->g->line)
		return x->g->line < y->g->line ? -1 : 1;
	if (x->g->col != y->g->col)
		return x->g->col < y->g->col ? -1 : 1;
	return x->seq < y->seq ? -1 : x->seq > y->seq;
}

/* Diagnostics by file (in the order files were named), then line and column. */
static void print_sorted(const struct rules_diags *d)
{
	struct sorted *s = calloc(d->n ? d->n : 1, sizeof(*s));
	char line[2048];

	for (size_t i = 0; s && i < d->n; i++) {
		s[i].g = &d->v[i];
		s[i].seq = i;
		s[i].file_order = i;
		for (size_t k = 0; k < i; k++)
			if (d->v[k].file && d->v[i].file && !strcmp(d->v[k].file, d->v[i].file)) {
				s[i].file_order = s[k].file_order;
				break;
			}
	}
	if (s)
		qsort(s, d->n, sizeof(*s), by_position);
	for (size_t i = 0; i < d->n; i++) {
		rules_diag_format(s ? s[i].g : &d->v[i], line, sizeof(line));
		fprintf(stderr, "%s\n", line);
	}
	free(s);
}

int cmd_validate(int argc, char **argv)
{
	struct rules_diags d = { 0 };
	struct ruleset *rs = NULL;
	int r;

	if (argc < 2 || !strcmp(argv[1], "--help")) {
		fprintf(argc < 2 ? stderr : stdout,
			"Usage: saker validate FILE|DIR...\n\n"
			"Load Falco-syntax rules files in order and report every problem.\n");
		return argc < 2 ? EXIT_USAGE : 0;
	}
	r = rules_load_files((const char *const *)argv + 1, (size_t)argc - 1, &d, &rs);
	print_sorted(&d);
	printf("%u rules, %u macros, %u lists loaded; %u errors, %u warnings\n", d.nrules,
	       d.nmacros, d.nlists, d.errors, d.warnings);
	if (r < 0 && !d.errors)
		fprintf(stderr, "saker: loading rules: %s\n", strerror(-r));
	rules_free(rs);
	rules_diags_free(&d);
	return r < 0 ? EXIT_DATAERR : 0;
}

static void fields_json(void)
{
	json_object *arr = json_object_new_array();

	for (size_t i = 0; i < field_count(); i++) {
		const struct field_def *f = field_at(i);
		json_object *o = json_object_new_object();

		json_object_object_add(o, "name", json_object_new_string(f->name));
		json_object_object_add(o, "type", json_object_new_string(field_type_name(f->type)));
		json_object_object_add(o, "arg", json_object_new_string(arg_form(f->flags)));
		json_object_object_add(o, "arg_required",
				       json_object_new_boolean(f->flags & FIELD_ARG_REQUIRED));
		json_object_object_add(o, "source",
				       json_object_new_string(field_source_name(f->source)));
		json_object_object_add(
			o, "implemented",
			json_object_new_boolean(field_extractor((unsigned)i) != NULL));
		json_object_object_add(o, "desc", json_object_new_string(f->desc));
		json_object_array_add(arr, o);
	}
	puts(json_object_to_json_string_ext(arr, JSON_C_TO_STRING_PRETTY |
							 JSON_C_TO_STRING_NOSLASHESCAPE));
	json_object_put(arr);
}

int cmd_list_fields(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "json", no_argument, NULL, 'j' },
		{ "help", no_argument, NULL, 'h' },
		{ NULL, 0, NULL, 0 },
	};
	bool json = false;
	int c;

	while ((c = getopt_long(argc, argv, "jh", opts, NULL)) != -1) {
		switch (c) {
		case 'j':
			json = true;
			break;
		case 'h':
			printf("Usage: saker list-fields [--json]\n\n"
			       "List the fields conditions and outputs may use.\n");
			return 0;
		default:
			return EXIT_USAGE;
		}
	}
	field_init_builtin();
	/* The state fields' extractors, so "implemented" says what the daemon has. */
	if (fields_state_register() < 0) {
		fprintf(stderr, "saker: internal error: state fields do not match the registry\n");
		return 70;
	}
	if (json) {
		fields_json();
		return 0;
	}
	for (size_t i = 0; i < field_count(); i++) {
		const struct field_def *f = field_at(i);
		const char *form = arg_form(f->flags);

		printf("%-44s %-8s %-9s %-6s %s\n", f->name, field_type_name(f->type),
		       field_source_name(f->source), strcmp(form, "none") ? form : "-", f->desc);
	}
	return 0;
}
