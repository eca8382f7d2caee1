/* SPDX-License-Identifier: GPL-2.0-only */
/* Names of FLAGS and ENUM parameter values, rendered the way Falco renders them. */
#ifndef SAKER_FLAGNAMES_H
#define SAKER_FLAGNAMES_H

#include <stddef.h>
#include <stdint.h>

#include "saker_abi.h"

/*
 * Render value of the given set into buf (snprintf semantics: returns the
 * length the full text needs). Flag sets join names with '|'; enums give
 * one name. Bits or values without a name are rendered in hex.
 */
size_t flagnames_format(enum saker_flagset set, uint32_t value, char *buf, size_t len);
/* The name of the set, for `saker list-events`. */
const char *flagnames_set_name(enum saker_flagset set);

#endif /* SAKER_FLAGNAMES_H */
