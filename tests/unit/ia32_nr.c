// SPDX-License-Identifier: GPL-2.0-only
/*
 * The C library's own numbers for the 32-bit ABIs, in a unit of their own:
 * <asm/unistd_32.h> and <asm/unistd_x32.h> define the same names as the
 * x86-64 header and cannot share a translation unit with it.
 */
#include <asm/unistd_32.h>
#include <stddef.h>
#include <string.h>

#include "ia32_nr.h"

int ia32_nr_socketcall(void)
{
	return __NR_socketcall;
}

int ia32_nr_of(const char *name)
{
	static const struct {
		const char *name;
		int nr;
	} nrs[] = {
#define N(x) { #x, __NR_##x },
		N(fork) N(read) N(write) N(open) N(close) N(creat) N(link) N(unlink) N(execve) N(chdir) N(
			chmod) N(lchown) N(mount) N(umount) N(setuid) N(ptrace) N(kill) N(rename) N(mkdir)
			N(rmdir) N(dup) N(pipe) N(setgid) N(umount2) N(fcntl) N(setpgid) N(chroot) N(
				dup2) N(setsid) N(setreuid) N(setregid) N(symlink) N(fchmod) N(fchown)
				N(clone) N(init_module) N(delete_module) N(fchdir) N(setresuid) N(
					setresgid) N(prctl) N(chown) N(capset) N(vfork) N(lchown32) N(setreuid32)
					N(setregid32) N(fchown32) N(setresuid32) N(setresgid32) N(
						chown32) N(setuid32) N(setgid32) N(fcntl64) N(openat)
						N(mkdirat) N(fchownat) N(unlinkat) N(renameat) N(linkat) N(
							symlinkat) N(fchmodat) N(unshare) N(timerfd_create)
							N(signalfd4) N(eventfd2) N(epoll_create1) N(dup3) N(
								pipe2) N(inotify_init1) N(setns) N(finit_module)
								N(renameat2) N(memfd_create) N(
									bpf) N(execveat) N(socket)
									N(socketpair) N(bind) N(connect) N(
										listen) N(accept4) N(sendto)
										N(sendmsg) N(recvfrom) N(
											recvmsg) N(userfaultfd)
											N(clone3) N(
												openat2)
												N(close_range)
		/* The other 16-bit id calls (kernel/uid16.c), and their 32-bit twins. */
		N(setfsuid) N(setfsgid) N(setfsuid32) N(setfsgid32) N(getresuid) N(getresgid)
			N(getgroups) N(setgroups) N(getuid) N(getgid) N(geteuid) N(getegid)
#undef N
	};

	for (size_t i = 0; i < sizeof(nrs) / sizeof(nrs[0]); i++)
		if (strcmp(nrs[i].name, name) == 0)
			return nrs[i].nr;
	return -1;
}
