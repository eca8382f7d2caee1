// SPDX-License-Identifier: GPL-2.0-only
/* Derived values the field extractors ask for: cheap, no allocation. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <string.h>
#include <sys/socket.h>

#include "state_int.h"

static const struct {
	char c;
	const char *name;
} fd_kinds[SAKER_FDK_MAX] = {
	[SAKER_FDK_UNKNOWN] = { 'o', "unknown" },
	[SAKER_FDK_FILE] = { 'f', "file" },
	[SAKER_FDK_DIRECTORY] = { 'd', "directory" },
	[SAKER_FDK_IPV4] = { '4', "ipv4" },
	[SAKER_FDK_IPV6] = { '6', "ipv6" },
	[SAKER_FDK_UNIX] = { 'u', "unix" },
	[SAKER_FDK_PIPE] = { 'p', "pipe" },
	[SAKER_FDK_EVENT] = { 'e', "event" },
	[SAKER_FDK_SIGNALFD] = { 's', "signalfd" },
	[SAKER_FDK_EVENTPOLL] = { 'l', "eventpoll" },
	[SAKER_FDK_INOTIFY] = { 'i', "inotify" },
	[SAKER_FDK_TIMERFD] = { 't', "timerfd" },
	[SAKER_FDK_NETLINK] = { 'n', "netlink" },
	[SAKER_FDK_BPF] = { 'b', "bpf" },
	[SAKER_FDK_USERFAULTFD] = { 'u', "userfaultfd" },
	[SAKER_FDK_MEMFD] = { 'm', "memfd" },
	[SAKER_FDK_IOURING] = { 'r', "io_uring" },
	[SAKER_FDK_PIDFD] = { 'P', "pidfd" },
	[SAKER_FDK_OTHER] = { 'o', "unknown" },
};

char state_fd_typechar(const struct state_fd *fd)
{
	return fd && fd->kind < SAKER_FDK_MAX ? fd_kinds[fd->kind].c : 'o';
}

const char *state_fd_typename(const struct state_fd *fd)
{
	return fd && fd->kind < SAKER_FDK_MAX ? fd_kinds[fd->kind].name : "unknown";
}

static bool is_path_kind(const struct state_fd *fd)
{
	return fd->kind == SAKER_FDK_FILE || fd->kind == SAKER_FDK_DIRECTORY ||
	       fd->kind == SAKER_FDK_UNIX;
}

const char *state_fd_directory(const struct state_fd *fd, char *buf, size_t len)
{
	const char *name, *slash;
	size_t n;

	if (!fd || !fd->name || !is_path_kind(fd))
		return NULL;
	name = fd->name->s;
	if (fd->kind == SAKER_FDK_DIRECTORY)
		return name;
	slash = strrchr(name, '/');
	if (!slash)
		return NULL;
	n = slash == name ? 1 : (size_t)(slash - name);
	if (n + 1 > len)
		return NULL;
	memcpy(buf, name, n);
	buf[n] = '\0';
	return buf;
}

const char *state_fd_filename(const struct state_fd *fd)
{
	const char *slash;

	if (!fd || !fd->name || !is_path_kind(fd) || fd->kind == SAKER_FDK_DIRECTORY)
		return NULL;
	slash = strrchr(fd->name->s, '/');
	return slash ? slash + 1 : fd->name->s;
}

bool state_sock_ends(const struct state_fd *fd, const uint8_t **ret_sip, uint16_t *ret_sport,
		     const uint8_t **ret_cip, uint16_t *ret_cport)
{
	const struct state_sock *s = fd ? fd->sock : NULL;
	bool server;

	if (!s || (s->family != AF_INET && s->family != AF_INET6))
		return false;
	server = s->role == STATE_ROLE_SERVER;
	*ret_sip = server ? s->laddr : s->raddr;
	*ret_sport = server ? s->lport : s->rport;
	*ret_cip = server ? s->raddr : s->laddr;
	*ret_cport = server ? s->rport : s->lport;
	return true;
}

/* Append the NUL-separated list l (len bytes) to buf at *n, space-separated. */
static void join(char *buf, size_t len, size_t *n, const char *l, size_t llen)
{
	for (size_t i = 0; i < llen && *n + 1 < len; i++)
		buf[(*n)++] = l[i] ? l[i] : ' ';
	/* A list ends with its own NUL: drop the trailing separator it became. */
	if (*n > 0 && llen > 0 && l[llen - 1] == '\0' && buf[*n - 1] == ' ')
		(*n)--;
	buf[*n] = '\0';
}

const char *state_proc_args(const struct state_proc *p, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return NULL;
	buf[0] = '\0';
	if (p->args)
		join(buf, len, &n, p->args->s, p->args->len);
	return buf;
}

const char *state_proc_cmdline(const struct state_proc *p, char *buf, size_t len)
{
	size_t n = 0;

	if (!len)
		return NULL;
	buf[0] = '\0';
	join(buf, len, &n, p->comm, strnlen(p->comm, sizeof(p->comm)));
	if (p->args && p->args->len && n + 1 < len) {
		buf[n++] = ' ';
		join(buf, len, &n, p->args->s, p->args->len);
	}
	return buf;
}

/* Find "key<sep>" at the start of an entry of a NUL-separated list. */
static const char *list_find(const struct state_str *l, const char *key, char sep, size_t *vlen)
{
	size_t klen = strlen(key);

	if (!l)
		return NULL;
	for (const char *e = l->s; e < l->s + l->len; e += strlen(e) + 1) {
		if (!strncmp(e, key, klen) && e[klen] == sep) {
			if (vlen)
				*vlen = strlen(e + klen + 1);
			return e + klen + 1;
		}
	}
	return NULL;
}

const char *state_proc_getenv(const struct state_proc *p, const char *name, size_t *vlen)
{
	return list_find(p->env, name, '=', vlen);
}

const char *state_proc_cgroup(const struct state_proc *p, const char *subsys, size_t *plen)
{
	return list_find(p->cgroups, subsys, '=', plen);
}
