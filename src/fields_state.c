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
#include <sys/sysmacros.h>
#include <netinet/in.h>

#include "fields.h"
#include "fields_state.h"
#include "util.h"

enum sf {
	SF_NONE = 0,
	/* proc.* */
	SF_PID,
	SF_PPID,
	SF_VPID,
	SF_PVPID,
	SF_SID,
	SF_PGID,
	SF_VPGID,
	SF_APID,
	SF_NAME,
	SF_PNAME,
	SF_ANAME,
	SF_EXE,
	SF_PEXE,
	SF_AEXE,
	SF_EXEPATH,
	SF_PEXEPATH,
	SF_AEXEPATH,
	SF_ARGS,
	SF_CMDLINE,
	SF_PCMDLINE,
	SF_ACMDLINE,
	SF_CMDNARGS,
	SF_CMDLENARGS,
	SF_EXELINE,
	SF_ENV,
	SF_AENV,
	SF_CWD,
	SF_TTY,
	SF_SNAME,
	SF_SID_EXE,
	SF_SID_EXEPATH,
	SF_VPGID_NAME,
	SF_VPGID_EXE,
	SF_VPGID_EXEPATH,
	SF_IS_SID_LEADER,
	SF_IS_VPGID_LEADER,
	SF_DURATION,
	SF_PPID_DURATION,
	SF_PID_TS,
	SF_PPID_TS,
	SF_EXE_WRITABLE,
	SF_EXE_UPPER,
	SF_EXE_LOWER,
	SF_EXE_MEMFD,
	SF_EXE_INO,
	SF_EXE_INO_CTIME,
	SF_EXE_INO_MTIME,
	SF_EXE_INO_CTIME_DUR,
	SF_FDOPENCOUNT,
	SF_STD_TYPE,
	SF_STD_NAME,
	/* thread.* */
	SF_TID,
	SF_VTID,
	SF_ISMAIN,
	SF_CAP_PERMITTED,
	SF_CAP_INHERITABLE,
	SF_CAP_EFFECTIVE,
	SF_CGROUPS,
	SF_CGROUP,
	/* fd.* */
	SF_FD_NUM,
	SF_FD_TYPE,
	SF_FD_TYPECHAR,
	SF_FD_NAME,
	SF_FD_NAMERAW,
	SF_FD_DIRECTORY,
	SF_FD_FILENAME,
	SF_FD_IP,
	SF_FD_CIP,
	SF_FD_SIP,
	SF_FD_LIP,
	SF_FD_RIP,
	SF_FD_PORT,
	SF_FD_CPORT,
	SF_FD_SPORT,
	SF_FD_LPORT,
	SF_FD_RPORT,
	SF_FD_L4PROTO,
	SF_FD_SOCKFAMILY,
	SF_FD_IS_SERVER,
	SF_FD_CONNECTED,
	SF_FD_NAME_CHANGED,
	SF_FD_DEV,
	SF_FD_DEV_MAJOR,
	SF_FD_DEV_MINOR,
	SF_FD_INO,
	SF_FD_CONTAINERNAME,
	SF_FD_CONTAINERDIR,
	SF_FD_TYPES,
	/* user.* group.* container.* */
	SF_USER_UID,
	SF_USER_NAME,
	SF_USER_LOGINUID,
	SF_USER_LOGINNAME,
	SF_GROUP_GID,
	SF_GROUP_NAME,
	SF_CONTAINER_ID,
	SF_CONTAINER_FULL_ID,
	SF_MAX
};

/* Which fd of a process proc.stdin/stdout/stderr.* name. */
struct sf_map {
	const char *name;
	enum sf f;
	int arg; /* small constant: fd number for SF_STD_*, role for ips */
};

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

static const char *const cap_names[] = {
	"CAP_CHOWN",
	"CAP_DAC_OVERRIDE",
	"CAP_DAC_READ_SEARCH",
	"CAP_FOWNER",
	"CAP_FSETID",
	"CAP_KILL",
	"CAP_SETGID",
	"CAP_SETUID",
	"CAP_SETPCAP",
	"CAP_LINUX_IMMUTABLE",
	"CAP_NET_BIND_SERVICE",
	"CAP_NET_BROADCAST",
	"CAP_NET_ADMIN",
	"CAP_NET_RAW",
	"CAP_IPC_LOCK",
	"CAP_IPC_OWNER",
	"CAP_SYS_MODULE",
	"CAP_SYS_RAWIO",
	"CAP_SYS_CHROOT",
	"CAP_SYS_PTRACE",
	"CAP_SYS_PACCT",
	"CAP_SYS_ADMIN",
	"CAP_SYS_BOOT",
	"CAP_SYS_NICE",
	"CAP_SYS_RESOURCE",
	"CAP_SYS_TIME",
	"CAP_SYS_TTY_CONFIG",
	"CAP_MKNOD",
	"CAP_LEASE",
	"CAP_AUDIT_WRITE",
	"CAP_AUDIT_CONTROL",
	"CAP_SETFCAP",
	"CAP_MAC_OVERRIDE",
	"CAP_MAC_ADMIN",
	"CAP_SYSLOG",
	"CAP_WAKE_ALARM",
	"CAP_BLOCK_SUSPEND",
	"CAP_AUDIT_READ",
	"CAP_PERFMON",
	"CAP_BPF",
	"CAP_CHECKPOINT_RESTORE",
};

int fields_caps_format(uint64_t caps, char *buf, size_t len)
{
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (unsigned i = 0; i < 64; i++) {
		char unknown[16];
		const char *n;
		int k;

		if (!(caps & (1ull << i)))
			continue;
		n = i < ARRAY_SIZE(cap_names) ? cap_names[i] : unknown;
		if (n == unknown)
			snprintf(unknown, sizeof(unknown), "CAP_%u", i);
		k = snprintf(off < len ? buf + off : NULL, off < len ? len - off : 0, "%s%s",
			     off ? " " : "", n);
		off += (size_t)(k > 0 ? k : 0);
	}
	return (int)off;
}

static const struct fields_state_data *sdata(const struct field_ctx *c)
{
	return c->data;
}

static struct state_thread *cur_thread(const struct field_ctx *c)
{
	const struct fields_state_data *d = sdata(c);

	return d && d->ev ? d->ev->thread : NULL;
}

static struct state_proc *cur_proc(const struct field_ctx *c)
{
	struct state_thread *t = cur_thread(c);

	return t ? t->proc : NULL;
}

static struct state_proc *ancestor(const struct field_ctx *c, struct state_proc *p, unsigned n)
{
	return n == 0 ? p : state_proc_ancestor(sdata(c)->st, p, n);
}

static int out_sstr(struct field_out *out, const struct state_str *s)
{
	if (!s || !s->len)
		return 0;
	return field_out_str(out, s->s, s->len) ? 1 : -ENOSPC;
}

static int out_cstr(struct field_out *out, const char *s)
{
	if (!s)
		return 0;
	return field_out_cstr(out, s) ? 1 : -ENOSPC;
}

static int out_u64(struct field_out *out, uint64_t v)
{
	return field_out_u64(out, v) ? 1 : -ENOSPC;
}

static int out_s64(struct field_out *out, int64_t v)
{
	return field_out_s64(out, v) ? 1 : -ENOSPC;
}

static int out_bool(struct field_out *out, bool v)
{
	return field_out_bool(out, v) ? 1 : -ENOSPC;
}

/* Text rendered into the extractor's scratch buffer. */
static int out_buf(struct field_out *out,
		   const char *(*fn)(const struct state_proc *, char *, size_t),
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

/* One per-process text fact; used for self, parent and ancestors. */
static int proc_text(const struct field_ctx *c, const struct state_proc *p, enum sf what,
		     struct field_out *out)
{
	switch (what) {
	case SF_NAME:
	case SF_PNAME:
	case SF_ANAME:
		return p->comm[0] ? out_cstr(out, p->comm) : 0;
	case SF_EXE:
	case SF_PEXE:
	case SF_AEXE:
		return out_sstr(out, p->exe);
	case SF_EXEPATH:
	case SF_PEXEPATH:
	case SF_AEXEPATH:
		return out_sstr(out, p->exepath);
	case SF_CMDLINE:
	case SF_PCMDLINE:
	case SF_ACMDLINE:
		return out_buf(out, state_proc_cmdline, p);
	case SF_PID:
	case SF_PPID:
	case SF_APID:
		return out_s64(out, p->pid);
	default:
		return 0;
	}
}

/* proc.aname[N] and friends: N given, or every ancestor (N >= 1) when not. */
static int proc_ancestors(const struct field_ctx *c, const struct field_req *req,
			  struct state_proc *p, enum sf what, struct field_out *out)
{
	int n = 0;

	if (req->index >= 0) {
		struct state_proc *a = ancestor(c, p, (unsigned)req->index);

		return a ? proc_text(c, a, what, out) : 0;
	}
	for (unsigned i = 1; i <= STATE_MAX_ANCESTORS; i++) {
		struct state_proc *a = ancestor(c, p, i);
		int k;

		if (!a)
			break;
		k = proc_text(c, a, what, out);
		if (k < 0)
			return n ? n : k; /* full: what fits is the answer */
		n += k;
	}
	return n;
}

static const char *env_find(const struct state_proc *p, const char *name, size_t *vlen)
{
	return name ? state_proc_getenv(p, name, vlen) : NULL;
}

static int proc_env(const struct field_ctx *c, const struct field_req *req, struct state_proc *p,
		    bool ancestors, struct field_out *out)
{
	size_t vlen;

	if (!req->arg) {
		/* The whole environment, space-separated as Falco prints it. */
		size_t room = out->size - out->used, i;
		char *buf = out->buf + out->used;

		if (!p->env || !p->env->len)
			return 0;
		if (room < p->env->len + 1)
			return -ENOSPC;
		for (i = 0; i < p->env->len; i++)
			buf[i] = p->env->s[i] ? p->env->s[i] : ' ';
		while (i > 0 && buf[i - 1] == ' ')
			i--;
		buf[i] = '\0';
		out->used += i + 1;
		return field_out_str(out, buf, i) ? 1 : -ENOSPC;
	}
	for (unsigned n = 0; n <= (ancestors ? STATE_MAX_ANCESTORS : 0); n++) {
		struct state_proc *a = ancestor(c, p, n);
		const char *v;

		if (!a)
			break;
		v = env_find(a, req->arg, &vlen);
		if (v)
			return field_out_str(out, v, vlen) ? 1 : -ENOSPC;
	}
	return 0;
}

static int caps(const struct state_thread *t, enum sf what, struct field_out *out)
{
	uint64_t v = what == SF_CAP_PERMITTED	? t->cap_permitted :
		     what == SF_CAP_INHERITABLE ? t->cap_inheritable :
						  t->cap_effective;
	size_t room = out->size - out->used;
	char *buf = out->buf + out->used;
	int n = fields_caps_format(v, buf, room);

	if ((size_t)n >= room)
		return -ENOSPC;
	out->used += (size_t)n + 1;
	return field_out_str(out, buf, (size_t)n) ? 1 : -ENOSPC;
}

static int cgroups(const struct state_proc *p, const struct field_req *req, struct field_out *out)
{
	size_t len, room, i;
	const char *s;
	char *buf;

	if (req->arg) {
		s = state_proc_cgroup(p, req->arg, &len);
		return s ? (field_out_str(out, s, len) ? 1 : -ENOSPC) : 0;
	}
	if (!p->cgroups || !p->cgroups->len)
		return 0;
	room = out->size - out->used;
	buf = out->buf + out->used;
	if (room < p->cgroups->len + 1)
		return -ENOSPC;
	for (i = 0; i < p->cgroups->len; i++)
		buf[i] = p->cgroups->s[i] ? p->cgroups->s[i] : ' ';
	while (i > 0 && buf[i - 1] == ' ')
		i--;
	buf[i] = '\0';
	out->used += i + 1;
	return field_out_str(out, buf, i) ? 1 : -ENOSPC;
}

static int proc_extract(const struct field_req *req, const struct field_ctx *c,
			struct field_out *out, const struct sf_map *m)
{
	struct state_thread *t = cur_thread(c);
	struct state_proc *p = t ? t->proc : NULL, *q;
	uint64_t now = c->evt ? c->evt->ts : 0;

	if (!p)
		return 0;
	switch (m->f) {
	case SF_PID:
		return out_s64(out, p->pid);
	case SF_PPID:
		return p->ppid ? out_s64(out, p->ppid) : 0;
	case SF_VPID:
		return p->vpid ? out_s64(out, p->vpid) : 0;
	case SF_PVPID:
		q = ancestor(c, p, 1);
		return q && q->vpid ? out_s64(out, q->vpid) : 0;
	case SF_SID:
		return out_s64(out, p->sid);
	case SF_PGID:
		return out_s64(out, p->pgid);
	case SF_VPGID:
		return p->vpgid ? out_s64(out, p->vpgid) : 0;
	case SF_NAME:
		return t->comm[0] ? out_cstr(out, t->comm) : proc_text(c, p, m->f, out);
	case SF_EXE:
	case SF_EXEPATH:
	case SF_CMDLINE:
		return proc_text(c, p, m->f, out);
	case SF_PNAME:
	case SF_PEXE:
	case SF_PEXEPATH:
	case SF_PCMDLINE:
		q = ancestor(c, p, 1);
		return q ? proc_text(c, q, m->f, out) : 0;
	case SF_APID:
	case SF_ANAME:
	case SF_AEXE:
	case SF_AEXEPATH:
	case SF_ACMDLINE:
		return proc_ancestors(c, req, p, m->f, out);
	case SF_ARGS:
		return out_buf(out, state_proc_args, p);
	case SF_CMDNARGS: {
		uint64_t n = 0;

		for (uint32_t i = 0; p->args && i < p->args->len; i++)
			n += p->args->s[i] == '\0';
		return out_u64(out, n);
	}
	case SF_CMDLENARGS: {
		uint64_t n = 0;

		for (uint32_t i = 0; p->args && i < p->args->len; i++)
			n += p->args->s[i] != '\0';
		return out_u64(out, n);
	}
	case SF_EXELINE: {
		size_t room = out->size - out->used;
		char *buf = out->buf + out->used, args[4096];
		int n;

		if (!p->exe || !p->exe->len)
			return 0;
		state_proc_args(p, args, sizeof(args));
		n = snprintf(buf, room, "%.*s%s%s", (int)p->exe->len, p->exe->s, args[0] ? " " : "",
			     args);
		if (n < 0 || (size_t)n >= room)
			return -ENOSPC;
		out->used += (size_t)n + 1;
		return field_out_str(out, buf, (size_t)n) ? 1 : -ENOSPC;
	}
	case SF_ENV:
		return proc_env(c, req, p, false, out);
	case SF_AENV:
		return proc_env(c, req, p, true, out);
	case SF_CWD:
		return out_sstr(out, p->cwd);
	case SF_TTY:
		return out_u64(out, p->tty);
	case SF_SNAME:
	case SF_SID_EXE:
	case SF_SID_EXEPATH:
		q = state_proc_session_leader(sdata(c)->st, p);
		if (!q)
			return 0;
		return proc_text(c, q,
				 m->f == SF_SNAME   ? SF_NAME :
				 m->f == SF_SID_EXE ? SF_EXE :
						      SF_EXEPATH,
				 out);
	case SF_VPGID_NAME:
	case SF_VPGID_EXE:
	case SF_VPGID_EXEPATH:
		q = state_proc_group_leader(sdata(c)->st, p);
		if (!q)
			return 0;
		return proc_text(c, q,
				 m->f == SF_VPGID_NAME ? SF_NAME :
				 m->f == SF_VPGID_EXE  ? SF_EXE :
							 SF_EXEPATH,
				 out);
	case SF_IS_SID_LEADER:
		return out_bool(out, p->pid == p->sid);
	case SF_IS_VPGID_LEADER:
		return p->vpid && p->vpgid ? out_bool(out, p->vpid == p->vpgid) : 0;
	case SF_DURATION:
		return p->start_ts && now >= p->start_ts ? out_u64(out, now - p->start_ts) : 0;
	case SF_PID_TS:
		return p->start_ts ? out_u64(out, p->start_ts) : 0;
	case SF_PPID_DURATION:
	case SF_PPID_TS:
		q = ancestor(c, p, 1);
		if (!q || !q->start_ts)
			return 0;
		if (m->f == SF_PPID_TS)
			return out_u64(out, q->start_ts);
		return now >= q->start_ts ? out_u64(out, now - q->start_ts) : 0;
	case SF_EXE_WRITABLE:
		return out_bool(out, p->exe_flags & SAKER_EXE_WRITABLE);
	case SF_EXE_UPPER:
		return out_bool(out, p->exe_flags & SAKER_EXE_UPPER_LAYER);
	case SF_EXE_LOWER:
		return out_bool(out, p->exe_flags & SAKER_EXE_LOWER_LAYER);
	case SF_EXE_MEMFD:
		return out_bool(out, p->exe_flags & SAKER_EXE_FROM_MEMFD);
	case SF_EXE_INO:
		return p->exe_ino ? out_u64(out, p->exe_ino) : 0;
	case SF_EXE_INO_CTIME:
		return p->exe_ctime ? out_u64(out, p->exe_ctime) : 0;
	case SF_EXE_INO_MTIME:
		return p->exe_mtime ? out_u64(out, p->exe_mtime) : 0;
	case SF_EXE_INO_CTIME_DUR:
		return p->exe_ctime && p->start_ts > p->exe_ctime ?
			       out_u64(out, p->start_ts - p->exe_ctime) :
			       0;
	case SF_FDOPENCOUNT:
		return out_u64(out, state_fd_count(p));
	case SF_STD_TYPE:
	case SF_STD_NAME: {
		struct state_fd *fd = state_fd_get(p, m->arg);

		if (!fd)
			return 0;
		if (m->f == SF_STD_TYPE)
			return out_cstr(out, state_fd_typename(fd));
		return out_sstr(out, fd->name);
	}
	case SF_TID:
		return out_s64(out, t->tid);
	case SF_VTID:
		return t->vtid ? out_s64(out, t->vtid) : 0;
	case SF_ISMAIN:
		return out_bool(out, t->tid == p->pid);
	case SF_CAP_PERMITTED:
	case SF_CAP_INHERITABLE:
	case SF_CAP_EFFECTIVE:
		return caps(t, m->f, out);
	case SF_CGROUPS:
	case SF_CGROUP:
		return cgroups(p, req, out);
	default:
		return 0;
	}
}

static int out_ip(struct field_out *out, uint8_t family, const uint8_t *a)
{
	struct field_val *v;

	if (family != AF_INET && family != AF_INET6)
		return 0;
	if (!field_out_u64(out, 0))
		return -ENOSPC;
	v = &out->vals[out->n - 1];
	memset(&v->ip, 0, sizeof(v->ip));
	v->ip.fam = family == AF_INET ? 4 : 6;
	v->ip.bits = family == AF_INET ? 32 : 128;
	memcpy(v->ip.a, a, family == AF_INET ? 4 : 16);
	return 1;
}

/* Client and server ends: the server is the local end of an accepted socket. */
static void ends(const struct state_sock *s, const uint8_t **cip, uint16_t *cport,
		 const uint8_t **sip, uint16_t *sport)
{
	bool server = s->role == STATE_ROLE_SERVER;

	*cip = server ? s->raddr : s->laddr;
	*cport = server ? s->rport : s->lport;
	*sip = server ? s->laddr : s->raddr;
	*sport = server ? s->lport : s->rport;
}

static const char *l4name(uint8_t proto)
{
	switch (proto) {
	case IPPROTO_TCP:
		return "tcp";
	case IPPROTO_UDP:
		return "udp";
	case IPPROTO_ICMP:
	case IPPROTO_ICMPV6:
		return "icmp";
	case IPPROTO_RAW:
		return "raw";
	default:
		return NULL;
	}
}

static int fd_sock(const struct state_fd *fd, enum sf what, struct field_out *out)
{
	const struct state_sock *s = fd->sock;
	const uint8_t *cip, *sip;
	uint16_t cport, sport;
	int k;

	if (!s || (s->family != AF_INET && s->family != AF_INET6)) {
		if (s && what == SF_FD_SOCKFAMILY && s->family == AF_UNIX)
			return out_cstr(out, "unix");
		return 0;
	}
	ends(s, &cip, &cport, &sip, &sport);
	switch (what) {
	case SF_FD_IP:
		k = out_ip(out, s->family, cip);
		return k < 0 ? k : k + out_ip(out, s->family, sip);
	case SF_FD_CIP:
		return out_ip(out, s->family, cip);
	case SF_FD_SIP:
		return out_ip(out, s->family, sip);
	case SF_FD_LIP:
		return out_ip(out, s->family, s->laddr);
	case SF_FD_RIP:
		return out_ip(out, s->family, s->raddr);
	case SF_FD_PORT:
		k = out_u64(out, cport);
		return k < 0 ? k : k + out_u64(out, sport);
	case SF_FD_CPORT:
		return out_u64(out, cport);
	case SF_FD_SPORT:
		return out_u64(out, sport);
	case SF_FD_LPORT:
		return out_u64(out, s->lport);
	case SF_FD_RPORT:
		return out_u64(out, s->rport);
	case SF_FD_L4PROTO:
		return out_cstr(out, l4name(s->l4proto));
	case SF_FD_SOCKFAMILY:
		return out_cstr(out, "ip");
	case SF_FD_IS_SERVER:
		return out_bool(out, s->role == STATE_ROLE_SERVER);
	default:
		return 0;
	}
}

static int fd_types(const struct field_ctx *c, const struct field_req *req, struct field_out *out)
{
	struct state_proc *p = cur_proc(c);
	const char *seen[SAKER_FDK_MAX];
	unsigned nseen = 0;
	struct state_fd *fd;
	uint32_t pos = 0;
	int n = 0;

	if (!p)
		return 0;
	if (req->index >= 0) {
		fd = state_fd_get(p, req->index);
		return fd ? out_cstr(out, state_fd_typename(fd)) : 0;
	}
	while ((fd = state_fd_next(p, &pos))) {
		const char *ty = state_fd_typename(fd);
		bool dup = false;

		for (unsigned i = 0; i < nseen; i++)
			dup |= strcmp(seen[i], ty) == 0;
		if (dup || nseen == ARRAY_SIZE(seen))
			continue;
		seen[nseen++] = ty;
		if (out_cstr(out, ty) < 0)
			break;
		n++;
	}
	return n;
}

static int fd_extract(const struct field_req *req, const struct field_ctx *c, struct field_out *out,
		      const struct sf_map *m)
{
	const struct fields_state_data *d = sdata(c);
	const struct state_fd *fd = d && d->ev ? d->ev->fd : NULL;
	struct state_proc *p = cur_proc(c);
	size_t room;
	char *buf;
	int n;

	if (m->f == SF_FD_TYPES)
		return fd_types(c, req, out);
	if (m->f == SF_FD_NUM)
		return d && d->ev && d->ev->fdnum != -1 ? out_s64(out, d->ev->fdnum) :
		       fd				? out_s64(out, fd->num) :
							  0;
	if (m->f == SF_FD_NAME_CHANGED)
		return d && d->ev ? out_bool(out, d->ev->fd_name_changed) : 0;
	if (!fd)
		return 0;
	switch (m->f) {
	case SF_FD_TYPE:
		return out_cstr(out, state_fd_typename(fd));
	case SF_FD_TYPECHAR: {
		char tc = state_fd_typechar(fd);

		room = out->size - out->used;
		if (room < 2)
			return -ENOSPC;
		buf = out->buf + out->used;
		buf[0] = tc;
		buf[1] = '\0';
		out->used += 2;
		return field_out_str(out, buf, 1) ? 1 : -ENOSPC;
	}
	case SF_FD_NAME:
		return out_sstr(out, fd->name);
	case SF_FD_NAMERAW:
		return out_sstr(out, fd->nameraw ? fd->nameraw : fd->name);
	case SF_FD_DIRECTORY:
		room = out->size - out->used;
		buf = out->buf + out->used;
		if (!state_fd_directory(fd, buf, room))
			return 0;
		out->used += strlen(buf) + 1;
		return field_out_cstr(out, buf) ? 1 : -ENOSPC;
	case SF_FD_FILENAME:
		return out_cstr(out, state_fd_filename(fd));
	case SF_FD_CONNECTED:
		return fd->sock ? out_bool(out, fd->sock->connected) : 0;
	case SF_FD_DEV:
		return fd->dev ? out_u64(out, fd->dev) : 0;
	case SF_FD_DEV_MAJOR:
		return fd->dev ? out_u64(out, fd->dev >> 20) : 0;
	case SF_FD_DEV_MINOR:
		return fd->dev ? out_u64(out, fd->dev & 0xfffff) : 0;
	case SF_FD_INO:
		return fd->ino ? out_u64(out, fd->ino) : 0;
	case SF_FD_CONTAINERNAME:
	case SF_FD_CONTAINERDIR:
		if (!p || !p->container_id || !fd->name)
			return 0;
		room = out->size - out->used;
		buf = out->buf + out->used;
		if (m->f == SF_FD_CONTAINERDIR) {
			char dir[4096];

			if (!state_fd_directory(fd, dir, sizeof(dir)))
				return 0;
			n = snprintf(buf, room, "%.*s:%s", (int)p->container_id->len,
				     p->container_id->s, dir);
		} else {
			n = snprintf(buf, room, "%.*s:%.*s", (int)p->container_id->len,
				     p->container_id->s, (int)fd->name->len, fd->name->s);
		}
		if (n < 0 || (size_t)n >= room)
			return -ENOSPC;
		out->used += (size_t)n + 1;
		return field_out_str(out, buf, (size_t)n) ? 1 : -ENOSPC;
	default:
		return fd_sock(fd, m->f, out);
	}
}

static int user_extract(const struct field_req *req, const struct field_ctx *c,
			struct field_out *out, const struct sf_map *m)
{
	struct state_proc *p = cur_proc(c);
	struct state *st = sdata(c) ? sdata(c)->st : NULL;

	if (!p)
		return 0;
	switch (m->f) {
	case SF_USER_UID:
		return out_u64(out, p->euid);
	case SF_USER_NAME:
		return out_cstr(out, state_user_name(st, p, p->euid));
	case SF_USER_LOGINUID:
		return out_s64(out, p->loginuid == UINT32_MAX ? -1 : (int64_t)p->loginuid);
	case SF_USER_LOGINNAME:
		return p->loginuid == UINT32_MAX ?
			       0 :
			       out_cstr(out, state_user_name(st, p, p->loginuid));
	case SF_GROUP_GID:
		return out_u64(out, p->egid);
	case SF_GROUP_NAME:
		return out_cstr(out, state_group_name(st, p, p->egid));
	case SF_CONTAINER_ID:
		if (!p->container_id || !p->container_id->len)
			return 0;
		/* Falco's container.id is the short (12 character) id. */
		return field_out_str(out, p->container_id->s,
				     p->container_id->len > 12 ? 12 : p->container_id->len) ?
			       1 :
			       -ENOSPC;
	case SF_CONTAINER_FULL_ID:
		return out_sstr(out, p->container_id);
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
		return fd_extract(req, c, out, m);
	if (m->f >= SF_USER_UID)
		return user_extract(req, c, out, m);
	return proc_extract(req, c, out, m);
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
