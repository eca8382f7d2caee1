/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals shared by configfile.c and configfile_keys.c. */
#ifndef SAKER_CONFIGFILE_INT_H
#define SAKER_CONFIGFILE_INT_H

#include <stdbool.h>
#include <stddef.h>

#include "configfile.h"

enum config_key_type {
	CK_BOOL,
	CK_PRIO,
	CK_MATCH,
	CK_DRIVER,
	CK_STR,
	CK_STRLIST,
	CK_UINT,
	CK_DOUBLE,
	CK_DURATION,
	CK_FACILITY,
	CK_ACTIONS,
};

struct config_key {
	const char *name; /* dotted path */
	enum config_key_type type;
	size_t off; /* into struct config */
	double min, max; /* numbers */
};

extern const struct config_key config_keys[];

const struct config_key *config_key_find(const char *name);
/* Whether some key lives under "prefix." (prefix is len bytes). */
bool config_key_is_section(const char *prefix, size_t len);
const char *config_key_expects(const struct config_key *k);
int config_key_scalar(struct config *c, const struct config_key *k, const char *s, char *why,
		      size_t whylen);
int config_key_action(unsigned *bits, const char *s, char *why, size_t whylen);

#endif /* SAKER_CONFIGFILE_INT_H */
