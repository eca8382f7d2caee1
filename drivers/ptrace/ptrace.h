/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ptrace tracer: launches a command or attaches to processes, stops them
 * on the system calls of interest (seccomp RET_TRACE in launch mode, syscall
 * stops in attach mode) and turns each call into one record in the shared
 * ABI format, built at syscall exit. Records go to an emit callback; the
 * tracer never logs. All ptrace requests come from the thread that created
 * the tracer (the kernel ties tracees to that thread).
 */
#ifndef SAKER_PTRACE_H
#define SAKER_PTRACE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>
#include <sys/types.h>

#include "saker_abi.h"

struct ptr_tracer;

struct ptr_config {
	char *const *argv; /* launch mode: command and arguments, NULL-terminated */
	const pid_t *pids; /* attach mode: processes to seize with all their threads */
	size_t npids;
	bool no_syscall_info; /* use PTRACE_GETREGS even where GET_SYSCALL_INFO works */
};

/* Called for every record built; rec is valid during the call only. */
typedef int (*ptr_emit_fn)(void *ctx, const void *rec, size_t len);

struct ptr_counters {
	uint64_t stops; /* every ptrace stop the tracer handled */
	uint64_t syscall_stops; /* seccomp and syscall-entry/exit stops */
	uint64_t records; /* records built and emitted */
	uint64_t foreign_abi; /* i386/x32 system calls stopped on */
	uint64_t signals; /* signals re-injected into tracees */
	uint64_t lost; /* records that could not be built (see drops) */
	uint64_t drops[SAKER_DROP_MAX];
	uint64_t tasks; /* threads currently traced */
	uint64_t fd_checks; /* launch: fds checked against /proc before a record */
	uint64_t fd_snapshots; /* launch: FD_SNAPSHOT records emitted to resynchronise */
	uint64_t verdicts; /* launch: calls the gate was asked about at entry */
	uint64_t exits_skipped; /* launch: of those, calls no rule could match: no exit stop */
	uint64_t parked; /* launch: entries held stopped until earlier records were consumed */
	bool syscall_info; /* PTRACE_GET_SYSCALL_INFO in use */
};

/*
 * Create the tracer. Attach mode seizes every thread of every pid now;
 * launch mode starts nothing until ptr_tracer_start(). err says what failed.
 */
int ptr_tracer_new(const struct ptr_config *cfg, ptr_emit_fn emit, void *ctx,
		   struct ptr_tracer **ret, char *err, size_t errlen);

/*
 * Event types wanted (bitmap indexed by enum saker_event_type, NULL = all).
 * Events with SAKER_EF_STATE are always produced. Before launch this shapes
 * the seccomp filter; afterwards (and always in attach mode) records of
 * other types are simply not built.
 */
int ptr_tracer_set_interest(struct ptr_tracer *t, const uint8_t *bits);

/*
 * A verdict at a call's entry (launch mode; verdict.c): fn(ud, rec, len)
 * gets the call's record as built at its entry (res -EINPROGRESS, what
 * the driver reads through the result absent) and returns false when no
 * rule could match it whatever the result: the call then runs on without
 * an exit stop and without a record. Asked only for calls a rule names
 * whose record is complete at entry and that change nothing the state
 * cannot read back later, and only once every record emitted before has
 * been consumed (the tracee waits in its stop until then). NULL: never.
 */
typedef bool (*ptr_gate_fn)(void *ud, const void *rec, size_t len);
void ptr_tracer_set_gate(struct ptr_tracer *t, ptr_gate_fn fn, void *ud);

/* Launch mode: fork, seize, install the filter, exec. No-op in attach mode. */
int ptr_tracer_start(struct ptr_tracer *t, char *err, size_t errlen);

/*
 * Handle stops until at least one record was emitted, timeout_ms passed
 * (< 0: no limit) or nothing is traced any more. Returns 1 if records were
 * emitted, 0 on timeout, -ECHILD when no tracee is left, other -errno.
 */
int ptr_tracer_run(struct ptr_tracer *t, int timeout_ms);

/*
 * Launch mode: the calls the seccomp filter stops for the interest set, as
 * "N x86-64 calls: name(nr) ..." (attach mode: every call, and buf says so).
 */
void ptr_tracer_describe_filter(const struct ptr_tracer *t, char *buf, size_t len);

/* Launch mode: wait status of the launched command, -EAGAIN until it ended. */
int ptr_tracer_exit_status(const struct ptr_tracer *t, int *ret_status);

/* Launch mode: the errno that made the command's execve fail (0 if none). */
int ptr_tracer_exec_error(struct ptr_tracer *t);

/* Launch mode: send sig to the launched command (how a daemon forwards SIGTERM). */
int ptr_tracer_kill(struct ptr_tracer *t, int sig);

void ptr_tracer_counters(const struct ptr_tracer *t, struct ptr_counters *ret);

/*
 * Attach mode: detach from every tracee, leaving it running (a signal it was
 * about to receive is delivered). Launch mode: SIGKILL the traced tree and
 * reap it (its seccomp filter would fail every traced call without us).
 * Accepts NULL.
 */
void ptr_tracer_free(struct ptr_tracer *t);

#endif /* SAKER_PTRACE_H */
