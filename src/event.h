/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Userspace view of the event ABI: the generated event table and a decoder
 * that turns a raw record into an array of validated parameter slices.
 */
#ifndef SAKER_EVENT_H
#define SAKER_EVENT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <string.h>

#include "saker_abi.h"

struct evt_param_info {
	const char *name;
	enum saker_param_type type;
	uint32_t info; /* flag set, or dirfd index for RELPATH */
};

struct evt_info {
	const char *name;
	const char *res_name;
	int syscall_nr; /* -1 for internal events */
	uint32_t flags; /* SAKER_EF_* */
	uint16_t nparams;
	const struct evt_param_info *params;
};

extern const struct evt_info evt_table[SAKER_EV_MAX];

/* Lookups by name; -1 if unknown. */
int evt_type_by_name(const char *name);

/* The open family: open, openat, openat2, creat. */
static inline bool evt_type_is_open(unsigned type)
{
	return type == SAKER_EV_OPEN || type == SAKER_EV_OPENAT || type == SAKER_EV_OPENAT2 ||
	       type == SAKER_EV_CREAT;
}
int evt_type_by_syscall(int nr);
int evt_param_index(int type, const char *pname);
const char *evt_ptype_name(enum saker_param_type t);

struct evt_param {
	const uint8_t *val; /* NULL when absent (len 0 or not sent) */
	uint16_t len;
	bool truncated;
};

/*
 * A decoded event. Parameters beyond the record's count (an older driver)
 * are absent; parameters beyond the table's count (a newer driver) are
 * skipped. Points into the record: the record must outlive it.
 */
struct evt {
	struct saker_rec_hdr hdr;
	const void *rec;
	const struct evt_info *info;
	uint64_t ts; /* epoch ns: hdr.ts plus the source's boot offset */
	uint64_t num; /* sequence number within the source, from 1 */
	uint16_t nparams;
	struct evt_param params[SAKER_MAX_PARAMS];
};

enum evt_bad {
	EVT_BAD_SHORT = 0, /* fewer bytes than a header, or than hdr.len */
	EVT_BAD_LEN, /* hdr.len smaller than its own lengths array, or too big */
	EVT_BAD_TYPE, /* event type this build does not know */
	EVT_BAD_NPARAMS, /* more parameters than any record may carry */
	EVT_BAD_PARAM_SUM, /* parameter lengths do not add up to hdr.len */
	EVT_BAD_PARAM_SIZE, /* fixed-size parameter of the wrong size */
	EVT_BAD_STRING, /* string without its terminating NUL */
	EVT_BAD_SOCKADDR, /* address of an unknown family or wrong size */
	EVT_BAD_MAX
};

extern const char *const evt_bad_names[EVT_BAD_MAX];

struct evt_decode_stats {
	uint64_t ok;
	uint64_t bad[EVT_BAD_MAX];
};

/*
 * Decode the record at buf (avail bytes readable). Returns 0, or -EBADMSG
 * with *ret_reason set (and stats counted, if stats is not NULL). Never
 * reads past buf + min(avail, hdr.len).
 */
int evt_decode(struct evt *e, const void *buf, size_t avail, struct evt_decode_stats *stats,
	       enum evt_bad *ret_reason);

/* What evt_decode() decides, without decoding: 0 or -EBADMSG with *ret_reason. */
int evt_validate(const void *buf, size_t avail, enum evt_bad *ret_reason);

/*
 * Typed accessors; return false if the parameter is absent or mistyped.
 * Inline: the state and the fields read a few parameters of every event.
 */
static inline const struct evt_param *evt_param(const struct evt *e, int idx)
{
	if (idx < 0 || idx >= e->nparams || !e->params[idx].val)
		return NULL;
	return &e->params[idx];
}

static inline bool evt_param_u64(const struct evt *e, int idx, uint64_t *ret)
{
	const struct evt_param *p = evt_param(e, idx);

	if (!p)
		return false;
	switch (p->len) {
	case 1:
		*ret = p->val[0];
		return true;
	case 2: {
		uint16_t v;
		memcpy(&v, p->val, 2);
		*ret = v;
		return true;
	}
	case 4: {
		uint32_t v;
		memcpy(&v, p->val, 4);
		*ret = v;
		return true;
	}
	case 8:
		memcpy(ret, p->val, 8);
		return true;
	default:
		return false;
	}
}

static inline bool evt_param_s64(const struct evt *e, int idx, int64_t *ret)
{
	const struct evt_param *p = evt_param(e, idx);

	if (!p)
		return false;
	switch (p->len) {
	case 4: {
		int32_t v;
		memcpy(&v, p->val, 4);
		*ret = v;
		return true;
	}
	case 8:
		memcpy(ret, p->val, 8);
		return true;
	default:
		return false;
	}
}

const char *evt_param_str(const struct evt *e, int idx);

#endif /* SAKER_EVENT_H */
