// SPDX-License-Identifier: GPL-2.0-only
/*
 * /healthz and /metrics over libmicrohttpd (opened with dlopen when
 * webserver.listen is set, src/dlib.c). One polling thread, a few
 * connections, short timeouts: scrapers and probes, not the public.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "webserver.h"

#ifdef HAVE_MICROHTTPD
#include "dlib.h"

/* A host holding its share of idle connections cannot keep a probe out. */
#define WEB_MAX_CONNECTIONS 64
#define WEB_PER_IP_CONNECTIONS 8
#define WEB_TIMEOUT_S 5

struct webserver {
	struct MHD_Daemon *d;
	pthread_mutex_t lock;
	char *page; /* the last published metrics; NULL before the first */
	size_t len;
	uint64_t published_at; /* CLOCK_MONOTONIC ns */
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *type,
			     const char *body, size_t len)
{
	struct MHD_Response *r =
		sym_MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	sym_MHD_add_response_header(r, "Content-Type", type);
	sym_MHD_add_response_header(r, "Cache-Control", "no-store");
	if (code == 405)
		sym_MHD_add_response_header(r, "Allow", "GET, HEAD");
	ret = sym_MHD_queue_response(c, code, r);
	sym_MHD_destroy_response(r);
	return ret;
}

static enum MHD_Result text(struct MHD_Connection *c, unsigned code, const char *s)
{
	return reply(c, code, "text/plain; charset=utf-8", s, strlen(s));
}

static enum MHD_Result healthz(struct webserver *w, struct MHD_Connection *c)
{
	uint64_t at, now;
	char body[128];
	bool ok;

	pthread_mutex_lock(&w->lock);
	at = w->published_at;
	pthread_mutex_unlock(&w->lock);
	/* Read after at: a publish in between must not look like the future. */
	now = clock_ns(CLOCK_MONOTONIC);
	ok = at && now - at < WEBSERVER_STALE_S * 1000000000ull;
	if (ok)
		snprintf(body, sizeof(body), "{\"status\": \"ok\"}\n");
	else if (!at)
		snprintf(body, sizeof(body), "{\"status\": \"starting\"}\n");
	else
		snprintf(body, sizeof(body),
			 "{\"status\": \"stalled\", \"seconds_since_progress\": %llu}\n",
			 (unsigned long long)((now - at) / 1000000000ull));
	return reply(c, ok ? 200 : 503, "application/json", body, strlen(body));
}

static enum MHD_Result metrics(struct webserver *w, struct MHD_Connection *c)
{
	enum MHD_Result ret;

	pthread_mutex_lock(&w->lock);
	/* MUST_COPY: the page may be replaced as soon as the lock is let go. */
	if (w->page)
		ret = reply(c, 200, "text/plain; version=0.0.4; charset=utf-8", w->page, w->len);
	else
		ret = text(c, 503, "no metrics published yet\n");
	pthread_mutex_unlock(&w->lock);
	return ret;
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *upload,
				  size_t *upload_len, void **ctx)
{
	struct webserver *w = cls;

	if (strcmp(method, "GET") && strcmp(method, "HEAD"))
		return text(c, 405, "only GET and HEAD\n");
	if (!strcmp(url, "/healthz"))
		return healthz(w, c);
	if (!strcmp(url, "/metrics"))
		return metrics(w, c);
	return text(c, 404, "not found: saker serves /healthz and /metrics\n");
}

static void quiet(void *cls, const char *fmt, va_list ap)
{
}

int webserver_start(const char *listen, struct webserver **ret, char *err, size_t errlen)
{
	struct sockaddr_storage ss;
	struct webserver *w;
	bool loopback;
	char why[256];
	unsigned flags = MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	sigset_t all, old;
	int e;

	if (util_parse_listen(listen, &ss, &loopback) < 0) {
		snprintf(err, errlen, "webserver.listen '%s' is not ADDRESS:PORT", listen);
		return -EINVAL;
	}
	if (dlib_mhd(why, sizeof(why)) < 0) {
		snprintf(err, errlen, "webserver.listen: %s", why);
		return -ENOTSUP;
	}
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	pthread_mutex_init(&w->lock, NULL);
	if (ss.ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	/* The server's thread takes no signals: they are the event loop's. */
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	errno = 0;
	w->d = sym_MHD_start_daemon(flags, 0, NULL, NULL, on_request, w, MHD_OPTION_SOCK_ADDR, &ss,
				    MHD_OPTION_CONNECTION_LIMIT, (unsigned)WEB_MAX_CONNECTIONS,
				    MHD_OPTION_PER_IP_CONNECTION_LIMIT,
				    (unsigned)WEB_PER_IP_CONNECTIONS, MHD_OPTION_CONNECTION_TIMEOUT,
				    (unsigned)WEB_TIMEOUT_S, MHD_OPTION_EXTERNAL_LOGGER, quiet, w,
				    MHD_OPTION_END);
	e = errno ? errno : EADDRINUSE;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	if (!w->d) {
		snprintf(err, errlen, "webserver.listen %s: %s", listen, strerror(e));
		webserver_stop(w);
		return -e;
	}
	*ret = w;
	return 0;
}

unsigned webserver_port(const struct webserver *w)
{
	const union MHD_DaemonInfo *i = sym_MHD_get_daemon_info(w->d, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}

void webserver_publish(struct webserver *w, char *page, uint64_t now)
{
	char *old = NULL;

	/* Without a page (no memory to render it) the loop still made progress. */
	pthread_mutex_lock(&w->lock);
	if (page) {
		old = w->page;
		w->page = page;
		w->len = strlen(page);
	}
	w->published_at = now;
	pthread_mutex_unlock(&w->lock);
	free(old);
}

void webserver_stop(struct webserver *w)
{
	if (!w)
		return;
	if (w->d)
		sym_MHD_stop_daemon(w->d);
	pthread_mutex_destroy(&w->lock);
	free(w->page);
	free(w);
}

#else /* !HAVE_MICROHTTPD */

int webserver_start(const char *listen, struct webserver **ret, char *err, size_t errlen)
{
	snprintf(err, errlen, "webserver.listen: saker was built without libmicrohttpd");
	return -ENOTSUP;
}

unsigned webserver_port(const struct webserver *w)
{
	return 0;
}

void webserver_publish(struct webserver *w, char *page, uint64_t now)
{
	free(page);
}

void webserver_stop(struct webserver *w)
{
}

#endif
