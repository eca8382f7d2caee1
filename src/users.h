/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * User and group names by id, as a process sees them: the host's databases
 * (NSS) for host processes, the container's /etc/passwd and /etc/group
 * (read through /proc/PID/root) for containerised ones, falling back to
 * the host's when the container's are unreadable. Cached (negative answers
 * too), the cache bounded; when full it is emptied and the drop counted.
 */
#ifndef SAKER_USERS_H
#define SAKER_USERS_H

#include <stdint.h>

struct users;

struct users_stats {
	uint64_t cached; /* entries now */
	uint64_t hits, misses;
	uint64_t failed; /* ids with no name anywhere */
	uint64_t evicted; /* entries dropped to stay within the limit */
};

struct users *users_new(uint32_t max_entries, const char *procroot);
void users_free(struct users *u);

/*
 * The name, or NULL if the id has none. container is the container id
 * ("host" or NULL for the host), pid a process in it (to reach its root).
 * The string lives until the cache is next emptied: copy it if kept.
 */
const char *users_user_name(struct users *u, uint32_t uid, const char *container, uint32_t pid);
const char *users_group_name(struct users *u, uint32_t gid, const char *container, uint32_t pid);
/* The home directory of uid (user.homedir), or NULL. */
const char *users_user_home(struct users *u, uint32_t uid, const char *container, uint32_t pid);
void users_get_stats(const struct users *u, struct users_stats *ret);

#endif /* SAKER_USERS_H */
