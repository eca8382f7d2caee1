// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ptrace source against real processes: this program re-executes itself
 * with "--role NAME" to be the tracee (open, connect, fork+exec, threads,
 * signals, foreign ABIs), and checks the records the tracer builds.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "../../drivers/ptrace/ptrace_int.h"
#include "event.h"
#include "src_ptrace.h"
#include "tap.h"
#include "util.h"

static char self[4096];
static char dir[] = "/tmp/saker-test-ptrace-XXXXXX";
static char marker[300];

/* ---- tracee roles ---- */

static int role_basic(int port, const char *path)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int fd = open(path, O_RDONLY | O_CLOEXEC), s, st;
	pid_t pid;

	if (fd < 0)
		return 10;
	close(fd);
	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s < 0 || connect(s, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		return 11;
	close(s);
	pid = fork();
	if (pid == 0) {
		execl("/bin/true", "true", "from-child", (char *)NULL);
		_exit(99);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 12;
	return 7;
}

static int role_getppid(long n)
{
	for (long i = 0; i < n; i++)
		syscall(SYS_getppid);
	return 0;
}

static int role_open(long n)
{
	for (long i = 0; i < n; i++)
		close(open("/dev/null", O_RDONLY | O_CLOEXEC));
	return 0;
}

static void *exec_thread(void *arg)
{
	char *argv[] = { self, "--role", "exitcode", "3", NULL };

	execv(self, argv);
	_exit(98);
}

static int role_threadexec(void)
{
	pthread_t th;

	if (pthread_create(&th, NULL, exec_thread, NULL))
		return 97;
	pthread_join(th, NULL);
	return 96;
}

static volatile sig_atomic_t got_usr1;

static void on_usr1(int sig)
{
	got_usr1 = 1;
}

static int role_sigwait(const char *path)
{
	struct sigaction sa = { .sa_handler = on_usr1 };

	sigaction(SIGUSR1, &sa, NULL);
	close(open(path, O_RDONLY | O_CLOEXEC));
	for (int i = 0; i < 1000 && !got_usr1; i++)
		usleep(10000);
	return got_usr1 ? 42 : 41;
}

/* An x32 call: stops the tracee even where the kernel has no x32 (it fails with ENOSYS). */
static int role_x32(void)
{
	long r = syscall(0x40000000 | SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);

	if (r >= 0)
		close((int)r);
	return r >= 0 || errno == ENOSYS ? 0 : 22;
}

/* An i386 call through int 0x80 from 64-bit code (pointer arguments below 4 GiB). */
static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return r;
}

/* An i386 open through int 0x80 from 64-bit code. */
static int role_i386(void)
{
	char *low = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			 MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	long r;

	if (low == MAP_FAILED)
		return 20;
	strcpy(low, "/dev/null");
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(5L), "b"(low), "c"((long)O_RDONLY)
			 : "memory", "r8", "r9", "r10", "r11");
	if (r < 0)
		return 21;
	close((int)r);
	return 0;
}

static int role_vfork(void)
{
	pid_t pid = vfork();
	int st;

	if (pid == 0) {
		execl("/bin/true", "true", "from-vfork", (char *)NULL);
		_exit(99);
	}
	if (pid < 0 || waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st))
		return 12;
	return 0;
}

static int role_badexec(void)
{
	char *argv[] = { "x", "y", NULL };

	execv("/nonexistent/saker-test", argv);
	return errno == ENOENT ? 5 : 6;
}

static int fork_wait(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(0);
	return pid > 0 && waitpid(pid, &st, 0) == pid ? 0 : 1;
}

/*
 * Clone records start from the creator's cached process block: a chdir
 * (traced) and a setpgid (not traced) between two forks must both show in
 * the later child's record.
 */
static int role_facts(void)
{
	if (fork_wait())
		return 30;
	if (chdir("/") < 0)
		return 31;
	if (fork_wait())
		return 32;
	if (setpgid(0, 0) < 0 && errno != EPERM)
		return 33;
	return fork_wait() ? 34 : 0;
}

/* Opens the verdict test tells apart by name (keep: a rule may match; skip: none can). */
static int role_verdict(const char *d)
{
	char p[4200];
	int fd, dfd;

	snprintf(p, sizeof(p), "%s/keep", d);
	fd = open(p, O_RDONLY | O_CLOEXEC);
	close(fd);
	snprintf(p, sizeof(p), "%s/skip", d);
	for (int i = 0; i < 5; i++)
		close(open(p, O_RDONLY | O_CLOEXEC));
	dfd = open(d, O_RDONLY | O_DIRECTORY | O_CLOEXEC);
	/* Its dirfd came from a call no record told of: a snapshot goes before the verdict. */
	fd = openat(dfd, "skip", O_RDONLY | O_CLOEXEC);
	/* A record naming an fd a skipped open made: the state learns it first. */
	if (fchmod(fd, 0644) < 0)
		return 1;
	close(fd);
	fd = openat(dfd, "keep", O_RDONLY | O_CLOEXEC);
	return fd >= 0 ? 0 : 2;
}

static int run_role(int argc, char **argv)
{
	const char *r = argv[2];

	if (!strcmp(r, "basic") && argc >= 5)
		return role_basic(atoi(argv[3]), argv[4]);
	if (!strcmp(r, "getppid") && argc >= 4)
		return role_getppid(atol(argv[3]));
	if (!strcmp(r, "open") && argc >= 4)
		return role_open(atol(argv[3]));
	if (!strcmp(r, "exitcode") && argc >= 4)
		return atoi(argv[3]);
	if (!strcmp(r, "threadexec"))
		return role_threadexec();
	if (!strcmp(r, "sigwait") && argc >= 4)
		return role_sigwait(argv[3]);
	if (!strcmp(r, "sleep") && argc >= 4)
		return usleep((useconds_t)atoi(argv[3]) * 1000) < 0 ? 1 : 0;
	if (!strcmp(r, "vfork"))
		return role_vfork();
	if (!strcmp(r, "facts"))
		return role_facts();
	if (!strcmp(r, "verdict") && argc >= 4)
		return role_verdict(argv[3]);
	if (!strcmp(r, "badexec"))
		return role_badexec();
	if (!strcmp(r, "x32"))
		return role_x32();
	if (!strcmp(r, "i386"))
		return role_i386();
	return 127;
}

/* ---- collecting records ---- */

struct recs {
	void *r[4096];
	size_t n;
	size_t bad;
};

static void recs_free(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->r[i]);
	rs->n = 0;
}

static void recs_add(struct recs *rs, const void *rec)
{
	struct saker_rec_hdr h;
	struct evt e;

	memcpy(&h, rec, sizeof(h));
	if (evt_decode(&e, rec, h.len, NULL, NULL) < 0) {
		rs->bad++;
		return;
	}
	if (rs->n < 4096 && (rs->r[rs->n] = malloc(h.len)))
		memcpy(rs->r[rs->n++], rec, h.len);
}

/* The i-th record of type (from 0) matching pid (0: any), decoded into e. */
static bool find(const struct recs *rs, int type, uint32_t pid, int nth, struct evt *e)
{
	for (size_t i = 0; i < rs->n; i++) {
		if (evt_decode(e, rs->r[i], SAKER_REC_MAX, NULL, NULL) < 0)
			continue;
		if (e->hdr.type == type && (!pid || e->hdr.pid == pid) && nth-- == 0)
			return true;
	}
	return false;
}

static const char *pstr(const struct evt *e, const char *name)
{
	const char *s = evt_param_str(e, evt_param_index(e->hdr.type, name));

	return s ? s : "(absent)";
}

static int64_t pnum(const struct evt *e, const char *name)
{
	uint64_t v = 0;

	if (!evt_param_u64(e, evt_param_index(e->hdr.type, name), &v))
		return -99999;
	return (int64_t)v;
}

/* Run the source to its end (launch) or until stop() says so; returns src_next's last value. */
static int drain(struct source *s, struct recs *rs, int limit_ms, bool (*stop)(const void *rec))
{
	uint64_t end = clock_ns(CLOCK_MONOTONIC) + (uint64_t)limit_ms * 1000000ull;
	const void *rec;
	int k;

	while (clock_ns(CLOCK_MONOTONIC) < end) {
		k = src_next(s, 100, &rec);
		if (k < 0 || k == SRC_EOF)
			return k;
		if (k != SRC_RECORD)
			continue;
		recs_add(rs, rec);
		if (stop && stop(rec))
			return k;
	}
	return SRC_TIMEOUT;
}

static struct source *launch(char **argv, const char *types)
{
	struct src_config cfg = { .driver = "ptrace", .argv = argv };
	struct src_interest want = { 0 };
	struct source *s = NULL;
	char err[512];

	if (src_open(&cfg, &s, err, sizeof(err)) < 0) {
		tap_diag("src_open: %s", err);
		return NULL;
	}
	if (types) {
		char buf[256], *save = NULL;

		snprintf(buf, sizeof(buf), "%s", types);
		for (char *t = strtok_r(buf, ",", &save); t; t = strtok_r(NULL, ",", &save))
			src_interest_set(&want, (unsigned)evt_type_by_name(t));
		src_set_interest(s, &want);
	}
	return s;
}

/* ---- cases ---- */

static int listener(int *ret_port)
{
	struct sockaddr_in sa = { .sin_family = AF_INET };
	socklen_t len = sizeof(sa);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	if (s < 0 || bind(s, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(s, 8) < 0 ||
	    getsockname(s, (struct sockaddr *)&sa, &len) < 0)
		return -1;
	*ret_port = ntohs(sa.sin_port);
	return s;
}

static void test_launch_basic(void)
{
	struct recs rs = { 0 };
	char port[16], want_tuple[64];
	char *argv[] = { self, "--role", "basic", port, marker, NULL };
	int lport = 0, lfd = listener(&lport), st = -1, k;
	struct source *s;
	struct evt e, c;
	uint32_t root;

	snprintf(port, sizeof(port), "%d", lport);
	s = launch(argv, NULL);
	if (!tap_ok(s != NULL, "launch: source opens")) {
		close(lfd);
		return;
	}
	k = drain(s, &rs, 20000, NULL);
	tap_is_int(k, SRC_EOF, "launch: the source ends when the traced tree is gone");
	tap_is_int(rs.bad, 0, "launch: every record decodes");
	src_ptrace_exit_status(s, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 7,
	       "launch: the command's exit status (7) passes through (status %#x)", st);
	tap_is_int(src_ptrace_exit_code(st), 7, "launch: exit code for a strace-like front end");

	tap_ok(find(&rs, SAKER_EV_EXECVE, 0, 0, &e), "launch: the command's execve is reported");
	root = e.hdr.pid;
	tap_is_int(e.hdr.res, 0, "execve: res 0");
	tap_is_str(pstr(&e, "filename"), self, "execve: filename as given");
	tap_is_str(pstr(&e, "exepath"), self, "execve: exepath from the kernel");
	tap_ok(strcmp(pstr(&e, "comm"), "test_ptrace") == 0, "execve: comm is %s",
	       pstr(&e, "comm"));
	tap_is_int(pnum(&e, "ptid"), getpid(), "execve: ptid is the tracer (its parent)");
	{
		const struct evt_param *a = evt_param(&e, 1);

		tap_ok(a && a->len > 10 && memmem(a->val, a->len, "--role\0basic", 12),
		       "execve: argv carries the arguments");
	}
	tap_ok(pnum(&e, "uid") == (int64_t)getuid() && pnum(&e, "exe_ino") > 0 &&
		       pnum(&e, "start_ts") > 0 && strcmp(pstr(&e, "cwd"), "(absent)") != 0,
	       "execve: uid, exe inode, start time, cwd are filled");
	tap_ok(evt_param(&e, evt_param_index(SAKER_EV_EXECVE, "env")) != NULL &&
		       evt_param(&e, evt_param_index(SAKER_EV_EXECVE, "cgroups")) != NULL,
	       "execve: env and cgroups are filled");

	tap_ok(find(&rs, SAKER_EV_OPENAT, root, 0, &e) || find(&rs, SAKER_EV_OPEN, root, 0, &e),
	       "openat is reported");
	for (int i = 0; find(&rs, SAKER_EV_OPENAT, root, i, &e); i++)
		if (strcmp(pstr(&e, "name"), marker) == 0)
			break;
	tap_is_str(pstr(&e, "name"), marker, "openat: the path");
	tap_ok(e.hdr.res >= 0 && pnum(&e, "dirfd") == AT_FDCWD && pnum(&e, "ino") > 0,
	       "openat: fd, dirfd AT_FDCWD and the inode of the opened file");

	tap_ok(find(&rs, SAKER_EV_CONNECT, root, 0, &e), "connect is reported");
	{
		char buf[256];
		const struct evt_param *tp = evt_param(&e, 2), *ap = evt_param(&e, 1);
		uint16_t lp = 0, rp = 0, ap_port = 0;

		if (tp && tp->len == SAKER_TUPLE_INET_SIZE) {
			memcpy(&lp, tp->val + 5, 2);
			memcpy(&rp, tp->val + 11, 2);
		}
		if (ap && ap->len == SAKER_SOCK_INET_SIZE)
			memcpy(&ap_port, ap->val + 5, 2);
		snprintf(want_tuple, sizeof(want_tuple), "%d", lport);
		snprintf(buf, sizeof(buf), "%u", rp);
		tap_ok(tp && tp->len == SAKER_TUPLE_INET_SIZE && tp->val[0] == AF_INET &&
			       !memcmp(tp->val + 1, "\x7f\0\0\x01", 4) && lp != 0 &&
			       !memcmp(tp->val + 7, "\x7f\0\0\x01", 4),
		       "connect: tuple is 127.0.0.1:%u -> 127.0.0.1:%u", lp, rp);
		tap_is_str(buf, want_tuple, "connect: tuple's remote port is the listener's");
		tap_is_int(ap_port, lport, "connect: addr carries the port");
	}

	tap_ok(find(&rs, SAKER_EV_CLONE, root, 0, &e) || find(&rs, SAKER_EV_FORK, root, 0, &e),
	       "fork (clone) is reported on the parent side");
	tap_ok(e.hdr.res > 0 && e.hdr.tid == root, "clone parent side: res is the child's pid");
	{
		uint32_t child = (uint32_t)e.hdr.res;

		tap_ok(find(&rs, e.hdr.type, child, 0, &c) && c.hdr.res == 0 && c.hdr.tid == child,
		       "clone child side: res 0, tid is the child");
		tap_is_int(pnum(&c, "ptid"), root, "clone child side: ptid is the parent");
		tap_ok(pnum(&c, "flags") == pnum(&e, "flags"),
		       "clone child side: flags are the parent's (%#llx)",
		       (unsigned long long)pnum(&e, "flags"));
		tap_ok(find(&rs, SAKER_EV_EXECVE, child, 0, &c) && c.hdr.res == 0,
		       "the child's execve is reported under the child's pid");
		tap_is_str(pstr(&c, "exepath"), "/usr/bin/true", "child execve: exepath");
		tap_ok(memmem(evt_param(&c, 1)->val, evt_param(&c, 1)->len, "true\0from-child", 15),
		       "child execve: argv");
		tap_ok(find(&rs, SAKER_EV_PROCEXIT, child, 0, &c), "the child's exit is reported");
	}
	tap_ok(find(&rs, SAKER_EV_PROCEXIT, root, 0, &e) && WIFEXITED(pnum(&e, "status")) &&
		       WEXITSTATUS(pnum(&e, "status")) == 7,
	       "procexit of the command carries its status");
	src_close(s);
	recs_free(&rs);
	close(lfd);
}

/* Syscalls outside the filter never stop the tracee; returns stops, or -1. */
static long stops_of(char **argv, const char *types, double *ret_us)
{
	struct recs rs = { 0 };
	struct ptr_counters c;
	struct source *s = launch(argv, types);
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
	int st;

	if (!s)
		return -1;
	drain(s, &rs, 60000, NULL);
	if (ret_us)
		*ret_us = (double)(clock_ns(CLOCK_MONOTONIC) - t0) / 1000.0;
	src_ptrace_counters(s, &c);
	if (src_ptrace_exit_status(s, &st) < 0 || !WIFEXITED(st) || WEXITSTATUS(st))
		tap_diag("%s %s exited with status %#x", argv[2], argv[3], st);
	src_close(s);
	recs_free(&rs);
	return (long)c.stops;
}

static double untraced_us(char **argv)
{
	uint64_t t0 = clock_ns(CLOCK_MONOTONIC);
	pid_t pid = fork();
	int st;

	if (pid == 0) {
		execv(self, argv);
		_exit(127);
	}
	waitpid(pid, &st, 0);
	return (double)(clock_ns(CLOCK_MONOTONIC) - t0) / 1000.0;
}

static void test_filter(void)
{
	char *gp[] = { self, "--role", "getppid", "20000", NULL };
	char *op[] = { self, "--role", "open", "5000", NULL };
	double t_gp, t_op, u_gp, u_op, t_small;
	char *op0[] = { self, "--role", "open", "0", NULL };
	long n;

	n = stops_of(gp, "openat", &t_gp);
	tap_ok(n >= 0 && n < 200, "20000 getppid calls outside the filter: %ld stops", n);
	n = stops_of(op, "openat", &t_op);
	tap_ok(n >= 5000 * 2, "5000 openat calls in the filter: %ld stops", n);
	stops_of(op0, "openat", &t_small);
	u_gp = untraced_us(gp);
	u_op = untraced_us(op);
	tap_diag("getppid x20000: %.0f us traced, %.0f us untraced", t_gp, u_gp);
	tap_diag("open+close x5000 (openat traced, close not): %.0f us traced, %.0f us "
		 "untraced: %.1f us per traced syscall",
		 t_op, u_op, (t_op - t_small - u_op) / 10000.0);
}

static void test_threadexec(void)
{
	char *argv[] = { self, "--role", "threadexec", NULL };
	struct recs rs = { 0 };
	struct source *s;
	struct evt e;
	int st = -1, k;
	pid_t other = fork();

	/* A child of ours that is not traced must neither delay the end nor be reaped. */
	if (other == 0) {
		pause();
		_exit(0);
	}
	s = launch(argv, "execve");
	if (!s)
		return;
	k = drain(s, &rs, 20000, NULL);
	tap_is_int(k, SRC_EOF, "thread exec: the end comes while an untraced child lives on");
	tap_ok(waitpid(other, &st, WNOHANG) == 0, "thread exec: the untraced child was not reaped");
	kill(other, SIGKILL);
	waitpid(other, &st, 0);
	src_ptrace_exit_status(s, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 3,
	       "thread exec: the new image's exit status passes through (%#x)", st);
	tap_ok(find(&rs, SAKER_EV_EXECVE, 0, 1, &e), "thread exec: the second execve is reported");
	tap_ok(e.hdr.res == 0 && e.hdr.tid == e.hdr.pid,
	       "thread exec: reported after the exec under the leader's id (tid %u pid %u)",
	       e.hdr.tid, e.hdr.pid);
	tap_ok(memmem(evt_param(&e, 1)->val, evt_param(&e, 1)->len,
		      "exitcode\0"
		      "3",
		      10),
	       "thread exec: argv is the new image's");
	{
		struct evt first;

		tap_ok(find(&rs, SAKER_EV_EXECVE, 0, 0, &first) && first.hdr.pid == e.hdr.pid,
		       "thread exec: same pid as the process that started it");
	}
	src_close(s);
	recs_free(&rs);
}

static bool is_marker_open(const void *rec)
{
	struct evt e;

	return evt_decode(&e, rec, SAKER_REC_MAX, NULL, NULL) == 0 &&
	       e.hdr.type == SAKER_EV_OPENAT && strcmp(pstr(&e, "name"), marker) == 0;
}

static char proc_state(pid_t pid, int *ret_tracer)
{
	char path[64], buf[2048], *p;
	FILE *f;
	size_t n;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)pid);
	f = fopen(path, "re");
	if (!f)
		return '?';
	n = fread(buf, 1, sizeof(buf) - 1, f);
	fclose(f);
	buf[n] = '\0';
	p = strstr(buf, "TracerPid:");
	*ret_tracer = p ? atoi(p + 10) : -1;
	p = strstr(buf, "State:");
	return p ? p[7] : '?';
}

static void test_signals(void)
{
	char *argv[] = { self, "--role", "sigwait", marker, NULL };
	struct recs rs = { 0 };
	struct source *s = launch(argv, "openat");
	struct evt e;
	int st = -1, tr;
	pid_t pid;
	char state;

	if (!s)
		return;
	drain(s, &rs, 10000, is_marker_open);
	if (!tap_ok(find(&rs, SAKER_EV_OPENAT, 0, 0, &e), "signals: the tracee runs")) {
		src_close(s);
		return;
	}
	pid = (pid_t)e.hdr.pid;
	kill(pid, SIGSTOP);
	drain(s, &rs, 500, NULL);
	state = proc_state(pid, &tr);
	tap_ok(state == 't' || state == 'T', "signals: SIGSTOP stops the tracee (State %c)", state);
	kill(pid, SIGCONT);
	drain(s, &rs, 500, NULL);
	state = proc_state(pid, &tr);
	tap_ok(state == 'S' || state == 'R', "signals: SIGCONT resumes it (State %c)", state);
	kill(pid, SIGUSR1);
	drain(s, &rs, 10000, NULL);
	src_ptrace_exit_status(s, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	       "signals: SIGUSR1 reached the tracee's handler (status %#x)", st);
	src_close(s);
	recs_free(&rs);
}

/* Does this machine run int 0x80 from 64-bit code? (Some hypervisors fault it.) */
static bool int80_works(void)
{
	pid_t pid = fork();
	int st;

	if (pid == 0)
		_exit(role_i386());
	return waitpid(pid, &st, 0) == pid && WIFEXITED(st) && WEXITSTATUS(st) == 0;
}

static void test_foreign_abi(void)
{
	char *x32[] = { self, "--role", "x32", NULL };
	char *i386[] = { self, "--role", "i386", NULL };
	struct recs rs = { 0 };
	struct source *s = launch(x32, "open,openat");
	struct ptr_counters c;
	struct evt e;
	int st = -1;

	if (!s)
		return;
	drain(s, &rs, 10000, NULL);
	src_ptrace_counters(s, &c);
	src_ptrace_exit_status(s, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "x32: the call ran under trace (status %#x)",
	       st);
	tap_ok(c.foreign_abi >= 1, "x32: the call stopped the tracee (%llu)",
	       (unsigned long long)c.foreign_abi);
	src_close(s);
	recs_free(&rs);
	if (!int80_works()) {
		tap_skip(3, "int 0x80 faults on this machine (hypervisor without i386 entry)");
		return;
	}
	s = launch(i386, "open,openat");
	if (!s)
		return;
	drain(s, &rs, 10000, NULL);
	src_ptrace_counters(s, &c);
	src_ptrace_exit_status(s, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "i386: the int 0x80 open worked under trace (status %#x)", st);
	tap_ok(c.foreign_abi >= 1, "i386: the call stopped the tracee (%llu)",
	       (unsigned long long)c.foreign_abi);
	tap_ok(find(&rs, SAKER_EV_OPEN, 0, 0, &e) && strcmp(pstr(&e, "name"), "/dev/null") == 0 &&
		       e.hdr.res >= 0,
	       "i386: the open is decoded (%s)", pstr(&e, "name"));
	src_close(s);
	recs_free(&rs);
}

static void test_vfork_badexec(void)
{
	char *vf[] = { self, "--role", "vfork", NULL };
	char *be[] = { self, "--role", "badexec", NULL };
	struct recs rs = { 0 };
	struct source *s = launch(vf, "execve");
	struct evt e = { 0 }, c;
	int st = -1;

	if (!s)
		return;
	drain(s, &rs, 10000, NULL);
	src_ptrace_exit_status(s, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "vfork: the command completes (%#x)", st);
	for (int i = 0; find(&rs, SAKER_EV_VFORK, 0, i, &e); i++)
		if (e.hdr.res != 0)
			break;
	tap_ok(e.hdr.type == SAKER_EV_VFORK && e.hdr.res > 0 && e.hdr.tid != (uint32_t)e.hdr.res,
	       "vfork: parent side reported with the child's pid");
	tap_ok(find(&rs, SAKER_EV_VFORK, (uint32_t)e.hdr.res, 0, &c) && c.hdr.res == 0,
	       "vfork: child side reported");
	tap_ok(find(&rs, SAKER_EV_EXECVE, (uint32_t)e.hdr.res, 0, &c) &&
		       strcmp(pstr(&c, "exepath"), "/usr/bin/true") == 0,
	       "vfork: the child's execve");
	src_close(s);
	recs_free(&rs);

	s = launch(be, "execve");
	if (!s)
		return;
	drain(s, &rs, 10000, NULL);
	src_ptrace_exit_status(s, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 5, "failed execve: command saw ENOENT (%#x)",
	       st);
	tap_ok(find(&rs, SAKER_EV_EXECVE, 0, 1, &e) && e.hdr.res == -ENOENT,
	       "failed execve: reported with res -ENOENT");
	tap_is_str(pstr(&e, "filename"), "/nonexistent/saker-test", "failed execve: filename");
	tap_ok(evt_param(&e, 1) && evt_param(&e, 1)->len == 4 &&
		       !memcmp(evt_param(&e, 1)->val, "x\0y", 4),
	       "failed execve: argv read from the caller's memory");
	tap_is_str(pstr(&e, "exepath"), self, "failed execve: exepath is still the caller's");
	src_close(s);
	recs_free(&rs);
}

static void test_launch_close(void)
{
	char *argv[] = { self, "--role", "sigwait", marker, NULL };
	struct recs rs = { 0 };
	struct source *s = launch(argv, "openat");
	struct src_config cfg = { .driver = "ptrace",
				  .argv = (char *[]){ "/nonexistent/x", NULL } };
	uint64_t t0;
	struct evt e;
	char err[512];
	const void *rec;
	pid_t pid;

	if (!s)
		return;
	drain(s, &rs, 10000, is_marker_open);
	if (!tap_ok(find(&rs, SAKER_EV_OPENAT, 0, 0, &e), "launch close: the command runs")) {
		src_close(s);
		return;
	}
	pid = (pid_t)e.hdr.pid;
	t0 = clock_ns(CLOCK_MONOTONIC);
	src_close(s);
	tap_ok(kill(pid, 0) < 0 && errno == ESRCH,
	       "launch close: the traced command is killed and reaped");
	tap_ok(clock_ns(CLOCK_MONOTONIC) - t0 < 2000000000ull, "launch close: promptly");
	recs_free(&rs);

	s = NULL;
	if (tap_ok(src_open(&cfg, &s, err, sizeof(err)) == 0, "a missing command: source opens")) {
		int k;

		while ((k = src_next(s, 100, &rec)) == SRC_TIMEOUT)
			;
		tap_ok(k == -ENOENT && strstr(s->error, "nonexistent"),
		       "a missing command: src_next fails and names it (%s)", s->error);
		src_close(s);
	}
}

static void test_timeout(void)
{
	char *argv[] = { self, "--role", "sleep", "1500", NULL };
	struct source *s = launch(argv, "openat");
	const void *rec;
	uint64_t t0, dt;
	int k;

	if (!s)
		return;
	/* Past the loader's opens, into the sleep. */
	while ((k = src_next(s, 300, &rec)) == SRC_RECORD || k == SRC_SNAPSHOT_END)
		;
	t0 = clock_ns(CLOCK_MONOTONIC);
	k = src_next(s, 200, &rec);
	dt = (clock_ns(CLOCK_MONOTONIC) - t0) / 1000000;
	tap_ok(k == SRC_TIMEOUT && dt >= 190 && dt < 1000,
	       "timeout: src_next returns SRC_TIMEOUT after its timeout (%d, %llu ms)", k,
	       (unsigned long long)dt);
	while ((k = src_next(s, 300, &rec)) != SRC_EOF && k >= 0)
		;
	tap_is_int(k, SRC_EOF, "timeout: the source still runs to its end");
	src_close(s);
}

static void attach_child_loop(void)
{
	int null = open("/dev/null", O_WRONLY | O_CLOEXEC);

	for (;;) {
		close(open(marker, O_RDONLY | O_CLOEXEC));
		if (write(null, "x", 1) < 0)
			_exit(1);
		usleep(20000);
	}
}

static void *spin_thread(void *arg)
{
	for (;;)
		usleep(5000);
	return NULL;
}

static void test_attach(bool syscall_info)
{
	struct src_config cfg = { .driver = "ptrace", .npids = 1 };
	struct recs rs = { 0 };
	struct source *s = NULL;
	struct evt e;
	char err[512], state;
	int pidv, tr = -1, st;
	pid_t pid = fork();

	if (pid == 0) {
		pthread_t th;

		pthread_create(&th, NULL, spin_thread, NULL);
		attach_child_loop();
	}
	pidv = pid;
	cfg.pids = &pidv;
	usleep(50000);
	if (!tap_ok(src_open(&cfg, &s, err, sizeof(err)) == 0, "attach: seizes a running process"))
		tap_diag("%s", err);
	if (s) {
		struct src_interest want = { 0 };

		src_interest_set(&want, SAKER_EV_OPENAT);
		src_set_interest(s, &want);
		drain(s, &rs, 10000, is_marker_open);
		drain(s, &rs, 100, NULL);
		tap_ok(!find(&rs, SAKER_EV_WRITE, 0, 0, &e),
		       "attach: interest applies in the tracer (no write records)");
		tap_ok(find(&rs, SAKER_EV_PROC_SNAPSHOT, (uint32_t)pid, 1, &e),
		       "attach: a snapshot of each of its threads");
		tap_ok(find(&rs, SAKER_EV_OPENAT, (uint32_t)pid, 0, &e) &&
			       strcmp(pstr(&e, "name"), marker) == 0 && e.hdr.res >= 0,
		       "attach: sees the process open its file");
		tap_is_int(rs.bad, 0, "attach: every record decodes");
		src_close(s);
	}
	usleep(100000);
	state = proc_state(pid, &tr);
	tap_ok(state == 'S' || state == 'R', "detach: the process keeps running (State %c)", state);
	tap_is_int(tr, 0, "detach: no tracer left (TracerPid)");
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	tap_ok(WIFSIGNALED(st) && WTERMSIG(st) == SIGKILL,
	       "detach: the process was alive until killed");
	recs_free(&rs);
	(void)syscall_info;
}

/* The PTRACE_GETREGS fallback, through the tracer's own interface. */
static int push(void *ctx, const void *rec, size_t len)
{
	recs_add(ctx, rec);
	return 0;
}

static void test_getregs(void)
{
	char *argv[] = { self, "--role", "sigwait", marker, NULL };
	struct ptr_config pc = { .argv = argv, .no_syscall_info = true };
	struct recs rs = { 0 };
	struct ptr_tracer *t;
	struct ptr_counters c;
	struct evt e;
	char err[512];
	int r, st = -1;

	if (ptr_tracer_new(&pc, push, &rs, &t, err, sizeof(err)) < 0 ||
	    ptr_tracer_start(t, err, sizeof(err)) < 0) {
		tap_ok(false, "getregs: tracer starts: %s", err);
		return;
	}
	while ((r = ptr_tracer_run(t, 100)) >= 0 && !(rs.n && is_marker_open(rs.r[rs.n - 1])))
		;
	ptr_tracer_counters(t, &c);
	tap_ok(!c.syscall_info, "getregs: GET_SYSCALL_INFO not used");
	for (int i = 0; find(&rs, SAKER_EV_OPENAT, 0, i, &e); i++)
		if (strcmp(pstr(&e, "name"), marker) == 0)
			break;
	tap_is_str(pstr(&e, "name"), marker, "getregs: openat path decoded from registers");
	kill((pid_t)e.hdr.pid, SIGUSR1);
	while (ptr_tracer_run(t, 100) >= 0)
		;
	ptr_tracer_exit_status(t, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 42,
	       "getregs: the command ran to its end (status %#x)", st);
	ptr_tracer_free(t);
	recs_free(&rs);
}

/* The nth child-side clone record (res 0) of any child of pid. */
static bool find_child_clone(const struct recs *rs, uint32_t parent, int nth, struct evt *e)
{
	for (size_t i = 0; i < rs->n; i++) {
		if (evt_decode(e, rs->r[i], SAKER_REC_MAX, NULL, NULL) < 0)
			continue;
		if (e->hdr.type == SAKER_EV_CLONE && e->hdr.res == 0 &&
		    pnum(e, "ptid") == (int64_t)parent && nth-- == 0)
			return true;
	}
	return false;
}

static void test_clone_facts(void)
{
	char *argv[] = { self, "--role", "facts", NULL };
	char cwd[4096];
	struct recs rs = { 0 };
	struct source *s = launch(argv, NULL);
	struct evt e;
	uint32_t pid = 0;
	bool ok;

	if (!getcwd(cwd, sizeof(cwd)))
		snprintf(cwd, sizeof(cwd), "?");
	int st = -1;

	drain(s, &rs, 10000, NULL);
	src_ptrace_exit_status(s, &st);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "clone facts: the command ran (%#x)", st);
	if (find(&rs, SAKER_EV_EXECVE, 0, 0, &e))
		pid = e.hdr.pid;
	ok = find_child_clone(&rs, pid, 0, &e);
	tap_ok(ok && !strcmp(pstr(&e, "cwd"), cwd) && !strcmp(pstr(&e, "exepath"), self) &&
		       pnum(&e, "uid") == (int64_t)getuid(),
	       "clone facts: the first child has the creator's cwd, exe and uid (%s)",
	       ok ? pstr(&e, "cwd") : "no record");
	ok = find_child_clone(&rs, pid, 1, &e);
	tap_ok(ok && !strcmp(pstr(&e, "cwd"), "/"),
	       "clone facts: after chdir the next child's cwd is / (%s)",
	       ok ? pstr(&e, "cwd") : "no record");
	ok = find_child_clone(&rs, pid, 2, &e);
	tap_ok(ok && pnum(&e, "pgid") == (int64_t)pid && pnum(&e, "vpgid") == (int64_t)pid &&
		       pnum(&e, "vtid") == (int64_t)e.hdr.tid,
	       "clone facts: after an untraced setpgid the child's pgid is %u (%lld), vtid its tid",
	       pid, ok ? (long long)pnum(&e, "pgid") : -1LL);
	tap_ok(ok && pnum(&e, "start_ts") > 0 && strcmp(pstr(&e, "comm"), "(absent)"),
	       "clone facts: the child's own start time and comm are filled");
	src_close(s);
	recs_free(&rs);
}

/*
 * The filter alone, without a tracer: a call it traces fails with ENOSYS
 * (nobody handles RET_TRACE), a call it allows works.
 */
static void test_filter_alone(void)
{
	uint8_t want[SRC_INTEREST_BYTES] = { 0 };
	struct ptr_sysset set;
	uint8_t *sys = set.x64;
	bool i386 = int80_works();
	pid_t pid;
	int st;

	want[SAKER_EV_OPENAT / 8] |= 1u << (SAKER_EV_OPENAT % 8);
	ptr_filter_syscalls(want, &set);
	tap_ok((sys[SYS_openat / 8] >> (SYS_openat % 8)) & 1 &&
		       (sys[SYS_chdir / 8] >> (SYS_chdir % 8)) & 1 &&
		       !((sys[SYS_close / 8] >> (SYS_close % 8)) & 1) &&
		       !((sys[SYS_fcntl / 8] >> (SYS_fcntl % 8)) & 1) &&
		       !((sys[SYS_read / 8] >> (SYS_read % 8)) & 1),
	       "filter set: openat (wanted) and chdir (cwd), not close, fcntl (fd table only) "
	       "or read");
	{
		char d[2048];
		unsigned n = 0;

		for (unsigned nr = 0; nr < PTR_NR_BITS; nr++)
			n += (sys[nr / 8] >> (nr % 8)) & 1;
		ptr_filter_describe(&set, d, sizeof(d));
		tap_ok(strtoul(d, NULL, 10) == n && strstr(d, " openat(257)") &&
			       strstr(d, " chdir(80)") && !strstr(d, " fcntl(") &&
			       strstr(d, "; on fd 0-2 only: close(3)"),
		       "the filter described: %u calls, openat(257) chdir(80), close(3) on fd 0-2 only "
		       "(%.60s...)",
		       n, d);
	}
	pid = fork();
	if (pid == 0) {
		int r = ptr_filter_install(&set), fd, e;

		if (r < 0)
			_exit(10);
		/* The fd table's own calls run untraced. */
		if (syscall(SYS_fcntl, 0, F_DUPFD_CLOEXEC, 10) < 0 ||
		    syscall(SYS_fcntl, 0, F_SETFD, FD_CLOEXEC) < 0 || syscall(SYS_close, 10) < 0)
			_exit(14);
		fd = (int)syscall(SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY);
		e = errno;
		if (fd >= 0 || e != ENOSYS)
			_exit(11);
		if (syscall(SYS_getppid) <= 0)
			_exit(12);
		/* x32: openat is traced, getppid is not (it fails where x32 is off). */
		if (syscall(0x40000000 | SYS_openat, AT_FDCWD, "/dev/null", O_RDONLY) != -1 ||
		    errno != ENOSYS)
			_exit(13);
		/* i386: open (5) and socketcall (102) are traced, getppid (64) is not. */
		if (i386 && (int80(64, 0, 0, 0) != getppid() || int80(5, 0, 0, 0) != -ENOSYS ||
			     int80(102, 3, 0, 0) != -ENOSYS))
			_exit(17);
		_exit(0);
	}
	waitpid(pid, &st, 0);
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0,
	       "filter alone: a traced call (and x32 openat, i386 open and socketcall) fails "
	       "with ENOSYS, others (and fcntl F_DUPFD_CLOEXEC, F_SETFD, close, i386 getppid) "
	       "run (%#x)",
	       st);
}

/* ---- the verdict at entry ---- */

struct verdict_ctx {
	struct recs *rs; /* what the consumer took so far */
	unsigned asked, keep, bad, dirfd_unsynced;
};

static bool snapshot_of(const struct recs *rs, uint32_t pid, int64_t fd)
{
	struct evt e;

	for (int i = 0; find(rs, SAKER_EV_FD_SNAPSHOT, pid, i, &e); i++)
		if (pnum(&e, "fd") == fd)
			return true;
	return false;
}

static bool verdict_gate(void *ud, const void *rec, size_t len)
{
	struct verdict_ctx *v = ud;
	const char *name;
	struct evt e;

	if (evt_decode(&e, rec, len, NULL, NULL) < 0 || e.hdr.type != SAKER_EV_OPENAT ||
	    e.hdr.res != -EINPROGRESS || pnum(&e, "dev") != -99999) {
		v->bad++;
		return true;
	}
	name = pstr(&e, "name");
	/* The loader's opens are asked too: those are kept, and not counted. */
	if (!strstr(name, dir) && strcmp(name, "keep") && strcmp(name, "skip"))
		return true;
	v->asked++;
	/* A relative open through a dirfd is asked only once the state could know the dirfd. */
	if (name[0] != '/' && (int32_t)pnum(&e, "dirfd") != AT_FDCWD &&
	    !snapshot_of(v->rs, e.hdr.pid, (int32_t)pnum(&e, "dirfd")))
		v->dirfd_unsynced++;
	if (!strstr(name, "keep"))
		return false;
	v->keep++;
	return true;
}

static uint64_t detail_num(const char *detail, const char *key)
{
	const char *p = strstr(detail, key);

	return p ? strtoull(p + strlen(key), NULL, 10) : UINT64_MAX;
}

static void test_verdict(void)
{
	char *argv[] = { self, "--role", "verdict", dir, NULL };
	struct recs rs = { 0 };
	struct verdict_ctx v = { .rs = &rs };
	struct source *s = launch(argv, "openat,fchmod");
	struct src_stats st;
	char detail[256];
	struct evt e;
	int n = 0, k, keep = 0, skip = 0, fd2 = -1;
	bool named = false;
	char p[4200];

	if (!s)
		return;
	snprintf(p, sizeof(p), "%s/keep", dir);
	close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	snprintf(p, sizeof(p), "%s/skip", dir);
	close(open(p, O_CREAT | O_WRONLY | O_CLOEXEC, 0644));
	tap_ok(src_set_gate(s, verdict_gate, &v), "verdict: the ptrace source takes a gate");
	k = drain(s, &rs, 20000, NULL);
	tap_ok(k == SRC_EOF, "verdict: the command ran to its end (%d)", k);
	for (int i = 0; find(&rs, SAKER_EV_OPENAT, 0, i, &e); i++) {
		const char *name = pstr(&e, "name");

		if (!strstr(name, dir) && strcmp(name, "keep") && strcmp(name, "skip"))
			continue;
		if (strstr(name, "keep")) {
			keep++;
			n += e.hdr.res >= 0 && pnum(&e, "ino") > 0;
		} else {
			skip++;
		}
	}
	tap_ok(keep == 2 && n == 2,
	       "verdict: the opens a rule may match have their records, result, inode (%d, %d)",
	       keep, n);
	tap_ok(skip == 0, "verdict: the opens no rule can match have none (%d)", skip);
	tap_ok(v.asked == 9 && v.keep == 2 && v.bad == 0,
	       "verdict: asked at each entry with the record but its result (%u asked, %u kept, "
	       "%u malformed)",
	       v.asked, v.keep, v.bad);
	tap_ok(v.dirfd_unsynced == 0, "verdict: a dirfd open is asked after the dirfd's snapshot");
	/* fchmod names the fd the skipped openat(dirfd, "skip") made. */
	if (find(&rs, SAKER_EV_FCHMOD, 0, 0, &e))
		fd2 = (int)pnum(&e, "fd");
	for (size_t i = 0; i < rs.n && !named; i++) {
		struct evt x;

		if (evt_decode(&x, rs.r[i], SAKER_REC_MAX, NULL, NULL) < 0)
			continue;
		if (x.hdr.type == SAKER_EV_FCHMOD)
			break;
		named = x.hdr.type == SAKER_EV_FD_SNAPSHOT && pnum(&x, "fd") == fd2 &&
			!strcmp(pstr(&x, "name"), p);
	}
	tap_ok(fd2 >= 0 && named, "verdict: a skipped open's fd is named before a record uses it");
	src_stats(s, &st);
	src_stats_detail(&st, detail, sizeof(detail));
	tap_ok(detail_num(detail, "verdicts=") >= 9 && detail_num(detail, "exits_skipped=") == 7 &&
		       detail_num(detail, "parked=") >= 1,
	       "verdict: counted (%s)", detail);
	src_close(s);
	recs_free(&rs);
	unlink(p);
	snprintf(p, sizeof(p), "%s/keep", dir);
	unlink(p);
}

static bool ptrace_allowed(char *why, size_t len)
{
	pid_t pid = fork();
	int st, e = 0;

	if (pid == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_SEIZE, pid, 0, 0) < 0)
		e = errno;
	kill(pid, SIGKILL);
	waitpid(pid, &st, 0);
	snprintf(why, len, "ptrace is not permitted here: %s", strerror(e));
	return e == 0;
}

int main(int argc, char **argv)
{
	char why[256];
	ssize_t n;
	int fd;

	n = readlink("/proc/self/exe", self, sizeof(self) - 1);
	if (n > 0)
		self[n] = '\0';
	if (argc >= 3 && strcmp(argv[1], "--role") == 0)
		return run_role(argc, argv);
	if (!ptrace_allowed(why, sizeof(why)))
		tap_skip_all("%s", why);
	if (n <= 0 || !mkdtemp(dir))
		tap_skip_all("no /proc/self/exe or no temporary directory");
	snprintf(marker, sizeof(marker), "%s/marker", dir);
	fd = open(marker, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	close(fd);

	test_filter_alone();
	test_launch_basic();
	test_filter();
	test_threadexec();
	test_signals();
	test_foreign_abi();
	test_vfork_badexec();
	test_clone_facts();
	test_verdict();
	test_launch_close();
	test_timeout();
	test_attach(true);
	test_getregs();

	unlink(marker);
	rmdir(dir);
	return tap_done();
}
