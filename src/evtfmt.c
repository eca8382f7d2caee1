// SPDX-License-Identifier: GPL-2.0-only
/*
 * Text rendering of parameters. Falco's conventions (libsinsp's parameter
 * rendering) are followed where saker's parameter means the same: flags by
 * name, errno names for negative results, S_I* names for modes, "ip:port"
 * and "lip:lport->rip:rport" for addresses (IPv6 without brackets, IPv4-
 * mapped tuples as IPv4), "family N" for other address families.
 */
#ifdef HAVE_CONFIG_H
#include "config.h" /* first: _GNU_SOURCE for strerrorname_np, sigabbrev_np */
#endif

#include <arpa/inet.h>
#include <grp.h>
#include <inttypes.h>
#include <pwd.h>
#include <stdarg.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <time.h>

#include "evtfmt.h"
#include "flagnames.h"
#include "util.h"

/* vsnprintf that never returns negative and tolerates len 0. */
static int put(char *buf, size_t len, const char *fmt, ...) __attribute__((format(printf, 3, 4)));
static int put(char *buf, size_t len, const char *fmt, ...)
{
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(len ? buf : NULL, len, fmt, ap);
	va_end(ap);
	return n < 0 ? 0 : n;
}

/* ---- addresses ---------------------------------------------------- */

static int ip_port(int fam, const uint8_t *a, const uint8_t *portp, char *buf, size_t len)
{
	char ip[INET6_ADDRSTRLEN] = "";
	uint16_t port;

	memcpy(&port, portp, 2);
	inet_ntop(fam, a, ip, sizeof(ip));
	return put(buf, len, "%s:%u", ip, port);
}

/* A path inside an address: at most n bytes, up to the first NUL. */
static int addr_path(const uint8_t *p, size_t n, char *buf, size_t len)
{
	return put(buf, len, "%.*s", (int)strnlen((const char *)p, n), (const char *)p);
}

int evtfmt_sockaddr(const uint8_t *v, size_t n, char *buf, size_t len)
{
	if (n < 1)
		return put(buf, len, "%s", "");
	switch (v[0]) {
	case AF_INET:
		if (n < SAKER_SOCK_INET_SIZE)
			return put(buf, len, "INVALID IPv4");
		return ip_port(AF_INET, v + 1, v + 5, buf, len);
	case AF_INET6:
		if (n < SAKER_SOCK_INET6_SIZE)
			return put(buf, len, "INVALID IPv6");
		return ip_port(AF_INET6, v + 1, v + 17, buf, len);
	case AF_UNIX:
		return addr_path(v + 1, n - 1, buf, len);
	default:
		return put(buf, len, "family %u", v[0]);
	}
}

static bool v4_mapped(const uint8_t *a)
{
	static const uint8_t prefix[12] = { [10] = 0xff, [11] = 0xff };

	return memcmp(a, prefix, sizeof(prefix)) == 0;
}

int evtfmt_tuple(const uint8_t *v, size_t n, char *buf, size_t len)
{
	char l[64], r[64];

	if (n < 1)
		return put(buf, len, "%s", "");
	switch (v[0]) {
	case AF_INET:
		if (n < SAKER_TUPLE_INET_SIZE)
			return put(buf, len, "INVALID IPv4");
		ip_port(AF_INET, v + 1, v + 5, l, sizeof(l));
		ip_port(AF_INET, v + 7, v + 11, r, sizeof(r));
		return put(buf, len, "%s->%s", l, r);
	case AF_INET6:
		if (n < SAKER_TUPLE_INET6_SIZE)
			return put(buf, len, "INVALID IPv6");
		if (v4_mapped(v + 1) && v4_mapped(v + 19)) {
			ip_port(AF_INET, v + 13, v + 17, l, sizeof(l));
			ip_port(AF_INET, v + 31, v + 35, r, sizeof(r));
		} else {
			ip_port(AF_INET6, v + 1, v + 17, l, sizeof(l));
			ip_port(AF_INET6, v + 19, v + 35, r, sizeof(r));
		}
		return put(buf, len, "%s->%s", l, r);
	case AF_UNIX: {
		uint64_t lo, pe;
		size_t pl = n - SAKER_TUPLE_UNIX_MIN;
		const char *path = (const char *)v + SAKER_TUPLE_UNIX_MIN;

		if (n < SAKER_TUPLE_UNIX_MIN)
			return put(buf, len, "INVALID UNIX");
		memcpy(&lo, v + 1, 8);
		memcpy(&pe, v + 9, 8);
		return put(buf, len, "%" PRIx64 "->%" PRIx64 " %.*s", lo, pe,
			   (int)strnlen(path, pl), path);
	}
	default:
		return put(buf, len, "family %u", v[0]);
	}
}

/* ---- numbers with names -------------------------------------------- */

/* Falco's chmod_mode table order. */
static const struct {
	uint32_t bit;
	const char *name;
} mode_names[] = {
	{ 0001, "S_IXOTH" }, { 0002, "S_IWOTH" },  { 0004, "S_IROTH" },	 { 0010, "S_IXGRP" },
	{ 0020, "S_IWGRP" }, { 0040, "S_IRGRP" },  { 0100, "S_IXUSR" },	 { 0200, "S_IWUSR" },
	{ 0400, "S_IRUSR" }, { 01000, "S_ISVTX" }, { 02000, "S_ISGID" }, { 04000, "S_ISUID" },
};

static int mode_resolved(uint32_t m, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (size_t i = 0; i < ARRAY_SIZE(mode_names); i++) {
		if (!(m & mode_names[i].bit))
			continue;
		off += (size_t)put(off < len ? buf + off : NULL, off < len ? len - off : 0, "%s%s",
				   off ? "|" : "", mode_names[i].name);
	}
	return (int)off;
}

static int errno_resolved(int64_t res, char *buf, size_t len)
{
	const char *name = res < 0 && res > -4096 ? strerrorname_np((int)-res) : NULL;

	return put(buf, len, "%s", name ? name : "");
}

static int signal_resolved(uint64_t sig, char *buf, size_t len)
{
	const char *abbrev = sig >= 1 && sig <= 31 ? sigabbrev_np((int)sig) : NULL;

	return abbrev ? put(buf, len, "SIG%s", abbrev) : put(buf, len, "%s", "");
}

/*
 * Host user and group names; "<NA>" when the database has none, like Falco.
 * A miss can cost milliseconds (nss-systemd asks userdb), so recent answers,
 * misses included, are kept per thread for a minute.
 */
struct name_cache {
	uint64_t at; /* CLOCK_MONOTONIC ns; 0: empty slot */
	uint32_t id;
	bool group;
	char name[64]; /* "" for a miss */
};

static __thread struct name_cache name_cache[16];
static __thread unsigned name_cache_next;

static const char *name_lookup(bool group, uint32_t id, char *tmp, size_t tmplen)
{
#ifdef FUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
	/* Fuzzers make up ids by the million; the host's databases only slow them. */
	return NULL;
#endif
	if (group) {
		struct group g, *gp = NULL;

		return getgrgid_r(id, &g, tmp, tmplen, &gp) == 0 && gp ? gp->gr_name : NULL;
	} else {
		struct passwd pw, *pp = NULL;

		return getpwuid_r(id, &pw, tmp, tmplen, &pp) == 0 && pp ? pp->pw_name : NULL;
	}
}

static int user_resolved(bool group, uint32_t id, char *buf, size_t len)
{
	uint64_t now = clock_ns(CLOCK_MONOTONIC);
	struct name_cache *c;
	const char *name;
	char tmp[1024];

	if (id == UINT32_MAX)
		return put(buf, len, "<NONE>");
	for (size_t i = 0; i < ARRAY_SIZE(name_cache); i++) {
		c = &name_cache[i];
		if (c->at && c->id == id && c->group == group && now - c->at < 60000000000ull)
			return put(buf, len, "%s", c->name[0] ? c->name : "<NA>");
	}
	name = name_lookup(group, id, tmp, sizeof(tmp));
	if (!name || strlen(name) < sizeof(c->name)) {
		c = &name_cache[name_cache_next++ % ARRAY_SIZE(name_cache)];
		*c = (struct name_cache){ .at = now ? now : 1, .id = id, .group = group };
		snprintf(c->name, sizeof(c->name), "%s", name ? name : "");
	}
	return put(buf, len, "%s", name ? name : "<NA>");
}

/* The kernel's dev_t (major << 20 | minor) in the userspace encoding Falco shows. */
static uint32_t dev_user(uint32_t kdev)
{
	uint32_t major = kdev >> 20, minor = kdev & 0xfffff;

	return (minor & 0xff) | (major << 8) | ((minor & ~0xffu) << 12);
}

static int abstime(uint64_t ns, char *buf, size_t len)
{
	time_t sec = (time_t)(ns / 1000000000u);
	char day[32] = "", zone[16] = "";
	struct tm tm;

	if (localtime_r(&sec, &tm)) {
		strftime(day, sizeof(day), "%Y-%m-%d %H:%M:%S", &tm);
		strftime(zone, sizeof(zone), "%z", &tm);
	}
	return put(buf, len, "%s.%09u %s", day, (unsigned)(ns % 1000000000u), zone);
}

/* ---- strings ------------------------------------------------------- */

/* A NUL-separated list (n bytes, last one NUL) with spaces between items. */
static int strlist(const uint8_t *v, size_t n, char *buf, size_t len)
{
	size_t out = n ? n - 1 : 0;

	for (size_t i = 0; i < out && i + 1 < len; i++)
		buf[i] = v[i] ? (char)v[i] : ' ';
	if (len)
		buf[out < len ? out : len - 1] = '\0';
	return (int)out;
}

/* Raw bytes: printable ones as they are, the rest as '.', as Falco does. */
static int bytes(const uint8_t *v, size_t n, char *buf, size_t len)
{
	for (size_t i = 0; i < n && i + 1 < len; i++)
		buf[i] = v[i] >= 0x20 && v[i] < 0x7f ? (char)v[i] : '.';
	if (len)
		buf[n < len ? n : len - 1] = '\0';
	return (int)n;
}

/* ---- parameters ---------------------------------------------------- */

static bool is_open_family(const struct evt *e)
{
	return e->info == &evt_table[SAKER_EV_OPEN] || e->info == &evt_table[SAKER_EV_OPENAT] ||
	       e->info == &evt_table[SAKER_EV_OPENAT2] || e->info == &evt_table[SAKER_EV_CREAT];
}

/* The resolved text of a parameter, or "" when its type has none. */
static int resolved(const struct evt *e, int idx, uint64_t u, char *buf, size_t len)
{
	const struct evt_param_info *pi = &e->info->params[idx];

	switch (pi->type) {
	case SAKER_PT_FLAGS:
	case SAKER_PT_ENUM:
		return (int)flagnames_format(pi->info, (uint32_t)u, buf, len);
	case SAKER_PT_MODE:
		/* Falco names chmod-style modes; open's mode stays octal. */
		return is_open_family(e) ? put(buf, len, "%s", "") :
					   mode_resolved((uint32_t)u, buf, len);
	case SAKER_PT_UID:
	case SAKER_PT_GID:
		return user_resolved(pi->type == SAKER_PT_GID, (uint32_t)u, buf, len);
	case SAKER_PT_SIGNAL:
		return signal_resolved(u, buf, len);
	case SAKER_PT_RELTIME:
		if (u == UINT64_MAX)
			return put(buf, len, "%s", "");
		return put(buf, len, "%gs", (double)u / 1e9);
	default:
		return put(buf, len, "%s", "");
	}
}

static int raw(const struct evt *e, int idx, const struct evt_param *p, uint64_t u, char *buf,
	       size_t len)
{
	const struct evt_param_info *pi = &e->info->params[idx];
	int64_t s = 0;

	switch (pi->type) {
	case SAKER_PT_FD:
	case SAKER_PT_PID:
	case SAKER_PT_S64:
	case SAKER_PT_S32:
		evt_param_s64(e, idx, &s);
		return put(buf, len, "%" PRId64, s);
	case SAKER_PT_UID:
	case SAKER_PT_GID:
		return put(buf, len, "%" PRId32, (int32_t)(uint32_t)u);
	case SAKER_PT_MODE:
		return put(buf, len, "%#" PRIo32, (uint32_t)u);
	case SAKER_PT_DEV:
		/* Falco shows a file's dev in hex and the controlling tty in decimal. */
		if (strcmp(pi->name, "tty") == 0)
			return put(buf, len, "%" PRIu32, dev_user((uint32_t)u));
		return put(buf, len, "%" PRIX32, dev_user((uint32_t)u));
	case SAKER_PT_ABSTIME:
		/* start_ts is CLOCK_BOOTTIME: shift it by the source's boot offset. */
		if (strcmp(pi->name, "start_ts") == 0)
			u += e->ts - e->hdr.ts;
		return abstime(u, buf, len);
	case SAKER_PT_RELTIME:
		return u == UINT64_MAX ? put(buf, len, "none") : put(buf, len, "%" PRIu64, u);
	case SAKER_PT_STR:
	case SAKER_PT_PATH:
	case SAKER_PT_RELPATH:
		return addr_path(p->val, p->len, buf, len);
	case SAKER_PT_STRLIST:
		return strlist(p->val, p->len, buf, len);
	case SAKER_PT_BYTES:
		return bytes(p->val, p->len, buf, len);
	case SAKER_PT_SOCKADDR:
		return evtfmt_sockaddr(p->val, p->len, buf, len);
	case SAKER_PT_SOCKTUPLE:
		return evtfmt_tuple(p->val, p->len, buf, len);
	default:
		return put(buf, len, "%" PRIu64, u);
	}
}

int evtfmt_param_raw(const struct evt *e, int idx, char *buf, size_t len)
{
	const struct evt_param *p = evt_param(e, idx);
	uint64_t u = 0;

	if (!p)
		return -1;
	evt_param_u64(e, idx, &u);
	return raw(e, idx, p, u, buf, len);
}

int evtfmt_param(const struct evt *e, int idx, char *buf, size_t len)
{
	const struct evt_param *p = evt_param(e, idx);
	uint64_t u = 0;
	int n;

	if (!p)
		return -1;
	evt_param_u64(e, idx, &u);
	/* An empty resolution means "none": fall back to the raw value, as Falco. */
	n = resolved(e, idx, u, buf, len);
	return n > 0 ? n : raw(e, idx, p, u, buf, len);
}

int evtfmt_res(const struct evt *e, char *buf, size_t len)
{
	int64_t res = e->hdr.res;
	int n;

	if (res >= 0)
		return put(buf, len, "SUCCESS");
	n = errno_resolved(res, buf, len);
	return n > 0 ? n : put(buf, len, "%" PRId64, res);
}

/* ---- lines --------------------------------------------------------- */

struct line {
	char *buf;
	size_t len, off;
};

static char *at(struct line *l)
{
	return l->off < l->len ? l->buf + l->off : NULL;
}

static size_t room(struct line *l)
{
	return l->off < l->len ? l->len - l->off : 0;
}

/* Appends "raw" or "raw(resolved)", with control characters replaced. */
static void line_value(struct line *l, int n, const char *res, int rn)
{
	size_t start = l->off;

	l->off += (size_t)n;
	if (rn > 0 && (size_t)rn < 512)
		l->off += (size_t)put(at(l), room(l), "(%s)", res);
	for (size_t i = start; i < l->off && i + 1 < l->len; i++)
		if ((unsigned char)l->buf[i] < 0x20 || l->buf[i] == 0x7f)
			l->buf[i] = '.';
}

static void line_param(struct line *l, const struct evt *e, int i)
{
	const struct evt_param *p = evt_param(e, i);
	char res[512] = "";
	uint64_t u = 0;
	int rn;

	/* Absent values are left out: older drivers and snapshots leave many. */
	if (!p)
		return;
	l->off += (size_t)put(at(l), room(l), " %s=", e->info->params[i].name);
	evt_param_u64(e, i, &u);
	rn = resolved(e, i, u, res, sizeof(res));
	if (rn > 0) {
		/* A resolution that only repeats the number (no name applies) is not shown. */
		char num[64];

		if (raw(e, i, p, u, num, sizeof(num)) == rn && strcmp(num, res) == 0)
			rn = 0;
	}
	line_value(l, raw(e, i, p, u, at(l), room(l)), res, rn);
	if (p->truncated)
		l->off += (size_t)put(at(l), room(l), "...");
}

int evtfmt_line(const struct evt *e, char *buf, size_t len)
{
	struct line l = { .buf = buf, .len = len };
	time_t sec = (time_t)(e->ts / 1000000000u);
	char res[64] = "";
	struct tm tm = { 0 };
	int rn;

	gmtime_r(&sec, &tm);
	l.off = (size_t)put(buf, len, "%" PRIu64 " %02d:%02d:%02d.%09u %u/%u %s %s=", e->num,
			    tm.tm_hour, tm.tm_min, tm.tm_sec, (unsigned)(e->ts % 1000000000u),
			    e->hdr.tid, e->hdr.pid, e->info->name, e->info->res_name);
	rn = errno_resolved(e->hdr.res, res, sizeof(res));
	line_value(&l, put(at(&l), room(&l), "%" PRId64, (int64_t)e->hdr.res), res, rn);
	for (int i = 0; i < e->nparams; i++)
		line_param(&l, e, i);
	return (int)l.off;
}
