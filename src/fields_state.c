// SPDX-License-Identifier: GPL-2.0-only
/*
 * Extractors for the fields answered from the state tables, with Falco's
 * meanings. Every extractor returns 0 ("not available") rather than a guess
 * when the state does not know.
 */
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>
#include <netinet/in.h>

#include "containerid.h"
#include "fields.h"
#include "fields_state.h"
#include "fields_state_int.h"
#include "util.h"

static const struct sf_map sf_fields[] = {
	{ "proc.pid", SF_PID },
	{ "proc.ppid", SF_PPID },
	{ "proc.vpid", SF_VPID },
	{ "proc.pvpid", SF_PVPID },
	{ "proc.sid", SF_SID },
	{ "proc.pgid", SF_PGID },
	{ "proc.vpgid", SF_VPGID },
	{ "proc.apid", SF_APID },
	{ "proc.name", SF_NAME },
	{ "proc.pname", SF_PNAME },
	{ "proc.aname", SF_ANAME },
	{ "proc.exe", SF_EXE },
	{ "proc.pexe", SF_PEXE },
	{ "proc.aexe", SF_AEXE },
	{ "proc.exepath", SF_EXEPATH },
	{ "proc.pexepath", SF_PEXEPATH },
	{ "proc.aexepath", SF_AEXEPATH },
	{ "proc.args", SF_ARGS },
	{ "proc.cmdline", SF_CMDLINE },
	{ "proc.pcmdline", SF_PCMDLINE },
	{ "proc.acmdline", SF_ACMDLINE },
	{ "proc.cmdnargs", SF_CMDNARGS },
	{ "proc.cmdlenargs", SF_CMDLENARGS },
	{ "proc.exeline", SF_EXELINE },
	{ "proc.env", SF_ENV },
	{ "proc.aenv", SF_AENV },
	{ "proc.cwd", SF_CWD },
	{ "proc.tty", SF_TTY },
	{ "proc.sname", SF_SNAME },
	{ "proc.sid.exe", SF_SID_EXE },
	{ "proc.sid.exepath", SF_SID_EXEPATH },
	{ "proc.vpgid.name", SF_VPGID_NAME },
	{ "proc.vpgid.exe", SF_VPGID_EXE },
	{ "proc.vpgid.exepath", SF_VPGID_EXEPATH },
	{ "proc.is_sid_leader", SF_IS_SID_LEADER },
	{ "proc.is_vpgid_leader", SF_IS_VPGID_LEADER },
	{ "proc.duration", SF_DURATION },
	{ "proc.ppid.duration", SF_PPID_DURATION },
	{ "proc.pid.ts", SF_PID_TS },
	{ "proc.ppid.ts", SF_PPID_TS },
	{ "proc.is_exe_writable", SF_EXE_WRITABLE },
	{ "thread.is_exe_writable", SF_EXE_WRITABLE },
	{ "proc.is_exe_upper_layer", SF_EXE_UPPER },
	{ "proc.is_exe_lower_layer", SF_EXE_LOWER },
	{ "proc.is_exe_from_memfd", SF_EXE_MEMFD },
	{ "proc.exe_ino", SF_EXE_INO },
	{ "proc.exe_ino.ctime", SF_EXE_INO_CTIME },
	{ "proc.exe_ino.mtime", SF_EXE_INO_MTIME },
	{ "proc.exe_ino.ctime_duration_proc_start", SF_EXE_INO_CTIME_DUR },
	{ "proc.fdopencount", SF_FDOPENCOUNT },
	{ "proc.stdin.type", SF_STD_TYPE, 0 },
	{ "proc.stdout.type", SF_STD_TYPE, 1 },
	{ "proc.stderr.type", SF_STD_TYPE, 2 },
	{ "proc.stdin.name", SF_STD_NAME, 0 },
	{ "proc.stdout.name", SF_STD_NAME, 1 },
	{ "proc.stderr.name", SF_STD_NAME, 2 },
	{ "proc.thread.cap_permitted", SF_CAP_PERMITTED },
	{ "proc.thread.cap_inheritable", SF_CAP_INHERITABLE },
	{ "proc.thread.cap_effective", SF_CAP_EFFECTIVE },
	{ "thread.tid", SF_TID },
	{ "thread.vtid", SF_VTID },
	{ "thread.ismain", SF_ISMAIN },
	{ "thread.cap_permitted", SF_CAP_PERMITTED },
	{ "thread.cap_inheritable", SF_CAP_INHERITABLE },
	{ "thread.cap_effective", SF_CAP_EFFECTIVE },
	{ "thread.cgroups", SF_CGROUPS },
	{ "thread.cgroup", SF_CGROUP },
	{ "fd.num", SF_FD_NUM },
	{ "fd.type", SF_FD_TYPE },
	{ "fd.typechar", SF_FD_TYPECHAR },
	{ "fd.name", SF_FD_NAME },
	{ "fd.nameraw", SF_FD_NAMERAW },
	{ "fd.directory", SF_FD_DIRECTORY },
	{ "fd.filename", SF_FD_FILENAME },
	{ "fd.ip", SF_FD_IP },
	{ "fd.net", SF_FD_IP },
	{ "fd.cip", SF_FD_CIP },
	{ "fd.cnet", SF_FD_CIP },
	{ "fd.sip", SF_FD_SIP },
	{ "fd.snet", SF_FD_SIP },
	{ "fd.lip", SF_FD_LIP },
	{ "fd.lnet", SF_FD_LIP },
	{ "fd.rip", SF_FD_RIP },
	{ "fd.rnet", SF_FD_RIP },
	{ "fd.cip.name", SF_FD_CIP_NAME },
	{ "fd.sip.name", SF_FD_SIP_NAME },
	{ "fd.lip.name", SF_FD_LIP_NAME },
	{ "fd.rip.name", SF_FD_RIP_NAME },
	{ "fd.port", SF_FD_PORT },
	{ "fd.cport", SF_FD_CPORT },
	{ "fd.sport", SF_FD_SPORT },
	{ "fd.lport", SF_FD_LPORT },
	{ "fd.rport", SF_FD_RPORT },
	{ "fd.l4proto", SF_FD_L4PROTO },
	{ "fd.sockfamily", SF_FD_SOCKFAMILY },
	{ "fd.is_server", SF_FD_IS_SERVER },
	{ "fd.connected", SF_FD_CONNECTED },
	{ "fd.name_changed", SF_FD_NAME_CHANGED },
	{ "fd.dev", SF_FD_DEV },
	{ "fd.dev.major", SF_FD_DEV_MAJOR },
	{ "fd.dev.minor", SF_FD_DEV_MINOR },
	{ "fd.ino", SF_FD_INO },
	{ "fd.containername", SF_FD_CONTAINERNAME },
	{ "fd.containerdirectory", SF_FD_CONTAINERDIR },
	{ "fd.types", SF_FD_TYPES },
	{ "user.uid", SF_USER_UID },
	{ "user.name", SF_USER_NAME },
	{ "user.loginuid", SF_USER_LOGINUID },
	{ "user.loginname", SF_USER_LOGINNAME },
	{ "group.gid", SF_GROUP_GID },
	{ "group.name", SF_GROUP_NAME },
	{ "container.id", SF_CONTAINER_ID },
	{ "container.full_id", SF_CONTAINER_FULL_ID },
};

/* Registry id -> entry of sf_fields, filled by fields_state_register(). */
#define SF_MAX_IDS 2048
static int16_t sf_by_id[SF_MAX_IDS];

const struct fields_state_data *fs_data(const struct field_ctx *c)
{
	return c->data;
}

struct state_thread *fs_thread(const struct field_ctx *c)
{
	const struct fields_state_data *d = fs_data(c);

	return d && d->ev ? d->ev->thread : NULL;
}

struct state_proc *fs_proc(const struct field_ctx *c)
{
	struct state_thread *t = fs_thread(c);

	return t ? t->proc : NULL;
}

struct state_proc *fs_ancestor(const struct field_ctx *c, struct state_proc *p, unsigned n)
{
	return n == 0 ? p : state_proc_ancestor(fs_data(c)->st, p, n);
}

int fs_out_sstr(struct field_out *out, const struct state_str *s)
{
	if (!s || !s->len)
		return 0;
	return field_out_str(out, s->s, s->len) ? 1 : -ENOSPC;
}

int fs_out_cstr(struct field_out *out, const char *s)
{
	if (!s)
		return 0;
	return field_out_cstr(out, s) ? 1 : -ENOSPC;
}

int fs_out_u64(struct field_out *out, uint64_t v)
{
	return field_out_u64(out, v) ? 1 : -ENOSPC;
}

int fs_out_s64(struct field_out *out, int64_t v)
{
	return field_out_s64(out, v) ? 1 : -ENOSPC;
}

int fs_out_bool(struct field_out *out, bool v)
{
	return field_out_bool(out, v) ? 1 : -ENOSPC;
}

/* Text rendered into the extractor's scratch buffer. */
int fs_out_buf(struct field_out *out, const char *(*fn)(const struct state_proc *, char *, size_t),
	       const struct state_proc *p)
{
	size_t room = out->size - out->used;
	char *buf = out->buf + out->used;
	const char *s;

	if (room < 2)
		return -ENOSPC;
	s = fn(p, buf, room);
	if (!s)
		return 0;
	out->used += strlen(s) + 1;
	return field_out_cstr(out, s) ? 1 : -ENOSPC;
}

/*
 * container.full_id: the full id from the same cgroup path, by the same
 * parser, that gave the state its container.id (known before any runtime
 * lookup, and in replay). Not available if the paths no longer agree.
 */
static int full_id(const struct state_proc *p, struct field_out *out)
{
	struct containerid cid;

	if (!p->container_id || !p->container_id->len)
		return 0;
	if (!p->cgroups) /* the state's "host" until cgroups say otherwise */
		return p->container_id->len == 4 && !memcmp(p->container_id->s, "host", 4) ?
			       fs_out_cstr(out, "host") :
			       0;
	containerid_from_cgroups(p->cgroups->s, p->cgroups->len, &cid);
	if (strlen(cid.id) != p->container_id->len ||
	    memcmp(cid.id, p->container_id->s, p->container_id->len))
		return 0;
	/* cid is on this stack: the value is copied into the output buffer. */
	return field_out_printf(out, "%s", cid.full) ? 1 : -ENOSPC;
}

/* One per-process text fact; used for self, parent and ancestors. */
static int user_extract(const struct field_req *req, const struct field_ctx *c,
			struct field_out *out, const struct sf_map *m)
{
	struct state_proc *p = fs_proc(c);
	struct state *st = fs_data(c) ? fs_data(c)->st : NULL;

	if (!p)
		return 0;
	switch (m->f) {
	case SF_USER_UID:
		return fs_out_u64(out, p->euid);
	case SF_USER_NAME:
		return fs_out_cstr(out, state_user_name(st, p, p->euid));
	case SF_USER_LOGINUID:
		return fs_out_s64(out, p->loginuid == UINT32_MAX ? -1 : (int64_t)p->loginuid);
	case SF_USER_LOGINNAME:
		return p->loginuid == UINT32_MAX ?
			       0 :
			       fs_out_cstr(out, state_user_name(st, p, p->loginuid));
	case SF_GROUP_GID:
		return fs_out_u64(out, p->egid);
	case SF_GROUP_NAME:
		return fs_out_cstr(out, state_group_name(st, p, p->egid));
	case SF_CONTAINER_ID:
		/* The state keeps containerid's container.id (short for hash-named runtimes). */
		return fs_out_sstr(out, p->container_id);
	case SF_CONTAINER_FULL_ID:
		return full_id(p, out);
	default:
		return 0;
	}
}

static int extract(const struct field_req *req, const struct field_ctx *c, struct field_out *out)
{
	const struct sf_map *m;
	int idx;

	if (!c->data || req->id >= SF_MAX_IDS || (idx = sf_by_id[req->id]) < 0)
		return 0;
	m = &sf_fields[idx];
	if (m->f >= SF_FD_NUM && m->f <= SF_FD_TYPES)
		return fs_fd_extract(req, c, out, m);
	if (m->f >= SF_USER_UID)
		return user_extract(req, c, out, m);
	return fs_proc_extract(req, c, out, m);
}

int fields_state_register(void)
{
	int n = 0;

	memset(sf_by_id, 0xff, sizeof(sf_by_id));
	for (size_t i = 0; i < ARRAY_SIZE(sf_fields); i++) {
		const struct field_def *def = field_find(sf_fields[i].name);
		size_t id;

		if (!def)
			return -ENOENT; /* the registry and this table disagree: a bug */
		id = (size_t)(def - field_at(0));
		if (id >= SF_MAX_IDS || field_at(id) != def)
			return -ERANGE;
		sf_by_id[id] = (int16_t)i;
		if (field_register_extractor(sf_fields[i].name, extract) < 0)
			return -ENOENT;
		n++;
	}
	return n;
}
