// SPDX-License-Identifier: GPL-2.0-only
/*
 * The system call a stopped tracee is in, and reads of its memory.
 * PTRACE_GET_SYSCALL_INFO (Linux 5.3) says which stop this is and which ABI
 * the call came through; PTRACE_GETREGS is the fallback, where the stop kind
 * comes from our own bookkeeping.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <linux/audit.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/uio.h>
#include <sys/user.h>

#include "ptrace_int.h"

#ifndef __X32_SYSCALL_BIT
#define __X32_SYSCALL_BIT 0x40000000
#endif

#define PAGE 4096u

static enum ptr_abi abi_of(uint32_t arch, uint64_t nr)
{
	if (arch == AUDIT_ARCH_X86_64)
		return nr & __X32_SYSCALL_BIT ? PTR_ABI_X32 : PTR_ABI_X86_64;
	if (arch == AUDIT_ARCH_I386)
		return PTR_ABI_I386;
	return PTR_ABI_OTHER;
}

/*
 * 64-bit code can enter the i386 ABI with int $0x80 (cd 80) where it would
 * use syscall (0f 05): the code segment does not tell, the instruction just
 * before rip does. Only the fallback needs this; GET_SYSCALL_INFO says arch.
 */
static bool int80(pid_t tid, uint64_t rip)
{
	uint8_t insn[2];

	return rip >= 2 && ptr_mem_read(tid, rip - 2, insn, 2) == 2 && insn[0] == 0xcd &&
	       insn[1] == 0x80;
}

static int sysinfo_regs(struct ptr_task *k, int hint, struct ptr_sysinfo *ret)
{
	struct user_regs_struct r;

	if (ptrace(PTRACE_GETREGS, k->tid, 0, &r) < 0)
		return -errno;
	ret->op = hint;
	ret->nr = r.orig_rax;
	ret->rval = (int64_t)r.rax;
	if (r.cs == 0x23 || (hint != PTRACE_SYSCALL_INFO_EXIT && int80(k->tid, r.rip))) {
		/* The i386 ABI and its argument registers. */
		uint64_t a[6] = { r.rbx, r.rcx, r.rdx, r.rsi, r.rdi, r.rbp };

		ret->abi = PTR_ABI_I386;
		ret->nr = (uint32_t)r.orig_rax;
		for (int i = 0; i < 6; i++)
			ret->args[i] = (uint32_t)a[i];
		ret->rval = (int32_t)r.rax;
		return 0;
	}
	ret->abi = abi_of(AUDIT_ARCH_X86_64, r.orig_rax);
	ret->args[0] = r.rdi;
	ret->args[1] = r.rsi;
	ret->args[2] = r.rdx;
	ret->args[3] = r.r10;
	ret->args[4] = r.r8;
	ret->args[5] = r.r9;
	return 0;
}

/*
 * hint: the stop kind our bookkeeping expects (PTRACE_SYSCALL_INFO_*); the
 * kernel's answer wins when it gives one.
 */
int ptr_sysinfo_get(struct ptr_tracer *t, struct ptr_task *k, int hint, struct ptr_sysinfo *ret)
{
	struct __ptrace_syscall_info si;
	long n;

	memset(ret, 0, sizeof(*ret));
	if (!t->syscall_info)
		return sysinfo_regs(k, hint, ret);
	n = ptrace(PTRACE_GET_SYSCALL_INFO, k->tid, (void *)sizeof(si), &si);
	if (n < 0 && (errno == EIO || errno == EINVAL)) {
		/* Older than 5.3: registers from now on. */
		t->syscall_info = false;
		return sysinfo_regs(k, hint, ret);
	}
	if (n < 0)
		return -errno;
	ret->op = si.op;
	switch (si.op) {
	case PTRACE_SYSCALL_INFO_ENTRY:
		ret->nr = si.entry.nr;
		memcpy(ret->args, si.entry.args, sizeof(ret->args));
		break;
	case PTRACE_SYSCALL_INFO_SECCOMP:
		ret->nr = si.seccomp.nr;
		memcpy(ret->args, si.seccomp.args, sizeof(ret->args));
		break;
	case PTRACE_SYSCALL_INFO_EXIT:
		ret->rval = si.exit.rval;
		return 0;
	default:
		return 0;
	}
	ret->abi = abi_of(si.arch, ret->nr);
	if (ret->abi == PTR_ABI_I386)
		for (int i = 0; i < 6; i++)
			ret->args[i] = (uint32_t)ret->args[i];
	return 0;
}

ssize_t ptr_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { .iov_base = buf, .iov_len = len };
	struct iovec remote = { .iov_base = (void *)(uintptr_t)addr, .iov_len = len };
	ssize_t n;

	if (!addr)
		return -EFAULT;
	n = process_vm_readv(tid, &local, 1, &remote, 1, 0);
	return n < 0 ? -errno : n;
}

/*
 * Page by page, so a string that ends just before an unmapped page is read
 * whole. Returns the length with the NUL; *ret_cut when max was reached.
 */
ssize_t ptr_mem_str(pid_t tid, uint64_t addr, char *buf, size_t max, bool *ret_cut)
{
	size_t got = 0;

	*ret_cut = false;
	if (max == 0)
		return -EINVAL;
	while (got < max - 1) {
		size_t chunk = PAGE - ((addr + got) % PAGE);
		ssize_t n;
		char *nul;

		if (chunk > max - 1 - got)
			chunk = max - 1 - got;
		n = ptr_mem_read(tid, addr + got, buf + got, chunk);
		if (n <= 0) {
			if (got == 0)
				return n < 0 ? n : -EFAULT;
			break;
		}
		nul = memchr(buf + got, '\0', (size_t)n);
		if (nul)
			return nul - buf + 1;
		got += (size_t)n;
		if ((size_t)n < chunk)
			break;
	}
	buf[got] = '\0';
	*ret_cut = true;
	return (ssize_t)got + 1;
}

/*
 * Reads through a window of one page: many small reads from the same
 * region (an argv array and its strings) cost one process_vm_readv per
 * page instead of one per value. The window starts at the first byte asked
 * for and ends at its page's end, so no page is touched that a read of the
 * value alone would not touch.
 */
static bool win_load(struct ptr_memwin *w, uint64_t addr)
{
	size_t chunk = PAGE - (addr % PAGE);
	ssize_t n;

	if (addr >= w->base && addr < w->base + w->len)
		return true;
	n = ptr_mem_read(w->tid, addr, w->buf, chunk);
	if (n <= 0)
		return false;
	w->base = addr;
	w->len = (size_t)n;
	return true;
}

ssize_t ptr_win_read(struct ptr_memwin *w, uint64_t addr, void *dst, size_t len)
{
	size_t got = 0;

	while (got < len) {
		size_t off, take;

		if (!win_load(w, addr + got))
			return -EFAULT;
		off = addr + got - w->base;
		take = w->len - off < len - got ? w->len - off : len - got;
		memcpy((uint8_t *)dst + got, w->buf + off, take);
		got += take;
	}
	return (ssize_t)got;
}

ssize_t ptr_win_str(struct ptr_memwin *w, uint64_t addr, char *buf, size_t max, bool *ret_cut)
{
	size_t got = 0;

	*ret_cut = false;
	if (max == 0)
		return -EINVAL;
	while (got < max - 1) {
		size_t off, take;
		uint8_t *nul;

		if (!win_load(w, addr + got)) {
			if (got == 0)
				return -EFAULT;
			break;
		}
		off = addr + got - w->base;
		take = w->len - off < max - 1 - got ? w->len - off : max - 1 - got;
		nul = memchr(w->buf + off, '\0', take);
		if (nul) {
			memcpy(buf + got, w->buf + off, (size_t)(nul - (w->buf + off)) + 1);
			return (ssize_t)(got + (size_t)(nul - (w->buf + off)) + 1);
		}
		memcpy(buf + got, w->buf + off, take);
		got += take;
	}
	buf[got] = '\0';
	*ret_cut = true;
	return (ssize_t)got + 1;
}
