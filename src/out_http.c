// SPDX-License-Identifier: GPL-2.0-only
/*
 * http_output: each alert POSTed as Falco's JSON (what falcosidekick
 * accepts). TLS peers are verified unless insecure is set. Failures are
 * retried a bounded number of times with exponential backoff; while the
 * endpoint keeps failing, alerts are tried once so the other sinks are not
 * held up.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "dlib.h"
#include "out.h"

#define BACKOFF_FIRST_MS 100
#define BACKOFF_MAX_MS 2000

struct out_http {
	struct out_sink base;
	CURL *curl;
	struct curl_slist *headers;
	unsigned max_retries;
	bool failing; /* the last alert failed every attempt */
	char errbuf[CURL_ERROR_SIZE];
};

static size_t discard(char *p, size_t size, size_t n, void *u)
{
	return size * n;
}

static void sleep_ms(unsigned ms)
{
	struct timespec ts = { ms / 1000, (long)(ms % 1000) * 1000000L };

	while (nanosleep(&ts, &ts) < 0 && errno == EINTR)
		;
}

/* 0 delivered, -EAGAIN worth retrying, other -errno not. */
static int post_once(struct out_http *o, const char *body)
{
	long code = 0;
	CURLcode rc;

	sym_curl_easy_setopt(o->curl, CURLOPT_POSTFIELDS, body);
	sym_curl_easy_setopt(o->curl, CURLOPT_POSTFIELDSIZE, (long)strlen(body));
	rc = sym_curl_easy_perform(o->curl);
	if (rc != CURLE_OK) {
		switch (rc) {
		case CURLE_SSL_CACERT_BADFILE:
		case CURLE_PEER_FAILED_VERIFICATION:
		case CURLE_SSL_CERTPROBLEM:
		case CURLE_UNSUPPORTED_PROTOCOL:
		case CURLE_URL_MALFORMAT:
			return -EPROTO; /* configuration problems: retrying cannot help */
		case CURLE_OPERATION_TIMEDOUT:
			return -ETIMEDOUT;
		default:
			return -EAGAIN;
		}
	}
	sym_curl_easy_getinfo(o->curl, CURLINFO_RESPONSE_CODE, &code);
	if (code >= 200 && code < 300)
		return 0;
	if (code >= 500 || code == 408 || code == 429)
		return -EAGAIN;
	return -EBADMSG; /* the receiver refused this alert */
}

static int http_emit(struct out_sink *s, const struct alert *a, const char *line)
{
	struct out_http *o = (struct out_http *)s;
	unsigned attempt, tries = o->failing ? 1 : o->max_retries + 1;
	unsigned backoff = BACKOFF_FIRST_MS;
	int r = -EAGAIN;

	for (attempt = 0; attempt < tries; attempt++) {
		if (attempt) {
			sleep_ms(backoff);
			backoff = backoff * 2 > BACKOFF_MAX_MS ? BACKOFF_MAX_MS : backoff * 2;
		}
		r = post_once(o, line);
		if (r != -EAGAIN && r != -ETIMEDOUT)
			break;
	}
	o->failing = r < 0;
	if (r == -EAGAIN)
		r = -ECONNREFUSED;
	return r;
}

static void http_free(struct out_sink *s)
{
	struct out_http *o = (struct out_http *)s;

	if (o->curl)
		sym_curl_easy_cleanup(o->curl);
	if (o->headers)
		sym_curl_slist_free_all(o->headers);
	free(o);
}

static const struct out_ops http_ops = {
	.name = "http",
	.emit = http_emit,
	.free = http_free,
};

static int setup(struct out_http *o, const struct config *c)
{
	CURL *h = o->curl;
	int bad = 0;

	o->headers = sym_curl_slist_append(NULL, "Content-Type: application/json");
	if (!o->headers)
		return -ENOMEM;
	bad |= sym_curl_easy_setopt(h, CURLOPT_URL, c->http.url);
	bad |= sym_curl_easy_setopt(h, CURLOPT_HTTPHEADER, o->headers);
	bad |= sym_curl_easy_setopt(h, CURLOPT_USERAGENT, c->http.user_agent);
	bad |= sym_curl_easy_setopt(h, CURLOPT_NOSIGNAL, 1L);
	bad |= sym_curl_easy_setopt(h, CURLOPT_WRITEFUNCTION, discard);
	bad |= sym_curl_easy_setopt(h, CURLOPT_ERRORBUFFER, o->errbuf);
	bad |= sym_curl_easy_setopt(h, CURLOPT_CONNECTTIMEOUT_MS, (long)c->http.connect_timeout_ms);
	bad |= sym_curl_easy_setopt(h, CURLOPT_TIMEOUT_MS, (long)c->http.timeout_ms);
#if LIBCURL_VERSION_NUM >= 0x075500
	bad |= sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS_STR, "http,https");
#else
	bad |= sym_curl_easy_setopt(h, CURLOPT_PROTOCOLS, (long)(CURLPROTO_HTTP | CURLPROTO_HTTPS));
#endif
	bad |= sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYPEER, c->http.insecure ? 0L : 1L);
	bad |= sym_curl_easy_setopt(h, CURLOPT_SSL_VERIFYHOST, c->http.insecure ? 0L : 2L);
	if (c->http.ca_cert)
		bad |= sym_curl_easy_setopt(h, CURLOPT_CAINFO, c->http.ca_cert);
	if (c->http.ca_path)
		bad |= sym_curl_easy_setopt(h, CURLOPT_CAPATH, c->http.ca_path);
	if (c->http.mtls || c->http.client_cert) {
		bad |= sym_curl_easy_setopt(h, CURLOPT_SSLCERT, c->http.client_cert);
		bad |= sym_curl_easy_setopt(h, CURLOPT_SSLKEY, c->http.client_key);
	}
	return bad ? -EINVAL : 0;
}

int out_http_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen)
{
	struct out_http *o = calloc(1, sizeof(*o));
	char why[256];
	int r = -ENOMEM;

	if (!o)
		goto fail;
	if (!c->http.url) {
		r = -EINVAL;
		snprintf(err, errlen, "http_output.url must be set");
		goto fail_msg;
	}
	r = dlib_curl(why, sizeof(why));
	if (r < 0) {
		snprintf(err, errlen, "http_output: %s", why);
		goto fail_msg;
	}
	r = -ENOMEM;
	o->curl = sym_curl_easy_init();
	if (!o->curl)
		goto fail;
	r = setup(o, c);
	if (r < 0) {
		snprintf(err, errlen, "http_output: libcurl refused the settings");
		goto fail_msg;
	}
	o->base.ops = &http_ops;
	o->base.fmt = out_fmt_from_config(c);
	/* falcosidekick and most collectors take Falco's JSON, whatever stdout shows. */
	o->base.fmt.json = true;
	o->base.wants_line = true;
	o->max_retries = c->http.max_retries;
	*ret = &o->base;
	return 0;
fail:
	snprintf(err, errlen, "http_output: out of memory");
fail_msg:
	if (o)
		http_free(&o->base);
	return r;
}
