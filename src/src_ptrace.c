// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ptrace source. Records the tracer builds land in an in-process queue;
 * next() hands out the oldest, running the tracer's wait loop only when the
 * queue is empty. The record handed out stays valid until the next call.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/wait.h>

#include "src_ptrace.h"
#include "util.h"

/* Enough for an attach-mode snapshot of a few thousand threads. */
#define QUEUE_MAX (16u << 20)

struct src_ptrace {
	struct source s;
	struct ptr_tracer *t;
	uint8_t *q;
	size_t qcap, head, tail;
	uint32_t handed; /* length of the record handed out, popped on the next call */
	bool launch;
	bool snapshot_done;
	bool eof;
	struct src_stats st;
};

static const struct src_ops ptrace_ops;

static int queue_push(void *ctx, const void *rec, size_t len)
{
	struct src_ptrace *sp = ctx;

	if (sp->tail + len > sp->qcap && sp->head > 0) {
		memmove(sp->q, sp->q + sp->head, sp->tail - sp->head);
		sp->tail -= sp->head;
		sp->head = 0;
	}
	if (sp->tail + len > sp->qcap) {
		size_t cap = sp->qcap ? sp->qcap : 65536;
		uint8_t *q;

		while (cap < sp->tail + len)
			cap *= 2;
		if (cap > QUEUE_MAX)
			return -ENOBUFS;
		q = realloc(sp->q, cap);
		if (!q)
			return -ENOMEM;
		sp->q = q;
		sp->qcap = cap;
	}
	memcpy(sp->q + sp->tail, rec, len);
	sp->tail += len;
	return 0;
}

static int hand_out(struct src_ptrace *sp, const void **ret_rec)
{
	struct saker_rec_hdr h;

	memcpy(&h, sp->q + sp->head, sizeof(h));
	sp->handed = h.len;
	sp->st.records++;
	*ret_rec = sp->q + sp->head;
	return SRC_RECORD;
}

static int ptrace_next(struct source *s, int timeout_ms, const void **ret_rec)
{
	struct src_ptrace *sp = (struct src_ptrace *)s;
	int r;

	if (sp->handed) {
		sp->head += sp->handed;
		sp->handed = 0;
		if (sp->head == sp->tail)
			sp->head = sp->tail = 0;
	}
	if (!sp->snapshot_done) {
		if (sp->head < sp->tail)
			return hand_out(sp, ret_rec);
		if (sp->launch) {
			r = ptr_tracer_start(sp->t, s->error, sizeof(s->error));
			if (r < 0)
				return r;
		}
		sp->snapshot_done = true;
		return SRC_SNAPSHOT_END;
	}
	if (sp->head < sp->tail)
		return hand_out(sp, ret_rec);
	if (sp->eof)
		return SRC_EOF;
	r = ptr_tracer_run(sp->t, timeout_ms);
	if (r == -ECHILD) {
		sp->eof = true;
		return sp->head < sp->tail ? hand_out(sp, ret_rec) : SRC_EOF;
	}
	if (r < 0) {
		snprintf(s->error, sizeof(s->error), "ptrace: %s", strerror(-r));
		return r;
	}
	if (sp->head < sp->tail)
		return hand_out(sp, ret_rec);
	return SRC_TIMEOUT;
}

static int ptrace_stats(struct source *s, struct src_stats *ret)
{
	struct src_ptrace *sp = (struct src_ptrace *)s;
	struct ptr_counters c;

	ptr_tracer_counters(sp->t, &c);
	*ret = sp->st;
	memcpy(ret->drops, c.drops, sizeof(ret->drops));
	ret->nctr = 0;
	src_stats_add(ret, "stops", c.stops, false);
	src_stats_add(ret, "syscall_stops", c.syscall_stops, false);
	src_stats_add(ret, "fd_checks", c.fd_checks, false);
	src_stats_add(ret, "fd_snapshots", c.fd_snapshots, false);
	src_stats_add(ret, "verdicts", c.verdicts, false);
	src_stats_add(ret, "exits_skipped", c.exits_skipped, false);
	src_stats_add(ret, "parked", c.parked, false);
	src_stats_add(ret, "tasks", c.tasks, true);
	return 0;
}

static int ptrace_set_interest(struct source *s, const struct src_interest *want)
{
	struct src_ptrace *sp = (struct src_ptrace *)s;

	return ptr_tracer_set_interest(sp->t, want->bits);
}

static void ptrace_set_gate(struct source *s, src_gate_fn fn, void *ud)
{
	struct src_ptrace *sp = (struct src_ptrace *)s;

	ptr_tracer_set_gate(sp->t, fn, ud);
}

static void ptrace_close(struct source *s)
{
	struct src_ptrace *sp = (struct src_ptrace *)s;

	ptr_tracer_free(sp->t);
	free(sp->q);
	free(sp);
}

static const struct src_ops ptrace_ops = {
	.name = "ptrace",
	.next = ptrace_next,
	.stats = ptrace_stats,
	.set_interest = ptrace_set_interest,
	.set_gate = ptrace_set_gate,
	.close = ptrace_close,
};

int src_ptrace_open(const struct src_config *cfg, struct source **ret, char *err, size_t errlen)
{
	struct ptr_config pc = { .argv = cfg->argv, .npids = cfg->npids };
	struct src_ptrace *sp;
	pid_t *pids = NULL;
	int r;

	if (cfg->npids) {
		pids = calloc(cfg->npids, sizeof(*pids));
		if (!pids)
			return -ENOMEM;
		for (size_t i = 0; i < cfg->npids; i++)
			pids[i] = (pid_t)cfg->pids[i];
		pc.pids = pids;
	}
	sp = calloc(1, sizeof(*sp));
	if (!sp) {
		free(pids);
		return -ENOMEM;
	}
	sp->s.ops = &ptrace_ops;
	sp->s.driver = "ptrace";
	sp->s.boot_offset_ns = util_boot_offset_ns();
	sp->s.start_ns = clock_ns(CLOCK_REALTIME);
	sp->launch = cfg->argv != NULL;
	r = ptr_tracer_new(&pc, queue_push, sp, &sp->t, err, errlen);
	free(pids);
	if (r < 0) {
		free(sp->q);
		free(sp);
		return r;
	}
	snprintf(err, errlen, "ptrace: %s", sp->launch ? "launch mode" : "attach mode");
	*ret = &sp->s;
	return 0;
}

static struct src_ptrace *as_ptrace(struct source *s)
{
	return s && s->ops == &ptrace_ops ? (struct src_ptrace *)s : NULL;
}

int src_ptrace_describe_filter(struct source *s, char *buf, size_t len)
{
	struct src_ptrace *sp = as_ptrace(s);

	if (!sp || !sp->launch)
		return -EINVAL;
	ptr_tracer_describe_filter(sp->t, buf, len);
	return 0;
}

int src_ptrace_exit_status(struct source *s, int *ret_status)
{
	struct src_ptrace *sp = as_ptrace(s);

	return sp ? ptr_tracer_exit_status(sp->t, ret_status) : -EINVAL;
}

int src_ptrace_exit_code(int status)
{
	if (WIFEXITED(status))
		return WEXITSTATUS(status);
	if (WIFSIGNALED(status))
		return 128 + WTERMSIG(status);
	return 1;
}

int src_ptrace_kill(struct source *s, int sig)
{
	struct src_ptrace *sp = as_ptrace(s);

	return sp ? ptr_tracer_kill(sp->t, sig) : -EINVAL;
}

int src_ptrace_counters(struct source *s, struct ptr_counters *ret)
{
	struct src_ptrace *sp = as_ptrace(s);

	if (!sp)
		return -EINVAL;
	ptr_tracer_counters(sp->t, ret);
	return 0;
}
