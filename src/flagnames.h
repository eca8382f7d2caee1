/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Names of FLAGS and ENUM parameter values, rendered the way Falco renders
 * evt.arg.NAME, so rule conditions such as `evt.arg.flags contains O_TRUNC`
 * or `evt.arg.cmd=BPF_PROG_LOAD` mean the same here. Drivers send raw
 * x86_64 kernel values; the tables below hold those values.
 */
#ifndef SAKER_FLAGNAMES_H
#define SAKER_FLAGNAMES_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker_abi.h"

/*
 * Render value of the given set into buf (snprintf semantics: returns the
 * length the full text needs, buf is always terminated when len > 0).
 *
 * Flag sets: the names of the set bits joined with '|', in table order
 * (Falco's order where Falco has the set); open flags always start from the
 * access mode (O_RDONLY, O_WRONLY or O_RDWR). Bits without a name are left
 * out, as Falco does; when no name applies at all (zero, or only unknown
 * bits) the value is rendered in decimal, which is what Falco's evt.arg
 * falls back to.
 *
 * Enum sets: the one name of the value. Unknown fcntl commands and ptrace
 * requests render as UNKNOWN and PTRACE_UNKNOWN (Falco's drivers map them
 * so); other unknown values render in decimal.
 */
size_t flagnames_format(enum saker_flagset set, uint32_t value, char *buf, size_t len);
/* The name of the set ("open", "clone", ...), for `saker list-events`. */
const char *flagnames_set_name(enum saker_flagset set);
/* True for sets whose values are one enumerated name rather than bits. */
bool flagnames_set_is_enum(enum saker_flagset set);

#endif /* SAKER_FLAGNAMES_H */
