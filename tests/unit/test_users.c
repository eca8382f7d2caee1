// SPDX-License-Identifier: GPL-2.0-only
/* User and group names: the host's databases, a container's files, the bound. */
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "tap.h"
#include "users.h"

static void write_file(const char *path, const char *text)
{
	FILE *f = fopen(path, "w");

	if (!f)
		tap_skip_all("cannot write %s", path);
	fputs(text, f);
	fclose(f);
}

static void mkdirs(const char *path)
{
	char cmd[512];

	snprintf(cmd, sizeof(cmd), "mkdir -p '%s'", path);
	if (system(cmd) != 0)
		tap_skip_all("cannot create %s", path);
}

int main(void)
{
	char root[] = "/tmp/test_users.XXXXXX", path[256];
	struct users_stats s;
	struct users *u;

	if (!mkdtemp(root))
		tap_skip_all("no temporary directory");
	/* A fake procroot: process 4242's root has its own /etc. */
	snprintf(path, sizeof(path), "%s/4242", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/4242/root", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/4242/root/etc", root);
	mkdir(path, 0700);
	snprintf(path, sizeof(path), "%s/4242/root/etc/passwd", root);
	write_file(path, "root:x:0:0:root:/root:/bin/sh\nwww:x:33:33::/var/www:/bin/false\n");
	snprintf(path, sizeof(path), "%s/4242/root/etc/group", root);
	write_file(path, "root:x:0:\nwebgrp:x:33:\n");

	/* Process 4343's passwd is an absolute symlink: it must resolve in its root. */
	snprintf(path, sizeof(path), "%s/4343/root/etc", root);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/4343/root/data", root);
	mkdirs(path);
	snprintf(path, sizeof(path), "%s/4343/root/data/passwd", root);
	write_file(path, "inroot:x:77:77::/:/bin/sh\n");
	snprintf(path, sizeof(path), "%s/4343/root/etc/passwd", root);
	if (symlink("/data/passwd", path) < 0)
		tap_skip_all("cannot make a symlink");

	u = users_new(16, root);
	tap_is_str(users_user_name(u, 77, "0123456789ab", 4343), "inroot",
		   "container symlinks resolve inside the container's root");
	tap_is_str(users_user_name(u, 0, NULL, 0), "root", "host uid 0 is root");
	tap_is_str(users_group_name(u, 0, "host", 1), "root", "host gid 0 is root");
	tap_is_str(users_user_home(u, 0, NULL, 0), "/root", "root's home");
	tap_ok(users_user_name(u, 3999999999u, NULL, 0) == NULL, "an unknown uid has no name");
	tap_is_str(users_user_name(u, 33, "abcdef012345", 4242), "www",
		   "container uid 33 named from the container's passwd");
	tap_is_str(users_group_name(u, 33, "abcdef012345", 4242), "webgrp",
		   "container gid 33 named from the container's group");
	tap_ok(users_user_name(u, 1234, "abcdef012345", 4242) == NULL,
	       "a uid missing from a readable container passwd has no name");
	tap_is_str(users_user_name(u, 0, "fedcba987654", 9999), "root",
		   "unreadable container root: the host's database");
	users_get_stats(u, &s);
	tap_ok(s.failed == 2, "failed look-ups counted (%llu)", (unsigned long long)s.failed);
	users_user_name(u, 0, NULL, 0);
	users_get_stats(u, &s);
	tap_ok(s.hits >= 1, "a repeated look-up hits the cache");
	for (uint32_t i = 0; i < 40; i++)
		users_user_name(u, 500000 + i, NULL, 0);
	users_get_stats(u, &s);
	tap_ok(s.cached <= 16, "cache stays within its bound (%llu)", (unsigned long long)s.cached);
	tap_ok(s.evicted > 0, "evictions counted");
	users_free(u);
	users_free(NULL);

	snprintf(path, sizeof(path), "rm -rf '%s'", root);
	if (system(path) != 0)
		tap_diag("could not remove %s", root);
	return tap_done();
}
