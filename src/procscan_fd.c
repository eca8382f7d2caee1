// SPDX-License-Identifier: GPL-2.0-only
/* FD_SNAPSHOT records from /proc/PID/fd, sockets from /proc/PID/net. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <dirent.h>
#include <errno.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <sys/xattr.h>
#include <time.h>
#include <unistd.h>

#include "procscan_int.h"
#include "util.h"

void procscan_socks_free(struct procscan_ctx *c)
{
	uint32_t pos = 0;
	void *v;

	while (state_map_next(&c->socks, &pos, NULL, &v))
		free(v);
	state_map_free(&c->socks);
	c->netns_loaded = false;
}

/* "0100007F:0CEA" (v4) or 32 hex digits (v6): the kernel prints its words raw. */
static bool parse_hexaddr(const char *s, uint8_t *addr, size_t alen, uint16_t *port)
{
	char word[9];
	const char *colon = strchr(s, ':');

	if (!colon || (size_t)(colon - s) != alen * 2)
		return false;
	for (size_t i = 0; i < alen / 4; i++) {
		uint32_t w;

		memcpy(word, s + 8 * i, 8);
		word[8] = '\0';
		w = (uint32_t)strtoul(word, NULL, 16);
		memcpy(addr + 4 * i, &w, 4);
	}
	*port = (uint16_t)strtoul(colon + 1, NULL, 16);
	return true;
}

static void add_sock(struct procscan_ctx *c, uint64_t ino, struct procscan_sock *s)
{
	if (c->socks.count >= PROCSCAN_MAX_SOCKS || state_map_get(&c->socks, ino) ||
	    state_map_put(&c->socks, ino, s) < 0)
		free(s);
}

/* /proc/PID/net/{tcp,udp,raw}{,6}. */
static void load_inet(struct procscan_ctx *c, FILE *f, uint8_t family, uint8_t proto)
{
	char line[512], la[64], ra[64];
	unsigned long long ino;
	size_t alen = family == AF_INET6 ? 16 : 4;

	if (!fgets(line, sizeof(line), f)) /* header */
		return;
	while (fgets(line, sizeof(line), f)) {
		struct procscan_sock *s = calloc(1, sizeof(*s) + 1);

		if (!s)
			return;
		s->family = family;
		s->proto = proto;
		if (sscanf(line, "%*d: %63s %63s %*x %*s %*s %*s %*u %*d %llu", la, ra, &ino) !=
			    3 ||
		    !parse_hexaddr(la, s->laddr, alen, &s->lport) ||
		    !parse_hexaddr(ra, s->raddr, alen, &s->rport)) {
			free(s);
			continue;
		}
		add_sock(c, ino, s);
	}
}

/* /proc/PID/net/unix: "Num RefCount Protocol Flags Type St Inode Path". */
static void load_unix(struct procscan_ctx *c, FILE *f)
{
	char line[SAKER_PATH_MAX + 128];
	unsigned long long ino;
	int off = 0;

	if (!fgets(line, sizeof(line), f))
		return;
	while (fgets(line, sizeof(line), f)) {
		struct procscan_sock *s;
		char *path;
		size_t plen;

		off = 0;
		if (sscanf(line, "%*s %*s %*s %*s %*s %*s %llu %n", &ino, &off) < 1 || !off)
			continue;
		path = line + off;
		plen = strcspn(path, "\n");
		s = calloc(1, sizeof(*s) + plen + 1);
		if (!s)
			return;
		s->family = AF_UNIX;
		memcpy(s->path, path, plen);
		add_sock(c, ino, s);
	}
}

static void load_socks(struct procscan_ctx *c, uint32_t pid)
{
	static const struct {
		const char *name;
		uint8_t family, proto;
	} tabs[] = {
		{ "tcp", AF_INET, IPPROTO_TCP },
		{ "tcp6", AF_INET6, IPPROTO_TCP },
		{ "udp", AF_INET, IPPROTO_UDP },
		{ "udp6", AF_INET6, IPPROTO_UDP },
		{ "udplite", AF_INET, IPPROTO_UDPLITE },
		{ "udplite6", AF_INET6, IPPROTO_UDPLITE },
		{ "raw", AF_INET, IPPROTO_RAW },
		{ "raw6", AF_INET6, IPPROTO_RAW },
		{ "unix", AF_UNIX, 0 },
	};
	char path[160];
	struct stat ns;

	snprintf(path, sizeof(path), "%s/%u/ns/net", c->root, pid);
	if (stat(path, &ns) < 0)
		ns.st_ino = 0;
	if (c->netns_loaded && c->netns == ns.st_ino)
		return;
	procscan_socks_free(c);
	c->netns = ns.st_ino;
	c->netns_loaded = true;
	for (size_t i = 0; i < ARRAY_SIZE(tabs); i++) {
		FILE *f;

		snprintf(path, sizeof(path), "%s/%u/net/%s", c->root, pid, tabs[i].name);
		f = fopen(path, "re");
		if (!f)
			continue;
		if (tabs[i].family == AF_UNIX)
			load_unix(c, f);
		else
			load_inet(c, f, tabs[i].family, tabs[i].proto);
		fclose(f);
	}
}

static const struct {
	const char *prefix;
	uint8_t kind;
} anon_kinds[] = {
	{ "anon_inode:[eventfd]", SAKER_FDK_EVENT },
	{ "anon_inode:[signalfd]", SAKER_FDK_SIGNALFD },
	{ "anon_inode:[eventpoll]", SAKER_FDK_EVENTPOLL },
	{ "anon_inode:inotify", SAKER_FDK_INOTIFY },
	{ "anon_inode:[timerfd]", SAKER_FDK_TIMERFD },
	{ "anon_inode:bpf", SAKER_FDK_BPF },
	{ "anon_inode:[userfaultfd]", SAKER_FDK_USERFAULTFD },
	{ "anon_inode:[io_uring]", SAKER_FDK_IOURING },
	{ "anon_inode:[pidfd]", SAKER_FDK_PIDFD },
	{ "/memfd:", SAKER_FDK_MEMFD },
};

static uint8_t kind_of(const char *link, const struct stat *st, bool have_st)
{
	for (size_t i = 0; i < ARRAY_SIZE(anon_kinds); i++)
		if (!strncmp(link, anon_kinds[i].prefix, strlen(anon_kinds[i].prefix)))
			return anon_kinds[i].kind;
	if (!strncmp(link, "socket:[", 8))
		return SAKER_FDK_OTHER; /* refined by the socket tables */
	if (!strncmp(link, "pipe:[", 6) || (have_st && S_ISFIFO(st->st_mode)))
		return SAKER_FDK_PIPE;
	if (have_st && S_ISDIR(st->st_mode))
		return SAKER_FDK_DIRECTORY;
	if (link[0] == '/')
		return SAKER_FDK_FILE;
	return SAKER_FDK_OTHER;
}

/* Socket family and protocol from the socket itself: works in any netns. */
static uint8_t sock_kind(const char *fdpath, uint8_t *proto)
{
	char name[32] = "";
	ssize_t n = getxattr(fdpath, "system.sockprotoname", name, sizeof(name) - 1);

	if (n <= 0)
		return SAKER_FDK_OTHER;
	name[n] = '\0';
	*proto = 0;
	if (!strcmp(name, "UNIX") || !strcmp(name, "UNIX-STREAM") || !strcmp(name, "UNIX-DGRAM"))
		return SAKER_FDK_UNIX;
	if (!strcmp(name, "NETLINK"))
		return SAKER_FDK_NETLINK;
	if (!strncmp(name, "TCP", 3) || !strncmp(name, "MPTCP", 5))
		*proto = IPPROTO_TCP;
	else if (!strncmp(name, "UDPLITE", 7))
		*proto = IPPROTO_UDPLITE;
	else if (!strncmp(name, "UDP", 3))
		*proto = IPPROTO_UDP;
	else if (!strncmp(name, "RAW", 3))
		*proto = IPPROTO_RAW;
	else if (!strncmp(name, "PING", 4))
		*proto = IPPROTO_ICMP;
	else
		return SAKER_FDK_OTHER;
	return strstr(name, "v6") ? SAKER_FDK_IPV6 : SAKER_FDK_IPV4;
}

static uint32_t fd_flags(struct procscan_ctx *c, uint32_t pid, const char *fd)
{
	char path[160], *p;

	snprintf(path, sizeof(path), "%s/%u/fdinfo/%s", c->root, pid, fd);
	if (procscan_read(path, c->buf, 1024) < 0)
		return 0;
	p = strstr(c->buf, "flags:");
	return p ? (uint32_t)strtoul(p + 6, NULL, 8) : 0;
}

/* The FD_SNAPSHOT of fd num of thread tid (process pid); 0 if it is not open. */
static int emit_fd(struct procscan_ctx *c, uint32_t tid, uint32_t pid, const char *num)
{
	char fdpath[160], link[SAKER_PATH_MAX], *name = link;
	const struct procscan_sock *s = NULL;
	struct rec_builder b;
	struct stat st;
	bool have_st;
	uint8_t kind, proto = 0;
	ssize_t n;

	snprintf(fdpath, sizeof(fdpath), "%s/%u/fd/%s", c->root, tid, num);
	n = readlink(fdpath, link, sizeof(link) - 1);
	if (n < 0)
		return 0; /* closed meanwhile */
	link[n] = '\0';
	have_st = stat(fdpath, &st) == 0;
	kind = kind_of(link, &st, have_st);
	if (!strncmp(link, "socket:[", 8)) {
		kind = sock_kind(fdpath, &proto);
		if (kind == SAKER_FDK_IPV4 || kind == SAKER_FDK_IPV6 || kind == SAKER_FDK_UNIX) {
			load_socks(c, tid);
			s = state_map_get(&c->socks, strtoull(link + 8, NULL, 10));
			if (s && kind == SAKER_FDK_UNIX && s->path[0])
				name = (char *)s->path;
		}
	} else if (kind == SAKER_FDK_MEMFD) {
		static const char del[] = " (deleted)";

		name = link + 1; /* "memfd:NAME", as memfd_create records name it */
		if ((size_t)n > sizeof(del) && !strcmp(link + n - (sizeof(del) - 1), del))
			link[n - (sizeof(del) - 1)] = '\0';
	}
	rb_begin(&b, c->rec, SAKER_REC_MAX, SAKER_EV_FD_SNAPSHOT, clock_ns(CLOCK_BOOTTIME), tid,
		 pid, 0);
	rb_num(&b, strtoull(num, NULL, 10));
	rb_num(&b, kind);
	if (c->flags & PROCSCAN_NO_FDFLAGS)
		rb_absent(&b);
	else
		rb_num(&b, fd_flags(c, tid, num));
	rb_str(&b, name);
	if (s && s->family == AF_UNIX)
		rb_tuple_un(&b, 0, 0, s->path);
	else if (s)
		rb_tuple_in(&b, s->family, s->laddr, s->lport, s->raddr, s->rport);
	else
		rb_absent(&b);
	rb_num(&b, have_st ? (major(st.st_dev) << 20) | minor(st.st_dev) : 0);
	rb_num(&b, have_st ? (uint64_t)st.st_ino : 0);
	rb_num(&b, s && s->proto ? s->proto : proto);
	return procscan_finish(c, &b);
}

int procscan_fds(struct procscan_ctx *c, uint32_t tid, uint32_t pid, int64_t fd)
{
	char path[128];
	struct dirent *de;
	unsigned count = 0;
	int r = 0;
	DIR *d;

	if (fd >= 0) {
		snprintf(path, sizeof(path), "%lld", (long long)fd);
		return emit_fd(c, tid, pid, path);
	}
	snprintf(path, sizeof(path), "%s/%u/fd", c->root, tid);
	d = opendir(path);
	if (!d)
		return 0; /* gone, or not ours to read */
	while (r >= 0 && (de = readdir(d)) && count < PROCSCAN_MAX_FDS) {
		if (de->d_name[0] == '.')
			continue;
		count++;
		r = emit_fd(c, tid, pid, de->d_name);
	}
	closedir(d);
	return r;
}
