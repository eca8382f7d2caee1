// SPDX-License-Identifier: GPL-2.0-only
/* The tables: limits and eviction, look-ups in /proc, seeding, stats. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <limits.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "state_testlib.h"
#include "tap.h"

static void test_thread_limit(void)
{
	struct state_limits lim = { .no_lookups = true, .max_threads = 100 };
	struct state *st = state_new(&lim);
	struct state_stats s;

	for (uint32_t pid = 1000; pid < 1150; pid++)
		tl_snapshot(st, pid, 1, "worker", "/usr/bin/worker", "/");
	state_get_stats(st, &s);
	tap_is_int(s.threads, 100, "thread table filled past its limit holds at 100");
	tap_is_int(s.threads_evicted, 50, "eviction counter moved by 50");
	tap_is_int(s.procs, 100, "their processes went with them");
	tap_ok(state_proc_get(st, 1149) && !state_proc_get(st, 1000),
	       "least recently used evicted first");
	state_free(st);
}

static void test_proc_limit_lru(void)
{
	struct state_limits lim = { .no_lookups = true, .max_procs = 20 };
	struct state *st = state_new(&lim);
	struct state_evctx ctx;
	struct state_stats s;

	for (uint32_t pid = 100; pid < 120; pid++)
		tl_snapshot(st, pid, 1, "p", "/bin/p", "/");
	/* Touch 100 with an event: it becomes most recent. */
	tl_apply(st, tl_begin(SAKER_EV_SETSID, 100, 100, 100), &ctx);
	state_commit(st);
	tl_snapshot(st, 200, 1, "p", "/bin/p", "/");
	state_get_stats(st, &s);
	tap_is_int(s.procs, 20, "process limit holds");
	tap_is_int(s.procs_evicted, 1, "one process evicted");
	tap_ok(state_proc_get(st, 100) && !state_proc_get(st, 101),
	       "a process seen by an event is kept; the idle one goes");
	state_free(st);
}

static void test_ancestor_loop(void)
{
	struct state_limits lim = { .no_lookups = true };
	struct state *st = state_new(&lim);
	struct state_proc *p;

	tl_snapshot(st, 10, 11, "a", "/a", "/");
	tl_snapshot(st, 11, 10, "b", "/b", "/");
	p = state_proc_get(st, 10);
	tap_ok(state_proc_ancestor(st, p, STATE_MAX_ANCESTORS + 1) == NULL,
	       "ancestor walk is bounded");
	tap_ok(state_proc_ancestor(st, p, 2) == p, "a parent loop is walked, not followed forever");
	state_free(st);
}

static void test_strings_shared(void)
{
	struct state_limits lim = { .no_lookups = true };
	struct state *st = state_new(&lim);
	struct state_stats s1, s2;

	tl_snapshot(st, 100, 1, "nginx", "/usr/sbin/nginx", "/");
	state_get_stats(st, &s1);
	for (uint32_t pid = 101; pid < 200; pid++)
		tl_snapshot(st, pid, 1, "nginx", "/usr/sbin/nginx", "/");
	state_get_stats(st, &s2);
	tap_is_int(s2.strings, s1.strings, "99 more identical processes add no strings");
	tap_ok(state_proc_get(st, 150)->exepath == state_proc_get(st, 100)->exepath,
	       "identical exepaths are one interned string");
	state_free(st);
	(void)s1;
}

/*
 * Spawn sleep in /tmp; wait until it has exec'd: the kernel switches the
 * exe link before it publishes the new argv, so wait for the argv.
 */
static pid_t spawn_sleep(void)
{
	char args[64], link[64];
	pid_t pid = fork();

	if (pid == 0) {
		if (chdir("/tmp") == 0)
			execl("/bin/sleep", "sleep", "30", (char *)NULL);
		_exit(127);
	}
	snprintf(link, sizeof(link), "/proc/%d/cmdline", pid);
	for (int i = 0; i < 500; i++) {
		FILE *f = fopen(link, "re");
		size_t n = f ? fread(args, 1, sizeof(args), f) : 0;

		if (f)
			fclose(f);
		if (n == 9 && !memcmp(args,
				      "sleep\0"
				      "30",
				      9))
			break;
		nanosleep(&(struct timespec){ 0, 10000000 }, NULL);
	}
	return pid;
}

static void test_lookup_real_child(void)
{
	struct state *st = state_new(NULL);
	char real[PATH_MAX], buf[256];
	struct state_thread *t;
	struct state_stats s;
	pid_t pid = spawn_sleep();

	t = state_thread_get(st, (uint32_t)pid, true);
	tap_ok(t != NULL, "unknown thread looked up from /proc");
	if (!realpath("/bin/sleep", real))
		strcpy(real, "/bin/sleep");
	tap_is_str(t ? t->comm : "", "sleep", "its comm");
	tap_is_str(t ? state_str_c(t->proc->exepath) : "", real, "its exepath");
	tap_is_str(t ? state_str_c(t->proc->cwd) : "", "/tmp", "its cwd");
	tap_is_str(t ? state_str_c(t->proc->exe) : "", "sleep", "its argv[0]");
	tap_is_str(t ? state_proc_args(t->proc, buf, sizeof(buf)) : "", "30", "its arguments");
	tap_is_int(t ? t->proc->ppid : 0, getpid(), "its parent is this test");
	tap_is_int(t ? t->proc->uid : 1, getuid(), "its uid");
	tap_ok(t && state_fd_get(t->proc, 0) != NULL, "its fds were read too");
	state_get_stats(st, &s);
	tap_is_int(s.lookups, 1, "one look-up counted");
	kill(pid, SIGKILL);
	waitpid(pid, NULL, 0);
	state_free(st);
}

static void test_lookup_limits(void)
{
	struct state_limits lim = { .lookups_per_sec = 2 };
	struct state *st = state_new(&lim);
	struct state_stats s;
	struct state_evctx ctx;

	/* Ids above pid_max: never there. */
	for (uint32_t i = 0; i < 10; i++)
		state_thread_get(st, 0x7ffffff0u + i, true);
	state_get_stats(st, &s);
	tap_is_int(s.lookups + s.lookups_refused, 10, "every look-up attempted or refused");
	tap_ok(s.lookups_refused >= 6, "rate limit refuses the excess (%llu refused)",
	       (unsigned long long)s.lookups_refused);
	tap_is_int(s.lookups_failed, s.lookups, "missing threads counted as failed");
	state_free(st);

	lim = (struct state_limits){ .no_lookups = true };
	st = state_new(&lim);
	tl_apply(st, tl_begin(SAKER_EV_SETSID, (uint32_t)getpid(), (uint32_t)getpid(), 1), &ctx);
	state_commit(st);
	state_get_stats(st, &s);
	tap_ok(!ctx.thread && s.unknown_threads == 1 && s.lookups == 0,
	       "replay mode: no look-up, unknown thread counted");
	state_free(st);
}

static void test_seed(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t slen = sizeof(sa);
	int lsock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), csock = -1;
	struct state *st = state_new(NULL);
	struct state_proc *self;
	struct state_stats s;
	struct state_fd *fd;
	char want[64];
	int n;

	if (lsock >= 0 && bind(lsock, (void *)&sa, sizeof(sa)) == 0 && listen(lsock, 1) == 0 &&
	    getsockname(lsock, (void *)&sa, &slen) == 0) {
		csock = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
		if (connect(csock, (void *)&sa, sizeof(sa)) < 0)
			csock = -1;
	}
	n = state_seed(st);

	tap_ok(n > 0, "seeded from /proc (%d records)", n);
	self = state_proc_get(st, (uint32_t)getpid());
	tap_ok(self != NULL, "this process is in the table");
	tap_is_str(self ? self->comm : "", "test_state", "with its comm");
	tap_ok(self && state_fd_count(self) >= 3, "and its fds");
	tap_ok(state_proc_get(st, 1) != NULL, "init is in the table");
	tap_ok(self && self->container_id, "container id set");
	fd = state_fd_get(self, csock);
	tap_ok(fd && fd->sock && fd->sock->l4proto == IPPROTO_TCP &&
		       fd->sock->role == STATE_ROLE_CLIENT,
	       "seeded tcp connection: tcp, client");
	snprintf(want, sizeof(want), "127.0.0.1:%u->127.0.0.1:%u",
		 fd && fd->sock ? fd->sock->lport : 0, ntohs(sa.sin_port));
	tap_is_str(fd ? state_str_c(fd->name) : "", want, "seeded tcp connection fd.name");
	fd = state_fd_get(self, lsock);
	tap_ok(fd && fd->sock && fd->sock->role == STATE_ROLE_SERVER &&
		       fd->sock->lport == ntohs(sa.sin_port),
	       "seeded listening socket: server, its port");
	snprintf(want, sizeof(want), "127.0.0.1:%u", ntohs(sa.sin_port));
	tap_is_str(fd ? state_str_c(fd->name) : "", want, "seeded listening socket fd.name");
	state_get_stats(st, &s);
	tap_ok(s.fds > 0 && s.fdtables > 0 && s.procs > 1, "stats count fds and fd tables");
	close(csock);
	close(lsock);
	state_free(st);
}

int main(void)
{
	test_thread_limit();
	test_proc_limit_lru();
	test_ancestor_loop();
	test_strings_shared();
	test_lookup_real_child();
	test_lookup_limits();
	test_seed();
	return tap_done();
}
