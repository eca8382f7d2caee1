/* SPDX-License-Identifier: GPL-2.0-only */
/* Synthetic records for the state tests, built with the real record builder. */
#ifndef SAKER_STATE_TESTLIB_H
#define SAKER_STATE_TESTLIB_H

#include "recbuild.h"
#include "state.h"

/* A process block; zero fields are sent as given, NULL strings as absent. */
struct tl_proc {
	uint32_t tid, pid, ptid, pgid, sid, vtid, vpid, vpgid;
	const char *filename, *comm, *exepath, *cwd;
	const char *argv; /* NUL-separated, argv_len bytes */
	size_t argv_len;
	const char *cgroups;
	size_t cgroups_len;
	const char *env;
	size_t env_len;
	uint32_t tty, loginuid, uid, gid, euid, egid;
	uint64_t cap_inh, cap_prm, cap_eff;
	uint64_t exe_ino, exe_ctime, exe_mtime, start_ts;
	uint64_t flags; /* clone or exe flags, for events that carry them */
};

/* Start a record of type in the library's buffer. */
struct rec_builder *tl_begin(uint16_t type, uint32_t tid, uint32_t pid, int64_t res);
/* Append a process block (and the flags parameter when the type has one). */
void tl_block(struct rec_builder *b, const struct tl_proc *p);
/* Finish, decode and state_apply (no commit). Returns state_apply's result. */
int tl_apply(struct state *st, struct rec_builder *b, struct state_evctx *ctx);
/* Same, then state_commit. */
int tl_apply_commit(struct state *st, struct rec_builder *b);

/* Shortcuts: a snapshot of a single-threaded process; a clone pair; an execve. */
void tl_snapshot(struct state *st, uint32_t pid, uint32_t ppid, const char *comm,
		 const char *exepath, const char *cwd);
void tl_fork(struct state *st, uint32_t parent, uint32_t child, uint64_t flags, bool child_first);
void tl_execve(struct state *st, uint32_t tid, uint32_t pid, const char *comm, const char *exepath,
	       const char *argv, size_t argv_len, uint64_t exe_flags);
void tl_exit(struct state *st, uint32_t tid, uint32_t pid, uint32_t reaper);

#endif /* SAKER_STATE_TESTLIB_H */
