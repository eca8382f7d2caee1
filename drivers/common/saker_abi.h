/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The event ABI shared by saker.ko, saker.bpf.o, the ptrace tracer and
 * userspace. Kernel-safe C only: no libc, __u32-style types.
 *
 * A record is one struct saker_rec_hdr, then nparams __u16 lengths, then the
 * parameter bytes back to back, in the order the event table lists them.
 * hdr.len covers all three. A length's top bit (SAKER_PARAM_TRUNCATED) says
 * the driver had to cut the value; a length of zero says the value could not
 * be read at all. Strings carry their terminating NUL.
 *
 * Compatibility: a reader refuses a driver whose SAKER_ABI_MAJOR differs. A
 * minor bump only appends parameters to events or events to the table, and
 * readers accept records with more or fewer parameters than they know.
 */
#ifndef SAKER_ABI_H
#define SAKER_ABI_H

#if !defined(__KERNEL__) && !defined(__VMLINUX_H__)
#include <linux/types.h>
#endif

#define SAKER_ABI_MAJOR 1
#define SAKER_ABI_MINOR 1

struct saker_rec_hdr {
	__u64 ts; /* CLOCK_BOOTTIME nanoseconds (drivers); see capture format */
	__s64 res; /* syscall return value, or event-specific result */
	__u32 tid; /* kernel thread id (root pid namespace) */
	__u32 pid; /* kernel thread-group id */
	__u32 len; /* header + lengths + parameters, in bytes */
	__u16 type; /* enum saker_event_type */
	__u16 nparams;
};

#define SAKER_HDR_SIZE 32
#define SAKER_PARAM_TRUNCATED 0x8000u
#define SAKER_PARAM_LEN_MASK 0x7fffu
/* No record is larger than this; readers reject anything that claims more. */
#define SAKER_REC_MAX 65536u
#define SAKER_MAX_PARAMS 40

/* Bounds on what drivers copy (documented in docs/event-abi.md). */
#define SAKER_PATH_MAX 4096 /* one path */
#define SAKER_ARGS_MAX 4096 /* argv, NUL-separated */
#define SAKER_ENV_MAX 4096 /* environ, NUL-separated */
#define SAKER_CGROUP_MAX 1024 /* cgroup paths, NUL-separated */
#define SAKER_DATA_MAX 256 /* payload snapshot of read/write/send/recv */
#define SAKER_COMM_LEN 16

/*
 * Parameter types. The encoding of each is fixed; userspace renders them.
 * Integers are host-endian. Addresses are network order.
 */
enum saker_param_type {
	SAKER_PT_NONE = 0,
	SAKER_PT_U8,
	SAKER_PT_U16,
	SAKER_PT_U32,
	SAKER_PT_U64,
	SAKER_PT_S32,
	SAKER_PT_S64,
	SAKER_PT_FD, /* __s64 file descriptor */
	SAKER_PT_PID, /* __s64 process/thread id */
	SAKER_PT_UID, /* __u32 */
	SAKER_PT_GID, /* __u32 */
	SAKER_PT_MODE, /* __u32 file mode bits */
	SAKER_PT_FLAGS, /* __u32 bit flags, names from the info flag set */
	SAKER_PT_ENUM, /* __u32 one value, name from the info flag set */
	SAKER_PT_SIGNAL, /* __u32 signal number */
	SAKER_PT_ABSTIME, /* __u64 ns since the epoch (or boot, for drivers) */
	SAKER_PT_RELTIME, /* __u64 ns */
	SAKER_PT_DEV, /* __u32 kernel dev_t encoding */
	SAKER_PT_INODE, /* __u64 */
	SAKER_PT_STR, /* NUL-terminated string */
	SAKER_PT_PATH, /* NUL-terminated absolute or cwd-relative path */
	SAKER_PT_RELPATH, /* path relative to the dirfd parameter named by info */
	SAKER_PT_STRLIST, /* NUL-separated strings (argv, env, cgroups) */
	SAKER_PT_BYTES, /* raw bytes */
	SAKER_PT_SOCKADDR, /* family-tagged address, see below */
	SAKER_PT_SOCKTUPLE, /* family-tagged local+remote ends, see below */
	SAKER_PT_MAX
};

/* Size of a fixed-size parameter type; 0 for the variable-size ones. */
static inline __u32 saker_ptype_size(enum saker_param_type t)
{
	switch (t) {
	case SAKER_PT_U8:
		return 1;
	case SAKER_PT_U16:
		return 2;
	case SAKER_PT_U32:
	case SAKER_PT_S32:
	case SAKER_PT_UID:
	case SAKER_PT_GID:
	case SAKER_PT_MODE:
	case SAKER_PT_FLAGS:
	case SAKER_PT_ENUM:
	case SAKER_PT_SIGNAL:
	case SAKER_PT_DEV:
		return 4;
	case SAKER_PT_U64:
	case SAKER_PT_S64:
	case SAKER_PT_FD:
	case SAKER_PT_PID:
	case SAKER_PT_ABSTIME:
	case SAKER_PT_RELTIME:
	case SAKER_PT_INODE:
		return 8;
	default:
		return 0;
	}
}

/*
 * Socket addresses. First byte is the family (AF_INET=2, AF_INET6=10,
 * AF_UNIX=1). SOCKADDR: inet: u8 fam, u8[4] addr, u16 port (host order);
 * inet6: u8 fam, u8[16] addr, u16 port; unix: u8 fam, path bytes (NUL
 * terminated, abstract names start with '@').
 * SOCKTUPLE: inet: u8 fam, u8[4] local, u16 lport, u8[4] remote, u16 rport;
 * inet6: the same with 16-byte addresses; unix: u8 fam, u64 local socket
 * address, u64 peer socket address, path.
 */
#define SAKER_SOCK_INET_SIZE 7
#define SAKER_SOCK_INET6_SIZE 19
#define SAKER_TUPLE_INET_SIZE 13
#define SAKER_TUPLE_INET6_SIZE 37
#define SAKER_TUPLE_UNIX_MIN 17

/* Flags of execve/clone records' exe_flags parameter (Falco's meanings). */
#define SAKER_EXE_WRITABLE (1u << 0) /* the exe file is writable by the caller */
#define SAKER_EXE_UPPER_LAYER (1u << 1) /* exe lives in an overlayfs upper layer */
#define SAKER_EXE_FROM_MEMFD (1u << 2) /* exe is a memfd */
#define SAKER_EXE_LOWER_LAYER (1u << 3) /* exe lives in an overlayfs lower layer */

/* The fd types of SAKER_EV_FD_SNAPSHOT and of the state tables. */
enum saker_fd_kind {
	SAKER_FDK_UNKNOWN = 0,
	SAKER_FDK_FILE,
	SAKER_FDK_DIRECTORY,
	SAKER_FDK_IPV4,
	SAKER_FDK_IPV6,
	SAKER_FDK_UNIX,
	SAKER_FDK_PIPE,
	SAKER_FDK_EVENT,
	SAKER_FDK_SIGNALFD,
	SAKER_FDK_EVENTPOLL,
	SAKER_FDK_INOTIFY,
	SAKER_FDK_TIMERFD,
	SAKER_FDK_NETLINK,
	SAKER_FDK_BPF,
	SAKER_FDK_USERFAULTFD,
	SAKER_FDK_MEMFD,
	SAKER_FDK_IOURING,
	SAKER_FDK_PIDFD,
	SAKER_FDK_OTHER,
	SAKER_FDK_MAX
};

/*
 * SAKER_EV_FD_SNAPSHOT's fd parameter is an open fd, or this: the process's
 * fd table is replaced (emptied, and no longer shared with another process);
 * the process's snapshots that follow describe it. A snapshot with res < 0
 * (-EBADF) says its fd is not open. (docs/event-abi.md, "Snapshots".)
 */
#define SAKER_FD_TABLE (-1)

/* Reasons a driver drops a record; counted per reason (and per CPU). */
enum saker_drop_reason {
	SAKER_DROP_BUFFER_FULL = 0, /* ring had no room */
	SAKER_DROP_TOO_BIG, /* record larger than the scratch space */
	SAKER_DROP_FAULT, /* could not build the record at all */
	SAKER_DROP_MAX
};

/*
 * Named value sets for FLAGS and ENUM parameters. The kernel ships raw
 * values; userspace owns the names (src/flagnames.c).
 */
enum saker_flagset {
	SAKER_FS_NONE = 0,
	SAKER_FS_OPEN, /* O_* open(2) flags */
	SAKER_FS_RESOLVE, /* RESOLVE_* of openat2 */
	SAKER_FS_EXE, /* SAKER_EXE_* */
	SAKER_FS_CLONE, /* CLONE_* */
	SAKER_FS_NS, /* CLONE_NEW* of setns(2) */
	SAKER_FS_SOCKFAMILY, /* AF_* (enum) */
	SAKER_FS_SOCKTYPE, /* SOCK_* type and flags */
	SAKER_FS_SOCKFLAGS, /* SOCK_NONBLOCK|SOCK_CLOEXEC of accept4 */
	SAKER_FS_FCNTL, /* F_* commands (enum) */
	SAKER_FS_PTRACE, /* PTRACE_* requests (enum) */
	SAKER_FS_PRCTL, /* PR_* options (enum) */
	SAKER_FS_BPFCMD, /* BPF_* commands (enum) */
	SAKER_FS_MOUNT, /* MS_* */
	SAKER_FS_UMOUNT, /* MNT_* / UMOUNT_* */
	SAKER_FS_AT, /* AT_* of *at(2) calls */
	SAKER_FS_RENAME, /* RENAME_* */
	SAKER_FS_MEMFD, /* MFD_* */
	SAKER_FS_MODULE, /* MODULE_INIT_* / O_* of module calls */
	SAKER_FS_FDKIND, /* enum saker_fd_kind */
	SAKER_FS_MAX
};

/* Event flags (the flags column of the table). */
#define SAKER_EF_NONE 0u
#define SAKER_EF_CREATES_FD (1u << 0) /* a non-negative res is a new fd */
#define SAKER_EF_CLOSES_FD (1u << 1)
#define SAKER_EF_STATE (1u << 2) /* state tracking needs it: always captured */
#define SAKER_EF_INTERNAL (1u << 3) /* not a system call */
#define SAKER_EF_PROC (1u << 4) /* carries the process block (SAKER_PROC_PARAMS) */
#define SAKER_EF_FDARG (1u << 5) /* the parameter named "fd" names an existing fd */

#include "saker_events.h"

#define SAKER_EV_ENUM(id, name, sys, flags, res, params) SAKER_EV_##id,
#define SAKER_P_NOTHING(type, pname, info)
enum saker_event_type { SAKER_EVENT_TABLE(SAKER_EV_ENUM, SAKER_P_NOTHING) SAKER_EV_MAX };
#undef SAKER_EV_ENUM

/* Per-event parameter counts, for drivers that fill records by hand. */
#define SAKER_P_COUNT(type, pname, info) +1
#define SAKER_EV_NPARAMS(id, name, sys, flags, res, params) SAKER_NPARAMS_##id = 0 params,
enum saker_event_nparams { SAKER_EVENT_TABLE(SAKER_EV_NPARAMS, SAKER_P_COUNT) };
#undef SAKER_EV_NPARAMS
#undef SAKER_P_COUNT
#undef SAKER_P_NOTHING

#endif /* SAKER_ABI_H */
