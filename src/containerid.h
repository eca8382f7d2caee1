/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Container ids from cgroup paths, for the runtimes that encode them there:
 * docker, containerd/CRI, CRI-O, podman/libpod, LXC and systemd-nspawn.
 * A process in none of them is "host".
 */
#ifndef SAKER_CONTAINERID_H
#define SAKER_CONTAINERID_H

#include <stdbool.h>
#include <stddef.h>

enum containerid_runtime {
	CONTAINERID_HOST = 0,
	CONTAINERID_DOCKER,
	CONTAINERID_CONTAINERD, /* containerd's CRI plugin, or k8s cgroupfs */
	CONTAINERID_CRIO,
	CONTAINERID_PODMAN,
	CONTAINERID_LXC,
	CONTAINERID_NSPAWN,
};

#define CONTAINERID_FULL_MAX 128

struct containerid {
	enum containerid_runtime runtime;
	/* container.id: 12 hex digits for hash-named runtimes, else the name. */
	char id[CONTAINERID_FULL_MAX];
	char full[CONTAINERID_FULL_MAX]; /* the full id or name */
};

/* From one cgroup path ("/docker/<64 hex>"). Returns true if it names a container. */
bool containerid_from_path(const char *path, size_t len, struct containerid *ret);
/*
 * From a process's cgroup list ("subsys=path", NUL-separated, len bytes):
 * the first path that names a container, else "host". Always fills ret.
 */
void containerid_from_cgroups(const char *list, size_t len, struct containerid *ret);
const char *containerid_runtime_name(enum containerid_runtime rt);

#endif /* SAKER_CONTAINERID_H */
