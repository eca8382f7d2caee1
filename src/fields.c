// SPDX-License-Identifier: GPL-2.0-only
/* The field registry: lookups, argument checks and the extractor table. */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "fields.h"
#include "util.h"

/* Extractors by field id; the registry is a fixed table, so a fixed array. */
#define FIELD_MAX 512
static field_extract_fn extractors[FIELD_MAX];

static const char *const type_names[FT_MAX] = {
	[FT_CHARBUF] = "CHARBUF", [FT_FSPATH] = "FSPATH",   [FT_FSRELPATH] = "FSRELPATH",
	[FT_BYTEBUF] = "BYTEBUF", [FT_INT64] = "INT64",	    [FT_UINT64] = "UINT64",
	[FT_INT32] = "INT32",	  [FT_UINT32] = "UINT32",   [FT_UINT16] = "UINT16",
	[FT_BOOL] = "BOOL",	  [FT_IPADDR] = "IPADDR",   [FT_IPNET] = "IPNET",
	[FT_PORT] = "PORT",	  [FT_ABSTIME] = "ABSTIME", [FT_RELTIME] = "RELTIME",
	[FT_ERRNO] = "ERRNO",	  [FT_FD] = "FD",	    [FT_PID] = "PID",
	[FT_UID] = "UID",	  [FT_GID] = "GID",	    [FT_MODE] = "MODE",
	[FT_FLAGS32] = "FLAGS32",
};

size_t field_count(void)
{
	return field_table_len;
}

const struct field_def *field_at(size_t i)
{
	return i < field_table_len ? &field_table[i] : NULL;
}

const struct field_def *field_find(const char *name)
{
	for (size_t i = 0; i < field_table_len; i++)
		if (strcmp(field_table[i].name, name) == 0)
			return &field_table[i];
	return NULL;
}

const char *field_type_name(enum field_type t)
{
	return t < FT_MAX ? type_names[t] : "?";
}

enum field_class field_type_class(enum field_type t)
{
	switch (t) {
	case FT_CHARBUF:
	case FT_FSPATH:
	case FT_FSRELPATH:
		return FC_STR;
	case FT_BYTEBUF:
		return FC_BYTES;
	case FT_INT64:
	case FT_INT32:
	case FT_ERRNO:
	case FT_FD:
	case FT_PID:
		return FC_SIGNED;
	case FT_BOOL:
		return FC_BOOL;
	case FT_IPADDR:
	case FT_IPNET:
		return FC_IP;
	default:
		return FC_UNSIGNED;
	}
}

bool field_type_numeric(enum field_type t)
{
	enum field_class c = field_type_class(t);

	return c == FC_SIGNED || c == FC_UNSIGNED;
}

static const char *const source_names[FSRC_MAX] = { "syscall", "k8s_audit" };

const char *field_source_name(enum field_source s)
{
	return s < FSRC_MAX ? source_names[s] : "?";
}

int field_source_by_name(const char *name)
{
	for (int i = 0; i < FSRC_MAX; i++)
		if (strcmp(source_names[i], name) == 0)
			return i;
	return -1;
}

/* The field type of an event parameter, for evt.rawarg.NAME. */
static enum field_type ptype_field_type(enum saker_param_type t)
{
	switch (t) {
	case SAKER_PT_S32:
	case SAKER_PT_S64:
	case SAKER_PT_FD:
	case SAKER_PT_PID:
		return FT_INT64;
	case SAKER_PT_ABSTIME:
		return FT_ABSTIME;
	case SAKER_PT_RELTIME:
		return FT_RELTIME;
	case SAKER_PT_STR:
	case SAKER_PT_PATH:
	case SAKER_PT_RELPATH:
	case SAKER_PT_STRLIST:
	case SAKER_PT_SOCKADDR:
	case SAKER_PT_SOCKTUPLE:
		return FT_CHARBUF;
	case SAKER_PT_BYTES:
		return FT_BYTEBUF;
	default:
		return FT_UINT64;
	}
}

/* Whether some event has a parameter (or result) named pname; its type. */
static bool event_arg_type(const char *pname, enum field_type *ret)
{
	for (int t = 0; t < SAKER_EV_MAX; t++) {
		int i = evt_param_index(t, pname);

		if (i >= 0) {
			*ret = ptype_field_type(evt_table[t].params[i].type);
			return true;
		}
		if (evt_table[t].res_name && strcmp(evt_table[t].res_name, pname) == 0) {
			*ret = FT_INT64;
			return true;
		}
	}
	return false;
}

static bool parse_index(const char *s, int64_t *ret)
{
	char *end;
	long long v;

	if (*s < '0' || *s > '9')
		return false;
	errno = 0;
	v = strtoll(s, &end, 10);
	if (errno || *end)
		return false;
	*ret = v;
	return true;
}

static const struct field_def *find_dotted(const char *name, const char **ret_arg)
{
	for (size_t i = 0; i < field_table_len; i++) {
		const struct field_def *d = &field_table[i];
		size_t n = strlen(d->name);

		if ((d->flags & FIELD_ARG_DOT) && strncmp(name, d->name, n) == 0 &&
		    name[n] == '.' && name[n + 1]) {
			*ret_arg = name + n + 1;
			return d;
		}
	}
	return NULL;
}

static int check_arg(const struct field_def *d, const char *arg, struct field_req *req, char *err,
		     size_t errlen)
{
	if (!arg) {
		if (d->flags & FIELD_ARG_REQUIRED) {
			snprintf(err, errlen, "field '%s' requires an argument", d->name);
			return -EINVAL;
		}
		return 0;
	}
	if (!(d->flags & FIELD_ARGS)) {
		snprintf(err, errlen, "field '%s' does not take an argument", d->name);
		return -EINVAL;
	}
	if (!*arg) {
		snprintf(err, errlen, "field '%s' has an empty argument", d->name);
		return -EINVAL;
	}
	if ((d->flags & FIELD_ARG_INDEX) && parse_index(arg, &req->index))
		return 0;
	if (d->flags & FIELD_ARG_KEY)
		return 0;
	if ((d->flags & FIELD_ARG_PATH) && arg[0] == '/')
		return 0;
	snprintf(err, errlen, "field '%s' expects %s, not '%s'", d->name,
		 (d->flags & FIELD_ARG_PATH) ? "a JSON pointer such as [/a/b]" :
					       "a numeric index such as [1]",
		 arg);
	return -EINVAL;
}

int field_resolve(const char *name, const char *arg, bool has_arg, struct field_req *ret,
		  char **ret_arg_copy, char *err, size_t errlen)
{
	struct field_req req = { .index = -1 };
	const struct field_def *d = field_find(name);
	const char *dotted = NULL;
	char *copy = NULL;
	int r;

	if (!d) {
		d = find_dotted(name, &dotted);
		if (!d) {
			snprintf(err, errlen, "unknown field '%s'", name);
			return -EINVAL;
		}
		if (has_arg) {
			snprintf(err, errlen, "field '%s' has two arguments", name);
			return -EINVAL;
		}
		arg = dotted;
		has_arg = true;
	}
	req.def = d;
	req.id = (unsigned)(d - field_table);
	req.type = d->type;
	r = check_arg(d, has_arg ? arg : NULL, &req, err, errlen);
	if (r < 0)
		return r;
	if (has_arg && (!strcmp(d->name, "evt.arg") || !strcmp(d->name, "evt.rawarg")) &&
	    req.index < 0) {
		enum field_type t;

		if (!event_arg_type(arg, &t)) {
			snprintf(err, errlen, "no event has an argument named '%s' (in '%s')", arg,
				 name);
			return -EINVAL;
		}
		if (!strcmp(d->name, "evt.rawarg"))
			req.type = t;
	}
	if (has_arg) {
		copy = strdup(arg);
		if (!copy)
			return -ENOMEM;
		req.arg = copy;
	}
	*ret = req;
	*ret_arg_copy = copy;
	return 0;
}

int field_register_extractor(const char *name_or_class, field_extract_fn fn)
{
	size_t n = strlen(name_or_class);
	bool cls = n >= 2 && name_or_class[n - 1] == '*' && name_or_class[n - 2] == '.';
	int count = 0;

	for (size_t i = 0; i < field_table_len && i < FIELD_MAX; i++) {
		const char *fname = field_table[i].name;

		if (cls ? strncmp(fname, name_or_class, n - 1) == 0 :
			  strcmp(fname, name_or_class) == 0) {
			extractors[i] = fn;
			count++;
		}
	}
	return count ? count : -ENOENT;
}

field_extract_fn field_extractor(unsigned id)
{
	return id < FIELD_MAX ? extractors[id] : NULL;
}

static struct field_val *next_val(struct field_out *out)
{
	if (out->n >= out->cap)
		return NULL;
	memset(&out->vals[out->n], 0, sizeof(out->vals[0]));
	return &out->vals[out->n++];
}

bool field_out_str(struct field_out *out, const char *p, size_t len)
{
	struct field_val *v = next_val(out);

	if (!v)
		return false;
	v->s.p = p;
	v->s.len = (uint32_t)len;
	return true;
}

bool field_out_cstr(struct field_out *out, const char *s)
{
	return field_out_str(out, s, strlen(s));
}

char *field_out_reserve(struct field_out *out, size_t n)
{
	char *p;

	if (out->size - out->used < n)
		return NULL;
	p = out->buf + out->used;
	out->used += n;
	return p;
}

bool field_out_printf(struct field_out *out, const char *fmt, ...)
{
	size_t room = out->size - out->used;
	char *p = out->buf + out->used;
	va_list ap;
	int n;

	va_start(ap, fmt);
	n = vsnprintf(p, room, fmt, ap);
	va_end(ap);
	if (n < 0)
		return false;
	if ((size_t)n >= room)
		n = room ? (int)room - 1 : 0; /* truncated, still a value */
	out->used += (size_t)n + (room ? 1 : 0);
	return field_out_str(out, p, (size_t)n);
}

bool field_out_u64(struct field_out *out, uint64_t u)
{
	struct field_val *v = next_val(out);

	if (v)
		v->u = u;
	return v;
}

bool field_out_s64(struct field_out *out, int64_t i)
{
	struct field_val *v = next_val(out);

	if (v)
		v->i = i;
	return v;
}

bool field_out_bool(struct field_out *out, bool b)
{
	struct field_val *v = next_val(out);

	if (v)
		v->b = b;
	return v;
}

static int format_ip(const struct field_val *v, bool net, char *buf, size_t len)
{
	char a[INET6_ADDRSTRLEN];

	if (!inet_ntop(v->ip.fam == 6 ? AF_INET6 : AF_INET, v->ip.a, a, sizeof(a)))
		return snprintf(buf, len, "<NA>");
	if (net)
		return snprintf(buf, len, "%s/%u", a, v->ip.bits);
	return snprintf(buf, len, "%s", a);
}

int field_val_format(enum field_type t, const struct field_val *v, char *buf, size_t len)
{
	switch (field_type_class(t)) {
	case FC_STR:
		return snprintf(buf, len, "%.*s", (int)v->s.len, v->s.p);
	case FC_BYTES: {
		size_t n = v->s.len < len ? v->s.len : (len ? len - 1 : 0);

		for (size_t i = 0; i < n; i++) {
			unsigned char c = (unsigned char)v->s.p[i];

			buf[i] = (c >= 0x20 && c < 0x7f) ? (char)c : '.';
		}
		if (len)
			buf[n] = 0;
		return (int)v->s.len;
	}
	case FC_SIGNED:
		return snprintf(buf, len, "%lld", (long long)v->i);
	case FC_BOOL:
		return snprintf(buf, len, "%s", v->b ? "true" : "false");
	case FC_IP:
		return format_ip(v, t == FT_IPNET && v->ip.bits != (v->ip.fam == 6 ? 128 : 32), buf,
				 len);
	default:
		if (t == FT_MODE)
			return snprintf(buf, len, "0%llo", (unsigned long long)v->u);
		return snprintf(buf, len, "%llu", (unsigned long long)v->u);
	}
}
