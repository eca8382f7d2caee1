// SPDX-License-Identifier: GPL-2.0-only
/*
 * 32-bit system calls are recorded as their x86-64 events, by the module
 * and by the classic eBPF object: the programs every driver's 32-bit tests
 * run (tests/helpers/ia32_int80, a 64-bit process entering through
 * int $0x80, and tests/helpers/ia32_static, a real i386 binary; run.sh puts
 * them in the initramfs). Both open the scratch file, connect to
 * 127.0.0.1:IA32_PORT through socketcall and through connect, and execute
 * "/init --child"; the 64-bit one also sends through socketcall(SENDMSG),
 * which is recorded only while sendmsg is of interest (the module checks
 * interest on the subcall number before it reads the argument array from
 * user memory), and makes the 16-bit id calls fchown16, setreuid16 and
 * setresuid16 with every id 0xffff, which must come out as -1.
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
#include <sys/socket.h>
#include <sys/wait.h>

#include "event.h"
#include "guest.h"
#include "src_kmod.h"
#include "tap.h"

#define IA32_FILE "/tmp/saker-ia32-secret"
#define IA32_INT80 "/ia32_int80"
#define IA32_STATIC "/ia32_static"
#define IA32_PORT 4932
#define IA32_PORT_S "4932"
#define IA32_MSG "ia32-msg"
#define ID_NONE 0xffffffffu

struct ia32_seen {
	pid_t pid;
	int open, connects, execve, sends, ids;
};

/* Run one of the programs in a child; its pid, or -1 if it did not exit 7 (/init --child). */
static pid_t run_child(const char *path)
{
	char *argv[] = { (char *)path, IA32_FILE, IA32_PORT_S, "/init", "--child", NULL };
	char *envp[] = { NULL };
	int status = 0;
	pid_t pid = fork();

	if (pid == 0) {
		execve(path, argv, envp);
		_exit(98);
	}
	if (pid < 0 || waitpid(pid, &status, 0) != pid)
		return -1;
	if (!WIFEXITED(status) || WEXITSTATUS(status) != 7) {
		tap_diag("%s: status 0x%x", path, status);
		return -1;
	}
	return pid;
}

static const char *pstr(const struct evt *e, const char *name)
{
	const char *s = evt_param_str(e, evt_param_index(e->hdr.type, name));

	return s ? s : "";
}

static bool is_none(const struct evt *e, const char *name)
{
	uint64_t v = 0;

	return evt_param_u64(e, evt_param_index(e->hdr.type, name), &v) && v == ID_NONE;
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
	case SAKER_EV_FCHOWN:
		sn->ids += is_none(&e, "uid") && is_none(&e, "gid");
		break;
	case SAKER_EV_SETREUID:
		sn->ids += is_none(&e, "ruid") && is_none(&e, "euid");
		break;
	case SAKER_EV_SETRESUID:
		sn->ids += is_none(&e, "ruid") && is_none(&e, "euid") && is_none(&e, "suid");
		break;
	}
}

static void drain(struct source *s, struct ia32_seen *sn)
{
	const void *rec;

	while (src_next(s, 300, &rec) == SRC_RECORD)
		inspect(sn, rec);
}

static void check(struct source *s, const char *path, const char *label)
{
	struct ia32_seen sn = { .pid = run_child(path) };
	bool int80 = strcmp(path, IA32_INT80) == 0;

	if (!tap_ok(sn.pid > 0, "%s: ran and executed /init --child", label))
		return;
	drain(s, &sn);
	tap_ok(sn.open == 1, "%s: open of " IA32_FILE " recorded as open (%d)", label, sn.open);
	tap_ok(sn.connects == 2, "%s: socketcall connect and connect recorded as connect (%d)",
	       label, sn.connects);
	tap_ok(sn.execve == 1, "%s: execve recorded as execve (%d)", label, sn.execve);
	if (!int80)
		return;
	tap_ok(sn.sends == 1, "%s: socketcall sendmsg recorded as sendmsg with its data (%d)",
	       label, sn.sends);
	tap_ok(sn.ids == 3,
	       "%s: fchown16, setreuid16, setresuid16 with ids 0xffff recorded with ids -1 (%d)",
	       label, sn.ids);
}

/* A socketcall subcall nobody wants leaves no record; the others still come. */
static void check_interest(struct source *s)
{
	struct src_interest want = { { 0 } };
	struct ia32_seen sn = { 0 };

	src_interest_set(&want, SAKER_EV_OPEN);
	if (!tap_is_int(src_set_interest(s, &want), 0, "ia32: interest set to open only"))
		return;
	sn.pid = run_child(IA32_INT80);
	drain(s, &sn);
	tap_ok(sn.pid > 0 && sn.open == 1 && sn.sends == 0,
	       "int $0x80 with only open of interest: the open recorded (%d), socketcall sendmsg "
	       "not (%d)",
	       sn.open, sn.sends);
	memset(&want, 0xff, sizeof(want));
	src_set_interest(s, &want);
}

#define SAKERD "/opt/saker/sakerd"
#define EBPF_OBJECT "/saker.bpf.o"
#define RULES "/tmp/ia32-rules.yaml"
#define READY "/tmp/ia32-ready"
#define ALERTS "/tmp/ia32-alerts.json"

static const char rules[] =
	"- rule: ia32 secret\n  desc: the scratch secret opened\n"
	"  condition: evt.type in (open, openat) and fd.name = " IA32_FILE "\n"
	"  output: \"ia32 secret opened by %proc.exepath\"\n"
	"  priority: WARNING\n"
	"- rule: ia32 fchown\n  desc: ids of a 16-bit call\n"
	"  condition: evt.type = fchown and proc.name = ia32_int80\n"
	"  output: \"ia32 fchown uid=%evt.rawarg.uid gid=%evt.rawarg.gid\"\n"
	"  priority: WARNING\n"
	"- rule: ia32 setreuid\n  desc: ids of a 16-bit call\n"
	"  condition: evt.type = setreuid and proc.name = ia32_int80\n"
	"  output: \"ia32 setreuid ruid=%evt.rawarg.ruid euid=%evt.rawarg.euid\"\n"
	"  priority: WARNING\n";

static int count_alerts(const char *what)
{
	char line[8192];
	FILE *f = fopen(ALERTS, "re");
	int n = 0;

	while (f && fgets(line, sizeof(line), f))
		n += strstr(line, what) != NULL;
	if (f)
		fclose(f);
	return n;
}

/*
 * The rules an operator would write, unchanged, fire on the 32-bit calls:
 * sakerd with driver ("kmod", or "ebpf" with the classic object).
 */
static void check_sakerd(const char *driver)
{
	char *argv[] = { SAKERD,
			 "--driver",
			 (char *)driver,
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

	if (f) {
		fputs(rules, f);
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
	if (!tap_ok(access(READY, F_OK) == 0, "ia32: sakerd --driver %s is ready", driver)) {
		kill(d, SIGKILL);
		waitpid(d, NULL, 0);
		return;
	}
	run_child(IA32_INT80);
	run_child(IA32_STATIC);
	sleep(1);
	kill(d, SIGTERM);
	waitpid(d, &status, 0);
	tap_ok(WIFEXITED(status) && WEXITSTATUS(status) == 0, "ia32: sakerd --driver %s exits 0",
	       driver);
	tap_is_int(count_alerts("ia32 secret opened"), 3,
		   "ia32: the secret rule alerts for int80's open and openat and the i386 open");
	tap_is_int(count_alerts("ia32 fchown uid=4294967295 gid=4294967295"), 1,
		   "ia32: fchown16(fd, 0xffff, 0xffff) alerts with both ids -1");
	tap_is_int(count_alerts("ia32 setreuid ruid=4294967295 euid=4294967295"), 1,
		   "ia32: setreuid16(0xffff, 0xffff) alerts with both ids -1");
}

/* The scratch file and a listener on 127.0.0.1:IA32_PORT; the listener's fd or -1. */
static int setup_peers(void)
{
	struct sockaddr_in sa = { .sin_family = AF_INET, .sin_port = htons(IA32_PORT) };
	int l, f;

	sa.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	f = open(IA32_FILE, O_WRONLY | O_CREAT | O_CLOEXEC, 0600);
	if (f >= 0)
		close(f);
	l = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (l >= 0 && (bind(l, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(l, 16) < 0)) {
		close(l);
		l = -1;
	}
	tap_ok(f >= 0 && l >= 0 && access(IA32_INT80, X_OK) == 0 && access(IA32_STATIC, X_OK) == 0,
	       "ia32: both programs in the initramfs, the scratch file, a listener on "
	       "127.0.0.1:%d",
	       IA32_PORT);
	return f >= 0 && access(IA32_INT80, X_OK) == 0 && access(IA32_STATIC, X_OK) == 0 ? l : -1;
}

void case_ia32(void)
{
	struct source *s = NULL;
	char err[512];
	int l = setup_peers();

	if (l < 0)
		return;
	if (!tap_is_int(guest_load(""), 0, "ia32: module loads")) {
		close(l);
		return;
	}
	if (tap_ok(src_kmod_open(GUEST_DEVICE, &s, err, sizeof(err)) == 0,
		   "ia32: src_kmod attaches")) {
		check(s, IA32_INT80, "int $0x80 from a 64-bit process");
		check(s, IA32_STATIC, "i386 binary");
		check_interest(s);
		src_close(s);
	} else {
		tap_diag("%s", err);
	}
	if (access(SAKERD, X_OK) == 0)
		check_sakerd("kmod");
	else
		tap_skip(1, "no sakerd in the initramfs");
	close(l);
	tap_is_int(guest_unload(), 0, "ia32: rmmod");
}

/* The same programs under sakerd --driver ebpf with the classic object built for this kernel. */
void case_ia32_ebpf(void)
{
	int l;

	if (access(SAKERD, X_OK) != 0 || access(EBPF_OBJECT, R_OK) != 0) {
		tap_skip(1, "ia32 eBPF: no sakerd or classic eBPF object in the initramfs");
		return;
	}
	l = setup_peers();
	if (l < 0)
		return;
	setenv("SAKER_EBPF_OBJECT", EBPF_OBJECT, 1);
	check_sakerd("ebpf");
	unsetenv("SAKER_EBPF_OBJECT");
	close(l);
}
