// SPDX-License-Identifier: GPL-2.0-only
/*
 * A 64-bit process making i386 system calls through `int $0x80`, the way
 * an attacker hides a call from a driver that reads x86-64 numbers.
 * Arguments travel in 32-bit registers, so everything they point to lives
 * in a MAP_32BIT mapping.
 *
 *   int80 open PATH            i386 open(PATH, O_RDONLY)
 *   int80 connect PORT         socketcall(SOCKET), socketcall(CONNECT) to
 *                              127.0.0.1:PORT, then socket(2) + connect(2)
 *                              by their own i386 numbers
 *   int80 setreuid16           setreuid16(-1, -1): 16-bit ids, "unchanged"
 *   int80 execve PATH ARG...   i386 execve(PATH, [PATH, ARG...], envp)
 *
 * Prints the i386 results; exits 0 when every call returned >= 0 (a
 * refused connect counts: the call was made).
 */
#include <arpa/inet.h>
#include <stdint.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#if defined(__x86_64__)
#define NR32_OPEN 5
#define NR32_CLOSE 6
#define NR32_EXECVE 11
#define NR32_SETREUID16 70
#define NR32_SOCKETCALL 102
#define NR32_SOCKET 359
#define NR32_CONNECT 362
#define SYS_SOCKET_CALL 1
#define SYS_CONNECT_CALL 3

static long int80(long nr, long a, long b, long c)
{
	long ret;

	/* The 64-bit registers r8-r11 are not preserved across int $0x80. */
	__asm__ volatile("int $0x80"
			 : "=a"(ret)
			 : "a"(nr), "b"(a), "c"(b), "d"(c)
			 : "memory", "r8", "r9", "r10", "r11");
	return ret;
}

static uint8_t *low; /* below 4 GiB */
static size_t used;

static void *low_copy(const void *p, size_t n)
{
	void *at = low + used;

	if (used + n > 65536) {
		fprintf(stderr, "int80: scratch full\n");
		exit(2);
	}
	memcpy(at, p, n);
	used += (n + 7) & ~(size_t)7;
	return at;
}

static uint32_t lowp(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

static int do_connect(int port)
{
	struct sockaddr_in sin = { .sin_family = AF_INET, .sin_port = htons((uint16_t)port) };
	uint32_t args[3] = { AF_INET, SOCK_STREAM, 0 };
	uint32_t *a;
	void *sa;
	long fd, r1, fd2, r2;

	sin.sin_addr.s_addr = htonl(INADDR_LOOPBACK);
	sa = low_copy(&sin, sizeof(sin));
	a = low_copy(args, sizeof(args));
	fd = int80(NR32_SOCKETCALL, SYS_SOCKET_CALL, lowp(a), 0);
	args[0] = (uint32_t)fd;
	args[1] = lowp(sa);
	args[2] = sizeof(sin);
	a = low_copy(args, sizeof(args));
	r1 = int80(NR32_SOCKETCALL, SYS_CONNECT_CALL, lowp(a), 0);
	fd2 = int80(NR32_SOCKET, AF_INET, SOCK_STREAM, 0);
	r2 = int80(NR32_CONNECT, fd2, lowp(sa), sizeof(sin));
	printf("socketcall socket=%ld connect=%ld; socket=%ld connect=%ld\n", fd, r1, fd2, r2);
	int80(NR32_CLOSE, fd, 0, 0);
	int80(NR32_CLOSE, fd2, 0, 0);
	return fd >= 0 && fd2 >= 0 ? 0 : 1;
}

static int do_execve(int argc, char **argv)
{
	uint32_t av[16] = { 0 }, ev[1] = { 0 };
	void *path = low_copy(argv[0], strlen(argv[0]) + 1);
	long r;

	for (int i = 0; i < argc && i < 15; i++)
		av[i] = lowp(low_copy(argv[i], strlen(argv[i]) + 1));
	fflush(stdout);
	r = int80(NR32_EXECVE, lowp(path), lowp(low_copy(av, sizeof(av))),
		  lowp(low_copy(ev, sizeof(ev))));
	printf("execve=%ld\n", r);
	return 1;
}

int main(int argc, char **argv)
{
	long r;

	low = mmap(NULL, 65536, PROT_READ | PROT_WRITE, MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1,
		   0);
	if (low == MAP_FAILED || argc < 2) {
		fprintf(stderr, "usage: int80 open PATH | connect PORT | setreuid16 | "
				"execve PATH [ARG...]\n");
		return 2;
	}
	if (!strcmp(argv[1], "open") && argc == 3) {
		r = int80(NR32_OPEN, lowp(low_copy(argv[2], strlen(argv[2]) + 1)), 0, 0);
		printf("open=%ld\n", r);
		return r >= 0 ? 0 : 1;
	}
	if (!strcmp(argv[1], "connect") && argc == 3)
		return do_connect(atoi(argv[2]));
	if (!strcmp(argv[1], "setreuid16")) {
		r = int80(NR32_SETREUID16, 0xffff, 0xffff, 0);
		printf("setreuid16=%ld\n", r);
		return r >= 0 ? 0 : 1;
	}
	if (!strcmp(argv[1], "execve") && argc >= 3)
		return do_execve(argc - 2, argv + 2);
	fprintf(stderr, "int80: unknown action '%s'\n", argv[1]);
	return 2;
}
#else
int main(void)
{
	fprintf(stderr, "int80: x86-64 only\n");
	return 77;
}
#endif
