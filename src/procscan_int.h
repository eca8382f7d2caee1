/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by procscan.c and procscan_fd.c. */
#ifndef SAKER_PROCSCAN_INT_H
#define SAKER_PROCSCAN_INT_H

#include <stdbool.h>
#include <sys/types.h>

#include "procscan.h"
#include "recbuild.h"
#include "state_map.h"

struct procscan_ctx {
	const char *root;
	unsigned flags;
	procscan_emit_fn emit;
	void *opaque;
	uint8_t *rec; /* SAKER_REC_MAX bytes */
	char *buf; /* scratch for file contents */
	size_t buflen;
	int emitted;
	/* Socket inode -> struct procscan_sock of the last network namespace read. */
	uint64_t netns;
	bool netns_loaded;
	struct state_map socks;
};

struct procscan_sock {
	uint8_t family, proto;
	uint8_t laddr[16], raddr[16];
	uint16_t lport, rport;
	char path[]; /* unix sockets */
};

#define PROCSCAN_MAX_SOCKS 65536u
#define PROCSCAN_MAX_FDS 65536u

/* Read a /proc file into buf (NUL-terminated, at most max bytes). */
ssize_t procscan_read(const char *path, char *buf, size_t max);
/*
 * FD_SNAPSHOT records of thread tid's fd table (process pid), read through
 * /proc/TID/fd: fd alone (none if it is not open) or, fd < 0, every fd.
 */
int procscan_fds(struct procscan_ctx *c, uint32_t tid, uint32_t pid, int64_t fd);
int procscan_finish(struct procscan_ctx *c, struct rec_builder *b);
void procscan_socks_free(struct procscan_ctx *c);

#endif /* SAKER_PROCSCAN_INT_H */
