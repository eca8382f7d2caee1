/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The container.* and k8s.* fields answered from the runtime metadata
 * (container.h). The evaluation's data is a struct fields_state_data whose
 * containers member points at the daemon's struct container_meta.
 */
#ifndef SAKER_FIELDS_CONTAINER_H
#define SAKER_FIELDS_CONTAINER_H

/* Install the extractors, after fields_state_register(). Returns the count or -errno. */
int fields_container_register(void);

#endif /* SAKER_FIELDS_CONTAINER_H */
