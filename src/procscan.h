/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Reads /proc and describes what it finds as PROC_SNAPSHOT and FD_SNAPSHOT
 * records in the event ABI, so seeding state is applying records and a
 * capture can carry the same records as its snapshot.
 *
 * Per process: one PROC_SNAPSHOT for the leader (hdr.tid = hdr.pid), one
 * per other thread (PROCSCAN_THREADS), then one FD_SNAPSHOT per open fd
 * (PROCSCAN_FDS; hdr.tid = hdr.pid = the process). Record timestamps are
 * CLOCK_BOOTTIME ns, like a driver's. cgroups are "controllers=path"
 * ("unified=path" for cgroup v2, "systemd=path" for name=systemd).
 * Everything read is bounded by the ABI's limits; processes that vanish
 * mid-scan are skipped.
 */
#ifndef SAKER_PROCSCAN_H
#define SAKER_PROCSCAN_H

#include <stddef.h>
#include <stdint.h>

#include "saker_abi.h"

#define PROCSCAN_FDS (1u << 0)
#define PROCSCAN_THREADS (1u << 1)
/* FD_SNAPSHOT records without the open flags (absent): three syscalls less per fd. */
#define PROCSCAN_NO_FDFLAGS (1u << 2)

/* Receives each record; a negative return stops the scan and is returned. */
typedef int (*procscan_emit_fn)(void *opaque, const void *rec, size_t len);

/* Every process under procroot ("/proc"). Returns records emitted or -errno. */
int procscan_all(const char *procroot, unsigned flags, procscan_emit_fn emit, void *opaque);
/*
 * One thread: its process leader's record, the thread's own (if not the
 * leader) and, with PROCSCAN_FDS, the process's fds. -ESRCH if it is gone.
 */
int procscan_thread(const char *procroot, uint32_t tid, unsigned flags, procscan_emit_fn emit,
		    void *opaque);

/*
 * The fds of thread tid's own table (process pid), read through /proc/TID/fd
 * (exact for that thread while it is stopped): the FD_SNAPSHOT of fd alone
 * (none if it is not open) or, fd < 0, of every fd. The records carry
 * hdr.tid = tid, hdr.pid = pid. flags: 0 or PROCSCAN_NO_FDFLAGS. Returns
 * records emitted or -errno.
 */
int procscan_thread_fds(const char *procroot, uint32_t tid, uint32_t pid, int64_t fd,
			unsigned flags, procscan_emit_fn emit, void *opaque);

/* Facts from /proc/PID/status (or /proc/PID/task/TID/status). */
struct procscan_status {
	char name[SAKER_COMM_LEN];
	int64_t tgid, ppid;
	uint32_t uid[4], gid[4]; /* real, effective, saved, filesystem */
	uint64_t cap_inh, cap_prm, cap_eff;
	int64_t vtid, vpid, vpgid; /* the ids in the task's own pid namespace, -1 unknown */
	uint32_t nslevels; /* entries in NSpid: pid namespaces the task is in */
};

/*
 * Parse a status file's text (changed in place) into ret: fields it has no
 * line for are left as they are, so the caller sets its defaults first.
 */
void procscan_parse_status(char *text, struct procscan_status *ret);

#endif /* SAKER_PROCSCAN_H */
