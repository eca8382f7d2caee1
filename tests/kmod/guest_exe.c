// SPDX-License-Identifier: GPL-2.0-only
/*
 * The exe facts in execve's flags parameter, as the eBPF probe sets them:
 * a memfd (and not a file merely named "memfd:..."), a file in an overlayfs
 * lower layer and, after a copy-up, in the upper layer, and whether the
 * caller could write the file (owner bits, or CAP_DAC_OVERRIDE).
 */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <sys/wait.h>

#include "event.h"
#include "guest.h"
#include "src_kmod.h"
#include "tap.h"

#define OVL "/tmp/ovl"
#define MAX_RUNS 8

struct run {
	const char *what;
	pid_t pid;
	bool seen;
	uint64_t flags;
};

/* Copy /init (the guest program, which exits 7 with --child) to fd. */
static int copy_init(int out)
{
	char buf[65536];
	int in = open("/init", O_RDONLY | O_CLOEXEC);
	ssize_t n;

	if (in < 0)
		return -errno;
	while ((n = read(in, buf, sizeof(buf))) > 0)
		if (write(out, buf, (size_t)n) != n)
			break;
	close(in);
	return n == 0 ? 0 : -EIO;
}

static int copy_init_to(const char *path, mode_t mode)
{
	int fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, mode);
	int r;

	if (fd < 0)
		return -errno;
	r = copy_init(fd);
	close(fd);
	return r;
}

/* Fork a child that execs path (or the memfd) as "--child", as uid. */
static pid_t spawn(const char *path, int memfd, uid_t uid)
{
	char *const argv[] = { "exe-case", "--child", NULL };
	char *const envp[] = { NULL };
	pid_t p = fork();
	int st;

	if (p == 0) {
		if (uid && setresuid(uid, uid, uid) < 0)
			_exit(126);
		if (memfd >= 0)
			fexecve(memfd, argv, envp);
		else
			execve(path, argv, envp);
		_exit(127);
	}
	if (p > 0)
		waitpid(p, &st, 0);
	return p;
}

static void collect(struct source *s, struct run *runs, int n)
{
	struct saker_rec_hdr h;
	const void *rec;
	enum evt_bad why;
	struct evt e;

	while (src_next(s, 300, &rec) == SRC_RECORD) {
		memcpy(&h, rec, sizeof(h));
		if (evt_decode(&e, rec, h.len, NULL, &why) < 0 || h.type != SAKER_EV_EXECVE ||
		    h.res != 0)
			continue;
		for (int i = 0; i < n; i++)
			if (h.pid == (uint32_t)runs[i].pid)
				runs[i].seen = evt_param_u64(&e, evt_param_index(h.type, "flags"),
							     &runs[i].flags);
	}
}

/* Mount an overlay whose lower layer holds prog; false if overlayfs is missing. */
static bool overlay_up(void)
{
	int fd = open("/overlay.ko", O_RDONLY | O_CLOEXEC);

	if (fd >= 0) {
		syscall(SYS_finit_module, fd, "", 0);
		close(fd);
	}
	mkdir(OVL, 0755);
	if (mount("tmpfs", OVL, "tmpfs", 0, NULL) < 0)
		return false;
	mkdir(OVL "/lower", 0755);
	mkdir(OVL "/upper", 0755);
	mkdir(OVL "/work", 0755);
	mkdir(OVL "/merged", 0755);
	if (copy_init_to(OVL "/lower/prog", 0755) < 0)
		return false;
	return mount("overlay", OVL "/merged", "overlay", 0,
		     "lowerdir=" OVL "/lower,upperdir=" OVL "/upper,workdir=" OVL "/work") == 0;
}

static void check(const struct run *r, uint64_t want, uint64_t mask)
{
	tap_ok(r->seen && (r->flags & mask) == want, "execve flags: %s (flags %#llx)", r->what,
	       (unsigned long long)r->flags);
}

void case_exe_flags(void)
{
	const uint64_t layers = SAKER_EXE_UPPER_LAYER | SAKER_EXE_LOWER_LAYER;
	const uint64_t all = layers | SAKER_EXE_FROM_MEMFD | SAKER_EXE_WRITABLE;
	struct src_interest want = { { 0 } };
	struct run runs[MAX_RUNS] = { { 0 } };
	struct source *s = NULL;
	bool ovl;
	char err[512];
	int mfd, n = 0;

	if (!tap_is_int(guest_load(""), 0, "module loads for the exe flags case"))
		return;
	if (!tap_ok(src_kmod_open(GUEST_DEVICE, &s, err, sizeof(err)) == 0,
		    "src_kmod attaches for the exe flags case")) {
		tap_diag("%s", err);
		guest_unload();
		return;
	}
	src_interest_set(&want, SAKER_EV_EXECVE);
	src_set_interest(s, &want);
	copy_init_to("/tmp/memfd:fake", 0755);
	runs[n++] = (struct run){ "root runs a 0755 file: writable (CAP_DAC_OVERRIDE)",
				  spawn("/tmp/memfd:fake", -1, 0) };
	runs[n++] = (struct run){ "nobody runs root's 0755 file: not writable, not a memfd",
				  spawn("/tmp/memfd:fake", -1, 65534) };
	mfd = memfd_create("saker-exe", MFD_CLOEXEC);
	if (mfd >= 0 && copy_init(mfd) == 0)
		runs[n].pid = spawn(NULL, mfd, 0);
	runs[n++].what = "a memfd: from memfd";
	if (mfd >= 0)
		close(mfd);
	ovl = overlay_up();
	if (ovl) {
		runs[n++] = (struct run){ "overlayfs file not copied up: lower layer",
					  spawn(OVL "/merged/prog", -1, 0) };
		/* Opening for write copies the file up. */
		close(open(OVL "/merged/prog", O_WRONLY | O_CLOEXEC));
		runs[n++] = (struct run){ "overlayfs file after a copy-up: upper layer",
					  spawn(OVL "/merged/prog", -1, 0) };
	}
	collect(s, runs, n);
	check(&runs[0], SAKER_EXE_WRITABLE, all);
	check(&runs[1], 0, all);
	check(&runs[2], SAKER_EXE_FROM_MEMFD, SAKER_EXE_FROM_MEMFD | layers);
	if (ovl) {
		check(&runs[3], SAKER_EXE_LOWER_LAYER, layers | SAKER_EXE_FROM_MEMFD);
		check(&runs[4], SAKER_EXE_UPPER_LAYER, layers | SAKER_EXE_FROM_MEMFD);
		umount(OVL "/merged");
	} else {
		tap_skip(2, "no overlayfs in the guest (overlay.ko missing: %s)", strerror(errno));
	}
	umount(OVL);
	src_close(s);
	tap_is_int(guest_unload(), 0, "rmmod after the exe flags case");
}
