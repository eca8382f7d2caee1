// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ptrace driver's 32-bit ABIs (i386 through int $0x80 or a 32-bit
 * binary, x32): the seccomp filter's verdict per arch and number (the
 * generated program run by a classic-BPF interpreter here, since no i386
 * call can be made on a kernel without IA-32 emulation), the mapping of
 * every i386 call onto its x86-64 event with the arguments in x86-64 order
 * and meaning (socketcall's array read from memory, 16-bit ids, clone's
 * order, the one-argument umount), and records built from the compat
 * layouts (msghdr, iovec, argv with 32-bit pointers) in this process's own
 * memory below 4 GiB. Where the kernel runs 32-bit code, real tracees too:
 * a 64-bit program calling through int $0x80 and an i386 static binary.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <libgen.h>
#include <linux/audit.h>
#include <linux/filter.h>
#include <linux/seccomp.h>
#include <netinet/in.h>
#include <sched.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <sys/socket.h>
#include <sys/syscall.h>
#include <sys/wait.h>
#include <unistd.h>

#include "../../drivers/common/saker_ia32.h"
#include "../../drivers/ptrace/ptrace_int.h"
#include "event.h"
#include "src_ptrace.h"
#include "tap.h"
#include "util.h"

/* ---- the filter, run by a classic-BPF interpreter ---- */

/* The instructions ptr_filter_build emits: LD W ABS, JEQ/JGE K, JA, RET K. */
static uint32_t bpf_run(const struct sock_filter *f, int n, const struct seccomp_data *d)
{
	uint32_t a = 0;

	for (int pc = 0; pc >= 0 && pc < n; pc++) {
		const struct sock_filter *i = &f[pc];

		switch (i->code) {
		case BPF_LD | BPF_W | BPF_ABS:
			if (i->k + 4 > sizeof(*d))
				return 0xdead;
			memcpy(&a, (const char *)d + i->k, 4);
			break;
		case BPF_JMP | BPF_JEQ | BPF_K:
			pc += a == i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JGE | BPF_K:
			pc += a >= i->k ? i->jt : i->jf;
			break;
		case BPF_JMP | BPF_JA:
			pc += (int)i->k;
			break;
		case BPF_RET | BPF_K:
			return i->k;
		default:
			return 0xbad;
		}
	}
	return 0xfa11;
}

static uint32_t verdict(const struct sock_filter *f, int n, uint32_t arch, uint32_t nr,
			uint64_t arg1)
{
	struct seccomp_data d = { .nr = (int)nr, .arch = arch };

	/* The fcntl command, the fd close takes, dup2's newfd. */
	d.args[0] = d.args[1] = arg1;
	return bpf_run(f, n, &d);
}

static void want_type(uint8_t *want, const char *name)
{
	int type = evt_type_by_name(name);

	want[type / 8] |= (uint8_t)(1u << (type % 8));
}

static void test_filter(void)
{
	uint8_t want[SRC_INTEREST_BYTES] = { 0 };
	struct ptr_sysset set;
	struct sock_filter *f;
	size_t bad = 0, checked = 0;
	int n, sock_state = 0;

	want_type(want, "openat");
	want_type(want, "mount");
	ptr_filter_syscalls(want, &set);
	n = ptr_filter_build(&set, &f);
	if (!tap_ok(n > 0, "filter: builds (%d instructions)", n))
		return;
#define X(nr, name, flags, entry)                                                          \
	do {                                                                               \
		bool w = ptr_traced(want, evt_type_by_name(#name));                        \
		uint32_t v = verdict(f, n, AUDIT_ARCH_I386, nr, 7);                        \
		checked++;                                                                 \
		if (v != (w ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW)) {                    \
			tap_diag("i386 %d (%s): verdict %#x, wanted %d", nr, #name, v, w); \
			bad++;                                                             \
		}                                                                          \
	} while (0);
	SAKER_IA32_SYSCALLS(X)
#undef X
#define X(call, name, nargs) sock_state |= ptr_traced(want, evt_type_by_name(#name));
	SAKER_IA32_SOCKETCALLS(X)
#undef X
	tap_ok(bad == 0 && checked > 80,
	       "filter: each of the %zu mapped i386 calls stops exactly when its event is of "
	       "interest (%zu wrong)",
	       checked, bad);
	tap_ok(sock_state && verdict(f, n, AUDIT_ARCH_I386, SAKER_IA32_NR_SOCKETCALL, 0) ==
				     SECCOMP_RET_TRACE,
	       "filter: i386 socketcall stops (socket and connect carry facts /proc lacks)");
	tap_ok(verdict(f, n, AUDIT_ARCH_I386, 64 /* getppid */, 0) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_I386, 3 /* read */, 0) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_I386, 257 /* x86-64 openat */, 0) ==
			       SECCOMP_RET_ALLOW,
	       "filter: i386 calls of no interest run (getppid, read, and 257 is not openat)");
	tap_ok(verdict(f, n, AUDIT_ARCH_I386, 221, F_DUPFD_CLOEXEC) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_I386, 6 /* close */, 3) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_I386, 63 /* dup2 */, 9) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_I386, 11 /* execve */, 0) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 12 /* chdir */, 0) == SECCOMP_RET_TRACE,
	       "filter: i386 fcntl64, close and dup2 (the fd table only) run, execve and "
	       "chdir (process facts) stop");
	tap_ok(verdict(f, n, AUDIT_ARCH_I386, 6, 0) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 6, 2) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 63, 1) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 330 /* dup3 */, 2) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 330, 3) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_I386, 6, 0xffffffff) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SYS_close, 1) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SYS_close, 3) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SYS_dup2, 0) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SYS_dup3, 1) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SYS_dup3, 4) == SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SYS_dup, 1) == SECCOMP_RET_ALLOW,
	       "filter: close, dup2 and dup3 onto 0, 1 or 2 stop (i386 and x86-64), onto any "
	       "other fd (-1 too) they run; dup does not stop");
	tap_ok(verdict(f, n, 0x40000028 /* AUDIT_ARCH_ARM */, 5, 0) == SECCOMP_RET_TRACE &&
		       verdict(f, n, 0, 64, 0) == SECCOMP_RET_TRACE,
	       "filter: any other arch stops, whatever the number");
	tap_ok(verdict(f, n, AUDIT_ARCH_X86_64, SAKER_X32_SYSCALL_BIT | SYS_openat, 0) ==
			       SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SAKER_X32_SYSCALL_BIT | 520, 0) ==
			       SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SAKER_X32_SYSCALL_BIT | 545, 0) ==
			       SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SAKER_X32_SYSCALL_BIT | SYS_getppid, 0) ==
			       SECCOMP_RET_ALLOW &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SAKER_X32_SYSCALL_BIT | 518, 0) ==
			       SECCOMP_RET_ALLOW,
	       "filter: x32 openat, execve (520) and execveat (545) stop; getppid and sendmsg "
	       "(518, not of interest) run");
	bad = 0;
	for (uint32_t nr = 0; nr < 512; nr++) {
		bool w = (set.x64[nr / 8] >> (nr % 8)) & 1;
		uint32_t v = verdict(f, n, AUDIT_ARCH_X86_64, nr, 7);

		if (v != (w ? SECCOMP_RET_TRACE : SECCOMP_RET_ALLOW))
			bad++;
	}
	tap_ok(bad == 0, "filter: x86-64 numbers 0-511 stop exactly as the set says (%zu wrong)",
	       bad);
	memset(want, 0xff, sizeof(want));
	ptr_filter_syscalls(want, &set);
	n = ptr_filter_build(&set, &f);
	tap_ok(n > 0 &&
		       verdict(f, n, AUDIT_ARCH_X86_64, SAKER_X32_SYSCALL_BIT | 518, 0) ==
			       SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 370, 0) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 221, F_GETFL) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 6, 0) == SECCOMP_RET_TRACE &&
		       verdict(f, n, AUDIT_ARCH_I386, 437, 0) == SECCOMP_RET_TRACE,
	       "filter: every event wanted: the whole table fits (%d instructions), x32 sendmsg, "
	       "i386 sendmsg, fcntl64, close and openat2 stop",
	       n);
}

/* ---- the mapping ---- */

static void test_mapping(void)
{
	size_t bad = 0, n = 0;

#define X(nr, name, flags, entry)                                                        \
	do {                                                                             \
		int t = ptr_abi_event(PTR_ABI_I386, nr);                                 \
		n++;                                                                     \
		if (t != evt_type_by_name(#name) || !ptr_decode_known(t)) {              \
			tap_diag("i386 %d: event %d, want %s, decoded %d", nr, t, #name, \
				 ptr_decode_known(t));                                   \
			bad++;                                                           \
		}                                                                        \
	} while (0);
	SAKER_IA32_SYSCALLS(X)
#undef X
	tap_ok(bad == 0, "mapping: all %zu i386 calls map to their event and are decoded", n);
	bad = n = 0;
#define X(nr, name)                                                              \
	do {                                                                     \
		n++;                                                             \
		bad += ptr_abi_event(PTR_ABI_X32, SAKER_X32_SYSCALL_BIT | nr) != \
		       evt_type_by_name(#name);                                  \
	} while (0);
	SAKER_X32_SYSCALLS(X)
#undef X
	tap_ok(bad == 0 && ptr_abi_event(PTR_ABI_X32, SAKER_X32_SYSCALL_BIT | SYS_openat) ==
				   SAKER_EV_OPENAT,
	       "mapping: the %zu x32 specials and the shared numbers map", n);
	tap_is_int(ptr_abi_event(PTR_ABI_I386, 64), -1, "mapping: i386 getppid is no event");
	tap_is_int(ptr_abi_event(PTR_ABI_I386, 100000), -1, "mapping: out-of-range numbers");
}

/* A task that is this process, making an i386 call with these arguments. */
static struct ptr_task task(uint64_t nr, uint64_t a0, uint64_t a1, uint64_t a2, uint64_t a3,
			    uint64_t a4)
{
	struct ptr_task k = { .tid = getpid(), .tgid = getpid(), .abi = PTR_ABI_I386, .nr = nr };

	k.args[0] = a0;
	k.args[1] = a1;
	k.args[2] = a2;
	k.args[3] = a3;
	k.args[4] = a4;
	k.args[5] = 0x5555;
	return k;
}

/* Memory below 4 GiB: what i386 pointers reach. */
struct low {
	uint32_t args[8];
	struct sockaddr_in sa;
	char path[64], arg[16], msg[16];
	uint32_t argv[3], iov[2], mh[7];
};

static uint32_t lo(const void *p)
{
	return (uint32_t)(uintptr_t)p;
}

/* i386 call nr entered with 0xffff in every register: only its id arguments are -1. */
static bool ids_widened(uint64_t nr, unsigned int flags)
{
	struct ptr_task k = task(nr, 0xffff, 0xffff, 0xffff, 0xffff, 0xffff);
	bool ok = ptr_abi_entry(&k) > 0;

	k.args[5] = 0xffff;
	for (unsigned int i = 0; i < 6 && ok; i++) {
		uint64_t want = i < 3 && (flags & SAKER_IA32_ID(i)) ? 0xffffffffu : 0xffff;

		ok = i == 5 || k.args[i] == want;
		if (!ok)
			tap_diag("i386 %llu: argument %u is %#llx, not %#llx",
				 (unsigned long long)nr, i, (unsigned long long)k.args[i],
				 (unsigned long long)want);
	}
	return ok;
}

static void test_entry(struct low *m)
{
	size_t n16 = 0, bad16 = 0;
	struct ptr_task k;
	int type;

	m->args[0] = 7;
	m->args[1] = lo(&m->sa);
	m->args[2] = 16;
	m->args[3] = 0xeeee;
	k = task(SAKER_IA32_NR_SOCKETCALL, 3, lo(m->args), 0, 0, 0);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_CONNECT && k.args[0] == 7 && k.args[1] == lo(&m->sa) &&
		       k.args[2] == 16 && k.args[3] == 0 && k.args[5] == 0,
	       "socketcall(connect): its three u32 arguments read from the array, no more");
	m->args[0] = 7;
	m->args[1] = lo(m->msg);
	m->args[2] = 5;
	m->args[3] = MSG_DONTWAIT;
	k = task(SAKER_IA32_NR_SOCKETCALL, 9, lo(m->args), 0, 0, 0);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_SENDTO && k.args[2] == 5 && k.args[3] == MSG_DONTWAIT &&
		       k.args[4] == 0 && k.args[5] == 0,
	       "socketcall(send): sendto without an address");
	k = task(SAKER_IA32_NR_SOCKETCALL, 13 /* shutdown */, lo(m->args), 0, 0, 0);
	tap_is_int(ptr_abi_entry(&k), -1, "socketcall(shutdown): no event");
	k = task(SAKER_IA32_NR_SOCKETCALL, 0xffffffffu, lo(m->args), 0, 0, 0);
	tap_is_int(ptr_abi_entry(&k), -1, "socketcall with a call number out of range: no event");
	k = task(SAKER_IA32_NR_SOCKETCALL, 3, 16, 0, 0, 0);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_CONNECT && k.args[0] == 0 && k.args[1] == 0,
	       "socketcall with an unreadable array: the event, arguments 0 (the kernel fails "
	       "it with EFAULT)");

	k = task(164 /* setresuid16 */, 0xffff, 0x10005, 0, 0, 0);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_SETRESUID && k.args[0] == 0xffffffffu && k.args[1] == 5 &&
		       k.args[2] == 0,
	       "setresuid16: 0xffff is -1, ids are 16 bits wide");
	k = task(208 /* setresuid32 */, 0xffff, 0x10005, 0, 0, 0);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_SETRESUID && k.args[0] == 0xffff && k.args[1] == 0x10005,
	       "setresuid32: ids unchanged");
	k = task(16 /* lchown16 */, 0x1234, 0xffff, 0xffff, 0, 0);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_LCHOWN && k.args[0] == 0x1234 && k.args[1] == 0xffffffffu &&
		       k.args[2] == 0xffffffffu,
	       "lchown16: the path untouched, both ids widened");
#define X(nr, name, flags, entry)                     \
	if ((flags)&SAKER_IA32_IDS) {                 \
		n16++;                                \
		bad16 += !ids_widened((nr), (flags)); \
	}
	SAKER_IA32_SYSCALLS(X)
#undef X
	tap_ok(n16 > 0 && bad16 == 0,
	       "every 16-bit id call (%zu): its id arguments widened, the others as given", n16);
	k = task(23 /* setuid16 */, 0xffff, 0xffff, 0xffff, 0, 0);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_SETUID && k.args[0] == 0xffffffffu && k.args[1] == 0xffff &&
		       k.args[2] == 0xffff,
	       "setuid16: only its one argument is an id");
	k = task(22 /* umount */, 0x1234, 0x99, 0x99, 0, 0);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_UMOUNT2 && k.args[0] == 0x1234 && k.args[1] == 0,
	       "umount (one argument): umount2 with flags 0");
	k = task(120 /* clone */, 0x11, 0x22, 0x33, 0x44 /* tls */, 0x55 /* child_tid */);
	type = ptr_abi_entry(&k);
	tap_ok(type == SAKER_EV_CLONE && k.args[0] == 0x11 && k.args[3] == 0x55 &&
		       k.args[4] == 0x44,
	       "clone: tls and child_tid in the x86-64 order");
}

/* ---- records from the compat layouts ---- */

static uint8_t last[SAKER_REC_MAX];
static size_t last_len;

static int capture(void *ctx, const void *rec, size_t len)
{
	memcpy(last, rec, len);
	last_len = len;
	return 0;
}

/* Build the record of k's call finished with res; decoded into e. */
static bool build(struct ptr_tracer *t, struct ptr_task *k, int64_t res, struct evt *e)
{
	k->type = ptr_abi_entry(k);
	if (k->type <= 0)
		return false;
	k->in_syscall = true;
	ptr_decode_entry(t, k);
	last_len = 0;
	ptr_decode_exit(t, k, res, 1);
	ptr_task_reset(k);
	return last_len && evt_decode(e, last, last_len, NULL, NULL) == 0;
}

static const char *pstr(const struct evt *e, const char *name)
{
	const char *s = evt_param_str(e, evt_param_index(e->hdr.type, name));

	return s ? s : "(absent)";
}

static int64_t pnum(const struct evt *e, const char *name)
{
	uint64_t v = 0;

	if (!evt_param_u64(e, evt_param_index(e->hdr.type, name), &v))
		return -99999;
	return (int64_t)v;
}

static const struct evt_param *param(const struct evt *e, const char *name)
{
	return evt_param(e, evt_param_index(e->hdr.type, name));
}

/*
 * A failed x86-64 execve with 300 arguments (an xargs PATH search): argv is
 * read through page windows, cut at the ABI's 4096 bytes and flagged.
 */
static void test_long_argv(struct ptr_tracer *t)
{
	static char strs[300][40], want[SAKER_ARGS_MAX + 64];
	static char *argv[301];
	const struct evt_param *p;
	size_t wl = 0;
	struct ptr_task k = { .tid = getpid(), .tgid = getpid(), .abi = PTR_ABI_X86_64 };
	struct evt e;

	for (int i = 0; i < 300; i++) {
		snprintf(strs[i], sizeof(strs[i]), "/usr/share/doc/some-package/file-%03d", i);
		argv[i] = strs[i];
		if (wl + strlen(strs[i]) + 1 <= SAKER_ARGS_MAX - 1) {
			memcpy(want + wl, strs[i], strlen(strs[i]) + 1);
			wl += strlen(strs[i]) + 1;
		}
	}
	argv[300] = NULL;
	k.nr = SYS_execve;
	k.args[0] = (uintptr_t) "/nonexistent/cat";
	k.args[1] = (uintptr_t)argv;
	p = build(t, &k, -ENOENT, &e) ? param(&e, "argv") : NULL;
	tap_ok(p && p->truncated && p->len >= wl && !memcmp(p->val, want, wl),
	       "record: a failed execve with 300 arguments: argv as given, cut at the ABI limit "
	       "and flagged (%u bytes)",
	       p ? p->len : 0);
}

static void test_records(struct low *m)
{
	struct ptr_tracer *t = calloc(1, sizeof(*t));
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	int ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0), c, fd;
	const struct evt_param *p;
	struct ptr_task k;
	uint16_t port16 = 0;
	struct evt e;
	char buf[64];

	if (!t || ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 || listen(ls, 4) < 0 ||
	    getsockname(ls, (struct sockaddr *)&sa, &sl) < 0) {
		tap_diag("setup: %s", strerror(errno));
		tap_skip(9, "no loopback listener");
		free(t);
		return;
	}
	t->emit = capture;
	memset(t->want, 0xff, sizeof(t->want));
	c = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	m->sa = sa;
	if (connect(c, (struct sockaddr *)&m->sa, sizeof(m->sa)) < 0)
		tap_diag("connect: %s", strerror(errno));
	m->args[0] = (uint32_t)c;
	m->args[1] = lo(&m->sa);
	m->args[2] = sizeof(m->sa);
	k = task(SAKER_IA32_NR_SOCKETCALL, 3, lo(m->args), 0, 0, 0);
	p = build(t, &k, 0, &e) ? param(&e, "addr") : NULL;
	/* SOCKADDR inet: u8 family, u8[4] address, u16 port in host order. */
	if (p && p->len == 7)
		memcpy(&port16, p->val + 5, 2);
	tap_ok(e.hdr.type == SAKER_EV_CONNECT && pnum(&e, "fd") == c && p && p->len == 7 &&
		       p->val[0] == AF_INET && port16 == ntohs(sa.sin_port) &&
		       param(&e, "tuple") != NULL,
	       "record: socketcall(connect) is a connect with fd, addr (port %u) and tuple",
	       ntohs(sa.sin_port));

	snprintf(m->msg, sizeof(m->msg), "ia32-msg");
	m->iov[0] = lo(m->msg);
	m->iov[1] = 8;
	memset(m->mh, 0, sizeof(m->mh));
	m->mh[2] = lo(m->iov);
	m->mh[3] = 1;
	k = task(370 /* sendmsg */, (uint32_t)c, lo(m->mh), 0, 0, 0);
	p = build(t, &k, 8, &e) ? param(&e, "data") : NULL;
	tap_ok(e.hdr.type == SAKER_EV_SENDMSG && pnum(&e, "size") == 8 && p && p->len == 8 &&
		       memcmp(p->val, "ia32-msg", 8) == 0,
	       "record: i386 sendmsg reads the compat msghdr and iovec (size 8, data)");
	m->args[0] = (uint32_t)c;
	m->args[1] = lo(m->mh);
	m->args[2] = 0;
	k = task(SAKER_IA32_NR_SOCKETCALL, 16, lo(m->args), 0, 0, 0);
	p = build(t, &k, 8, &e) ? param(&e, "data") : NULL;
	tap_ok(e.hdr.type == SAKER_EV_SENDMSG && p && p->len == 8 &&
		       memcmp(p->val, "ia32-msg", 8) == 0,
	       "record: socketcall(sendmsg) the same");
	k = task(SAKER_X32_SYSCALL_BIT | 518, (uint32_t)c, lo(m->mh), 0, 0, 0);
	k.abi = PTR_ABI_X32;
	p = build(t, &k, 8, &e) ? param(&e, "data") : NULL;
	tap_ok(e.hdr.type == SAKER_EV_SENDMSG && p && p->len == 8 &&
		       memcmp(p->val, "ia32-msg", 8) == 0,
	       "record: x32 sendmsg (518) reads the compat msghdr too");

	snprintf(m->path, sizeof(m->path), "/dev/null");
	fd = open(m->path, O_RDONLY | O_CLOEXEC);
	k = task(295 /* openat */, (uint32_t)AT_FDCWD, lo(m->path), O_RDONLY, 0, 0);
	tap_ok(build(t, &k, fd, &e) && e.hdr.type == SAKER_EV_OPENAT &&
		       pnum(&e, "dirfd") == AT_FDCWD && !strcmp(pstr(&e, "name"), "/dev/null") &&
		       pnum(&e, "ino") > 0,
	       "record: i386 openat: dirfd AT_FDCWD from its 32-bit form, name, inode");
	k = task(164, 0xffff, 0xffff, 3, 0, 0);
	tap_ok(build(t, &k, 0, &e) && e.hdr.type == SAKER_EV_SETRESUID &&
		       pnum(&e, "ruid") == 0xffffffffLL && pnum(&e, "suid") == 3,
	       "record: setresuid16(-1, -1, 3)");

	k = task(95 /* fchown16 */, (uint32_t)fd, 0xffff, 0x10007, 0, 0);
	tap_ok(build(t, &k, 0, &e) && e.hdr.type == SAKER_EV_FCHOWN && pnum(&e, "fd") == fd &&
		       pnum(&e, "uid") == 0xffffffffLL && pnum(&e, "gid") == 7,
	       "record: fchown16(fd, -1, 0x10007): the fd as given, uid -1, gid 7");

	snprintf(m->path, sizeof(m->path), "/nonexistent/ptr-ia32");
	snprintf(m->arg, sizeof(m->arg), "ia32-arg");
	m->argv[0] = lo(m->path);
	m->argv[1] = lo(m->arg);
	m->argv[2] = 0;
	k = task(11 /* execve */, lo(m->path), lo(m->argv), 0, 0, 0);
	p = build(t, &k, -ENOENT, &e) ? param(&e, "argv") : NULL;
	snprintf(buf, sizeof(buf), "%s", pstr(&e, "filename"));
	tap_ok(e.hdr.type == SAKER_EV_EXECVE && e.hdr.res == -ENOENT &&
		       !strcmp(buf, "/nonexistent/ptr-ia32") && p &&
		       p->len == sizeof("/nonexistent/ptr-ia32") + sizeof("ia32-arg") &&
		       !memcmp(p->val, "/nonexistent/ptr-ia32\0ia32-arg", p->len),
	       "record: a failed i386 execve: filename and argv through 32-bit pointers");
	test_long_argv(t);
	close(fd);
	close(c);
	close(ls);
	free(t);
}

/* ---- real 32-bit tracees, where the kernel runs them ---- */

static char helpers[4096];

/* Can this kernel run i386 code? (IA-32 emulation can be off, or off at boot.) */
static bool runs_i386(char *why, size_t len)
{
	char path[4200];
	pid_t pid;
	int st;

	pid = fork();
	if (pid == 0) {
		long r;

		__asm__ volatile("int $0x80"
				 : "=a"(r)
				 : "a"(20L)
				 : "memory", "r8", "r9", "r10", "r11");
		_exit(r > 0 ? 0 : 1);
	}
	if (waitpid(pid, &st, 0) != pid || !WIFEXITED(st) || WEXITSTATUS(st)) {
		snprintf(why, len,
			 "int $0x80 faults here: the kernel runs no i386 code "
			 "(IA-32 emulation off)");
		return false;
	}
	snprintf(path, sizeof(path), "%s/ia32_static", helpers);
	if (access(path, X_OK) < 0) {
		snprintf(why, len, "%s not built", path);
		return false;
	}
	return true;
}

struct recs {
	void *r[1024];
	size_t n;
};

static bool find(const struct recs *rs, int type, int nth, struct evt *e)
{
	for (size_t i = 0; i < rs->n; i++) {
		if (evt_decode(e, rs->r[i], SAKER_REC_MAX, NULL, NULL) < 0)
			continue;
		if (e->hdr.type == type && nth-- == 0)
			return true;
	}
	return false;
}

/* A record of type whose "name" is name (the loader's opens come first). */
static bool find_name(const struct recs *rs, int type, const char *name, struct evt *e)
{
	for (int i = 0; find(rs, type, i, e); i++) {
		const char *s = evt_param_str(e, evt_param_index(type, "name"));

		if (s && !strcmp(s, name))
			return true;
	}
	return false;
}

static int run_traced(char **argv, struct recs *rs)
{
	struct src_config cfg = { .driver = "ptrace", .argv = argv };
	struct source *s = NULL;
	const void *rec;
	char err[512];
	int k, st = -1;

	if (src_open(&cfg, &s, err, sizeof(err)) < 0) {
		tap_diag("src_open: %s", err);
		return -1;
	}
	for (int i = 0; i < 1000; i++) {
		struct saker_rec_hdr h;

		k = src_next(s, 100, &rec);
		if (k < 0 || k == SRC_EOF)
			break;
		if (k != SRC_RECORD)
			continue;
		memcpy(&h, rec, sizeof(h));
		if (rs->n < 1024 && (rs->r[rs->n] = malloc(h.len)))
			memcpy(rs->r[rs->n++], rec, h.len);
	}
	src_ptrace_exit_status(s, &st);
	src_close(s);
	return st;
}

static void recs_free(struct recs *rs)
{
	for (size_t i = 0; i < rs->n; i++)
		free(rs->r[i]);
	rs->n = 0;
}

static void test_live(void)
{
	char why[4400], prog[4200], file[] = "/tmp/ptr-ia32-XXXXXX", port[16];
	struct sockaddr_in sa = { .sin_family = AF_INET,
				  .sin_addr.s_addr = htonl(INADDR_LOOPBACK) };
	socklen_t sl = sizeof(sa);
	struct recs rs = { 0 };
	struct evt e;
	int ls, fd, st;

	if (!runs_i386(why, sizeof(why))) {
		tap_skip(10, "%s", why);
		return;
	}
	fd = mkstemp(file);
	ls = socket(AF_INET, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (fd < 0 || ls < 0 || bind(ls, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(ls, 8) < 0 || getsockname(ls, (struct sockaddr *)&sa, &sl) < 0) {
		tap_skip(10, "setup: %s", strerror(errno));
		return;
	}
	close(fd);
	snprintf(port, sizeof(port), "%u", ntohs(sa.sin_port));
	snprintf(prog, sizeof(prog), "%s/ia32_int80", helpers);
	{
		char *argv[] = { prog, file, port, "/bin/true", NULL };

		st = run_traced(argv, &rs);
	}
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "int80: the program ran under trace (%#x)",
	       st);
	tap_ok(find_name(&rs, SAKER_EV_OPEN, file, &e) && e.hdr.res >= 0 &&
		       find_name(&rs, SAKER_EV_OPENAT, file, &e) && e.hdr.res >= 0 &&
		       pnum(&e, "dirfd") == AT_FDCWD,
	       "int80: open and openat of the file");
	tap_ok(find(&rs, SAKER_EV_CONNECT, 0, &e) && e.hdr.res == 0 &&
		       find(&rs, SAKER_EV_CONNECT, 1, &e) && e.hdr.res == 0 &&
		       find(&rs, SAKER_EV_SOCKET, 1, &e) && pnum(&e, "domain") == AF_INET,
	       "int80: two sockets and connects (socketcall and direct)");
	tap_ok(find(&rs, SAKER_EV_SETRESUID, 0, &e) && pnum(&e, "ruid") == 0xffffffffLL,
	       "int80: setresuid16(-1, ...)");
	tap_ok(find(&rs, SAKER_EV_FCHOWN, 0, &e) && pnum(&e, "uid") == 0xffffffffLL &&
		       pnum(&e, "gid") == 0xffffffffLL && pnum(&e, "fd") >= 0,
	       "int80: fchown16(fd, -1, -1): the fd as given, both ids -1");
	tap_ok(find(&rs, SAKER_EV_SENDMSG, 0, &e) && e.hdr.res == 8 && param(&e, "data") &&
		       !memcmp(param(&e, "data")->val, "ia32-msg", 8),
	       "int80: socketcall(sendmsg) with its data");
	tap_ok(find(&rs, SAKER_EV_EXECVE, 1, &e) && e.hdr.res == -ENOENT &&
		       find(&rs, SAKER_EV_EXECVE, 2, &e) && e.hdr.res == 0 &&
		       !strcmp(pstr(&e, "exepath"), "/usr/bin/true"),
	       "int80: the failed and the real execve");
	recs_free(&rs);
	snprintf(prog, sizeof(prog), "%s/ia32_static", helpers);
	{
		char *argv[] = { prog, file, port, "/bin/true", "from-i386", NULL };

		st = run_traced(argv, &rs);
	}
	tap_ok(WIFEXITED(st) && WEXITSTATUS(st) == 0, "i386 binary: ran under trace (%#x)", st);
	tap_ok(find_name(&rs, SAKER_EV_OPEN, file, &e) && e.hdr.res >= 0 &&
		       find(&rs, SAKER_EV_CONNECT, 0, &e) && e.hdr.res == 0 &&
		       find(&rs, SAKER_EV_CONNECT, 1, &e) && e.hdr.res == 0,
	       "i386 binary: open, socketcall connect and direct connect");
	tap_ok(find(&rs, SAKER_EV_EXECVE, 1, &e) && e.hdr.res == 0 &&
		       !strcmp(pstr(&e, "exepath"), "/usr/bin/true"),
	       "i386 binary: its execve of /bin/true");
	recs_free(&rs);
	unlink(file);
	close(ls);
}

int main(void)
{
	struct low *m = mmap(NULL, sizeof(struct low), PROT_READ | PROT_WRITE,
			     MAP_PRIVATE | MAP_ANONYMOUS | MAP_32BIT, -1, 0);
	char self[4096];
	ssize_t n = readlink("/proc/self/exe", self, sizeof(self) - 1);

	if (n > 0) {
		self[n] = '\0';
		snprintf(helpers, sizeof(helpers), "%s/../helpers", dirname(self));
	}
	ptr_abi_init(); /* what ptr_tracer_new does: ptr_abi_entry needs the tables */
	test_filter();
	test_mapping();
	if (m == MAP_FAILED) {
		tap_skip(21, "no memory below 4 GiB (MAP_32BIT)");
	} else {
		test_entry(m);
		test_records(m);
	}
	test_live();
	return tap_done();
}
