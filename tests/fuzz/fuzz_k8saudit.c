// SPDX-License-Identifier: GPL-2.0-only
/*
 * libFuzzer harness for the audit JSON path: the input is a webhook body
 * (or an audit log line). When it parses, every ka.* and jevt.* field is
 * extracted from every event, with index, key and JSON pointer arguments,
 * and every value is rendered, as the rules engine and outputs would.
 */
#include "config.h"

#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "k8saudit.h"

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#define NVALS 256
#define SCRATCH 65536

static const char *const args[] = { NULL,
				    "0",
				    "1",
				    "command",
				    "/",
				    "/requestObject/spec",
				    "/user/groups/0",
				    "/annotations/a~1b",
				    "/x~2",
				    "*" };

static void extract_all(const struct k8sa_event *ev)
{
	static struct field_val vals[NVALS];
	static char scratch[SCRATCH];
	struct field_ctx ctx = { .data = (void *)ev, .source = FSRC_K8SAUDIT };
	char text[4096], err[256];

	for (size_t i = 0; i < field_count(); i++) {
		const struct field_def *d = field_at(i);

		if (d->source != FSRC_K8SAUDIT)
			continue;
		for (size_t a = 0; a < sizeof(args) / sizeof(args[0]); a++) {
			struct field_out out = {
				.vals = vals, .cap = NVALS, .buf = scratch, .size = SCRATCH
			};
			struct field_req req;
			char *copy = NULL;
			field_extract_fn fn;
			int n;

			if (field_resolve(d->name, args[a], args[a] != NULL, &req, &copy, err,
					  sizeof(err)) < 0)
				continue;
			fn = field_extractor(req.id);
			n = fn ? fn(&req, &ctx, &out) : 0;
			for (int k = 0; k < n && k < (int)out.n; k++)
				field_val_format(req.type, &vals[k], text, sizeof(text));
			free(copy);
		}
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	static int registered;
	struct k8sa_event **evs = NULL;
	size_t n = 0;
	char err[256];

	if (!registered) {
		field_init_builtin();
		if (fields_ka_register() < 0)
			abort();
		registered = 1;
	}
	if (k8sa_parse((const char *)data, size, &evs, &n, err, sizeof(err)) < 0)
		return 0;
	for (size_t i = 0; i < n; i++) {
		extract_all(evs[i]);
		k8sa_event_free(evs[i]);
	}
	free(evs);
	return 0;
}
