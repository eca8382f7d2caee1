/* SPDX-License-Identifier: GPL-2.0-only */
/* Text rendering of events and their parameters (replay, list output, evt.arg.*). */
#ifndef SAKER_EVTFMT_H
#define SAKER_EVTFMT_H

#include <stddef.h>

#include "event.h"

/*
 * Render parameter idx of e into buf as text, Falco style: numbers in
 * decimal, flags by name, addresses as ip:port, tuples as
 * "lip:lport->rip:rport", argv/env lists space-separated. Returns the length
 * the full text needs (snprintf semantics), or -1 if the parameter is absent.
 */
int evtfmt_param(const struct evt *e, int idx, char *buf, size_t len);
/* One line per event: "num ts tid comm? type(res) name=value ...". */
int evtfmt_line(const struct evt *e, char *buf, size_t len);
/* Render an address from the ABI encoding (fam byte first). */
int evtfmt_sockaddr(const uint8_t *v, size_t n, char *buf, size_t len);
int evtfmt_tuple(const uint8_t *v, size_t n, char *buf, size_t len);

#endif /* SAKER_EVTFMT_H */
