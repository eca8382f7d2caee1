// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Docker-compatible API over a unix socket (dockerd, `podman system
 * service`), with libcurl: GET /containers/ID/json, then
 * GET /images/IMAGE/json for the digest. Runs on the worker thread only.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"

#ifdef HAVE_HTTP
#include "dlib.h"

struct body {
	char *p;
	size_t len, cap;
	bool too_big;
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct body *b = arg;
	size_t add = size * n;

	if (b->len + add > CONTAINER_MAX_RESPONSE) {
		b->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (b->len + add + 1 > b->cap) {
		size_t cap = b->cap ? b->cap * 2 : 16384;
		char *p;

		while (cap < b->len + add + 1)
			cap *= 2;
		p = realloc(b->p, cap);
		if (!p)
			return 0;
		b->p = p;
		b->cap = cap;
	}
	memcpy(b->p + b->len, data, add);
	b->len += add;
	b->p[b->len] = '\0';
	return add;
}

/* An id or image name goes into the URL path: only characters that need no escaping. */
static bool path_safe(const char *s)
{
	if (!*s || strlen(s) > 512)
		return false;
	for (; *s; s++)
		if (!((*s >= 'a' && *s <= 'z') || (*s >= 'A' && *s <= 'Z') ||
		      (*s >= '0' && *s <= '9') || strchr("-_.:/@", *s)))
			return false;
	return true;
}

/* GET path on socket; 0 with the body (HTTP 200), or -errno. */
static int get(const char *socket, const char *path, unsigned timeout_ms, struct body *b, char *err,
	       size_t errlen)
{
	char url[1024];
	CURLcode cc;
	long status = 0;
	CURL *c;

	if (dlib_curl(err, errlen) < 0)
		return -ELIBACC;
	c = sym_curl_easy_init();
	if (!c)
		return -ENOMEM;
	snprintf(url, sizeof(url), "http://localhost%s", path);
	sym_curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, socket);
	sym_curl_easy_setopt(c, CURLOPT_URL, url);
	sym_curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)timeout_ms);
	sym_curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)timeout_ms);
	sym_curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	sym_curl_easy_setopt(c, CURLOPT_WRITEDATA, b);
#if LIBCURL_VERSION_NUM >= 0x075500
	sym_curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
#else
	sym_curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTP);
#endif
	cc = sym_curl_easy_perform(c);
	sym_curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &status);
	sym_curl_easy_cleanup(c);
	if (cc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(err, errlen, "%s: GET %s timed out after %u ms", socket, path, timeout_ms);
		return -ETIMEDOUT;
	}
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: GET %s: %s", socket, path,
			 b->too_big ? "answer too large" : sym_curl_easy_strerror(cc));
		return b->too_big ? -EFBIG : -EIO;
	}
	if (status == 404) {
		snprintf(err, errlen, "%s: GET %s: not found", socket, path);
		return -ENOENT;
	}
	if (status != 200) {
		snprintf(err, errlen, "%s: GET %s: HTTP status %ld", socket, path, status);
		return -EIO;
	}
	return 0;
}

int container_docker_lookup(const char *socket, const char *id, unsigned timeout_ms,
			    const struct container_parse_opts *o, struct container_info **ret,
			    char *err, size_t errlen)
{
	struct body b = { 0 };
	struct container_info *ci = NULL;
	char path[640];
	int r;

	if (!path_safe(id)) {
		snprintf(err, errlen, "container id not usable in a URL");
		return -EINVAL;
	}
	snprintf(path, sizeof(path), "/containers/%s/json", id);
	r = get(socket, path, timeout_ms, &b, err, errlen);
	if (r == 0) {
		r = container_parse_docker(b.p ? b.p : "", b.len, o, &ci);
		if (r == -EBADMSG)
			snprintf(err, errlen, "%s: GET %s: not a container document", socket, path);
	}
	free(b.p);
	if (r < 0)
		return r;
	/* The digest lives on the image; without it the rest still stands. */
	if (ci->image && path_safe(ci->image)) {
		char ierr[256];

		memset(&b, 0, sizeof(b));
		snprintf(path, sizeof(path), "/images/%s/json", ci->image);
		if (get(socket, path, timeout_ms, &b, ierr, sizeof(ierr)) == 0 &&
		    container_parse_docker_image(b.p ? b.p : "", b.len, ci) == -ENOMEM) {
			free(b.p);
			container_info_free(ci);
			return -ENOMEM;
		}
		free(b.p);
	}
	*ret = ci;
	return 0;
}
#else
int container_docker_lookup(const char *socket, const char *id, unsigned timeout_ms,
			    const struct container_parse_opts *o, struct container_info **ret,
			    char *err, size_t errlen)
{
	(void)socket, (void)id, (void)timeout_ms, (void)o, (void)ret;
	snprintf(err, errlen, "built without libcurl: no Docker API client");
	return -EPROTONOSUPPORT;
}
#endif
