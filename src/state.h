/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * System state: threads, processes, their fd tables, users and container
 * ids, seeded from /proc (procscan records) and kept current by the event
 * stream. Everything a proc.* thread.* fd.* user.* group.* container.*
 * field needs is a field read or a cheap call here.
 *
 * Per event, the daemon calls:
 *
 *	state_apply(st, e, &ctx);   state as updated by e (Falco's view)
 *	... rules evaluate, reading ctx.thread, ctx.fd ...
 *	state_commit(st);           removals e caused (procexit, close)
 *
 * so a rule firing on procexit or close still sees the entry. Pointers
 * returned by any call stay valid until the next state_apply(),
 * state_commit() or lookup that may evict (state_thread_get with lookup).
 * Single-threaded: the caller serialises all calls.
 *
 * Fields, with t = ctx.thread, p = t->proc, fd = ctx.fd:
 *   proc.name t->comm; proc.exe p->exe; proc.exepath p->exepath;
 *   proc.args/cmdline state_proc_args/cmdline(); proc.env[X] state_proc_getenv();
 *   proc.cwd p->cwd; proc.pid/ppid/sid/vpid p->...; proc.tid/vtid t->...;
 *   proc.pname/pexe/pexepath/pcmdline/aname[N]/aexe[N]: state_proc_ancestor(st, p, N);
 *   proc.sname state_proc_session_leader(); proc.is_vpgid_leader p->vpid == p->vpgid;
 *   proc.tty p->tty; proc.duration e->ts - p->start_ts;
 *   proc.is_exe_from_memfd/is_exe_upper_layer/is_exe_writable p->exe_flags & SAKER_EXE_*;
 *   proc.exe_ino[.ctime/.mtime] p->exe_ino/exe_ctime/exe_mtime;
 *   thread.cap_* t->cap_*; user.uid p->uid (euid: p->euid); user.loginuid p->loginuid;
 *   user.name/loginname state_user_name(st, p, p->uid / p->loginuid);
 *   group.gid/name p->gid, state_group_name(); container.id p->container_id;
 *   fd.num ctx.fdnum; fd.name/nameraw fd->name/nameraw; fd.type/typechar
 *   state_fd_typename/typechar(); fd.directory/filename state_fd_directory/filename();
 *   fd.name_changed ctx.fd_name_changed; fd.connected fd->sock->connected;
 *   fd.l4proto/sockfamily fd->sock->l4proto/family; fd.lip/rip/lport/rport
 *   fd->sock->laddr/raddr/lport/rport; fd.sip/cip/sport/cport state_sock_ends().
 */
#ifndef SAKER_STATE_H
#define SAKER_STATE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"
#include "state_str.h"

struct state;

struct state_limits {
	uint32_t max_threads; /* 0: STATE_DEF_MAX_THREADS */
	uint32_t max_procs; /* 0: STATE_DEF_MAX_PROCS */
	uint32_t max_fds; /* per fd table; 0: STATE_DEF_MAX_FDS */
	uint32_t max_users; /* users/groups cache entries; 0: default */
	uint32_t lookups_per_sec; /* /proc look-ups of unknown threads; 0: default */
	bool no_lookups; /* never read /proc on demand (replay) */
	const char *procroot; /* NULL: "/proc" */
};

#define STATE_DEF_MAX_THREADS 262144u
#define STATE_DEF_MAX_PROCS 131072u
#define STATE_DEF_MAX_FDS 4096u
#define STATE_DEF_MAX_USERS 4096u
#define STATE_DEF_LOOKUPS_PER_SEC 200u
#define STATE_MIN_ENTRIES 16u /* smaller limits are raised to this */

struct state_stats {
	uint64_t threads, procs, fdtables, fds, strings, string_bytes;
	uint64_t users_cached;
	uint64_t threads_evicted; /* LRU evictions at the thread limit */
	uint64_t procs_evicted; /* LRU evictions at the process limit */
	uint64_t fds_refused; /* new fds dropped at the per-table limit */
	uint64_t lookups; /* /proc look-ups attempted */
	uint64_t lookups_failed; /* no such thread, or unreadable */
	uint64_t lookups_refused; /* over the rate limit, or disabled */
	uint64_t events; /* events given to state_apply */
	uint64_t events_failed; /* syscalls that failed: no state change */
	uint64_t unknown_threads; /* events whose thread stayed unknown */
	uint64_t unknown_fds; /* fd named by an event not in the table */
	uint64_t stale_threads; /* tid seen in another process: a missed exit */
	uint64_t nomem; /* updates lost to allocation failure */
	uint64_t users_failed; /* user/group ids with no name */
	uint64_t users_evicted;
};

/* Socket facts. Addresses in network order; IPv4 in the first 4 bytes. */
enum state_role { STATE_ROLE_NONE = 0, STATE_ROLE_CLIENT, STATE_ROLE_SERVER };

struct state_sock {
	uint8_t family; /* AF_INET, AF_INET6, AF_UNIX, AF_NETLINK, ...; 0 unknown */
	uint8_t l4proto; /* IPPROTO_TCP, IPPROTO_UDP, IPPROTO_ICMP, IPPROTO_RAW; 0 unknown */
	uint8_t role; /* enum state_role */
	uint8_t socktype; /* SOCK_STREAM, SOCK_DGRAM, ... */
	bool connected; /* connect/accept succeeded (fd.connected) */
	uint16_t lport, rport; /* host order */
	uint8_t laddr[16], raddr[16];
	uint64_t un_local, un_peer; /* unix socket kernel addresses */
};

struct state_fd {
	int64_t num;
	uint8_t kind; /* enum saker_fd_kind */
	uint32_t flags; /* O_* it was opened with (O_CLOEXEC tracked) */
	uint32_t dev;
	uint32_t ref; /* private: fd tables holding this entry (shared after a fork) */
	uint64_t ino;
	/*
	 * name: files: absolute, normalised; sockets: "cip:cport->sip:sport"
	 * (IPv6 without brackets) or the unix path; pipes "pipe:[ino]";
	 * memfds "memfd:NAME"; others "anon_inode:[eventfd]" and so on.
	 * nameraw: the path as the syscall gave it (files), else as name.
	 */
	struct state_str *name;
	struct state_str *nameraw;
	struct state_sock *sock; /* sockets only */
};

struct state_fdtable; /* shared by threads (and by CLONE_FILES processes) */

#define STATE_COMM_LEN 16

struct state_proc {
	uint32_t pid, ppid, sid, pgid; /* root pid namespace */
	uint32_t vpid, vpgid; /* in the process's pid namespace; 0 unknown */
	uint32_t pidns_level;
	uint32_t uid, gid, euid, egid, suid, sgid;
	uint32_t loginuid; /* UINT32_MAX when unset */
	uint32_t tty; /* kernel dev_t of the controlling tty, 0 if none */
	uint32_t exe_flags; /* SAKER_EXE_* */
	uint32_t nthreads;
	uint32_t fs_group; /* CLONE_FS sharers have the same non-zero value */
	uint64_t exe_ino, exe_ctime, exe_mtime; /* ns since the epoch */
	uint64_t start_ts; /* ns since the epoch */
	char comm[STATE_COMM_LEN]; /* the leader thread's */
	struct state_str *exe; /* argv[0] (proc.exe) */
	struct state_str *exepath; /* kernel-resolved; memfds as "memfd:NAME" */
	struct state_str *args; /* argv[1..], NUL-separated (len 0: none) */
	struct state_str *env; /* NUL-separated */
	struct state_str *cwd; /* absolute, ends without '/' unless "/" */
	struct state_str *cgroups; /* "subsys=path", NUL-separated */
	struct state_str *container_id; /* "host", or the id (container.id) */
	struct state_fdtable *fdt;
	/* private to the state module */
	struct state_proc *lru_prev, *lru_next;
	struct state_proc *sib_prev, *sib_next; /* children of ppid */
	struct state_thread *threads;
};

struct state_thread {
	uint32_t tid, vtid;
	char comm[STATE_COMM_LEN];
	uint64_t cap_inheritable, cap_permitted, cap_effective;
	struct state_proc *proc; /* never NULL */
	/* private to the state module */
	struct state_thread *lru_prev, *lru_next;
	struct state_thread *next_in_proc, *prev_in_proc;
};

/* What state_apply() found for an event; valid until the next call. */
struct state_evctx {
	struct state_thread *thread; /* NULL: unknown and not looked up */
	struct state_fd *fd; /* the fd the event is about, or NULL */
	int64_t fdnum; /* its number, -1 if none */
	bool fd_name_changed; /* the event gave the fd a new name */
	bool thread_created; /* this event created the thread */
};

struct state *state_new(const struct state_limits *lim);
void state_free(struct state *st);

/*
 * Apply one decoded event (records of any type; those that do not change
 * state only resolve ctx). Returns 0, or -errno for a record state could
 * not use (malformed process block, -ENOMEM): ctx is still filled as far
 * as possible.
 */
int state_apply(struct state *st, const struct evt *e, struct state_evctx *ret_ctx);
/*
 * The same context for a record built at a call's entry, before its result,
 * without applying it: the thread (read from /proc if unknown, as
 * state_apply() would), the fd an FDARG call names, and for the open
 * family the path it opens, resolved against the cwd and dirfd it finds
 * (in a scratch fd, number -1). -EOPNOTSUPP for types that change the
 * state (but the open family), -ESRCH if the thread cannot be known.
 */
int state_preview(struct state *st, const struct evt *e, struct state_evctx *ret_ctx);
/* Carry out the removals the last state_apply() deferred. */
void state_commit(struct state *st);
/* Decode a raw record and apply and commit it (seeding, snapshots); -EBADMSG if malformed. */
int state_apply_record(struct state *st, const void *rec, size_t len);
/* Seed from procscan of the whole procroot. Returns records applied. */
int state_seed(struct state *st);

/*
 * The thread with this tid. With lookup, an unknown thread is read from
 * /proc with its process and fds (rate-limited, counted; never with
 * lim.no_lookups).
 */
struct state_thread *state_thread_get(struct state *st, uint32_t tid, bool lookup);
struct state_proc *state_proc_get(struct state *st, uint32_t pid);
/* Ancestor n (1 = parent). NULL past the known chain; loops are cut. */
struct state_proc *state_proc_ancestor(struct state *st, const struct state_proc *p, unsigned n);
#define STATE_MAX_ANCESTORS 64u
/* The session leader (proc.sname), or NULL. */
struct state_proc *state_proc_session_leader(struct state *st, const struct state_proc *p);
/* The process group leader in the process's namespace view, or NULL. */
struct state_proc *state_proc_group_leader(struct state *st, const struct state_proc *p);

struct state_fd *state_fd_get(const struct state_proc *p, int64_t fd);
/* Number of fds in the process's table. */
uint32_t state_fd_count(const struct state_proc *p);
/* Iterate fds: for (pos = 0; (fd = state_fd_next(p, &pos));) */
struct state_fd *state_fd_next(const struct state_proc *p, uint32_t *pos);

/* Falco's fd.typechar ('f', '4', ...) and fd.type ("file", "ipv4", ...). */
char state_fd_typechar(const struct state_fd *fd);
const char *state_fd_typename(const struct state_fd *fd);
/* fd.directory / fd.filename of a file fd's name; buf must hold name. */
const char *state_fd_directory(const struct state_fd *fd, char *buf, size_t len);
const char *state_fd_filename(const struct state_fd *fd);

/*
 * The server and client ends of an inet socket (fd.sip/sport, fd.cip/cport),
 * by its role; a socket without one counts as a client, as in Falco.
 * Addresses are 16 bytes (IPv4 in the first 4). False if not inet.
 */
bool state_sock_ends(const struct state_fd *fd, const uint8_t **ret_sip, uint16_t *ret_sport,
		     const uint8_t **ret_cip, uint16_t *ret_cport);

/* proc.args ("a b c"), proc.cmdline ("comm a b c"): written into buf, cut to fit. */
const char *state_proc_args(const struct state_proc *p, char *buf, size_t len);
const char *state_proc_cmdline(const struct state_proc *p, char *buf, size_t len);
/* proc.env[NAME]: the value, or NULL. vlen receives its length. */
const char *state_proc_getenv(const struct state_proc *p, const char *name, size_t *vlen);
/* The process' cgroup path for a subsystem ("memory", "" for v2), or NULL. */
const char *state_proc_cgroup(const struct state_proc *p, const char *subsys, size_t *plen);

/* user.name / group.name of an id as seen by p (its container's databases). */
const char *state_user_name(struct state *st, const struct state_proc *p, uint32_t uid);
const char *state_group_name(struct state *st, const struct state_proc *p, uint32_t gid);

void state_get_stats(const struct state *st, struct state_stats *ret);

/*
 * Told when a process joins (delta +1) or leaves (-1) a container: its
 * container id is set, changed, inherited, or the process is removed (exit
 * or eviction). Never for "host". Runs inside state calls, on their thread.
 */
typedef void (*state_container_fn)(void *arg, const struct state_proc *p,
				   const struct state_str *id, int delta);
void state_set_container_hook(struct state *st, state_container_fn fn, void *arg);

#endif /* SAKER_STATE_H */
