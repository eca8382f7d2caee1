// SPDX-License-Identifier: GPL-2.0-only
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdlib.h>

#include "state_slab.h"

#define SLAB_PER_CHUNK 64u

/*
 * A chunk's header; the objects follow, 8-byte aligned: the state's entries
 * hold nothing wider than pointers and 64-bit integers.
 */
struct slab_chunk {
	struct slab_chunk *next;
};

void state_slab_init(struct state_slab *s, size_t size)
{
	size_t a = 8;

	if (size < sizeof(void *))
		size = sizeof(void *);
	s->size = (size + a - 1) / a * a;
	s->free = NULL;
	s->chunks = NULL;
}

void *state_slab_alloc(struct state_slab *s)
{
	void *obj = s->free;

	if (!obj) {
		struct slab_chunk *c = malloc(sizeof(*c) + SLAB_PER_CHUNK * s->size);
		char *base;

		if (!c)
			return NULL;
		c->next = s->chunks;
		s->chunks = c;
		base = (char *)(c + 1);
		/* Thread all but the first object onto the free list. */
		for (unsigned i = SLAB_PER_CHUNK - 1; i > 0; i--) {
			*(void **)(base + i * s->size) = s->free;
			s->free = base + i * s->size;
		}
		return base;
	}
	s->free = *(void **)obj;
	return obj;
}

void state_slab_free(struct state_slab *s, void *obj)
{
	if (!obj)
		return;
	*(void **)obj = s->free;
	s->free = obj;
}

void state_slab_destroy(struct state_slab *s)
{
	struct slab_chunk *c = s->chunks, *next;

	for (; c; c = next) {
		next = c->next;
		free(c);
	}
	s->free = NULL;
	s->chunks = NULL;
}
