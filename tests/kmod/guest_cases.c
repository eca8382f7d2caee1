// SPDX-License-Identifier: GPL-2.0-only
/*
 * The cases the guest runs against saker.ko: load-time validation, the ABI
 * check, the device's ioctls and mappings, a capture of real system calls
 * through src_kmod and the decoder, unload under a reader, drops with a
 * tiny buffer, and a clean kernel log.
 */
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <netinet/in.h>
#include <pthread.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/ioctl.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/wait.h>

#include "../drivers/kmod/saker_ioctl.h"
#include "event.h"
#include "guest.h"
#include "src_kmod.h"
#include "tap.h"

#define FILE_PATH "/tmp/saker-kmod-file"

void case_bad_params(void)
{
	tap_is_int(guest_load("buf_size=12345"), -EINVAL, "buf_size not a power of two refused");
	tap_is_int(guest_load("buf_size=2048"), -EINVAL, "buf_size below a page refused");
}

void case_abi_mismatch(void)
{
	struct source *s = NULL;
	char err[512] = "";

	tap_is_int(guest_load("test_abi_major=99"), 0, "module loads faking ABI 99");
	tap_is_int(src_kmod_open(GUEST_DEVICE, &s, err, sizeof(err)), -EPROTO,
		   "src_kmod refuses a module of another ABI major");
	tap_ok(strstr(err, "saker-driver-loader") && strstr(err, "99."),
	       "the refusal names the versions and saker-driver-loader");
	tap_diag("%s", err);
	src_close(s);
	tap_is_int(guest_unload(), 0, "module with the fake ABI unloads");
}

static int ioc_errno(int fd, unsigned long cmd, void *arg)
{
	return ioctl(fd, cmd, arg) < 0 ? -errno : 0;
}

static void check_interest_validation(int fd)
{
	struct saker_ioc_interest in;

	memset(&in, 0, sizeof(in));
	in.nbits = SAKER_EV_MAX;
	in.flags = 1;
	tap_is_int(ioc_errno(fd, SAKER_IOC_SET_INTEREST, &in), -EINVAL, "interest: flags refused");
	in.flags = 0;
	in.nbits = SAKER_IOC_INTEREST_MAX_BITS + 1;
	tap_is_int(ioc_errno(fd, SAKER_IOC_SET_INTEREST, &in), -EINVAL,
		   "interest: too many bits refused");
	in.nbits = SAKER_IOC_INTEREST_MAX_BITS;
	in.bits[SAKER_EV_MAX / 8] |= 1u << (SAKER_EV_MAX % 8);
	tap_is_int(ioc_errno(fd, SAKER_IOC_SET_INTEREST, &in), -EINVAL,
		   "interest: unknown event type refused");
	memset(&in, 0, sizeof(in));
	in.nbits = 8;
	in.bits[1] = 1;
	tap_is_int(ioc_errno(fd, SAKER_IOC_SET_INTEREST, &in), -EINVAL,
		   "interest: bit beyond nbits refused");
	tap_is_int(ioc_errno(fd, SAKER_IOC_SET_INTEREST, NULL), -EFAULT,
		   "interest: bad pointer is EFAULT");
	in.bits[1] = 0;
	tap_is_int(ioc_errno(fd, SAKER_IOC_SET_INTEREST, &in), 0,
		   "interest: valid bitmap accepted");
}

static void check_mappings(int fd, uint32_t size)
{
	long pg = sysconf(_SC_PAGESIZE);
	off_t data = (off_t)(SAKER_MMAP_PGOFF(0, SAKER_MMAP_DATA) * (uint64_t)pg);
	void *p;

	p = mmap(NULL, 2ul * size, PROT_READ | PROT_WRITE, MAP_SHARED, fd, data);
	tap_ok(p == MAP_FAILED, "data pages cannot be mapped writable");
	p = mmap(NULL, size, PROT_READ, MAP_SHARED, fd, data);
	tap_ok(p == MAP_FAILED && errno == EINVAL, "data mapping of the wrong length refused");
	p = mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, fd,
		 (off_t)(SAKER_MMAP_PGOFF(4095, SAKER_MMAP_CTL) * (uint64_t)pg));
	tap_ok(p == MAP_FAILED && errno == EINVAL, "mapping of a CPU that does not exist refused");
	p = mmap(NULL, (size_t)pg, PROT_READ, MAP_SHARED, fd,
		 (off_t)(SAKER_MMAP_PGOFF(0, 7) * (uint64_t)pg));
	tap_ok(p == MAP_FAILED && errno == EINVAL, "mapping of an unknown region refused");
	p = mmap(NULL, 2ul * size, PROT_READ, MAP_SHARED, fd, data);
	tap_ok(p != MAP_FAILED, "data pages map read-only");
	if (p != MAP_FAILED) {
		tap_ok(mprotect(p, 2ul * size, PROT_READ | PROT_WRITE) < 0,
		       "read-only data mapping cannot be made writable");
		munmap(p, 2ul * size);
	}
}

/* A reader that writes nonsense into its tail gets drops, not a broken kernel. */
static void check_bogus_tail(int fd)
{
	long pg = sysconf(_SC_PAGESIZE);
	struct saker_ring_ctl *ctl =
		mmap(NULL, (size_t)pg, PROT_READ | PROT_WRITE, MAP_SHARED, fd,
		     (off_t)(SAKER_MMAP_PGOFF(0, SAKER_MMAP_CTL) * (uint64_t)pg));
	struct saker_ioc_stats st = { .cpu = 0 };
	struct saker_ioc_interest in = { .nbits = SAKER_EV_MAX };
	cpu_set_t cpu0, all;
	int i, f;

	if (!tap_ok(ctl != MAP_FAILED, "control page maps read-write"))
		return;
	in.bits[SAKER_EV_OPENAT / 8] |= 1u << (SAKER_EV_OPENAT % 8);
	ioctl(fd, SAKER_IOC_SET_INTEREST, &in);
	/* Stay on CPU 0, whose tail is the bogus one. */
	sched_getaffinity(0, sizeof(all), &all);
	CPU_ZERO(&cpu0);
	CPU_SET(0, &cpu0);
	sched_setaffinity(0, sizeof(cpu0), &cpu0);
	ctl->tail = ctl->head + (1ull << 40);
	tap_is_int(ioc_errno(fd, SAKER_IOC_START, NULL), 0, "capture starts");
	for (i = 0; i < 20; i++) {
		f = open(FILE_PATH, O_RDONLY | O_CLOEXEC);
		if (f >= 0)
			close(f);
	}
	tap_is_int(ioc_errno(fd, SAKER_IOC_GET_STATS, &st), 0, "stats of CPU 0");
	tap_ok(st.drops[SAKER_DROP_BUFFER_FULL] >= 20,
	       "a bogus tail counts as a full ring (%llu drops)",
	       (unsigned long long)st.drops[SAKER_DROP_BUFFER_FULL]);
	ioctl(fd, SAKER_IOC_STOP, 0);
	sched_setaffinity(0, sizeof(all), &all);
	ctl->tail = ctl->head;
	munmap(ctl, (size_t)pg);
}

void case_ioctls(void)
{
	struct saker_ioc_version v;
	struct saker_ioc_stats st = { .cpu = 1u << 20 };
	int fd, fd2, f;

	f = open(FILE_PATH, O_CREAT | O_WRONLY | O_CLOEXEC, 0644);
	if (f >= 0)
		close(f);
	tap_is_int(guest_load("buf_size=1048576"), 0, "module loads with a 1 MiB ring per CPU");
	fd = open(GUEST_DEVICE, O_RDWR | O_CLOEXEC);
	if (!tap_ok(fd >= 0, "device opens"))
		return;
	fd2 = open(GUEST_DEVICE, O_RDWR | O_CLOEXEC);
	tap_ok(fd2 < 0 && errno == EBUSY, "a second reader is refused with EBUSY");
	if (fd2 >= 0)
		close(fd2);
	tap_is_int(ioc_errno(fd, _IO(SAKER_IOC_MAGIC, 99), NULL), -ENOTTY,
		   "unknown ioctl is ENOTTY");
	tap_is_int(ioc_errno(fd, TCGETS, NULL), -ENOTTY, "a tty ioctl is ENOTTY");
	tap_is_int(ioc_errno(fd, SAKER_IOC_VERSION, &v), 0, "version ioctl");
	tap_is_int(v.major, SAKER_ABI_MAJOR, "module reports this ABI major");
	tap_is_int(ioc_errno(fd, SAKER_IOC_VERSION, (void *)8), -EFAULT, "version: bad pointer");
	tap_is_int(ioctl(fd, SAKER_IOC_START, 1) < 0 ? -errno : 0, -EINVAL,
		   "start with an argument refused");
	tap_is_int(ioc_errno(fd, SAKER_IOC_GET_STATS, &st), -EINVAL, "stats: CPU out of range");
	tap_is_int(ioc_errno(fd, SAKER_IOC_GET_STATS, NULL), -EFAULT, "stats: bad pointer");
	check_interest_validation(fd);
	check_mappings(fd, v.ring_size);
	check_bogus_tail(fd);
	close(fd);
}
