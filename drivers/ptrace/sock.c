// SPDX-License-Identifier: GPL-2.0-only
/*
 * Socket addresses and tuples. A tuple is what getsockname/getpeername say
 * about the tracee's socket: the tracer borrows the fd with pidfd_getfd
 * (Linux 5.6; we may, being its tracer) and asks the kernel directly, which
 * is exact where parsing /proc/net would race.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <netinet/in.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <unistd.h>

#include "ptrace_int.h"

#ifndef SYS_pidfd_open
#define SYS_pidfd_open 434
#endif
#ifndef SYS_pidfd_getfd
#define SYS_pidfd_getfd 438
#endif

void ptr_sock_fini(struct ptr_tracer *t)
{
	if (t->pidfd >= 0)
		close(t->pidfd);
	t->pidfd = -1;
	t->pidfd_tgid = 0;
}

/*
 * The tracee's fd, duplicated into the tracer (O_CLOEXEC), or -errno. The
 * pidfd is kept for the next socket of the same process (a socket's calls
 * come in runs: socket, connect, send...). A pidfd names one process: once
 * it has exited (its pid perhaps reused) getfd fails with ESRCH, and a
 * fresh pidfd is opened for whoever has that pid now.
 */
static int borrow_fd(struct ptr_tracer *t, pid_t tgid, int64_t fd)
{
	int r;

	if (fd < 0 || fd > INT32_MAX)
		return -EBADF;
	for (int fresh = 0; fresh < 2; fresh++) {
		if (t->pidfd < 0 || t->pidfd_tgid != tgid || fresh) {
			ptr_sock_fini(t);
			t->pidfd = (int)syscall(SYS_pidfd_open, tgid, 0);
			if (t->pidfd < 0)
				return -errno;
			t->pidfd_tgid = tgid;
			fresh = 1;
		}
		r = (int)syscall(SYS_pidfd_getfd, t->pidfd, (int)fd, 0);
		if (r >= 0)
			return r;
		r = -errno;
		if (r != -ESRCH)
			return r;
	}
	return r;
}

/* "@name" for abstract addresses, the path otherwise; out holds 108 bytes + NUL. */
static void unix_path(const struct sockaddr_un *su, socklen_t len, char *out)
{
	size_t n = len > offsetof(struct sockaddr_un, sun_path) ?
			   len - offsetof(struct sockaddr_un, sun_path) :
			   0;

	if (n > sizeof(su->sun_path))
		n = sizeof(su->sun_path);
	if (n && su->sun_path[0] == '\0') {
		out[0] = '@';
		memcpy(out + 1, su->sun_path + 1, n - 1);
		out[n] = '\0';
		return;
	}
	memcpy(out, su->sun_path, n);
	out[n] = '\0';
}

void ptr_sock_tuple(struct ptr_tracer *t, struct rec_builder *b, pid_t tgid, int64_t fd)
{
	struct sockaddr_storage l = { 0 }, r = { 0 };
	socklen_t ll = sizeof(l), rl = sizeof(r);
	int s = borrow_fd(t, tgid, fd);

	if (s < 0 || getsockname(s, (struct sockaddr *)&l, &ll) < 0) {
		if (s >= 0)
			close(s);
		rb_absent(b);
		return;
	}
	/* Not connected (yet): the remote end stays zero. */
	if (getpeername(s, (struct sockaddr *)&r, &rl) < 0)
		rl = 0;
	if (l.ss_family == AF_INET) {
		struct sockaddr_in *a = (struct sockaddr_in *)&l, *p = (struct sockaddr_in *)&r;

		rb_tuple_in(b, AF_INET, &a->sin_addr, ntohs(a->sin_port), &p->sin_addr,
			    ntohs(p->sin_port));
	} else if (l.ss_family == AF_INET6) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&l, *p = (struct sockaddr_in6 *)&r;

		rb_tuple_in(b, AF_INET6, &a->sin6_addr, ntohs(a->sin6_port), &p->sin6_addr,
			    ntohs(p->sin6_port));
	} else if (l.ss_family == AF_UNIX) {
		char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];
		struct stat sb;

		/* Kernel socket addresses are out of reach: the inode names the local end. */
		unix_path((struct sockaddr_un *)&r, rl, path);
		if (!path[0])
			unix_path((struct sockaddr_un *)&l, ll, path);
		rb_tuple_un(b, fstat(s, &sb) == 0 ? sb.st_ino : 0, 0, path[0] ? path : NULL);
	} else {
		rb_absent(b);
	}
	close(s);
}

void ptr_sockaddr(struct rec_builder *b, pid_t tid, uint64_t addr, uint64_t len)
{
	struct sockaddr_storage sa = { 0 };
	ssize_t n;

	if (len > sizeof(sa))
		len = sizeof(sa);
	n = len >= sizeof(sa_family_t) ? ptr_mem_read(tid, addr, &sa, len) : -EINVAL;
	if (n < (ssize_t)sizeof(sa_family_t)) {
		rb_absent(b);
		return;
	}
	if (sa.ss_family == AF_INET && n >= (ssize_t)sizeof(struct sockaddr_in)) {
		struct sockaddr_in *a = (struct sockaddr_in *)&sa;

		rb_sockaddr_in(b, AF_INET, &a->sin_addr, ntohs(a->sin_port));
	} else if (sa.ss_family == AF_INET6 && n >= (ssize_t)sizeof(struct sockaddr_in6)) {
		struct sockaddr_in6 *a = (struct sockaddr_in6 *)&sa;

		rb_sockaddr_in(b, AF_INET6, &a->sin6_addr, ntohs(a->sin6_port));
	} else if (sa.ss_family == AF_UNIX) {
		char path[sizeof(((struct sockaddr_un *)0)->sun_path) + 2];

		unix_path((struct sockaddr_un *)&sa, (socklen_t)n, path);
		rb_sockaddr_un(b, path);
	} else {
		rb_absent(b);
	}
}
