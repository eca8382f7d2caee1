/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Builds records in the shared ABI format from userspace: the ptrace
 * tracer, /proc snapshots, capture tests. Parameters are appended in table
 * order; the builder sizes fixed-width values from the table's types.
 */
#ifndef SAKER_RECBUILD_H
#define SAKER_RECBUILD_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "event.h"

struct rec_builder {
	uint8_t *buf;
	size_t cap;
	size_t off;
	uint16_t type;
	uint16_t next; /* index of the next parameter */
	uint16_t nparams; /* the table's count for this type */
	int err; /* first error, sticky */
};

void rb_begin(struct rec_builder *b, void *buf, size_t cap, uint16_t type, uint64_t ts,
	      uint32_t tid, uint32_t pid, int64_t res);
/* Numbers: written with the width the table gives the next parameter. */
void rb_num(struct rec_builder *b, uint64_t v);
/* Strings are cut to fit (and flagged truncated); NULL means absent. */
void rb_str(struct rec_builder *b, const char *s);
/* NUL-separated list from a buffer of len bytes (trailing NUL added). */
void rb_strlist(struct rec_builder *b, const char *list, size_t len);
void rb_bytes(struct rec_builder *b, const void *p, size_t len);
void rb_absent(struct rec_builder *b);
/* Addresses, in the ABI's encoding. Ports in host order. */
void rb_sockaddr_in(struct rec_builder *b, int family, const void *addr, uint16_t port);
void rb_sockaddr_un(struct rec_builder *b, const char *path);
void rb_tuple_in(struct rec_builder *b, int family, const void *laddr, uint16_t lport,
		 const void *raddr, uint16_t rport);
void rb_tuple_un(struct rec_builder *b, uint64_t local, uint64_t peer, const char *path);
/* Finish: unfilled parameters are absent. Returns the record length or -errno. */
int rb_end(struct rec_builder *b);

#endif /* SAKER_RECBUILD_H */
