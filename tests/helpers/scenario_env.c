// SPDX-License-Identifier: GPL-2.0-only
/*
 * scenario's wrappers: set up a contained environment, then execute a
 * command in it. Each one changes only the calling process (and what it
 * executes): a private mount namespace with tmpfs over chosen directories,
 * a private network namespace, a scratch cgroup named like a container's,
 * a pseudo-terminal, the audit login uid. The host's real files are never
 * written.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/socket.h>
#include <sys/wait.h>
#include <termios.h>
#include <unistd.h>

#include "scenario.h"

static int run(char **argv)
{
	execvp(argv[0], argv);
	fprintf(stderr, "scenario: exec %s: %s\n", argv[0], strerror(errno));
	return 127;
}

/* private DIR[:DIR...]: tmpfs over each (existing) directory, in a new mount namespace. */
static int wrap_private(char *dirs, char **argv)
{
	char *save = NULL;

	if (unshare(CLONE_NEWNS) < 0)
		return scn_die("unshare(CLONE_NEWNS)");
	if (mount(NULL, "/", NULL, MS_REC | MS_PRIVATE, NULL) < 0)
		return scn_die("make / private");
	for (char *d = strtok_r(dirs, ":", &save); d; d = strtok_r(NULL, ":", &save))
		if (mount("saker-scratch", d, "tmpfs", MS_NOSUID | MS_NODEV, "mode=0755") < 0)
			return scn_die(d);
	return run(argv);
}

/* container CGROUPDIR: join a scratch cgroup whose name makes us a container. */
static int wrap_container(const char *cg, char **argv)
{
	char path[4096], pid[32];
	int fd, n;

	snprintf(path, sizeof(path), "%s/cgroup.procs", cg);
	n = snprintf(pid, sizeof(pid), "%d\n", (int)getpid());
	fd = open(path, O_WRONLY | O_CLOEXEC);
	if (fd < 0 || write(fd, pid, (size_t)n) != n)
		return scn_die(path);
	close(fd);
	return run(argv);
}

/* loginuid UID: as pam_loginuid at login (-1: none, as a service has). */
static int wrap_loginuid(const char *uid, char **argv)
{
	const char *v = strcmp(uid, "-1") ? uid : "4294967295";
	int fd = open("/proc/self/loginuid", O_WRONLY | O_CLOEXEC);
	char cur[32] = "";
	ssize_t n;

	if (fd < 0)
		return scn_die("/proc/self/loginuid");
	if (write(fd, v, strlen(v)) < 0) {
		/* Already what we want is fine (an unset one cannot be unset again). */
		int rfd = open("/proc/self/loginuid", O_RDONLY | O_CLOEXEC);

		n = rfd < 0 ? -1 : read(rfd, cur, sizeof(cur) - 1);
		if (rfd >= 0)
			close(rfd);
		if (n <= 0 || strncmp(cur, v, strlen(v)))
			return scn_die("write /proc/self/loginuid");
	}
	close(fd);
	return run(argv);
}

/* tty: run the command as a session leader with a pseudo-terminal. */
static int wrap_tty(char **argv)
{
	int m = posix_openpt(O_RDWR | O_NOCTTY | O_CLOEXEC), st;
	char buf[256];
	pid_t p;

	if (m < 0 || grantpt(m) < 0 || unlockpt(m) < 0)
		return scn_die("posix_openpt");
	p = fork();
	if (p == 0) {
		int s;

		setsid();
		s = open(ptsname(m), O_RDWR);
		if (s < 0 || ioctl(s, TIOCSCTTY, 0) < 0)
			_exit(scn_die("controlling tty"));
		dup2(s, 0);
		dup2(s, 1);
		dup2(s, 2);
		_exit(run(argv));
	}
	/* Drain the terminal until the child is gone (read fails with EIO). */
	while (read(m, buf, sizeof(buf)) > 0)
		;
	waitpid(p, &st, 0);
	close(m);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

/* notty: run the command in a new session, without a controlling terminal. */
static int wrap_notty(char **argv)
{
	pid_t p = fork();
	int st;

	if (p == 0) {
		setsid();
		_exit(run(argv));
	}
	waitpid(p, &st, 0);
	return WIFEXITED(st) ? WEXITSTATUS(st) : 1;
}

static int ifreq_addr(int s, const char *name, unsigned long req, const char *ip)
{
	struct ifreq r = { 0 };
	struct sockaddr_in *a = (struct sockaddr_in *)&r.ifr_addr;

	snprintf(r.ifr_name, sizeof(r.ifr_name), "%s", name);
	a->sin_family = AF_INET;
	inet_pton(AF_INET, ip, &a->sin_addr);
	return ioctl(s, req, &r);
}

/*
 * netns: a new network namespace whose loopback also answers 192.0.2.1
 * (TEST-NET-1): connections to a "remote" address that never leave the
 * namespace.
 */
static int wrap_netns(char **argv)
{
	struct ifreq r = { 0 };
	int s;

	if (unshare(CLONE_NEWNET) < 0)
		return scn_die("unshare(CLONE_NEWNET)");
	s = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	snprintf(r.ifr_name, sizeof(r.ifr_name), "lo");
	if (s < 0 || ioctl(s, SIOCGIFFLAGS, &r) < 0)
		return scn_die("lo flags");
	r.ifr_flags |= IFF_UP;
	if (ioctl(s, SIOCSIFFLAGS, &r) < 0)
		return scn_die("lo up");
	if (ifreq_addr(s, "lo:1", SIOCSIFADDR, "192.0.2.1") < 0 ||
	    ifreq_addr(s, "lo:1", SIOCSIFNETMASK, "255.255.255.255") < 0)
		return scn_die("192.0.2.1 on lo");
	close(s);
	return run(argv);
}

/* Wrappers: NAME [ARG] -- COMMAND...; returns -1 when argv[1] is none of them. */
int scn_wrap(int argc, char **argv)
{
	int sep = 0;

	for (int i = 2; i < argc; i++)
		if (strcmp(argv[i], "--") == 0) {
			sep = i;
			break;
		}
	if (!sep || sep + 1 >= argc)
		return -1;
	if (!strcmp(argv[1], "private") && sep == 3)
		return wrap_private(argv[2], argv + sep + 1);
	if (!strcmp(argv[1], "container") && sep == 3)
		return wrap_container(argv[2], argv + sep + 1);
	if (!strcmp(argv[1], "loginuid") && sep == 3)
		return wrap_loginuid(argv[2], argv + sep + 1);
	if (!strcmp(argv[1], "tty") && sep == 2)
		return wrap_tty(argv + sep + 1);
	if (!strcmp(argv[1], "notty") && sep == 2)
		return wrap_notty(argv + sep + 1);
	if (!strcmp(argv[1], "netns") && sep == 2)
		return wrap_netns(argv + sep + 1);
	return -1;
}
