/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The one table of saker events. Every consumer (kernel module, eBPF probe,
 * ptrace tracer, userspace decoder, `saker list-events`) expands it with its
 * own E and P macros:
 *
 *   E(ID, "name", syscall, flags, "result name", params)
 *   P(TYPE, "name", info)
 *
 * syscall is SAKER_SYS(name) (x86_64 __NR_name) or SAKER_NOSYS for events
 * that are not system calls. info is the flag set of FLAGS/ENUM parameters,
 * or the index of the dirfd parameter of a RELPATH parameter, else 0.
 * Parameter names follow Falco's where Falco has the same parameter, so
 * evt.arg.NAME in existing rules means the same thing.
 *
 * Order is ABI: append events and parameters, never reorder or remove them
 * without bumping SAKER_ABI_MAJOR.
 */
#ifndef SAKER_EVENTS_H
#define SAKER_EVENTS_H

/*
 * The process block, first in every record that starts or describes a
 * process (execve, execveat, clone family, process snapshots). Indices are
 * fixed: drivers fill them in this order.
 */
/* clang-format off */
#define SAKER_PROC_PARAMS(P)                                                   \
	P(PATH, "filename", 0)		/* 0: path execve was given */          \
	P(STRLIST, "argv", 0)		/* 1: argv[0..], NUL-separated */       \
	P(PID, "tid", 0)		/* 2 */                                 \
	P(PID, "pid", 0)		/* 3 */                                 \
	P(PID, "ptid", 0)		/* 4: parent (thread group leader) */   \
	P(PID, "pgid", 0)		/* 5 */                                 \
	P(PID, "sid", 0)		/* 6 */                                 \
	P(PID, "vtid", 0)		/* 7: in the task's pid namespace */    \
	P(PID, "vpid", 0)		/* 8 */                                 \
	P(PID, "vpgid", 0)		/* 9 */                                 \
	P(PATH, "cwd", 0)		/* 10 */                                \
	P(STR, "comm", 0)		/* 11 */                                \
	P(PATH, "exepath", 0)		/* 12: kernel-resolved executable */    \
	P(STRLIST, "cgroups", 0)	/* 13: "subsys=path" per hierarchy */   \
	P(STRLIST, "env", 0)		/* 14 */                                \
	P(DEV, "tty", 0)		/* 15: controlling tty, 0 if none */    \
	P(UID, "loginuid", 0)		/* 16 */                                \
	P(UID, "uid", 0)		/* 17 */                                \
	P(GID, "gid", 0)		/* 18 */                                \
	P(UID, "euid", 0)		/* 19 */                                \
	P(GID, "egid", 0)		/* 20 */                                \
	P(U64, "cap_inheritable", 0)	/* 21 */                                \
	P(U64, "cap_permitted", 0)	/* 22 */                                \
	P(U64, "cap_effective", 0)	/* 23 */                                \
	P(INODE, "exe_ino", 0)		/* 24 */                                \
	P(ABSTIME, "exe_ino_ctime", 0)	/* 25 */                                \
	P(ABSTIME, "exe_ino_mtime", 0)	/* 26 */                                \
	P(ABSTIME, "start_ts", 0)	/* 27: task start, CLOCK_BOOTTIME ns */ \
	P(U32, "pidns_level", 0)	/* 28: 0 in the root pid namespace */
#define SAKER_PROC_NPARAMS 29

#define SAKER_EVENT_TABLE(E, P)                                                \
	E(UNKNOWN, "unknown", SAKER_NOSYS, SAKER_EF_INTERNAL, "res", )        \
	/* Processes */                                                        \
	E(EXECVE, "execve", SAKER_SYS(execve), SAKER_EF_STATE | SAKER_EF_PROC, \
	  "res", SAKER_PROC_PARAMS(P) P(FLAGS, "flags", SAKER_FS_EXE))        \
	E(EXECVEAT, "execveat", SAKER_SYS(execveat),                           \
	  SAKER_EF_STATE | SAKER_EF_PROC, "res",                               \
	  SAKER_PROC_PARAMS(P) P(FLAGS, "flags", SAKER_FS_EXE)                 \
	  P(FD, "dirfd", 0) P(RELPATH, "pathname", SAKER_PROC_NPARAMS + 1)     \
	  P(FLAGS, "at_flags", SAKER_FS_AT))                                   \
	E(CLONE, "clone", SAKER_SYS(clone), SAKER_EF_STATE | SAKER_EF_PROC,    \
	  "res", SAKER_PROC_PARAMS(P) P(FLAGS, "flags", SAKER_FS_CLONE))      \
	E(CLONE3, "clone3", SAKER_SYS(clone3), SAKER_EF_STATE | SAKER_EF_PROC, \
	  "res", SAKER_PROC_PARAMS(P) P(FLAGS, "flags", SAKER_FS_CLONE))      \
	E(FORK, "fork", SAKER_SYS(fork), SAKER_EF_STATE | SAKER_EF_PROC,       \
	  "res", SAKER_PROC_PARAMS(P) P(FLAGS, "flags", SAKER_FS_CLONE))      \
	E(VFORK, "vfork", SAKER_SYS(vfork), SAKER_EF_STATE | SAKER_EF_PROC,    \
	  "res", SAKER_PROC_PARAMS(P) P(FLAGS, "flags", SAKER_FS_CLONE))      \
	E(PROCEXIT, "procexit", SAKER_NOSYS,                                   \
	  SAKER_EF_STATE | SAKER_EF_INTERNAL, "status",                        \
	  P(S64, "status", 0) P(PID, "reaper_tid", 0))                         \
	/* Files */                                                            \
	E(OPEN, "open", SAKER_SYS(open), SAKER_EF_STATE | SAKER_EF_CREATES_FD, \
	  "fd", P(PATH, "name", 0) P(FLAGS, "flags", SAKER_FS_OPEN)            \
	  P(MODE, "mode", 0) P(DEV, "dev", 0) P(INODE, "ino", 0))              \
	E(OPENAT, "openat", SAKER_SYS(openat),                                 \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "fd", P(FD, "dirfd", 0)        \
	  P(RELPATH, "name", 0) P(FLAGS, "flags", SAKER_FS_OPEN)               \
	  P(MODE, "mode", 0) P(DEV, "dev", 0) P(INODE, "ino", 0))              \
	E(OPENAT2, "openat2", SAKER_SYS(openat2),                              \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "fd", P(FD, "dirfd", 0)        \
	  P(RELPATH, "name", 0) P(FLAGS, "flags", SAKER_FS_OPEN)               \
	  P(MODE, "mode", 0) P(FLAGS, "resolve", SAKER_FS_RESOLVE)             \
	  P(DEV, "dev", 0) P(INODE, "ino", 0))                                 \
	E(CREAT, "creat", SAKER_SYS(creat),                                    \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "fd", P(PATH, "name", 0)       \
	  P(MODE, "mode", 0) P(DEV, "dev", 0) P(INODE, "ino", 0))              \
	E(CLOSE, "close", SAKER_SYS(close),                                    \
	  SAKER_EF_STATE | SAKER_EF_CLOSES_FD | SAKER_EF_FDARG, "res",         \
	  P(FD, "fd", 0))                                                      \
	E(DUP, "dup", SAKER_SYS(dup), SAKER_EF_STATE | SAKER_EF_CREATES_FD,    \
	  "res", P(FD, "oldfd", 0))                                            \
	E(DUP2, "dup2", SAKER_SYS(dup2), SAKER_EF_STATE | SAKER_EF_CREATES_FD, \
	  "res", P(FD, "oldfd", 0) P(FD, "newfd", 0))                          \
	E(DUP3, "dup3", SAKER_SYS(dup3), SAKER_EF_STATE | SAKER_EF_CREATES_FD, \
	  "res", P(FD, "oldfd", 0) P(FD, "newfd", 0)                           \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	E(FCNTL, "fcntl", SAKER_SYS(fcntl), SAKER_EF_STATE | SAKER_EF_FDARG,   \
	  "res", P(FD, "fd", 0) P(ENUM, "cmd", SAKER_FS_FCNTL) P(U64, "arg", 0)) \
	E(PIPE, "pipe", SAKER_SYS(pipe), SAKER_EF_STATE, "res",                \
	  P(FD, "fd1", 0) P(FD, "fd2", 0) P(INODE, "ino", 0))                  \
	E(PIPE2, "pipe2", SAKER_SYS(pipe2), SAKER_EF_STATE, "res",             \
	  P(FD, "fd1", 0) P(FD, "fd2", 0) P(INODE, "ino", 0)                   \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	E(CHDIR, "chdir", SAKER_SYS(chdir), SAKER_EF_STATE, "res",             \
	  P(PATH, "path", 0))                                                  \
	E(FCHDIR, "fchdir", SAKER_SYS(fchdir), SAKER_EF_STATE | SAKER_EF_FDARG, \
	  "res", P(FD, "fd", 0))                                               \
	E(CHROOT, "chroot", SAKER_SYS(chroot), SAKER_EF_NONE, "res",           \
	  P(PATH, "path", 0))                                                  \
	E(RENAME, "rename", SAKER_SYS(rename), SAKER_EF_NONE, "res",           \
	  P(PATH, "oldpath", 0) P(PATH, "newpath", 0))                         \
	E(RENAMEAT, "renameat", SAKER_SYS(renameat), SAKER_EF_NONE, "res",     \
	  P(FD, "olddirfd", 0) P(RELPATH, "oldpath", 0)                        \
	  P(FD, "newdirfd", 0) P(RELPATH, "newpath", 2))                       \
	E(RENAMEAT2, "renameat2", SAKER_SYS(renameat2), SAKER_EF_NONE, "res",  \
	  P(FD, "olddirfd", 0) P(RELPATH, "oldpath", 0)                        \
	  P(FD, "newdirfd", 0) P(RELPATH, "newpath", 2)                        \
	  P(FLAGS, "flags", SAKER_FS_RENAME))                                  \
	E(UNLINK, "unlink", SAKER_SYS(unlink), SAKER_EF_NONE, "res",           \
	  P(PATH, "path", 0))                                                  \
	E(UNLINKAT, "unlinkat", SAKER_SYS(unlinkat), SAKER_EF_NONE, "res",     \
	  P(FD, "dirfd", 0) P(RELPATH, "name", 0) P(FLAGS, "flags", SAKER_FS_AT)) \
	E(MKDIR, "mkdir", SAKER_SYS(mkdir), SAKER_EF_NONE, "res",              \
	  P(PATH, "path", 0) P(MODE, "mode", 0))                               \
	E(MKDIRAT, "mkdirat", SAKER_SYS(mkdirat), SAKER_EF_NONE, "res",        \
	  P(FD, "dirfd", 0) P(RELPATH, "path", 0) P(MODE, "mode", 0))          \
	E(RMDIR, "rmdir", SAKER_SYS(rmdir), SAKER_EF_NONE, "res",              \
	  P(PATH, "path", 0))                                                  \
	E(LINK, "link", SAKER_SYS(link), SAKER_EF_NONE, "res",                 \
	  P(PATH, "oldpath", 0) P(PATH, "newpath", 0))                         \
	E(LINKAT, "linkat", SAKER_SYS(linkat), SAKER_EF_NONE, "res",           \
	  P(FD, "olddir", 0) P(RELPATH, "oldpath", 0) P(FD, "newdir", 0)       \
	  P(RELPATH, "newpath", 2) P(FLAGS, "flags", SAKER_FS_AT))             \
	E(SYMLINK, "symlink", SAKER_SYS(symlink), SAKER_EF_NONE, "res",        \
	  P(STR, "target", 0) P(PATH, "linkpath", 0))                          \
	E(SYMLINKAT, "symlinkat", SAKER_SYS(symlinkat), SAKER_EF_NONE, "res",  \
	  P(STR, "target", 0) P(FD, "linkdirfd", 0) P(RELPATH, "linkpath", 1)) \
	E(CHMOD, "chmod", SAKER_SYS(chmod), SAKER_EF_NONE, "res",              \
	  P(PATH, "filename", 0) P(MODE, "mode", 0))                           \
	E(FCHMOD, "fchmod", SAKER_SYS(fchmod), SAKER_EF_FDARG, "res",          \
	  P(FD, "fd", 0) P(MODE, "mode", 0))                                   \
	E(FCHMODAT, "fchmodat", SAKER_SYS(fchmodat), SAKER_EF_NONE, "res",     \
	  P(FD, "dirfd", 0) P(RELPATH, "filename", 0) P(MODE, "mode", 0))      \
	E(CHOWN, "chown", SAKER_SYS(chown), SAKER_EF_NONE, "res",              \
	  P(PATH, "path", 0) P(UID, "uid", 0) P(GID, "gid", 0))                \
	E(LCHOWN, "lchown", SAKER_SYS(lchown), SAKER_EF_NONE, "res",           \
	  P(PATH, "path", 0) P(UID, "uid", 0) P(GID, "gid", 0))                \
	E(FCHOWN, "fchown", SAKER_SYS(fchown), SAKER_EF_FDARG, "res",          \
	  P(FD, "fd", 0) P(UID, "uid", 0) P(GID, "gid", 0))                    \
	E(FCHOWNAT, "fchownat", SAKER_SYS(fchownat), SAKER_EF_NONE, "res",     \
	  P(FD, "dirfd", 0) P(RELPATH, "pathname", 0) P(UID, "uid", 0)         \
	  P(GID, "gid", 0) P(FLAGS, "flags", SAKER_FS_AT))                     \
	E(MEMFD_CREATE, "memfd_create", SAKER_SYS(memfd_create),               \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "fd", P(STR, "name", 0)        \
	  P(FLAGS, "flags", SAKER_FS_MEMFD))                                   \
	E(READ, "read", SAKER_SYS(read), SAKER_EF_FDARG, "res",                \
	  P(FD, "fd", 0) P(U64, "size", 0) P(BYTES, "data", 0))                \
	E(WRITE, "write", SAKER_SYS(write), SAKER_EF_FDARG, "res",             \
	  P(FD, "fd", 0) P(U64, "size", 0) P(BYTES, "data", 0))                \
	/* Network */                                                          \
	E(SOCKET, "socket", SAKER_SYS(socket),                                 \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "fd",                          \
	  P(ENUM, "domain", SAKER_FS_SOCKFAMILY)                               \
	  P(FLAGS, "type", SAKER_FS_SOCKTYPE) P(U32, "proto", 0))              \
	E(SOCKETPAIR, "socketpair", SAKER_SYS(socketpair), SAKER_EF_STATE,     \
	  "res", P(ENUM, "domain", SAKER_FS_SOCKFAMILY)                        \
	  P(FLAGS, "type", SAKER_FS_SOCKTYPE) P(U32, "proto", 0)               \
	  P(FD, "fd1", 0) P(FD, "fd2", 0))                                     \
	E(CONNECT, "connect", SAKER_SYS(connect),                              \
	  SAKER_EF_STATE | SAKER_EF_FDARG, "res", P(FD, "fd", 0)               \
	  P(SOCKADDR, "addr", 0) P(SOCKTUPLE, "tuple", 0))                     \
	E(ACCEPT, "accept", SAKER_SYS(accept),                                 \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "fd", P(FD, "listenfd", 0)     \
	  P(SOCKTUPLE, "tuple", 0))                                            \
	E(ACCEPT4, "accept4", SAKER_SYS(accept4),                              \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "fd", P(FD, "listenfd", 0)     \
	  P(SOCKTUPLE, "tuple", 0) P(FLAGS, "flags", SAKER_FS_SOCKFLAGS))      \
	E(BIND, "bind", SAKER_SYS(bind), SAKER_EF_STATE | SAKER_EF_FDARG,      \
	  "res", P(FD, "fd", 0) P(SOCKADDR, "addr", 0))                        \
	E(LISTEN, "listen", SAKER_SYS(listen), SAKER_EF_FDARG, "res",          \
	  P(FD, "fd", 0) P(S32, "backlog", 0))                                 \
	E(SENDTO, "sendto", SAKER_SYS(sendto), SAKER_EF_FDARG, "res",          \
	  P(FD, "fd", 0) P(U64, "size", 0) P(BYTES, "data", 0)                 \
	  P(SOCKTUPLE, "tuple", 0))                                            \
	E(SENDMSG, "sendmsg", SAKER_SYS(sendmsg), SAKER_EF_FDARG, "res",       \
	  P(FD, "fd", 0) P(U64, "size", 0) P(BYTES, "data", 0)                 \
	  P(SOCKTUPLE, "tuple", 0))                                            \
	E(RECVFROM, "recvfrom", SAKER_SYS(recvfrom), SAKER_EF_FDARG, "res",    \
	  P(FD, "fd", 0) P(U64, "size", 0) P(BYTES, "data", 0)                 \
	  P(SOCKTUPLE, "tuple", 0))                                            \
	E(RECVMSG, "recvmsg", SAKER_SYS(recvmsg), SAKER_EF_FDARG, "res",       \
	  P(FD, "fd", 0) P(U64, "size", 0) P(BYTES, "data", 0)                 \
	  P(SOCKTUPLE, "tuple", 0))                                            \
	/* Credentials and process attributes */                               \
	E(SETUID, "setuid", SAKER_SYS(setuid), SAKER_EF_STATE, "res",          \
	  P(UID, "uid", 0))                                                    \
	E(SETGID, "setgid", SAKER_SYS(setgid), SAKER_EF_STATE, "res",          \
	  P(GID, "gid", 0))                                                    \
	E(SETREUID, "setreuid", SAKER_SYS(setreuid), SAKER_EF_STATE, "res",    \
	  P(UID, "ruid", 0) P(UID, "euid", 0))                                 \
	E(SETREGID, "setregid", SAKER_SYS(setregid), SAKER_EF_STATE, "res",    \
	  P(GID, "rgid", 0) P(GID, "egid", 0))                                 \
	E(SETRESUID, "setresuid", SAKER_SYS(setresuid), SAKER_EF_STATE, "res", \
	  P(UID, "ruid", 0) P(UID, "euid", 0) P(UID, "suid", 0))               \
	E(SETRESGID, "setresgid", SAKER_SYS(setresgid), SAKER_EF_STATE, "res", \
	  P(GID, "rgid", 0) P(GID, "egid", 0) P(GID, "sgid", 0))               \
	E(SETSID, "setsid", SAKER_SYS(setsid), SAKER_EF_STATE, "res", )       \
	E(SETPGID, "setpgid", SAKER_SYS(setpgid), SAKER_EF_STATE, "res",       \
	  P(PID, "pid", 0) P(PID, "pgid", 0))                                  \
	E(CAPSET, "capset", SAKER_SYS(capset), SAKER_EF_STATE, "res",          \
	  P(U64, "cap_inheritable", 0) P(U64, "cap_permitted", 0)              \
	  P(U64, "cap_effective", 0))                                          \
	E(PRCTL, "prctl", SAKER_SYS(prctl), SAKER_EF_STATE, "res",             \
	  P(ENUM, "option", SAKER_FS_PRCTL) P(STR, "arg2_str", 0)              \
	  P(U64, "arg2_int", 0))                                               \
	/* Security-relevant kernel interfaces */                              \
	E(PTRACE, "ptrace", SAKER_SYS(ptrace), SAKER_EF_NONE, "res",           \
	  P(ENUM, "request", SAKER_FS_PTRACE) P(PID, "pid", 0)                 \
	  P(U64, "addr", 0) P(U64, "data", 0))                                 \
	E(MOUNT, "mount", SAKER_SYS(mount), SAKER_EF_NONE, "res",              \
	  P(STR, "dev", 0) P(PATH, "dir", 0) P(STR, "type", 0)                 \
	  P(FLAGS, "flags", SAKER_FS_MOUNT))                                   \
	E(UMOUNT2, "umount2", SAKER_SYS(umount2), SAKER_EF_NONE, "res",        \
	  P(PATH, "name", 0) P(FLAGS, "flags", SAKER_FS_UMOUNT))               \
	E(SETNS, "setns", SAKER_SYS(setns), SAKER_EF_FDARG, "res",             \
	  P(FD, "fd", 0) P(FLAGS, "nstype", SAKER_FS_NS))                      \
	E(UNSHARE, "unshare", SAKER_SYS(unshare), SAKER_EF_NONE, "res",        \
	  P(FLAGS, "flags", SAKER_FS_CLONE))                                   \
	E(BPF, "bpf", SAKER_SYS(bpf), SAKER_EF_STATE | SAKER_EF_CREATES_FD,    \
	  "fd", P(ENUM, "cmd", SAKER_FS_BPFCMD))                               \
	E(INIT_MODULE, "init_module", SAKER_SYS(init_module), SAKER_EF_NONE,   \
	  "res", P(U64, "length", 0) P(STR, "uargs", 0))                       \
	E(FINIT_MODULE, "finit_module", SAKER_SYS(finit_module),               \
	  SAKER_EF_FDARG, "res", P(FD, "fd", 0) P(STR, "uargs", 0)             \
	  P(FLAGS, "flags", SAKER_FS_MODULE))                                  \
	E(DELETE_MODULE, "delete_module", SAKER_SYS(delete_module),            \
	  SAKER_EF_NONE, "res", P(STR, "name", 0)                              \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	E(KILL, "kill", SAKER_SYS(kill), SAKER_EF_NONE, "res",                 \
	  P(PID, "pid", 0) P(SIGNAL, "sig", 0))                                \
	E(USERFAULTFD, "userfaultfd", SAKER_SYS(userfaultfd),                  \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "res",                         \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	E(EVENTFD2, "eventfd2", SAKER_SYS(eventfd2),                           \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "res", P(U64, "initval", 0)    \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	E(SIGNALFD4, "signalfd4", SAKER_SYS(signalfd4),                        \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "res", P(FD, "fd", 0)          \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	E(TIMERFD_CREATE, "timerfd_create", SAKER_SYS(timerfd_create),         \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "res", P(U32, "clockid", 0)    \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	E(INOTIFY_INIT1, "inotify_init1", SAKER_SYS(inotify_init1),            \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "res",                         \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	E(EPOLL_CREATE1, "epoll_create1", SAKER_SYS(epoll_create1),            \
	  SAKER_EF_STATE | SAKER_EF_CREATES_FD, "res",                         \
	  P(FLAGS, "flags", SAKER_FS_OPEN))                                    \
	/* State snapshots (capture files, /proc seeding, ptrace attach) */    \
	E(PROC_SNAPSHOT, "proc_snapshot", SAKER_NOSYS, SAKER_EF_INTERNAL |     \
	  SAKER_EF_PROC, "res", SAKER_PROC_PARAMS(P))                          \
	E(FD_SNAPSHOT, "fd_snapshot", SAKER_NOSYS, SAKER_EF_INTERNAL, "res",   \
	  P(FD, "fd", 0) P(ENUM, "kind", SAKER_FS_FDKIND)                      \
	  P(FLAGS, "flags", SAKER_FS_OPEN) P(PATH, "name", 0)                  \
	  P(SOCKTUPLE, "tuple", 0) P(DEV, "dev", 0) P(INODE, "ino", 0)         \
	  P(U32, "proto", 0))                                                  \
	/* ABI 1.1: appended, so the numbers above keep their values */        \
	E(CLOSE_RANGE, "close_range", SAKER_SYS(close_range), SAKER_EF_STATE,  \
	  "res", P(U32, "first", 0) P(U32, "last", 0) P(U32, "flags", 0))

/* clang-format on */

#endif /* SAKER_EVENTS_H */
