/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Fixed-size object caches for the state tables' small, short-lived
 * entries (fds, sockets). Every open and close made and freed one through
 * malloc, about a tenth of a replay's time; a free list makes both a few
 * instructions. Memory is kept for reuse until the cache is destroyed: the
 * tables it serves are bounded, so it is bounded by their peak.
 */
#ifndef SAKER_STATE_SLAB_H
#define SAKER_STATE_SLAB_H

#include <stddef.h>

struct state_slab {
	size_t size; /* object size, rounded to hold the free-list link */
	void *free; /* free objects, linked through their first word */
	void *chunks; /* allocated chunks, linked through their first word */
};

void state_slab_init(struct state_slab *s, size_t size);
/* An uninitialised object, or NULL (ENOMEM). */
void *state_slab_alloc(struct state_slab *s);
/* Accepts NULL. */
void state_slab_free(struct state_slab *s, void *obj);
/* Releases every chunk: objects still in use become invalid. */
void state_slab_destroy(struct state_slab *s);

#endif /* SAKER_STATE_SLAB_H */
