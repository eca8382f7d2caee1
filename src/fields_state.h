/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The proc.* thread.* fd.* user.* group.* container.* fields, answered from
 * the state tables. The daemon passes a struct fields_state_data as the
 * opaque data of each evaluation.
 */
#ifndef SAKER_FIELDS_STATE_H
#define SAKER_FIELDS_STATE_H

#include "state.h"

struct container_meta;

struct fields_state_data {
	struct state *st;
	const struct state_evctx *ev;
	const struct container_meta *containers; /* container.* metadata; NULL: none */
};

/* Install the extractors (once, before evaluating events). Returns the count or -errno. */
int fields_state_register(void);

/* "CAP_CHOWN CAP_KILL ..." for a capability set; snprintf semantics. */
int fields_caps_format(uint64_t caps, char *buf, size_t len);

#endif /* SAKER_FIELDS_STATE_H */
