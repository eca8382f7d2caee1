// SPDX-License-Identifier: GPL-2.0-only
/*
 * Which fields a call's record gives the same value before the call
 * returns: what a driver that sees the entry can ask the rules about
 * before deciding whether it needs the exit (ptrace's exit stop).
 *
 * A whitelist: a field is known only if it reads the process, the user,
 * the container, an argument the caller passed, or the path it names.
 * The result (and what a driver reads through it: the new fd's device
 * and inode), the fd table after the call, times and counters are not.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <string.h>

#include "event.h"
#include "fields.h"
#include "util.h"

static bool has_prefix(const char *s, const char *p)
{
	return strncmp(s, p, strlen(p)) == 0;
}

static bool in(const char *s, const char *const *names, size_t n)
{
	for (size_t i = 0; i < n; i++)
		if (!strcmp(s, names[i]))
			return true;
	return false;
}

bool field_names_fd(const char *name)
{
	/* The path the call names, resolved against the cwd and dirfd it finds. */
	static const char *const naming[] = {
		"fd.name",     "fd.nameraw",	   "fd.directory",
		"fd.filename", "fd.containername", "fd.containerdirectory",
	};

	return in(name, naming, ARRAY_SIZE(naming));
}

/* evt.arg.NAME / evt.rawarg.NAME: an argument the caller passed. */
static bool arg_known(const struct field_req *req, unsigned type)
{
	const struct evt_info *ei = &evt_table[type];
	int i;

	if (!req->arg || req->index >= 0 || (ei->res_name && !strcmp(req->arg, ei->res_name)))
		return false;
	i = evt_param_index((int)type, req->arg);
	if (i < 0 || i >= ei->nparams)
		return false;
	return ei->params[i].type != SAKER_PT_DEV && ei->params[i].type != SAKER_PT_INODE;
}

bool field_known_at_entry(const struct field_req *req, unsigned type)
{
	/* The process as the call finds it; what the call or time changes is not. */
	static const char *const changing[] = {
		"proc.fdopencount", "proc.fdlimit",	"proc.fdusage",	    "proc.vmsize",
		"proc.vmrss",	    "proc.vmswap",	"proc.duration",    "proc.ppid.duration",
		"proc.stdin.type",  "proc.stdout.type", "proc.stderr.type", "proc.stdin.name",
		"proc.stdout.name", "proc.stderr.name", "thread.exectime",  "thread.totexectime",
	};
	static const char *const evt_known[] = {
		"evt.type",	     "evt.type.is",	 "evt.category",       "evt.source",
		"evt.hostname",	     "evt.dir",		 "evt.pluginname",     "evt.is_open_read",
		"evt.is_open_write", "evt.is_open_exec", "evt.is_open_create", "syscall.type",
	};
	const char *name = req->def ? req->def->name : NULL;

	if (!name || type >= SAKER_EV_MAX)
		return false;
	if (!strcmp(name, "evt.arg") || !strcmp(name, "evt.rawarg"))
		return arg_known(req, type);
	if (has_prefix(name, "proc.") || has_prefix(name, "thread.") || has_prefix(name, "user.") ||
	    has_prefix(name, "group.") || has_prefix(name, "container.") ||
	    has_prefix(name, "k8s."))
		return !in(name, changing, ARRAY_SIZE(changing));
	return in(name, evt_known, ARRAY_SIZE(evt_known)) || field_names_fd(name);
}

bool field_known_later(const struct field_req *req, unsigned type)
{
	const char *name = req->def ? req->def->name : NULL;
	const struct evt_info *ei;

	if (!name || type >= SAKER_EV_MAX)
		return false;
	ei = &evt_table[type];
	if (!strcmp(name, "evt.type") || !strcmp(name, "evt.type.is"))
		return true;
	if (!strcmp(name, "evt.arg") || !strcmp(name, "evt.rawarg"))
		/* Known absent: the type has no such argument. */
		return req->arg && req->index < 0 &&
		       !(ei->res_name && !strcmp(req->arg, ei->res_name)) &&
		       evt_param_index((int)type, req->arg) < 0;
	return field_names_fd(name);
}
