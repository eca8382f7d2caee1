/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Text rendering of events and their parameters, following Falco's text
 * conventions where saker's parameter means the same as Falco's:
 *
 * - evtfmt_param() is what Falco's evt.arg.NAME gives: the resolved text
 *   when the value has one (flag and enum names, mode bits as S_I* names,
 *   user and group names, signal names, errno names of negative results),
 *   else the raw value. Resolutions that need process state (fd names,
 *   paths made absolute against the cwd or a dirfd) are the state module's.
 * - evtfmt_param_raw() is the raw value alone (Falco's evt.rawarg as text).
 * - evtfmt_line() shows both, Falco's evt.args style: "raw(resolved)".
 *
 * Every function has snprintf semantics: it writes at most len bytes, always
 * terminated when len > 0, and returns the length the full text needs.
 */
#ifndef SAKER_EVTFMT_H
#define SAKER_EVTFMT_H

#include <stddef.h>

#include "event.h"

/* Parameter idx of e as evt.arg renders it; -1 if the parameter is absent. */
int evtfmt_param(const struct evt *e, int idx, char *buf, size_t len);
/* Parameter idx of e without name resolution; -1 if absent. */
int evtfmt_param_raw(const struct evt *e, int idx, char *buf, size_t len);
/* The result as Falco's evt.res: SUCCESS when >= 0, else the errno name. */
int evtfmt_res(const struct evt *e, char *buf, size_t len);
/*
 * One line per event: "num HH:MM:SS.ns tid/pid type res_name=res name=value ...".
 * Absent parameters are left out, truncated ones end in "...", and control
 * characters are replaced by '.' so a line stays one line.
 */
int evtfmt_line(const struct evt *e, char *buf, size_t len);
/* Render an address from the ABI encoding (family byte first, n bytes). */
int evtfmt_sockaddr(const uint8_t *v, size_t n, char *buf, size_t len);
int evtfmt_tuple(const uint8_t *v, size_t n, char *buf, size_t len);

#endif /* SAKER_EVTFMT_H */
