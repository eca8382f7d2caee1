/* SPDX-License-Identifier: GPL-2.0-only */
/* Small helpers shared by the daemon's modules. */
#ifndef SAKER_UTIL_H
#define SAKER_UTIL_H

#include <stdbool.h>
#include <stdint.h>
#include <stdlib.h>
#include <sys/socket.h>
#include <time.h>

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#define ARRAY_SIZE(a) (sizeof(a) / sizeof((a)[0]))

static inline void freep(void *p)
{
	free(*(void **)p);
}
#define _cleanup_free_ __attribute__((cleanup(freep)))

static inline uint64_t clock_ns(clockid_t id)
{
	struct timespec ts;

	clock_gettime(id, &ts);
	return (uint64_t)ts.tv_sec * 1000000000ull + (uint64_t)ts.tv_nsec;
}

/* Epoch ns minus CLOCK_BOOTTIME ns: what turns driver timestamps into epoch time. */
uint64_t util_boot_offset_ns(void);
/* RFC 3339 time (zone required, fraction optional) to ns since the epoch; -EINVAL. */
int util_parse_rfc3339(const char *s, uint64_t *ret);
/*
 * "ADDRESS:PORT" to listen on: "127.0.0.1:9765", "[::1]:9765", ":9765" (every
 * IPv4 address); *ret_loopback tells whether only this host can connect. -EINVAL.
 */
int util_parse_listen(const char *s, struct sockaddr_storage *ss, bool *ret_loopback);

#endif /* SAKER_UTIL_H */
