// SPDX-License-Identifier: GPL-2.0-only
/* Process events: clone in both orders, exec, non-leader exec, exit, reparenting, creds. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <sched.h>
#include <signal.h>
#include <string.h>

#include "state_testlib.h"
#include "tap.h"

static struct state *new_state(void)
{
	struct state_limits lim = { .no_lookups = true };

	return state_new(&lim);
}

static void test_fork_orders(void)
{
	for (int child_first = 0; child_first < 2; child_first++) {
		struct state *st = new_state();
		struct state_proc *c, *p;

		tl_snapshot(st, 1, 0, "systemd", "/usr/lib/systemd/systemd", "/");
		tl_snapshot(st, 100, 1, "bash", "/usr/bin/bash", "/home/u");
		tl_fork(st, 100, 200, SIGCHLD, child_first);
		c = state_proc_get(st, 200);
		p = state_proc_ancestor(st, c, 1);
		tap_ok(c != NULL, "fork (child record %s): child known",
		       child_first ? "first" : "last");
		tap_is_int(c ? c->ppid : 0, 100, "child's ppid is the caller");
		tap_is_str(c ? state_str_c(c->exepath) : "", "/usr/bin/bash",
			   "child inherits exepath");
		tap_is_str(c ? state_str_c(c->cwd) : "", "/home/u", "child inherits cwd");
		tap_is_str(c ? c->comm : "", "bash", "child inherits comm");
		tap_is_str(p ? p->comm : "", "bash", "ancestor 1 is the parent");
		tap_is_str(state_proc_ancestor(st, c, 2) ? state_proc_ancestor(st, c, 2)->comm : "",
			   "systemd", "ancestor 2 is init");
		tap_ok(state_proc_ancestor(st, c, 3) == NULL, "the chain ends at init");
		tap_ok(c && p && c->fdt != p->fdt, "fork copies the fd table");
		tap_is_int(state_thread_get(st, 200, false)->vtid, 200, "child vtid");
		state_free(st);
	}
}

static void test_threads(void)
{
	struct state *st = new_state();
	struct state_thread *t, *l;
	struct state_stats s;

	tl_snapshot(st, 100, 1, "java", "/usr/bin/java", "/");
	tl_fork(st, 100, 101, CLONE_THREAD | CLONE_VM | CLONE_FILES | CLONE_FS | CLONE_SIGHAND,
		false);
	t = state_thread_get(st, 101, false);
	l = state_thread_get(st, 100, false);
	tap_ok(t && l && t->proc == l->proc, "CLONE_THREAD: one process object for both threads");
	tap_is_int(l->proc->nthreads, 2, "process has two threads");
	state_get_stats(st, &s);
	tap_is_int(s.procs, 1, "one process in the table");
	tap_is_int(s.threads, 2, "two threads in the table");

	/* The leader exits first; the process lives on in its other thread. */
	tl_exit(st, 100, 100, 0);
	tap_ok(state_thread_get(st, 100, false) == NULL, "leader thread gone");
	tap_ok(state_proc_get(st, 100) != NULL, "process remains while a thread lives");
	tl_exit(st, 101, 100, 0);
	tap_ok(state_proc_get(st, 100) == NULL, "process gone with its last thread");
	state_free(st);
}

static void test_clone_files(void)
{
	struct state *st = new_state();
	struct state_proc *a, *b;

	tl_snapshot(st, 100, 1, "sh", "/bin/sh", "/");
	tl_fork(st, 100, 200, CLONE_FILES | SIGCHLD, false);
	a = state_proc_get(st, 100);
	b = state_proc_get(st, 200);
	tap_ok(a && b && a->fdt == b->fdt, "CLONE_FILES shares the fd table between processes");
	tl_execve(st, 200, 200, "ls", "/bin/ls", "ls", 3, 0);
	tap_ok(b->fdt != a->fdt, "exec unshares a shared fd table");
	state_free(st);
}

static void test_execve(void)
{
	struct state *st = new_state();
	struct state_proc *p;
	char buf[128];

	tl_snapshot(st, 1, 0, "init", "/sbin/init", "/");
	tl_snapshot(st, 100, 1, "bash", "/usr/bin/bash", "/tmp");
	tl_execve(st, 100, 100, "curl", "/usr/bin/curl", "curl\0-s\0http://x/", 18, 0);
	p = state_proc_get(st, 100);
	tap_is_str(p->comm, "curl", "execve: new comm");
	tap_is_str(state_str_c(p->exe), "curl", "proc.exe is argv[0]");
	tap_is_str(state_str_c(p->exepath), "/usr/bin/curl", "proc.exepath");
	tap_is_str(state_proc_args(p, buf, sizeof(buf)), "-s http://x/", "proc.args");
	tap_is_str(state_proc_cmdline(p, buf, sizeof(buf)), "curl -s http://x/", "proc.cmdline");
	tap_is_str(state_str_c(p->cwd), "/tmp", "cwd survives exec");
	tap_is_int(p->exe_flags & SAKER_EXE_FROM_MEMFD, 0, "not from a memfd");
	state_free(st);
}

static void test_exec_memfd(void)
{
	struct state *st = new_state();
	struct state_proc *p;

	tl_snapshot(st, 100, 1, "python3", "/usr/bin/python3", "/");
	tl_execve(st, 100, 100, "3", "/memfd:payload (deleted)", "payload", 8,
		  SAKER_EXE_FROM_MEMFD);
	p = state_proc_get(st, 100);
	tap_ok(p->exe_flags & SAKER_EXE_FROM_MEMFD, "exec of a memfd: proc.is_exe_from_memfd");
	tap_is_str(state_str_c(p->exepath), "memfd:payload", "memfd exepath in Falco's form");

	/* A snapshot has no flags parameter: the path tells. */
	tl_snapshot(st, 300, 1, "x", "/memfd:runc_cloned:/proc/self/exe (deleted)", "/");
	p = state_proc_get(st, 300);
	tap_ok(p->exe_flags & SAKER_EXE_FROM_MEMFD, "memfd exe seen in a snapshot");
	tap_is_str(state_str_c(p->exepath), "memfd:runc_cloned:/proc/self/exe",
		   "snapshot memfd exepath");

	/* A clone from an unknown caller: its flags are CLONE_*, not exe flags. */
	{
		struct tl_proc pb = { .tid = 400,
				      .pid = 400,
				      .ptid = 1,
				      .comm = "x",
				      .exepath = "/bin/x",
				      .argv = "x",
				      .argv_len = 2,
				      .flags = CLONE_VM | CLONE_VFORK | SIGCHLD };
		struct rec_builder *b = tl_begin(SAKER_EV_CLONE, 400, 400, 401);

		tl_block(b, &pb);
		tl_apply_commit(st, b);
		p = state_proc_get(st, 400);
		tap_ok(p && p->exe_flags == 0, "clone flags are not taken for exe flags");
		tap_ok(state_proc_get(st, 401) && state_proc_get(st, 401)->ppid == 400,
		       "the child of an unknown caller is created");
	}
	state_free(st);
}

static void test_exec_non_leader(void)
{
	struct state *st = new_state();
	struct state_thread *t;
	uint64_t th = CLONE_THREAD | CLONE_VM | CLONE_FILES | CLONE_FS | CLONE_SIGHAND;

	tl_snapshot(st, 100, 1, "app", "/usr/bin/app", "/");
	tl_fork(st, 100, 101, th, false);
	tl_fork(st, 100, 102, th, true);
	tap_is_int(state_proc_get(st, 100)->nthreads, 3, "three threads before exec");
	/* Thread 102 calls execve; the record arrives with the leader's tid. */
	tl_execve(st, 100, 100, "sh", "/bin/sh", "sh", 3, 0);
	t = state_thread_get(st, 100, false);
	tap_ok(t != NULL, "the process keeps the leader's tid");
	tap_is_int(t ? t->proc->nthreads : 0, 1, "other threads vanished");
	tap_ok(!state_thread_get(st, 101, false) && !state_thread_get(st, 102, false),
	       "threads 101 and 102 gone");
	tap_is_str(t ? t->proc->comm : "", "sh", "new image");

	/* Same, with a driver that reports the exec'ing thread's old tid. */
	tl_fork(st, 100, 103, th, false);
	tl_execve(st, 103, 100, "ls", "/bin/ls", "ls", 3, 0);
	t = state_thread_get(st, 100, false);
	tap_ok(t && t->proc->nthreads == 1 && !state_thread_get(st, 103, false),
	       "execve recorded under the old tid: leader tid kept, thread 103 gone");
	tap_is_str(t ? t->comm : "", "ls", "leader thread has the new comm");
	state_free(st);
}

static void test_reparent(void)
{
	struct state *st = new_state();
	struct state_proc *c;

	tl_snapshot(st, 1, 0, "init", "/sbin/init", "/");
	tl_snapshot(st, 50, 1, "subreaper", "/usr/bin/sr", "/");
	tl_snapshot(st, 100, 50, "daemonize", "/usr/bin/d", "/");
	tl_fork(st, 100, 200, SIGCHLD, false);
	tl_fork(st, 100, 201, SIGCHLD, false);
	tl_exit(st, 100, 100, 0);
	c = state_proc_get(st, 200);
	tap_is_int(c ? c->ppid : 0, 1, "parent exits: child reparented to init");
	tap_is_int(state_proc_get(st, 201)->ppid, 1, "second child too");
	tap_is_str(state_proc_ancestor(st, c, 1)->comm, "init", "proc.pname is now init");

	/* With a reaper named by the exit record. */
	tl_fork(st, 50, 300, SIGCHLD, false);
	tl_fork(st, 300, 301, SIGCHLD, false);
	tl_exit(st, 300, 300, 50);
	tap_is_int(state_proc_get(st, 301)->ppid, 50, "child reparented to the subreaper");
	state_free(st);
}

static void test_exit_deferred(void)
{
	struct state *st = new_state();
	struct state_evctx ctx;
	struct rec_builder *b;

	tl_snapshot(st, 100, 1, "sleep", "/bin/sleep", "/");
	b = tl_begin(SAKER_EV_PROCEXIT, 100, 100, 0);
	rb_num(b, 0);
	rb_num(b, 1);
	tl_apply(st, b, &ctx);
	tap_ok(ctx.thread && !strcmp(ctx.thread->comm, "sleep"),
	       "procexit: the exiting thread is visible to rules");
	tap_ok(state_proc_get(st, 100) != NULL, "removal waits for state_commit");
	state_commit(st);
	tap_ok(state_proc_get(st, 100) == NULL, "gone after state_commit");
	state_free(st);
}

static void test_creds(void)
{
	struct state *st = new_state();
	struct state_thread *t;
	struct rec_builder *b;
	struct state_proc *p;

	tl_snapshot(st, 100, 1, "sudo", "/usr/bin/sudo", "/");
	p = state_proc_get(st, 100);
	p->uid = p->euid = p->suid = 1000;
	b = tl_begin(SAKER_EV_SETRESUID, 100, 100, 0);
	rb_num(b, 0);
	rb_num(b, 0);
	rb_num(b, UINT32_MAX);
	tl_apply_commit(st, b);
	tap_ok(p->uid == 0 && p->euid == 0 && p->suid == 1000, "setresuid(0, 0, -1)");
	b = tl_begin(SAKER_EV_SETUID, 100, 100, -1);
	rb_num(b, 42);
	tl_apply_commit(st, b);
	tap_is_int(p->uid, 0, "a failed setuid changes nothing");
	b = tl_begin(SAKER_EV_SETUID, 100, 100, 0);
	rb_num(b, 33);
	tl_apply_commit(st, b);
	tap_ok(p->uid == 33 && p->euid == 33 && p->suid == 33, "setuid as root sets all ids");
	b = tl_begin(SAKER_EV_CAPSET, 100, 100, 0);
	rb_num(b, 1);
	rb_num(b, 2);
	rb_num(b, 3);
	tl_apply_commit(st, b);
	t = state_thread_get(st, 100, false);
	tap_ok(t->cap_inheritable == 1 && t->cap_permitted == 2 && t->cap_effective == 3, "capset");
	b = tl_begin(SAKER_EV_SETSID, 100, 100, 100);
	tl_apply_commit(st, b);
	tap_ok(p->sid == 100 && p->pgid == 100, "setsid");
	b = tl_begin(SAKER_EV_PRCTL, 100, 100, 0);
	rb_num(b, 15);
	rb_str(b, "renamed");
	rb_num(b, 0);
	tl_apply_commit(st, b);
	tap_is_str(t->comm, "renamed", "prctl(PR_SET_NAME)");
	state_free(st);
}

static void test_session_leader(void)
{
	struct state *st = new_state();
	struct state_proc *p;

	tl_snapshot(st, 1, 0, "init", "/sbin/init", "/");
	tl_snapshot(st, 10, 1, "sshd", "/usr/sbin/sshd", "/");
	tl_fork(st, 10, 11, SIGCHLD, false);
	tl_execve(st, 11, 11, "bash", "/bin/bash", "-bash", 6, 0);
	p = state_proc_get(st, 11);
	p->sid = p->pgid = p->vpgid = 11;
	tl_fork(st, 11, 12, SIGCHLD, false);
	tl_execve(st, 12, 12, "vi", "/usr/bin/vi", "vi", 3, 0);
	p = state_proc_get(st, 12);
	tap_is_str(state_proc_session_leader(st, p)->comm, "bash",
		   "proc.sname: the session leader");
	tap_ok(p->vpgid == 11 && p->vpid == 12, "vpgid inherited, vpid own (not a group leader)");
	state_free(st);
}

static void test_clone_fs(void)
{
	struct state *st = new_state();
	struct rec_builder *b;

	tl_snapshot(st, 100, 1, "sh", "/bin/sh", "/");
	tl_fork(st, 100, 200, CLONE_FS | SIGCHLD, false);
	tl_fork(st, 100, 300, SIGCHLD, false);
	b = tl_begin(SAKER_EV_CHDIR, 200, 200, 0);
	rb_str(b, "/srv");
	tl_apply_commit(st, b);
	tap_is_str(state_str_c(state_proc_get(st, 100)->cwd), "/srv",
		   "CLONE_FS: a chdir in the child moves the parent's cwd");
	tap_is_str(state_str_c(state_proc_get(st, 300)->cwd), "/", "a plain fork's cwd is its own");
	state_free(st);
}

static void test_stale_tid(void)
{
	struct state *st = new_state();
	struct state_evctx ctx;
	struct state_stats s;

	tl_snapshot(st, 100, 1, "old", "/bin/old", "/");
	tl_snapshot(st, 500, 1, "new", "/bin/new", "/");
	/* An event says tid 100 belongs to process 500: its exit was missed. */
	tl_apply(st, tl_begin(SAKER_EV_SETSID, 100, 500, 100), &ctx);
	state_commit(st);
	state_get_stats(st, &s);
	tap_ok(s.stale_threads == 1 && !state_proc_get(st, 100),
	       "a reused tid drops the stale entry");
	state_free(st);
}

int main(void)
{
	test_clone_fs();
	test_stale_tid();
	test_fork_orders();
	test_threads();
	test_clone_files();
	test_execve();
	test_exec_memfd();
	test_exec_non_leader();
	test_reparent();
	test_exit_deferred();
	test_creds();
	test_session_leader();
	return tap_done();
}
