/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the state-field files (fields_state.c, fields_proc.c, fields_fd.c). */
#ifndef SAKER_FIELDS_STATE_INT_H
#define SAKER_FIELDS_STATE_INT_H

#include "fields.h"
#include "fields_state.h"

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
	SF_FD_CIP_NAME,
	SF_FD_SIP_NAME,
	SF_FD_LIP_NAME,
	SF_FD_RIP_NAME,
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

/* The event's thread, process and the data the daemon passed. */
const struct fields_state_data *fs_data(const struct field_ctx *c);
struct state_thread *fs_thread(const struct field_ctx *c);
struct state_proc *fs_proc(const struct field_ctx *c);
/* Ancestor n of p (0: p itself). */
struct state_proc *fs_ancestor(const struct field_ctx *c, struct state_proc *p, unsigned n);

/* Value writers: 1 written, 0 not available, -ENOSPC when out is full. */
int fs_out_sstr(struct field_out *out, const struct state_str *s);
int fs_out_cstr(struct field_out *out, const char *s);
int fs_out_u64(struct field_out *out, uint64_t v);
int fs_out_s64(struct field_out *out, int64_t v);
int fs_out_bool(struct field_out *out, bool v);
int fs_out_buf(struct field_out *out, const char *(*fn)(const struct state_proc *, char *, size_t),
	       const struct state_proc *p);

int fs_proc_extract(const struct field_req *req, const struct field_ctx *c, struct field_out *out,
		    const struct sf_map *m);
int fs_fd_extract(const struct field_req *req, const struct field_ctx *c, struct field_out *out,
		  const struct sf_map *m);

#endif /* SAKER_FIELDS_STATE_INT_H */
