/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * systemd service notification, kept behind this one file: readiness,
 * status, reloading/stopping and watchdog pings. Without libsystemd (or
 * when not started by systemd) every call is a no-op that returns 0.
 */
#ifndef SAKER_SDNOTIFY_H
#define SAKER_SDNOTIFY_H

#include <stdbool.h>
#include <stdint.h>

/* Watchdog interval in microseconds, 0 when systemd does not expect pings. */
uint64_t sdn_watchdog_usec(void);
int sdn_ready(const char *status);
int sdn_status(const char *status);
int sdn_reloading(void);
int sdn_stopping(void);
int sdn_watchdog(void);
/* True when started as a systemd service ($INVOCATION_ID or $NOTIFY_SOCKET). */
bool sdn_under_systemd(void);

#endif /* SAKER_SDNOTIFY_H */
