// SPDX-License-Identifier: GPL-2.0-only
/*
 * ia32_int80 FILE PORT EXEC [ARG...]: a 64-bit program that makes its
 * system calls through the i386 ABI (int $0x80), the way a process would
 * try to slip past a driver that decodes only x86-64 numbers. The 32-bit
 * tests of all three drivers run it (eBPF: tests/integration/ebpf_ia32.sh;
 * kernel module: tests/kmod/guest_ia32.c; ptrace: tests/unit/test_ptrace_ia32
 * and tests/integration/ptrace_ia32.sh). In order:
 *
 *   open(FILE), fchown16(fd, -1, -1), close; openat(AT_FDCWD, FILE)
 *   socketcall(SOCKET), socketcall(CONNECT) to 127.0.0.1:PORT,
 *   socketcall(SENDMSG) of "ia32-msg" (compat msghdr and iovec)
 *   socket(2) and connect(2) by their own i386 numbers, to the same port
 *   setreuid16(-1, -1), setresuid16(-1, -1, -1): 16-bit ids, "unchanged"
 *   an execve that fails (argv read through 32-bit pointers)
 *   execve(EXEC, [EXEC, ARG...], []): the real one
 *
 * Every pointer handed to the kernel lives below 4 GiB (MAP_32BIT). Exits
 * 64 on a usage error, 2..9 naming the call that failed.
 */
#include <arpa/inet.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <unistd.h>

/* i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
enum {
	NR_OPEN = 5,
	NR_CLOSE = 6,
	NR_EXECVE = 11,
	NR_SETREUID16 = 70,
	NR_FCHOWN16 = 95,
	NR_SOCKETCALL = 102,
	NR_SETRESUID16 = 164,
	NR_OPENAT = 295,
	NR_SOCKET = 359,
	NR_CONNECT = 362,
};

/* socketcall's subcalls (include/uapi/linux/net.h). */
enum { SC_SOCKET = 1, SC_CONNECT = 3, SC_SENDMSG = 16 };

#define ARGS_MAX 16

/* Memory below 4 GiB, where i386 pointers reach. */
struct low {
	char file[256], exec[256], bad[64], msg[16];
	char args[ARGS_MAX][256];
	struct sockaddr_in sa;
	uint32_t sc[6]; /* socketcall's argument array */
	uint32_t argv[ARGS_MAX + 2], envp[1];
	uint32_t iov[2]; /* compat iovec: base, len */
	uint32_t mh[7]; /* compat msghdr */
};

static long int80(long nr, long a, long b, long c)
{
	long r;

	/* The 64-bit registers r8-r11 are not preserved across int $0x80. */
	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "cc", "r8", "r9", "r10", "r11");
	return r;
}

static uint32_t lo(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

static long sock_call(struct low *m, int call, uint32_t a0, uint32_t a1, uint32_t a2)
{
	m->sc[0] = a0;
	m->sc[1] = a1;
	m->sc[2] = a2;
	return int80(NR_SOCKETCALL, call, lo(m->sc), 0);
}

/* socket + connect, through socketcall or the direct calls: the fd, or < 0. */
static long connect_once(struct low *m, int via_socketcall)
{
	long fd, r;

	if (via_socketcall)
		fd = sock_call(m, SC_SOCKET, AF_INET, SOCK_STREAM, 0);
	else
		fd = int80(NR_SOCKET, AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fd;
	if (via_socketcall)
		r = sock_call(m, SC_CONNECT, (uint32_t)fd, lo(&m->sa), sizeof(m->sa));
	else
		r = int80(NR_CONNECT, fd, lo(&m->sa), sizeof(m->sa));
	if (r < 0) {
		int80(NR_CLOSE, fd, 0, 0);
		return r;
	}
	return fd;
}

static int files(struct low *m)
{
	long fd = int80(NR_OPEN, lo(m->file), O_RDONLY, 0);

	if (fd < 0)
		return 2;
	/* No change, allowed to anyone: the record is what counts. */
	int80(NR_FCHOWN16, fd, 0xffff, 0xffff);
	int80(NR_CLOSE, fd, 0, 0);
	fd = int80(NR_OPENAT, AT_FDCWD, lo(m->file), O_RDONLY);
	if (fd < 0)
		return 3;
	int80(NR_CLOSE, fd, 0, 0);
	return 0;
}

static int sockets(struct low *m)
{
	long fd = connect_once(m, 1);

	if (fd < 0)
		return 4;
	m->iov[0] = lo(m->msg);
	m->iov[1] = (uint32_t)strlen(m->msg);
	memset(m->mh, 0, sizeof(m->mh));
	m->mh[2] = lo(m->iov);
	m->mh[3] = 1;
	if (sock_call(m, SC_SENDMSG, (uint32_t)fd, lo(m->mh), 0) != (long)strlen(m->msg))
		return 5;
	int80(NR_CLOSE, fd, 0, 0);
	fd = connect_once(m, 0);
	if (fd < 0)
		return 6;
	int80(NR_CLOSE, fd, 0, 0);
	return 0;
}

int main(int argc, char **argv)
{
	struct low *m;
	int k, n = argc - 4;

	if (argc < 4 || n > ARGS_MAX) {
		fprintf(stderr, "usage: ia32_int80 FILE PORT EXEC [ARG...] (at most %d)\n",
			ARGS_MAX);
		return 64;
	}
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		 -1, 0);
	if (m == MAP_FAILED)
		return 1;
	snprintf(m->file, sizeof(m->file), "%s", argv[1]);
	snprintf(m->exec, sizeof(m->exec), "%s", argv[3]);
	snprintf(m->bad, sizeof(m->bad), "/nonexistent/ia32-int80");
	snprintf(m->msg, sizeof(m->msg), "ia32-msg");
	m->sa = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_port = htons((uint16_t)atoi(argv[2])),
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	for (int i = 0; i < n; i++) {
		snprintf(m->args[i], sizeof(m->args[i]), "%s", argv[4 + i]);
		m->argv[1 + i] = lo(m->args[i]);
	}
	m->argv[1 + n] = 0;
	m->envp[0] = 0;

	k = files(m);
	if (k == 0)
		k = sockets(m);
	if (k)
		return k;
	if (int80(NR_SETREUID16, 0xffff, 0xffff, 0) < 0 ||
	    int80(NR_SETRESUID16, 0xffff, 0xffff, 0xffff) < 0)
		return 7;
	m->argv[0] = lo(m->bad);
	if (int80(NR_EXECVE, lo(m->bad), lo(m->argv), lo(m->envp)) >= 0)
		return 8;
	m->argv[0] = lo(m->exec);
	fflush(NULL);
	int80(NR_EXECVE, lo(m->exec), lo(m->argv), lo(m->envp));
	return 9;
}
