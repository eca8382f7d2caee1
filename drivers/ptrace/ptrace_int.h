/* SPDX-License-Identifier: GPL-2.0-only */
/* Internals shared by the tracer's files; not for use outside drivers/ptrace. */
#ifndef SAKER_PTRACE_INT_H
#define SAKER_PTRACE_INT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <signal.h>
#include <time.h>
#include <sys/types.h>

#include "event.h"
#include "ptrace.h"
#include "recbuild.h"
#include "source.h"

/* The ABIs a syscall can arrive through on x86_64. */
enum ptr_abi {
	PTR_ABI_X86_64 = 0,
	PTR_ABI_X32,
	PTR_ABI_I386,
	PTR_ABI_OTHER,
};

/* Syscall numbers below this are mapped; above, none is of interest. */
#define PTR_NR_BITS 1024

/* A call that stops only when its fd argument arg is 0, 1 or 2 (ptr_stdfd_arg). */
struct ptr_stdcall {
	uint16_t nr;
	uint8_t arg;
};
#define PTR_STDCALLS_MAX 4

/*
 * The calls the filter stops, per ABI (x32: the number without its bit),
 * and those that stop only on a standard fd (x32 stops them always).
 */
struct ptr_sysset {
	uint8_t x64[PTR_NR_BITS / 8];
	uint8_t x32[PTR_NR_BITS / 8];
	uint8_t i386[PTR_NR_BITS / 8];
	struct ptr_stdcall x64_std[PTR_STDCALLS_MAX], i386_std[PTR_STDCALLS_MAX];
	unsigned nx64_std, ni386_std;
};

/* One traced thread. */
struct ptr_task {
	struct ptr_task *next; /* hash chain */
	pid_t tid;
	pid_t tgid;
	bool in_syscall; /* between an entry (seccomp or syscall-enter) and its exit */
	bool started; /* its first stop (attach or auto-attach) was seen */
	bool listening; /* in a group-stop, resumed with PTRACE_LISTEN */
	bool attached; /* seized by us (attach mode, launch root), not auto-attached */
	bool clone_known; /* the creator's fork/clone event told us type and flags */
	int clone_type;
	uint64_t clone_flags;
	pid_t creator; /* with clone_known: the thread whose event announced this one */
	enum ptr_abi abi;
	int type; /* event type of the syscall in progress, -1 if none */
	uint64_t nr;
	uint64_t args[6];
	char *exec_filename; /* execve/execveat: the path, read at entry */
	/*
	 * The process block as last read (exec, first sight) and kept current
	 * by the traced syscalls; NULL when something changed it that the
	 * tracer does not follow. Clone records start from the creator's.
	 */
	struct ptr_facts *facts;
	bool new_pidns; /* unshare/setns ran here: children's ns ids differ */
	struct ptr_fdtab *fdt; /* fdsync.c: what the state was told of its fds; NULL unknown */
};

#define PTR_HASH_SIZE 1024

struct ptr_tracer {
	bool launch;
	bool started;
	bool syscall_info; /* PTRACE_GET_SYSCALL_INFO works */
	bool detaching;
	int exec_errno; /* launch: why the command could not be executed */
	int errpipe; /* launch: the child writes the exec errno here */
	timer_t timer; /* interrupts a blocking wait at the timeout */
	bool have_timer;
	char *const *argv;
	pid_t root; /* launch mode: the command */
	int root_status;
	bool root_done;
	bool fdsync; /* launch mode: fd-table-only calls run free (fdsync.c) */
	bool root_known; /* the state has been told of the command's process */
	uint8_t want[SRC_INTEREST_BYTES]; /* records to build */
	/* sock.c: the pidfd of the last process whose socket was borrowed (-1: none). */
	int pidfd;
	pid_t pidfd_tgid;
	struct ptr_sysset sys_want; /* syscall numbers that stop, per ABI (filter) */
	ptr_emit_fn emit;
	void *ctx;
	unsigned emitted; /* records emitted during the current run */
	ptr_gate_fn gate; /* verdict.c */
	void *gate_ud;
	pid_t parked; /* the task left in its entry stop until the queue is consumed, 0 if none */
	struct ptr_counters c;
	struct ptr_task *tasks[PTR_HASH_SIZE];
	uint8_t rec[SAKER_REC_MAX]; /* scratch for the record being built */
};

/* tasks.c */
struct ptr_task *ptr_task_find(struct ptr_tracer *t, pid_t tid);
struct ptr_task *ptr_task_add(struct ptr_tracer *t, pid_t tid, pid_t tgid);
void ptr_task_del(struct ptr_tracer *t, pid_t tid);
void ptr_task_reset(struct ptr_task *k);
pid_t ptr_proc_tgid(pid_t tid);
pid_t ptr_proc_ppid(pid_t tid);

/* policy.c: the one decision of which calls stop in launch mode. */
bool ptr_fdtable_only(int type);
bool ptr_traced(const uint8_t *want, int type);
/* The fd argument of a call that also stops when it targets 0-2, or -1. */
int ptr_stdfd_arg(int type);
/* Does k's call stop (and get a record) only because it targets fd 0, 1 or 2? */
bool ptr_stdfd_call(const uint8_t *want, const struct ptr_task *k, int type);
/* fdsync.c: the state's fd tables kept right without the calls that do not stop. */
struct ptr_fdtab;
void ptr_fdtab_put(struct ptr_fdtab *d);
/* child's table from creator's, as the state makes it (call before its first clone record). */
void ptr_fdsync_clone(struct ptr_tracer *t, struct ptr_task *child, struct ptr_task *creator,
		      uint64_t flags);
/* At the entry stop of a call whose record will be built: the fds it names. */
void ptr_fdsync_entry(struct ptr_tracer *t, struct ptr_task *k);
/* After its record: what it changed (newfd: the open family's stat of the new fd). */
struct stat;
void ptr_fdsync_exit(struct ptr_tracer *t, struct ptr_task *k, int64_t res,
		     const struct stat *newfd);
/* At a successful exec, before its record: the new image's table. */
void ptr_fdsync_exec(struct ptr_tracer *t, struct ptr_task *k);

/* stops.c: does a finished call of this type leave the cached process block true? */
bool ptr_keeps_facts(int type);

/*
 * verdict.c: at a launch-mode entry whose record is being kept, ask the
 * gate whether the exit is needed; true when it was decided now (k is
 * reset when no rule could match), false when k was parked instead.
 */
bool ptr_verdict(struct ptr_tracer *t, struct ptr_task *k);
/* Decide for the parked task, if any, and resume it: first thing in a run. */
void ptr_verdict_unpark(struct ptr_tracer *t);

/* filter.c: seccomp filter of the syscalls in the set; run in the child. */
int ptr_filter_install(const struct ptr_sysset *set);
/* The program alone (static storage, valid until the next call): length or -errno. */
struct sock_filter;
int ptr_filter_build(const struct ptr_sysset *set, struct sock_filter **ret_prog);

/* abi.c: i386/x32/x86-64 numbers -> event types (drivers/common/saker_ia32.h). */
/* Build the tables (once; ptr_tracer_new does it): before ptr_abi_entry. */
void ptr_abi_init(void);
void ptr_filter_syscalls(const uint8_t *want, struct ptr_sysset *ret);
void ptr_filter_describe(const struct ptr_sysset *set, char *buf, size_t len);
int ptr_abi_event(enum ptr_abi abi, uint64_t nr);
/*
 * At entry: the event type of k's call, k->args rewritten in x86-64 order and
 * meaning. Called at every stop, so it leaves the tables to ptr_abi_init.
 */
int ptr_abi_entry(struct ptr_task *k);
/* Pointers inside user structures are 32 bits wide (i386, x32). */
bool ptr_abi_compat(enum ptr_abi abi);

/* regs.c: the syscall in progress, and tracee memory. */
struct ptr_sysinfo {
	int op; /* PTRACE_SYSCALL_INFO_* */
	enum ptr_abi abi;
	uint64_t nr;
	uint64_t args[6];
	int64_t rval;
};
int ptr_sysinfo_get(struct ptr_tracer *t, struct ptr_task *k, int hint, struct ptr_sysinfo *ret);
/* Read a NUL-terminated string of at most max bytes (NUL included). */
ssize_t ptr_mem_str(pid_t tid, uint64_t addr, char *buf, size_t max, bool *ret_cut);
ssize_t ptr_mem_read(pid_t tid, uint64_t addr, void *buf, size_t len);
/* The same through a one-page window (init: { .tid = TID }): one read per page. */
struct ptr_memwin {
	pid_t tid;
	uint64_t base;
	size_t len;
	uint8_t buf[4096];
};
ssize_t ptr_win_read(struct ptr_memwin *w, uint64_t addr, void *dst, size_t len);
ssize_t ptr_win_str(struct ptr_memwin *w, uint64_t addr, char *buf, size_t max, bool *ret_cut);

/* procinfo.c: the process block of tid, from /proc. */
struct ptr_procblock {
	const char *filename; /* NULL: argv[0] */
	const char *argv; /* NULL: /proc/PID/cmdline */
	size_t argv_len;
	bool argv_cut;
};
uint32_t ptr_proc_block(struct rec_builder *b, pid_t tid, pid_t tgid,
			const struct ptr_procblock *pb);
/* The same facts, kept per task so clone records need no full /proc read. */
struct ptr_facts;
struct ptr_facts *ptr_facts_read(pid_t tid, pid_t tgid);
struct ptr_facts *ptr_facts_clone(const struct ptr_facts *from);
void ptr_facts_restat(struct ptr_facts *f, pid_t tid, pid_t tgid);
bool ptr_facts_root_ns(const struct ptr_facts *f);
uint32_t ptr_facts_put(struct rec_builder *b, const struct ptr_facts *f, pid_t tid, pid_t tgid,
		       const struct ptr_procblock *pb);
void ptr_facts_free(struct ptr_facts *f);
uint32_t ptr_kdev(dev_t d);

/* sock.c: the tuple of a tracee's socket fd, by borrowing the fd. */
void ptr_sock_tuple(struct ptr_tracer *t, struct rec_builder *b, pid_t tgid, int64_t fd);
void ptr_sock_fini(struct ptr_tracer *t);
void ptr_sockaddr(struct rec_builder *b, pid_t tid, uint64_t addr, uint64_t len);

/* decode.c: build the record of a finished syscall; returns length or -errno. */
int ptr_decode_exit(struct ptr_tracer *t, struct ptr_task *k, int64_t res, uint64_t ts);
/* Can the call's record be built at its entry, but for the result and what comes through it? */
bool ptr_decode_entry_complete(int type);
/* That record, into t->rec (res -EINPROGRESS): its length or -errno. */
int ptr_decode_entry_record(struct ptr_tracer *t, struct ptr_task *k, uint64_t ts);
int ptr_decode_clone_child(struct ptr_tracer *t, struct ptr_task *k, struct ptr_task *creator,
			   int type, uint64_t flags, uint64_t ts);
uint64_t ptr_clone_flags(const struct ptr_task *k);
/* procrec.c: process records into t->rec; return the length or -errno. */
int ptr_build_exec(struct ptr_tracer *t, struct ptr_task *k, int64_t res, uint64_t ts);
int ptr_build_clone(struct ptr_tracer *t, struct ptr_task *k, int type, uint64_t flags, int64_t res,
		    uint64_t ts);
/* Forget the facts of every thread of tgid: something the tracer does not model changed. */
void ptr_facts_forget(struct ptr_tracer *t, pid_t tgid);
bool ptr_decode_known(int type);
int ptr_decode_procexit(struct ptr_tracer *t, pid_t tid, pid_t tgid, int status, uint64_t ts);
int ptr_decode_snapshot(struct ptr_tracer *t, pid_t tid, pid_t tgid, uint64_t ts);
void ptr_decode_entry(struct ptr_tracer *t, struct ptr_task *k);

/* wait.c: the wait loop's timer. */
int ptr_wait_init(struct ptr_tracer *t);
void ptr_wait_fini(struct ptr_tracer *t);
void ptr_wait_child_reset(void);

/* stops.c: one wait status. */
void ptr_handle(struct ptr_tracer *t, pid_t pid, int status);
void ptr_resume(struct ptr_tracer *t, struct ptr_task *k, int sig);

/* Hand a built record (t->rec, len bytes or -errno) to the consumer. */
int ptr_emit(struct ptr_tracer *t, int len);
int ptr_emit_rec(struct ptr_tracer *t, const void *rec, int len);
/* The existing fds a call's record names (FD parameters from arguments); count. */
unsigned ptr_decode_fdargs(const struct ptr_task *k, int64_t *ret, unsigned max);

static inline bool ptr_wants(const struct ptr_tracer *t, int type)
{
	return type >= 0 && type < SAKER_EV_MAX && ((t->want[type / 8] >> (type % 8)) & 1);
}

#endif /* SAKER_PTRACE_INT_H */
