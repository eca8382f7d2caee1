// SPDX-License-Identifier: GPL-2.0-only
/*
 * capgen's value parsers: a parameter's text to the ABI encoding its table
 * type asks for. Flag and enum names are the ones `saker` renders (read
 * back from flagnames_format), so a description and an alert spell a value
 * the same way.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <signal.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "capgen.h"
#include "flagnames.h"

static int fail(char *err, size_t errlen, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(err, errlen, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

int cg_parse_num(const char *s, uint64_t *ret)
{
	char *end;
	bool neg = s[0] == '-';
	uint64_t v;

	if (!s[neg] || s[neg] == '-' || s[neg] == '+')
		return -EINVAL;
	errno = 0;
	v = strtoull(s + neg, &end, 0);
	if (errno || *end)
		return -EINVAL;
	*ret = neg ? (uint64_t) - (int64_t)v : v;
	return 0;
}

/* Names of one flag set, read back from the renderer once per set. */
#define CG_NAMES_MAX 256
struct name_val {
	char name[40];
	uint32_t v;
};
static struct name_val names[SAKER_FS_MAX][CG_NAMES_MAX];
static int nnames[SAKER_FS_MAX] = { 0 };
static bool names_done[SAKER_FS_MAX];

static void add_names(enum saker_flagset set, uint32_t v)
{
	char buf[1024], *save = NULL, *tok;

	flagnames_format(set, v, buf, sizeof(buf));
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save)) {
		bool seen = false;

		if ((tok[0] >= '0' && tok[0] <= '9') || !strcmp(tok, "UNKNOWN") ||
		    !strcmp(tok, "PTRACE_UNKNOWN") || strlen(tok) >= sizeof(names[0][0].name))
			continue;
		for (int i = 0; i < nnames[set]; i++)
			seen |= !strcmp(names[set][i].name, tok);
		if (seen || nnames[set] == CG_NAMES_MAX)
			continue;
		snprintf(names[set][nnames[set]].name, sizeof(names[0][0].name), "%s", tok);
		names[set][nnames[set]++].v = v;
	}
}

static void load_names(enum saker_flagset set)
{
	if (names_done[set])
		return;
	names_done[set] = true;
	if (flagnames_set_is_enum(set)) {
		/* Enumerated values are small (ptrace's reach 0x4210). */
		for (uint32_t v = 0; v < 0x4400; v++)
			add_names(set, v);
		return;
	}
	/* Zero and the access modes first: O_RDONLY is 0, not part of O_CREAT. */
	for (uint32_t v = 0; v < 4; v++)
		add_names(set, v);
	for (int b = 0; b < 32; b++)
		add_names(set, 1u << b);
}

static int flag_token(enum saker_flagset set, const char *tok, uint32_t *ret)
{
	uint64_t v;

	if (cg_parse_num(tok, &v) == 0) {
		*ret = (uint32_t)v;
		return 0;
	}
	load_names(set);
	for (int i = 0; i < nnames[set]; i++) {
		if (!strcmp(names[set][i].name, tok)) {
			*ret = names[set][i].v;
			return 0;
		}
	}
	return -EINVAL;
}

/* "A|B|12": names of the set or numbers, or-ed; enums take exactly one. */
static int parse_flags(const struct evt_param_info *pi, const char *s, uint64_t *ret, char *err,
		       size_t errlen)
{
	enum saker_flagset set = (enum saker_flagset)pi->info;
	char buf[512], *save = NULL, *tok;
	uint32_t v = 0, x;
	int n = 0;

	if (strlen(s) >= sizeof(buf))
		return fail(err, errlen, "value too long");
	strcpy(buf, s);
	for (tok = strtok_r(buf, "|", &save); tok; tok = strtok_r(NULL, "|", &save), n++) {
		if (flag_token(set, tok, &x) < 0)
			return fail(err, errlen, "'%s' is not a number or a name of the %s set",
				    tok, flagnames_set_name(set));
		v |= x;
	}
	if (!n || (n > 1 && flagnames_set_is_enum(set)))
		return fail(err, errlen, "expected %s of the %s set",
			    flagnames_set_is_enum(set) ? "one name" : "names joined with '|'",
			    flagnames_set_name(set));
	*ret = v;
	return 0;
}

static int parse_signal(const char *s, uint64_t *ret)
{
	if (cg_parse_num(s, ret) == 0)
		return 0;
	for (int i = 1; i < NSIG; i++) {
		const char *a = sigabbrev_np(i);

		if (a && !strncmp(s, "SIG", 3) && !strcmp(s + 3, a)) {
			*ret = (uint64_t)i;
			return 0;
		}
	}
	return -EINVAL;
}

/* "1.2.3.4:80", "[::1]:80". */
static int parse_inet(const char *s, struct cg_addr *a)
{
	char host[64];
	const char *colon;
	uint64_t port;
	size_t hl;

	if (s[0] == '[') {
		const char *close = strchr(s, ']');

		if (!close || close[1] != ':')
			return -EINVAL;
		hl = (size_t)(close - s - 1);
		if (hl >= sizeof(host))
			return -EINVAL;
		memcpy(host, s + 1, hl);
		host[hl] = '\0';
		colon = close + 1;
		a->family = AF_INET6;
	} else {
		colon = strrchr(s, ':');
		if (!colon || (size_t)(colon - s) >= sizeof(host))
			return -EINVAL;
		hl = (size_t)(colon - s);
		memcpy(host, s, hl);
		host[hl] = '\0';
		a->family = AF_INET;
	}
	if (inet_pton(a->family, host, a->addr) != 1)
		return -EINVAL;
	if (cg_parse_num(colon + 1, &port) < 0 || port > 65535)
		return -EINVAL;
	a->port = (uint16_t)port;
	return 0;
}

static int parse_sockaddr(const char *s, struct cg_val *v)
{
	v->kind = CG_SOCKADDR;
	if (s[0] == '/' || s[0] == '@' || !strncmp(s, "unix:", 5)) {
		if (!strncmp(s, "unix:", 5))
			s += 5;
		if (strlen(s) >= sizeof(v->a.path))
			return -EINVAL;
		v->a.family = AF_UNIX;
		strcpy(v->a.path, s);
		return 0;
	}
	return parse_inet(s, &v->a);
}

/* "L->R" for inet; "unix:LOCAL:PEER[:PATH]" with kernel socket addresses. */
static int parse_tuple(const char *s, struct cg_val *v)
{
	const char *arrow = strstr(s, "->");
	char l[128];

	v->kind = CG_TUPLE;
	if (!strncmp(s, "unix:", 5)) {
		char buf[256], *save = NULL, *lo, *pe, *path;

		if (strlen(s) >= sizeof(buf))
			return -EINVAL;
		strcpy(buf, s + 5);
		lo = strtok_r(buf, ":", &save);
		pe = strtok_r(NULL, ":", &save);
		path = strtok_r(NULL, "", &save);
		if (!lo || !pe || cg_parse_num(lo, &v->un_local) < 0 ||
		    cg_parse_num(pe, &v->un_peer) < 0 ||
		    (path && strlen(path) >= sizeof(v->a.path)))
			return -EINVAL;
		v->a.family = AF_UNIX;
		strcpy(v->a.path, path ? path : "");
		return 0;
	}
	if (!arrow || (size_t)(arrow - s) >= sizeof(l))
		return -EINVAL;
	memcpy(l, s, (size_t)(arrow - s));
	l[arrow - s] = '\0';
	if (parse_inet(l, &v->a) < 0 || parse_inet(arrow + 2, &v->b) < 0 ||
	    v->a.family != v->b.family)
		return -EINVAL;
	return 0;
}

static int parse_fixed(const struct evt_param_info *pi, const char *s, struct cg_val *v, char *err,
		       size_t errlen)
{
	v->kind = CG_NUM;
	switch (pi->type) {
	case SAKER_PT_FLAGS:
	case SAKER_PT_ENUM:
		return parse_flags(pi, s, &v->num, err, errlen);
	case SAKER_PT_SIGNAL:
		if (parse_signal(s, &v->num) < 0)
			return fail(err, errlen, "'%s' is not a signal number or name (SIGKILL)",
				    s);
		return 0;
	case SAKER_PT_FD:
		if (!strcmp(s, "AT_FDCWD")) {
			v->num = (uint64_t)-100;
			return 0;
		}
		break;
	default:
		break;
	}
	if (cg_parse_num(s, &v->num) < 0)
		return fail(err, errlen, "'%s' is not a number", s);
	return 0;
}

int cg_parse_value(const struct evt_param_info *pi, const char *text, size_t len, int list,
		   struct cg_val *v, char *err, size_t errlen)
{
	v->kind = CG_ABSENT;
	v->num = 0;
	v->len = 0;
	memset(&v->a, 0, sizeof(v->a));
	memset(&v->b, 0, sizeof(v->b));
	v->un_local = v->un_peer = 0;
	if (list >= 0 && pi->type != SAKER_PT_STRLIST)
		return fail(err, errlen, "a [list] is only for string-list parameters, not %s",
			    evt_ptype_name(pi->type));
	if (len + 1 > sizeof(v->bytes))
		return fail(err, errlen, "value longer than %d bytes", CG_VAL_MAX - 1);
	if (saker_ptype_size(pi->type)) {
		if (memchr(text, '\0', len))
			return fail(err, errlen, "NUL byte in a number");
		return parse_fixed(pi, text, v, err, errlen);
	}
	switch (pi->type) {
	case SAKER_PT_STR:
	case SAKER_PT_PATH:
	case SAKER_PT_RELPATH:
		if (memchr(text, '\0', len))
			return fail(err, errlen, "NUL byte inside a string");
		/* fallthrough */
	case SAKER_PT_STRLIST:
		/* Strings carry their NUL; a list is its items NUL-separated. */
		v->kind = CG_BYTES;
		memcpy(v->bytes, text, len);
		v->bytes[len] = '\0';
		v->len = len + 1;
		return 0;
	case SAKER_PT_BYTES:
		v->kind = CG_BYTES;
		memcpy(v->bytes, text, len);
		v->len = len;
		return 0;
	case SAKER_PT_SOCKADDR:
		if (parse_sockaddr(text, v) < 0)
			return fail(err, errlen,
				    "'%s' is not an address (1.2.3.4:80, [::1]:80, /path, @name)",
				    text);
		return 0;
	case SAKER_PT_SOCKTUPLE:
		if (parse_tuple(text, v) < 0)
			return fail(err, errlen,
				    "'%s' is not a tuple (LADDR:LPORT->RADDR:RPORT, "
				    "[::1]:1->[::2]:2, unix:LOCAL:PEER[:PATH])",
				    text);
		return 0;
	default:
		return fail(err, errlen, "parameter type %s is not supported",
			    evt_ptype_name(pi->type));
	}
}
