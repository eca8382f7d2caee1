// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario's single behaviours: one system call shape each, on paths and
 * addresses the caller chooses (scratch files, tmpfs in a private mount
 * namespace, a private network namespace), so that the live suite can
 * perform what each default rule looks for without touching the host.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/bpf.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

#ifndef UFFD_USER_MODE_ONLY
#define UFFD_USER_MODE_ONLY 1
#endif

/* mkdir -p of the directories above path. */
static void mkparents(const char *path)
{
	char d[4096];

	snprintf(d, sizeof(d), "%s", path);
	for (char *s = strchr(d + 1, '/'); s; s = strchr(s + 1, '/')) {
		*s = '\0';
		mkdir(d, 0755);
		*s = '/';
	}
}

static int put(const char *path, int flags)
{
	int fd;

	mkparents(path);
	fd = open(path, O_WRONLY | O_CREAT | O_CLOEXEC | flags, 0644);
	if (fd < 0)
		return scn_die(path);
	if (write(fd, "saker scenario\n", 15) != 15)
		return scn_die("write");
	close(fd);
	return 0;
}

static int get(const char *path)
{
	char buf[64];
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return scn_die(path);
	if (read(fd, buf, sizeof(buf)) < 0)
		return scn_die("read");
	close(fd);
	return 0;
}

/* finit_module on a file that is no module: refused by the kernel, seen by us. */
static int finit(const char *path)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return scn_die(path);
	syscall(SYS_finit_module, fd, "", 0);
	close(fd);
	return 0;
}

/* The smallest BPF program: a socket filter returning 0. */
static int bpf_load(void)
{
	struct bpf_insn insns[] = {
		{ .code = BPF_ALU64 | BPF_MOV | BPF_K, .dst_reg = BPF_REG_0, .imm = 0 },
		{ .code = BPF_JMP | BPF_EXIT },
	};
	union bpf_attr a;
	int fd;

	memset(&a, 0, sizeof(a));
	a.prog_type = BPF_PROG_TYPE_SOCKET_FILTER;
	a.insns = (unsigned long)insns;
	a.insn_cnt = 2;
	a.license = (unsigned long)"GPL";
	snprintf(a.prog_name, sizeof(a.prog_name), "saker_scn");
	fd = (int)syscall(SYS_bpf, BPF_PROG_LOAD, &a, sizeof(a));
	if (fd < 0)
		return scn_die("BPF_PROG_LOAD");
	close(fd);
	return 0;
}

/* userfaultfd as UID (user mode only, which unprivileged processes may ask). */
static int uffd(uid_t uid)
{
	int fd;

	if (uid && (setgroups(0, NULL) < 0 || setgid(uid) < 0 || setuid(uid) < 0))
		return scn_die("drop privileges");
	fd = (int)syscall(SYS_userfaultfd, O_CLOEXEC | UFFD_USER_MODE_ONLY);
	if (fd < 0)
		return scn_die("userfaultfd");
	close(fd);
	return 0;
}

static int sock_to(int type, const char *ip, int port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	int s = socket(AF_INET, type | SOCK_CLOEXEC, 0);

	if (s < 0 || inet_pton(AF_INET, ip, &a.sin_addr) != 1 ||
	    connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return scn_die("connect");
	close(s);
	return 0;
}

static int listener(void)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 4) < 0)
		return -1;
	return s;
}

static int listen_loopback(void)
{
	int s = listener();

	if (s < 0)
		return scn_die("listen");
	close(s);
	return 0;
}

/* The inetd shape: the accepted (server) end of a connection becomes a handler's stdin/stdout. */
static int inetd(void)
{
	struct sockaddr_in a;
	socklen_t l = sizeof(a);
	int s = listener(), c, h, st;
	pid_t p;

	if (s < 0 || getsockname(s, (struct sockaddr *)&a, &l) < 0)
		return scn_die("listen");
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (c < 0 || connect(c, (struct sockaddr *)&a, sizeof(a)) < 0)
		return scn_die("connect");
	h = accept4(s, NULL, NULL, SOCK_CLOEXEC);
	if (h < 0)
		return scn_die("accept");
	p = fork();
	if (p == 0) {
		dup2(h, 0);
		dup2(h, 1);
		execl("/bin/true", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(p, &st, 0);
	close(h);
	close(c);
	close(s);
	return 0;
}

/* mount TYPE on DIR, in a private mount namespace. */
static int mount_private(const char *dir, const char *type)
{
	if (unshare(CLONE_NEWNS) < 0 || mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return scn_die("private mount namespace");
	if (mount(type, dir, type, MS_NOSUID | MS_NODEV | MS_NOEXEC, NULL) < 0)
		return scn_die("mount");
	return 0;
}

int scn_act(int argc, char **argv)
{
	const char *w = argv[1], *a = argc > 2 ? argv[2] : NULL, *b = argc > 3 ? argv[3] : NULL;

	if (!strcmp(w, "true"))
		return 0;
	if (!strcmp(w, "bpf"))
		return bpf_load();
	if (!strcmp(w, "listen"))
		return listen_loopback();
	if (!strcmp(w, "inetd"))
		return inetd();
	if (!strcmp(w, "userns"))
		return unshare(CLONE_NEWUSER) < 0 ? scn_die("unshare(CLONE_NEWUSER)") : 0;
	if (!a)
		return -1;
	if (!strcmp(w, "write"))
		return put(a, O_TRUNC);
	if (!strcmp(w, "append"))
		return put(a, O_APPEND);
	if (!strcmp(w, "read"))
		return get(a);
	if (!strcmp(w, "rm"))
		return unlink(a) < 0 ? scn_die("unlink") : 0;
	if (!strcmp(w, "finit"))
		return finit(a);
	if (!strcmp(w, "uffd"))
		return uffd((uid_t)atoi(a));
	if (!strcmp(w, "rename"))
		return prctl(PR_SET_NAME, a, 0, 0, 0) < 0 ? scn_die("PR_SET_NAME") : 0;
	if (!b)
		return -1;
	if (!strcmp(w, "mv"))
		return rename(a, b) < 0 ? scn_die("rename") : 0;
	if (!strcmp(w, "chmod"))
		return chmod(a, (mode_t)strtol(b, NULL, 8)) < 0 ? scn_die("chmod") : 0;
	if (!strcmp(w, "mount"))
		return mount_private(a, b);
	if (!strcmp(w, "tcp"))
		return sock_to(SOCK_STREAM, a, atoi(b));
	if (!strcmp(w, "udp"))
		return sock_to(SOCK_DGRAM, a, atoi(b));
	return -1;
}
