// SPDX-License-Identifier: GPL-2.0-only
/*
 * Tracer setup: attach to running processes, or launch the command under
 * its seccomp filter.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "ptrace_int.h"
#include "util.h"

#define OPTS_COMMON                                                                               \
	(PTRACE_O_TRACESYSGOOD | PTRACE_O_TRACEFORK | PTRACE_O_TRACEVFORK | PTRACE_O_TRACECLONE | \
	 PTRACE_O_TRACEEXEC)
/* Launch mode kills the tree if we die: its filter would fail traced calls with ENOSYS. */
#define OPTS_LAUNCH (OPTS_COMMON | PTRACE_O_TRACESECCOMP | PTRACE_O_EXITKILL)

static int seize_threads(struct ptr_tracer *t, pid_t pid, char *err, size_t errlen)
{
	char path[64];
	bool more = true;

	snprintf(path, sizeof(path), "/proc/%d/task", (int)pid);
	/* Threads may be born while we walk the list: walk until nothing is new. */
	for (int round = 0; more && round < 100; round++) {
		DIR *d = opendir(path);
		struct dirent *de;

		if (!d) {
			snprintf(err, errlen, "process %d: %s", (int)pid, strerror(errno));
			return -errno;
		}
		more = false;
		while ((de = readdir(d))) {
			pid_t tid = (pid_t)strtol(de->d_name, NULL, 10);
			struct ptr_task *k;

			if (tid <= 0 || ptr_task_find(t, tid))
				continue;
			if (ptrace(PTRACE_SEIZE, tid, 0, (void *)(long)OPTS_COMMON) < 0) {
				int e = errno;

				if (e == ESRCH)
					continue;
				closedir(d);
				snprintf(err, errlen, "cannot trace thread %d of process %d: %s",
					 (int)tid, (int)pid, strerror(e));
				return -e;
			}
			k = ptr_task_add(t, tid, pid);
			if (!k) {
				closedir(d);
				return -ENOMEM;
			}
			k->attached = true;
			ptrace(PTRACE_INTERRUPT, tid, 0, 0);
			ptr_decode_snapshot(t, tid, pid, clock_ns(CLOCK_BOOTTIME));
			more = true;
		}
		closedir(d);
	}
	return 0;
}

int ptr_tracer_new(const struct ptr_config *cfg, ptr_emit_fn emit, void *ctx,
		   struct ptr_tracer **ret, char *err, size_t errlen)
{
	struct ptr_tracer *t;
	int r;

	if (!cfg->argv == !cfg->npids || (cfg->argv && !cfg->argv[0])) {
		snprintf(err, errlen,
			 "the ptrace driver needs a command to launch or pids to attach");
		return -EINVAL;
	}
	ptr_abi_init();
	t = calloc(1, sizeof(*t));
	if (!t)
		return -ENOMEM;
	t->launch = cfg->argv != NULL;
	t->fdsync = t->launch;
	t->argv = cfg->argv;
	t->errpipe = -1;
	t->pidfd = -1;
	t->emit = emit;
	t->ctx = ctx;
	t->syscall_info = !cfg->no_syscall_info;
	memset(t->want, 0xff, sizeof(t->want));
	r = ptr_wait_init(t);
	if (r < 0) {
		snprintf(err, errlen, "cannot set up the wait timer: %s", strerror(-r));
		ptr_tracer_free(t);
		return r;
	}
	for (size_t i = 0; i < cfg->npids; i++) {
		r = seize_threads(t, cfg->pids[i], err, errlen);
		if (r < 0) {
			ptr_tracer_free(t);
			return r;
		}
	}
	t->started = !t->launch;
	*ret = t;
	return 0;
}

int ptr_tracer_set_interest(struct ptr_tracer *t, const uint8_t *bits)
{
	if (bits)
		memcpy(t->want, bits, sizeof(t->want));
	else
		memset(t->want, 0xff, sizeof(t->want));
	return 0;
}

/*
 * Resolve the command like execvp would, so that saying it is missing beats
 * an exit status of 127, and the trace does not start with one failed
 * execve per PATH entry.
 */
static int find_command(const char *cmd, char *buf, size_t len, char *err, size_t errlen)
{
	const char *path = getenv("PATH");

	if (strchr(cmd, '/')) {
		snprintf(buf, len, "%s", cmd);
		if (access(cmd, X_OK) == 0)
			return 0;
		snprintf(err, errlen, "cannot execute '%s': %s", cmd, strerror(errno));
		return -errno;
	}
	for (const char *p = path ? path : "/usr/bin:/bin"; *p;) {
		size_t n = strcspn(p, ":");
		struct stat sb;

		snprintf(buf, len, "%.*s/%s", (int)n, n ? p : ".", cmd);
		if (access(buf, X_OK) == 0 && stat(buf, &sb) == 0 && S_ISREG(sb.st_mode))
			return 0;
		p += n + (p[n] == ':');
	}
	snprintf(err, errlen, "command not found: '%s'", cmd);
	return -ENOENT;
}

static void __attribute__((noreturn)) child_main(struct ptr_tracer *t, const char *path, int wfd)
{
	int e;

	ptr_wait_child_reset();
	/* Wait here until the tracer has seized us: the filter needs a tracer. */
	raise(SIGSTOP);
	e = ptr_filter_install(&t->sys_want);
	if (e == 0) {
		execv(path, t->argv);
		e = -errno;
	}
	if (write(wfd, &e, sizeof(e)) < 0)
		_exit(126);
	_exit(127);
}

void ptr_tracer_describe_filter(const struct ptr_tracer *t, char *buf, size_t len)
{
	struct ptr_sysset set;

	if (!t->launch) {
		snprintf(buf, len, "every call (attach mode: no filter)");
		return;
	}
	/* What ptr_tracer_start() installs for the interest set now. */
	ptr_filter_syscalls(t->want, &set);
	ptr_filter_describe(&set, buf, len);
}

int ptr_tracer_start(struct ptr_tracer *t, char *err, size_t errlen)
{
	char path[4096];
	struct ptr_task *k;
	int p[2], st, r;
	pid_t pid;

	if (t->started)
		return 0;
	r = find_command(t->argv[0], path, sizeof(path), err, errlen);
	if (r < 0)
		return r;
	ptr_filter_syscalls(t->want, &t->sys_want);
	if (pipe2(p, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0) {
		r = -errno;
		close(p[0]);
		close(p[1]);
		return r;
	}
	if (pid == 0)
		child_main(t, path, p[1]);
	close(p[1]);
	t->errpipe = p[0];
	t->started = true;
	if (waitpid(pid, &st, WUNTRACED) != pid || !WIFSTOPPED(st) ||
	    ptrace(PTRACE_SEIZE, pid, 0, (void *)(long)OPTS_LAUNCH) < 0) {
		r = errno ? -errno : -ECHILD;
		snprintf(err, errlen, "cannot trace the command: %s", strerror(-r));
		kill(pid, SIGKILL);
		waitpid(pid, &st, 0);
		return r;
	}
	t->root = pid;
	k = ptr_task_add(t, pid, pid);
	if (!k)
		return -ENOMEM;
	k->attached = true;
	kill(pid, SIGCONT);
	return 0;
}
