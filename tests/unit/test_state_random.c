// SPDX-License-Identifier: GPL-2.0-only
/*
 * Random well-formed records of every type, many tids sharing few pids,
 * tight limits: the tables must stay within their limits and consistent
 * (every thread on its process's list, counts right, families intact).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>

#include "state_int.h"
#include "state_testlib.h"
#include "tap.h"

static uint64_t rng = 88172645463325252ull;

static uint64_t rnd(void)
{
	rng ^= rng << 13;
	rng ^= rng >> 7;
	rng ^= rng << 17;
	return rng;
}

static const char *const paths[] = { "/etc/passwd", "../x",	     "a/b/../c",	   ".",
				     "/",	    "//tmp//",	     "/memfd:x (deleted)", "",
				     "..",	    "/proc/self/exe" };

static void random_param(struct rec_builder *b, enum saker_param_type t)
{
	uint8_t a[32];

	for (int i = 0; i < 32; i++)
		a[i] = (uint8_t)rnd();
	if (rnd() % 16 == 0) {
		rb_absent(b);
		return;
	}
	switch (t) {
	case SAKER_PT_STR:
	case SAKER_PT_PATH:
	case SAKER_PT_RELPATH:
		rb_str(b, paths[rnd() % 10]);
		break;
	case SAKER_PT_STRLIST:
		rb_strlist(b, "a\0b=c\0/docker/x", 16);
		break;
	case SAKER_PT_BYTES:
		rb_bytes(b, a, rnd() % 16);
		break;
	case SAKER_PT_SOCKADDR:
		if (rnd() % 3 == 0)
			rb_sockaddr_un(b, paths[rnd() % 10]);
		else
			rb_sockaddr_in(b, rnd() % 2 ? AF_INET : AF_INET6, a, (uint16_t)rnd());
		break;
	case SAKER_PT_SOCKTUPLE:
		if (rnd() % 3 == 0)
			rb_tuple_un(b, rnd(), rnd(), paths[rnd() % 10]);
		else
			rb_tuple_in(b, rnd() % 2 ? AF_INET : AF_INET6, a, (uint16_t)rnd(), a + 4,
				    (uint16_t)rnd());
		break;
	case SAKER_PT_FD:
		rb_num(b, rnd() % 8 == 0 ? (uint64_t)-100 : rnd() % 24);
		break;
	case SAKER_PT_PID:
		rb_num(b, rnd() % 80);
		break;
	default:
		rb_num(b, rnd() % 4 == 0 ? rnd() : rnd() % 64);
		break;
	}
}

/* Every entry is held by the table it names, and stats.fds counts them per table. */
static bool fds_consistent(struct state *st)
{
	const struct state_fdtable *seen[64];
	unsigned nseen = 0;
	uint64_t total = 0;
	uint32_t pos = 0;
	void *v;

	while (state_map_next(&st->procs, &pos, NULL, &v)) {
		struct state_proc *p = v;
		uint32_t fpos = 0;
		uint64_t key;
		void *f;
		bool dup = false;

		if (!p->fdt)
			continue;
		for (unsigned i = 0; i < nseen; i++)
			dup |= seen[i] == p->fdt;
		if (dup || nseen == 64)
			continue;
		seen[nseen++] = p->fdt;
		while (state_map_next(&p->fdt->fds, &fpos, &key, &f)) {
			const struct state_fd *fd = f;

			if (fd->ref == 0 || (uint64_t)fd->num != key) {
				tap_diag("process %u: fd %llu has ref %u, num %lld", p->pid,
					 (unsigned long long)key, fd->ref, (long long)fd->num);
				return false;
			}
			total++;
		}
	}
	if (nseen < 64 && total != st->stats.fds) {
		tap_diag("%llu fds in the tables, %llu counted", (unsigned long long)total,
			 (unsigned long long)st->stats.fds);
		return false;
	}
	return true;
}

static bool consistent(struct state *st, uint32_t max_fds)
{
	uint32_t pos = 0, nthreads = 0;
	void *v;

	if (!fds_consistent(st))
		return false;

	while (state_map_next(&st->threads, &pos, NULL, &v)) {
		struct state_thread *t = v;
		bool found = false;

		if (state_proc_get(st, t->proc->pid) != t->proc) {
			tap_diag("thread %u: process %u not in the table", t->tid, t->proc->pid);
			return false;
		}
		for (struct state_thread *o = t->proc->threads; o; o = o->next_in_proc)
			found |= o == t;
		if (!found) {
			tap_diag("thread %u not on its process's list", t->tid);
			return false;
		}
	}
	pos = 0;
	while (state_map_next(&st->procs, &pos, NULL, &v)) {
		struct state_proc *p = v;
		uint32_t n = 0;

		for (struct state_thread *o = p->threads; o; o = o->next_in_proc)
			n++;
		if (n != p->nthreads || n == 0 || state_fd_count(p) > max_fds) {
			tap_diag("process %u: %u threads listed, %u counted, %u fds", p->pid, n,
				 p->nthreads, state_fd_count(p));
			return false;
		}
		nthreads += n;
	}
	if (nthreads != st->threads.count)
		tap_diag("%u threads on lists, %u in the table", nthreads, st->threads.count);
	return nthreads == st->threads.count;
}

int main(void)
{
	struct state_limits lim = {
		.no_lookups = true, .max_threads = 32, .max_procs = 24, .max_fds = 16
	};
	struct state *st = state_new(&lim);
	struct state_stats s;
	bool ok = true, bounded = true;

	/* SAKER_TEST_SEED reruns with another sequence. */
	if (getenv("SAKER_TEST_SEED"))
		rng = strtoull(getenv("SAKER_TEST_SEED"), NULL, 0) | 1;
	tap_diag("seed %llu", (unsigned long long)rng);

	for (int i = 0; i < 200000 && ok; i++) {
		/* A third are process records, so the tables fill and evict. */
		static const uint16_t procs[] = { SAKER_EV_PROC_SNAPSHOT, SAKER_EV_CLONE,
						  SAKER_EV_FORK, SAKER_EV_EXECVE };
		uint16_t type =
			rnd() % 3 ? (uint16_t)(1 + rnd() % (SAKER_EV_MAX - 1)) : procs[rnd() % 4];
		uint32_t tid = (uint32_t)(1 + rnd() % 80);
		uint32_t pid = rnd() % 3 ? tid : (uint32_t)(1 + rnd() % 80);
		int64_t res = rnd() % 5 == 0 ? -(int64_t)(rnd() % 20) : (int64_t)(rnd() % 24);
		struct rec_builder *b = tl_begin(type, tid, pid, res);
		struct state_evctx ctx;

		for (uint16_t p = 0; p < evt_table[type].nparams; p++)
			random_param(b, evt_table[type].params[p].type);
		tl_apply(st, b, &ctx);
		if (rnd() % 2)
			state_commit(st);
		if (i % 7 == 0) {
			ok = consistent(st, lim.max_fds);
			if (!ok)
				tap_diag("after record %d, type %s tid %u pid %u res %lld", i,
					 evt_table[type].name, tid, pid, (long long)res);
			state_get_stats(st, &s);
			bounded &= s.threads <= 32 && s.procs <= 24;
		}
	}
	tap_ok(ok, "tables stay consistent under 200000 random records");
	tap_ok(bounded, "and within their limits");
	state_get_stats(st, &s);
	tap_ok(s.events >= 200000, "every record applied (%llu)", (unsigned long long)s.events);
	tap_ok(s.threads_evicted > 0 && s.procs_evicted > 0, "evictions happened along the way");
	tap_diag("threads %llu procs %llu fds %llu evicted %llu/%llu refused %llu",
		 (unsigned long long)s.threads, (unsigned long long)s.procs,
		 (unsigned long long)s.fds, (unsigned long long)s.threads_evicted,
		 (unsigned long long)s.procs_evicted, (unsigned long long)s.fds_refused);
	state_free(st);
	return tap_done();
}
