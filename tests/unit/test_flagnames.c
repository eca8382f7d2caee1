// SPDX-License-Identifier: GPL-2.0-only
/*
 * Flag and enum names against the real constants of the system headers:
 * every name the tables carry renders from the kernel's value, combinations
 * join with '|', and zero, unknown bits and unknown values render the way
 * Falco renders them.
 */
#ifdef HAVE_CONFIG_H
#include "config.h" /* _GNU_SOURCE: O_PATH, CLONE_*, ... */
#endif
#include <fcntl.h>
#include <sched.h>
#include <stdio.h> /* RENAME_* */
#include <string.h>
#include <sys/mman.h>
#include <sys/mount.h>
#include <sys/prctl.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <linux/bpf.h>
#include <linux/module.h>
#include <linux/openat2.h>

#include "flagnames.h"
#include "tap.h"

/*
 * glibc defines O_LARGEFILE as 0 on 64-bit (it is implied there); the
 * kernel's flag, which drivers see, is asm-generic's 0100000.
 */
#define KERNEL_O_LARGEFILE 0100000

struct want {
	enum saker_flagset set;
	uint32_t value;
	const char *name;
};

#define W(s, c)                                 \
	{                                       \
		SAKER_FS_##s, (uint32_t)(c), #c \
	}
/* Falco names mount and umount flags without the prefix (skip bytes). */
#define WP(s, c, skip)                                   \
	{                                                \
		SAKER_FS_##s, (uint32_t)(c), #c + (skip) \
	}

static const struct want singles[] = {
	W(OPEN, O_CREAT),
	W(OPEN, O_EXCL),
	W(OPEN, O_NOCTTY),
	W(OPEN, O_TRUNC),
	W(OPEN, O_APPEND),
	W(OPEN, O_NONBLOCK),
	W(OPEN, O_DSYNC),
	W(OPEN, O_ASYNC),
	W(OPEN, O_DIRECT),
	{ SAKER_FS_OPEN, KERNEL_O_LARGEFILE, "O_LARGEFILE" },
	W(OPEN, O_DIRECTORY),
	W(OPEN, O_NOFOLLOW),
	W(OPEN, O_NOATIME),
	W(OPEN, O_CLOEXEC),
	W(OPEN, O_SYNC),
	W(OPEN, O_PATH),
	W(OPEN, O_TMPFILE),
	W(OPEN, O_WRONLY),
	W(OPEN, O_RDWR),
	W(OPEN, O_RDONLY),

	W(RESOLVE, RESOLVE_NO_XDEV),
	W(RESOLVE, RESOLVE_NO_MAGICLINKS),
	W(RESOLVE, RESOLVE_NO_SYMLINKS),
	W(RESOLVE, RESOLVE_BENEATH),
	W(RESOLVE, RESOLVE_IN_ROOT),
	W(RESOLVE, RESOLVE_CACHED),

	{ SAKER_FS_EXE, SAKER_EXE_WRITABLE, "EXE_WRITABLE" },
	{ SAKER_FS_EXE, SAKER_EXE_UPPER_LAYER, "EXE_UPPER_LAYER" },
	{ SAKER_FS_EXE, SAKER_EXE_FROM_MEMFD, "EXE_FROM_MEMFD" },
	{ SAKER_FS_EXE, SAKER_EXE_LOWER_LAYER, "EXE_LOWER_LAYER" },

	W(CLONE, CLONE_VM),
	W(CLONE, CLONE_FS),
	W(CLONE, CLONE_FILES),
	W(CLONE, CLONE_SIGHAND),
	W(CLONE, CLONE_PIDFD),
	W(CLONE, CLONE_PTRACE),
	W(CLONE, CLONE_VFORK),
	W(CLONE, CLONE_PARENT),
	W(CLONE, CLONE_THREAD),
	W(CLONE, CLONE_NEWNS),
	W(CLONE, CLONE_SYSVSEM),
	W(CLONE, CLONE_SETTLS),
	W(CLONE, CLONE_PARENT_SETTID),
	W(CLONE, CLONE_CHILD_CLEARTID),
	W(CLONE, CLONE_DETACHED),
	W(CLONE, CLONE_UNTRACED),
	W(CLONE, CLONE_CHILD_SETTID),
	W(CLONE, CLONE_NEWCGROUP),
	W(CLONE, CLONE_NEWUTS),
	W(CLONE, CLONE_NEWIPC),
	W(CLONE, CLONE_NEWUSER),
	W(CLONE, CLONE_NEWPID),
	W(CLONE, CLONE_NEWNET),
	W(CLONE, CLONE_IO),
	W(CLONE, CLONE_NEWTIME),

	W(NS, CLONE_NEWNS),
	W(NS, CLONE_NEWCGROUP),
	W(NS, CLONE_NEWUTS),
	W(NS, CLONE_NEWIPC),
	W(NS, CLONE_NEWUSER),
	W(NS, CLONE_NEWPID),
	W(NS, CLONE_NEWNET),
	W(NS, CLONE_NEWTIME),

	W(SOCKTYPE, SOCK_STREAM),
	W(SOCKTYPE, SOCK_DGRAM),
	W(SOCKTYPE, SOCK_RAW),
	W(SOCKTYPE, SOCK_RDM),
	W(SOCKTYPE, SOCK_SEQPACKET),
	W(SOCKTYPE, SOCK_DCCP),
	W(SOCKTYPE, SOCK_PACKET),
	W(SOCKFLAGS, SOCK_NONBLOCK),
	W(SOCKFLAGS, SOCK_CLOEXEC),

	WP(MOUNT, MS_RDONLY, 3),
	WP(MOUNT, MS_NOSUID, 3),
	WP(MOUNT, MS_NODEV, 3),
	WP(MOUNT, MS_NOEXEC, 3),
	WP(MOUNT, MS_SYNCHRONOUS, 3),
	WP(MOUNT, MS_REMOUNT, 3),
	WP(MOUNT, MS_MANDLOCK, 3),
	WP(MOUNT, MS_DIRSYNC, 3),
	WP(MOUNT, MS_NOSYMFOLLOW, 3),
	WP(MOUNT, MS_NOATIME, 3),
	WP(MOUNT, MS_NODIRATIME, 3),
	WP(MOUNT, MS_BIND, 3),
	WP(MOUNT, MS_MOVE, 3),
	WP(MOUNT, MS_REC, 3),
	WP(MOUNT, MS_SILENT, 3),
	WP(MOUNT, MS_POSIXACL, 3),
	WP(MOUNT, MS_UNBINDABLE, 3),
	WP(MOUNT, MS_PRIVATE, 3),
	WP(MOUNT, MS_SLAVE, 3),
	WP(MOUNT, MS_SHARED, 3),
	WP(MOUNT, MS_RELATIME, 3),
	WP(MOUNT, MS_KERNMOUNT, 3),
	WP(MOUNT, MS_I_VERSION, 3),
	WP(MOUNT, MS_STRICTATIME, 3),
	WP(MOUNT, MS_LAZYTIME, 3),
	WP(MOUNT, MS_NOSEC, 3),
	WP(MOUNT, MS_BORN, 3),
	WP(MOUNT, MS_ACTIVE, 3),
	WP(MOUNT, MS_NOUSER, 3),

	WP(UMOUNT, MNT_FORCE, 4),
	WP(UMOUNT, MNT_DETACH, 4),
	WP(UMOUNT, MNT_EXPIRE, 4),
	WP(UMOUNT, UMOUNT_NOFOLLOW, 7),

	W(AT, AT_SYMLINK_NOFOLLOW),
	W(AT, AT_REMOVEDIR),
	W(AT, AT_SYMLINK_FOLLOW),
	W(AT, AT_NO_AUTOMOUNT),
	W(AT, AT_EMPTY_PATH),
	W(AT, AT_RECURSIVE),

	W(RENAME, RENAME_NOREPLACE),
	W(RENAME, RENAME_EXCHANGE),
	W(RENAME, RENAME_WHITEOUT),

	W(MEMFD, MFD_CLOEXEC),
	W(MEMFD, MFD_ALLOW_SEALING),
	W(MEMFD, MFD_HUGETLB),
#ifdef MFD_NOEXEC_SEAL
	W(MEMFD, MFD_NOEXEC_SEAL),
	W(MEMFD, MFD_EXEC),
#endif

	W(MODULE, MODULE_INIT_IGNORE_MODVERSIONS),
	W(MODULE, MODULE_INIT_IGNORE_VERMAGIC),
	W(MODULE, MODULE_INIT_COMPRESSED_FILE),
};

static const struct want enums[] = {
	W(FCNTL, F_DUPFD),
	W(FCNTL, F_GETFD),
	W(FCNTL, F_SETFD),
	W(FCNTL, F_GETFL),
	W(FCNTL, F_SETFL),
	W(FCNTL, F_GETLK),
	W(FCNTL, F_SETLK),
	W(FCNTL, F_SETLKW),
	W(FCNTL, F_SETOWN),
	W(FCNTL, F_GETOWN),
	W(FCNTL, F_SETSIG),
	W(FCNTL, F_GETSIG),
	W(FCNTL, F_SETOWN_EX),
	W(FCNTL, F_GETOWN_EX),
	W(FCNTL, F_OFD_GETLK),
	W(FCNTL, F_OFD_SETLK),
	W(FCNTL, F_OFD_SETLKW),
	W(FCNTL, F_SETLEASE),
	W(FCNTL, F_GETLEASE),
	W(FCNTL, F_NOTIFY),
	W(FCNTL, F_DUPFD_CLOEXEC),
	W(FCNTL, F_SETPIPE_SZ),
	W(FCNTL, F_GETPIPE_SZ),
	W(FCNTL, F_ADD_SEALS),
	W(FCNTL, F_GET_SEALS),
	W(FCNTL, F_GET_RW_HINT),
	W(FCNTL, F_SET_RW_HINT),
	W(FCNTL, F_GET_FILE_RW_HINT),
	W(FCNTL, F_SET_FILE_RW_HINT),

	W(PTRACE, PTRACE_TRACEME),
	W(PTRACE, PTRACE_PEEKTEXT),
	W(PTRACE, PTRACE_PEEKDATA),
	{ SAKER_FS_PTRACE, PTRACE_PEEKUSER, "PTRACE_PEEKUSR" },
	W(PTRACE, PTRACE_POKETEXT),
	W(PTRACE, PTRACE_POKEDATA),
	{ SAKER_FS_PTRACE, PTRACE_POKEUSER, "PTRACE_POKEUSR" },
	W(PTRACE, PTRACE_CONT),
	W(PTRACE, PTRACE_KILL),
	W(PTRACE, PTRACE_SINGLESTEP),
	W(PTRACE, PTRACE_GETREGS),
	W(PTRACE, PTRACE_SETREGS),
	W(PTRACE, PTRACE_GETFPREGS),
	W(PTRACE, PTRACE_SETFPREGS),
	W(PTRACE, PTRACE_ATTACH),
	W(PTRACE, PTRACE_DETACH),
	W(PTRACE, PTRACE_GETFPXREGS),
	W(PTRACE, PTRACE_SETFPXREGS),
	W(PTRACE, PTRACE_SYSCALL),
	W(PTRACE, PTRACE_GET_THREAD_AREA),
	W(PTRACE, PTRACE_SET_THREAD_AREA),
	W(PTRACE, PTRACE_ARCH_PRCTL),
	W(PTRACE, PTRACE_SYSEMU),
	W(PTRACE, PTRACE_SYSEMU_SINGLESTEP),
	W(PTRACE, PTRACE_SINGLEBLOCK),
	W(PTRACE, PTRACE_SETOPTIONS),
	W(PTRACE, PTRACE_GETEVENTMSG),
	W(PTRACE, PTRACE_GETSIGINFO),
	W(PTRACE, PTRACE_SETSIGINFO),
	W(PTRACE, PTRACE_GETREGSET),
	W(PTRACE, PTRACE_SETREGSET),
	W(PTRACE, PTRACE_SEIZE),
	W(PTRACE, PTRACE_INTERRUPT),
	W(PTRACE, PTRACE_LISTEN),
	W(PTRACE, PTRACE_PEEKSIGINFO),
	W(PTRACE, PTRACE_GETSIGMASK),
	W(PTRACE, PTRACE_SETSIGMASK),
	W(PTRACE, PTRACE_SECCOMP_GET_FILTER),
	W(PTRACE, PTRACE_SECCOMP_GET_METADATA),
	W(PTRACE, PTRACE_GET_SYSCALL_INFO),
#ifdef PTRACE_GET_RSEQ_CONFIGURATION
	W(PTRACE, PTRACE_GET_RSEQ_CONFIGURATION),
#endif

	W(PRCTL, PR_SET_PDEATHSIG),
	W(PRCTL, PR_GET_PDEATHSIG),
	W(PRCTL, PR_GET_DUMPABLE),
	W(PRCTL, PR_SET_DUMPABLE),
	W(PRCTL, PR_GET_UNALIGN),
	W(PRCTL, PR_SET_UNALIGN),
	W(PRCTL, PR_GET_KEEPCAPS),
	W(PRCTL, PR_SET_KEEPCAPS),
	W(PRCTL, PR_GET_FPEMU),
	W(PRCTL, PR_SET_FPEMU),
	W(PRCTL, PR_GET_FPEXC),
	W(PRCTL, PR_SET_FPEXC),
	W(PRCTL, PR_GET_TIMING),
	W(PRCTL, PR_SET_TIMING),
	W(PRCTL, PR_SET_NAME),
	W(PRCTL, PR_GET_NAME),
	W(PRCTL, PR_GET_ENDIAN),
	W(PRCTL, PR_SET_ENDIAN),
	W(PRCTL, PR_GET_SECCOMP),
	W(PRCTL, PR_SET_SECCOMP),
	W(PRCTL, PR_CAPBSET_READ),
	W(PRCTL, PR_CAPBSET_DROP),
	W(PRCTL, PR_GET_TSC),
	W(PRCTL, PR_SET_TSC),
	W(PRCTL, PR_GET_SECUREBITS),
	W(PRCTL, PR_SET_SECUREBITS),
	W(PRCTL, PR_SET_TIMERSLACK),
	W(PRCTL, PR_GET_TIMERSLACK),
	W(PRCTL, PR_TASK_PERF_EVENTS_DISABLE),
	W(PRCTL, PR_TASK_PERF_EVENTS_ENABLE),
	W(PRCTL, PR_MCE_KILL),
	W(PRCTL, PR_MCE_KILL_GET),
	W(PRCTL, PR_SET_MM),
	W(PRCTL, PR_SET_CHILD_SUBREAPER),
	W(PRCTL, PR_GET_CHILD_SUBREAPER),
	W(PRCTL, PR_SET_NO_NEW_PRIVS),
	W(PRCTL, PR_GET_NO_NEW_PRIVS),
	W(PRCTL, PR_GET_TID_ADDRESS),
	W(PRCTL, PR_SET_THP_DISABLE),
	W(PRCTL, PR_GET_THP_DISABLE),
	W(PRCTL, PR_MPX_ENABLE_MANAGEMENT),
	W(PRCTL, PR_MPX_DISABLE_MANAGEMENT),
	W(PRCTL, PR_SET_FP_MODE),
	W(PRCTL, PR_GET_FP_MODE),
	W(PRCTL, PR_CAP_AMBIENT),
	W(PRCTL, PR_SVE_SET_VL),
	W(PRCTL, PR_SVE_GET_VL),
	W(PRCTL, PR_GET_SPECULATION_CTRL),
	W(PRCTL, PR_SET_SPECULATION_CTRL),
	W(PRCTL, PR_PAC_RESET_KEYS),
	W(PRCTL, PR_SET_TAGGED_ADDR_CTRL),
	W(PRCTL, PR_GET_TAGGED_ADDR_CTRL),
	W(PRCTL, PR_SET_IO_FLUSHER),
	W(PRCTL, PR_GET_IO_FLUSHER),
	W(PRCTL, PR_SET_SYSCALL_USER_DISPATCH),
	W(PRCTL, PR_PAC_SET_ENABLED_KEYS),
	W(PRCTL, PR_PAC_GET_ENABLED_KEYS),
	W(PRCTL, PR_SCHED_CORE),
	W(PRCTL, PR_SET_VMA),
#ifdef PR_SET_MDWE
	W(PRCTL, PR_SET_MDWE),
	W(PRCTL, PR_GET_MDWE),
#endif

	W(BPFCMD, BPF_MAP_CREATE),
	W(BPFCMD, BPF_MAP_LOOKUP_ELEM),
	W(BPFCMD, BPF_MAP_UPDATE_ELEM),
	W(BPFCMD, BPF_MAP_DELETE_ELEM),
	W(BPFCMD, BPF_MAP_GET_NEXT_KEY),
	W(BPFCMD, BPF_PROG_LOAD),
	W(BPFCMD, BPF_OBJ_PIN),
	W(BPFCMD, BPF_OBJ_GET),
	W(BPFCMD, BPF_PROG_ATTACH),
	W(BPFCMD, BPF_PROG_DETACH),
	W(BPFCMD, BPF_PROG_TEST_RUN),
	W(BPFCMD, BPF_PROG_GET_NEXT_ID),
	W(BPFCMD, BPF_MAP_GET_NEXT_ID),
	W(BPFCMD, BPF_PROG_GET_FD_BY_ID),
	W(BPFCMD, BPF_MAP_GET_FD_BY_ID),
	W(BPFCMD, BPF_OBJ_GET_INFO_BY_FD),
	W(BPFCMD, BPF_PROG_QUERY),
	W(BPFCMD, BPF_RAW_TRACEPOINT_OPEN),
	W(BPFCMD, BPF_BTF_LOAD),
	W(BPFCMD, BPF_BTF_GET_FD_BY_ID),
	W(BPFCMD, BPF_TASK_FD_QUERY),
	W(BPFCMD, BPF_MAP_LOOKUP_AND_DELETE_ELEM),
	W(BPFCMD, BPF_MAP_FREEZE),
	W(BPFCMD, BPF_BTF_GET_NEXT_ID),
	W(BPFCMD, BPF_MAP_LOOKUP_BATCH),
	W(BPFCMD, BPF_MAP_LOOKUP_AND_DELETE_BATCH),
	W(BPFCMD, BPF_MAP_UPDATE_BATCH),
	W(BPFCMD, BPF_MAP_DELETE_BATCH),
	W(BPFCMD, BPF_LINK_CREATE),
	W(BPFCMD, BPF_LINK_UPDATE),
	W(BPFCMD, BPF_LINK_GET_FD_BY_ID),
	W(BPFCMD, BPF_LINK_GET_NEXT_ID),
	W(BPFCMD, BPF_ENABLE_STATS),
	W(BPFCMD, BPF_ITER_CREATE),
	W(BPFCMD, BPF_LINK_DETACH),
	W(BPFCMD, BPF_PROG_BIND_MAP),

	W(SOCKFAMILY, AF_UNSPEC),
	W(SOCKFAMILY, AF_INET),
	W(SOCKFAMILY, AF_AX25),
	W(SOCKFAMILY, AF_IPX),
	W(SOCKFAMILY, AF_APPLETALK),
	W(SOCKFAMILY, AF_NETROM),
	W(SOCKFAMILY, AF_BRIDGE),
	W(SOCKFAMILY, AF_ATMPVC),
	W(SOCKFAMILY, AF_X25),
	W(SOCKFAMILY, AF_INET6),
	W(SOCKFAMILY, AF_ROSE),
	W(SOCKFAMILY, AF_DECnet),
	W(SOCKFAMILY, AF_NETBEUI),
	W(SOCKFAMILY, AF_SECURITY),
	W(SOCKFAMILY, AF_KEY),
	W(SOCKFAMILY, AF_PACKET),
	W(SOCKFAMILY, AF_ASH),
	W(SOCKFAMILY, AF_ECONET),
	W(SOCKFAMILY, AF_ATMSVC),
	W(SOCKFAMILY, AF_RDS),
	W(SOCKFAMILY, AF_SNA),
	W(SOCKFAMILY, AF_IRDA),
	W(SOCKFAMILY, AF_PPPOX),
	W(SOCKFAMILY, AF_WANPIPE),
	W(SOCKFAMILY, AF_LLC),
	W(SOCKFAMILY, AF_IB),
	W(SOCKFAMILY, AF_MPLS),
	W(SOCKFAMILY, AF_CAN),
	W(SOCKFAMILY, AF_TIPC),
	W(SOCKFAMILY, AF_BLUETOOTH),
	W(SOCKFAMILY, AF_IUCV),
	W(SOCKFAMILY, AF_RXRPC),
	W(SOCKFAMILY, AF_ISDN),
	W(SOCKFAMILY, AF_PHONET),
	W(SOCKFAMILY, AF_IEEE802154),
	W(SOCKFAMILY, AF_CAIF),
	W(SOCKFAMILY, AF_ALG),
	W(SOCKFAMILY, AF_NFC),
	W(SOCKFAMILY, AF_VSOCK),
	W(SOCKFAMILY, AF_KCM),
	W(SOCKFAMILY, AF_QIPCRTR),
	W(SOCKFAMILY, AF_SMC),
	W(SOCKFAMILY, AF_XDP),
	W(SOCKFAMILY, AF_MCTP),
	/* Aliases render as Falco renders them. */
	{ SAKER_FS_SOCKFAMILY, AF_UNIX, "AF_LOCAL" },
	{ SAKER_FS_SOCKFAMILY, AF_NETLINK, "AF_ROUTE" },

	{ SAKER_FS_FDKIND, SAKER_FDK_FILE, "file" },
	{ SAKER_FS_FDKIND, SAKER_FDK_IPV4, "ipv4" },
	{ SAKER_FS_FDKIND, SAKER_FDK_IOURING, "io_uring" },
	{ SAKER_FS_FDKIND, SAKER_FDK_UNKNOWN, "unknown" },
};

static char out[512];

static const char *fmt(enum saker_flagset set, uint32_t v)
{
	flagnames_format(set, v, out, sizeof(out));
	return out;
}

/* name is one of the '|'-separated words of text. */
static bool has_word(const char *text, const char *name)
{
	size_t n = strlen(name);

	for (const char *p = text; (p = strstr(p, name)); p++)
		if ((p == text || p[-1] == '|') && (p[n] == '|' || p[n] == '\0'))
			return true;
	return false;
}

static void every_name(void)
{
	int bad = 0;

	for (size_t i = 0; i < sizeof(singles) / sizeof(singles[0]); i++) {
		const struct want *w = &singles[i];

		if (!has_word(fmt(w->set, w->value), w->name)) {
			tap_diag("%s: %#x renders '%s', not %s", flagnames_set_name(w->set),
				 w->value, out, w->name);
			bad++;
		}
	}
	tap_is_int(bad, 0, "every flag name renders from the kernel's value");
	bad = 0;
	for (size_t i = 0; i < sizeof(enums) / sizeof(enums[0]); i++) {
		const struct want *w = &enums[i];

		if (strcmp(fmt(w->set, w->value), w->name) != 0) {
			tap_diag("%s: %u renders '%s', not %s", flagnames_set_name(w->set),
				 w->value, out, w->name);
			bad++;
		}
	}
	tap_is_int(bad, 0, "every enum name renders from the kernel's value");
}

static void open_flags(void)
{
	tap_is_str(fmt(SAKER_FS_OPEN, O_RDONLY), "O_RDONLY", "zero open flags are O_RDONLY");
	tap_is_str(fmt(SAKER_FS_OPEN, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC),
		   "O_TRUNC|O_CREAT|O_WRONLY|O_CLOEXEC", "open flags in Falco's order");
	tap_is_str(fmt(SAKER_FS_OPEN, O_RDWR), "O_RDWR", "O_RDWR alone, not O_WRONLY too");
	tap_is_str(fmt(SAKER_FS_OPEN, O_SYNC | O_RDONLY), "O_SYNC|O_RDONLY",
		   "O_SYNC is not also named O_DSYNC");
	tap_is_str(fmt(SAKER_FS_OPEN, O_DSYNC), "O_DSYNC|O_RDONLY", "O_DSYNC alone");
	tap_is_str(fmt(SAKER_FS_OPEN, O_TMPFILE | O_RDWR), "O_TMPFILE|O_RDWR",
		   "O_TMPFILE is not also named O_DIRECTORY");
	tap_is_str(fmt(SAKER_FS_OPEN, O_DIRECTORY | O_NOFOLLOW | O_PATH),
		   "O_DIRECTORY|O_RDONLY|O_NOFOLLOW|O_PATH", "O_PATH opens");
	tap_is_str(fmt(SAKER_FS_OPEN, O_WRONLY | 0x40000000u), "O_WRONLY",
		   "unknown open bits are left out");
	tap_ok(has_word(fmt(SAKER_FS_OPEN, O_WRONLY | O_TRUNC), "O_TRUNC"),
	       "evt.arg.flags contains O_TRUNC holds for O_WRONLY|O_TRUNC");
}

static void zero_and_unknown(void)
{
	tap_is_str(fmt(SAKER_FS_EXE, 0), "0", "no exe flags render as 0");
	tap_is_str(fmt(SAKER_FS_EXE, SAKER_EXE_WRITABLE | SAKER_EXE_LOWER_LAYER),
		   "EXE_WRITABLE|EXE_LOWER_LAYER", "exe flags joined with |");
	tap_is_str(fmt(SAKER_FS_EXE, 0x100), "256", "only unknown bits render in decimal");
	tap_is_str(fmt(SAKER_FS_EXE, 0x100 | SAKER_EXE_FROM_MEMFD), "EXE_FROM_MEMFD",
		   "unknown bits beside known ones are left out");
	tap_is_str(fmt(SAKER_FS_CLONE, CLONE_VM | CLONE_FS | CLONE_FILES | CLONE_SIGHAND |
					       CLONE_THREAD | CLONE_SYSVSEM | CLONE_SETTLS |
					       CLONE_PARENT_SETTID | CLONE_CHILD_CLEARTID),
		   "CLONE_FILES|CLONE_FS|CLONE_PARENT_SETTID|CLONE_SIGHAND|CLONE_SYSVSEM|"
		   "CLONE_THREAD|CLONE_VM|CLONE_CHILD_CLEARTID|CLONE_SETTLS",
		   "pthread_create's clone flags in Falco's order");
	tap_is_str(fmt(SAKER_FS_CLONE, CLONE_CHILD_SETTID | CLONE_CHILD_CLEARTID | 17),
		   "CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID", "clone's exit signal is not a flag");
	tap_is_str(fmt(SAKER_FS_CLONE, 17), "0", "fork-like clone renders as 0, as Falco's");
	tap_is_str(fmt(SAKER_FS_MOUNT, 0xc0ed0000u | MS_BIND | MS_REC), "BIND|REC",
		   "mount magic is dropped, names without MS_ as Falco's");
	tap_is_str(fmt(SAKER_FS_UMOUNT, MNT_DETACH | UMOUNT_NOFOLLOW), "DETACH|NOFOLLOW",
		   "umount flags as Falco's");
	tap_is_str(fmt(SAKER_FS_SOCKTYPE, SOCK_STREAM | SOCK_NONBLOCK | SOCK_CLOEXEC),
		   "SOCK_STREAM|SOCK_NONBLOCK|SOCK_CLOEXEC", "socket type with its flags");
	tap_is_str(fmt(SAKER_FS_SOCKTYPE, SOCK_PACKET), "SOCK_PACKET",
		   "SOCK_PACKET is not SOCK_RAW|SOCK_DGRAM");
	tap_is_str(fmt(SAKER_FS_NS, 0), "0", "setns with any namespace type renders 0");
	tap_is_str(fmt(SAKER_FS_FCNTL, 9999), "UNKNOWN", "unknown fcntl command, as Falco's");
	tap_is_str(fmt(SAKER_FS_PTRACE, 9999), "PTRACE_UNKNOWN", "unknown ptrace request");
	tap_is_str(fmt(SAKER_FS_BPFCMD, 9999), "9999", "unknown bpf command in decimal");
	tap_is_str(fmt(SAKER_FS_PRCTL, 0), "0", "prctl option 0 in decimal");
	tap_is_str(fmt(SAKER_FS_NONE, 42), "42", "the empty set renders decimal");
	tap_is_str(fmt(SAKER_FS_MAX + 3, 42), "42", "an out-of-range set renders decimal");
	tap_ok(strstr(fmt(SAKER_FS_SOCKFAMILY, AF_PACKET), "AF_PACKET") != NULL,
	       "evt.arg.domain contains AF_PACKET");
	tap_ok(strstr(fmt(SAKER_FS_PTRACE, PTRACE_ATTACH), "PTRACE_ATTACH") != NULL,
	       "evt.arg.request contains PTRACE_ATTACH");
	tap_ok(flagnames_set_is_enum(SAKER_FS_BPFCMD) && !flagnames_set_is_enum(SAKER_FS_OPEN),
	       "enum sets are told from flag sets");
	tap_is_str(flagnames_set_name(SAKER_FS_OPEN), "open", "set names");
}

static void bounded(void)
{
	char small[8];
	size_t n;

	memset(small, 'x', sizeof(small));
	n = flagnames_format(SAKER_FS_OPEN, O_WRONLY | O_CREAT | O_TRUNC, small, 6);
	tap_is_int(n, strlen("O_TRUNC|O_CREAT|O_WRONLY"), "returns the length the text needs");
	tap_ok(small[5] == '\0' && small[6] == 'x', "writes at most len bytes, terminated");
	tap_is_str(small, "O_TRU", "keeps the start of the text");
	n = flagnames_format(SAKER_FS_BPFCMD, BPF_PROG_LOAD, small, 0);
	tap_ok(n == strlen("BPF_PROG_LOAD") && small[0] == 'O', "len 0 writes nothing");
	n = flagnames_format(SAKER_FS_EXE, 0, small, 1);
	tap_ok(n == 1 && small[0] == '\0', "len 1 gets only the terminator");
}

int main(void)
{
	every_name();
	open_flags();
	zero_and_unknown();
	bounded();
	return tap_done();
}
