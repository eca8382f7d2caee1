/* SPDX-License-Identifier: GPL-2.0-only */
/* capgen's line splitter (see capgen_lex.c). */
#ifndef SAKER_CAPGEN_LEX_H
#define SAKER_CAPGEN_LEX_H

#include <stdbool.h>
#include <stddef.h>

#define CG_TOKENS_MAX 64

struct cg_token {
	char key[48]; /* "" for a bare word */
	const char *val; /* decoded bytes in the line's arena, NUL-terminated */
	size_t len;
	int list; /* items of a [list] (NUL-separated in val), -1 if not a list */
	bool result; /* the '=' before a result */
};

struct cg_line {
	int n;
	struct cg_token t[CG_TOKENS_MAX];
	size_t used;
	char arena[16384];
};

/* Split one line; comments and blank lines give n == 0. */
int cg_split(const char *text, struct cg_line *l, char *err, size_t errlen);

#endif /* SAKER_CAPGEN_LEX_H */
