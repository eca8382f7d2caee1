/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The table-driven filler. The event table (SAKER_EVENT_TABLE) gives each
 * parameter's type; SAKER_SPECS below says where each value comes from
 * (a syscall argument, a user string it points to, the file behind the
 * result fd, ...). One generic step, run by bpf_loop() once per parameter,
 * reads the value its source names and writes it with its type's encoding.
 * The compile-time checks below keep both tables the same length.
 */
#ifndef SAKER_PARAMS_BPF_H
#define SAKER_PARAMS_BPF_H

#define SAKER_SYS(x) 0
#define SAKER_NOSYS 0

/*
 * Parameter types and counts, generated from the one event table. Tables
 * have EV_SLOTS rows so an index masked with EV_SLOTS - 1 is in bounds.
 */
#define EV_SLOTS 128
_Static_assert(SAKER_EV_MAX <= EV_SLOTS, "EV_SLOTS too small");
#define PT_TYPE(t, n, i) SAKER_PT_##t,
#define EV_TYPES(id, name, sys, fl, res, ps) [SAKER_EV_##id] = { ps },
static const __u8 ev_ptypes[EV_SLOTS][SAKER_MAX_PARAMS] = { SAKER_EVENT_TABLE(EV_TYPES, PT_TYPE) };
#define PT_NONE(t, n, i)
#define EV_COUNT(id, name, sys, fl, res, ps) [SAKER_EV_##id] = SAKER_NPARAMS_##id,
static const __u8 ev_nparams[EV_SLOTS] = { SAKER_EVENT_TABLE(EV_COUNT, PT_NONE) };
#define EV_FLAGS(id, name, sys, fl, res, ps) [SAKER_EV_##id] = fl,
static const __u8 ev_flags[EV_SLOTS] = { SAKER_EVENT_TABLE(EV_FLAGS, PT_NONE) };

enum src_kind {
	K_NONE = 0, /* not available from this driver */
	K_ARG, /* syscall argument a */
	K_CONST, /* the constant aux */
	K_RES, /* the syscall result */
	K_USTR, /* NUL-terminated user string at argument a */
	K_RESDEV, /* dev of the file behind the result fd */
	K_RESINO, /* inode number of the file behind the result fd */
	K_UINT, /* the int at user address argument a, element aux (pipe fds) */
	K_UINTINO, /* inode of the fd at user address argument a */
	K_UU64, /* the u64 at user address argument a, element aux (open_how) */
	K_DATA, /* user bytes at argument a, res of them (read/write) */
	K_MSGDATA, /* first iovec of the msghdr at argument a, res bytes */
	K_SADDR, /* user sockaddr at argument a, its length in argument aux */
	K_TUPLE, /* both ends of the socket at fd argument a */
	K_RESTUPLE, /* both ends of the socket at the result fd */
	K_CAP, /* capability set aux (0 inh, 1 perm, 2 eff) of the caller now */
	K_PRCTLSTR, /* prctl's arg2 as a string when option is PR_SET_NAME */
	K_EXEFLAGS, /* SAKER_EXE_* computed with the process block */
};

struct psrc {
	__u8 kind, a;
	__u16 aux;
};

#define SPEC_MAX 8
struct ev_spec {
	__u8 n;
	struct psrc p[SPEC_MAX];
};

#define A(i)                \
	{                   \
		K_ARG, i, 0 \
	}
#define C(v)                  \
	{                     \
		K_CONST, 0, v \
	}
#define RES                 \
	{                   \
		K_RES, 0, 0 \
	}
#define U(i)                 \
	{                    \
		K_USTR, i, 0 \
	}
#define RDEV                   \
	{                      \
		K_RESDEV, 0, 0 \
	}
#define RINO                   \
	{                      \
		K_RESINO, 0, 0 \
	}
#define UINT(i, k)           \
	{                    \
		K_UINT, i, k \
	}
#define UINTINO(i)              \
	{                       \
		K_UINTINO, i, 0 \
	}
#define UU64(i, k)           \
	{                    \
		K_UU64, i, k \
	}
#define DATA(i)              \
	{                    \
		K_DATA, i, 0 \
	}
#define MSGDATA(i)              \
	{                       \
		K_MSGDATA, i, 0 \
	}
#define SADDR(i, l)           \
	{                     \
		K_SADDR, i, l \
	}
#define TUP(i)                \
	{                     \
		K_TUPLE, i, 0 \
	}
#define RESTUP                   \
	{                        \
		K_RESTUPLE, 0, 0 \
	}
#define CAP(k)              \
	{                   \
		K_CAP, 0, k \
	}
#define PRCTLSTR                 \
	{                        \
		K_PRCTLSTR, 1, 0 \
	}
#define EXEF                     \
	{                        \
		K_EXEFLAGS, 0, 0 \
	}

#define SIGCHLD_BPF 17
#define CLONE_VM_BPF 0x100
#define CLONE_VFORK_BPF 0x4000
#define PR_SET_NAME_BPF 15

/*
 * X(event, sources of its parameters) for plain events; XP() for events
 * that start with the process block and list only what follows it.
 */
/* clang-format off */
#define SAKER_SPECS(X, XP)                                                     \
	XP(EXECVE, EXEF)                                                       \
	XP(EXECVEAT, EXEF, A(0), U(1), A(4))                                   \
	XP(CLONE, A(0))                                                        \
	XP(CLONE3, UU64(0, 0))                                                 \
	XP(FORK, C(SIGCHLD_BPF))                                               \
	XP(VFORK, C(CLONE_VM_BPF | CLONE_VFORK_BPF | SIGCHLD_BPF))             \
	X(OPEN, U(0), A(1), A(2), RDEV, RINO)                                  \
	X(OPENAT, A(0), U(1), A(2), A(3), RDEV, RINO)                          \
	X(OPENAT2, A(0), U(1), UU64(2, 0), UU64(2, 1), UU64(2, 2), RDEV, RINO) \
	X(CREAT, U(0), A(1), RDEV, RINO)                                       \
	X(CLOSE, A(0))                                                         \
	X(DUP, A(0))                                                           \
	X(DUP2, A(0), A(1))                                                    \
	X(DUP3, A(0), A(1), A(2))                                              \
	X(FCNTL, A(0), A(1), A(2))                                             \
	X(PIPE, UINT(0, 0), UINT(0, 1), UINTINO(0))                            \
	X(PIPE2, UINT(0, 0), UINT(0, 1), UINTINO(0), A(1))                     \
	X(CHDIR, U(0))                                                         \
	X(FCHDIR, A(0))                                                        \
	X(CHROOT, U(0))                                                        \
	X(RENAME, U(0), U(1))                                                  \
	X(RENAMEAT, A(0), U(1), A(2), U(3))                                    \
	X(RENAMEAT2, A(0), U(1), A(2), U(3), A(4))                             \
	X(UNLINK, U(0))                                                        \
	X(UNLINKAT, A(0), U(1), A(2))                                          \
	X(MKDIR, U(0), A(1))                                                   \
	X(MKDIRAT, A(0), U(1), A(2))                                           \
	X(RMDIR, U(0))                                                         \
	X(LINK, U(0), U(1))                                                    \
	X(LINKAT, A(0), U(1), A(2), U(3), A(4))                                \
	X(SYMLINK, U(0), U(1))                                                 \
	X(SYMLINKAT, U(0), A(1), U(2))                                         \
	X(CHMOD, U(0), A(1))                                                   \
	X(FCHMOD, A(0), A(1))                                                  \
	X(FCHMODAT, A(0), U(1), A(2))                                          \
	X(CHOWN, U(0), A(1), A(2))                                             \
	X(LCHOWN, U(0), A(1), A(2))                                            \
	X(FCHOWN, A(0), A(1), A(2))                                            \
	X(FCHOWNAT, A(0), U(1), A(2), A(3), A(4))                              \
	X(MEMFD_CREATE, U(0), A(1))                                            \
	X(READ, A(0), A(2), DATA(1))                                           \
	X(WRITE, A(0), A(2), DATA(1))                                          \
	X(SOCKET, A(0), A(1), A(2))                                            \
	X(SOCKETPAIR, A(0), A(1), A(2), UINT(3, 0), UINT(3, 1))                \
	X(CONNECT, A(0), SADDR(1, 2), TUP(0))                                  \
	X(ACCEPT, A(0), RESTUP)                                                \
	X(ACCEPT4, A(0), RESTUP, A(3))                                         \
	X(BIND, A(0), SADDR(1, 2))                                             \
	X(LISTEN, A(0), A(1))                                                  \
	X(SENDTO, A(0), A(2), DATA(1), TUP(0))                                 \
	X(SENDMSG, A(0), RES, MSGDATA(1), TUP(0))                              \
	X(RECVFROM, A(0), A(2), DATA(1), TUP(0))                               \
	X(RECVMSG, A(0), RES, MSGDATA(1), TUP(0))                              \
	X(SETUID, A(0))                                                        \
	X(SETGID, A(0))                                                        \
	X(SETREUID, A(0), A(1))                                                \
	X(SETREGID, A(0), A(1))                                                \
	X(SETRESUID, A(0), A(1), A(2))                                         \
	X(SETRESGID, A(0), A(1), A(2))                                         \
	X(SETPGID, A(0), A(1))                                                 \
	X(CAPSET, CAP(0), CAP(1), CAP(2))                                      \
	X(PRCTL, A(0), PRCTLSTR, A(1))                                         \
	X(PTRACE, A(0), A(1), A(2), A(3))                                      \
	X(MOUNT, U(0), U(1), U(2), A(3))                                       \
	X(UMOUNT2, U(0), A(1))                                                 \
	X(SETNS, A(0), A(1))                                                   \
	X(UNSHARE, A(0))                                                       \
	X(BPF, A(0))                                                           \
	X(INIT_MODULE, A(1), U(2))                                             \
	X(FINIT_MODULE, A(0), U(1), A(2))                                      \
	X(DELETE_MODULE, U(0), A(1))                                           \
	X(KILL, A(0), A(1))                                                    \
	X(USERFAULTFD, A(0))                                                   \
	X(EVENTFD2, A(0), A(1))                                                \
	X(SIGNALFD4, A(0), A(3))                                               \
	X(TIMERFD_CREATE, A(0), A(1))                                          \
	X(INOTIFY_INIT1, A(0))                                                 \
	X(EPOLL_CREATE1, A(0))                                                 \
	X(CLOSE_RANGE, A(0), A(1), A(2))
/* clang-format on */

#define SPEC_N(...) (sizeof((struct psrc[]){ __VA_ARGS__ }) / sizeof(struct psrc))
#define X_TAB(id, ...) [SAKER_EV_##id] = { .n = SPEC_N(__VA_ARGS__), .p = { __VA_ARGS__ } },
static const struct ev_spec ev_specs[EV_SLOTS] = { SAKER_SPECS(X_TAB, X_TAB) };

#define X_CHK(id, ...)                                                             \
	_Static_assert(SPEC_N(__VA_ARGS__) == SAKER_NPARAMS_##id, "sources " #id); \
	_Static_assert(SPEC_N(__VA_ARGS__) <= SPEC_MAX, "SPEC_MAX " #id);
#define XP_CHK(id, ...)                                                                \
	_Static_assert(SPEC_N(__VA_ARGS__) + SAKER_PROC_NPARAMS == SAKER_NPARAMS_##id, \
		       "sources " #id);
SAKER_SPECS(X_CHK, XP_CHK)
_Static_assert(SAKER_NPARAMS_SETSID == 0, "setsid has no parameters");

#define PT_BIT(t) (1ull << SAKER_PT_##t)
#define PT_SIZE8                                                                  \
	(PT_BIT(U64) | PT_BIT(S64) | PT_BIT(FD) | PT_BIT(PID) | PT_BIT(ABSTIME) | \
	 PT_BIT(RELTIME) | PT_BIT(INODE))
#define PT_SIZE4                                                                                \
	(PT_BIT(U32) | PT_BIT(S32) | PT_BIT(UID) | PT_BIT(GID) | PT_BIT(MODE) | PT_BIT(FLAGS) | \
	 PT_BIT(ENUM) | PT_BIT(SIGNAL) | PT_BIT(DEV))
_Static_assert(SAKER_PT_MAX <= 64, "type masks too small");

/*
 * Encoded size of the fixed-size types, 0 for the others. Bit masks, not a
 * switch: compiled for x86 first (classic builds), a switch becomes a
 * lookup table the verifier cannot bound (and a const table trips clang
 * 14's BTF section layout).
 */
static __always_inline __u32 ptype_size(__u8 t)
{
	__u64 bit = 1ull << (t & 63);

	if (bit & PT_SIZE8)
		return 8;
	if (bit & PT_SIZE4)
		return 4;
	if (t == SAKER_PT_U16)
		return 2;
	return t == SAKER_PT_U8 ? 1 : 0;
}

/* A file's dev or inode number, for fd. */
static __always_inline bool fd_devino(__s64 fd, bool ino, __u64 *ret)
{
	struct file *f = fd_to_file(fd);
	struct inode *i;

	if (!f)
		return false;
	i = RD(f, f_inode);
	*ret = ino ? RD(i, i_ino) : RD(i, i_sb, s_dev);
	return true;
}

/*
 * dev and inode of the file behind the result fd, looked up once per
 * record (the open family asks for both).
 */
static __always_inline bool res_devino(struct fillctx *fc, bool ino, __u64 *ret)
{
	if (!fc->have_devino) {
		struct file *f = fc->res >= 0 ? fd_to_file(fc->res) : NULL;
		struct inode *i = f ? RD(f, f_inode) : NULL;

		fc->have_devino = i ? 1 : 2;
		if (i) {
			fc->res_dev = RD(i, i_sb, s_dev);
			fc->res_ino = RD(i, i_ino);
		}
	}
	if (fc->have_devino != 1)
		return false;
	*ret = ino ? fc->res_ino : fc->res_dev;
	return true;
}

static __always_inline void put_msgdata(struct fillctx *fc, __u32 idx, const void *umsg)
{
	struct iovec *iov = NULL;
	struct iovec first = {};
	__u32 c[2] = {};

	if (!umsg || fc->res <= 0) {
		set_len(fc, idx, 0);
		return;
	}
	/*
	 * struct user_msghdr: name, namelen, then the iovec array pointer;
	 * struct compat_msghdr (i386, x32's own sendmsg/recvmsg): the same
	 * with 32-bit pointers, and 32-bit compat_iovecs.
	 */
	if (fc->abi_flags & SAKER_BPF_VAL_COMPAT) {
		if (bpf_probe_read_user(c, 4, umsg + 8) != 0 ||
		    bpf_probe_read_user(c, sizeof(c), (void *)(__u64)c[0]) != 0) {
			set_len(fc, idx, 0);
			return;
		}
		first.iov_base = (void *)(__u64)c[0];
		first.iov_len = c[1];
	} else if (bpf_probe_read_user(&iov, sizeof(iov), umsg + 16) != 0 ||
		   bpf_probe_read_user(&first, sizeof(first), iov) != 0) {
		set_len(fc, idx, 0);
		return;
	}
	put_ubytes(fc, idx, first.iov_base,
		   first.iov_len < (__u64)fc->res ? first.iov_len : (__u64)fc->res);
}

/*
 * The value of a numeric source; false when it cannot be had (the
 * parameter is then "not available").
 */
static __always_inline bool src_num(struct fillctx *fc, const struct psrc *ps, __u8 pt, __u64 *v)
{
	__u32 a = ps->a & 7;
	__s32 i32 = 0;

	switch (ps->kind) {
	case K_ARG:
		*v = fc->args[a & 7];
		/* int arguments (fds, pids) arrive zero-extended: restore the sign. */
		if (pt == SAKER_PT_FD || pt == SAKER_PT_PID)
			*v = (__u64)(__s64)(__s32)*v;
		return true;
	case K_CONST:
		*v = ps->aux;
		return true;
	case K_RES:
		*v = (__u64)fc->res;
		return true;
	case K_RESDEV:
	case K_RESINO:
		return res_devino(fc, ps->kind == K_RESINO, v);
	case K_UINT:
		if (fc->res < 0 ||
		    bpf_probe_read_user(&i32, 4, (void *)fc->args[a & 7] + 4 * (ps->aux & 1)))
			return false;
		*v = (__u64)(__s64)i32;
		return true;
	case K_UINTINO:
		if (fc->res < 0 || bpf_probe_read_user(&i32, 4, (void *)fc->args[a & 7]))
			return false;
		return fd_devino(i32, true, v);
	case K_UU64:
		return bpf_probe_read_user(v, 8, (void *)fc->args[a & 7] + 8 * (ps->aux & 3)) == 0;
	case K_CAP: {
		struct task_struct *t = (void *)bpf_get_current_task();

		*v = cap_read(RD(t, cred), ps->aux);
		return true;
	}
	case K_EXEFLAGS:
		*v = fc->exe_flags;
		return true;
	}
	return false;
}

static __always_inline void fill_param(__u64 i, struct fillctx *fc)
{
	__u32 ev = fc->ev & (EV_SLOTS - 1), idx = fc->first + (__u32)i, a;
	const struct psrc *ps;
	__u64 v = 0;
	__u8 pt;

	if (i >= SPEC_MAX || idx >= SAKER_MAX_PARAMS)
		return;
	ps = &ev_specs[ev].p[i];
	pt = ev_ptypes[ev][idx];
	a = ps->a & 7;
	switch (ps->kind) {
	case K_USTR:
		put_ustr(fc, idx, (void *)fc->args[a], SAKER_PATH_MAX);
		return;
	case K_PRCTLSTR:
		if (fc->args[0] == PR_SET_NAME_BPF)
			put_ustr(fc, idx, (void *)fc->args[a], SAKER_COMM_LEN);
		else
			set_len(fc, idx, 0);
		return;
	case K_DATA:
		put_ubytes(fc, idx, (void *)fc->args[a], fc->res > 0 ? (__u64)fc->res : 0);
		return;
	case K_MSGDATA:
		put_msgdata(fc, idx, (void *)fc->args[a]);
		return;
	case K_SADDR:
		put_sockaddr(fc, idx, (void *)fc->args[a], fc->args[ps->aux & 7]);
		return;
	case K_TUPLE:
		put_tuple(fc, idx, (__s64)(__s32)fc->args[a]);
		return;
	case K_RESTUPLE:
		if (fc->res >= 0)
			put_tuple(fc, idx, fc->res);
		else
			set_len(fc, idx, 0);
		return;
	}
	if (ptype_size(pt) && src_num(fc, ps, pt, &v))
		put_num(fc, idx, ptype_size(pt), v);
	else
		set_len(fc, idx, 0);
}

/*
 * One parameter of the record in this CPU's scratch, verified once on its
 * own (a global function): inlined in the bpf_loop() callback, every
 * iteration's different offset would make the verifier walk the whole
 * switch again.
 */
SAKER_NOINLINE int saker_fill_param(__u32 i)
{
	struct fillctx *fc = scratch_get();

	if (!fc)
		return 1;
	fill_param(i, fc);
	return 0;
}

static long fill_param_cb(__u64 i, void *arg)
{
	return saker_fill_param((__u32)i) ? 1 : 0;
}

#endif /* SAKER_PARAMS_BPF_H */
