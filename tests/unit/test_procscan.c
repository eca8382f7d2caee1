// SPDX-License-Identifier: GPL-2.0-only
/* procscan on this very process: known fds (file, pipe, sockets) and threads. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/un.h>
#include <unistd.h>

#include "event.h"
#include "procscan.h"
#include "tap.h"

#define MAX_RECS 4096

struct collected {
	int n;
	uint8_t *recs[MAX_RECS];
};

static int collect(void *opaque, const void *rec, size_t len)
{
	struct collected *c = opaque;

	if (c->n >= MAX_RECS)
		return -ENOSPC;
	c->recs[c->n] = malloc(len);
	memcpy(c->recs[c->n], rec, len);
	c->n++;
	return 0;
}

static void release(struct collected *c)
{
	for (int i = 0; i < c->n; i++)
		free(c->recs[i]);
	c->n = 0;
}

static bool decode(const struct collected *c, int i, struct evt *e)
{
	const struct saker_rec_hdr *h = (const void *)c->recs[i];

	return evt_decode(e, c->recs[i], h->len, NULL, NULL) == 0;
}

/* The FD_SNAPSHOT of fd in c, decoded into e. */
static bool find_fd(const struct collected *c, int64_t fd, struct evt *e)
{
	for (int i = 0; i < c->n; i++) {
		int64_t v;

		if (decode(c, i, e) && e->hdr.type == SAKER_EV_FD_SNAPSHOT &&
		    evt_param_s64(e, 0, &v) && v == fd)
			return true;
	}
	return false;
}

static uint64_t u64(const struct evt *e, const char *name)
{
	uint64_t v = 0;

	evt_param_u64(e, evt_param_index(e->hdr.type, name), &v);
	return v;
}

static void *idle_thread(void *arg)
{
	pause();
	return arg;
}

int main(void)
{
	char tmpl[] = "/tmp/test_procscan.XXXXXX", path[128];
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_un su = { .sun_family = AF_UNIX };
	socklen_t slen = sizeof(sa);
	int file, pipefd[2], lsock, csock, usock;
	struct collected c = { 0 };
	struct evt e;
	pthread_t th;
	int n, threads = 0, procs = 0, bad = 0, noenv = 0;
	uint32_t self = (uint32_t)getpid();
	const struct evt_param *tp;

	file = mkstemp(tmpl);
	if (file < 0 || pipe2(pipefd, O_CLOEXEC) < 0)
		tap_skip_all("cannot create test fds");
	lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (lsock < 0 || bind(lsock, (void *)&sa, sizeof(sa)) < 0 || listen(lsock, 1) < 0 ||
	    getsockname(lsock, (void *)&sa, &slen) < 0)
		tap_skip_all("no loopback tcp");
	csock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (connect(csock, (void *)&sa, sizeof(sa)) < 0)
		tap_skip_all("cannot connect on loopback");
	usock = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	snprintf(su.sun_path, sizeof(su.sun_path), "%s.sock", tmpl);
	if (usock < 0 || bind(usock, (void *)&su, sizeof(su)) < 0)
		tap_skip_all("no unix sockets");
	pthread_create(&th, NULL, idle_thread, NULL);

	n = procscan_thread("/proc", self, PROCSCAN_FDS, collect, &c);
	tap_ok(n > 0 && n == c.n, "procscan_thread emitted %d records", n);
	tap_ok(decode(&c, 0, &e) && e.hdr.type == SAKER_EV_PROC_SNAPSHOT && e.hdr.tid == self,
	       "first record: this process's snapshot");
	tap_is_str(evt_param_str(&e, 11), "test_procscan", "comm");
	tap_ok(evt_param_str(&e, 12) && strstr(evt_param_str(&e, 12), "test_procscan"), "exepath");
	tap_is_int(u64(&e, "ptid"), getppid(), "ptid is our parent");
	tap_is_int(u64(&e, "uid"), getuid(), "uid");

	tap_ok(find_fd(&c, file, &e), "the file fd is described");
	tap_is_str(evt_param_str(&e, 3), tmpl, "file fd name");
	tap_is_int(u64(&e, "kind"), SAKER_FDK_FILE, "file fd kind");
	{
		struct stat sb;

		fstat(file, &sb);
		tap_is_int(u64(&e, "ino"), sb.st_ino, "file fd inode");
		tap_ok(u64(&e, "flags") & O_RDWR, "file fd flags from fdinfo");
	}
	tap_ok(find_fd(&c, pipefd[0], &e) && u64(&e, "kind") == SAKER_FDK_PIPE, "pipe read end");
	tap_ok(u64(&e, "flags") & O_CLOEXEC, "pipe has O_CLOEXEC");
	tap_ok(evt_param_str(&e, 3) && !strncmp(evt_param_str(&e, 3), "pipe:[", 6), "pipe name");

	tap_ok(find_fd(&c, csock, &e) && u64(&e, "kind") == SAKER_FDK_IPV4, "connected tcp socket");
	tap_is_int(u64(&e, "proto"), IPPROTO_TCP, "its l4 protocol");
	tp = evt_param(&e, 4);
	tap_ok(tp && tp->val && tp->len == SAKER_TUPLE_INET_SIZE && tp->val[0] == AF_INET,
	       "its tuple is inet");
	if (tp && tp->val && tp->len == SAKER_TUPLE_INET_SIZE) {
		uint16_t rport;

		memcpy(&rport, tp->val + 11, 2);
		tap_is_int(rport, ntohs(sa.sin_port), "remote port is the listener's");
		tap_ok(!memcmp(tp->val + 7, &sa.sin_addr, 4), "remote address is loopback");
	} else {
		tap_skip(2, "no tuple");
	}
	tap_ok(find_fd(&c, lsock, &e) && u64(&e, "kind") == SAKER_FDK_IPV4, "listening socket");
	tp = evt_param(&e, 4);
	if (tp && tp->val && tp->len == SAKER_TUPLE_INET_SIZE) {
		uint16_t lport;

		memcpy(&lport, tp->val + 5, 2);
		tap_is_int(lport, ntohs(sa.sin_port), "listening port");
	} else {
		tap_ok(false, "listening socket tuple");
	}
	tap_ok(find_fd(&c, usock, &e) && u64(&e, "kind") == SAKER_FDK_UNIX, "unix socket");
	tap_is_str(evt_param_str(&e, 3), su.sun_path, "unix socket named by its path");
	release(&c);

	/* Whole /proc with threads: our second thread shows up. */
	n = procscan_all("/proc", PROCSCAN_THREADS, collect, &c);
	tap_ok(n > 0, "procscan_all emitted %d records", n);
	for (int i = 0; i < c.n; i++) {
		if (!decode(&c, i, &e)) {
			bad++;
			continue;
		}
		if (e.hdr.pid != self)
			continue;
		if (e.hdr.type == SAKER_EV_PROC_SNAPSHOT && !evt_param_str(&e, 14))
			noenv++;
		procs += e.hdr.tid == self;
		threads += e.hdr.tid != self;
	}
	tap_is_int(bad, 0, "every record decodes");
	tap_is_int(noenv, 0, "this process's environment is there");
	tap_is_int(procs, 1, "this process once");
	tap_is_int(threads, 1, "and its other thread");
	tap_ok(procscan_thread("/proc", 0x7ffffff0u, 0, collect, &c) == -ESRCH,
	       "a missing thread is -ESRCH");
	release(&c);

	snprintf(path, sizeof(path), "%s", su.sun_path);
	unlink(path);
	unlink(tmpl);
	return tap_done();
}
