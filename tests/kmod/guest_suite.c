// SPDX-License-Identifier: GPL-2.0-only
/*
 * The shared live scenario suite (tests/scenarios/run.sh) run inside the
 * guest, against the real sakerd: with the kmod driver on saker.ko, and with
 * the eBPF driver loading the classic object built for this kernel's
 * headers. run.sh's TAP is relayed check by check into the guest's own
 * stream; then sakerd's exit statistics (copied by the sakerd-logged
 * wrapper the harness puts in the initramfs) must show events and no drops.
 */
#include <errno.h>
#include <fcntl.h>
#include <poll.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>
#include <sys/stat.h>
#include <sys/wait.h>

#include "guest.h"
#include "tap.h"

#define SUITE_DIR "/opt/saker"
#define SUITE_RUN SUITE_DIR "/src/tests/scenarios/run.sh"
#define SUITE_SAKERD SUITE_DIR "/sakerd-logged"
#define SUITE_EBPF_OBJECT "/saker.bpf.o"
#define SUITE_EBPF_FAILED "/saker.bpf.o.failed"
#define SUITE_VERIFIER_LOG "/run/saker/ebpf-verifier.log"
#define SUITE_TIMEOUT_S 240
#define SUITE_MIN_CHECKS 10

struct relay {
	const char *label;
	int checks, failed, skipped;
	char buf[4096];
	size_t len;
};

static double now_s(void)
{
	struct timespec ts;

	clock_gettime(CLOCK_MONOTONIC, &ts);
	return (double)ts.tv_sec + ts.tv_nsec / 1e9;
}

/* One line of the child's output: checks become ours, the rest diagnostics. */
static void relay_line(struct relay *r, char *line)
{
	char *desc;

	if (strncmp(line, "ok ", 3) == 0 || strncmp(line, "not ok ", 7) == 0) {
		bool pass = line[0] == 'o';

		desc = strstr(line, " - ");
		desc = desc ? desc + 3 : line;
		r->checks++;
		r->failed += !pass;
		tap_ok(pass, "%s: %s", r->label, desc);
	} else if (strncmp(line, "1..0", 4) == 0) {
		/* The suite is expected to run here: a skip hides a failure. */
		r->skipped = 1;
		tap_diag("%s: %s", r->label, line);
	} else if (strncmp(line, "1..", 3) != 0 && *line) {
		tap_diag("%s| %s", r->label, line[0] == '#' ? line + 1 : line);
	}
}

static void relay_bytes(struct relay *r, const char *p, size_t n)
{
	for (size_t i = 0; i < n; i++) {
		if (p[i] == '\n' || r->len == sizeof(r->buf) - 1) {
			r->buf[r->len] = '\0';
			relay_line(r, r->buf);
			r->len = 0;
			if (p[i] == '\n')
				continue;
		}
		r->buf[r->len++] = p[i];
	}
}

/* Run argv with stdout and stderr on a pipe; -ETIMEDOUT after timeout_s. */
static int run_relayed(struct relay *r, char *const argv[], int timeout_s, int *ret_status)
{
	double deadline = now_s() + timeout_s;
	int fds[2], status = 0;
	bool exited = false;
	char chunk[1024];
	pid_t pid;
	ssize_t n;

	if (pipe2(fds, O_CLOEXEC) < 0)
		return -errno;
	pid = fork();
	if (pid < 0)
		return -errno;
	if (pid == 0) {
		setpgid(0, 0);
		dup2(fds[1], 1);
		dup2(fds[1], 2);
		execv(argv[0], argv);
		_exit(127);
	}
	close(fds[1]);
	for (;;) {
		struct pollfd p = { .fd = fds[0], .events = POLLIN };
		int left = (int)((deadline - now_s()) * 1000);

		if (left <= 0) {
			kill(-pid, SIGKILL);
			if (!exited)
				waitpid(pid, NULL, 0);
			close(fds[0]);
			return -ETIMEDOUT;
		}
		if (poll(&p, 1, left < 200 ? left : 200) == 0) {
			/*
			 * The suite is done but something it started (its
			 * listener, after a skip) still holds the pipe: end
			 * the whole group, then read what is left.
			 */
			if (!exited && waitpid(pid, &status, WNOHANG) == pid) {
				exited = true;
				kill(-pid, SIGKILL);
			}
			continue;
		}
		n = read(fds[0], chunk, sizeof(chunk));
		if (n <= 0)
			break;
		relay_bytes(r, chunk, (size_t)n);
	}
	close(fds[0]);
	if (r->len)
		relay_bytes(r, "\n", 1);
	if (!exited)
		waitpid(pid, &status, 0);
	/* Orphans of the suite are ours to reap: we are PID 1. */
	while (waitpid(-1, NULL, WNOHANG) > 0)
		;
	*ret_status = status;
	return 0;
}

/* The "stats (exit)" line sakerd logs on SIGTERM: events seen, nothing lost. */
static void check_stats(const char *label, const char *log)
{
	char line[4096], drops[256] = "";
	unsigned long long events = 0, bad = ~0ull;
	const char *p;
	bool found = false;
	FILE *f = NULL;

	/* tee copies sakerd's stderr; give it a moment to see the exit. */
	for (int i = 0; i < 20 && !found; i++) {
		if (i)
			usleep(100000);
		f = fopen(log, "re");
		while (f && fgets(line, sizeof(line), f))
			found |= strstr(line, "stats (exit)") != NULL;
		if (f)
			fclose(f);
	}
	found = false;
	f = fopen(log, "re");
	while (f && fgets(line, sizeof(line), f))
		/* The main statistics line; the containers line that follows has no events=. */
		if (strstr(line, "stats (exit)") && strstr(line, " events=")) {
			found = true;
			p = strstr(line, "events=");
			events = p ? strtoull(p + 7, NULL, 10) : 0;
			p = strstr(line, "bad_records=");
			bad = p ? strtoull(p + 12, NULL, 10) : ~0ull;
			p = strstr(line, "drops=");
			if (p)
				sscanf(p + 6, "%255s", drops);
			tap_diag("%s: %s", label, strchr(line, ':') ? strchr(line, ':') + 2 : line);
		}
	if (f)
		fclose(f);
	if (!tap_ok(found, "%s: sakerd logged its exit statistics", label))
		return;
	tap_ok(events > 0, "%s: sakerd saw events (%llu)", label, events);
	/* Every counter in "buffer_full=0,too_big=0,fault=0" must be zero. */
	p = drops;
	bool zero = *drops != '\0';
	while (p && (p = strchr(p, '='))) {
		zero &= p[1] == '0' && (p[2] == ',' || p[2] == '\0');
		p++;
	}
	tap_ok(zero, "%s: no drops (%s)", label, drops);
	tap_ok(bad == 0, "%s: no malformed records (%llu)", label, bad);
}

/* The last lines of a file as diagnostics (the verifier's log, if any). */
static void show_tail(const char *path, int lines)
{
	static char text[65536];
	FILE *f = fopen(path, "re");
	size_t n;
	char *p;

	if (!f)
		return;
	if (fseek(f, -(long)(sizeof(text) - 1), SEEK_END) < 0)
		rewind(f);
	n = fread(text, 1, sizeof(text) - 1, f);
	fclose(f);
	text[n] = '\0';
	for (p = text + n; p > text && lines >= 0; p--)
		lines -= *p == '\n';
	tap_diag("%s:", path);
	for (p = strtok(p, "\n"); p; p = strtok(NULL, "\n"))
		tap_diag("  %s", p);
}

static void run_suite(const char *driver, const char *label)
{
	char log[64];
	char *argv[] = { "/bin/bash", SUITE_RUN, (char *)driver, NULL };
	struct relay r = { .label = label };
	int k, status = 0;

	snprintf(log, sizeof(log), "/tmp/sakerd-%s.log", driver);
	unlink(log);
	unlink(SUITE_VERIFIER_LOG);
	setenv("SAKERD_LOG", log, 1);
	k = run_relayed(&r, argv, SUITE_TIMEOUT_S, &status);
	tap_is_int(k, 0, "the scenario suite finished in time");
	if (access(SUITE_VERIFIER_LOG, R_OK) == 0) {
		/* sakerd saved the verifier's words: the reason is in its tail. */
		show_tail(SUITE_VERIFIER_LOG, 60);
		tap_ok(false, "%s: this kernel's verifier accepted the probe", label);
	}
	tap_ok(!r.skipped, "%s: the suite ran (no skip)", label);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0 && r.failed == 0,
	       "%s: the suite passed (exit %d, %d failed)", label,
	       WIFEXITED(status) ? WEXITSTATUS(status) : -1, r.failed);
	tap_ok(r.checks >= SUITE_MIN_CHECKS, "%s: the suite ran its checks (%d)", label, r.checks);
	check_stats(label, log);
}

static bool have_suite(void)
{
	if (access(SUITE_RUN, R_OK) == 0 && access(SUITE_SAKERD, X_OK) == 0)
		return true;
	tap_skip(1, "no scenario suite in the initramfs (see the harness log)");
	return false;
}

static void suite_env(void)
{
	setenv("abs_top_srcdir", SUITE_DIR "/src", 1);
	setenv("abs_top_builddir", SUITE_DIR "/build", 1);
	setenv("SAKERD", SUITE_SAKERD, 1);
	setenv("SCENARIO", SUITE_DIR "/scenario", 1);
}

void case_scenarios_kmod(void)
{
	double t = now_s();

	if (!have_suite())
		return;
	suite_env();
	if (!tap_is_int(guest_load(""), 0, "module loads for sakerd --driver kmod"))
		return;
	run_suite("kmod", "sakerd --driver kmod");
	tap_is_int(guest_unload(), 0, "rmmod after sakerd --driver kmod");
	tap_diag("kmod scenarios took %.1f s", now_s() - t);
}

void case_scenarios_ebpf(void)
{
	double t = now_s();

	if (!have_suite())
		return;
	if (access(SUITE_EBPF_FAILED, R_OK) == 0) {
		tap_ok(false, "classic eBPF: the object built for this kernel's headers "
			      "(see the harness log)");
		return;
	}
	if (access(SUITE_EBPF_OBJECT, R_OK) != 0) {
		tap_skip(1, "no classic eBPF object in the initramfs");
		return;
	}
	suite_env();
	setenv("SAKER_EBPF_OBJECT", SUITE_EBPF_OBJECT, 1);
	run_suite("ebpf", "sakerd --driver ebpf (classic object)");
	unsetenv("SAKER_EBPF_OBJECT");
	tap_diag("classic eBPF scenarios took %.1f s", now_s() - t);
}
