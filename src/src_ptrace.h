/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The ptrace source: the tracer of drivers/ptrace behind the source
 * interface. Launch mode (cfg->argv) starts the command on the first
 * src_next(), after src_set_interest() shaped its seccomp filter; attach
 * mode (cfg->pids) seizes the processes at open and hands out a
 * proc_snapshot per thread, then SRC_SNAPSHOT_END.
 *
 * The source must be used from one thread (ptrace ties tracees to the
 * thread that attached). src_next()'s timeout is a POSIX timer aimed at that
 * thread with signal SIGRTMIN+4, whose handler the source installs (no
 * SA_RESTART); the program must not use that signal for anything else.
 */
#ifndef SAKER_SRC_PTRACE_H
#define SAKER_SRC_PTRACE_H

#include "../drivers/ptrace/ptrace.h"
#include "source.h"

int src_ptrace_open(const struct src_config *cfg, struct source **ret, char *err, size_t errlen);

/*
 * Launch mode, after SRC_EOF: the command's wait status (as waitpid gives
 * it). -EAGAIN while it runs, -EINVAL for another source.
 */
int src_ptrace_exit_status(struct source *s, int *ret_status);
/* Launch mode: the calls the filter stops for the interest set (-EINVAL otherwise). */
int src_ptrace_describe_filter(struct source *s, char *buf, size_t len);

/* The exit code a strace-like front end should exit with: status, or 128 + signal. */
int src_ptrace_exit_code(int status);

/* Launch mode: forward a signal (SIGTERM, SIGINT) to the command. */
int src_ptrace_kill(struct source *s, int sig);

/* Tracer counters: stops, syscall stops, signals re-injected, ... */
int src_ptrace_counters(struct source *s, struct ptr_counters *ret);

#endif /* SAKER_SRC_PTRACE_H */
