// SPDX-License-Identifier: GPL-2.0-only
/* Fd tables: paths, dup, fcntl, inheritance, sockets, pipes, limits. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <string.h>
#include <sys/socket.h>

#include "state_int.h"
#include "state_testlib.h"
#include "tap.h"

static struct state *setup(void)
{
	struct state_limits lim = { .no_lookups = true, .max_fds = 64 };
	struct state *st = state_new(&lim);

	tl_snapshot(st, 1, 0, "init", "/sbin/init", "/");
	tl_snapshot(st, 100, 1, "bash", "/bin/bash", "/home/user/work");
	return st;
}

static struct state_fd *do_openat(struct state *st, int64_t res, int64_t dirfd, const char *path,
				  uint32_t flags, struct state_evctx *ctx)
{
	struct rec_builder *b = tl_begin(SAKER_EV_OPENAT, 100, 100, res);

	rb_num(b, (uint64_t)dirfd);
	rb_str(b, path);
	rb_num(b, flags);
	rb_num(b, 0);
	rb_num(b, 0);
	rb_num(b, 1234);
	tl_apply(st, b, ctx);
	state_commit(st);
	return ctx->fd;
}

static const char *fdname(struct state *st, uint32_t pid, int64_t fd)
{
	struct state_fd *f = state_fd_get(state_proc_get(st, pid), fd);

	return f ? state_str_c(f->name) : "(none)";
}

static void simple(struct state *st, uint16_t type, int64_t res, int n, const uint64_t *v)
{
	struct rec_builder *b = tl_begin(type, 100, 100, res);

	for (int i = 0; i < n; i++)
		rb_num(b, v[i]);
	tl_apply_commit(st, b);
}

static void test_paths(void)
{
	struct state *st = setup();
	struct state_evctx ctx;
	struct state_fd *fd;
	char buf[256];

	fd = do_openat(st, 3, AT_FDCWD, "../notes/./a.txt", O_RDONLY, &ctx);
	tap_is_str(fd ? state_str_c(fd->name) : "", "/home/user/notes/a.txt",
		   "openat(AT_FDCWD) relative with .. resolves against cwd");
	tap_is_str(fd ? state_str_c(fd->nameraw) : "", "../notes/./a.txt",
		   "fd.nameraw is as given");
	tap_is_int(ctx.fdnum, 3, "ctx names the new fd");
	tap_is_int(state_fd_typechar(fd), 'f', "fd.typechar f");
	tap_is_str(state_fd_directory(fd, buf, sizeof(buf)), "/home/user/notes", "fd.directory");
	tap_is_str(state_fd_filename(fd), "a.txt", "fd.filename");

	fd = do_openat(st, 4, AT_FDCWD, "/etc//ssl/", O_RDONLY | O_DIRECTORY, &ctx);
	tap_is_str(fd ? state_str_c(fd->name) : "", "/etc/ssl", "directory path normalised");
	tap_is_int(state_fd_typechar(fd), 'd', "fd.typechar d");
	fd = do_openat(st, 5, 4, "../passwd", O_RDONLY, &ctx);
	tap_is_str(fd ? state_str_c(fd->name) : "", "/etc/passwd", "relative to a dirfd with ..");
	fd = do_openat(st, 6, 4, "../../../../x", O_RDONLY, &ctx);
	tap_is_str(fd ? state_str_c(fd->name) : "", "/x", ".. never climbs above /");
	fd = do_openat(st, 7, 99, "y", O_RDONLY, &ctx);
	tap_is_str(fd ? state_str_c(fd->name) : "", "y", "unknown dirfd: path kept as given");

	/* A failed open has a name and fd.num -1, outside the table. */
	fd = do_openat(st, -ENOENT, AT_FDCWD, "missing", O_RDONLY, &ctx);
	tap_ok(fd && fd->num == -1 && !strcmp(state_str_c(fd->name), "/home/user/work/missing"),
	       "failed open: name resolved, fd.num -1");
	tap_is_int(state_fd_count(state_proc_get(st, 100)), 5, "failed open adds no fd");

	/* chdir and fchdir move the cwd. */
	{
		struct rec_builder *b = tl_begin(SAKER_EV_CHDIR, 100, 100, 0);

		rb_str(b, "../../tmp/");
		tl_apply_commit(st, b);
		tap_is_str(state_str_c(state_proc_get(st, 100)->cwd), "/home/tmp",
			   "chdir relative");
		simple(st, SAKER_EV_FCHDIR, 0, 1, (uint64_t[]){ 4 });
		tap_is_str(state_str_c(state_proc_get(st, 100)->cwd), "/etc/ssl", "fchdir");
	}
	state_free(st);
}

/* An openat's record as built at its entry (no result, no dev/ino), previewed. */
static int preview_openat(struct state *st, uint32_t tid, int64_t dirfd, const char *path,
			  struct state_evctx *ctx)
{
	struct rec_builder *b = tl_begin(SAKER_EV_OPENAT, tid, tid, -EINPROGRESS);
	struct evt e;
	int len;

	rb_num(b, (uint64_t)dirfd);
	rb_str(b, path);
	rb_num(b, O_RDONLY);
	rb_num(b, 0);
	rb_absent(b);
	rb_absent(b);
	len = rb_end(b);
	if (len < 0 || evt_decode(&e, b->buf, (size_t)len, NULL, NULL) < 0)
		return -EBADMSG;
	return state_preview(st, &e, ctx);
}

/* A record built at a call's entry: its context, nothing applied. */
static void test_preview(void)
{
	struct state *st = setup();
	struct state_proc *p = state_proc_get(st, 100);
	struct state_evctx ctx;
	struct state_stats before, after;
	struct rec_builder *b;
	struct evt e;
	int len;

	do_openat(st, 4, AT_FDCWD, "/etc/ssl", O_RDONLY | O_DIRECTORY, &ctx);
	state_get_stats(st, &before);
	tap_is_int(preview_openat(st, 100, 4, "../shadow", &ctx), 0,
		   "preview: an openat before it returns");
	tap_ok(ctx.thread && ctx.thread->proc == p, "preview: the caller's thread");
	tap_is_str(ctx.fd ? state_str_c(ctx.fd->name) : "", "/etc/shadow",
		   "preview: the path it opens, resolved against its dirfd");
	tap_ok(ctx.fd && ctx.fd->num == -1 && state_fd_count(p) == 1 && !state_fd_get(p, 5),
	       "preview: no fd in the table");
	state_get_stats(st, &after);
	tap_ok(after.events == before.events && after.events_failed == before.events_failed,
	       "preview: not counted as an event");

	b = tl_begin(SAKER_EV_UNLINKAT, 100, 100, -EINPROGRESS);
	rb_num(b, 4);
	rb_str(b, "x");
	rb_num(b, 0);
	len = rb_end(b);
	evt_decode(&e, b->buf, (size_t)len, NULL, NULL);
	tap_is_int(state_preview(st, &e, &ctx), 0, "preview: a call that changes no state");
	b = tl_begin(SAKER_EV_CLOSE, 100, 100, -EINPROGRESS);
	rb_num(b, 4);
	len = rb_end(b);
	evt_decode(&e, b->buf, (size_t)len, NULL, NULL);
	tap_is_int(state_preview(st, &e, &ctx), -EOPNOTSUPP,
		   "preview: refused for a call whose result changes the state");
	tap_ok(state_fd_get(p, 4) != NULL, "preview: the close changed nothing");
	tap_is_int(preview_openat(st, 4242, AT_FDCWD, "/etc/shadow", &ctx), -ESRCH,
		   "preview: refused for an unknown thread");
	state_free(st);
}

static void test_path_join(void)
{
	char out[64];

	tap_is_str(state_path_join("/a/b", "c/../../d/./e//", out, sizeof(out)), "/a/d/e",
		   "path join: .. . //");
	tap_is_str(state_path_join("/", "..", out, sizeof(out)), "/", "root stays root");
	tap_ok(state_path_join("/",
			       "0123456789012345678901234567890123456789012345678901234567890123",
			       out, sizeof(out)) == NULL,
	       "too long: refused, not cut");
	/* Paths that need no normalising are copied or concatenated. */
	tap_is_str(state_path_join("/a/b", "c/d.txt", out, sizeof(out)), "/a/b/c/d.txt",
		   "clean relative path: base/rel");
	tap_is_str(state_path_join("/", "c", out, sizeof(out)), "/c", "clean relative to the root");
	tap_is_str(state_path_join("/a/b", "/etc/.hidden/..x/x..", out, sizeof(out)),
		   "/etc/.hidden/..x/x..", "clean absolute path: as given");
	tap_is_str(state_path_join("/a/b/", "c", out, sizeof(out)), "/a/b/c",
		   "a base with a trailing slash is normalised");
	tap_is_str(state_path_join("/a", "b/.", out, sizeof(out)), "/a/b", "a trailing . goes");
	tap_is_str(state_path_join("/a", "b/..", out, sizeof(out)), "/a", "a trailing .. goes");
	tap_ok(state_path_join("/0123456789012345678901234567890",
			       "012345678901234567890123456789012", out, sizeof(out)) == NULL,
	       "clean but too long together: refused");
	tap_ok(state_path_clean("/a/b") == 4 && state_path_clean("a") == 1 &&
		       state_path_clean("/") == 1 && !state_path_clean("") &&
		       !state_path_clean("a/") && !state_path_clean("//a") &&
		       !state_path_clean("a/./b") && !state_path_clean("../a"),
	       "state_path_clean tells normal paths from the rest");
}

static void test_dup(void)
{
	struct state *st = setup();
	struct state_evctx ctx;

	do_openat(st, 3, AT_FDCWD, "/var/log/app.log", O_WRONLY | O_CLOEXEC, &ctx);
	simple(st, SAKER_EV_DUP2, 1, 2, (uint64_t[]){ 3, 1 });
	tap_is_str(fdname(st, 100, 1), "/var/log/app.log", "fd.name after dup2");
	tap_ok(!(state_fd_get(state_proc_get(st, 100), 1)->flags & O_CLOEXEC),
	       "dup2 clears close-on-exec");
	simple(st, SAKER_EV_FCNTL, 10, 3, (uint64_t[]){ 3, F_DUPFD, 10 });
	tap_is_str(fdname(st, 100, 10), "/var/log/app.log", "fd.name after fcntl(F_DUPFD)");
	simple(st, SAKER_EV_FCNTL, 11, 3, (uint64_t[]){ 3, F_DUPFD_CLOEXEC, 10 });
	tap_ok(state_fd_get(state_proc_get(st, 100), 11)->flags & O_CLOEXEC,
	       "F_DUPFD_CLOEXEC sets close-on-exec");
	simple(st, SAKER_EV_DUP, 12, 1, (uint64_t[]){ 3 });
	tap_is_str(fdname(st, 100, 12), "/var/log/app.log", "fd.name after dup");
	simple(st, SAKER_EV_DUP3, 13, 3, (uint64_t[]){ 3, 13, O_CLOEXEC });
	tap_is_str(fdname(st, 100, 13), "/var/log/app.log", "fd.name after dup3");

	/* exec closes the O_CLOEXEC ones (3, 11, 13) and keeps the rest. */
	tl_execve(st, 100, 100, "cat", "/bin/cat", "cat", 4, 0);
	tap_ok(!state_fd_get(state_proc_get(st, 100), 3) &&
		       !state_fd_get(state_proc_get(st, 100), 11) &&
		       !state_fd_get(state_proc_get(st, 100), 13),
	       "exec closed the close-on-exec fds");
	tap_is_str(fdname(st, 100, 1), "/var/log/app.log", "exec kept fd 1");
	tap_is_str(fdname(st, 100, 10), "/var/log/app.log", "exec kept fd 10");
	state_free(st);
}

static void test_fork_close_child(void)
{
	struct state *st = setup();
	struct state_evctx ctx;
	struct rec_builder *b;

	do_openat(st, 5, AT_FDCWD, "/etc/shadow", O_RDONLY, &ctx);
	tl_fork(st, 100, 200, SIGCHLD, false);
	tap_is_str(fdname(st, 200, 5), "/etc/shadow", "child inherits fd 5");
	b = tl_begin(SAKER_EV_CLOSE, 200, 200, 0);
	rb_num(b, 5);
	tl_apply(st, b, &ctx);
	tap_ok(ctx.fd && !strcmp(state_str_c(ctx.fd->name), "/etc/shadow"),
	       "close: the closing fd is visible to rules");
	state_commit(st);
	tap_is_str(fdname(st, 200, 5), "(none)", "closed in the child");
	tap_is_str(fdname(st, 100, 5), "/etc/shadow", "still open in the parent");
	state_free(st);
}

static void sock(struct state *st, int64_t fd, int fam, int type)
{
	simple(st, SAKER_EV_SOCKET, fd, 3, (uint64_t[]){ (uint64_t)fam, (uint64_t)type, 0 });
}

/* After a fork the tables share entries until one side changes its own. */
static void test_fork_shared_entries(void)
{
	struct state *st = setup();
	uint8_t lo[4] = { 127, 0, 0, 1 }, db[4] = { 10, 0, 0, 9 };
	struct state_evctx ctx;
	struct rec_builder *b;
	struct state_stats s;

	do_openat(st, 5, AT_FDCWD, "/var/log/app.log", O_WRONLY, &ctx);
	sock(st, 6, AF_INET, SOCK_STREAM);
	tl_fork(st, 100, 200, SIGCHLD, false);
	tap_ok(state_fd_get(state_proc_get(st, 200), 5) == state_fd_get(state_proc_get(st, 100), 5),
	       "fork: the child shares the parent's entry");
	b = tl_begin(SAKER_EV_FCNTL, 200, 200, 0);
	rb_num(b, 5);
	rb_num(b, F_SETFD);
	rb_num(b, FD_CLOEXEC);
	tl_apply(st, b, &ctx);
	tap_ok(ctx.fd == state_fd_get(state_proc_get(st, 200), 5) &&
		       ctx.fd != state_fd_get(state_proc_get(st, 100), 5),
	       "fcntl in the child: ctx names the child's own copy");
	state_commit(st);
	tap_ok((state_fd_get(state_proc_get(st, 200), 5)->flags & O_CLOEXEC) &&
		       !(state_fd_get(state_proc_get(st, 100), 5)->flags & O_CLOEXEC),
	       "the child's close-on-exec flag is not the parent's");
	b = tl_begin(SAKER_EV_CONNECT, 200, 200, 0);
	rb_num(b, 6);
	rb_sockaddr_in(b, AF_INET, db, 5432);
	rb_tuple_in(b, AF_INET, lo, 40000, db, 5432);
	tl_apply(st, b, &ctx);
	tap_ok(ctx.fd_name_changed && ctx.fd == state_fd_get(state_proc_get(st, 200), 6),
	       "connect in the child names the child's copy");
	state_commit(st);
	tap_is_str(fdname(st, 200, 6), "127.0.0.1:40000->10.0.0.9:5432", "child's socket named");
	tap_is_str(fdname(st, 100, 6), "", "parent's socket still unnamed");
	tap_ok(!state_fd_get(state_proc_get(st, 100), 6)->sock->connected,
	       "parent's socket not connected");
	tl_execve(st, 200, 200, "cat", "/bin/cat", "cat", 4, 0);
	tap_ok(!state_fd_get(state_proc_get(st, 200), 5) &&
		       state_fd_get(state_proc_get(st, 100), 5),
	       "exec in the child closes its copy only");
	state_get_stats(st, &s);
	tap_is_int((int)s.fds, 3, "fds counted per table (parent 5, 6; child 6)");
	tl_exit(st, 200, 200, 1);
	state_commit(st);
	state_get_stats(st, &s);
	tap_is_int((int)s.fds, 2, "the child's exit drops its entries");
	tap_is_str(fdname(st, 100, 5), "/var/log/app.log", "the parent keeps its fd 5");
	state_free(st);
}

static void test_ipv6(void)
{
	struct state *st = setup();
	struct state_evctx ctx;
	struct rec_builder *b;
	struct state_fd *fd;
	uint8_t l6[16], r6[16];

	inet_pton(AF_INET6, "2001:db8::1", l6);
	inet_pton(AF_INET6, "2001:db8::2", r6);
	sock(st, 3, AF_INET6, SOCK_STREAM | SOCK_CLOEXEC);
	fd = state_fd_get(state_proc_get(st, 100), 3);
	tap_is_int(state_fd_typechar(fd), '6', "IPv6 socket: typechar 6");
	tap_is_int(fd->sock->l4proto, IPPROTO_TCP, "stream socket is tcp");
	b = tl_begin(SAKER_EV_CONNECT, 100, 100, 0);
	rb_num(b, 3);
	rb_sockaddr_in(b, AF_INET6, r6, 443);
	rb_tuple_in(b, AF_INET6, l6, 50000, r6, 443);
	tl_apply(st, b, &ctx);
	tap_ok(ctx.fd == fd && ctx.fd_name_changed, "connect names the socket (fd.name_changed)");
	tap_is_str(state_str_c(fd->name), "2001:db8::1:50000->2001:db8::2:443", "IPv6 fd.name");
	tap_ok(fd->sock->role == STATE_ROLE_CLIENT && fd->sock->connected,
	       "connect: client, connected");
	tap_ok(!memcmp(fd->sock->raddr, r6, 16) && fd->sock->rport == 443,
	       "remote address and port");
	tap_ok(!memcmp(fd->sock->laddr, l6, 16) && fd->sock->lport == 50000,
	       "local address and port");
	state_commit(st);

	/* The server side: bind, accept. */
	sock(st, 4, AF_INET6, SOCK_STREAM);
	b = tl_begin(SAKER_EV_BIND, 100, 100, 0);
	rb_num(b, 4);
	rb_sockaddr_in(b, AF_INET6, r6, 8443);
	tl_apply_commit(st, b);
	tap_is_str(fdname(st, 100, 4), "2001:db8::2:8443",
		   "a bound socket is named by its local end");
	b = tl_begin(SAKER_EV_ACCEPT4, 100, 100, 5);
	rb_num(b, 4);
	rb_tuple_in(b, AF_INET6, r6, 8443, l6, 40000);
	rb_num(b, SOCK_CLOEXEC);
	tl_apply(st, b, &ctx);
	fd = ctx.fd;
	tap_ok(fd && fd->num == 5 && fd->sock->role == STATE_ROLE_SERVER, "accept: new fd, server");
	tap_is_str(fd ? state_str_c(fd->name) : "", "2001:db8::1:40000->2001:db8::2:8443",
		   "accepted fd.name is client->server");
	tap_ok(fd && (fd->flags & O_CLOEXEC), "accept4 SOCK_CLOEXEC");
	{
		const uint8_t *sip = NULL, *cip = NULL;
		uint16_t sport = 0, cport = 0;

		tap_ok(state_sock_ends(fd, &sip, &sport, &cip, &cport) && sport == 8443 &&
			       cport == 40000 && !memcmp(sip, r6, 16) && !memcmp(cip, l6, 16),
		       "server end is local on an accepted socket (fd.sip/fd.cip)");
		fd = state_fd_get(state_proc_get(st, 100), 3);
		tap_ok(state_sock_ends(fd, &sip, &sport, &cip, &cport) && sport == 443 &&
			       cport == 50000 && !memcmp(sip, r6, 16),
		       "server end is remote on a connected socket");
		fd = ctx.fd;
	}
	state_commit(st);
	state_free(st);
}

static void test_udp_sendto(void)
{
	struct state *st = setup();
	struct state_evctx ctx;
	struct rec_builder *b;
	uint8_t l4[4] = { 10, 0, 0, 1 }, r4[4] = { 8, 8, 8, 8 };

	sock(st, 3, AF_INET, SOCK_DGRAM);
	b = tl_begin(SAKER_EV_SENDTO, 100, 100, 10);
	rb_num(b, 3);
	rb_num(b, 10);
	rb_bytes(b, "0123456789", 10);
	rb_tuple_in(b, AF_INET, l4, 5353, r4, 53);
	tl_apply(st, b, &ctx);
	tap_ok(ctx.fd && ctx.fd_name_changed, "sendto on unconnected udp: name changed");
	tap_ok(ctx.fd && !ctx.fd->sock->connected && ctx.fd->sock->l4proto == IPPROTO_UDP,
	       "udp, not connected");
	tap_is_str(ctx.fd ? state_str_c(ctx.fd->name) : "", "10.0.0.1:5353->8.8.8.8:53",
		   "udp fd.name");
	state_commit(st);
	state_free(st);
}

static void test_unix_pipe_misc(void)
{
	struct state *st = setup();
	struct rec_builder *b;
	struct state_fd *fd;

	sock(st, 3, AF_UNIX, SOCK_STREAM);
	b = tl_begin(SAKER_EV_CONNECT, 100, 100, 0);
	rb_num(b, 3);
	rb_sockaddr_un(b, "/var/run/docker.sock");
	rb_tuple_un(b, 0xffff1, 0xffff2, "/var/run/docker.sock");
	tl_apply_commit(st, b);
	fd = state_fd_get(state_proc_get(st, 100), 3);
	tap_is_int(state_fd_typechar(fd), 'u', "unix socket typechar");
	tap_is_str(state_str_c(fd->name), "/var/run/docker.sock",
		   "unix socket fd.name is its path");
	tap_ok(fd->sock->un_local == 0xffff1 && fd->sock->un_peer == 0xffff2,
	       "unix socket addresses");

	simple(st, SAKER_EV_PIPE2, 0, 4, (uint64_t[]){ 4, 5, 777, O_CLOEXEC });
	tap_is_str(fdname(st, 100, 4), "pipe:[777]", "pipe read end");
	tap_is_str(state_fd_typename(state_fd_get(state_proc_get(st, 100), 5)), "pipe",
		   "pipe write end, fd.type pipe");

	b = tl_begin(SAKER_EV_MEMFD_CREATE, 100, 100, 6);
	rb_str(b, "stage2");
	rb_num(b, 1);
	tl_apply_commit(st, b);
	fd = state_fd_get(state_proc_get(st, 100), 6);
	tap_ok(fd && fd->kind == SAKER_FDK_MEMFD && !strcmp(state_str_c(fd->name), "memfd:stage2"),
	       "memfd_create");
	simple(st, SAKER_EV_EVENTFD2, 7, 2, (uint64_t[]){ 0, 0 });
	tap_is_int(state_fd_typechar(state_fd_get(state_proc_get(st, 100), 7)), 'e', "eventfd");
	simple(st, SAKER_EV_BPF, 8, 1, (uint64_t[]){ 5 /* BPF_PROG_LOAD */ });
	tap_is_int(state_fd_typechar(state_fd_get(state_proc_get(st, 100), 8)), 'b', "bpf prog fd");
	simple(st, SAKER_EV_BPF, 0, 1, (uint64_t[]){ 2 /* BPF_MAP_UPDATE_ELEM */ });
	tap_ok(!state_fd_get(state_proc_get(st, 100), 0), "bpf map update creates no fd");
	simple(st, SAKER_EV_SOCKETPAIR, 0, 5, (uint64_t[]){ AF_UNIX, SOCK_STREAM, 0, 9, 10 });
	tap_ok(state_fd_get(state_proc_get(st, 100), 9) &&
		       state_fd_get(state_proc_get(st, 100), 10),
	       "socketpair creates two fds");
	state_free(st);
}

static void test_fd_limit(void)
{
	struct state *st = setup();
	struct state_evctx ctx;
	struct state_stats s;

	for (int i = 0; i < 100; i++)
		do_openat(st, 10 + i, AT_FDCWD, "/tmp/f", O_RDONLY, &ctx);
	state_get_stats(st, &s);
	tap_is_int(state_fd_count(state_proc_get(st, 100)), 64, "fd table holds at its limit");
	tap_is_int(s.fds_refused, 36, "refused fds counted");
	state_free(st);
}

/* An FD_SNAPSHOT of fd num naming name (kind file), or one of the two special forms. */
static void fd_snapshot(struct state *st, uint32_t pid, int64_t num, int64_t res, const char *name)
{
	struct rec_builder *b = tl_begin(SAKER_EV_FD_SNAPSHOT, pid, pid, res);

	rb_num(b, (uint64_t)num);
	if (name) {
		rb_num(b, SAKER_FDK_FILE);
		rb_num(b, O_RDONLY);
		rb_str(b, name);
		rb_absent(b);
		rb_num(b, 8);
		rb_num(b, 99);
		rb_num(b, 0);
	}
	tl_apply_commit(st, b);
}

static void test_snapshot_forms(void)
{
	struct state *st = setup();
	struct state_evctx ctx;
	struct state_proc *a, *c;

	do_openat(st, 3, AT_FDCWD, "/etc/passwd", O_RDONLY, &ctx);
	do_openat(st, 4, AT_FDCWD, "/etc/group", O_RDONLY, &ctx);
	fd_snapshot(st, 100, 3, 0, "/etc/shadow");
	tap_is_str(fdname(st, 100, 3), "/etc/shadow", "fd_snapshot replaces a stale entry");
	fd_snapshot(st, 100, 4, -EBADF, NULL);
	tap_ok(!state_fd_get(state_proc_get(st, 100), 4), "fd_snapshot with res -EBADF: not open");
	tap_is_str(fdname(st, 100, 3), "/etc/shadow", "... and nothing else changes");

	/* A table shared with a CLONE_FILES child is replaced for the caller only. */
	tl_fork(st, 100, 200, CLONE_FILES | SIGCHLD, false);
	fd_snapshot(st, 200, SAKER_FD_TABLE, 0, NULL);
	a = state_proc_get(st, 100);
	c = state_proc_get(st, 200);
	tap_ok(a && c && a->fdt != c->fdt && state_fd_count(c) == 0,
	       "fd_snapshot SAKER_FD_TABLE: an empty table of the process's own");
	tap_is_str(fdname(st, 100, 3), "/etc/shadow", "... the sharer keeps the old one");
	fd_snapshot(st, 200, 0, 0, "/dev/pts/0");
	tap_ok(state_fd_count(c) == 1 && !strcmp(fdname(st, 200, 0), "/dev/pts/0"),
	       "... which the snapshots that follow fill");
	state_free(st);
}

static void test_fdarg_index(void)
{
	bool all = true;

	/* state_apply reads the fd of SAKER_EF_FDARG events from parameter 0. */
	for (int t = 0; t < SAKER_EV_MAX; t++)
		if ((evt_table[t].flags & SAKER_EF_FDARG) && evt_param_index(t, "fd") != 0)
			all = false;
	tap_ok(all, "every FDARG event has its fd first");
}

static void test_users_via_state(void)
{
	struct state *st = setup();

	tap_is_str(state_user_name(st, state_proc_get(st, 100), 0), "root", "user.name of uid 0");
	tap_is_str(state_group_name(st, state_proc_get(st, 100), 0), "root", "group.name of gid 0");
	tap_is_str(state_str_c(state_proc_get(st, 100)->container_id), "host",
		   "container.id of a process without cgroups is host");
	state_free(st);
}

int main(void)
{
	test_fdarg_index();
	test_users_via_state();
	test_paths();
	test_preview();
	test_path_join();
	test_dup();
	test_fork_close_child();
	test_fork_shared_entries();
	test_ipv6();
	test_udp_sendto();
	test_unix_pipe_misc();
	test_fd_limit();
	test_snapshot_forms();
	return tap_done();
}
