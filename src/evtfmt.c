// SPDX-License-Identifier: GPL-2.0-only
#include <arpa/inet.h>
#include <inttypes.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "evtfmt.h"
#include "flagnames.h"

/* snprintf that never returns negative and tolerates len 0. */
static int put(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(buf, len, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : n;
}

static int ip_port(int fam, const uint8_t *a, const uint8_t *portp, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN];
	uint16_t port;

	memcpy(&port, portp, 2);
	inet_ntop(fam, a, ip, sizeof(ip));
	return fam == AF_INET6 ? put(buf, len, "[%s]:%u", ip, port) :
				 put(buf, len, "%s:%u", ip, port);
}

int evtfmt_sockaddr(const uint8_t *v, size_t n, char *buf, size_t len)
{
	switch (v[0]) {
	case AF_INET:
		return ip_port(AF_INET, v + 1, v + 5, buf, len);
	case AF_INET6:
		return ip_port(AF_INET6, v + 1, v + 17, buf, len);
	case AF_UNIX:
		return put(buf, len, "%s", n > 1 ? (const char *)v + 1 : "");
	default:
		return put(buf, len, "family %u", v[0]);
	}
}

int evtfmt_tuple(const uint8_t *v, size_t n, char *buf, size_t len)
{
	char l[64], r[64];
	int al = v[0] == AF_INET6 ? 16 : 4;

	switch (v[0]) {
	case AF_INET:
	case AF_INET6:
		ip_port(v[0], v + 1, v + 1 + al, l, sizeof(l));
		ip_port(v[0], v + 3 + al, v + 3 + 2 * al, r, sizeof(r));
		return put(buf, len, "%s->%s", l, r);
	case AF_UNIX: {
		uint64_t lo, pe;

		memcpy(&lo, v + 1, 8);
		memcpy(&pe, v + 9, 8);
		return put(buf, len, "%" PRIx64 "->%" PRIx64 " %s", lo, pe,
			   n > SAKER_TUPLE_UNIX_MIN ? (const char *)v + SAKER_TUPLE_UNIX_MIN : "");
	}
	default:
		return put(buf, len, "family %u", v[0]);
	}
}

/* A NUL-separated list rendered with spaces between the items. */
static int strlist(const uint8_t *v, size_t n, char *buf, size_t len)
{
	size_t i;

	for (i = 0; i + 1 < n; i++)
		if (i < len)
			buf[i] = v[i] ? (char)v[i] : ' ';
	if (len)
		buf[i < len ? i : len - 1] = '\0';
	return (int)(n ? n - 1 : 0);
}

int evtfmt_param(const struct evt *e, int idx, char *buf, size_t len)
{
	const struct evt_param *p = evt_param(e, idx);
	const struct evt_param_info *pi;
	uint64_t u = 0;
	int64_t s = 0;

	if (!p)
		return -1;
	pi = &e->info->params[idx];
	switch (pi->type) {
	case SAKER_PT_FD:
	case SAKER_PT_PID:
	case SAKER_PT_S64:
	case SAKER_PT_S32:
		evt_param_s64(e, idx, &s);
		return put(buf, len, "%" PRId64, s);
	case SAKER_PT_MODE:
		evt_param_u64(e, idx, &u);
		return put(buf, len, "0%" PRIo64, u);
	case SAKER_PT_DEV:
		evt_param_u64(e, idx, &u);
		return put(buf, len, "%" PRIx64, u);
	case SAKER_PT_FLAGS:
	case SAKER_PT_ENUM:
		evt_param_u64(e, idx, &u);
		return (int)flagnames_format(pi->info, (uint32_t)u, buf, len);
	case SAKER_PT_STR:
	case SAKER_PT_PATH:
	case SAKER_PT_RELPATH:
		return put(buf, len, "%s", (const char *)p->val);
	case SAKER_PT_STRLIST:
		return strlist(p->val, p->len, buf, len);
	case SAKER_PT_BYTES: {
		/* Printable bytes as they are, the rest as '.', as Falco's default. */
		size_t i;

		for (i = 0; i < p->len && i + 1 < len; i++)
			buf[i] = p->val[i] >= 0x20 && p->val[i] < 0x7f ? (char)p->val[i] : '.';
		if (len)
			buf[i] = '\0';
		return p->len;
	}
	case SAKER_PT_SOCKADDR:
		return evtfmt_sockaddr(p->val, p->len, buf, len);
	case SAKER_PT_SOCKTUPLE:
		return evtfmt_tuple(p->val, p->len, buf, len);
	default:
		evt_param_u64(e, idx, &u);
		return put(buf, len, "%" PRIu64, u);
	}
}

int evtfmt_line(const struct evt *e, char *buf, size_t len)
{
	struct tm tm;
	time_t sec = (time_t)(e->ts / 1000000000ull);
	size_t off;
	int n;

	gmtime_r(&sec, &tm);
	n = put(buf, len, "%" PRIu64 " %02d:%02d:%02d.%09" PRIu64 " %u/%u %s %s=%" PRId64, e->num,
		tm.tm_hour, tm.tm_min, tm.tm_sec, e->ts % UINT64_C(1000000000), e->hdr.tid,
		e->hdr.pid, e->info->name, e->info->res_name, (int64_t)e->hdr.res);
	off = (size_t)n;
	for (int i = 0; i < e->nparams; i++) {
		char val[1024];

		if (evtfmt_param(e, i, val, sizeof(val)) < 0)
			continue;
		n = put(off < len ? buf + off : NULL, off < len ? len - off : 0, " %s=%s",
			e->info->params[i].name, val);
		off += (size_t)n;
	}
	return (int)off;
}
