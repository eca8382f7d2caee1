// SPDX-License-Identifier: GPL-2.0-only
/*
 * Records from finished system calls. Each event has a spec: two characters
 * per parameter, in table order, saying where the value comes from:
 *
 *   iN  integer argument N           pN  string at argument N
 *   aN  sockaddr at arg N, len N+1   TN  tuple of the socket fd in arg N
 *   Tr  tuple of the returned fd     Dr/Ir  dev/inode of the returned fd
 *   bN  bytes at arg N, res of them  BN  bytes at arg N, arg N+1 of them
 *   fN/gN  int[0]/int[1] at arg N   PN  inode of the fd in int[0] at arg N
 *   hf/hm/hr  open_how flags/mode/resolve at arg 2
 *   cN  capset data word N (inheritable, permitted, effective) at arg 1
 *   nN  string at arg N when arg 0 is PR_SET_NAME
 *   ms/md  msghdr at arg 1: total iov size / data of its first iov
 *
 * Processes (execve, clone family) are built in procrec.c.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <linux/capability.h>
#include <linux/openat2.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/prctl.h>
#include <sys/socket.h>
#include <sys/stat.h>
#include <sys/uio.h>

#include "ptrace_int.h"

#define EV(id) [SAKER_EV_##id]
static const char *const specs[SAKER_EV_MAX] = {
	EV(OPEN) = "p0i1i2DrIr",
	EV(OPENAT) = "i0p1i2i3DrIr",
	EV(OPENAT2) = "i0p1hfhmhrDrIr",
	EV(CREAT) = "p0i1DrIr",
	EV(CLOSE) = "i0",
	EV(DUP) = "i0",
	EV(DUP2) = "i0i1",
	EV(DUP3) = "i0i1i2",
	EV(FCNTL) = "i0i1i2",
	EV(PIPE) = "f0g0P0",
	EV(PIPE2) = "f0g0P0i1",
	EV(CHDIR) = "p0",
	EV(FCHDIR) = "i0",
	EV(CHROOT) = "p0",
	EV(RENAME) = "p0p1",
	EV(RENAMEAT) = "i0p1i2p3",
	EV(RENAMEAT2) = "i0p1i2p3i4",
	EV(UNLINK) = "p0",
	EV(UNLINKAT) = "i0p1i2",
	EV(MKDIR) = "p0i1",
	EV(MKDIRAT) = "i0p1i2",
	EV(RMDIR) = "p0",
	EV(LINK) = "p0p1",
	EV(LINKAT) = "i0p1i2p3i4",
	EV(SYMLINK) = "p0p1",
	EV(SYMLINKAT) = "p0i1p2",
	EV(CHMOD) = "p0i1",
	EV(FCHMOD) = "i0i1",
	EV(FCHMODAT) = "i0p1i2",
	EV(CHOWN) = "p0i1i2",
	EV(LCHOWN) = "p0i1i2",
	EV(FCHOWN) = "i0i1i2",
	EV(FCHOWNAT) = "i0p1i2i3i4",
	EV(MEMFD_CREATE) = "p0i1",
	EV(READ) = "i0i2b1",
	EV(WRITE) = "i0i2B1",
	EV(SOCKET) = "i0i1i2",
	EV(SOCKETPAIR) = "i0i1i2f3g3",
	EV(CONNECT) = "i0a1T0",
	EV(ACCEPT) = "i0Tr",
	EV(ACCEPT4) = "i0Tri3",
	EV(BIND) = "i0a1",
	EV(LISTEN) = "i0i1",
	EV(SENDTO) = "i0i2B1T0",
	EV(SENDMSG) = "i0msmdT0",
	EV(RECVFROM) = "i0i2b1T0",
	EV(RECVMSG) = "i0msmdT0",
	EV(SETUID) = "i0",
	EV(SETGID) = "i0",
	EV(SETREUID) = "i0i1",
	EV(SETREGID) = "i0i1",
	EV(SETRESUID) = "i0i1i2",
	EV(SETRESGID) = "i0i1i2",
	EV(SETSID) = "",
	EV(SETPGID) = "i0i1",
	EV(CAPSET) = "c0c1c2",
	EV(PRCTL) = "i0n1i1",
	EV(PTRACE) = "i0i1i2i3",
	EV(MOUNT) = "p0p1p2i3",
	EV(UMOUNT2) = "p0i1",
	EV(SETNS) = "i0i1",
	EV(UNSHARE) = "i0",
	EV(BPF) = "i0",
	EV(INIT_MODULE) = "i1p2",
	EV(FINIT_MODULE) = "i0p1i2",
	EV(DELETE_MODULE) = "p0i1",
	EV(KILL) = "i0i1",
	EV(USERFAULTFD) = "i0",
	EV(EVENTFD2) = "i0i1",
	EV(SIGNALFD4) = "i0i3",
	EV(TIMERFD_CREATE) = "i0i1",
	EV(INOTIFY_INIT1) = "i0",
	EV(EPOLL_CREATE1) = "i0",
	EV(CLOSE_RANGE) = "i0i1i2",
};
#undef EV

bool ptr_decode_known(int type)
{
	return type > 0 && type < SAKER_EV_MAX &&
	       (specs[type] || (evt_table[type].flags & SAKER_EF_PROC));
}

int ptr_emit(struct ptr_tracer *t, int len)
{
	return ptr_emit_rec(t, t->rec, len);
}

int ptr_emit_rec(struct ptr_tracer *t, const void *rec, int len)
{
	int r;

	if (len < 0) {
		t->c.lost++;
		t->c.drops[len == -ENOSPC ? SAKER_DROP_TOO_BIG : SAKER_DROP_FAULT]++;
		return len;
	}
	r = t->emit(t->ctx, rec, (size_t)len);
	if (r < 0) {
		t->c.lost++;
		t->c.drops[SAKER_DROP_BUFFER_FULL]++;
		return r;
	}
	t->c.records++;
	t->emitted++;
	return 0;
}

static void put_str(struct rec_builder *b, pid_t tid, uint64_t addr, size_t max)
{
	char *buf = malloc(max);
	bool cut = false;
	ssize_t n = buf ? ptr_mem_str(tid, addr, buf, max, &cut) : -ENOMEM;

	if (n > 0) {
		rb_str(b, buf);
		/* Flag a string cut at max bytes; the builder only flags its own cuts. */
		if (cut && !b->err)
			b->buf[SAKER_HDR_SIZE + 2u * (b->next - 1u) + 1] |=
				SAKER_PARAM_TRUNCATED >> 8;
	} else {
		rb_absent(b);
	}
	free(buf);
}

static void put_data(struct rec_builder *b, pid_t tid, uint64_t addr, int64_t len)
{
	uint8_t data[SAKER_DATA_MAX];
	size_t want = len > 0 ? (size_t)len : 0;
	ssize_t n;

	if (want > sizeof(data))
		want = sizeof(data);
	n = want ? ptr_mem_read(tid, addr, data, want) : 0;
	if (n <= 0) {
		rb_absent(b);
		return;
	}
	rb_bytes(b, data, (size_t)n);
	if ((size_t)len > (size_t)n && !b->err)
		b->buf[SAKER_HDR_SIZE + 2u * (b->next - 1u) + 1] |= SAKER_PARAM_TRUNCATED >> 8;
}

static bool fd_stat(pid_t tgid, int64_t fd, struct stat *sb)
{
	char path[64];

	if (fd < 0)
		return false;
	snprintf(path, sizeof(path), "/proc/%d/fd/%lld", (int)tgid, (long long)fd);
	return stat(path, sb) == 0;
}

/* The new fd's stat, taken once per record: dev and ino both come from it. */
struct fd_facts {
	bool tried, ok;
	struct stat sb;
};

static const struct stat *new_fd_stat(struct fd_facts *ff, pid_t tgid, int64_t fd)
{
	if (!ff->tried) {
		ff->tried = true;
		ff->ok = fd_stat(tgid, fd, &ff->sb);
	}
	return ff->ok ? &ff->sb : NULL;
}

/* An int argument travels in a 64-bit register; only its low half is meaningful. */
static uint64_t arg_int(const struct ptr_task *k, int type, int pidx, int a)
{
	switch (evt_table[type].params[pidx].type) {
	case SAKER_PT_FD:
	case SAKER_PT_PID:
	case SAKER_PT_S32:
		return (uint64_t)(int64_t)(int32_t)k->args[a];
	default:
		return k->args[a];
	}
}

/* The compat (i386, x32) layouts: 32-bit pointers and lengths. */
struct msghdr32 {
	uint32_t name, namelen, iov, iovlen, control, controllen, flags;
};

struct iovec32 {
	uint32_t base, len;
};

#define MSG_IOV_MAX 64

/* The iovec array of the msghdr at addr, in the native layout; count or -errno. */
static ssize_t read_msg_iov(const struct ptr_task *k, uint64_t addr, struct iovec *iov)
{
	struct iovec32 iov32[MSG_IOV_MAX];
	uint64_t base;
	size_t niov;

	if (ptr_abi_compat(k->abi)) {
		struct msghdr32 mh;

		if (ptr_mem_read(k->tid, addr, &mh, sizeof(mh)) != sizeof(mh))
			return -EFAULT;
		base = mh.iov;
		niov = mh.iovlen;
	} else {
		struct msghdr mh;

		if (ptr_mem_read(k->tid, addr, &mh, sizeof(mh)) != sizeof(mh))
			return -EFAULT;
		base = (uintptr_t)mh.msg_iov;
		niov = mh.msg_iovlen;
	}
	niov = niov < MSG_IOV_MAX ? niov : MSG_IOV_MAX;
	if (!niov)
		return 0;
	if (!ptr_abi_compat(k->abi))
		return ptr_mem_read(k->tid, base, iov, niov * sizeof(iov[0])) ==
				       (ssize_t)(niov * sizeof(iov[0])) ?
			       (ssize_t)niov :
			       -EFAULT;
	if (ptr_mem_read(k->tid, base, iov32, niov * sizeof(iov32[0])) !=
	    (ssize_t)(niov * sizeof(iov32[0])))
		return -EFAULT;
	for (size_t i = 0; i < niov; i++)
		iov[i] = (struct iovec){ .iov_base = (void *)(uintptr_t)iov32[i].base,
					 .iov_len = iov32[i].len };
	return (ssize_t)niov;
}

static void put_msghdr(struct rec_builder *b, const struct ptr_task *k, char what, int64_t res)
{
	struct iovec iov[MSG_IOV_MAX];
	ssize_t niov = read_msg_iov(k, k->args[1], iov);
	size_t total = 0;

	if (niov < 0) {
		rb_absent(b);
		return;
	}
	if (what == 's') {
		for (ssize_t i = 0; i < niov; i++)
			total += iov[i].iov_len;
		rb_num(b, total);
		return;
	}
	if (!niov || res <= 0) {
		rb_absent(b);
		return;
	}
	put_data(b, k->tid, (uintptr_t)iov[0].iov_base,
		 (int64_t)iov[0].iov_len < res ? (int64_t)iov[0].iov_len : res);
}

static void put_param(struct ptr_tracer *t, struct rec_builder *b, const struct ptr_task *k,
		      int type, int pidx, const char *c, int64_t res, struct fd_facts *ff)
{
	int a = c[1] >= '0' && c[1] <= '5' ? c[1] - '0' : 0;
	const struct stat *fsb;
	struct stat sb;
	int fds[2];

	switch (c[0]) {
	case 'i':
		rb_num(b, arg_int(k, type, pidx, a));
		break;
	case 'p':
		put_str(b, k->tid, k->args[a], SAKER_PATH_MAX);
		break;
	case 'n':
		if (k->args[0] == PR_SET_NAME)
			put_str(b, k->tid, k->args[a], SAKER_COMM_LEN);
		else
			rb_absent(b);
		break;
	case 'a':
		ptr_sockaddr(b, k->tid, k->args[a], k->args[a + 1]);
		break;
	case 'T':
		if (c[1] == 'r' && res < 0)
			rb_absent(b);
		else
			ptr_sock_tuple(t, b, k->tgid,
				       c[1] == 'r' ? res : (int64_t)(int32_t)k->args[a]);
		break;
	case 'D':
	case 'I':
		if (res >= 0 && (fsb = new_fd_stat(ff, k->tgid, res)))
			rb_num(b, c[0] == 'D' ? ptr_kdev(fsb->st_dev) : fsb->st_ino);
		else
			rb_absent(b);
		break;
	case 'b':
		put_data(b, k->tid, k->args[a], res);
		break;
	case 'B':
		put_data(b, k->tid, k->args[a], (int64_t)k->args[a + 1]);
		break;
	case 'f':
	case 'g':
	case 'P':
		if (res < 0 || ptr_mem_read(k->tid, k->args[a], fds, sizeof(fds)) != sizeof(fds))
			rb_absent(b);
		else if (c[0] != 'P')
			rb_num(b, (uint64_t)(int64_t)fds[c[0] == 'g']);
		else if (fd_stat(k->tgid, fds[0], &sb))
			rb_num(b, sb.st_ino);
		else
			rb_absent(b);
		break;
	case 'h': {
		struct open_how how;
		size_t sz = k->args[3] < sizeof(how) ? k->args[3] : sizeof(how);

		memset(&how, 0, sizeof(how));
		if (sz < sizeof(how.flags) ||
		    ptr_mem_read(k->tid, k->args[2], &how, sz) != (ssize_t)sz)
			rb_absent(b);
		else
			rb_num(b, c[1] == 'f' ? how.flags : c[1] == 'm' ? how.mode : how.resolve);
		break;
	}
	case 'c': {
		struct __user_cap_data_struct d[2];

		if (ptr_mem_read(k->tid, k->args[1], d, sizeof(d)) != sizeof(d)) {
			rb_absent(b);
			break;
		}
		if (a == 0)
			rb_num(b, d[0].inheritable | (uint64_t)d[1].inheritable << 32);
		else if (a == 1)
			rb_num(b, d[0].permitted | (uint64_t)d[1].permitted << 32);
		else
			rb_num(b, d[0].effective | (uint64_t)d[1].effective << 32);
		break;
	}
	case 'm':
		put_msghdr(b, k, c[1], res);
		break;
	default:
		rb_absent(b);
	}
}

unsigned ptr_decode_fdargs(const struct ptr_task *k, int64_t *ret, unsigned max)
{
	const char *spec = k->type > 0 && k->type < SAKER_EV_MAX ? specs[k->type] : NULL;
	unsigned n = 0;
	int pidx = 0;

	for (const char *c = spec; c && c[0] && c[1] && n < max; c += 2, pidx++) {
		int64_t fd;

		if (c[0] != 'i' || evt_table[k->type].params[pidx].type != SAKER_PT_FD)
			continue;
		/* dup2 and dup3 name the fd they make (newfd), not one that exists. */
		if ((k->type == SAKER_EV_DUP2 || k->type == SAKER_EV_DUP3) && pidx == 1)
			continue;
		fd = (int64_t)arg_int(k, k->type, pidx, c[1] - '0');
		if (fd >= 0)
			ret[n++] = fd;
	}
	return n;
}

/* A record of the spec'd kinds into t->rec: its length or -errno. */
static int build(struct ptr_tracer *t, struct ptr_task *k, int64_t res, uint64_t ts,
		 struct fd_facts *ff)
{
	const char *spec = specs[k->type];
	struct rec_builder b;
	int pidx = 0;

	rb_begin(&b, t->rec, sizeof(t->rec), (uint16_t)k->type, ts, (uint32_t)k->tid,
		 (uint32_t)k->tgid, res);
	for (const char *c = spec; c[0] && c[1]; c += 2, pidx++)
		put_param(t, &b, k, k->type, pidx, c, res, ff);
	return rb_end(&b);
}

bool ptr_decode_entry_complete(int type)
{
	const char *spec = type > 0 && type < SAKER_EV_MAX ? specs[type] : NULL;

	if (!spec || (evt_table[type].flags & SAKER_EF_PROC))
		return false;
	for (const char *c = spec; c[0] && c[1]; c += 2) {
		/* The new fd's device and inode: absent, and fields_entry.c knows them unknown. */
		if ((c[0] == 'D' || c[0] == 'I') && c[1] == 'r')
			continue;
		if (!strchr("ipnahcB", c[0]))
			return false;
	}
	return true;
}

int ptr_decode_entry_record(struct ptr_tracer *t, struct ptr_task *k, uint64_t ts)
{
	struct fd_facts ff = { 0 };

	if (!ptr_decode_entry_complete(k->type))
		return -ENOTSUP;
	return build(t, k, -EINPROGRESS, ts, &ff);
}

int ptr_decode_exit(struct ptr_tracer *t, struct ptr_task *k, int64_t res, uint64_t ts)
{
	struct fd_facts ff = { 0 };
	int type = k->type, r;

	if (type <= 0 || type >= SAKER_EV_MAX)
		return -EINVAL;
	if (type == SAKER_EV_EXECVE || type == SAKER_EV_EXECVEAT)
		return ptr_emit(t, ptr_build_exec(t, k, res, ts));
	if (evt_table[type].flags & SAKER_EF_PROC)
		return ptr_emit(t, ptr_build_clone(t, k, type, ptr_clone_flags(k), res, ts));
	if (!specs[type])
		return -ENOTSUP;
	r = ptr_emit(t, build(t, k, res, ts, &ff));
	/* A record the consumer did not take changed nothing in the state. */
	if (r == 0)
		ptr_fdsync_exit(t, k, res, ff.ok ? &ff.sb : NULL);
	return r;
}
