// SPDX-License-Identifier: GPL-2.0-only
/*
 * The evt.* extractors: everything that needs only the event record. saker
 * emits one record per system call, at exit, so evt.dir is always "<" and
 * the result is part of the record.
 */
#include "config.h"

#include <fcntl.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "event.h"
#include "evtfmt.h"
#include "fields.h"
#include "util.h"

typedef int (*evt_fn)(const struct field_req *r, const struct evt *e, struct field_out *o);

/* Render parameter idx through evtfmt into scratch. */
static int out_param(struct field_out *o, const struct evt *e, int idx)
{
	size_t room = o->size - o->used;
	char *p = o->buf + o->used;
	int n;

	if (room == 0)
		return 0;
	n = evtfmt_param(e, idx, p, room);
	if (n < 0)
		return 0;
	if ((size_t)n >= room)
		n = (int)room - 1;
	o->used += (size_t)n + 1;
	return field_out_str(o, p, (size_t)n);
}

static bool is_res_name(const struct evt *e, const char *name)
{
	return e->info->res_name && strcmp(e->info->res_name, name) == 0;
}

static int x_arg(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	int idx = r->index >= 0 ? (int)r->index : evt_param_index(e->hdr.type, r->arg);

	if (idx < 0 || idx >= e->info->nparams) {
		if (r->index < 0 && is_res_name(e, r->arg))
			return field_out_printf(o, "%lld", (long long)e->hdr.res);
		return 0;
	}
	return out_param(o, e, idx);
}

static int x_rawarg(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	int idx = evt_param_index(e->hdr.type, r->arg);
	const struct evt_param *p;
	uint64_t u;
	int64_t s;

	if (idx < 0) {
		if (!is_res_name(e, r->arg))
			return 0;
		return field_type_class(r->type) == FC_SIGNED ?
			       field_out_s64(o, e->hdr.res) :
			       field_out_u64(o, (uint64_t)e->hdr.res);
	}
	switch (field_type_class(r->type)) {
	case FC_SIGNED:
		return evt_param_s64(e, idx, &s) && field_out_s64(o, s);
	case FC_UNSIGNED:
		return evt_param_u64(e, idx, &u) && field_out_u64(o, u);
	case FC_BYTES:
		p = evt_param(e, idx);
		return p && p->val && field_out_str(o, (const char *)p->val, p->len);
	default:
		return out_param(o, e, idx);
	}
}

static int x_args(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	size_t start = o->used;
	char *base = o->buf + start;

	for (int i = 0; i < e->info->nparams && o->used < o->size; i++) {
		size_t room = o->size - o->used;
		int n = snprintf(o->buf + o->used, room, "%s%s=", i ? " " : "",
				 e->info->params[i].name);

		if (n < 0 || (size_t)n >= room)
			break;
		o->used += (size_t)n;
		room -= (size_t)n;
		n = evtfmt_param(e, i, o->buf + o->used, room);
		if (n < 0)
			continue;
		o->used += (size_t)n < room ? (size_t)n : room - 1;
	}
	if (o->used >= o->size)
		o->used = o->size - 1;
	o->buf[o->used++] = 0;
	return field_out_str(o, base, strlen(base));
}

static int x_time(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	const char *n = r->def->name;
	time_t secs = (time_t)(e->ts / 1000000000ull);
	unsigned long long ns = e->ts % 1000000000ull;
	struct tm tm;
	char b[64];

	if (!strcmp(n, "evt.time.iso8601")) {
		gmtime_r(&secs, &tm);
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		return field_out_printf(o, "%s.%09lluZ", b, ns);
	}
	localtime_r(&secs, &tm);
	strftime(b, sizeof(b), strncmp(n, "evt.datetime", 12) ? "%H:%M:%S" : "%Y-%m-%d %H:%M:%S",
		 &tm);
	if (!strcmp(n, "evt.time.s") || !strcmp(n, "evt.datetime.s"))
		return field_out_printf(o, "%s", b);
	return field_out_printf(o, "%s.%09llu", b, ns);
}

static int x_rawtime(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	const char *n = r->def->name;

	if (!strcmp(n, "evt.rawtime.s"))
		return field_out_u64(o, e->ts / 1000000000ull);
	if (!strcmp(n, "evt.rawtime.ns"))
		return field_out_u64(o, e->ts % 1000000000ull);
	return field_out_u64(o, e->ts);
}

static int x_res(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	const char *name;

	if (e->hdr.res >= 0)
		return field_out_cstr(o, "SUCCESS");
	name = field_errno_name(e->hdr.res);
	if (name)
		return field_out_cstr(o, name);
	return field_out_printf(o, "%lld", (long long)e->hdr.res);
}

static int x_type(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return field_out_cstr(o, e->info->name);
}

/* syscall.type: only system calls have one (procexit and snapshots do not). */
static int x_syscall_type(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return e->info->flags & SAKER_EF_INTERNAL ? 0 : field_out_cstr(o, e->info->name);
}

static int x_num(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return field_out_u64(o, e->num);
}

static int x_rawres(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return field_out_s64(o, e->hdr.res);
}

static int x_failed(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return field_out_bool(o, e->hdr.res < 0);
}

static int x_simple(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	const char *n = r->def->name + 4; /* past "evt." */

	if (!strcmp(n, "dir"))
		return field_out_cstr(o, "<");
	if (!strcmp(n, "source"))
		return field_out_cstr(o, "syscall");
	if (!strcmp(n, "pluginname"))
		return field_out_cstr(o, "");
	if (!strcmp(n, "is_async"))
		return field_out_bool(o, (e->info->flags & SAKER_EF_INTERNAL) != 0);
	if (!strcmp(n, "count"))
		return field_out_u64(o, 1);
	if (!strcmp(n, "count.exit"))
		return field_out_u64(o, 1);
	if (!strcmp(n, "count.error"))
		return field_out_u64(o, e->hdr.res < 0);
	return 0;
}

static int io_dir(const struct evt *e)
{
	switch (e->hdr.type) {
	case SAKER_EV_READ:
	case SAKER_EV_RECVFROM:
	case SAKER_EV_RECVMSG:
		return 'r';
	case SAKER_EV_WRITE:
	case SAKER_EV_SENDTO:
	case SAKER_EV_SENDMSG:
		return 'w';
	default:
		return 0;
	}
}

static int x_io(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	const char *n = r->def->name;
	int d = io_dir(e);

	if (!strcmp(n, "evt.io_dir"))
		return d ? field_out_str(o, d == 'r' ? "r" : "w", 1) : 0;
	if (!strcmp(n, "evt.is_io"))
		return field_out_bool(o, d != 0);
	if (!strcmp(n, "evt.is_io_read"))
		return field_out_bool(o, d == 'r');
	if (!strcmp(n, "evt.is_io_write"))
		return field_out_bool(o, d == 'w');
	if (!strcmp(n, "evt.is_wait"))
		return field_out_bool(o, false);
	return 0;
}

static int x_buffer(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	int idx = evt_param_index(e->hdr.type, "data");
	const struct evt_param *p = idx >= 0 ? evt_param(e, idx) : NULL;

	if (!p || !p->val)
		return 0;
	if (!strcmp(r->def->name, "evt.buflen"))
		return field_out_u64(o, p->len);
	return field_out_str(o, (const char *)p->val, p->len);
}

/* Where the open family keeps its flags and mode (-1: none); set by field_init_builtin(). */
static int8_t open_flags_idx[SAKER_EV_MAX], open_mode_idx[SAKER_EV_MAX];

/* evt.is_open_*: open-family calls, judged from their flags and mode. */
static int open_judge(const struct evt *e, char what, struct field_out *o)
{
	uint64_t flags = 0, mode = 0;

	switch (e->hdr.type) {
	case SAKER_EV_OPEN:
	case SAKER_EV_OPENAT:
	case SAKER_EV_OPENAT2:
		if (!evt_param_u64(e, open_flags_idx[e->hdr.type], &flags))
			return 0;
		break;
	case SAKER_EV_CREAT:
		flags = O_WRONLY | O_CREAT | O_TRUNC;
		break;
	default:
		return field_out_bool(o, false);
	}
	evt_param_u64(e, open_mode_idx[e->hdr.type], &mode);
	switch (what) {
	case 'r':
		return field_out_bool(o, (flags & O_ACCMODE) != O_WRONLY);
	case 'w':
		return field_out_bool(o, (flags & O_ACCMODE) != O_RDONLY);
	case 'c':
		return field_out_bool(o, (flags & O_CREAT) != 0);
	default:
		return field_out_bool(o, (flags & O_CREAT) && (mode & 0111));
	}
}

static int x_open_read(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return open_judge(e, 'r', o);
}

static int x_open_write(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return open_judge(e, 'w', o);
}

static int x_open_create(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return open_judge(e, 'c', o);
}

static int x_open_exec(const struct field_req *r, const struct evt *e, struct field_out *o)
{
	return open_judge(e, 'x', o);
}

static const struct {
	const char *name;
	evt_fn fn;
} builtin[] = {
	{ "evt.num", x_num },
	{ "evt.type", x_type },
	{ "syscall.type", x_syscall_type },
	{ "evt.dir", x_simple },
	{ "evt.rawres", x_rawres },
	{ "evt.failed", x_failed },
	{ "evt.source", x_simple },
	{ "evt.pluginname", x_simple },
	{ "evt.is_async", x_simple },
	{ "evt.count", x_simple },
	{ "evt.count.exit", x_simple },
	{ "evt.count.error", x_simple },
	{ "evt.res", x_res },
	{ "evt.arg", x_arg },
	{ "evt.rawarg", x_rawarg },
	{ "evt.args", x_args },
	{ "evt.info", x_args },
	{ "evt.time", x_time },
	{ "evt.time.s", x_time },
	{ "evt.time.iso8601", x_time },
	{ "evt.datetime", x_time },
	{ "evt.datetime.s", x_time },
	{ "evt.rawtime", x_rawtime },
	{ "evt.rawtime.s", x_rawtime },
	{ "evt.rawtime.ns", x_rawtime },
	{ "evt.io_dir", x_io },
	{ "evt.is_io", x_io },
	{ "evt.is_io_read", x_io },
	{ "evt.is_io_write", x_io },
	{ "evt.is_wait", x_io },
	{ "evt.buffer", x_buffer },
	{ "evt.buflen", x_buffer },
	{ "evt.is_open_read", x_open_read },
	{ "evt.is_open_write", x_open_write },
	{ "evt.is_open_exec", x_open_exec },
	{ "evt.is_open_create", x_open_create },
};

/* Per field id, set once by field_init_builtin(): no name lookups per event. */
#define EVT_IDS 512
static evt_fn by_id[EVT_IDS];
static unsigned hostname_id = EVT_IDS;

/* One entry point for every evt.* field. */
static int evt_extract(const struct field_req *r, const struct field_ctx *ctx, struct field_out *o)
{
	const struct evt *e = ctx->evt;

	if (r->id == hostname_id)
		return ctx->hostname ? field_out_cstr(o, ctx->hostname) : 0;
	if (!e || !e->info || r->id >= EVT_IDS || !by_id[r->id])
		return 0;
	return by_id[r->id](r, e, o);
}

static void install(const char *name, evt_fn fn)
{
	const struct field_def *d = field_find(name);
	unsigned id = d ? (unsigned)(d - field_table) : EVT_IDS;

	if (id >= EVT_IDS)
		return;
	by_id[id] = fn;
	/* keep an extractor someone installed before us */
	if (!field_extractor(id))
		field_register_extractor(name, evt_extract);
}

void field_init_builtin(void)
{
	const struct field_def *h = field_find("evt.hostname");

	for (int t = 0; t < SAKER_EV_MAX; t++) {
		open_flags_idx[t] = (int8_t)evt_param_index(t, "flags");
		open_mode_idx[t] = (int8_t)evt_param_index(t, "mode");
	}
	for (size_t i = 0; i < ARRAY_SIZE(builtin); i++)
		install(builtin[i].name, builtin[i].fn);
	hostname_id = h ? (unsigned)(h - field_table) : EVT_IDS;
	install("evt.hostname", NULL);
}
