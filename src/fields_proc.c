// SPDX-License-Identifier: GPL-2.0-only
/* proc.* and thread.* fields from the state tables, with Falco's meanings. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "fields_state_int.h"
#include "util.h"

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

static int proc_text(const struct field_ctx *c, const struct state_proc *p, enum sf what,
		     struct field_out *out)
{
	switch (what) {
	case SF_NAME:
	case SF_PNAME:
	case SF_ANAME:
		return p->comm[0] ? fs_out_cstr(out, p->comm) : 0;
	case SF_EXE:
	case SF_PEXE:
	case SF_AEXE:
		return fs_out_sstr(out, p->exe);
	case SF_EXEPATH:
	case SF_PEXEPATH:
	case SF_AEXEPATH:
		return fs_out_sstr(out, p->exepath);
	case SF_CMDLINE:
	case SF_PCMDLINE:
	case SF_ACMDLINE:
		return fs_out_buf(out, state_proc_cmdline, p);
	case SF_PID:
	case SF_PPID:
	case SF_APID:
		return fs_out_s64(out, p->pid);
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
		struct state_proc *a = fs_ancestor(c, p, (unsigned)req->index);

		return a ? proc_text(c, a, what, out) : 0;
	}
	for (unsigned i = 1; i <= STATE_MAX_ANCESTORS; i++) {
		struct state_proc *a = fs_ancestor(c, p, i);
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
		struct state_proc *a = fs_ancestor(c, p, n);
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

int fs_proc_extract(const struct field_req *req, const struct field_ctx *c, struct field_out *out,
		    const struct sf_map *m)
{
	struct state_thread *t = fs_thread(c);
	struct state_proc *p = t ? t->proc : NULL, *q;
	uint64_t now = c->evt ? c->evt->ts : 0;

	if (!p)
		return 0;
	switch (m->f) {
	case SF_PID:
		return fs_out_s64(out, p->pid);
	case SF_PPID:
		return p->ppid ? fs_out_s64(out, p->ppid) : 0;
	case SF_VPID:
		return p->vpid ? fs_out_s64(out, p->vpid) : 0;
	case SF_PVPID:
		q = fs_ancestor(c, p, 1);
		return q && q->vpid ? fs_out_s64(out, q->vpid) : 0;
	case SF_SID:
		return fs_out_s64(out, p->sid);
	case SF_PGID:
		return fs_out_s64(out, p->pgid);
	case SF_VPGID:
		return p->vpgid ? fs_out_s64(out, p->vpgid) : 0;
	case SF_NAME:
		return t->comm[0] ? fs_out_cstr(out, t->comm) : proc_text(c, p, m->f, out);
	case SF_EXE:
	case SF_EXEPATH:
	case SF_CMDLINE:
		return proc_text(c, p, m->f, out);
	case SF_PNAME:
	case SF_PEXE:
	case SF_PEXEPATH:
	case SF_PCMDLINE:
		q = fs_ancestor(c, p, 1);
		return q ? proc_text(c, q, m->f, out) : 0;
	case SF_APID:
	case SF_ANAME:
	case SF_AEXE:
	case SF_AEXEPATH:
	case SF_ACMDLINE:
		return proc_ancestors(c, req, p, m->f, out);
	case SF_ARGS:
		return fs_out_buf(out, state_proc_args, p);
	case SF_CMDNARGS: {
		uint64_t n = 0;

		/* args holds argv[1..] NUL-separated, without a trailing NUL. */
		for (uint32_t i = 0; p->args && i < p->args->len; i++)
			n += p->args->s[i] == '\0';
		return fs_out_u64(out, p->args && p->args->len ? n + 1 : 0);
	}
	case SF_CMDLENARGS: {
		uint64_t n = 0;

		for (uint32_t i = 0; p->args && i < p->args->len; i++)
			n += p->args->s[i] != '\0';
		return fs_out_u64(out, n);
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
		return fs_out_sstr(out, p->cwd);
	case SF_TTY:
		return fs_out_u64(out, p->tty);
	case SF_SNAME:
	case SF_SID_EXE:
	case SF_SID_EXEPATH:
		q = state_proc_session_leader(fs_data(c)->st, p);
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
		q = state_proc_group_leader(fs_data(c)->st, p);
		if (!q)
			return 0;
		return proc_text(c, q,
				 m->f == SF_VPGID_NAME ? SF_NAME :
				 m->f == SF_VPGID_EXE  ? SF_EXE :
							 SF_EXEPATH,
				 out);
	case SF_IS_SID_LEADER:
		return fs_out_bool(out, p->pid == p->sid);
	case SF_IS_VPGID_LEADER:
		return p->vpid && p->vpgid ? fs_out_bool(out, p->vpid == p->vpgid) : 0;
	case SF_DURATION:
		return p->start_ts && now >= p->start_ts ? fs_out_u64(out, now - p->start_ts) : 0;
	case SF_PID_TS:
		return p->start_ts ? fs_out_u64(out, p->start_ts) : 0;
	case SF_PPID_DURATION:
	case SF_PPID_TS:
		q = fs_ancestor(c, p, 1);
		if (!q || !q->start_ts)
			return 0;
		if (m->f == SF_PPID_TS)
			return fs_out_u64(out, q->start_ts);
		return now >= q->start_ts ? fs_out_u64(out, now - q->start_ts) : 0;
	case SF_EXE_WRITABLE:
		return fs_out_bool(out, p->exe_flags & SAKER_EXE_WRITABLE);
	case SF_EXE_UPPER:
		return fs_out_bool(out, p->exe_flags & SAKER_EXE_UPPER_LAYER);
	case SF_EXE_LOWER:
		return fs_out_bool(out, p->exe_flags & SAKER_EXE_LOWER_LAYER);
	case SF_EXE_MEMFD:
		return fs_out_bool(out, p->exe_flags & SAKER_EXE_FROM_MEMFD);
	case SF_EXE_INO:
		return p->exe_ino ? fs_out_u64(out, p->exe_ino) : 0;
	case SF_EXE_INO_CTIME:
		return p->exe_ctime ? fs_out_u64(out, p->exe_ctime) : 0;
	case SF_EXE_INO_MTIME:
		return p->exe_mtime ? fs_out_u64(out, p->exe_mtime) : 0;
	case SF_EXE_INO_CTIME_DUR:
		return p->exe_ctime && p->start_ts > p->exe_ctime ?
			       fs_out_u64(out, p->start_ts - p->exe_ctime) :
			       0;
	case SF_FDOPENCOUNT:
		return fs_out_u64(out, state_fd_count(p));
	case SF_STD_TYPE:
	case SF_STD_NAME: {
		struct state_fd *fd = state_fd_get(p, m->arg);

		if (!fd)
			return 0;
		if (m->f == SF_STD_TYPE)
			return fs_out_cstr(out, state_fd_typename(fd));
		return fs_out_sstr(out, fd->name);
	}
	case SF_TID:
		return fs_out_s64(out, t->tid);
	case SF_VTID:
		return t->vtid ? fs_out_s64(out, t->vtid) : 0;
	case SF_ISMAIN:
		return fs_out_bool(out, t->tid == p->pid);
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
