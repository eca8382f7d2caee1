// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkbigcap: a large synthetic capture for the engine benchmark, written
 * through the real capture writer. A busy server's mix, in the shape the
 * drivers deliver it with Falco's stable rules and saker's defaults loaded:
 * mostly openat/close on ordinary files, some sockets and fd juggling, and
 * process churn (clone, execve, exit) that keeps about 400 processes alive
 * under a few long-lived parents. About one event in 60,000 is something a rule
 * looks for (a shell under a server, a read of /etc/shadow), so the alert
 * path runs too. Deterministic: the same N gives the same file.
 *
 *   mkbigcap [-n RECORDS] FILE      (default 5,000,000)
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <fcntl.h>
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "capture.h"
#include "recbuild.h"
#include "util.h"

#define NPROC 400

static uint8_t rec[SAKER_REC_MAX];
static struct cap_writer *w;
static uint64_t ts = 1000000000ull, written;

struct image {
	const char *exe, *argv; /* argv NUL-separated, argv_len bytes */
	size_t argv_len;
};

static const struct image images[] = {
	{ "/usr/sbin/nginx", "nginx\0-g\0daemon off;", 21 },
	{ "/usr/bin/python3", "python3\0/srv/app/worker.py\0--queue=jobs", 40 },
	{ "/usr/lib/postgresql/15/bin/postgres", "postgres\0-D\0/var/lib/postgresql/15/main", 43 },
	{ "/usr/bin/make", "make\0-j2", 9 },
	{ "/usr/bin/gcc", "gcc\0-O2\0-c\0main.c", 18 },
	{ "/usr/bin/git", "git\0status\0--short", 19 },
	{ "/usr/bin/cat", "cat\0/var/log/syslog", 20 },
	{ "/bin/sh", "sh\0-c\0cat /etc/shadow", 22 },
};
#define SHELL_IMAGE 7 /* only for the attacks */

static const char *const read_files[] = {
	"/etc/ld.so.cache",
	"/lib/x86_64-linux-gnu/libc.so.6",
	"/usr/lib/locale/locale-archive",
	"/srv/app/static/index.html",
	"/srv/app/static/app.js",
	"/var/lib/postgresql/15/main/base/16384/2619",
	"/proc/self/status",
	"/etc/nsswitch.conf",
	"/usr/share/zoneinfo/UTC",
	"/home/app/.cache/pip/http/a/b/c",
};

static const char *const write_files[] = {
	"/var/log/nginx/access.log",
	"/tmp/build/main.o",
	"/var/lib/postgresql/15/main/pg_wal/000000010000000000000001",
	"/srv/app/uploads/tmp-upload",
};

struct proc {
	uint32_t pid, ppid;
	int image;
	int nfd; /* fds 3..3+nfd-1 open */
};

static struct proc procs[NPROC];
static uint32_t next_pid = 10000;
static uint64_t rng = 88172645463325252ull;

static uint32_t rnd(uint32_t n)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return (uint32_t)(rng % n);
}

static void put(struct rec_builder *rb)
{
	if (rb_end(rb) < 0 || cap_writer_record(w, rec) < 0) {
		fprintf(stderr, "mkbigcap: cannot write the record\n");
		exit(1);
	}
	written++;
	ts += 2000; /* 500,000 events per second of capture time */
}

static void proc_block(struct rec_builder *rb, uint16_t type, const struct proc *p, int64_t res)
{
	static const char env[] = "PATH=/usr/local/bin:/usr/bin:/bin\0LANG=C.UTF-8\0HOME=/srv/app";
	const struct image *im = &images[p->image];
	const char *comm = strrchr(im->exe, '/') + 1;

	rb_begin(rb, rec, sizeof(rec), type, ts, p->pid, p->pid, res);
	rb_str(rb, im->exe);
	rb_strlist(rb, im->argv, im->argv_len);
	rb_num(rb, p->pid); /* tid */
	rb_num(rb, p->pid); /* pid */
	rb_num(rb, p->ppid);
	rb_num(rb, p->ppid); /* pgid */
	rb_num(rb, p->ppid); /* sid */
	rb_num(rb, p->pid); /* vtid */
	rb_num(rb, p->pid); /* vpid */
	rb_num(rb, p->ppid); /* vpgid */
	rb_str(rb, "/srv/app");
	rb_str(rb, comm);
	rb_str(rb, im->exe);
	rb_strlist(rb, "unified=/system.slice/app.service", 34);
	rb_strlist(rb, env, sizeof(env));
	rb_num(rb, 0); /* tty */
	rb_num(rb, 4294967295u); /* loginuid */
	for (int i = 0; i < 4; i++) /* uid gid euid egid */
		rb_num(rb, 33);
	for (int i = 0; i < 3; i++) /* capabilities */
		rb_num(rb, 0);
}

static void new_proc(struct proc *p, uint32_t ppid, int image)
{
	p->pid = next_pid++;
	p->ppid = ppid;
	p->image = image;
	p->nfd = 0;
}

static void ev_openat(struct proc *p, const char *path, uint32_t flags)
{
	struct rec_builder rb;
	int fd = 3 + p->nfd;

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_OPENAT, ts, p->pid, p->pid, fd);
	rb_num(&rb, (uint64_t)(int64_t)AT_FDCWD);
	rb_str(&rb, path);
	rb_num(&rb, flags);
	rb_num(&rb, 0644);
	rb_num(&rb, 0x800001);
	rb_num(&rb, 100000 + rnd(100000));
	put(&rb);
	if (p->nfd < 32)
		p->nfd++;
}

static void ev_close(struct proc *p)
{
	struct rec_builder rb;

	if (!p->nfd)
		return;
	p->nfd--;
	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_CLOSE, ts, p->pid, p->pid, 0);
	rb_num(&rb, (uint64_t)(3 + p->nfd));
	put(&rb);
}

static void ev_socket_connect(struct proc *p)
{
	uint8_t lo[4] = { 10, 0, 0, 5 }, db[4] = { 10, 0, 0, 9 };
	struct rec_builder rb;
	int fd = 3 + p->nfd;

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_SOCKET, ts, p->pid, p->pid, fd);
	rb_num(&rb, AF_INET);
	rb_num(&rb, SOCK_STREAM);
	rb_num(&rb, 0);
	put(&rb);
	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_CONNECT, ts, p->pid, p->pid, 0);
	rb_num(&rb, (uint64_t)fd);
	rb_sockaddr_in(&rb, AF_INET, db, 5432);
	rb_tuple_in(&rb, AF_INET, lo, (uint16_t)(40000 + rnd(20000)), db, 5432);
	put(&rb);
	if (p->nfd < 32)
		p->nfd++;
}

static void ev_accept(struct proc *p)
{
	uint8_t me[4] = { 10, 0, 0, 5 }, peer[4] = { 192, 168, 1, 0 };
	struct rec_builder rb;

	peer[3] = (uint8_t)(1 + rnd(250));
	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_ACCEPT4, ts, p->pid, p->pid, 3 + p->nfd);
	rb_num(&rb, 3);
	rb_tuple_in(&rb, AF_INET, peer, (uint16_t)(30000 + rnd(30000)), me, 443);
	rb_num(&rb, SOCK_CLOEXEC);
	put(&rb);
	if (p->nfd < 32)
		p->nfd++;
}

static void ev_fcntl(struct proc *p)
{
	struct rec_builder rb;

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_FCNTL, ts, p->pid, p->pid, 0);
	rb_num(&rb, 3);
	rb_num(&rb, F_SETFD);
	rb_num(&rb, FD_CLOEXEC);
	put(&rb);
}

/* A child: clone (parent and child side), execve of another image, later its exit. */
static void ev_spawn(int slot)
{
	struct proc *parent = &procs[rnd(8)], *c = &procs[slot];
	struct rec_builder rb;
	int image = 3 + (int)rnd(4);

	if (c->pid) {
		rb_begin(&rb, rec, sizeof(rec), SAKER_EV_PROCEXIT, ts, c->pid, c->pid, 0);
		rb_num(&rb, 0);
		put(&rb);
	}
	new_proc(c, parent->pid, parent->image);
	proc_block(&rb, SAKER_EV_CLONE, parent, c->pid);
	rb_num(&rb, 0x1200011);
	put(&rb);
	proc_block(&rb, SAKER_EV_CLONE, c, 0);
	rb_num(&rb, 0x1200011);
	put(&rb);
	c->image = image;
	proc_block(&rb, SAKER_EV_EXECVE, c, 0);
	rb_num(&rb, 0);
	put(&rb);
}

/* What a rule is there for: a shell under the web server reading /etc/shadow. */
static void ev_attack(int slot)
{
	struct proc *c = &procs[slot];
	struct rec_builder rb;

	ev_spawn(slot);
	c->image = SHELL_IMAGE;
	proc_block(&rb, SAKER_EV_EXECVE, c, 0);
	rb_num(&rb, 0);
	put(&rb);
	ev_openat(c, "/etc/shadow", O_RDONLY);
}

int main(int argc, char **argv)
{
	struct cap_hostinfo hi = { 0 };
	struct cap_trailer tr = { 0 };
	struct rec_builder rb;
	unsigned long long n = 5000000;
	int c;

	while ((c = getopt(argc, argv, "n:")) != -1) {
		if (c != 'n' || (n = strtoull(optarg, NULL, 10)) == 0) {
			fprintf(stderr, "usage: mkbigcap [-n RECORDS] FILE\n");
			return 64;
		}
	}
	if (optind + 1 != argc) {
		fprintf(stderr, "usage: mkbigcap [-n RECORDS] FILE\n");
		return 64;
	}
	cap_hostinfo_local(&hi, "synthetic");
	if (cap_writer_open(argv[optind], &hi, 0, 0, &w) < 0) {
		perror(argv[optind]);
		return 1;
	}
	cap_hostinfo_clear(&hi);
	/* init, the long-lived parents (nginx, python, postgres, ...), then their children. */
	{
		struct proc init = { .pid = 1, .ppid = 0, .image = 0 };
		static const struct image sd = { "/usr/lib/systemd/systemd", "/sbin/init", 11 };

		rb_begin(&rb, rec, sizeof(rec), SAKER_EV_PROC_SNAPSHOT, ts, 1, 1, 0);
		rb_str(&rb, sd.exe);
		rb_strlist(&rb, sd.argv, sd.argv_len);
		rb_num(&rb, init.pid);
		rb_num(&rb, init.pid);
		rb_num(&rb, init.ppid);
		put(&rb);
	}
	for (int i = 0; i < NPROC; i++) {
		new_proc(&procs[i], i < 8 ? 1 : procs[i % 8].pid, i < 8 ? i % 3 : 3 + i % 4);
		proc_block(&rb, SAKER_EV_PROC_SNAPSHOT, &procs[i], 0);
		put(&rb);
	}
	cap_writer_snapshot_end(w);
	while (written < n) {
		uint32_t r = rnd(1000), slot = 8 + rnd(NPROC - 8);
		struct proc *p = &procs[r < 600 ? rnd(8) : slot];

		if (r < 340)
			ev_openat(p, read_files[rnd(ARRAY_SIZE(read_files))], O_RDONLY | O_CLOEXEC);
		else if (r < 420)
			ev_openat(p, write_files[rnd(ARRAY_SIZE(write_files))],
				  O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC);
		else if (r < 840)
			ev_close(p);
		else if (r < 880)
			ev_socket_connect(&procs[rnd(8)]);
		else if (r < 920)
			ev_accept(&procs[0]);
		else if (r < 960)
			ev_fcntl(p);
		else if (rnd(2500) == 0)
			ev_attack((int)slot);
		else
			ev_spawn((int)slot);
	}
	tr.records = written;
	if (cap_writer_close(w, &tr) < 0) {
		fprintf(stderr, "mkbigcap: cannot finish %s\n", argv[optind]);
		return 1;
	}
	printf("%llu records\n", (unsigned long long)written);
	return 0;
}
