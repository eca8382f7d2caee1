// SPDX-License-Identifier: GPL-2.0-only
/*
 * ptr_ia32_int80 FILE PORT EXEC: a 64-bit program that makes its calls
 * through the i386 ABI (int $0x80), the way a process would try to slip
 * past a tracer that decodes only x86-64 numbers. In order: open(FILE) and
 * openat(FILE), socket + connect to 127.0.0.1:PORT through socketcall and
 * through the direct calls, a sendmsg (socketcall, compat msghdr/iovec),
 * setresuid16(-1, -1, -1), an execve that fails (argv read from 32-bit
 * pointers), then execve(EXEC, [EXEC, "from-ia32"]) of the real one. Every
 * pointer handed to the kernel lives below 4 GiB (MAP_32BIT). Exits 2..9
 * naming the call that failed.
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

static long int80(long nr, long a, long b, long c)
{
	long r;

	__asm__ volatile("int $0x80"
			 : "=a"(r)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return r;
}

/* i386 numbers (arch/x86/entry/syscalls/syscall_32.tbl). */
enum {
	NR_OPEN = 5,
	NR_CLOSE = 6,
	NR_EXECVE = 11,
	NR_SOCKETCALL = 102,
	NR_SETRESUID16 = 164,
	NR_OPENAT = 295,
	NR_SOCKET = 359,
	NR_CONNECT = 362,
};

/* Memory below 4 GiB, where i386 pointers reach. */
struct low {
	char file[256], exec[256], bad[64], arg[16], msg[16];
	struct sockaddr_in sa;
	uint32_t args[6];
	uint32_t argv[3];
	uint32_t iov[2]; /* compat iovec: base, len */
	uint32_t mh[7]; /* compat msghdr */
};

static uint32_t lo(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

static long sock_call(struct low *m, int call, uint32_t a0, uint32_t a1, uint32_t a2)
{
	m->args[0] = a0;
	m->args[1] = a1;
	m->args[2] = a2;
	return int80(NR_SOCKETCALL, call, lo(m->args), 0);
}

/* socket + connect: through socketcall (1, 3) or the direct calls. */
static long connect_once(struct low *m, int via_socketcall)
{
	long fd, r;

	if (via_socketcall)
		fd = sock_call(m, 1, AF_INET, SOCK_STREAM, 0);
	else
		fd = int80(NR_SOCKET, AF_INET, SOCK_STREAM, 0);
	if (fd < 0)
		return fd;
	if (via_socketcall)
		r = sock_call(m, 3, (uint32_t)fd, lo(&m->sa), sizeof(m->sa));
	else
		r = int80(NR_CONNECT, fd, lo(&m->sa), sizeof(m->sa));
	if (r < 0) {
		int80(NR_CLOSE, fd, 0, 0);
		return r;
	}
	return fd;
}

int main(int argc, char **argv)
{
	struct low *m;
	long fd;

	if (argc != 4) {
		fprintf(stderr, "usage: ptr_ia32_int80 FILE PORT EXEC\n");
		return 64;
	}
	m = mmap(NULL, sizeof(*m), PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT,
		 -1, 0);
	if (m == MAP_FAILED)
		return 1;
	snprintf(m->file, sizeof(m->file), "%s", argv[1]);
	snprintf(m->exec, sizeof(m->exec), "%s", argv[3]);
	snprintf(m->bad, sizeof(m->bad), "/nonexistent/ptr-ia32");
	snprintf(m->arg, sizeof(m->arg), "from-ia32");
	snprintf(m->msg, sizeof(m->msg), "ia32-msg");
	m->sa = (struct sockaddr_in){ .sin_family = AF_INET,
				      .sin_port = htons((uint16_t)atoi(argv[2])),
				      .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };

	fd = int80(NR_OPEN, lo(m->file), O_RDONLY, 0);
	if (fd < 0)
		return 2;
	int80(NR_CLOSE, fd, 0, 0);
	fd = int80(NR_OPENAT, AT_FDCWD, lo(m->file), O_RDONLY);
	if (fd < 0)
		return 3;
	int80(NR_CLOSE, fd, 0, 0);

	fd = connect_once(m, 1);
	if (fd < 0)
		return 4;
	m->iov[0] = lo(m->msg);
	m->iov[1] = (uint32_t)strlen(m->msg);
	memset(m->mh, 0, sizeof(m->mh));
	m->mh[2] = lo(m->iov);
	m->mh[3] = 1;
	if (sock_call(m, 16, (uint32_t)fd, lo(m->mh), 0) != (long)strlen(m->msg))
		return 5;
	int80(NR_CLOSE, fd, 0, 0);
	fd = connect_once(m, 0);
	if (fd < 0)
		return 6;
	int80(NR_CLOSE, fd, 0, 0);

	if (int80(NR_SETRESUID16, 0xffff, 0xffff, 0xffff) < 0)
		return 7;

	m->argv[0] = lo(m->bad);
	m->argv[1] = lo(m->arg);
	m->argv[2] = 0;
	if (int80(NR_EXECVE, lo(m->bad), lo(m->argv), 0) >= 0)
		return 8;
	m->argv[0] = lo(m->exec);
	int80(NR_EXECVE, lo(m->exec), lo(m->argv), 0);
	return 9;
}
