/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon's HTTP endpoints (webserver.listen): GET /healthz answers 200
 * while the event loop publishes, 503 once it has not for
 * WEBSERVER_STALE_S; GET /metrics answers the last published page of
 * metrics in the Prometheus text format. The loop renders and publishes;
 * the server's own thread only copies what was published, so a scrape
 * never touches the daemon's state.
 */
#ifndef SAKER_WEBSERVER_H
#define SAKER_WEBSERVER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define WEBSERVER_STALE_S 10

struct webserver;

/* Listen on "ADDRESS:PORT" (port 0: any free one). 0, or -errno with err set. */
int webserver_start(const char *listen, struct webserver **ret, char *err, size_t errlen);
/* The port it listens on. */
unsigned webserver_port(const struct webserver *w);
/*
 * The loop made progress at now (CLOCK_MONOTONIC ns): /metrics serves page
 * (malloc'd, taken over) from now on, or the last one when page is NULL.
 */
void webserver_publish(struct webserver *w, char *page, uint64_t now);
void webserver_stop(struct webserver *w);

#endif /* SAKER_WEBSERVER_H */
