// SPDX-License-Identifier: GPL-2.0-only
/*
 * /healthz and /metrics over libmicrohttpd (opened with dlopen when
 * webserver.listen is set, src/dlib.c). One polling thread, a few
 * connections, short timeouts: scrapers and probes, not the public.
 */
#include "config.h"

#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "util.h"
#include "webserver.h"

#ifdef HAVE_MICROHTTPD
#include "mhd.h"

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
	static const char *const fresh[] = { "Cache-Control", "no-store", NULL };
	static const char *const not_allowed[] = { "Cache-Control", "no-store", "Allow",
						   "GET, HEAD", NULL };

	return mhd_reply(c, code, type, body, len, code == 405 ? not_allowed : fresh);
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

int webserver_start(const char *listen, struct webserver **ret, char *err, size_t errlen)
{
	const struct MHD_OptionItem opts[] = {
		{ MHD_OPTION_CONNECTION_LIMIT, WEB_MAX_CONNECTIONS, NULL },
		{ MHD_OPTION_PER_IP_CONNECTION_LIMIT, WEB_PER_IP_CONNECTIONS, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, WEB_TIMEOUT_S, NULL },
		{ MHD_OPTION_END, 0, NULL },
	};
	struct sockaddr_storage ss;
	struct webserver *w;
	bool loopback;
	int r = mhd_address("webserver.listen", listen, &ss, &loopback, err, errlen);

	if (r < 0)
		return r;
	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	pthread_mutex_init(&w->lock, NULL);
	r = mhd_start("webserver.listen", &ss, 0, on_request, w, opts, &w->d, err, errlen);
	if (r < 0) {
		if (r != -ENOTSUP)
			snprintf(err, errlen, "webserver.listen %s: %s", listen, strerror(-r));
		webserver_stop(w);
		return r;
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
