// SPDX-License-Identifier: GPL-2.0-only
/*
 * A verdict at a call's entry, so that a call no rule can match costs one
 * stop instead of two. In launch mode a call the rules name stops at its
 * entry (the seccomp filter) and again at its exit for the result. For
 * most of them the rules decide on what the entry already shows: a file
 * is opened by a process of this name for reading, at this path. So at
 * the entry the record is built as it will be but for the result (res
 * -EINPROGRESS, the new fd's device and inode absent) and handed to the
 * gate (sakerd: the rules in Kleene's three-valued logic, every field the
 * result could change taken as unknown, src/fields_entry.c). When no rule
 * could be true whatever the result, the call runs on with PTRACE_CONT:
 * no exit stop and no record. The fd it may create is then one of those
 * fdsync.c recovers from /proc before a record names it, as for the calls
 * no rule names.
 *
 * The verdict reads the state, so it must see every record emitted
 * before: the entry's own fd snapshots, or a record an earlier stop of
 * this run built. Then the task stays in its stop (parked) while the run
 * returns and the consumer takes those records; the next run decides
 * first and resumes it.
 *
 * Asked only for calls a rule names (the others do not stop, or stop for
 * the state alone), in the open family or changing no state at all
 * (unlink, rename, mkdir...), whose record is complete at entry, and not
 * for the command before its first exec (the state does not know it).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <time.h>

#include "ptrace_int.h"
#include "util.h"

void ptr_tracer_set_gate(struct ptr_tracer *t, ptr_gate_fn fn, void *ud)
{
	t->gate = fn;
	t->gate_ud = ud;
}

static bool asks(const struct ptr_tracer *t, const struct ptr_task *k)
{
	int type = k->type;

	if (!t->gate || !t->fdsync || (k->tgid == t->root && !t->root_known))
		return false;
	if (type <= 0 || type >= SAKER_EV_MAX || !((t->want[type / 8] >> (type % 8)) & 1))
		return false;
	if (!evt_type_is_open((unsigned)type) &&
	    ((evt_table[type].flags & (SAKER_EF_STATE | SAKER_EF_PROC)) || !ptr_keeps_facts(type)))
		return false;
	return ptr_decode_entry_complete(type);
}

static void decide(struct ptr_tracer *t, struct ptr_task *k)
{
	int len = ptr_decode_entry_record(t, k, clock_ns(CLOCK_BOOTTIME));

	t->c.verdicts++;
	/* A record that cannot be built here is left to the exit. */
	if (len < 0 || t->gate(t->gate_ud, t->rec, (size_t)len))
		return;
	t->c.exits_skipped++;
	ptr_task_reset(k);
}

bool ptr_verdict(struct ptr_tracer *t, struct ptr_task *k)
{
	if (!asks(t, k))
		return true;
	if (t->emitted) {
		t->parked = k->tid;
		t->c.parked++;
		return false;
	}
	decide(t, k);
	return true;
}

void ptr_verdict_unpark(struct ptr_tracer *t)
{
	struct ptr_task *k = t->parked ? ptr_task_find(t, t->parked) : NULL;

	t->parked = 0;
	if (!k)
		return;
	decide(t, k);
	ptr_resume(t, k, 0);
}
