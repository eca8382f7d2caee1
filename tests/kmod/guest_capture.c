// SPDX-License-Identifier: GPL-2.0-only
/*
 * Capture through src_kmod: real system calls in, decoded records out.
 * Then unload under a reader, and drops with a tiny buffer.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "event.h"
#include "guest.h"
#include "src_kmod.h"
#include "tap.h"

#define FILE_PATH "/tmp/saker-kmod-file"

struct seen {
	pid_t child;
	uint16_t port;
	uint64_t records, bad;
	uint64_t last_ts, out_of_order;
	unsigned opens;
	bool openat, execve, clone_parent, clone_child, procexit, connect;
};

static const char *str(const struct evt *e, const char *name)
{
	const char *s = evt_param_str(e, evt_param_index(e->hdr.type, name));

	return s ? s : "";
}

static uint64_t num(const struct evt *e, const char *name)
{
	uint64_t v = 0;

	evt_param_u64(e, evt_param_index(e->hdr.type, name), &v);
	return v;
}

static bool strlist_has(const struct evt *e, const char *name, const char *want)
{
	const struct evt_param *p = evt_param(e, evt_param_index(e->hdr.type, name));
	size_t off = 0;

	while (p && p->val && off < p->len) {
		const char *s = (const char *)p->val + off;

		if (strcmp(s, want) == 0)
			return true;
		off += strlen(s) + 1;
	}
	return false;
}

/* The first "subsys=path" entry of the cgroups parameter, or "". */
static const char *cgroups(const struct evt *e)
{
	const struct evt_param *p = evt_param(e, evt_param_index(e->hdr.type, "cgroups"));

	return p && p->val && p->len && p->val[p->len - 1] == '\0' ? (const char *)p->val : "";
}

static void check_execve(struct seen *sn, const struct evt *e)
{
	bool ok = strcmp(str(e, "filename"), "/init") == 0 &&
		  strcmp(str(e, "exepath"), "/init") == 0 && strlist_has(e, "argv", "--child") &&
		  strlist_has(e, "argv", "two words") && strlist_has(e, "env", "SAKER_T=1") &&
		  strcmp(str(e, "cwd"), "/") == 0 && strcmp(str(e, "comm"), "init") == 0 &&
		  num(e, "exe_ino") != 0 && num(e, "start_ts") != 0 &&
		  num(e, "pid") == (uint64_t)sn->child && strstr(cgroups(e), "=/") != NULL;

	if (!ok)
		tap_diag(
			"execve: filename '%s' exepath '%s' cwd '%s' comm '%s' ino %llu cgroups '%s'",
			str(e, "filename"), str(e, "exepath"), str(e, "cwd"), str(e, "comm"),
			(unsigned long long)num(e, "exe_ino"), cgroups(e));
	sn->execve = ok;
}

static void check_connect(struct seen *sn, const struct evt *e)
{
	const struct evt_param *a = evt_param(e, evt_param_index(e->hdr.type, "addr"));
	const struct evt_param *t = evt_param(e, evt_param_index(e->hdr.type, "tuple"));
	uint8_t lo[4] = { 127, 0, 0, 1 };
	uint16_t port;

	if (!a || !a->val || a->len != 7 || a->val[0] != AF_INET || memcmp(a->val + 1, lo, 4))
		return;
	memcpy(&port, a->val + 5, 2);
	if (port != sn->port || !t || !t->val || t->len != 13)
		return;
	memcpy(&port, t->val + 11, 2);
	sn->connect = port == sn->port;
}

static void inspect(struct seen *sn, const void *rec)
{
	struct saker_rec_hdr h;
	struct evt e;
	enum evt_bad why;

	memcpy(&h, rec, sizeof(h));
	sn->records++;
	if (h.ts < sn->last_ts)
		sn->out_of_order++;
	sn->last_ts = h.ts;
	if (evt_decode(&e, rec, h.len, NULL, &why) < 0) {
		if (sn->bad++ < 3)
			tap_diag("record of type %u rejected: %s", h.type, evt_bad_names[why]);
		return;
	}
	switch (h.type) {
	case SAKER_EV_OPENAT:
		if (strcmp(str(&e, "name"), FILE_PATH) == 0 && h.res >= 0 && num(&e, "ino")) {
			sn->openat = true;
			sn->opens++;
		}
		break;
	case SAKER_EV_EXECVE:
		if (h.pid == (uint32_t)sn->child && h.res == 0)
			check_execve(sn, &e);
		break;
	case SAKER_EV_CLONE:
	case SAKER_EV_CLONE3:
	case SAKER_EV_FORK:
		if (h.res == sn->child)
			sn->clone_parent = true;
		if (h.tid == (uint32_t)sn->child && h.res == 0 && num(&e, "ptid") == 1)
			sn->clone_child = true;
		break;
	case SAKER_EV_PROCEXIT:
		if (h.tid == (uint32_t)sn->child && num(&e, "status") == 7u << 8)
			sn->procexit = true;
		break;
	case SAKER_EV_CONNECT:
		if (h.res == 0)
			check_connect(sn, &e);
		break;
	}
}

static void drain(struct source *s, struct seen *sn)
{
	const void *rec;
	int k;

	while ((k = src_next(s, 300, &rec)) == SRC_RECORD)
		inspect(sn, rec);
	if (k < 0)
		tap_diag("src_next: %s", s->error);
}

static void pin_cpu(int cpu)
{
	cpu_set_t set;

	CPU_ZERO(&set);
	if (cpu >= 0) {
		CPU_SET(cpu, &set);
	} else {
		for (cpu = 0; cpu < CPU_SETSIZE; cpu++)
			CPU_SET(cpu, &set);
	}
	sched_setaffinity(0, sizeof(set), &set);
}

static void opens(int n)
{
	int f;

	while (n-- > 0) {
		f = open(FILE_PATH, O_RDONLY | O_CLOEXEC);
		if (f >= 0)
			close(f);
	}
}

static void workload(struct seen *sn)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(0x7f000001) };
	socklen_t sl = sizeof(sa);
	int l, c, f, status = 0;
	pid_t pid;

	f = open(FILE_PATH, O_RDONLY | O_CLOEXEC);
	if (f >= 0)
		close(f);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	bind(l, (struct sockaddr *)&sa, sizeof(sa));
	listen(l, 4);
	getsockname(l, (struct sockaddr *)&sa, &sl);
	sn->port = ntohs(sa.sin_port);
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (connect(c, (struct sockaddr *)&sa, sizeof(sa)) < 0)
		tap_diag("connect: %s", strerror(errno));
	close(c);
	close(l);
	pid = fork();
	if (pid == 0) {
		char *argv[] = { "/init", "--child", "two words", NULL };
		char *envp[] = { "SAKER_T=1", NULL };

		/* The child's records go to another CPU's ring, when there is one. */
		pin_cpu(1);
		execve("/init", argv, envp);
		_exit(99);
	}
	sn->child = pid;
	waitpid(pid, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 7, "child ran under capture");
}

static void *reader(void *arg)
{
	struct source *s = arg;
	const void *rec;
	int i;

	for (i = 0; i < 20; i++)
		if (src_next(s, 20, &rec) < 0)
			break;
	return NULL;
}

/* rmmod while a thread reads: refused, nothing breaks, capture goes on. */
static void check_unload_while_reading(struct source *s)
{
	pthread_t t;
	int r;

	pthread_create(&t, NULL, reader, s);
	r = guest_unload();
	pthread_join(t, NULL);
	tap_ok(r == -EAGAIN || r == -EBUSY, "rmmod under a reader is refused (%d)", r);
}

void case_capture(void)
{
	struct seen sn = { 0 };
	struct src_stats st;
	struct source *s = NULL;
	char err[512];
	uint64_t drops = 0;
	unsigned i;

	if (!tap_ok(src_kmod_open(GUEST_DEVICE, &s, err, sizeof(err)) == 0, "src_kmod attaches")) {
		tap_diag("%s", err);
		return;
	}
	workload(&sn);
	drain(s, &sn);
	tap_ok(sn.records > 0 && sn.bad == 0, "%llu records, all accepted by evt_decode",
	       (unsigned long long)sn.records);
	tap_ok(sn.out_of_order == 0, "records of all CPUs merged in timestamp order");
	tap_ok(sn.openat, "openat of the file: name, fd and inode");
	tap_ok(sn.execve, "execve: filename, argv, env, cwd, comm, exepath, inode, pid, cgroups");
	tap_ok(sn.clone_parent, "clone in the parent returns the child's pid");
	tap_ok(sn.clone_child, "clone in the child, written at fork, with its parent");
	tap_ok(sn.procexit, "procexit of the child with its exit status");
	tap_ok(sn.connect, "connect to the loopback listener: address and tuple");
	tap_ok(src_stats(s, &st) == 0, "stats");
	for (i = 0; i < SAKER_DROP_MAX; i++)
		drops += st.drops[i];
	tap_ok(st.records == sn.records && drops == 0, "stats: %llu records, %llu drops",
	       (unsigned long long)st.records, (unsigned long long)drops);
	check_unload_while_reading(s);
	memset(&sn, 0, sizeof(sn));
	workload(&sn);
	drain(s, &sn);
	tap_ok(sn.openat && sn.execve, "capture still works after the refused rmmod");
	src_close(s);
	tap_is_int(guest_unload(), 0, "rmmod after the reader closed");
	tap_ok(access(GUEST_DEVICE, F_OK) < 0, "device gone after rmmod");
}

void case_tiny_buffer(void)
{
	struct seen sn = { 0 };
	struct src_interest want = { { 0 } };
	struct source *s = NULL;
	struct src_stats st;
	char err[512];
	int i, f;

	tap_is_int(guest_load("buf_size=4096"), 0, "module loads with a 4 KiB ring");
	if (!tap_ok(src_kmod_open(GUEST_DEVICE, &s, err, sizeof(err)) == 0, "src_kmod attaches")) {
		tap_diag("%s", err);
		guest_unload();
		return;
	}
	src_interest_set(&want, SAKER_EV_OPENAT);
	src_set_interest(s, &want);
	for (i = 0; i < 300; i++) {
		f = open(FILE_PATH, O_RDONLY | O_CLOEXEC);
		if (f >= 0)
			close(f);
	}
	drain(s, &sn);
	tap_ok(src_stats(s, &st) == 0, "stats");
	tap_ok(st.drops[SAKER_DROP_BUFFER_FULL] > 0, "a burst into 4 KiB counts drops (%llu)",
	       (unsigned long long)st.drops[SAKER_DROP_BUFFER_FULL]);
	tap_ok(sn.bad == 0 && st.records + st.drops[SAKER_DROP_BUFFER_FULL] >= 600,
	       "every openat and close is delivered or counted (%llu + %llu)",
	       (unsigned long long)st.records,
	       (unsigned long long)st.drops[SAKER_DROP_BUFFER_FULL]);
	src_close(s);
	tap_is_int(guest_unload(), 0, "rmmod of the tiny-buffer module");
}

/* Anything the kernel would only say when something broke. */
void case_kernel_log(void)
{
	static const char *const bad[] = { "WARNING:",		 "BUG:",  "Oops",  "Call Trace",
					   "general protection", "UBSAN", "KASAN", "refcount_t" };
	char line[2048];
	int fd = open("/dev/kmsg", O_RDONLY | O_NONBLOCK | O_CLOEXEC);
	int found = 0;
	ssize_t n;
	unsigned i;

	if (!tap_ok(fd >= 0, "kernel log readable"))
		return;
	while ((n = read(fd, line, sizeof(line) - 1)) > 0 || (n < 0 && errno == EPIPE)) {
		if (n <= 0)
			continue;
		line[n] = '\0';
		if (strstr(line, "saker"))
			tap_diag("kernel: %s", strchr(line, ';') ? strchr(line, ';') + 1 : line);
		for (i = 0; i < sizeof(bad) / sizeof(bad[0]); i++)
			if (strstr(line, bad[i])) {
				tap_diag("kernel: %s", line);
				found++;
			}
	}
	close(fd);
	tap_ok(found == 0, "no warning, oops or BUG in the kernel log");
}

static int set_online(int cpu, int on)
{
	char path[64];
	int fd, ok;

	snprintf(path, sizeof(path), "/sys/devices/system/cpu/cpu%d/online", cpu);
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0)
		return -errno;
	ok = write(fd, on ? "1" : "0", 1) == 1;
	close(fd);
	return ok ? 0 : -errno;
}

/* A CPU goes away and comes back while capturing: its ring stays readable. */
void case_hotplug(void)
{
	struct seen sn = { 0 };
	struct src_interest want = { { 0 } };
	struct source *s = NULL;
	struct src_stats st;
	char err[512];

	if (sysconf(_SC_NPROCESSORS_CONF) < 2) {
		tap_skip(1, "one CPU: no hotplug");
		return;
	}
	tap_is_int(guest_load("buf_size=65536"), 0, "module loads for the hotplug case");
	if (src_kmod_open(GUEST_DEVICE, &s, err, sizeof(err)) < 0) {
		tap_ok(false, "src_kmod attaches: %s", err);
		guest_unload();
		return;
	}
	src_interest_set(&want, SAKER_EV_OPENAT);
	src_set_interest(s, &want);
	pin_cpu(1);
	opens(5);
	pin_cpu(0);
	tap_is_int(set_online(1, 0), 0, "CPU 1 goes offline while capturing");
	opens(5);
	tap_is_int(set_online(1, 1), 0, "CPU 1 comes back");
	pin_cpu(1);
	opens(5);
	pin_cpu(-1);
	drain(s, &sn);
	src_stats(s, &st);
	tap_ok(sn.opens == 15 && sn.bad == 0 && st.drops[SAKER_DROP_BUFFER_FULL] == 0,
	       "all 15 openat records across the hotplug (%u)", sn.opens);
	src_close(s);
	tap_is_int(guest_unload(), 0, "rmmod after the hotplug case");
}
