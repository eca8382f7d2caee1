// SPDX-License-Identifier: GPL-2.0-only
/*
 * Records about processes: execve/execveat (the process block read from
 * /proc after the exec, or the caller's own arguments when it failed), both
 * sides of the clone family, procexit, and the snapshots of attach mode.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <sched.h>
#include <stdlib.h>
#include <string.h>

#include "ptrace_int.h"

/*
 * argv of a failed execve, from the tracee's memory (it still owns it):
 * the pointer array and the strings each through a page window, so a long
 * argv (xargs, a shell's PATH search) costs a read per page, not two per
 * argument.
 */
static size_t read_argv(const struct ptr_task *k, uint64_t addr, char *out, size_t max, bool *cut)
{
	size_t psz = ptr_abi_compat(k->abi) ? 4 : 8, off = 0;
	struct ptr_memwin *pw = malloc(2 * sizeof(*pw)), *sw;

	*cut = false;
	if (!pw)
		return 0;
	sw = pw + 1;
	pw->tid = sw->tid = k->tid;
	pw->len = sw->len = 0;
	for (unsigned i = 0; i < 1024 && off < max && !*cut; i++) {
		uint64_t p = 0;
		ssize_t n;

		if (ptr_win_read(pw, addr + i * psz, &p, psz) != (ssize_t)psz || !p)
			break;
		n = ptr_win_str(sw, p, out + off, max - off, cut);
		if (n <= 0)
			break;
		off += (size_t)n;
	}
	free(pw);
	return off;
}

/* The task's facts, refreshed where an untraced change may have happened, or read. */
static const struct ptr_facts *own_facts(struct ptr_task *k)
{
	if (k->facts)
		ptr_facts_restat(k->facts, k->tid, k->tgid);
	else
		k->facts = ptr_facts_read(k->tid, k->tgid);
	return k->facts;
}

int ptr_build_exec(struct ptr_tracer *t, struct ptr_task *k, int64_t res, uint64_t ts)
{
	struct rec_builder b;
	struct ptr_procblock pb = { .filename = k->exec_filename };
	char argv[SAKER_ARGS_MAX];
	bool at = k->type == SAKER_EV_EXECVEAT;
	uint32_t flags;

	if (!pb.filename)
		pb.filename = "";
	if (res < 0) {
		pb.argv_len = read_argv(k, k->args[at ? 2 : 1], argv, sizeof(argv), &pb.argv_cut);
		pb.argv = argv;
	}
	rb_begin(&b, t->rec, sizeof(t->rec), (uint16_t)k->type, ts, (uint32_t)k->tid,
		 (uint32_t)k->tgid, res);
	/*
	 * A new image: what the task was is gone; what it is now is kept for
	 * its clones. A failed exec changed nothing: the task's own facts.
	 */
	if (res >= 0) {
		ptr_facts_free(k->facts);
		k->facts = ptr_facts_read(k->tid, k->tgid);
	} else {
		own_facts(k);
	}
	if (!k->facts)
		return -ENOMEM;
	flags = ptr_facts_put(&b, k->facts, k->tid, k->tgid, &pb);
	if (pb.argv_cut && !b.err)
		b.buf[SAKER_HDR_SIZE + 2u + 1] |= SAKER_PARAM_TRUNCATED >> 8;
	rb_num(&b, flags);
	if (at) {
		rb_num(&b, (uint64_t)(int64_t)(int32_t)k->args[0]);
		rb_str(&b, k->exec_filename);
		rb_num(&b, k->args[4]);
	}
	return rb_end(&b);
}

uint64_t ptr_clone_flags(const struct ptr_task *k)
{
	uint64_t f = 0;

	switch (k->type) {
	case SAKER_EV_CLONE:
		return k->args[0];
	case SAKER_EV_CLONE3:
		/* struct clone_args starts with its u64 flags. */
		if (ptr_mem_read(k->tid, k->args[0], &f, sizeof(f)) == sizeof(f))
			return f;
		return 0;
	case SAKER_EV_VFORK:
		return CLONE_VM | CLONE_VFORK;
	default:
		return 0;
	}
}

int ptr_build_clone(struct ptr_tracer *t, struct ptr_task *k, int type, uint64_t flags, int64_t res,
		    uint64_t ts)
{
	const struct ptr_facts *f = own_facts(k);
	struct rec_builder b;

	if (!f)
		return -ENOMEM;
	rb_begin(&b, t->rec, sizeof(t->rec), (uint16_t)type, ts, (uint32_t)k->tid,
		 (uint32_t)k->tgid, res);
	ptr_facts_put(&b, f, k->tid, k->tgid, NULL);
	rb_num(&b, flags);
	return rb_end(&b);
}

void ptr_decode_entry(struct ptr_tracer *t, struct ptr_task *k)
{
	bool cut;
	ssize_t n;

	if (k->type != SAKER_EV_EXECVE && k->type != SAKER_EV_EXECVEAT)
		return;
	/* After a successful exec the old image, and this string, are gone. */
	free(k->exec_filename);
	k->exec_filename = malloc(SAKER_PATH_MAX);
	if (!k->exec_filename)
		return;
	n = ptr_mem_str(k->tid, k->args[k->type == SAKER_EV_EXECVEAT ? 1 : 0], k->exec_filename,
			SAKER_PATH_MAX, &cut);
	if (n <= 0) {
		free(k->exec_filename);
		k->exec_filename = NULL;
	}
}

/*
 * The child starts as a copy of its creator, so its block is the creator's
 * with its own ids, unless a namespace or cgroup changed with the clone:
 * then (and when the creator's facts are unknown) /proc is read in full.
 */
int ptr_decode_clone_child(struct ptr_tracer *t, struct ptr_task *k, struct ptr_task *creator,
			   int type, uint64_t flags, uint64_t ts)
{
	const uint64_t fresh = CLONE_NEWPID | CLONE_NEWNS | CLONE_NEWUSER | CLONE_NEWCGROUP |
			       0x200000000ULL /* CLONE_INTO_CGROUP */;

	if (creator) {
		k->new_pidns = creator->new_pidns;
		ptr_fdsync_clone(t, k, creator, flags);
	}
	if (!k->facts && creator && creator->facts && !creator->new_pidns && !(flags & fresh) &&
	    ptr_facts_root_ns(creator->facts))
		k->facts = ptr_facts_clone(creator->facts);
	/* ptr_build_clone() reads the child's own stat into the copy (own_facts). */
	return ptr_emit(t, ptr_build_clone(t, k, type, flags, 0, ts));
}

int ptr_decode_procexit(struct ptr_tracer *t, pid_t tid, pid_t tgid, int status, uint64_t ts)
{
	struct rec_builder b;

	rb_begin(&b, t->rec, sizeof(t->rec), SAKER_EV_PROCEXIT, ts, (uint32_t)tid, (uint32_t)tgid,
		 status);
	rb_num(&b, (uint64_t)(int64_t)status);
	rb_absent(&b);
	return ptr_emit(t, rb_end(&b));
}

int ptr_decode_snapshot(struct ptr_tracer *t, pid_t tid, pid_t tgid, uint64_t ts)
{
	struct rec_builder b;

	rb_begin(&b, t->rec, sizeof(t->rec), SAKER_EV_PROC_SNAPSHOT, ts, (uint32_t)tid,
		 (uint32_t)tgid, 0);
	ptr_proc_block(&b, tid, tgid, NULL);
	return ptr_emit(t, rb_end(&b));
}
