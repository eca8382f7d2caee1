// SPDX-License-Identifier: GPL-2.0-only
/*
 * Name tables for FLAGS and ENUM parameters. Values are the raw x86_64
 * kernel constants (written out, because libc headers disagree with the
 * kernel on some, e.g. glibc's O_LARGEFILE is 0 on 64-bit). Names and their
 * order follow Falco's tables where Falco has the set, so the rendered text
 * is what Falco rules compare against; tests/unit/test_flagnames.c checks
 * every value against the system headers.
 */
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "flagnames.h"
#include "util.h"

/*
 * One name. A flag entry matches when (value & mask) == bits; its mask bits
 * are then consumed, so composite flags (O_SYNC includes O_DSYNC, O_TMPFILE
 * includes O_DIRECTORY) listed before their parts are not named twice, and
 * the access mode is a two-bit field rather than bits. mask 0 means
 * mask == bits. Enum entries match when value == bits.
 */
struct fn_name {
	uint32_t bits;
	uint32_t mask;
	const char *name;
};

#define N(v, n)           \
	{                 \
		(v), 0, n \
	}
#define M(v, m, n)          \
	{                   \
		(v), (m), n \
	}

static const struct fn_name open_names[] = {
	N(0100000, "O_LARGEFILE"), N(020200000, "O_TMPFILE"), N(0200000, "O_DIRECTORY"),
	N(040000, "O_DIRECT"),	   N(01000, "O_TRUNC"),	      N(04010000, "O_SYNC"),
	N(04000, "O_NONBLOCK"),	   N(0200, "O_EXCL"),	      N(010000, "O_DSYNC"),
	N(02000, "O_APPEND"),	   N(0100, "O_CREAT"),	      M(2, 3, "O_RDWR"),
	M(1, 3, "O_WRONLY"),	   M(0, 3, "O_RDONLY"),	      N(02000000, "O_CLOEXEC"),
	N(0400, "O_NOCTTY"),	   N(020000, "O_ASYNC"),      N(0400000, "O_NOFOLLOW"),
	N(01000000, "O_NOATIME"),  N(010000000, "O_PATH"),    { 0 },
};

static const struct fn_name resolve_names[] = {
	N(0x08, "RESOLVE_BENEATH"),
	N(0x10, "RESOLVE_IN_ROOT"),
	N(0x02, "RESOLVE_NO_MAGICLINKS"),
	N(0x04, "RESOLVE_NO_SYMLINKS"),
	N(0x01, "RESOLVE_NO_XDEV"),
	N(0x20, "RESOLVE_CACHED"),
	{ 0 },
};

static const struct fn_name exe_names[] = {
	N(SAKER_EXE_WRITABLE, "EXE_WRITABLE"),
	N(SAKER_EXE_UPPER_LAYER, "EXE_UPPER_LAYER"),
	N(SAKER_EXE_FROM_MEMFD, "EXE_FROM_MEMFD"),
	N(SAKER_EXE_LOWER_LAYER, "EXE_LOWER_LAYER"),
	{ 0 },
};

static const struct fn_name clone_names[] = {
	N(0x00000400, "CLONE_FILES"),	     N(0x00000200, "CLONE_FS"),
	N(0x80000000, "CLONE_IO"),	     N(0x08000000, "CLONE_NEWIPC"),
	N(0x40000000, "CLONE_NEWNET"),	     N(0x00020000, "CLONE_NEWNS"),
	N(0x20000000, "CLONE_NEWPID"),	     N(0x04000000, "CLONE_NEWUTS"),
	N(0x00008000, "CLONE_PARENT"),	     N(0x00100000, "CLONE_PARENT_SETTID"),
	N(0x00002000, "CLONE_PTRACE"),	     N(0x00000800, "CLONE_SIGHAND"),
	N(0x00040000, "CLONE_SYSVSEM"),	     N(0x00010000, "CLONE_THREAD"),
	N(0x00800000, "CLONE_UNTRACED"),     N(0x00000100, "CLONE_VM"),
	N(0x10000000, "CLONE_NEWUSER"),	     N(0x00200000, "CLONE_CHILD_CLEARTID"),
	N(0x01000000, "CLONE_CHILD_SETTID"), N(0x00080000, "CLONE_SETTLS"),
	N(0x00004000, "CLONE_VFORK"),	     N(0x02000000, "CLONE_NEWCGROUP"),
	N(0x00001000, "CLONE_PIDFD"),	     N(0x00400000, "CLONE_DETACHED"),
	N(0x00000080, "CLONE_NEWTIME"),	     { 0 },
};

static const struct fn_name ns_names[] = {
	N(0x08000000, "CLONE_NEWIPC"),
	N(0x40000000, "CLONE_NEWNET"),
	N(0x00020000, "CLONE_NEWNS"),
	N(0x20000000, "CLONE_NEWPID"),
	N(0x04000000, "CLONE_NEWUTS"),
	N(0x10000000, "CLONE_NEWUSER"),
	N(0x02000000, "CLONE_NEWCGROUP"),
	N(0x00000080, "CLONE_NEWTIME"),
	{ 0 },
};

/*
 * Falco's order, which decides aliases: 1 is AF_LOCAL, 16 is AF_ROUTE in
 * Falco's output. Families Falco does not name follow.
 */
static const struct fn_name family_names[] = {
	N(39, "AF_NFC"),
	N(38, "AF_ALG"),
	N(37, "AF_CAIF"),
	N(36, "AF_IEEE802154"),
	N(35, "AF_PHONET"),
	N(34, "AF_ISDN"),
	N(33, "AF_RXRPC"),
	N(32, "AF_IUCV"),
	N(31, "AF_BLUETOOTH"),
	N(30, "AF_TIPC"),
	N(29, "AF_CAN"),
	N(26, "AF_LLC"),
	N(25, "AF_WANPIPE"),
	N(24, "AF_PPPOX"),
	N(23, "AF_IRDA"),
	N(22, "AF_SNA"),
	N(21, "AF_RDS"),
	N(20, "AF_ATMSVC"),
	N(19, "AF_ECONET"),
	N(18, "AF_ASH"),
	N(17, "AF_PACKET"),
	N(16, "AF_ROUTE"),
	N(15, "AF_KEY"),
	N(14, "AF_SECURITY"),
	N(13, "AF_NETBEUI"),
	N(12, "AF_DECnet"),
	N(11, "AF_ROSE"),
	N(10, "AF_INET6"),
	N(9, "AF_X25"),
	N(8, "AF_ATMPVC"),
	N(7, "AF_BRIDGE"),
	N(6, "AF_NETROM"),
	N(5, "AF_APPLETALK"),
	N(4, "AF_IPX"),
	N(3, "AF_AX25"),
	N(2, "AF_INET"),
	N(1, "AF_LOCAL"),
	N(0, "AF_UNSPEC"),
	N(27, "AF_IB"),
	N(28, "AF_MPLS"),
	N(40, "AF_VSOCK"),
	N(41, "AF_KCM"),
	N(42, "AF_QIPCRTR"),
	N(43, "AF_SMC"),
	N(44, "AF_XDP"),
	N(45, "AF_MCTP"),
	{ 0 },
};

/* The type is a 4-bit field; the creation flags share the word. */
static const struct fn_name socktype_names[] = {
	M(1, 0xf, "SOCK_STREAM"),    M(2, 0xf, "SOCK_DGRAM"),
	M(3, 0xf, "SOCK_RAW"),	     M(4, 0xf, "SOCK_RDM"),
	M(5, 0xf, "SOCK_SEQPACKET"), M(6, 0xf, "SOCK_DCCP"),
	M(10, 0xf, "SOCK_PACKET"),   N(04000, "SOCK_NONBLOCK"),
	N(02000000, "SOCK_CLOEXEC"), { 0 },
};

static const struct fn_name sockflag_names[] = {
	N(04000, "SOCK_NONBLOCK"),
	N(02000000, "SOCK_CLOEXEC"),
	{ 0 },
};

static const struct fn_name fcntl_names[] = {
	N(0, "F_DUPFD"),
	N(1, "F_GETFD"),
	N(2, "F_SETFD"),
	N(3, "F_GETFL"),
	N(4, "F_SETFL"),
	N(5, "F_GETLK"),
	N(6, "F_SETLK"),
	N(7, "F_SETLKW"),
	N(8, "F_SETOWN"),
	N(9, "F_GETOWN"),
	N(10, "F_SETSIG"),
	N(11, "F_GETSIG"),
	N(15, "F_SETOWN_EX"),
	N(16, "F_GETOWN_EX"),
	N(36, "F_OFD_GETLK"),
	N(37, "F_OFD_SETLK"),
	N(38, "F_OFD_SETLKW"),
	N(1024, "F_SETLEASE"),
	N(1025, "F_GETLEASE"),
	N(1026, "F_NOTIFY"),
	N(1029, "F_CANCELLK"),
	N(1030, "F_DUPFD_CLOEXEC"),
	N(1031, "F_SETPIPE_SZ"),
	N(1032, "F_GETPIPE_SZ"),
	N(1033, "F_ADD_SEALS"),
	N(1034, "F_GET_SEALS"),
	N(1035, "F_GET_RW_HINT"),
	N(1036, "F_SET_RW_HINT"),
	N(1037, "F_GET_FILE_RW_HINT"),
	N(1038, "F_SET_FILE_RW_HINT"),
	{ 0 },
};

/* Kernel names (PTRACE_PEEKUSR, not glibc's PTRACE_PEEKUSER), as Falco's. */
static const struct fn_name ptrace_names[] = {
	N(0, "PTRACE_TRACEME"),
	N(1, "PTRACE_PEEKTEXT"),
	N(2, "PTRACE_PEEKDATA"),
	N(3, "PTRACE_PEEKUSR"),
	N(4, "PTRACE_POKETEXT"),
	N(5, "PTRACE_POKEDATA"),
	N(6, "PTRACE_POKEUSR"),
	N(7, "PTRACE_CONT"),
	N(8, "PTRACE_KILL"),
	N(9, "PTRACE_SINGLESTEP"),
	N(12, "PTRACE_GETREGS"),
	N(13, "PTRACE_SETREGS"),
	N(14, "PTRACE_GETFPREGS"),
	N(15, "PTRACE_SETFPREGS"),
	N(16, "PTRACE_ATTACH"),
	N(17, "PTRACE_DETACH"),
	N(18, "PTRACE_GETFPXREGS"),
	N(19, "PTRACE_SETFPXREGS"),
	N(21, "PTRACE_OLDSETOPTIONS"),
	N(24, "PTRACE_SYSCALL"),
	N(25, "PTRACE_GET_THREAD_AREA"),
	N(26, "PTRACE_SET_THREAD_AREA"),
	N(30, "PTRACE_ARCH_PRCTL"),
	N(31, "PTRACE_SYSEMU"),
	N(32, "PTRACE_SYSEMU_SINGLESTEP"),
	N(33, "PTRACE_SINGLEBLOCK"),
	N(0x4200, "PTRACE_SETOPTIONS"),
	N(0x4201, "PTRACE_GETEVENTMSG"),
	N(0x4202, "PTRACE_GETSIGINFO"),
	N(0x4203, "PTRACE_SETSIGINFO"),
	N(0x4204, "PTRACE_GETREGSET"),
	N(0x4205, "PTRACE_SETREGSET"),
	N(0x4206, "PTRACE_SEIZE"),
	N(0x4207, "PTRACE_INTERRUPT"),
	N(0x4208, "PTRACE_LISTEN"),
	N(0x4209, "PTRACE_PEEKSIGINFO"),
	N(0x420a, "PTRACE_GETSIGMASK"),
	N(0x420b, "PTRACE_SETSIGMASK"),
	N(0x420c, "PTRACE_SECCOMP_GET_FILTER"),
	N(0x420d, "PTRACE_SECCOMP_GET_METADATA"),
	N(0x420e, "PTRACE_GET_SYSCALL_INFO"),
	N(0x420f, "PTRACE_GET_RSEQ_CONFIGURATION"),
	N(0x4210, "PTRACE_SET_SYSCALL_USER_DISPATCH_CONFIG"),
	N(0x4211, "PTRACE_GET_SYSCALL_USER_DISPATCH_CONFIG"),
	{ 0 },
};

static const struct fn_name prctl_names[] = {
	N(1, "PR_SET_PDEATHSIG"),
	N(2, "PR_GET_PDEATHSIG"),
	N(3, "PR_GET_DUMPABLE"),
	N(4, "PR_SET_DUMPABLE"),
	N(5, "PR_GET_UNALIGN"),
	N(6, "PR_SET_UNALIGN"),
	N(7, "PR_GET_KEEPCAPS"),
	N(8, "PR_SET_KEEPCAPS"),
	N(9, "PR_GET_FPEMU"),
	N(10, "PR_SET_FPEMU"),
	N(11, "PR_GET_FPEXC"),
	N(12, "PR_SET_FPEXC"),
	N(13, "PR_GET_TIMING"),
	N(14, "PR_SET_TIMING"),
	N(15, "PR_SET_NAME"),
	N(16, "PR_GET_NAME"),
	N(19, "PR_GET_ENDIAN"),
	N(20, "PR_SET_ENDIAN"),
	N(21, "PR_GET_SECCOMP"),
	N(22, "PR_SET_SECCOMP"),
	N(23, "PR_CAPBSET_READ"),
	N(24, "PR_CAPBSET_DROP"),
	N(25, "PR_GET_TSC"),
	N(26, "PR_SET_TSC"),
	N(27, "PR_GET_SECUREBITS"),
	N(28, "PR_SET_SECUREBITS"),
	N(29, "PR_SET_TIMERSLACK"),
	N(30, "PR_GET_TIMERSLACK"),
	N(31, "PR_TASK_PERF_EVENTS_DISABLE"),
	N(32, "PR_TASK_PERF_EVENTS_ENABLE"),
	N(33, "PR_MCE_KILL"),
	N(34, "PR_MCE_KILL_GET"),
	N(35, "PR_SET_MM"),
	N(36, "PR_SET_CHILD_SUBREAPER"),
	N(37, "PR_GET_CHILD_SUBREAPER"),
	N(38, "PR_SET_NO_NEW_PRIVS"),
	N(39, "PR_GET_NO_NEW_PRIVS"),
	N(40, "PR_GET_TID_ADDRESS"),
	N(41, "PR_SET_THP_DISABLE"),
	N(42, "PR_GET_THP_DISABLE"),
	N(43, "PR_MPX_ENABLE_MANAGEMENT"),
	N(44, "PR_MPX_DISABLE_MANAGEMENT"),
	N(45, "PR_SET_FP_MODE"),
	N(46, "PR_GET_FP_MODE"),
	N(47, "PR_CAP_AMBIENT"),
	N(50, "PR_SVE_SET_VL"),
	N(51, "PR_SVE_GET_VL"),
	N(52, "PR_GET_SPECULATION_CTRL"),
	N(53, "PR_SET_SPECULATION_CTRL"),
	N(54, "PR_PAC_RESET_KEYS"),
	N(55, "PR_SET_TAGGED_ADDR_CTRL"),
	N(56, "PR_GET_TAGGED_ADDR_CTRL"),
	N(57, "PR_SET_IO_FLUSHER"),
	N(58, "PR_GET_IO_FLUSHER"),
	N(59, "PR_SET_SYSCALL_USER_DISPATCH"),
	N(60, "PR_PAC_SET_ENABLED_KEYS"),
	N(61, "PR_PAC_GET_ENABLED_KEYS"),
	N(62, "PR_SCHED_CORE"),
	N(65, "PR_SET_MDWE"),
	N(66, "PR_GET_MDWE"),
	N(0x53564d41, "PR_SET_VMA"),
	{ 0 },
};

static const struct fn_name bpf_names[] = {
	N(0, "BPF_MAP_CREATE"),
	N(1, "BPF_MAP_LOOKUP_ELEM"),
	N(2, "BPF_MAP_UPDATE_ELEM"),
	N(3, "BPF_MAP_DELETE_ELEM"),
	N(4, "BPF_MAP_GET_NEXT_KEY"),
	N(5, "BPF_PROG_LOAD"),
	N(6, "BPF_OBJ_PIN"),
	N(7, "BPF_OBJ_GET"),
	N(8, "BPF_PROG_ATTACH"),
	N(9, "BPF_PROG_DETACH"),
	N(10, "BPF_PROG_TEST_RUN"),
	N(11, "BPF_PROG_GET_NEXT_ID"),
	N(12, "BPF_MAP_GET_NEXT_ID"),
	N(13, "BPF_PROG_GET_FD_BY_ID"),
	N(14, "BPF_MAP_GET_FD_BY_ID"),
	N(15, "BPF_OBJ_GET_INFO_BY_FD"),
	N(16, "BPF_PROG_QUERY"),
	N(17, "BPF_RAW_TRACEPOINT_OPEN"),
	N(18, "BPF_BTF_LOAD"),
	N(19, "BPF_BTF_GET_FD_BY_ID"),
	N(20, "BPF_TASK_FD_QUERY"),
	N(21, "BPF_MAP_LOOKUP_AND_DELETE_ELEM"),
	N(22, "BPF_MAP_FREEZE"),
	N(23, "BPF_BTF_GET_NEXT_ID"),
	N(24, "BPF_MAP_LOOKUP_BATCH"),
	N(25, "BPF_MAP_LOOKUP_AND_DELETE_BATCH"),
	N(26, "BPF_MAP_UPDATE_BATCH"),
	N(27, "BPF_MAP_DELETE_BATCH"),
	N(28, "BPF_LINK_CREATE"),
	N(29, "BPF_LINK_UPDATE"),
	N(30, "BPF_LINK_GET_FD_BY_ID"),
	N(31, "BPF_LINK_GET_NEXT_ID"),
	N(32, "BPF_ENABLE_STATS"),
	N(33, "BPF_ITER_CREATE"),
	N(34, "BPF_LINK_DETACH"),
	N(35, "BPF_PROG_BIND_MAP"),
	N(36, "BPF_TOKEN_CREATE"),
	{ 0 },
};

/* Falco names mount and umount flags without their MS_/MNT_ prefix. */
static const struct fn_name mount_names[] = {
	N(1u << 0, "RDONLY"),	  N(1u << 1, "NOSUID"),	     N(1u << 2, "NODEV"),
	N(1u << 3, "NOEXEC"),	  N(1u << 4, "SYNCHRONOUS"), N(1u << 5, "REMOUNT"),
	N(1u << 6, "MANDLOCK"),	  N(1u << 7, "DIRSYNC"),     N(1u << 8, "NOSYMFOLLOW"),
	N(1u << 10, "NOATIME"),	  N(1u << 11, "NODIRATIME"), N(1u << 12, "BIND"),
	N(1u << 13, "MOVE"),	  N(1u << 14, "REC"),	     N(1u << 15, "SILENT"),
	N(1u << 16, "POSIXACL"),  N(1u << 17, "UNBINDABLE"), N(1u << 18, "PRIVATE"),
	N(1u << 19, "SLAVE"),	  N(1u << 20, "SHARED"),     N(1u << 21, "RELATIME"),
	N(1u << 22, "KERNMOUNT"), N(1u << 23, "I_VERSION"),  N(1u << 24, "STRICTATIME"),
	N(1u << 25, "LAZYTIME"),  N(1u << 28, "NOSEC"),	     N(1u << 29, "BORN"),
	N(1u << 30, "ACTIVE"),	  N(1u << 31, "NOUSER"),     { 0 },
};

static const struct fn_name umount_names[] = {
	N(1, "FORCE"), N(2, "DETACH"), N(4, "EXPIRE"), N(8, "NOFOLLOW"), { 0 },
};

static const struct fn_name at_names[] = {
	N(0x100, "AT_SYMLINK_NOFOLLOW"),
	N(0x200, "AT_REMOVEDIR"),
	N(0x400, "AT_SYMLINK_FOLLOW"),
	N(0x800, "AT_NO_AUTOMOUNT"),
	N(0x1000, "AT_EMPTY_PATH"),
	N(0x8000, "AT_RECURSIVE"),
	{ 0 },
};

static const struct fn_name rename_names[] = {
	N(1, "RENAME_NOREPLACE"),
	N(2, "RENAME_EXCHANGE"),
	N(4, "RENAME_WHITEOUT"),
	{ 0 },
};

static const struct fn_name memfd_names[] = {
	N(0x1, "MFD_CLOEXEC"),	   N(0x2, "MFD_ALLOW_SEALING"), N(0x4, "MFD_HUGETLB"),
	N(0x8, "MFD_NOEXEC_SEAL"), N(0x10, "MFD_EXEC"),		{ 0 },
};

static const struct fn_name module_names[] = {
	N(1, "MODULE_INIT_IGNORE_MODVERSIONS"),
	N(2, "MODULE_INIT_IGNORE_VERMAGIC"),
	N(4, "MODULE_INIT_COMPRESSED_FILE"),
	{ 0 },
};

/* Falco's fd.type names, so state and rules can share them. */
static const struct fn_name fdkind_names[] = {
	N(SAKER_FDK_UNKNOWN, "unknown"),
	N(SAKER_FDK_FILE, "file"),
	N(SAKER_FDK_DIRECTORY, "directory"),
	N(SAKER_FDK_IPV4, "ipv4"),
	N(SAKER_FDK_IPV6, "ipv6"),
	N(SAKER_FDK_UNIX, "unix"),
	N(SAKER_FDK_PIPE, "pipe"),
	N(SAKER_FDK_EVENT, "event"),
	N(SAKER_FDK_SIGNALFD, "signalfd"),
	N(SAKER_FDK_EVENTPOLL, "eventpoll"),
	N(SAKER_FDK_INOTIFY, "inotify"),
	N(SAKER_FDK_TIMERFD, "timerfd"),
	N(SAKER_FDK_NETLINK, "netlink"),
	N(SAKER_FDK_BPF, "bpf"),
	N(SAKER_FDK_USERFAULTFD, "userfaultfd"),
	N(SAKER_FDK_MEMFD, "memfd"),
	N(SAKER_FDK_IOURING, "io_uring"),
	N(SAKER_FDK_PIDFD, "pidfd"),
	N(SAKER_FDK_OTHER, "other"),
	{ 0 },
};

struct fn_set {
	const char *name;
	const struct fn_name *names;
	bool is_enum;
	const char *unknown; /* enum: text for unknown values; NULL: decimal */
};

static const struct fn_set sets[SAKER_FS_MAX] = {
	[SAKER_FS_NONE] = { "none", NULL, false, NULL },
	[SAKER_FS_OPEN] = { "open", open_names, false, NULL },
	[SAKER_FS_RESOLVE] = { "resolve", resolve_names, false, NULL },
	[SAKER_FS_EXE] = { "exe", exe_names, false, NULL },
	[SAKER_FS_CLONE] = { "clone", clone_names, false, NULL },
	[SAKER_FS_NS] = { "namespace", ns_names, false, NULL },
	[SAKER_FS_SOCKFAMILY] = { "socket_family", family_names, true, NULL },
	[SAKER_FS_SOCKTYPE] = { "socket_type", socktype_names, false, NULL },
	[SAKER_FS_SOCKFLAGS] = { "socket_flags", sockflag_names, false, NULL },
	[SAKER_FS_FCNTL] = { "fcntl", fcntl_names, true, "UNKNOWN" },
	[SAKER_FS_PTRACE] = { "ptrace", ptrace_names, true, "PTRACE_UNKNOWN" },
	[SAKER_FS_PRCTL] = { "prctl", prctl_names, true, NULL },
	[SAKER_FS_BPFCMD] = { "bpf_cmd", bpf_names, true, NULL },
	[SAKER_FS_MOUNT] = { "mount", mount_names, false, NULL },
	[SAKER_FS_UMOUNT] = { "umount", umount_names, false, NULL },
	[SAKER_FS_AT] = { "at", at_names, false, NULL },
	[SAKER_FS_RENAME] = { "rename", rename_names, false, NULL },
	[SAKER_FS_MEMFD] = { "memfd", memfd_names, false, NULL },
	[SAKER_FS_MODULE] = { "module", module_names, false, NULL },
	[SAKER_FS_FDKIND] = { "fd_kind", fdkind_names, true, NULL },
};

/* Appends to buf like snprintf at offset off; returns the new offset. */
static size_t append(char *buf, size_t len, size_t off, const char *s)
{
	size_t n = strlen(s);

	if (off < len) {
		size_t room = len - off - 1;
		size_t k = n < room ? n : room;

		memcpy(buf + off, s, k);
		buf[off + k] = '\0';
	}
	return off + n;
}

static size_t decimal(uint32_t value, char *buf, size_t len)
{
	char num[16];

	snprintf(num, sizeof(num), "%" PRIu32, value);
	return append(buf, len, 0, num);
}

static size_t format_enum(const struct fn_set *s, uint32_t value, char *buf, size_t len)
{
	for (const struct fn_name *n = s->names; n->name; n++)
		if (n->bits == value)
			return append(buf, len, 0, n->name);
	if (s->unknown)
		return append(buf, len, 0, s->unknown);
	return decimal(value, buf, len);
}

static size_t format_flags(const struct fn_set *s, uint32_t value, char *buf, size_t len)
{
	uint32_t left = value;
	size_t off = 0;

	if (len)
		buf[0] = '\0';
	for (const struct fn_name *n = s->names; n->name; n++) {
		uint32_t mask = n->mask ? n->mask : n->bits;

		/* Zero-valued names are fields (the access mode), never plain bits. */
		if (!mask || (left & mask) != n->bits || (n->bits == 0 && (value & mask) != 0))
			continue;
		if (off)
			off = append(buf, len, off, "|");
		off = append(buf, len, off, n->name);
		left &= ~mask;
	}
	return off ? off : decimal(value, buf, len);
}

size_t flagnames_format(enum saker_flagset set, uint32_t value, char *buf, size_t len)
{
	const struct fn_set *s = (unsigned)set < SAKER_FS_MAX ? &sets[set] : NULL;

	if (!s || !s->names)
		return decimal(value, buf, len);
	switch (set) {
	case SAKER_FS_CLONE:
		/* clone(2) keeps the exit signal (at most 64) in the low bits. */
		value &= ~0x7fu;
		break;
	case SAKER_FS_MOUNT:
		/* Old callers put the magic 0xC0ED in the top half; Falco drops it. */
		if ((value & 0xffff0000u) == 0xc0ed0000u)
			value &= 0xffffu;
		break;
	default:
		break;
	}
	return s->is_enum ? format_enum(s, value, buf, len) : format_flags(s, value, buf, len);
}

const char *flagnames_set_name(enum saker_flagset set)
{
	return (unsigned)set < SAKER_FS_MAX && sets[set].name ? sets[set].name : "?";
}

bool flagnames_set_is_enum(enum saker_flagset set)
{
	return (unsigned)set < SAKER_FS_MAX && sets[set].is_enum;
}
