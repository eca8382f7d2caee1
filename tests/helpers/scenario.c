// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario: performs one real, contained attack-shaped behaviour per
 * subcommand, for the live scenario suite that every driver runs. Nothing
 * here touches the host's real binaries: writes go to scratch directories
 * bind-mounted in a private mount namespace.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <unistd.h>

#include "scenario.h"

extern char **environ;

int scn_die(const char *what)
{
	fprintf(stderr, "scenario: %s: %s\n", what, strerror(errno));
	return 1;
}

/* A shell started by a program that is not a shell. */
static int shell_from_nonshell(void)
{
	pid_t p = fork();

	if (p == 0) {
		execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
		_exit(127);
	}
	return waitpid(p, NULL, 0) < 0;
}

static int read_shadow(void)
{
	char buf[16];
	int fd = open("/etc/shadow", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return scn_die("open /etc/shadow");
	if (read(fd, buf, sizeof(buf)) < 0)
		return scn_die("read");
	close(fd);
	return 0;
}

/* Bind a scratch directory over /usr/local/bin in a private mount namespace, write into it. */
static int write_bin_dir(const char *scratch)
{
	int fd;

	if (unshare(CLONE_NEWNS) < 0)
		return scn_die("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return scn_die("make / private");
	if (mount(scratch, "/usr/local/bin", NULL, MS_BIND, NULL) < 0)
		return scn_die("bind scratch over /usr/local/bin");
	fd = open("/usr/local/bin/saker-evil", O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0755);
	if (fd < 0)
		return scn_die("create /usr/local/bin/saker-evil");
	if (write(fd, "#!/bin/sh\n", 10) != 10)
		return scn_die("write");
	close(fd);
	return 0;
}

static int link_sensitive(const char *scratch)
{
	char p[4096];

	snprintf(p, sizeof(p), "%s/shadow-sym", scratch);
	unlink(p);
	if (symlink("/etc/shadow", p) < 0)
		return scn_die("symlink");
	snprintf(p, sizeof(p), "%s/shadow-hard", scratch);
	unlink(p);
	/* May fail across file systems; the attempt is what is detected. */
	link("/etc/shadow", p);
	return 0;
}

static int chmod_setuid(const char *scratch)
{
	char p[4096];
	int fd;

	snprintf(p, sizeof(p), "%s/suid", scratch);
	fd = open(p, O_WRONLY | O_CREAT | O_CLOEXEC, 0755);
	if (fd < 0)
		return scn_die("create");
	close(fd);
	return chmod(p, 04755) < 0 ? scn_die("chmod") : 0;
}

static int namespaces(void)
{
	/* Leave our UTS namespace, then join the original one again. */
	int fd = open("/proc/self/ns/uts", O_RDONLY | O_CLOEXEC);

	if (fd < 0)
		return scn_die("open /proc/self/ns/uts");
	if (unshare(CLONE_NEWUTS) < 0)
		return scn_die("unshare(CLONE_NEWUTS)");
	if (setns(fd, CLONE_NEWUTS) < 0)
		return scn_die("setns");
	close(fd);
	return 0;
}

static int ptrace_attach(void)
{
	pid_t child = fork();
	int st;

	if (child == 0) {
		pause();
		_exit(0);
	}
	if (ptrace(PTRACE_ATTACH, child, NULL, NULL) < 0) {
		kill(child, SIGKILL);
		return scn_die("PTRACE_ATTACH");
	}
	waitpid(child, &st, 0);
	ptrace(PTRACE_DETACH, child, NULL, NULL);
	kill(child, SIGKILL);
	waitpid(child, NULL, 0);
	return 0;
}

/* A process asking to be traced by its parent: the anti-debugging trick. */
static int traceme(void)
{
	pid_t p = fork();

	if (p == 0) {
		ptrace(PTRACE_TRACEME, 0, NULL, NULL);
		_exit(0);
	}
	return waitpid(p, NULL, 0) < 0;
}

static int memfd_exec(void)
{
	char buf[65536];
	int in, mfd;
	ssize_t n;
	pid_t p;

	in = open("/bin/true", O_RDONLY | O_CLOEXEC);
	mfd = memfd_create("saker-fileless", MFD_CLOEXEC);
	if (in < 0 || mfd < 0)
		return scn_die("memfd_create");
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(mfd, buf, (size_t)n) != n)
			return scn_die("write memfd");
	close(in);
	p = fork();
	if (p == 0) {
		char *const argv[] = { "saker-fileless", NULL };

		/* The caller's environment: the suite tells its scenarios apart by it. */
		fexecve(mfd, argv, environ);
		_exit(127);
	}
	return waitpid(p, NULL, 0) < 0;
}

static int listen_loopback(uint16_t *port)
{
	struct sockaddr_in a = { .sin_family = AF_INET, .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t l = sizeof(a);
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || bind(s, (struct sockaddr *)&a, sizeof(a)) < 0 || listen(s, 4) < 0 ||
	    getsockname(s, (struct sockaddr *)&a, &l) < 0)
		return -1;
	*port = ntohs(a.sin_port);
	return s;
}

static int connect_to(uint16_t port)
{
	struct sockaddr_in a = { .sin_family = AF_INET,
				 .sin_port = htons(port),
				 .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	int s = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);

	if (s < 0 || connect(s, (struct sockaddr *)&a, sizeof(a)) < 0)
		return -1;
	return s;
}

static int connect_loopback(uint16_t port)
{
	int s;

	if (port == 0)
		return scn_die("connect needs a port");
	s = connect_to(port);
	if (s < 0)
		return scn_die("connect");
	close(s);
	return 0;
}

/* A shell whose stdin and stdout are a TCP connection. */
static int reverse_shell(void)
{
	uint16_t port;
	int l = listen_loopback(&port), c, a;
	pid_t p;

	if (l < 0)
		return scn_die("listen");
	c = connect_to(port);
	a = accept4(l, NULL, NULL, SOCK_CLOEXEC);
	if (c < 0 || a < 0)
		return scn_die("connect/accept");
	p = fork();
	if (p == 0) {
		dup2(c, 0);
		dup2(c, 1);
		execl("/bin/sh", "sh", "-c", "true", (char *)NULL);
		_exit(127);
	}
	waitpid(p, NULL, 0);
	close(a);
	close(c);
	close(l);
	return 0;
}

int main(int argc, char **argv)
{
	const char *what = argc > 1 ? argv[1] : "";
	const char *arg = argc > 2 ? argv[2] : "/tmp";
	int r;

	if (argc > 1 && ((r = scn_wrap(argc, argv)) >= 0 || (r = scn_act(argc, argv)) >= 0))
		return r;

	if (strcmp(what, "shell") == 0)
		return shell_from_nonshell();
	if (strcmp(what, "shadow") == 0)
		return read_shadow();
	if (strcmp(what, "bindir") == 0)
		return write_bin_dir(arg);
	if (strcmp(what, "links") == 0)
		return link_sensitive(arg);
	if (strcmp(what, "setuid") == 0)
		return chmod_setuid(arg);
	if (strcmp(what, "namespaces") == 0)
		return namespaces();
	if (strcmp(what, "ptrace") == 0)
		return ptrace_attach();
	if (strcmp(what, "memfd") == 0)
		return memfd_exec();
	if (strcmp(what, "traceme") == 0)
		return traceme();
	if (strcmp(what, "connect") == 0)
		return connect_loopback((uint16_t)atoi(arg));
	if (strcmp(what, "revshell") == 0)
		return reverse_shell();
	fprintf(stderr,
		"usage: scenario shell|shadow|bindir DIR|links DIR|setuid DIR|namespaces|ptrace|\n"
		"                traceme|memfd|connect PORT|revshell\n"
		"       scenario true|bpf|listen|inetd|userns|write F|append F|read F|rm F|finit F|\n"
		"                uffd UID|rename NAME|mv A B|chmod F MODE|mount DIR TYPE|\n"
		"                tcp IP PORT|udp IP PORT\n"
		"       scenario private DIR[:DIR..]|container CGROUP|loginuid UID|tty|notty|netns\n"
		"                -- COMMAND ARGS...\n");
	return 64;
}
