// SPDX-License-Identifier: GPL-2.0-only
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <grp.h>
#include <linux/openat2.h>
#include <pwd.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/syscall.h>
#include <unistd.h>

#include "state_map.h"
#include "users.h"

#define USERS_NAME_MAX 64
#define USERS_HOME_MAX 256
#define USERS_CONTAINER_MAX 129 /* full container ids (64 hex digits) fit */

struct users_entry {
	uint32_t id;
	bool group;
	bool found;
	char container[USERS_CONTAINER_MAX]; /* "" for the host */
	char name[USERS_NAME_MAX];
	char home[USERS_HOME_MAX];
};

struct users {
	uint32_t max;
	char procroot[256];
	struct state_map map; /* key hash -> struct users_entry */
	struct users_stats stats;
};

struct users *users_new(uint32_t max_entries, const char *procroot)
{
	struct users *u = calloc(1, sizeof(*u));

	if (!u)
		return NULL;
	u->max = max_entries ? max_entries : 4096;
	snprintf(u->procroot, sizeof(u->procroot), "%s", procroot ? procroot : "/proc");
	return u;
}

static void clear(struct users *u)
{
	uint32_t pos = 0;
	void *v;

	while (state_map_next(&u->map, &pos, NULL, &v))
		free(v);
	state_map_free(&u->map);
}

void users_free(struct users *u)
{
	if (!u)
		return;
	clear(u);
	free(u);
}

static uint64_t key_of(uint32_t id, bool group, const char *container)
{
	uint64_t h = 1469598103934665603ull;

	for (const char *c = container; *c; c++)
		h = (h ^ (uint8_t)*c) * 1099511628211ull;
	h = (h ^ group) * 1099511628211ull;
	return (h & 0xffffffff00000000ull) | id;
}

/* Search the container's own file (passwd or group) for id. */
/*
 * Open etc/NAME inside the container's root. The container controls that
 * tree: its symlinks are resolved inside its root (RESOLVE_IN_ROOT), never
 * against ours, and only a regular file is read.
 */
static FILE *open_in_root(const char *procroot, uint32_t pid, const char *name)
{
	struct open_how how = { .flags = O_RDONLY | O_CLOEXEC | O_NOCTTY | O_NONBLOCK,
				.resolve = RESOLVE_IN_ROOT | RESOLVE_NO_MAGICLINKS };
	char path[320];
	struct stat sb;
	int dirfd, fd;
	FILE *f;

	snprintf(path, sizeof(path), "%s/%u/root", procroot, pid);
	dirfd = open(path, O_PATH | O_DIRECTORY | O_CLOEXEC);
	if (dirfd < 0)
		return NULL;
	snprintf(path, sizeof(path), "etc/%s", name);
	fd = (int)syscall(SYS_openat2, dirfd, path, &how, sizeof(how));
	close(dirfd);
	if (fd < 0)
		return NULL;
	if (fstat(fd, &sb) < 0 || !S_ISREG(sb.st_mode) || !(f = fdopen(fd, "re"))) {
		close(fd);
		return NULL;
	}
	return f;
}

static bool from_file(struct users_entry *e, const char *root, uint32_t pid, bool *readable)
{
	bool found = false;
	FILE *f = open_in_root(root, pid, e->group ? "group" : "passwd");

	*readable = f != NULL;
	if (!f)
		return false;
	if (e->group) {
		struct group gr, *res;
		char buf[4096];

		while (!found && fgetgrent_r(f, &gr, buf, sizeof(buf), &res) == 0) {
			if (gr.gr_gid == e->id) {
				snprintf(e->name, sizeof(e->name), "%s", gr.gr_name);
				found = true;
			}
		}
	} else {
		struct passwd pw, *res;
		char buf[4096];

		while (!found && fgetpwent_r(f, &pw, buf, sizeof(buf), &res) == 0) {
			if (pw.pw_uid == e->id) {
				snprintf(e->name, sizeof(e->name), "%s", pw.pw_name);
				snprintf(e->home, sizeof(e->home), "%s", pw.pw_dir);
				found = true;
			}
		}
	}
	fclose(f);
	return found;
}

static bool from_host(struct users_entry *e)
{
	char buf[4096];

	if (e->group) {
		struct group gr, *res = NULL;

		if (getgrgid_r(e->id, &gr, buf, sizeof(buf), &res) != 0 || !res)
			return false;
		snprintf(e->name, sizeof(e->name), "%s", gr.gr_name);
	} else {
		struct passwd pw, *res = NULL;

		if (getpwuid_r(e->id, &pw, buf, sizeof(buf), &res) != 0 || !res)
			return false;
		snprintf(e->name, sizeof(e->name), "%s", pw.pw_name);
		snprintf(e->home, sizeof(e->home), "%s", pw.pw_dir);
	}
	return true;
}

static struct users_entry *lookup(struct users *u, uint32_t id, bool group, const char *container,
				  uint32_t pid)
{
	const char *cid = container && strcmp(container, "host") ? container : "";
	uint64_t key = key_of(id, group, cid);
	struct users_entry *e = state_map_get(&u->map, key);
	bool readable = false;

	if (e && e->id == id && e->group == group && !strcmp(e->container, cid)) {
		u->stats.hits++;
		return e;
	}
	u->stats.misses++;
	if (!e) {
		if (u->map.count >= u->max) {
			u->stats.evicted += u->map.count;
			clear(u);
		}
		e = malloc(sizeof(*e));
		if (!e)
			return NULL;
		if (state_map_put(&u->map, key, e) < 0) {
			free(e);
			return NULL;
		}
	}
	/* A colliding key: the newer id takes the slot. */
	*e = (struct users_entry){ .id = id, .group = group };
	snprintf(e->container, sizeof(e->container), "%s", cid);
	e->found = cid[0] && pid ? from_file(e, u->procroot, pid, &readable) : false;
	if (!e->found && !readable)
		e->found = from_host(e);
	if (!e->found)
		u->stats.failed++;
	return e;
}

const char *users_user_name(struct users *u, uint32_t uid, const char *container, uint32_t pid)
{
	struct users_entry *e = lookup(u, uid, false, container, pid);

	return e && e->found ? e->name : NULL;
}

const char *users_group_name(struct users *u, uint32_t gid, const char *container, uint32_t pid)
{
	struct users_entry *e = lookup(u, gid, true, container, pid);

	return e && e->found ? e->name : NULL;
}

const char *users_user_home(struct users *u, uint32_t uid, const char *container, uint32_t pid)
{
	struct users_entry *e = lookup(u, uid, false, container, pid);

	return e && e->found && e->home[0] ? e->home : NULL;
}

void users_get_stats(const struct users *u, struct users_stats *ret)
{
	*ret = u->stats;
	ret->cached = u->map.count;
}
