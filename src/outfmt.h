/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Output formats: "%field" and "%field[arg]" references compiled once into
 * literal pieces and field slots; rendered per alert as text, and as typed
 * values for JSON.
 */
#ifndef SAKER_OUTFMT_H
#define SAKER_OUTFMT_H

#include <stddef.h>

#include "cond.h"

struct json_object;
struct outfmt;

/* Compile text; unknown fields are errors (err says which, where). */
int outfmt_compile(const char *text, size_t len, const struct cond_srcmap *map,
		   struct cond_env *env, enum field_source src, struct outfmt **ret,
		   struct cond_err *err);
void outfmt_free(struct outfmt *f);

/* Render for the event current in run (snprintf semantics). */
int outfmt_render(const struct outfmt *f, struct cond_run *run, char *buf, size_t len);
/* {"proc.name": "bash", "evt.rawres": -2, "fd.name": null, ...}; NULL on ENOMEM. */
struct json_object *outfmt_fields(const struct outfmt *f, struct cond_run *run);

#endif /* SAKER_OUTFMT_H */
