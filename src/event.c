// SPDX-License-Identifier: GPL-2.0-only
/* The event table, generated from drivers/common/saker_events.h, and the decoder. */
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "event.h"

#define SAKER_SYS(x) __NR_##x
#define SAKER_NOSYS (-1)

#define P_INFO(t, n, i) { .name = n, .type = SAKER_PT_##t, .info = i },
#define E_PARAMS(id, n, sys, fl, res, ps) \
	static const struct evt_param_info params_##id[] = { ps{ 0 } };
SAKER_EVENT_TABLE(E_PARAMS, P_INFO)
#undef E_PARAMS

#define E_INFO(id, n, sys, fl, res, ps)                    \
	[SAKER_EV_##id] = { .name = n,                     \
			    .res_name = res,               \
			    .syscall_nr = sys,             \
			    .flags = fl,                   \
			    .nparams = SAKER_NPARAMS_##id, \
			    .params = params_##id },
const struct evt_info evt_table[SAKER_EV_MAX] = { SAKER_EVENT_TABLE(E_INFO, P_INFO) };
#undef E_INFO
#undef P_INFO

_Static_assert(sizeof(struct saker_rec_hdr) == SAKER_HDR_SIZE, "record header size");
_Static_assert(offsetof(struct saker_rec_hdr, ts) == 0, "ts offset");
_Static_assert(offsetof(struct saker_rec_hdr, res) == 8, "res offset");
_Static_assert(offsetof(struct saker_rec_hdr, tid) == 16, "tid offset");
_Static_assert(offsetof(struct saker_rec_hdr, len) == 24, "len offset");
_Static_assert(offsetof(struct saker_rec_hdr, type) == 28, "type offset");
_Static_assert(offsetof(struct saker_rec_hdr, nparams) == 30, "nparams offset");
_Static_assert(SAKER_EV_MAX < 65536, "event type fits in __u16");
_Static_assert(SAKER_NPARAMS_EXECVEAT <= SAKER_MAX_PARAMS, "SAKER_MAX_PARAMS too small");

const char *const evt_bad_names[EVT_BAD_MAX] = {
	[EVT_BAD_SHORT] = "short record",
	[EVT_BAD_LEN] = "bad record length",
	[EVT_BAD_TYPE] = "unknown event type",
	[EVT_BAD_NPARAMS] = "too many parameters",
	[EVT_BAD_PARAM_SUM] = "parameter lengths do not match record length",
	[EVT_BAD_PARAM_SIZE] = "parameter of the wrong size",
	[EVT_BAD_STRING] = "unterminated string parameter",
	[EVT_BAD_SOCKADDR] = "malformed socket address",
};

static const char *const ptype_names[SAKER_PT_MAX] = {
	[SAKER_PT_NONE] = "none",	  [SAKER_PT_U8] = "u8",
	[SAKER_PT_U16] = "u16",		  [SAKER_PT_U32] = "u32",
	[SAKER_PT_U64] = "u64",		  [SAKER_PT_S32] = "s32",
	[SAKER_PT_S64] = "s64",		  [SAKER_PT_FD] = "fd",
	[SAKER_PT_PID] = "pid",		  [SAKER_PT_UID] = "uid",
	[SAKER_PT_GID] = "gid",		  [SAKER_PT_MODE] = "mode",
	[SAKER_PT_FLAGS] = "flags",	  [SAKER_PT_ENUM] = "enum",
	[SAKER_PT_SIGNAL] = "signal",	  [SAKER_PT_ABSTIME] = "abstime",
	[SAKER_PT_RELTIME] = "reltime",	  [SAKER_PT_DEV] = "dev",
	[SAKER_PT_INODE] = "inode",	  [SAKER_PT_STR] = "string",
	[SAKER_PT_PATH] = "path",	  [SAKER_PT_RELPATH] = "relpath",
	[SAKER_PT_STRLIST] = "strlist",	  [SAKER_PT_BYTES] = "bytes",
	[SAKER_PT_SOCKADDR] = "sockaddr", [SAKER_PT_SOCKTUPLE] = "socktuple",
};

const char *evt_ptype_name(enum saker_param_type t)
{
	return t < SAKER_PT_MAX && ptype_names[t] ? ptype_names[t] : "?";
}

int evt_type_by_name(const char *name)
{
	for (int i = 0; i < SAKER_EV_MAX; i++)
		if (strcmp(evt_table[i].name, name) == 0)
			return i;
	return -1;
}

int evt_type_by_syscall(int nr)
{
	if (nr < 0)
		return -1;
	for (int i = 0; i < SAKER_EV_MAX; i++)
		if (evt_table[i].syscall_nr == nr)
			return i;
	return -1;
}

int evt_param_index(int type, const char *pname)
{
	if (type < 0 || type >= SAKER_EV_MAX)
		return -1;
	for (int i = 0; i < evt_table[type].nparams; i++)
		if (strcmp(evt_table[type].params[i].name, pname) == 0)
			return i;
	return -1;
}

static bool sockaddr_ok(const uint8_t *v, size_t len, bool tuple)
{
	switch (v[0]) {
	case AF_INET:
		return len == (tuple ? SAKER_TUPLE_INET_SIZE : SAKER_SOCK_INET_SIZE);
	case AF_INET6:
		return len == (tuple ? SAKER_TUPLE_INET6_SIZE : SAKER_SOCK_INET6_SIZE);
	case AF_UNIX:
		/* Path, if any, must be terminated. */
		if (tuple && len < SAKER_TUPLE_UNIX_MIN)
			return false;
		return len == (tuple ? SAKER_TUPLE_UNIX_MIN : 1u) || v[len - 1] == '\0';
	default:
		/* Other families carry only the family byte. */
		return len == 1;
	}
}

/*
 * What the decoder checks of a parameter, by type: its fixed size (1 to 8),
 * or one of these. Filled once from saker_ptype_size() so the two cannot
 * disagree; the decoder runs twice per record on the replay path.
 */
enum { CHK_ANY = 0, CHK_STR = 0xfd, CHK_SOCKADDR = 0xfe, CHK_TUPLE = 0xff };
static uint8_t ptype_chk[SAKER_PT_MAX];

__attribute__((constructor)) static void ptype_chk_init(void)
{
	for (int t = 0; t < SAKER_PT_MAX; t++) {
		uint8_t c = (uint8_t)saker_ptype_size((enum saker_param_type)t);

		switch (t) {
		case SAKER_PT_STR:
		case SAKER_PT_PATH:
		case SAKER_PT_RELPATH:
		case SAKER_PT_STRLIST:
			c = CHK_STR;
			break;
		case SAKER_PT_SOCKADDR:
			c = CHK_SOCKADDR;
			break;
		case SAKER_PT_SOCKTUPLE:
			c = CHK_TUPLE;
			break;
		}
		ptype_chk[t] = c;
	}
}

/* -1 if the present parameter v (len bytes, of check c) is well formed, else why not. */
static inline int param_check(uint8_t c, const uint8_t *v, size_t len)
{
	if (c <= 8)
		return c == CHK_ANY || len == c ? -1 : EVT_BAD_PARAM_SIZE;
	if (c == CHK_STR)
		return v[len - 1] == '\0' ? -1 : EVT_BAD_STRING;
	return sockaddr_ok(v, len, c == CHK_TUPLE) ? -1 : EVT_BAD_SOCKADDR;
}

static int bad(struct evt_decode_stats *stats, enum evt_bad *ret_reason, enum evt_bad why)
{
	if (stats)
		stats->bad[why]++;
	if (ret_reason)
		*ret_reason = why;
	return -EBADMSG;
}

/*
 * The decoder and the validator in one: with fill, e receives the header
 * and parameters. Returns -1 or why the record is bad. Every length is
 * walked, known or not, so the sum is checked in full; a bad sum is
 * reported before a bad parameter.
 */
static inline int decode(struct evt *e, const uint8_t *base, size_t avail, bool fill)
{
	const struct evt_info *info;
	struct saker_rec_hdr h;
	size_t off, known;
	int why = -1;

	if (avail < SAKER_HDR_SIZE)
		return EVT_BAD_SHORT;
	memcpy(&h, base, SAKER_HDR_SIZE);
	if (fill)
		e->hdr = h;
	if (h.len > SAKER_REC_MAX)
		return EVT_BAD_LEN;
	if (h.len > avail)
		return EVT_BAD_SHORT;
	if (h.nparams > SAKER_REC_MAX / 2 || h.len < SAKER_HDR_SIZE + 2u * h.nparams)
		return EVT_BAD_LEN;
	if (h.type >= SAKER_EV_MAX)
		return EVT_BAD_TYPE;
	info = &evt_table[h.type];
	known = h.nparams < info->nparams ? h.nparams : info->nparams;
	off = SAKER_HDR_SIZE + 2u * h.nparams;
	for (size_t i = 0; i < h.nparams; i++) {
		uint16_t l;
		size_t len;

		memcpy(&l, base + SAKER_HDR_SIZE + 2 * i, sizeof(l));
		len = l & SAKER_PARAM_LEN_MASK;
		if (off + len > h.len)
			return EVT_BAD_PARAM_SUM;
		if (i < known) {
			if (len && why < 0)
				why = param_check(ptype_chk[info->params[i].type], base + off, len);
			if (fill)
				e->params[i] =
					(struct evt_param){ .val = len ? base + off : NULL,
							    .len = (uint16_t)len,
							    .truncated =
								    l & SAKER_PARAM_TRUNCATED };
		}
		off += len;
	}
	if (off != h.len)
		return EVT_BAD_PARAM_SUM;
	if (why >= 0 || !fill)
		return why;
	for (size_t i = known; i < info->nparams; i++)
		e->params[i] = (struct evt_param){ 0 };
	e->rec = base;
	e->info = info;
	e->nparams = info->nparams;
	e->ts = h.ts;
	return -1;
}

int evt_decode(struct evt *e, const void *buf, size_t avail, struct evt_decode_stats *stats,
	       enum evt_bad *ret_reason)
{
	int why = decode(e, buf, avail, true);

	if (why >= 0)
		return bad(stats, ret_reason, (enum evt_bad)why);
	if (stats)
		stats->ok++;
	return 0;
}

int evt_validate(const void *buf, size_t avail, enum evt_bad *ret_reason)
{
	int why = decode(NULL, buf, avail, false);

	return why >= 0 ? bad(NULL, ret_reason, (enum evt_bad)why) : 0;
}

const char *evt_param_str(const struct evt *e, int idx)
{
	const struct evt_param *p = evt_param(e, idx);
	enum saker_param_type t;

	if (!p)
		return NULL;
	t = e->info->params[idx].type;
	if (t != SAKER_PT_STR && t != SAKER_PT_PATH && t != SAKER_PT_RELPATH &&
	    t != SAKER_PT_STRLIST)
		return NULL;
	return (const char *)p->val;
}
