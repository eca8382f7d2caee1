/* SPDX-License-Identifier: GPL-2.0-only */
/* The kernel module source: records from saker.ko's per-CPU rings. */
#ifndef SAKER_SRC_KMOD_H
#define SAKER_SRC_KMOD_H

#include <stddef.h>

#include "source.h"

#define SRC_KMOD_DEVICE "/dev/saker"

/*
 * Attach to the module's device (SRC_KMOD_DEVICE when device is NULL),
 * check its ABI version, map the rings and start capturing every event type
 * until set_interest narrows it. On failure err says what to do; a module
 * of another ABI major version is refused with -EPROTO.
 */
int src_kmod_open(const char *device, struct source **ret, char *err, size_t errlen);

#endif /* SAKER_SRC_KMOD_H */
