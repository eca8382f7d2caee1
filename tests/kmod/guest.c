// SPDX-License-Identifier: GPL-2.0-only
/*
 * PID 1 of the kmod test guest: mounts what the kernel does not, brings up
 * loopback, runs the cases (TAP on the serial console), then reports the
 * verdict twice: a marker line, and the isa-debug-exit port (qemu's exit
 * status is code * 2 + 1; a guest that panics exits with 0 instead).
 * Run with --child it is the program the capture case executes.
 */
#include <errno.h>
#include <fcntl.h>
#include <net/if.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <termios.h>
#include <unistd.h>
#include <sys/io.h>
#include <sys/ioctl.h>
#include <sys/mount.h>
#include <sys/reboot.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/syscall.h>

#include "guest.h"
#include "tap.h"

#define EXIT_PORT 0xf4
#define EXIT_PASS 0x10 /* qemu exits 33 */
#define EXIT_FAIL 0x11 /* qemu exits 35 */

int guest_load(const char *params)
{
	int fd = open(GUEST_MODULE, O_RDONLY | O_CLOEXEC);
	int r;

	if (fd < 0)
		return -errno;
	r = (int)syscall(SYS_finit_module, fd, params, 0);
	r = r < 0 ? -errno : 0;
	close(fd);
	return r;
}

int guest_unload(void)
{
	return syscall(SYS_delete_module, "saker", O_NONBLOCK) < 0 ? -errno : 0;
}

static void setup(void)
{
	struct ifreq ifr = { .ifr_name = "lo" };
	int fd;

	mkdir("/dev", 0755);
	mkdir("/proc", 0755);
	mkdir("/sys", 0755);
	mkdir("/tmp", 01777);
	mount("devtmpfs", "/dev", "devtmpfs", 0, NULL);
	mount("proc", "/proc", "proc", 0, NULL);
	mount("sysfs", "/sys", "sysfs", 0, NULL);
	/*
	 * devtmpfs has no shm directory, and the initramfs's is hidden
	 * under it: the /dev/shm scenario mounts its scratch tmpfs here.
	 */
	mkdir("/dev/shm", 01777);
	/* bash's process substitution and scripts' /dev/stdin need these. */
	symlink("/proc/self/fd", "/dev/fd");
	symlink("/proc/self/fd/0", "/dev/stdin");
	symlink("/proc/self/fd/1", "/dev/stdout");
	symlink("/proc/self/fd/2", "/dev/stderr");
	setenv("PATH", "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin", 1);
	setenv("HOME", "/root", 1);
	fd = open("/dev/console", O_RDWR);
	if (fd >= 0) {
		dup2(fd, 0);
		dup2(fd, 1);
		dup2(fd, 2);
		if (fd > 2)
			close(fd);
	}
	setvbuf(stdout, NULL, _IOLBF, 0);
	fd = socket(AF_INET, SOCK_DGRAM | SOCK_CLOEXEC, 0);
	if (fd >= 0 && ioctl(fd, SIOCGIFFLAGS, &ifr) == 0) {
		ifr.ifr_flags |= IFF_UP;
		ioctl(fd, SIOCSIFFLAGS, &ifr);
	}
	if (fd >= 0)
		close(fd);
}

static void report(int failed)
{
	fflush(stdout);
	printf("SAKER-KMOD-RESULT: %s\n", failed ? "FAIL" : "PASS");
	fflush(stdout);
	tcdrain(1);
	if (ioperm(EXIT_PORT, 4, 1) == 0)
		outb(failed ? EXIT_FAIL : EXIT_PASS, EXIT_PORT);
	reboot(RB_POWER_OFF);
}

int main(int argc, char **argv)
{
	const char *only;
	int failed;

	if (argc > 1 && strcmp(argv[1], "--child") == 0)
		return 7;
	if (getpid() != 1) {
		fprintf(stderr, "this program is the PID 1 of the saker kmod test guest\n");
		return 2;
	}
	setup();
	printf("# saker kmod guest: kernel tests start\n");
	/* run.sh -s LIST: only these scenario suites (the kernel passes
	 * unknown name=value boot parameters to init as its environment). */
	only = getenv("SAKER_GUEST_SUITES_ONLY");
	if (!only) {
		case_bench_baseline();
		case_bad_params();
		case_abi_mismatch();
		case_ioctls();
		case_capture();
		case_exe_flags();
		case_ia32();
		case_hotplug();
		case_bench();
		case_tiny_buffer();
	}
	if (!only || strstr(only, "kmod"))
		case_scenarios_kmod();
	if (!only || strstr(only, "ebpf")) {
		case_ia32_ebpf();
		case_scenarios_ebpf();
	}
	case_kernel_log();
	failed = tap_done();
	report(failed);
	return 0;
}
