/* SPDX-License-Identifier: GPL-2.0-only OR MIT */
/*
 * The 32-bit system call ABIs of x86-64, mapped onto the x86-64 calls the
 * event table (saker_events.h) names. A 64-bit kernel with IA32_EMULATION
 * runs i386 binaries, and any process, 64-bit ones included, can enter
 * through `int $0x80` with i386 numbers: a driver that decodes only
 * x86-64 numbers reads those calls as other calls or not at all, which is
 * an evasion. Every driver maps them here (kernel module, eBPF probe and
 * ptrace tracer through the same table) and records the x86-64 event.
 *
 * i386 arguments are in ebx, ecx, edx, esi, edi, ebp, 32 bits wide; user
 * pointers are 32-bit and so are the pointers inside structures
 * (msghdr, iovec, argv), which the compat layouts describe.
 *
 * Numbers are Linux's (arch/x86/entry/syscalls/syscall_32.tbl) and never
 * change; tests/unit/test_ia32.c checks every entry against the C
 * library's <asm/unistd_32.h>.
 */
#ifndef SAKER_IA32_H
#define SAKER_IA32_H

#if !defined(__KERNEL__) && !defined(__VMLINUX_H__)
#include <linux/types.h>
#endif

/*
 * An entry's flags (one byte). Bits 0-2 name the arguments that are 16-bit
 * uids or gids (old_uid_t/old_gid_t in the kernel's kernel/uid16.c), bit N
 * for argument N: the kernel cuts such an argument to 16 bits and reads
 * 0xffff as -1, "unchanged" (low2highuid). chown16(path, uid, gid) has
 * them in arguments 1 and 2, setuid16(uid) in 0 only: the mask is per
 * call, never "the first three". The 32-bit-id calls (chown32, ...) have
 * none. Bits 0x20-0x80 are left for a driver's own use (the eBPF probe's
 * interest values, drivers/ebpf/saker_bpf.h).
 */
#define SAKER_IA32_ID(n) (1u << (n))
#define SAKER_IA32_IDS 0x07u
/* Only the first argument exists (the old umount(target)): the rest read as 0. */
#define SAKER_IA32_ARGS1 0x08u
/* clone(flags, stack, parent_tid, tls, child_tid): CLONE_BACKWARDS order. */
#define SAKER_IA32_CLONE_TLS4 0x10u

#define SAKER_IA32_ID0 SAKER_IA32_ID(0)
#define SAKER_IA32_ID12 (SAKER_IA32_ID(1) | SAKER_IA32_ID(2))
#define SAKER_IA32_ID01 (SAKER_IA32_ID(0) | SAKER_IA32_ID(1))
#define SAKER_IA32_ID012 (SAKER_IA32_ID(0) | SAKER_IA32_ID(1) | SAKER_IA32_ID(2))

/*
 * Argument i (0-5, in the x86-64 call's order) of an i386 call whose entry
 * has these flags, as the kernel's entry code hands it on: 32 bits wide,
 * 0 past the first where only one exists, a 16-bit id widened. The one
 * rule every driver decodes with (kernel module, eBPF probe, ptrace
 * tracer); clone's argument order (CLONE_TLS4) is the caller's to swap.
 */
static inline __u64 saker_ia32_arg(__u32 flags, __u32 i, __u64 v)
{
	v = (__u32)v;
	if ((flags & SAKER_IA32_ARGS1) && i > 0)
		return 0;
	if (i < 3 && (flags & SAKER_IA32_ID(i))) {
		v &= 0xffff;
		if (v == 0xffff)
			v = 0xffffffffu;
	}
	return v;
}

/*
 * X(i386 number, x86-64 call name, flags, entry), entry being the name of
 * the kernel's entry function (syscall_32.tbl: __ia32_sys_ENTRY or
 * __ia32_compat_sys_ENTRY) where it is not the call's name, else empty:
 * the eBPF probe attaches to it. A name may appear more than
 * once (the 16-bit and 32-bit id calls, fcntl and fcntl64, umount and
 * umount2); i386 has no accept(2) and no other call the table names.
 * The other uid16 calls have no event here: setfsuid16 and setfsgid16
 * (ids in argument 0), setgroups16 (its ids are an array in memory, none
 * in its arguments) and the getters.
 */
/* clang-format off */
#define SAKER_IA32_SYSCALLS(X) \
	X(2, fork, 0, ) \
	X(3, read, 0, ) \
	X(4, write, 0, ) \
	X(5, open, 0, ) \
	X(6, close, 0, ) \
	X(8, creat, 0, ) \
	X(9, link, 0, ) \
	X(10, unlink, 0, ) \
	X(11, execve, 0, ) \
	X(12, chdir, 0, ) \
	X(15, chmod, 0, ) \
	X(16, lchown, SAKER_IA32_ID12, lchown16) \
	X(21, mount, 0, ) \
	X(22, umount2, SAKER_IA32_ARGS1, oldumount) \
	X(23, setuid, SAKER_IA32_ID0, setuid16) \
	X(26, ptrace, 0, ) \
	X(37, kill, 0, ) \
	X(38, rename, 0, ) \
	X(39, mkdir, 0, ) \
	X(40, rmdir, 0, ) \
	X(41, dup, 0, ) \
	X(42, pipe, 0, ) \
	X(46, setgid, SAKER_IA32_ID0, setgid16) \
	X(52, umount2, 0, umount) \
	X(55, fcntl, 0, ) \
	X(57, setpgid, 0, ) \
	X(61, chroot, 0, ) \
	X(63, dup2, 0, ) \
	X(66, setsid, 0, ) \
	X(70, setreuid, SAKER_IA32_ID01, setreuid16) \
	X(71, setregid, SAKER_IA32_ID01, setregid16) \
	X(83, symlink, 0, ) \
	X(94, fchmod, 0, ) \
	X(95, fchown, SAKER_IA32_ID12, fchown16) \
	X(120, clone, SAKER_IA32_CLONE_TLS4, ) \
	X(128, init_module, 0, ) \
	X(129, delete_module, 0, ) \
	X(133, fchdir, 0, ) \
	X(164, setresuid, SAKER_IA32_ID012, setresuid16) \
	X(170, setresgid, SAKER_IA32_ID012, setresgid16) \
	X(172, prctl, 0, ) \
	X(182, chown, SAKER_IA32_ID12, chown16) \
	X(185, capset, 0, ) \
	X(190, vfork, 0, ) \
	X(198, lchown, 0, ) \
	X(203, setreuid, 0, ) \
	X(204, setregid, 0, ) \
	X(207, fchown, 0, ) \
	X(208, setresuid, 0, ) \
	X(210, setresgid, 0, ) \
	X(212, chown, 0, ) \
	X(213, setuid, 0, ) \
	X(214, setgid, 0, ) \
	X(221, fcntl, 0, fcntl64) \
	X(295, openat, 0, ) \
	X(296, mkdirat, 0, ) \
	X(298, fchownat, 0, ) \
	X(301, unlinkat, 0, ) \
	X(302, renameat, 0, ) \
	X(303, linkat, 0, ) \
	X(304, symlinkat, 0, ) \
	X(306, fchmodat, 0, ) \
	X(310, unshare, 0, ) \
	X(322, timerfd_create, 0, ) \
	X(327, signalfd4, 0, ) \
	X(328, eventfd2, 0, ) \
	X(329, epoll_create1, 0, ) \
	X(330, dup3, 0, ) \
	X(331, pipe2, 0, ) \
	X(332, inotify_init1, 0, ) \
	X(346, setns, 0, ) \
	X(350, finit_module, 0, ) \
	X(353, renameat2, 0, ) \
	X(356, memfd_create, 0, ) \
	X(357, bpf, 0, ) \
	X(358, execveat, 0, ) \
	X(359, socket, 0, ) \
	X(360, socketpair, 0, ) \
	X(361, bind, 0, ) \
	X(362, connect, 0, ) \
	X(363, listen, 0, ) \
	X(364, accept4, 0, ) \
	X(369, sendto, 0, ) \
	X(370, sendmsg, 0, ) \
	X(371, recvfrom, 0, ) \
	X(372, recvmsg, 0, ) \
	X(374, userfaultfd, 0, ) \
	X(435, clone3, 0, ) \
	X(436, close_range, 0, ) \
	X(437, openat2, 0, )
/* clang-format on */

/* The multiplexer: socketcall(call, unsigned int *args). */
#define SAKER_IA32_NR_SOCKETCALL 102

/*
 * X(socketcall call number, x86-64 call name, number of u32 arguments in
 * the array). send and recv are sendto and recvfrom without an address.
 */
/* clang-format off */
#define SAKER_IA32_SOCKETCALLS(X) \
	X(1, socket, 3) \
	X(2, bind, 3) \
	X(3, connect, 3) \
	X(4, listen, 2) \
	X(5, accept, 3) \
	X(8, socketpair, 4) \
	X(9, sendto, 4) \
	X(10, recvfrom, 4) \
	X(11, sendto, 6) \
	X(12, recvfrom, 6) \
	X(16, sendmsg, 3) \
	X(17, recvmsg, 3) \
	X(18, accept4, 4)
/* clang-format on */
#define SAKER_IA32_SOCKETCALL_MAX 20

/*
 * x32 (x86-64 registers, 32-bit pointers): the x86-64 number with this bit
 * set, except the calls whose arguments differ, which moved to 512 and up.
 * Kernels built without X86_X32_ABI (or booted without it) fail every x32
 * call with ENOSYS; where it is on, these are the ones the table names.
 */
#define SAKER_X32_SYSCALL_BIT 0x40000000u
/* clang-format off */
#define SAKER_X32_SYSCALLS(X) \
	X(517, recvfrom) \
	X(518, sendmsg) \
	X(519, recvmsg) \
	X(520, execve) \
	X(521, ptrace) \
	X(545, execveat)
/* clang-format on */

#endif /* SAKER_IA32_H */
