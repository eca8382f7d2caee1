// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit webhook: kube-apiserver's webhook backend POSTs an EventList
 * (or an Event) as JSON. libmicrohttpd serves it from its own thread, with
 * TLS through its GnuTLS support. A request must carry every credential
 * configured: the bearer token of k8s_audit.token_file, and a client
 * certificate signed by k8s_audit.tls.client_ca. Plain HTTP is served only
 * when asked for, and only on a loopback address.
 *
 * Answers: 200 queued, 400 malformed (counted), 401/403 credentials,
 * 404 path, 405 method, 413 body over max_body, 503 queue full (the
 * apiserver retries a batch it could not deliver).
 */
#include "config.h"

#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "k8saudit_int.h"

#ifdef HAVE_MICROHTTPD
#include "mhd.h"

const bool k8sa_have_webhook = true;

#define HTTP_MAX_CONNECTIONS 64
#define HTTP_TIMEOUT_S 30
#define TOKEN_MAX 4096
#define PEM_MAX (1u << 20)

struct k8sa_http {
	struct k8sa *k;
	struct MHD_Daemon *d;
	char *path;
	char *token; /* NULL: no token required */
	size_t token_len;
	bool client_certs;
	size_t buffered; /* bytes of bodies in memory, all connections (atomic) */
	char *key, *cert, *ca; /* PEM, alive as long as the daemon */
};

/* One request's body. */
struct body {
	char *buf;
	size_t len, cap;
	bool too_large, busy;
};

static enum MHD_Result reply(struct MHD_Connection *c, unsigned code, const char *text)
{
	static const char *const bearer[] = { "WWW-Authenticate", "Bearer", NULL };

	return mhd_reply(c, code, "text/plain", text, strlen(text), code == 401 ? bearer : NULL);
}

/* Compares in time independent of where the strings differ. */
static bool same_secret(const char *a, size_t alen, const char *b, size_t blen)
{
	unsigned char diff = alen != blen;

	for (size_t i = 0; i < alen; i++)
		diff |= (unsigned char)a[i] ^ (unsigned char)(i < blen ? b[i] : 0);
	return diff == 0;
}

static bool token_ok(struct k8sa_http *h, struct MHD_Connection *c)
{
	const char *v = sym_MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Authorization");

	if (!h->token)
		return true;
	if (!v || strncasecmp(v, "Bearer ", 7))
		return false;
	v += 7;
	while (*v == ' ')
		v++;
	return same_secret(h->token, h->token_len, v, strnlen(v, TOKEN_MAX + 1));
}

static bool cert_ok(struct k8sa_http *h, struct MHD_Connection *c)
{
	const union MHD_ConnectionInfo *ci;
	unsigned status = 0, n = 0;
	gnutls_session_t s;

	if (!h->client_certs)
		return true;
	ci = sym_MHD_get_connection_info(c, MHD_CONNECTION_INFO_GNUTLS_SESSION);
	if (!ci || !ci->tls_session)
		return false;
	s = (gnutls_session_t)ci->tls_session;
	if (!sym_gnutls_certificate_get_peers(s, &n) || !n)
		return false;
	return sym_gnutls_certificate_verify_peers2(s, &status) == 0 && status == 0;
}

/* The first call for a request: everything decided before reading the body. */
static enum MHD_Result begin(struct k8sa_http *h, struct MHD_Connection *c, const char *url,
			     const char *method, void **ctx)
{
	const char *cl = sym_MHD_lookup_connection_value(c, MHD_HEADER_KIND, "Content-Length");
	struct body *b;

	K8SA_COUNT(h->k, requests);
	if (!cert_ok(h, c)) {
		K8SA_COUNT(h->k, unauthorized);
		return reply(c, 403, "client certificate required\n");
	}
	if (!token_ok(h, c)) {
		K8SA_COUNT(h->k, unauthorized);
		return reply(c, 401, "unauthorized\n");
	}
	if (strcmp(url, h->path)) {
		K8SA_COUNT(h->k, rejected);
		return reply(c, 404, "not found\n");
	}
	if (strcmp(method, "POST")) {
		K8SA_COUNT(h->k, rejected);
		return reply(c, 405, "only POST\n");
	}
	if (cl && strtoull(cl, NULL, 10) > h->k->max_body) {
		K8SA_COUNT(h->k, too_large);
		return reply(c, 413, "body too large\n");
	}
	b = calloc(1, sizeof(*b));
	if (!b)
		return MHD_NO;
	*ctx = b;
	return MHD_YES;
}

static void append(struct k8sa_http *h, struct body *b, const char *p, size_t n)
{
	size_t cap = b->cap ? b->cap : 65536, limit = h->k->max_body * K8SA_MAX_BUFFERED_BODIES;
	char *nb;

	if (b->too_large || b->busy || b->len + n > h->k->max_body) {
		b->too_large = !b->busy; /* chunked or lying Content-Length: read and drop */
		return;
	}
	if (b->len + n > b->cap) {
		while (cap < b->len + n)
			cap *= 2;
		if (cap > h->k->max_body)
			cap = h->k->max_body;
		/* Every connection may hold a body: their sum is bounded too. */
		if (__atomic_add_fetch(&h->buffered, cap - b->cap, __ATOMIC_RELAXED) > limit ||
		    !(nb = realloc(b->buf, cap))) {
			__atomic_sub_fetch(&h->buffered, cap - b->cap, __ATOMIC_RELAXED);
			b->busy = true;
			return;
		}
		b->buf = nb;
		b->cap = cap;
	}
	memcpy(b->buf + b->len, p, n);
	b->len += n;
}

static enum MHD_Result finish(struct k8sa_http *h, struct MHD_Connection *c, struct body *b)
{
	struct k8sa_event **evs = NULL;
	size_t n = 0;
	char err[256], msg[320];
	int r;

	if (b->too_large) {
		K8SA_COUNT(h->k, too_large);
		return reply(c, 413, "body too large\n");
	}
	if (b->busy) {
		K8SA_COUNT(h->k, rejected);
		return reply(c, 503, "busy, retry\n");
	}
	r = k8sa_parse(b->buf ? b->buf : "", b->len, &evs, &n, err, sizeof(err));
	if (r == -E2BIG) {
		K8SA_COUNT(h->k, too_large);
		snprintf(msg, sizeof(msg), "too large: %s\n", err);
		return reply(c, 413, msg);
	}
	if (r < 0) {
		K8SA_COUNT(h->k, bad_json);
		snprintf(msg, sizeof(msg), "bad request: %s\n", err);
		return reply(c, r == -ENOMEM ? 500 : 400, msg);
	}
	r = k8sa_queue_push(h->k, evs, n);
	if (r < 0) {
		for (size_t i = 0; i < n; i++)
			k8sa_event_free(evs[i]);
		free(evs);
		K8SA_COUNT(h->k, rejected);
		return reply(c, 503, "busy, retry\n");
	}
	free(evs);
	return reply(c, 200, "ok\n");
}

static enum MHD_Result on_request(void *cls, struct MHD_Connection *c, const char *url,
				  const char *method, const char *version, const char *data,
				  size_t *data_size, void **ctx)
{
	struct k8sa_http *h = cls;
	struct body *b = *ctx;

	if (!b)
		return begin(h, c, url, method, ctx);
	if (*data_size) {
		append(h, b, data, *data_size);
		*data_size = 0;
		return MHD_YES;
	}
	return finish(h, c, b);
}

static void on_done(void *cls, struct MHD_Connection *c, void **ctx,
		    enum MHD_RequestTerminationCode why)
{
	struct k8sa_http *h = cls;
	struct body *b = *ctx;

	if (b) {
		__atomic_sub_fetch(&h->buffered, b->cap, __ATOMIC_RELAXED);
		free(b->buf);
		free(b);
		*ctx = NULL;
	}
}

static int load(const char *what, const char *path, size_t max, char **ret, char *err,
		size_t errlen)
{
	size_t n;
	int r = k8sa_read_small(path, max, ret, &n);

	if (r < 0)
		snprintf(err, errlen, "%s '%s': %s", what, path, strerror(-r));
	return r;
}

static int load_token(struct k8sa_http *h, const char *path, char *err, size_t errlen)
{
	int r = load("k8s_audit.token_file", path, TOKEN_MAX, &h->token, err, errlen);

	if (r < 0)
		return r;
	h->token_len = strlen(h->token);
	while (h->token_len && strchr(" \t\r\n", h->token[h->token_len - 1]))
		h->token[--h->token_len] = 0;
	if (!h->token_len) {
		snprintf(err, errlen, "k8s_audit.token_file '%s' is empty", path);
		return -EINVAL;
	}
	return 0;
}

static int check_config(const struct k8sa_config *c, bool loopback, char *err, size_t errlen)
{
	if (c->plain_http && !loopback) {
		snprintf(err, errlen,
			 "k8s_audit.plain_http serves audit events unencrypted: only on a "
			 "loopback address (127.0.0.1:PORT or [::1]:PORT), not '%s'",
			 c->listen);
		return -EINVAL;
	}
	if (!c->plain_http && (!c->tls_cert || !c->tls_key)) {
		snprintf(err, errlen,
			 "k8s_audit.listen needs k8s_audit.tls.cert and k8s_audit.tls.key "
			 "(or k8s_audit.plain_http on loopback)");
		return -EINVAL;
	}
	if (!c->plain_http && !c->token_file && !c->tls_client_ca) {
		snprintf(err, errlen,
			 "k8s_audit.listen needs authentication: k8s_audit.token_file and/or "
			 "k8s_audit.tls.client_ca");
		return -EINVAL;
	}
	if (c->plain_http && c->tls_client_ca) {
		snprintf(err, errlen, "k8s_audit.tls.client_ca needs TLS (plain_http is on)");
		return -EINVAL;
	}
	return 0;
}

static int start(struct k8sa_http *h, const struct k8sa_config *c, struct sockaddr_storage *ss,
		 char *err, size_t errlen)
{
	struct MHD_OptionItem opts[8] = {
		{ MHD_OPTION_CONNECTION_LIMIT, HTTP_MAX_CONNECTIONS, NULL },
		{ MHD_OPTION_CONNECTION_TIMEOUT, HTTP_TIMEOUT_S, NULL },
		{ MHD_OPTION_NOTIFY_COMPLETED, (intptr_t)on_done, h },
	};
	unsigned flags = 0, n = 3;
	int r;

	if (!c->plain_http)
		flags |= MHD_USE_TLS;
	/* HTTPS options without MHD_USE_TLS make libmicrohttpd refuse to start. */
	if (!c->plain_http) {
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_KEY, 0, h->key };
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_CERT, 0, h->cert };
	}
	if (h->ca)
		opts[n++] = (struct MHD_OptionItem){ MHD_OPTION_HTTPS_MEM_TRUST, 0, h->ca };
	opts[n] = (struct MHD_OptionItem){ MHD_OPTION_END, 0, NULL };
	r = mhd_start("k8s_audit.listen", ss, flags, on_request, h, opts, &h->d, err, errlen);
	if (r < 0 && r != -ENOTSUP)
		snprintf(err, errlen,
			 "k8s_audit.listen '%s': cannot serve (%s; TLS key and certificate "
			 "must be PEM and match)",
			 c->listen, strerror(-r));
	return r;
}

int k8sa_http_start(struct k8sa *k, const struct k8sa_config *c, struct k8sa_http **ret, char *err,
		    size_t errlen)
{
	struct sockaddr_storage ss;
	struct k8sa_http *h;
	bool loopback = false;
	int r = mhd_address("k8s_audit.listen", c->listen, &ss, &loopback, err, errlen);

	if (r == 0)
		r = check_config(c, loopback, err, errlen);
	if (r < 0)
		return r;
	h = calloc(1, sizeof(*h));
	if (!h)
		return -ENOMEM;
	h->k = k;
	h->path = strdup(c->path ? c->path : K8SA_DEFAULT_PATH);
	r = h->path ? 0 : -ENOMEM;
	if (r == 0 && c->token_file)
		r = load_token(h, c->token_file, err, errlen);
	if (r == 0 && !c->plain_http)
		r = load("k8s_audit.tls.key", c->tls_key, PEM_MAX, &h->key, err, errlen);
	if (r == 0 && !c->plain_http)
		r = load("k8s_audit.tls.cert", c->tls_cert, PEM_MAX, &h->cert, err, errlen);
	if (r == 0 && c->tls_client_ca)
		r = load("k8s_audit.tls.client_ca", c->tls_client_ca, PEM_MAX, &h->ca, err, errlen);
	h->client_certs = h->ca != NULL;
	if (r == 0)
		r = start(h, c, &ss, err, errlen);
	if (r < 0) {
		k8sa_http_stop(h);
		return r;
	}
	*ret = h;
	return 0;
}

unsigned k8sa_http_port(const struct k8sa_http *h)
{
	const union MHD_DaemonInfo *i = sym_MHD_get_daemon_info(h->d, MHD_DAEMON_INFO_BIND_PORT);

	return i ? i->port : 0;
}

void k8sa_http_stop(struct k8sa_http *h)
{
	if (!h)
		return;
	if (h->d)
		sym_MHD_stop_daemon(h->d);
	if (h->token)
		explicit_bzero(h->token, h->token_len);
	if (h->key)
		explicit_bzero(h->key, strlen(h->key));
	free(h->token);
	free(h->key);
	free(h->cert);
	free(h->ca);
	free(h->path);
	free(h);
}

#else /* !HAVE_MICROHTTPD */

const bool k8sa_have_webhook = false;

int k8sa_http_start(struct k8sa *k, const struct k8sa_config *c, struct k8sa_http **ret, char *err,
		    size_t errlen)
{
	snprintf(err, errlen,
		 "k8s_audit.listen: saker was built without the webhook (libmicrohttpd); "
		 "k8s_audit.file works");
	return -ENOTSUP;
}

unsigned k8sa_http_port(const struct k8sa_http *h)
{
	return 0;
}

void k8sa_http_stop(struct k8sa_http *h)
{
}

#endif
