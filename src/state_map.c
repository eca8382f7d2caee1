// SPDX-License-Identifier: GPL-2.0-only
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "state_map.h"

static uint32_t hash64(uint64_t k)
{
	/* splitmix64 finaliser: pids are sequential, spread them out. */
	k ^= k >> 30;
	k *= 0xbf58476d1ce4e5b9ull;
	k ^= k >> 27;
	k *= 0x94d049bb133111ebull;
	k ^= k >> 31;
	return (uint32_t)k;
}

void *state_map_get(const struct state_map *m, uint64_t key)
{
	uint32_t i;

	if (!m->slots)
		return NULL;
	for (i = hash64(key) & m->mask; m->slots[i].val; i = (i + 1) & m->mask)
		if (m->slots[i].key == key)
			return m->slots[i].val;
	return NULL;
}

static void insert(struct state_map_slot *slots, uint32_t mask, uint64_t key, void *val)
{
	uint32_t i = hash64(key) & mask;

	while (slots[i].val && slots[i].key != key)
		i = (i + 1) & mask;
	slots[i].key = key;
	slots[i].val = val;
}

static int grow(struct state_map *m)
{
	uint32_t cap = m->slots ? (m->mask + 1) * 2 : 16;
	struct state_map_slot *ns;

	if (cap == 0 || cap > (1u << 30))
		return -ENOMEM;
	ns = calloc(cap, sizeof(*ns));
	if (!ns)
		return -ENOMEM;
	if (m->slots) {
		for (uint32_t i = 0; i <= m->mask; i++)
			if (m->slots[i].val)
				insert(ns, cap - 1, m->slots[i].key, m->slots[i].val);
		free(m->slots);
	}
	m->slots = ns;
	m->mask = cap - 1;
	return 0;
}

int state_map_put(struct state_map *m, uint64_t key, void *val)
{
	uint32_t i;

	if (!val)
		return -EINVAL;
	if (m->slots) {
		for (i = hash64(key) & m->mask; m->slots[i].val; i = (i + 1) & m->mask) {
			if (m->slots[i].key == key) {
				m->slots[i].val = val;
				return 0;
			}
		}
	}
	/* Keep the load factor under 3/4. */
	if (!m->slots || (m->count + 1) * 4 > (m->mask + 1) * 3) {
		int r = grow(m);

		if (r < 0)
			return r;
	}
	insert(m->slots, m->mask, key, val);
	m->count++;
	return 0;
}

void *state_map_del(struct state_map *m, uint64_t key)
{
	uint32_t i, j, home;
	void *val;

	if (!m->slots)
		return NULL;
	for (i = hash64(key) & m->mask; m->slots[i].val; i = (i + 1) & m->mask)
		if (m->slots[i].key == key)
			break;
	if (!m->slots[i].val)
		return NULL;
	val = m->slots[i].val;
	/* Backward shift: move later entries of the cluster into the hole. */
	for (j = (i + 1) & m->mask; m->slots[j].val; j = (j + 1) & m->mask) {
		home = hash64(m->slots[j].key) & m->mask;
		/* Entry at j may move to i only if its home is not in (i, j]. */
		if (((j - home) & m->mask) >= ((j - i) & m->mask)) {
			m->slots[i] = m->slots[j];
			i = j;
		}
	}
	m->slots[i].val = NULL;
	m->count--;
	/* Release the array when empty: small fd tables come and go often. */
	if (m->count == 0) {
		free(m->slots);
		m->slots = NULL;
		m->mask = 0;
	}
	return val;
}

void state_map_free(struct state_map *m)
{
	if (!m)
		return;
	free(m->slots);
	m->slots = NULL;
	m->mask = 0;
	m->count = 0;
}

int state_map_copy(struct state_map *dst, const struct state_map *src)
{
	size_t n;

	*dst = (struct state_map){ 0 };
	if (!src->slots)
		return 0;
	n = (size_t)src->mask + 1;
	dst->slots = malloc(n * sizeof(*dst->slots));
	if (!dst->slots)
		return -ENOMEM;
	memcpy(dst->slots, src->slots, n * sizeof(*dst->slots));
	dst->mask = src->mask;
	dst->count = src->count;
	return 0;
}

int state_map_next(const struct state_map *m, uint32_t *pos, uint64_t *ret_key, void **ret_val)
{
	if (!m->slots)
		return 0;
	for (; *pos <= m->mask; (*pos)++) {
		if (m->slots[*pos].val) {
			if (ret_key)
				*ret_key = m->slots[*pos].key;
			if (ret_val)
				*ret_val = m->slots[*pos].val;
			(*pos)++;
			return 1;
		}
	}
	return 0;
}
