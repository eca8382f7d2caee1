// SPDX-License-Identifier: GPL-2.0-only
/*
 * How the state's fd tables stay right in launch mode without stopping on
 * the calls whose only use is them (policy.c says which calls stop). What
 * those calls change is read from /proc where a stale or missing entry
 * could be observed, while the tracee is stopped (exact for the thread that
 * stopped):
 *
 * - at the entry stop of a call whose record names an existing fd (an FD
 *   parameter taken from an argument: read, connect, fchdir, dirfds...):
 *   one statx of /proc/TID/fd/N against what the driver last told the state
 *   that fd is (the cache below). If it differs or is unknown, an
 *   FD_SNAPSHOT of it goes first (src/procscan_fd.c); if the fd is not open,
 *   an FD_SNAPSHOT with res -EBADF. Both are internal records: no rule
 *   matches them.
 * - before every record of a process whose fd 0, 1 or 2 is closed or not
 *   known: the same look at it (a creator may have taken the lowest fd);
 * - at a successful exec, before its record: the process's table is
 *   replaced by the new image's (an FD_SNAPSHOT with fd SAKER_FD_TABLE, then
 *   one per open fd), so close-on-exec and fds closed or made by untraced
 *   calls are all in the state when the exec record is evaluated.
 *
 * The cache mirrors the state's tables: one per process (its threads share
 * it), shared by a clone with CLONE_FILES, copied by fork, replaced at exec,
 * and filled from the records the driver emits. An entry is the identity
 * of the object the state was told fd N is: device and inode, and for
 * anonymous inodes (eventfd, epoll, timerfd and signalfd share one inode)
 * a hash of the /proc link text as well. Unknown is always safe (it costs
 * a snapshot), so the cache is bounded freely (FDTAB_LOW, FDTAB_HIGH).
 * Attach mode stops on every call and does none of this.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <sched.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/sysmacros.h>
#include <unistd.h>

#include "procscan.h"
#include "ptrace_int.h"
#include "util.h"

/*
 * Fds below FDTAB_LOW have a slot each; higher ones share FDTAB_HIGH slots
 * by fd % FDTAB_HIGH (another fd taking the slot makes it unknown again).
 * So a table is at most about 30 KiB, whatever fds the process uses, and a
 * fork copies no more.
 */
#define FDTAB_LOW 1024u
#define FDTAB_HIGH 256u

enum { FDS_UNKNOWN = 0, FDS_OPEN, FDS_ABSENT };

struct fdent {
	uint64_t ino;
	uint32_t dev; /* the records' encoding (ptr_kdev) */
	uint32_t anon; /* anonymous inodes: hash of the /proc link, else 0 */
	uint32_t fd; /* high slots: the fd it holds */
	uint8_t st;
};

struct ptr_fdtab {
	uint32_t ref;
	uint32_t n; /* low slots allocated */
	struct fdent *e;
	struct fdent *high; /* FDTAB_HIGH slots, or NULL */
};

static struct ptr_fdtab *fdtab_new(void)
{
	struct ptr_fdtab *d = calloc(1, sizeof(*d));

	if (d)
		d->ref = 1;
	return d;
}

void ptr_fdtab_put(struct ptr_fdtab *d)
{
	if (!d || --d->ref > 0)
		return;
	free(d->e);
	free(d->high);
	free(d);
}

/* A copy; what could not be copied (ENOMEM) is unknown, which is safe. */
static struct ptr_fdtab *fdtab_copy(const struct ptr_fdtab *src)
{
	struct ptr_fdtab *d = fdtab_new();

	if (!d)
		return NULL;
	if (src->n && (d->e = malloc(src->n * sizeof(*d->e)))) {
		memcpy(d->e, src->e, src->n * sizeof(*d->e));
		d->n = src->n;
	}
	if (src->high && (d->high = malloc(FDTAB_HIGH * sizeof(*d->high))))
		memcpy(d->high, src->high, FDTAB_HIGH * sizeof(*d->high));
	return d;
}

/* The task's table, made (empty: all unknown) on first need; NULL on ENOMEM. */
static struct ptr_fdtab *fdtab_of(struct ptr_task *k)
{
	if (!k->fdt)
		k->fdt = fdtab_new();
	return k->fdt;
}

/*
 * Slot fd of k's table, grown to reach it (a high slot is taken from the fd
 * it held); NULL on ENOMEM. Pointers into the table last until the next call.
 */
static struct fdent *slot(struct ptr_task *k, int64_t fd)
{
	struct ptr_fdtab *d = fdtab_of(k);
	uint32_t n;
	struct fdent *e;

	if (!d || fd < 0 || fd > INT32_MAX)
		return NULL;
	if (fd >= FDTAB_LOW) {
		if (!d->high && !(d->high = calloc(FDTAB_HIGH, sizeof(*d->high))))
			return NULL;
		e = &d->high[fd % FDTAB_HIGH];
		if (e->fd != (uint32_t)fd)
			*e = (struct fdent){ .fd = (uint32_t)fd };
		return e;
	}
	if ((uint64_t)fd < d->n)
		return &d->e[fd];
	for (n = d->n ? d->n : 16; n <= (uint64_t)fd; n *= 2)
		;
	e = realloc(d->e, n * sizeof(*e));
	if (!e)
		return NULL;
	memset(e + d->n, 0, (n - d->n) * sizeof(*e));
	d->e = e;
	d->n = n;
	return &d->e[fd];
}

static void forget(struct ptr_task *k, int64_t fd)
{
	struct fdent *e = slot(k, fd);

	if (e)
		e->st = FDS_UNKNOWN;
}

/* Every cached fd in [first, last] unknown (close_range: checked again before use). */
static void forget_range(struct ptr_task *k, uint32_t first, uint32_t last)
{
	struct ptr_fdtab *d = k->fdt;

	if (!d)
		return;
	for (uint32_t i = first; i < d->n && i <= last; i++)
		d->e[i].st = FDS_UNKNOWN;
	for (uint32_t i = 0; d->high && i < FDTAB_HIGH; i++)
		if (d->high[i].fd >= first && d->high[i].fd <= last)
			d->high[i].st = FDS_UNKNOWN;
}

void ptr_fdsync_clone(struct ptr_tracer *t, struct ptr_task *child, struct ptr_task *creator,
		      uint64_t flags)
{
	struct ptr_fdtab *d;

	if (!t->fdsync || child->fdt || !creator)
		return;
	d = fdtab_of(creator);
	if (!d)
		return;
	/* As the state: threads share their process's table, CLONE_FILES shares too. */
	if (flags & (CLONE_THREAD | CLONE_FILES)) {
		d->ref++;
		child->fdt = d;
	} else {
		child->fdt = fdtab_copy(d);
	}
}

/* FNV-1a of an anonymous inode's link text, never 0; 0 for any other link. */
static uint32_t anon_hash(const char *link)
{
	uint32_t h = 2166136261u;

	if (strncmp(link, "anon_inode:", 11))
		return 0;
	for (const char *c = link; *c; c++)
		h = (h ^ (uint8_t)*c) * 16777619u;
	return h | 1;
}

static void learn(struct ptr_task *k, int64_t fd, uint32_t dev, uint64_t ino, uint32_t anon)
{
	struct fdent *e = slot(k, fd);

	if (e)
		*e = (struct fdent){
			.ino = ino, .dev = dev, .anon = anon, .fd = (uint32_t)fd, .st = FDS_OPEN
		};
}

/* What the state is told by an FD_SNAPSHOT the driver emits. */
static void learn_snapshot(struct ptr_task *k, const void *rec, size_t len)
{
	uint64_t dev = 0, ino = 0;
	const char *name;
	struct evt e;
	int64_t fd;

	if (evt_decode(&e, rec, len, NULL, NULL) < 0 || !evt_param_s64(&e, 0, &fd))
		return;
	if (fd == SAKER_FD_TABLE) {
		ptr_fdtab_put(k->fdt);
		k->fdt = fdtab_new();
		return;
	}
	if (e.hdr.res < 0) {
		struct fdent *s = slot(k, fd);

		if (s)
			s->st = FDS_ABSENT;
		return;
	}
	name = evt_param_str(&e, 3);
	if (!evt_param_u64(&e, 5, &dev) || !evt_param_u64(&e, 6, &ino)) {
		forget(k, fd);
		return;
	}
	learn(k, fd, (uint32_t)dev, ino, name ? anon_hash(name) : 0);
}

struct snap {
	struct ptr_tracer *t;
	struct ptr_task *k;
};

static int snap_emit(void *opaque, const void *rec, size_t len)
{
	struct snap *s = opaque;
	int r = ptr_emit_rec(s->t, rec, (int)len);

	/* A snapshot the consumer did not take told the state nothing. */
	if (r == 0)
		learn_snapshot(s->k, rec, len);
	s->t->c.fd_snapshots++;
	return r;
}

/* Build and emit a snapshot the driver writes itself: fd SAKER_FD_TABLE, or fd not open. */
static void emit_marker(struct ptr_tracer *t, struct ptr_task *k, int64_t fd, int64_t res)
{
	struct rec_builder b;
	int len;

	rb_begin(&b, t->rec, sizeof(t->rec), SAKER_EV_FD_SNAPSHOT, clock_ns(CLOCK_BOOTTIME),
		 (uint32_t)k->tid, (uint32_t)k->tgid, res);
	rb_num(&b, (uint64_t)fd);
	len = rb_end(&b);
	if (len < 0 || ptr_emit(t, len) < 0)
		return;
	t->c.fd_snapshots++;
	learn_snapshot(k, t->rec, (size_t)len);
}

/* ---- resynchronising ---- */

static uint32_t link_hash(const char *path)
{
	char link[256];
	ssize_t n = readlink(path, link, sizeof(link) - 1);

	if (n < 0)
		return 0;
	link[n] = '\0';
	return anon_hash(link);
}

/*
 * What /proc says fd of k is now (dev, ino, and for an anonymous inode, or
 * when hash_link, the hash of its link): 0, or -errno (-ENOENT: not open).
 * AT_STATX_DONT_SYNC: a network or FUSE file answers from its cache, so a
 * stopped tracee serving a FUSE mount cannot hang the tracer here.
 */
static int fd_identity(const struct ptr_task *k, int64_t fd, bool hash_link, struct fdent *ret)
{
	struct statx sx;
	char path[64];

	snprintf(path, sizeof(path), "/proc/%d/fd/%lld", (int)k->tid, (long long)fd);
	if (fd < 0 || statx(AT_FDCWD, path, AT_STATX_DONT_SYNC, STATX_TYPE | STATX_INO, &sx) < 0)
		return fd < 0 ? -EBADF : -errno;
	ret->dev = ptr_kdev(makedev(sx.stx_dev_major, sx.stx_dev_minor));
	ret->ino = sx.stx_ino;
	ret->anon = (sx.stx_mode & S_IFMT) == 0 || hash_link ? link_hash(path) : 0;
	return 0;
}

/* Make the state's entry for fd of k's table right before a record names it. */
static void check_fd(struct ptr_tracer *t, struct ptr_task *k, int64_t fd)
{
	struct fdent *e = slot(k, fd), now;
	struct snap s = { .t = t, .k = k };
	int r;

	t->c.fd_checks++;
	r = fd_identity(k, fd, e && e->anon, &now);
	if (r < 0) {
		/* ENOENT: not open. Anything else (the task died): nothing to say. */
		if (r == -ENOENT && !(e && e->st == FDS_ABSENT))
			emit_marker(t, k, fd, -EBADF);
		return;
	}
	if (e && e->st == FDS_OPEN && e->dev == now.dev && e->ino == now.ino && e->anon == now.anon)
		return;
	procscan_thread_fds(NULL, (uint32_t)k->tid, (uint32_t)k->tgid, fd, 0, snap_emit, &s);
}

/* What k's new fd is, read now: the state was just told of it. */
static void probe(struct ptr_task *k, int64_t fd)
{
	struct fdent now;

	if (fd_identity(k, fd, false, &now) < 0)
		forget(k, fd);
	else
		learn(k, fd, now.dev, now.ino, now.anon);
}

void ptr_fdsync_entry(struct ptr_tracer *t, struct ptr_task *k)
{
	int64_t fds[6];
	unsigned n;

	/* The command's calls before its first exec: the state knows nothing of it yet. */
	if (!t->fdsync || (k->tgid == t->root && !t->root_known))
		return;
	n = ptr_decode_fdargs(k, fds, 6);
	for (unsigned i = 0; i < n; i++)
		check_fd(t, k, fds[i]);
	/*
	 * A standard fd closed (or not known) may have been reopened since by
	 * a creator no rule names: it is looked at before every record until
	 * it is known open (one statx each; only processes without it pay).
	 */
	for (int fd = 0; fd <= 2; fd++) {
		const struct fdent *e = slot(k, fd);

		if (!e || e->st != FDS_OPEN)
			check_fd(t, k, fd);
	}
}

static void copy_entry(struct ptr_task *k, int64_t from, int64_t to)
{
	const struct fdent *a = slot(k, from);
	struct fdent v = a && a->st == FDS_OPEN ? *a : (struct fdent){ .st = FDS_UNKNOWN };
	/* Taken by value first: reaching slot 'to' may move the table. */
	struct fdent *b = slot(k, to);

	if (b && from != to) {
		*b = v;
		b->fd = (uint32_t)to;
	}
}

void ptr_fdsync_exit(struct ptr_tracer *t, struct ptr_task *k, int64_t res,
		     const struct stat *newfd)
{
	int fds[2];

	if (!t->fdsync)
		return;
	switch (k->type) {
	case SAKER_EV_CLOSE: {
		/* The state forgets it when close succeeds; a failed one may still have released it. */
		struct fdent *e = slot(k, (int32_t)k->args[0]);

		if (e)
			e->st = res >= 0 ? FDS_ABSENT : FDS_UNKNOWN;
		return;
	}
	case SAKER_EV_CLOSE_RANGE:
		forget_range(k, (uint32_t)k->args[0], (uint32_t)k->args[1]);
		return;
	case SAKER_EV_DUP:
	case SAKER_EV_DUP2:
	case SAKER_EV_DUP3:
		if (res >= 0)
			copy_entry(k, (int32_t)k->args[0], res);
		return;
	case SAKER_EV_FCNTL:
		if (res >= 0 && ((int)k->args[1] == F_DUPFD || (int)k->args[1] == F_DUPFD_CLOEXEC))
			copy_entry(k, (int32_t)k->args[0], res);
		return;
	case SAKER_EV_PIPE:
	case SAKER_EV_PIPE2:
	case SAKER_EV_SOCKETPAIR:
		if (res >= 0 &&
		    ptr_mem_read(k->tid, k->args[k->type == SAKER_EV_SOCKETPAIR ? 3 : 0], fds,
				 sizeof(fds)) == sizeof(fds)) {
			probe(k, fds[0]);
			probe(k, fds[1]);
		}
		return;
	case SAKER_EV_BPF:
		/* Whether res is an fd depends on the command: unknown is safe. */
		if (res >= 0)
			forget(k, res);
		return;
	case SAKER_EV_SIGNALFD4:
		if (res >= 0 && (int32_t)k->args[0] < 0)
			probe(k, res);
		return;
	default:
		break;
	}
	if (res < 0 || !(evt_table[k->type].flags & SAKER_EF_CREATES_FD))
		return;
	/* The open family's record stat'ed the new fd already. */
	if (newfd && (newfd->st_mode & S_IFMT))
		learn(k, res, ptr_kdev(newfd->st_dev), newfd->st_ino, 0);
	else
		probe(k, res);
}

void ptr_fdsync_exec(struct ptr_tracer *t, struct ptr_task *k)
{
	struct snap s = { .t = t, .k = k };

	if (!t->fdsync)
		return;
	/* The state meets the command at its first exec: it must know the process first. */
	if (k->tgid == t->root && !t->root_known) {
		ptr_decode_snapshot(t, k->tid, k->tgid, clock_ns(CLOCK_BOOTTIME));
		t->root_known = true;
	}
	emit_marker(t, k, SAKER_FD_TABLE, 0);
	/*
	 * Without open flags: what survives an exec has no close-on-exec, and
	 * nothing else of them is read (the flags rules see are the records').
	 */
	procscan_thread_fds(NULL, (uint32_t)k->tid, (uint32_t)k->tgid, -1, PROCSCAN_NO_FDFLAGS,
			    snap_emit, &s);
}
