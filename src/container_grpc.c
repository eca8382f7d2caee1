// SPDX-License-Identifier: GPL-2.0-only
/*
 * The gRPC transport: libcurl, HTTP/2 with prior knowledge on a unix
 * socket (gRPC servers speak no HTTP/1.1 and no upgrade). Each call has its
 * own connection: libcurl 7.88 fails the second request on a reused HTTP/2
 * connection to a unix socket ("Error in the HTTP2 framing layer"), and a
 * local connection costs little next to a lookup. Runs on the lookup
 * worker only.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "dlib.h"

#include "container_grpc.h"

struct container_grpc {
	unsigned timeout_ms;
	char socket[];
};

struct answer {
	uint8_t *p;
	size_t len, cap;
	bool too_big;
	int status; /* grpc-status; -1 not seen */
	char message[160]; /* grpc-message, printable characters only */
	bool grpc_type; /* content-type application/grpc */
};

static size_t on_data(char *data, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t add = size * n;

	if (a->len + add > CONTAINER_GRPC_MAX_MSG + CONTAINER_GRPC_HDR) {
		a->too_big = true;
		return 0; /* aborts the transfer */
	}
	if (a->len + add > a->cap) {
		size_t cap = a->cap ? a->cap * 2 : 4096;
		uint8_t *p;

		while (cap < a->len + add)
			cap *= 2;
		p = realloc(a->p, cap);
		if (!p)
			return 0;
		a->p = p;
		a->cap = cap;
	}
	memcpy(a->p + a->len, data, add);
	a->len += add;
	return add;
}

/* "name: value" (headers and trailers alike): the value if the name matches. */
static const char *header_value(const char *line, size_t len, const char *name, size_t *ret_len)
{
	size_t nl = strlen(name);

	if (len <= nl || strncasecmp(line, name, nl) || line[nl] != ':')
		return NULL;
	line += nl + 1;
	len -= nl + 1;
	while (len && (*line == ' ' || *line == '\t')) {
		line++;
		len--;
	}
	while (len && (line[len - 1] == '\r' || line[len - 1] == '\n'))
		len--;
	*ret_len = len;
	return line;
}

/* libcurl hands HTTP/2 trailers to the header callback too. */
static size_t on_header(char *line, size_t size, size_t n, void *arg)
{
	struct answer *a = arg;
	size_t len = size * n, vlen, o = 0;
	const char *v;

	if ((v = header_value(line, len, "grpc-status", &vlen))) {
		int code = container_grpc_parse_status(v, vlen);

		/* A malformed status is no status: the call fails as a protocol error. */
		a->status = code < 0 ? -2 : code;
	} else if ((v = header_value(line, len, "grpc-message", &vlen))) {
		/* Percent-encoded by the server; kept as sent, but printable only. */
		for (size_t i = 0; i < vlen && o + 1 < sizeof(a->message); i++)
			a->message[o++] = isprint((unsigned char)v[i]) ? v[i] : '?';
		a->message[o] = '\0';
	} else if ((v = header_value(line, len, "content-type", &vlen))) {
		a->grpc_type = vlen >= 16 && !strncasecmp(v, "application/grpc", 16);
	}
	return len;
}

int container_grpc_usable(char *err, size_t errlen)
{
	const curl_version_info_data *vi;

	if (dlib_curl(err, errlen) < 0)
		return -ELIBACC;
	vi = sym_curl_version_info(CURLVERSION_NOW);
	if (vi && (vi->features & CURL_VERSION_HTTP2))
		return 0;
	snprintf(err, errlen, "libcurl without HTTP/2: no CRI client");
	return -EPROTONOSUPPORT;
}

struct container_grpc *container_grpc_open(const char *socket, unsigned timeout_ms)
{
	size_t n = strlen(socket);
	struct container_grpc *g = calloc(1, sizeof(*g) + n + 1);

	if (!g)
		return NULL;
	g->timeout_ms = timeout_ms;
	memcpy(g->socket, socket, n + 1);
	return g;
}

void container_grpc_close(struct container_grpc *g)
{
	free(g);
}

void container_grpc_reply_free(struct container_grpc_reply *r)
{
	if (!r)
		return;
	free(r->body);
	memset(r, 0, sizeof(*r));
}

static struct curl_slist *request_headers(const char *ns, unsigned timeout_ms)
{
	struct curl_slist *h = NULL, *t;
	char line[160];
	const char *fixed[] = { "Content-Type: application/grpc", "TE: trailers",
				"Expect:", "User-Agent: saker" };

	for (size_t i = 0; i < sizeof(fixed) / sizeof(fixed[0]); i++) {
		if (!(t = sym_curl_slist_append(h, fixed[i])))
			goto oom;
		h = t;
	}
	/* The server gives up too when we do. */
	snprintf(line, sizeof(line), "grpc-timeout: %um", timeout_ms);
	if (!(t = sym_curl_slist_append(h, line)))
		goto oom;
	h = t;
	if (ns) {
		snprintf(line, sizeof(line), "containerd-namespace: %s", ns);
		if (!(t = sym_curl_slist_append(h, line)))
			goto oom;
		h = t;
	}
	return h;
oom:
	sym_curl_slist_free_all(h);
	return NULL;
}

static void setup(CURL *c, const struct container_grpc *g, const char *url, struct curl_slist *hdrs,
		  const uint8_t *frame, size_t flen, struct answer *a)
{
	sym_curl_easy_setopt(c, CURLOPT_UNIX_SOCKET_PATH, (const char *)g->socket);
	sym_curl_easy_setopt(c, CURLOPT_URL, url);
	sym_curl_easy_setopt(c, CURLOPT_HTTP_VERSION, (long)CURL_HTTP_VERSION_2_PRIOR_KNOWLEDGE);
	sym_curl_easy_setopt(c, CURLOPT_TIMEOUT_MS, (long)g->timeout_ms);
	sym_curl_easy_setopt(c, CURLOPT_CONNECTTIMEOUT_MS, (long)g->timeout_ms);
	sym_curl_easy_setopt(c, CURLOPT_NOSIGNAL, 1L);
	sym_curl_easy_setopt(c, CURLOPT_POST, 1L);
	sym_curl_easy_setopt(c, CURLOPT_POSTFIELDS, (const char *)frame);
	sym_curl_easy_setopt(c, CURLOPT_POSTFIELDSIZE, (long)flen);
	sym_curl_easy_setopt(c, CURLOPT_HTTPHEADER, hdrs);
	sym_curl_easy_setopt(c, CURLOPT_WRITEFUNCTION, on_data);
	sym_curl_easy_setopt(c, CURLOPT_WRITEDATA, a);
	sym_curl_easy_setopt(c, CURLOPT_HEADERFUNCTION, on_header);
	sym_curl_easy_setopt(c, CURLOPT_HEADERDATA, a);
#if LIBCURL_VERSION_NUM >= 0x075500
	sym_curl_easy_setopt(c, CURLOPT_PROTOCOLS_STR, "http");
#else
	sym_curl_easy_setopt(c, CURLOPT_PROTOCOLS, (long)CURLPROTO_HTTP);
#endif
}

/* The answer's outcome once the transfer ended. */
static int settle(const struct container_grpc *g, const char *method, CURLcode cc, long http,
		  struct answer *a, struct container_grpc_reply *ret, char *err, size_t errlen)
{
	int r;

	if (cc == CURLE_OPERATION_TIMEDOUT) {
		snprintf(err, errlen, "%s: %s timed out after %u ms", g->socket, method,
			 g->timeout_ms);
		return -ETIMEDOUT;
	}
	if (cc != CURLE_OK) {
		snprintf(err, errlen, "%s: %s: %s", g->socket, method,
			 a->too_big ? "answer too large" : sym_curl_easy_strerror(cc));
		return a->too_big ? -EFBIG : -EIO;
	}
	if (http != 200 || a->status < 0) {
		snprintf(err, errlen, "%s: %s: not a gRPC answer (HTTP %ld, %s)", g->socket, method,
			 http, a->status == -2 ? "bad grpc-status" : "no grpc-status");
		return -EIO;
	}
	if (a->status != CONTAINER_GRPC_OK) {
		snprintf(err, errlen, "%s: %s: gRPC status %d%s%s", g->socket, method, a->status,
			 a->message[0] ? ": " : "", a->message);
		return container_grpc_status_errno(a->status);
	}
	if (!a->grpc_type) {
		snprintf(err, errlen, "%s: %s: not application/grpc", g->socket, method);
		return -EIO;
	}
	r = container_grpc_unframe(a->p, a->len, CONTAINER_GRPC_MAX_MSG, &ret->msg, &ret->len);
	if (r < 0) {
		snprintf(err, errlen, "%s: %s: %s", g->socket, method,
			 r == -EFBIG ? "message too large" : "malformed message frame");
		return r;
	}
	ret->body = a->p;
	a->p = NULL;
	return 0;
}

int container_grpc_call(struct container_grpc *g, const char *method, const char *ns,
			const uint8_t *msg, size_t len, struct container_grpc_reply *ret, char *err,
			size_t errlen)
{
	struct answer a = { .status = -1 };
	struct container_grpc_reply reply = { 0 };
	struct curl_slist *hdrs = NULL;
	uint8_t *frame = NULL;
	char url[256];
	long http = 0;
	CURLcode cc;
	CURL *c;
	int r;

	if (strlen(method) > 200 || (ns && strlen(ns) > 100)) {
		snprintf(err, errlen, "%s: method or namespace too long", g->socket);
		return -EINVAL;
	}
	if (dlib_curl(err, errlen) < 0)
		return -ELIBACC;
	r = container_grpc_frame(msg, len, &frame);
	if (r < 0)
		return r;
	hdrs = request_headers(ns, g->timeout_ms);
	c = sym_curl_easy_init();
	if (!hdrs || !c) {
		sym_curl_slist_free_all(hdrs);
		free(frame);
		return -ENOMEM;
	}
	/* The authority is not checked by runtimes; the path names the method. */
	snprintf(url, sizeof(url), "http://localhost%s", method);
	setup(c, g, url, hdrs, frame, len + CONTAINER_GRPC_HDR, &a);
	cc = sym_curl_easy_perform(c);
	sym_curl_easy_getinfo(c, CURLINFO_RESPONSE_CODE, &http);
	sym_curl_easy_cleanup(c);
	sym_curl_slist_free_all(hdrs);
	free(frame);
	r = settle(g, method, cc, http, &a, &reply, err, errlen);
	free(a.p);
	if (r < 0)
		return r;
	*ret = reply;
	return 0;
}
