/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * capgen: turns a small text description of a case into a capture file
 * through the real writer. Shared between the driver (capgen.c) and the
 * value parsers (capgen_value.c). See tests/replay/README.md for the format.
 */
#ifndef SAKER_CAPGEN_H
#define SAKER_CAPGEN_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

#define CG_VAL_MAX 8192 /* bytes of one decoded value */

enum cg_kind { CG_ABSENT = 0, CG_NUM, CG_BYTES, CG_SOCKADDR, CG_TUPLE };

struct cg_addr {
	int family; /* AF_INET, AF_INET6, AF_UNIX */
	uint8_t addr[16];
	uint16_t port;
	char path[108]; /* unix */
};

/* One parameter value, typed by the table's parameter type. */
struct cg_val {
	enum cg_kind kind;
	uint64_t num;
	size_t len;
	uint8_t bytes[CG_VAL_MAX];
	struct cg_addr a, b; /* sockaddr: a; tuple: local a, remote b */
	uint64_t un_local, un_peer; /* unix tuples */
};

/*
 * Parse text (already unquoted into raw bytes, len bytes; quoted says the
 * text was a quoted string, list the number of list items for [..] values,
 * items NUL-separated in text) as a value of parameter type pi. Returns 0,
 * or -EINVAL with a message in err.
 */
int cg_parse_value(const struct evt_param_info *pi, const char *text, size_t len, int list,
		   struct cg_val *ret, char *err, size_t errlen);
/* Numbers: decimal, 0x hex, 0 octal, negative; or a name the set knows. */
int cg_parse_num(const char *s, uint64_t *ret);

#endif /* SAKER_CAPGEN_H */
