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

#include "capgen_lex.h"
#include "capture.h"
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

#define CG_PROCS_MAX 1024

/* What capgen knows of a process: its last process block, its creator. */
struct cg_proc {
	uint32_t pid, parent;
	uint8_t *rec; /* last record with its process block, or NULL */
	uint32_t tids[64];
	int ntids;
};

struct cg {
	const char *file;
	int line;
	int want_case, cur_case; /* -c N; the %case section being read (0: prelude) */
	struct cap_hostinfo hi;
	uint64_t boot_offset, start_ns, ts, drops;
	struct cap_writer *w;
	bool in_events;
	struct cg_proc procs[CG_PROCS_MAX];
	int nprocs;
	struct cg_line l;
	struct cg_val vals[SAKER_MAX_PARAMS];
	bool given[SAKER_MAX_PARAMS];
	uint8_t rec[SAKER_REC_MAX];
};

/* capgen's state: one description, one capture (tests/helpers/capgen.c). */
extern struct cg cg_g;

/* Report "FILE:LINE: what" and exit 65, removing the half-written capture. */
__attribute__((noreturn, format(printf, 1, 2))) void cg_die(const char *fmt, ...);
/* Write the record in cg_g.rec (type: its event type), ending the snapshot first if due. */
void cg_write_rec(int type);
/* The record on the current line (capgen_rec.c). */
void cg_record(void);

#endif /* SAKER_CAPGEN_H */
