// SPDX-License-Identifier: GPL-2.0-only
/*
 * The eBPF source on the real kernel: real syscalls made here come back as
 * records the decoder accepts, with the values the kernel saw; the interest
 * map keeps other syscalls in the kernel; a full ring counts its drops and
 * the source keeps working. Needs root and kernel BTF.
 */
#include "config.h"

#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/un.h>
#include <sys/sysmacros.h>
#include <sys/wait.h>
#include <unistd.h>

#include <bpf/bpf.h>
#include <bpf/btf.h>

#include "event.h"
#include "src_ebpf.h"
#include "src_ebpf_abi.h"
#include "tap.h"
#include "util.h"

#define MAX_KEPT 4096

static struct evt_decode_stats ds;
static void *kept[MAX_KEPT];
static int nkept;

static void forget(void)
{
	for (int i = 0; i < nkept; i++)
		free(kept[i]);
	nkept = 0;
}

/*
 * Keep the records of processes a and b until a marker openat made here
 * after everything else comes back (the ring keeps order), or ms pass.
 */
static void drain(struct source *s, int ms, pid_t a, pid_t b)
{
	uint64_t end = clock_ns(CLOCK_MONOTONIC) + (uint64_t)(ms + 5000) * 1000000;
	static int seq;
	char marker[64];

	snprintf(marker, sizeof(marker), "/nonexistent-saker-marker-%d-%d", getpid(), ++seq);
	openat(AT_FDCWD, marker, O_RDONLY | O_CLOEXEC);
	while (clock_ns(CLOCK_MONOTONIC) < end) {
		const void *rec;
		struct evt e;
		int k = src_next(s, 20, &rec);

		if (k != SRC_RECORD)
			continue;
		if (evt_decode(&e, rec, SAKER_REC_MAX, &ds, NULL) < 0)
			continue;
		if (e.hdr.type == SAKER_EV_OPENAT && (pid_t)e.hdr.pid == getpid() &&
		    evt_param_str(&e, 1) && strcmp(evt_param_str(&e, 1), marker) == 0)
			return;
		if ((pid_t)e.hdr.pid != a && (pid_t)e.hdr.pid != b)
			continue;
		if (nkept < MAX_KEPT) {
			kept[nkept] = malloc(e.hdr.len);
			memcpy(kept[nkept++], rec, e.hdr.len);
		}
	}
	tap_diag("marker %s did not come back", marker);
}

/* The first kept record of type whose string parameter pidx contains want. */
static bool find(struct evt *e, int type, int pidx, const char *want)
{
	for (int i = 0; i < nkept; i++) {
		const char *v;

		if (evt_decode(e, kept[i], SAKER_REC_MAX, NULL, NULL) < 0 || e->hdr.type != type)
			continue;
		if (pidx < 0)
			return true;
		v = evt_param_str(e, pidx);
		if (v && strstr(v, want))
			return true;
	}
	return false;
}

static int64_t s64(const struct evt *e, const char *name);

/* The first kept record of type whose "fd" parameter is fd. */
static bool find_fd(struct evt *e, int type, int64_t fd)
{
	for (int i = 0; i < nkept; i++)
		if (evt_decode(e, kept[i], SAKER_REC_MAX, NULL, NULL) == 0 && e->hdr.type == type &&
		    s64(e, "fd") == fd)
			return true;
	return false;
}

static int64_t s64(const struct evt *e, const char *name)
{
	int64_t v = -999999;

	evt_param_s64(e, evt_param_index(e->hdr.type, name), &v);
	return v;
}

static uint64_t u64(const struct evt *e, const char *name)
{
	uint64_t v = 999999;

	evt_param_u64(e, evt_param_index(e->hdr.type, name), &v);
	return v;
}

static bool present(const struct evt *e, const char *name)
{
	const struct evt_param *p = evt_param(e, evt_param_index(e->hdr.type, name));

	return p && p->val;
}

/* Whether the NUL-separated list parameter has an entry starting with want. */
static bool in_list(const struct evt *e, const char *name, const char *want)
{
	const struct evt_param *p = evt_param(e, evt_param_index(e->hdr.type, name));
	size_t n = strlen(want);

	for (size_t i = 0; p && i < p->len; i += strlen((const char *)p->val + i) + 1)
		if (strncmp((const char *)p->val + i, want, n) == 0)
			return true;
	return false;
}

static const char *str(const struct evt *e, const char *name)
{
	const char *v = evt_param_str(e, evt_param_index(e->hdr.type, name));

	return v ? v : "(absent)";
}

static void test_files(struct source *s, const char *dir)
{
	char path[256], missing[256];
	struct stat st;
	struct evt e;
	int dfd, fd;

	snprintf(path, sizeof(path), "%s/opened", dir);
	snprintf(missing, sizeof(missing), "%s/does-not-exist", dir);
	fd = openat(AT_FDCWD, path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600);
	fstat(fd, &st);
	openat(AT_FDCWD, missing, O_RDONLY | O_CLOEXEC);
	dfd = open(dir, O_DIRECTORY | O_CLOEXEC);
	unlinkat(dfd, "opened", 0);
	syscall(SYS_close_range, 4000, 4001, 0);
	drain(s, 300, getpid(), 0);

	tap_ok(find(&e, SAKER_EV_OPENAT, evt_param_index(SAKER_EV_OPENAT, "name"), path),
	       "openat of a new file comes back with its path");
	tap_is_int(e.hdr.res, fd, "... its result is the fd");
	tap_is_int(s64(&e, "dirfd"), AT_FDCWD, "... dirfd is AT_FDCWD, sign kept");
	tap_ok(u64(&e, "flags") & O_CREAT, "... flags carry O_CREAT");
	tap_is_int(u64(&e, "mode"), 0600, "... mode 0600");
	tap_is_int(u64(&e, "ino"), st.st_ino, "... inode of the new file");
	tap_is_int(u64(&e, "dev"), (major(st.st_dev) << 20) | minor(st.st_dev),
		   "... dev in the kernel's encoding");
	tap_is_int(e.hdr.tid, syscall(SYS_gettid), "... tid is ours");
	tap_ok(find(&e, SAKER_EV_OPENAT, evt_param_index(SAKER_EV_OPENAT, "name"), missing),
	       "a failed openat comes back too");
	tap_is_int(e.hdr.res, -ENOENT, "... with -ENOENT");
	tap_ok(!present(&e, "ino"), "... and no inode");
	tap_ok(find(&e, SAKER_EV_UNLINKAT, evt_param_index(SAKER_EV_UNLINKAT, "name"), "opened"),
	       "unlinkat comes back");
	tap_is_str(str(&e, "name"), "opened", "... its path stays relative");
	tap_is_int(s64(&e, "dirfd"), dfd, "... with the dirfd it is relative to");
	tap_ok(find(&e, SAKER_EV_CLOSE_RANGE, -1, NULL) && u64(&e, "first") == 4000 &&
		       u64(&e, "last") == 4001 && e.hdr.res == 0,
	       "close_range comes back with its range");
	close(fd);
	close(dfd);
	forget();
}

static void test_exec(struct source *s)
{
	char cwd[512];
	struct evt e;
	pid_t child;
	int status;

	getcwd(cwd, sizeof(cwd));
	child = fork();
	if (child == 0) {
		execl("/bin/true", "/bin/true", "first-arg", "second", (char *)NULL);
		_exit(127);
	}
	waitpid(child, &status, 0);
	drain(s, 400, getpid(), child);

	tap_ok(find(&e, SAKER_EV_EXECVE, evt_param_index(SAKER_EV_EXECVE, "filename"), "/bin/true"),
	       "execve of /bin/true comes back with its filename");
	tap_is_int(e.hdr.res, 0, "... succeeded");
	tap_is_int(e.hdr.pid, child, "... from the child");
	{
		const struct evt_param *p = evt_param(&e, 1);

		tap_ok(p && p->val && p->len == sizeof("/bin/true\0first-arg\0second") &&
			       memcmp(p->val, "/bin/true\0first-arg\0second", p->len) == 0,
		       "... argv is NUL-separated and whole");
	}
	tap_is_str(str(&e, "exepath"), "/usr/bin/true", "... exepath resolved by the kernel");
	tap_is_str(str(&e, "cwd"), cwd, "... cwd is ours");
	tap_is_str(str(&e, "comm"), "true", "... comm is the new image's");
	tap_is_int(s64(&e, "ptid"), getpid(), "... ptid is the parent");
	tap_is_int(s64(&e, "pid"), child, "... pid param agrees with the header");
	tap_is_int(u64(&e, "uid"), getuid(), "... uid");
	tap_is_int(u64(&e, "euid"), geteuid(), "... euid");
	tap_is_int(u64(&e, "pidns_level"), 0, "... root pid namespace");
	tap_ok(in_list(&e, "cgroups", "unified=/"), "... cgroups include the v2 path");
	tap_ok(strstr(str(&e, "env"), "=") != NULL, "... env is there");
	tap_ok(!(u64(&e, "flags") & SAKER_EXE_FROM_MEMFD), "... not from a memfd");
	tap_ok(find(&e, SAKER_EV_CLONE, -1, NULL) || find(&e, SAKER_EV_CLONE3, -1, NULL),
	       "fork shows up as a clone record");
	tap_ok(find(&e, SAKER_EV_PROCEXIT, -1, NULL), "the child's exit is a procexit");
	tap_is_int(s64(&e, "status"), status, "... with the status wait() saw");
	forget();

	child = fork();
	if (child == 0)
		_exit(3);
	waitpid(child, &status, 0);
	drain(s, 300, child, 0);
	tap_ok(find(&e, SAKER_EV_PROCEXIT, -1, NULL) && e.hdr.res == status && status == 3 << 8,
	       "a child's _exit(3) is procexit status 0x300");
	tap_ok(s64(&e, "reaper_tid") > 0, "... with a reaper");
	forget();
}

static void test_memfd_exec(struct source *s)
{
	struct evt e;
	pid_t child;
	int status;

	child = fork();
	if (child == 0) {
		char buf[65536];
		int in = open("/bin/true", O_RDONLY | O_CLOEXEC);
		int mfd = memfd_create("saker-test", MFD_CLOEXEC);
		ssize_t n;
		char *argv[] = { "memfd-true", NULL }, *envp[] = { NULL };

		while ((n = read(in, buf, sizeof(buf))) > 0)
			write(mfd, buf, (size_t)n);
		syscall(SYS_execveat, mfd, "", argv, envp, AT_EMPTY_PATH);
		_exit(127);
	}
	waitpid(child, &status, 0);
	drain(s, 400, child, 0);
	tap_ok(find(&e, SAKER_EV_MEMFD_CREATE, evt_param_index(SAKER_EV_MEMFD_CREATE, "name"),
		    "saker-test"),
	       "memfd_create comes back with its name");
	tap_ok(find(&e, SAKER_EV_EXECVEAT, -1, NULL), "execveat of a memfd comes back");
	tap_is_int(e.hdr.res, 0, "... succeeded");
	tap_ok(u64(&e, "flags") & SAKER_EXE_FROM_MEMFD, "... flagged SAKER_EXE_FROM_MEMFD");
	tap_ok(strstr(str(&e, "exepath"), "memfd:saker-test") != NULL,
	       "... exepath names the memfd");
	if (e.hdr.type == SAKER_EV_EXECVEAT) {
		tap_ok(u64(&e, "at_flags") & AT_EMPTY_PATH,
		       "... execveat's at_flags saved at enter");
		tap_ok(!present(&e, "pathname"), "... its pathname is not read from the new image");
	} else {
		tap_skip(2, "libc used execve, not execveat");
	}
	forget();
}

static void test_connect(struct source *s)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	struct sockaddr_in local;
	socklen_t alen = sizeof(a), llen = sizeof(local);
	int l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c, acc;
	struct evt e;
	const struct evt_param *p;
	uint8_t lo[4] = { 127, 0, 0, 1 };
	uint16_t port, lport;

	bind(l, (struct sockaddr *)&a, sizeof(a));
	listen(l, 4);
	getsockname(l, (struct sockaddr *)&a, &alen);
	port = ntohs(a.sin_port);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	connect(c, (struct sockaddr *)&a, sizeof(a));
	getsockname(c, (struct sockaddr *)&local, &llen);
	lport = ntohs(local.sin_port);
	acc = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	drain(s, 300, getpid(), 0);

	tap_ok(find(&e, SAKER_EV_CONNECT, -1, NULL), "connect to a loopback listener comes back");
	tap_is_int(e.hdr.res, 0, "... succeeded");
	tap_is_int(s64(&e, "fd"), c, "... on our socket");
	p = evt_param(&e, evt_param_index(SAKER_EV_CONNECT, "addr"));
	tap_ok(p && p->val && p->len == SAKER_SOCK_INET_SIZE && p->val[0] == AF_INET &&
		       memcmp(p->val + 1, lo, 4) == 0 && *(uint16_t *)(p->val + 5) == port,
	       "... addr is 127.0.0.1:%u", port);
	p = evt_param(&e, evt_param_index(SAKER_EV_CONNECT, "tuple"));
	tap_ok(p && p->val && p->len == SAKER_TUPLE_INET_SIZE && memcmp(p->val + 1, lo, 4) == 0 &&
		       *(uint16_t *)(p->val + 5) == lport && memcmp(p->val + 7, lo, 4) == 0 &&
		       *(uint16_t *)(p->val + 11) == port,
	       "... tuple is 127.0.0.1:%u -> 127.0.0.1:%u", lport, port);
	tap_ok(find(&e, SAKER_EV_ACCEPT4, -1, NULL), "accept4 comes back");
	tap_is_int(e.hdr.res, acc, "... with the new fd");
	p = evt_param(&e, evt_param_index(SAKER_EV_ACCEPT4, "tuple"));
	tap_ok(p && p->val && p->len == SAKER_TUPLE_INET_SIZE &&
		       *(uint16_t *)(p->val + 5) == port && *(uint16_t *)(p->val + 11) == lport,
	       "... its tuple is the server side");
	close(acc);
	close(c);
	close(l);
	forget();
}

static void test_unix_and_data(struct source *s, const char *dir)
{
	struct sockaddr_un a = { .sun_family = AF_UNIX };
	int l = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0), c;
	const struct evt_param *p;
	struct evt e;

	snprintf(a.sun_path, sizeof(a.sun_path), "%s/sock", dir);
	bind(l, (struct sockaddr *)&a, sizeof(a));
	listen(l, 1);
	c = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	connect(c, (struct sockaddr *)&a, sizeof(a));
	write(c, "hello saker", 11);
	drain(s, 300, getpid(), 0);

	tap_ok(find_fd(&e, SAKER_EV_CONNECT, c), "connect on a unix socket comes back");
	p = evt_param(&e, evt_param_index(SAKER_EV_CONNECT, "addr"));
	tap_ok(p && p->val[0] == AF_UNIX && strcmp((const char *)p->val + 1, a.sun_path) == 0,
	       "... addr is the socket path");
	p = evt_param(&e, evt_param_index(SAKER_EV_CONNECT, "tuple"));
	tap_ok(p && p->len > SAKER_TUPLE_UNIX_MIN && p->val[0] == AF_UNIX &&
		       strcmp((const char *)p->val + SAKER_TUPLE_UNIX_MIN, a.sun_path) == 0,
	       "... tuple carries the peer's bound path");
	tap_ok(p && memcmp(p->val + 1, p->val + 9, 8) != 0 && *(const uint64_t *)(p->val + 9) != 0,
	       "... and two distinct socket addresses");
	tap_ok(find_fd(&e, SAKER_EV_WRITE, c), "write on it comes back");
	tap_is_int(u64(&e, "size"), 11, "... size 11");
	p = evt_param(&e, evt_param_index(SAKER_EV_WRITE, "data"));
	tap_ok(p && p->len == 11 && memcmp(p->val, "hello saker", 11) == 0,
	       "... data is what was written");
	close(c);
	close(l);
	unlink(a.sun_path);
	forget();
}

static void test_interest(struct source *s, const char *dir)
{
	struct src_interest want = { 0 };
	struct saker_bpf_counters before, after;
	char path[256];
	struct evt e;

	src_interest_set(&want, SAKER_EV_UNLINKAT);
	tap_is_int(src_set_interest(s, &want), 0, "interest set to unlinkat only");
	drain(s, 100, 0, 0);
	src_ebpf_counters(s, &before);
	for (int i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "%s/d%d", dir, i);
		mkdirat(AT_FDCWD, path, 0700);
	}
	drain(s, 300, getpid(), 0);
	src_ebpf_counters(s, &after);
	tap_ok(!find(&e, SAKER_EV_MKDIRAT, -1, NULL), "mkdirat outside the interest: no record");
	if (!strcmp(src_ebpf_hook_mode(s), "fexit")) {
		/* No trampoline on mkdirat: its calls ran no BPF at all. */
		tap_ok(after.filtered < before.filtered + 50,
		       "... no program ran for them (fexit: filtered +%llu)",
		       (unsigned long long)(after.filtered - before.filtered));
	} else {
		tap_ok(after.filtered >= before.filtered + 50,
		       "... the kernel counted them filtered (%llu)",
		       (unsigned long long)(after.filtered - before.filtered));
		tap_ok(after.seen > before.seen, "... and seen");
	}
	forget();

	src_interest_set(&want, SAKER_EV_RMDIR);
	src_interest_set(&want, SAKER_EV_UNLINKAT);
	src_set_interest(s, &want);
	for (int i = 0; i < 50; i++) {
		snprintf(path, sizeof(path), "%s/d%d", dir, i);
		rmdir(path);
	}
	drain(s, 300, getpid(), 0);
	tap_ok(find(&e, SAKER_EV_RMDIR, 0, "/d7"),
	       "adding rmdir to the interest brings rmdir records");
	tap_ok(!find(&e, SAKER_EV_MKDIRAT, -1, NULL), "... still no mkdirat");
	forget();
}

/*
 * Index of the first kept record of type from pid (0: any) whose result
 * (pname NULL) or s64 parameter pname is val; -1 when there is none.
 */
static int pos_of(int type, pid_t pid, const char *pname, int64_t val)
{
	for (int i = 0; i < nkept; i++) {
		struct evt e;

		if (evt_decode(&e, kept[i], SAKER_REC_MAX, NULL, NULL) < 0 || e.hdr.type != type ||
		    (pid && (pid_t)e.hdr.pid != pid))
			continue;
		if (pname ? s64(&e, pname) == val : e.hdr.res == val)
			return i;
	}
	return -1;
}

static int count_of(int type, pid_t pid)
{
	int n = 0;

	for (int i = 0; i < nkept; i++) {
		struct evt e;

		n += evt_decode(&e, kept[i], SAKER_REC_MAX, NULL, NULL) == 0 &&
		     e.hdr.type == type && (pid_t)e.hdr.pid == pid;
	}
	return n;
}

static pid_t run_child(void (*fn)(const char *), const char *arg)
{
	pid_t c = fork();

	if (c == 0) {
		fn(arg);
		_exit(0);
	}
	waitpid(c, NULL, 0);
	return c;
}

/* open, close, open again: the same number, so the close is implied. */
static void child_reopen(const char *f)
{
	for (int i = 0; i < 20; i++)
		close(open(f, O_RDONLY | O_CLOEXEC));
}

/* The fd of a closed file reused by a call outside the event table, then named. */
static void child_reuse(const char *f)
{
	int fd = open(f, O_RDONLY | O_CLOEXEC), pfd;

	close(fd);
	pfd = (int)syscall(SYS_pidfd_open, getpid(), 0);
	if (pfd == fd)
		fchmod(pfd, 0600);
}

static void child_fork(const char *f)
{
	pid_t c;

	close(open(f, O_RDONLY | O_CLOEXEC));
	c = fork();
	if (c == 0)
		_exit(0);
	waitpid(c, NULL, 0);
}

static void child_exec(const char *f)
{
	char *argv[] = { "true", NULL };

	close(open(f, O_RDONLY | O_CLOEXEC));
	execv("/bin/true", argv);
}

static void child_stdio(const char *f)
{
	close(2);
	unlinkat(AT_FDCWD, f, 0);
}

static int fchmod_pos(pid_t p, int fd)
{
	return pos_of(SAKER_EV_FCHMOD, p, "fd", fd);
}

static int execve_pos(pid_t p, int fd)
{
	return pos_of(SAKER_EV_EXECVE, p, NULL, 0);
}

/* The parent side of a fork (the child's own clone record has res 0). */
static int clone_pos(pid_t p, int fd)
{
	for (int i = 0; i < nkept; i++) {
		struct evt e;

		if (evt_decode(&e, kept[i], SAKER_REC_MAX, NULL, NULL) == 0 &&
		    (pid_t)e.hdr.pid == p && e.hdr.res > 0 &&
		    (e.hdr.type == SAKER_EV_CLONE || e.hdr.type == SAKER_EV_CLONE3 ||
		     e.hdr.type == SAKER_EV_FORK || e.hdr.type == SAKER_EV_VFORK))
			return i;
	}
	return -1;
}

/*
 * Run child(f) in a process of its own, which opens f as fd and closes it:
 * the close must come back after the open and before the record that
 * next_pos() finds.
 */
static void ordered(struct source *s, void (*child)(const char *), const char *f, int fd,
		    int (*next_pos)(pid_t, int), const char *what)
{
	pid_t p = run_child(child, f);
	int o, c, x;

	drain(s, 300, p, 0);
	o = pos_of(SAKER_EV_OPENAT, p, NULL, fd);
	c = pos_of(SAKER_EV_CLOSE, p, "fd", fd);
	x = next_pos(p, fd);
	tap_ok(o >= 0 && c > o && x > c, "defer: %s (open %d, close %d, then %d)", what, o, c, x);
	forget();
}

/*
 * Closes no rule reads wait in the kernel (drivers/ebpf/pending.bpf.h):
 * none is written when a new fd of the same number follows, and each is
 * written before the first record the state needs it for.
 */
static void test_defer(struct source *s, const char *dir)
{
	struct src_interest want = { 0 };
	struct saker_bpf_counters before, after;
	char f[256], gone[256];
	int fd, c, x;
	pid_t p;

	snprintf(f, sizeof(f), "%s/defer", dir);
	close(open(f, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	src_interest_set(&want, SAKER_EV_UNLINKAT);
	src_interest_set(&want, SAKER_EV_FCHMOD);
	tap_is_int(src_set_interest(s, &want), 0, "defer: interest without close");
	fd = open(f, O_RDONLY | O_CLOEXEC);
	close(fd);
	drain(s, 100, 0, 0);

	src_ebpf_counters(s, &before);
	p = run_child(child_reopen, f);
	drain(s, 300, p, 0);
	src_ebpf_counters(s, &after);
	tap_is_int(count_of(SAKER_EV_OPENAT, p), 20, "defer: 20 opens of one file come back");
	tap_is_int(count_of(SAKER_EV_CLOSE, p), 0,
		   "... and no close: each was implied by the next open, the last went "
		   "with the process");
	tap_ok(after.deferred >= before.deferred + 20 && after.implied >= before.implied + 19,
	       "... counted deferred (+%llu) and implied (+%llu)",
	       (unsigned long long)(after.deferred - before.deferred),
	       (unsigned long long)(after.implied - before.implied));
	forget();

	ordered(s, child_reuse, f, fd, fchmod_pos,
		"a closed fd reused outside the table: its close comes before the record that "
		"names it");
	ordered(s, child_fork, f, fd, clone_pos,
		"a fork writes the parent's pending closes before its clone record");
	ordered(s, child_exec, f, fd, execve_pos, "an execve writes the pending closes first");

	snprintf(gone, sizeof(gone), "%s/no-such-file", dir);
	p = run_child(child_stdio, gone);
	drain(s, 300, p, 0);
	c = pos_of(SAKER_EV_CLOSE, p, "fd", 2);
	x = pos_of(SAKER_EV_UNLINKAT, p, NULL, -ENOENT);
	tap_ok(c >= 0 && x > c,
	       "defer: a pending close of fd 0-2 is written before the process's next record "
	       "(close %d, unlinkat %d)",
	       c, x);
	forget();
	unlink(f);
}

/* buffer: "ringbuf" (one shared 4 KiB ring) or "perf" (a 4 KiB buffer per CPU). */
static void test_overflow(const char *dir, const char *buffer)
{
	struct src_ebpf_opts o = { .ring_bytes = 4096, .trace_self = true, .buffer = buffer };
	struct src_interest want = { 0 };
	struct src_stats st;
	char err[512], path[256];
	struct source *s;
	struct evt e;
	int k;

	k = src_ebpf_open(&o, &s, err, sizeof(err));
	if (!tap_ok(k == 0, "a second source with 4 KiB %s buffers opens", buffer)) {
		tap_diag("%s", err);
		return;
	}
	src_interest_set(&want, SAKER_EV_FCHMODAT);
	src_set_interest(s, &want);
	snprintf(path, sizeof(path), "%s/chmod-me", dir);
	close(open(path, O_CREAT | O_WRONLY | O_CLOEXEC, 0600));
	for (int i = 0; i < 2000; i++)
		fchmodat(AT_FDCWD, path, 0600, 0);
	src_stats(s, &st);
	tap_ok(st.drops[SAKER_DROP_BUFFER_FULL] > 0,
	       "a burst into a full %s buffer counts drops (%llu)", buffer,
	       (unsigned long long)st.drops[SAKER_DROP_BUFFER_FULL]);
	/* Empty the full ring first (a marker now would be dropped too). */
	for (uint64_t end = clock_ns(CLOCK_MONOTONIC) + 300000000;
	     clock_ns(CLOCK_MONOTONIC) < end;) {
		const void *rec;

		src_next(s, 10, &rec);
	}
	fchmodat(AT_FDCWD, path, 0640, 0);
	drain(s, 300, getpid(), 0);
	tap_ok(find(&e, SAKER_EV_FCHMODAT, -1, NULL) && u64(&e, "mode") == 0640,
	       "... and once drained the source delivers again");
	forget();
	src_close(s);
}

/*
 * The loader's side of the 32-bit calls: the interest values it writes for
 * every i386 entry, read back from a real map and decoded as the probe
 * does (SAKER_BPF_VAL_FLAGS, then the shared saker_ia32_arg()): the event,
 * the compat flag, and exactly the entry's 16-bit ids widened (no probe
 * flag may read as an id bit). The probe itself cannot be made to see an
 * i386 call on a kernel without IA-32 emulation (tests/integration/ebpf_ia32.sh).
 */
static void test_ia32_values(void)
{
	static bool on[SAKER_EV_MAX];
	size_t bad = 0, n16 = 0;
	int fd = bpf_map_create(BPF_MAP_TYPE_ARRAY, "saker_test", 4, 4, SAKER_BPF_KEYS, NULL);

	if (fd < 0) {
		tap_skip(2, "cannot create an array map: %s", strerror(errno));
		return;
	}
	for (int t = 0; t < SAKER_EV_MAX; t++)
		on[t] = true;
	tap_is_int(src_ebpf_abi_fill(fd, SAKER_BPF_KEYS, on, NULL), 0,
		   "ia32: the interest map fills");
#define X(nr, name, fl, entry)                                                            \
	do {                                                                              \
		__u32 key = SAKER_BPF_KEY_IA32 + (nr), v = 0, f;                          \
		bool ok = bpf_map_lookup_elem(fd, &key, &v) == 0 &&                       \
			  (int)SAKER_BPF_VAL_EV1(v) == evt_type_by_name(#name) + 1;       \
                                                                                          \
		f = SAKER_BPF_VAL_FLAGS(v);                                               \
		ok = ok && (f & SAKER_BPF_VAL_COMPAT) && !(f & SAKER_BPF_VAL_SOCKETCALL); \
		for (__u32 i = 0; i < 6 && ok; i++) {                                     \
			__u64 want = (fl)&SAKER_IA32_ARGS1 && i > 0 ? 0 : 0xffff;         \
                                                                                          \
			if (i < 3 && ((fl)&SAKER_IA32_ID(i)))                             \
				want = 0xffffffffu;                                       \
			ok = saker_ia32_arg(f, i, 0xffff) == want;                        \
		}                                                                         \
		n16 += ((fl)&SAKER_IA32_IDS) != 0;                                        \
		if (!ok) {                                                                \
			tap_diag("i386 %d (%s): value %#x", (nr), #name, v);              \
			bad++;                                                            \
		}                                                                         \
	} while (0);
	SAKER_IA32_SYSCALLS(X)
#undef X
	tap_ok(bad == 0 && n16 > 0,
	       "ia32: every i386 entry's value: its event, compat, and exactly its 16-bit ids "
	       "widened when decoded (%zu id calls)",
	       n16);
	close(fd);
}

/*
 * Trampoline mode attaches to the kernel's entry function of each i386
 * call (saker_ia32.h's entry column): a name this kernel does not have
 * would leave the call unhooked. Checked against this kernel's BTF, which
 * has the i386 entries when IA-32 emulation is built in (even if it is off
 * at boot).
 */
static void test_ia32_entries(void)
{
	struct btf *btf = btf__load_vmlinux_btf();
	size_t missing = 0;
	int n = src_ebpf_abi_ia32_count();

	if (!btf) {
		tap_skip(1, "no kernel BTF");
		return;
	}
	for (int i = 0; i < n; i++) {
		const char *name, *entry;
		char a[128], b[128], c[128];
		int nr;

		/* __do_sys_: the one function behind the aliases of a call without arguments. */
		src_ebpf_abi_ia32_at(i, &nr, &name, &entry);
		snprintf(a, sizeof(a), "__ia32_sys_%s", entry);
		snprintf(b, sizeof(b), "__ia32_compat_sys_%s", entry);
		snprintf(c, sizeof(c), "__do_sys_%s", entry);
		if (btf__find_by_name_kind(btf, a, BTF_KIND_FUNC) <= 0 &&
		    btf__find_by_name_kind(btf, b, BTF_KIND_FUNC) <= 0 &&
		    btf__find_by_name_kind(btf, c, BTF_KIND_FUNC) <= 0) {
			tap_diag("i386 %d (%s): no %s, %s nor %s in BTF", nr, name, a, b, c);
			missing++;
		}
	}
	if (missing == (size_t)n)
		tap_skip(1, "the kernel has no i386 entry functions (IA-32 emulation not built)");
	else
		tap_ok(missing == 0, "ia32: the kernel has the entry function of all %d i386 calls",
		       n);
	btf__free(btf);
}

int main(void)
{
	struct src_ebpf_opts o = { .trace_self = true };
	char dir[] = "/tmp/saker-test-ebpf-XXXXXX", err[512];
	struct source *s;
	int k;

	if (geteuid() != 0)
		tap_skip_all("needs root to load BPF programs");
	if (access("/sys/kernel/btf/vmlinux", R_OK) != 0)
		tap_skip_all("kernel has no BTF (/sys/kernel/btf/vmlinux)");
	test_ia32_values();
	test_ia32_entries();
	k = src_ebpf_open(&o, &s, err, sizeof(err));
	if (k < 0)
		tap_skip_all("probe does not load here: %s", err);
	mkdtemp(dir);
	tap_diag("%s", err);
	tap_is_str(s->driver, "ebpf", "source says it is ebpf");
	tap_ok(s->boot_offset_ns > 0, "boot offset set");
	test_files(s, dir);
	test_exec(s);
	test_memfd_exec(s);
	test_connect(s);
	test_unix_and_data(s, dir);
	test_interest(s, dir);
	test_defer(s, dir);
	tap_is_int(ds.bad[0] + ds.bad[1] + ds.bad[2] + ds.bad[3] + ds.bad[4] + ds.bad[5] +
			   ds.bad[6] + ds.bad[7],
		   0, "the decoder accepted every record");
	tap_ok(ds.ok > 0, "... of %llu", (unsigned long long)ds.ok);
	src_close(s);
	test_overflow(dir, "ringbuf");
	test_overflow(dir, "perf");
	/* Kernels without sched_prepare_exec save exec arguments at sys_enter. */
	o.exec_enter_hook = true;
	if (tap_ok(src_ebpf_open(&o, &s, err, sizeof(err)) == 0, "the sys_enter exec hook loads")) {
		test_exec(s);
		test_memfd_exec(s);
		src_close(s);
	}
	rmdir(dir);
	return tap_done();
}
