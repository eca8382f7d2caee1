/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An open-addressing hash map from 64-bit keys to pointers, used by the
 * state tables (threads by tid, processes by pid, fds by number). Linear
 * probing with backward-shift deletion: no tombstones, so lookups stay
 * short however many entries come and go.
 */
#ifndef SAKER_STATE_MAP_H
#define SAKER_STATE_MAP_H

#include <stddef.h>
#include <stdint.h>

struct state_map_slot {
	uint64_t key;
	void *val; /* NULL: empty slot */
};

struct state_map {
	struct state_map_slot *slots;
	uint32_t mask; /* capacity - 1; capacity is a power of two or 0 */
	uint32_t count;
};

void *state_map_get(const struct state_map *m, uint64_t key);
/* Insert or replace; val must not be NULL. Returns 0 or -ENOMEM. */
int state_map_put(struct state_map *m, uint64_t key, void *val);
/* Returns the removed value, or NULL if the key was absent. */
void *state_map_del(struct state_map *m, uint64_t key);
void state_map_free(struct state_map *m);
/* dst (empty) becomes a copy of src, slot for slot. Returns 0 or -ENOMEM. */
int state_map_copy(struct state_map *dst, const struct state_map *src);

/*
 * Iterate: for (i = 0; state_map_next(m, &i, &key, &val);). Do not insert
 * while iterating; deleting the entry just returned is not allowed either
 * (collect keys first).
 */
int state_map_next(const struct state_map *m, uint32_t *pos, uint64_t *ret_key, void **ret_val);

#endif /* SAKER_STATE_MAP_H */
