/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Interned, reference-counted strings for the state tables. Thousands of
 * processes share a handful of executables, argument lists, cwds and cgroup
 * sets: each distinct value is stored once. A value is len bytes plus a NUL
 * (lists keep their inner NULs; len counts them).
 */
#ifndef SAKER_STATE_STR_H
#define SAKER_STATE_STR_H

#include <stddef.h>
#include <stdint.h>

struct state_str {
	struct state_str *next; /* hash chain */
	uint32_t ref;
	uint32_t hash;
	uint32_t len; /* bytes before the final NUL */
	char s[];
};

struct state_strpool {
	struct state_str **buckets;
	uint32_t nbuckets; /* power of two */
	uint32_t count;
	uint64_t bytes; /* payload bytes held */
};

/* Longest value kept; longer ones are cut (the ABI bounds them anyway). */
#define STATE_STR_MAX 8192u

/* A new reference to the interned copy of s[0..len), or NULL (ENOMEM). */
struct state_str *state_str_get(struct state_strpool *p, const char *s, size_t len);
struct state_str *state_str_ref(struct state_str *s);
void state_str_put(struct state_strpool *p, struct state_str *s);
void state_strpool_free(struct state_strpool *p);

/* Convenience: replace *slot with the interned s (NULL s: clear). */
int state_str_set(struct state_strpool *p, struct state_str **slot, const char *s, size_t len);

static inline const char *state_str_c(const struct state_str *s)
{
	return s ? s->s : "";
}

#endif /* SAKER_STATE_STR_H */
