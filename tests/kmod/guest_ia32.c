// SPDX-License-Identifier: GPL-2.0-only
/*
 * 32-bit system calls are recorded as their x86-64 events: a 64-bit
 * process entering through int $0x80 (i386 numbers, arguments in ebx, ecx,
 * edx, socketcall's argument array), and a real i386 binary
 * (tests/kmod/ia32_probe.S, put in the initramfs as /ia32-probe). Both open
 * the scratch file, connect to 127.0.0.1:IA32_PORT through socketcall and
 * through connect, and execute "/init --child"; the 64-bit one also sends
 * through socketcall(SENDMSG), which is recorded only while sendmsg is of
 * interest (the module checks interest on the subcall number before it
 * reads the argument array from user memory).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <signal.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "event.h"
#include "guest.h"
#include "src_kmod.h"
#include "tap.h"

#define IA32_FILE "/tmp/saker-ia32-secret"
#define IA32_PROBE "/ia32-probe"
#define IA32_PORT 4932

/* i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
#define NR32_CLOSE 6
#define NR32_OPEN 5
#define NR32_EXECVE 11
#define NR32_SOCKETCALL 102
#define NR32_SOCKET 359
#define NR32_CONNECT 362
#define SYS_SOCKET_CALL 1
#define SYS_CONNECT_CALL 3
#define SYS_SENDMSG_CALL 16
#define IA32_MSG "ia32-msg"

struct ia32_seen {
	pid_t pid;
	int open, connects, execve, sends;
};

/* What int $0x80 reads must sit below 4 GiB. */
struct low {
	char path[64], init[16], child[16];
	uint32_t argv[3], envp[1];
	struct sockaddr_in sa;
	uint32_t args[6];
	char msg[16];
	uint32_t iov[2], mh[7]; /* compat iovec and msghdr */
};

static long int80(long nr, long a, long b, long c)
{
	long ret;

	/* The 32-bit entry does not preserve r8-r11 on every kernel. */
	asm volatile("int $0x80"
		     : "=a"(ret)
		     : "a"(nr), "b"(a), "c"(b), "d"(c)
		     : "memory", "cc", "r8", "r9", "r10", "r11");
	return ret;
}

static uint32_t low32(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

/* The child's calls, all through int $0x80; exits through /init --child (7). */
static void int80_child(struct low *m)
{
	long fd;

	fd = int80(NR32_OPEN, low32(m->path), O_RDONLY, 0);
	if (fd >= 0)
		int80(NR32_CLOSE, fd, 0, 0);
	m->args[0] = AF_INET;
	m->args[1] = SOCK_STREAM;
	m->args[2] = 0;
	fd = int80(NR32_SOCKETCALL, SYS_SOCKET_CALL, low32(m->args), 0);
	m->args[0] = (uint32_t)fd;
	m->args[1] = low32(&m->sa);
	m->args[2] = sizeof(m->sa);
	int80(NR32_SOCKETCALL, SYS_CONNECT_CALL, low32(m->args), 0);
	m->args[1] = low32(m->mh);
	m->args[2] = 0;
	int80(NR32_SOCKETCALL, SYS_SENDMSG_CALL, low32(m->args), 0);
	fd = int80(NR32_SOCKET, AF_INET, SOCK_STREAM, 0);
	int80(NR32_CONNECT, fd, low32(&m->sa), sizeof(m->sa));
	int80(NR32_EXECVE, low32(m->init), low32(m->argv), low32(m->envp));
	_exit(99);
}

static struct low *low_setup(void)
{
	struct low *m = mmap(NULL, 4096, PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);

	if (m == MAP_FAILED)
		return NULL;
	strcpy(m->path, IA32_FILE);
	strcpy(m->init, "/init");
	strcpy(m->child, "--child");
	m->argv[0] = low32(m->init);
	m->argv[1] = low32(m->child);
	m->argv[2] = 0;
	m->envp[0] = 0;
	m->sa.sin_family = AF_INET;
	m->sa.sin_port = htons(IA32_PORT);
	m->sa.sin_addr.s_addr = htonl(0x7f000001);
	strcpy(m->msg, IA32_MSG);
	m->iov[0] = low32(m->msg);
	m->iov[1] = strlen(IA32_MSG);
	m->mh[2] = low32(m->iov);
	m->mh[3] = 1;
	return m;
}

/* Run fn(m) or exec path in a child; its pid, or -1 if it did not exit 7. */
static pid_t run_child(struct low *m, const char *path)
{
	char *argv[] = { (char *)path, NULL };
	char *envp[] = { NULL };
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		if (path)
			execve(path, argv, envp);
		else
			int80_child(m);
		_exit(98);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7) {
		tap_diag("%s: status 0x%x", path ? path : "int $0x80 child", status);
		return -1;
	}
	return pid;
}

static const char *pstr(const struct evt *e, const char *name)
{
	const char *s = evt_param_str(e, evt_param_index(e->hdr.type, name));

	return s ? s : "";
}

static void inspect(struct ia32_seen *sn, const void *rec)
{
	const struct evt_param *a;
	struct saker_rec_hdr h;
	struct evt e;
	enum evt_bad why;
	uint16_t port;

	memcpy(&h, rec, sizeof(h));
	if (h.pid != (uint32_t)sn->pid || evt_decode(&e, rec, h.len, NULL, &why) < 0)
		return;
	switch (h.type) {
	case SAKER_EV_OPEN:
		sn->open += h.res >= 0 && strcmp(pstr(&e, "name"), IA32_FILE) == 0;
		break;
	case SAKER_EV_CONNECT:
		a = evt_param(&e, evt_param_index(h.type, "addr"));
		if (!a || !a->val || a->len != 7 || a->val[0] != AF_INET)
			break;
		memcpy(&port, a->val + 5, 2);
		sn->connects += port == IA32_PORT && h.res == 0;
		break;
	case SAKER_EV_EXECVE:
		sn->execve += h.res == 0 && strcmp(pstr(&e, "filename"), "/init") == 0;
		break;
	case SAKER_EV_SENDMSG:
		a = evt_param(&e, evt_param_index(h.type, "data"));
		sn->sends += h.res == (int64_t)strlen(IA32_MSG) && a && a->val &&
			     a->len == strlen(IA32_MSG) && !memcmp(a->val, IA32_MSG, a->len);
		break;
	}
}

static void drain(struct source *s, struct ia32_seen *sn)
{
	const void *rec;

	while (src_next(s, 300, &rec) == SRC_RECORD)
		inspect(sn, rec);
}

static void check(struct source *s, struct low *m, const char *path, const char *label)
{
	struct ia32_seen sn = { .pid = run_child(m, path) };

	if (!tap_ok(sn.pid > 0, "%s: ran and executed /init --child", label))
		return;
	drain(s, &sn);
	tap_ok(sn.open == 1, "%s: open of " IA32_FILE " recorded as open (%d)", label, sn.open);
	tap_ok(sn.connects == 2, "%s: socketcall connect and connect recorded as connect (%d)",
	       label, sn.connects);
	tap_ok(sn.execve == 1, "%s: execve recorded as execve (%d)", label, sn.execve);
	if (!path)
		tap_ok(sn.sends == 1,
		       "%s: socketcall sendmsg recorded as sendmsg with its data (%d)", label,
		       sn.sends);
}

/* A socketcall subcall nobody wants leaves no record; the others still come. */
static void check_interest(struct source *s, struct low *m)
{
	struct src_interest want = { { 0 } };
	struct ia32_seen sn = { 0 };

	src_interest_set(&want, SAKER_EV_OPEN);
	if (!tap_is_int(src_set_interest(s, &want), 0, "ia32: interest set to open only"))
		return;
	sn.pid = run_child(m, NULL);
	drain(s, &sn);
	tap_ok(sn.pid > 0 && sn.open == 1 && sn.sends == 0,
	       "int $0x80 with only open of interest: the open recorded (%d), socketcall sendmsg "
	       "not (%d)",
	       sn.open, sn.sends);
	memset(&want, 0xff, sizeof(want));
	src_set_interest(s, &want);
}

#define SAKERD "/opt/saker/sakerd"
#define RULES "/tmp/ia32-rules.yaml"
#define READY "/tmp/ia32-ready"
#define ALERTS "/tmp/ia32-alerts.json"

static int count_alerts(void)
{
	char line[8192];
	FILE *f = fopen(ALERTS, "re");
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, "ia32 secret opened") != NULL;
	if (f)
		fclose(f);
	return n;
}

/* The rule an operator would write, unchanged, fires on both 32-bit opens. */
static void check_sakerd(struct low *m)
{
	char *argv[] = { SAKERD,
			 "--driver",
			 "kmod",
			 "-r",
			 RULES,
			 "-o",
			 "json_output=true",
			 "-o",
			 "stdout_output.enabled=true",
			 "-o",
			 "journal_output.enabled=false",
			 "--ready-file",
			 READY,
			 NULL };
	FILE *f = fopen(RULES, "we");
	int i, fd, status = 0;
	pid_t d;

	if (access(SAKERD, X_OK) != 0) {
		tap_skip(1, "no sakerd in the initramfs");
		return;
	}
	if (f) {
		fputs("- rule: ia32 secret\n  desc: the scratch secret opened\n"
		      "  condition: evt.type in (open, openat) and fd.name = " IA32_FILE "\n"
		      "  output: \"ia32 secret opened by %proc.exepath\"\n"
		      "  priority: WARNING\n",
		      f);
		fclose(f);
	}
	unlink(READY);
	d = fork();
	if (d == 0) {
		fd = open(ALERTS, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
		dup2(fd, 1);
		execv(SAKERD, argv);
		_exit(127);
	}
	for (i = 0; i < 600 && access(READY, F_OK) != 0; i++)
		usleep(100000);
	if (!tap_ok(access(READY, F_OK) == 0, "ia32: sakerd --driver kmod is ready")) {
		kill(d, SIGKILL);
		waitpid(d, NULL, 0);
		return;
	}
	run_child(m, NULL);
	if (access(IA32_PROBE, X_OK) == 0)
		run_child(m, IA32_PROBE);
	sleep(1);
	kill(d, SIGTERM);
	waitpid(d, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "ia32: sakerd exits 0");
	tap_is_int(count_alerts(), access(IA32_PROBE, X_OK) == 0 ? 2 : 1,
		   "ia32: the rule alerts once per 32-bit open of the secret");
}

void case_ia32(void)
{
	struct source *s = NULL;
	struct low *m = low_setup();
	char err[512];
	int l, f;

	f = open(IA32_FILE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (f >= 0)
		close(f);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (!tap_ok(m && l >= 0 && bind(l, (struct sockaddr *)&m->sa, sizeof(m->sa)) == 0 &&
			    listen(l, 8) == 0,
		    "ia32: a MAP_32BIT buffer and a listener on 127.0.0.1:%d", IA32_PORT))
		return;
	if (!tap_is_int(guest_load(""), 0, "ia32: module loads")) {
		close(l);
		return;
	}
	if (tap_ok(src_kmod_open(GUEST_DEVICE, &s, err, sizeof(err)) == 0,
		   "ia32: src_kmod attaches")) {
		check(s, m, NULL, "int $0x80 from a 64-bit process");
		if (access(IA32_PROBE, X_OK) == 0)
			check(s, m, IA32_PROBE, "i386 binary");
		else
			tap_skip(1, "no " IA32_PROBE " in the initramfs (see the harness log)");
		check_interest(s, m);
		src_close(s);
	} else {
		tap_diag("%s", err);
	}
	check_sakerd(m);
	close(l);
	tap_is_int(guest_unload(), 0, "ia32: rmmod");
}
