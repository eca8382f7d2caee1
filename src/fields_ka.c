// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ka.* and jevt.* fields, read from the json-c object of an
 * audit.k8s.io/v1 Event with the meanings of Falco's k8saudit and json
 * plugins. Values point into the event's json-c object (alive until the
 * event is freed); nothing is allocated except json-c's own rendering of
 * an object or array into the object's print buffer.
 */
#include "config.h"

#include <ctype.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <time.h>

#include "fields_ka_int.h"
#include "k8saudit.h"
#include "util.h"

#define KA_TOKEN_MAX 512 /* longest JSON pointer segment looked up */

static const char *cluster_name;

void fields_ka_set_cluster_name(const char *name)
{
	cluster_name = name;
}

/* RFC 6901: "/a/b~1c/0" is a -> "b/c" -> element 0. */
struct json_object *ka_ptr(struct json_object *o, const char *ptr)
{
	char tok[KA_TOKEN_MAX];

	if (!ptr || (*ptr && *ptr != '/'))
		return NULL;
	while (o && *ptr == '/') {
		size_t n = 0;

		for (ptr++; *ptr && *ptr != '/'; ptr++) {
			char c = *ptr;

			if (c == '~') {
				if (ptr[1] != '0' && ptr[1] != '1')
					return NULL;
				c = *++ptr == '0' ? '~' : '/';
			}
			if (n + 1 >= sizeof(tok))
				return NULL;
			tok[n++] = c;
		}
		tok[n] = 0;
		if (json_object_is_type(o, json_type_array)) {
			char *end;
			unsigned long i;

			/* Decimal without leading zeros; "-" (past the end) is never there. */
			if (!n || (n > 1 && tok[0] == '0') || !isdigit((unsigned char)tok[0]))
				return NULL;
			i = strtoul(tok, &end, 10);
			if (*end || i >= json_object_array_length(o))
				return NULL;
			o = json_object_array_get_idx(o, i);
		} else if (!json_object_is_type(o, json_type_object) ||
			   !json_object_object_get_ex(o, tok, &o)) {
			return NULL;
		}
	}
	return o;
}

bool ka_emit(struct field_out *o, struct json_object *v)
{
	const char *s;

	switch (json_object_get_type(v)) {
	case json_type_string:
		return field_out_str(o, json_object_get_string(v),
				     (size_t)json_object_get_string_len(v));
	case json_type_boolean:
		return field_out_cstr(o, json_object_get_boolean(v) ? "true" : "false");
	default:
		s = json_object_to_json_string_ext(v, JSON_C_TO_STRING_PLAIN |
							      JSON_C_TO_STRING_NOSLASHESCAPE);
		return field_out_cstr(o, s ? s : "null");
	}
}

bool ka_emit_flat(struct field_out *o, struct json_object *v)
{
	size_t n;

	if (!json_object_is_type(v, json_type_array))
		return ka_emit(o, v);
	n = json_object_array_length(v);
	for (size_t i = 0; i < n; i++)
		if (!ka_emit(o, json_object_array_get_idx(v, i)))
			return false;
	return true;
}

static int x_ptr(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		 struct field_out *o)
{
	struct json_object *v = ka_ptr(ev, s->ptr);

	if (!v)
		return 0;
	if (s->kind == KA_PTR)
		return ka_emit(o, v) ? 1 : 0;
	if (!json_object_is_type(v, json_type_array))
		return 0;
	if (r->index >= 0) {
		if ((size_t)r->index >= json_object_array_length(v))
			return 0;
		return ka_emit(o, json_object_array_get_idx(v, (size_t)r->index)) ? 1 : 0;
	}
	ka_emit_flat(o, v);
	return (int)o->n;
}

static int unhex(int c)
{
	if (c >= '0' && c <= '9')
		return c - '0';
	c = tolower(c);
	return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
}

/* URL-decode s[0..n) into d (room for n bytes); returns the decoded length. */
static size_t url_decode(const char *s, size_t n, char *d)
{
	size_t o = 0;

	for (size_t i = 0; i < n; i++) {
		if (s[i] == '+') {
			d[o++] = ' ';
		} else if (s[i] == '%' && i + 2 < n && unhex(s[i + 1]) >= 0 &&
			   unhex(s[i + 2]) >= 0) {
			d[o++] = (char)(unhex(s[i + 1]) << 4 | unhex(s[i + 2]));
			i += 2;
		} else {
			d[o++] = s[i];
		}
	}
	return o;
}

/* ka.uri.param[KEY]: the first value of KEY in the query string of requestURI. */
static int x_uri_param(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		       struct field_out *o)
{
	struct json_object *v = ka_ptr(ev, "/requestURI");
	const char *uri, *q, *end;
	size_t klen = r->arg ? strlen(r->arg) : 0;

	if (!json_object_is_type(v, json_type_string) || !klen)
		return 0;
	uri = json_object_get_string(v);
	q = strchr(uri, '?');
	if (!q)
		return 0;
	end = strchr(q, '#');
	if (!end)
		end = q + strlen(q);
	for (q++; q < end;) {
		const char *amp = memchr(q, '&', (size_t)(end - q)), *eq;
		size_t plen = (size_t)((amp ? amp : end) - q), kn, vn;
		char *buf;

		eq = memchr(q, '=', plen);
		kn = eq ? (size_t)(eq - q) : plen;
		buf = field_out_reserve(o, plen + 1);
		if (!buf)
			return 0;
		if (url_decode(q, kn, buf) == klen && !memcmp(buf, r->arg, klen)) {
			vn = eq ? url_decode(eq + 1, plen - kn - 1, buf) : 0;
			return field_out_str(o, buf, vn) ? 1 : 0;
		}
		q += plen + 1;
	}
	return 0;
}

/* ka.target.pod.name: the name of the target when it is a pod. */
static int x_pod_name(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		      struct field_out *o)
{
	struct json_object *res = ka_ptr(ev, "/objectRef/resource");
	struct json_object *name = ka_ptr(ev, "/objectRef/name");

	if (!json_object_is_type(res, json_type_string) ||
	    strcmp(json_object_get_string(res), "pods") || !name)
		return 0;
	return ka_emit(o, name) ? 1 : 0;
}

/* ka.req.binding.subjects.*_names: the names of the subjects of one kind. */
static int x_subjects(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		      struct field_out *o)
{
	struct json_object *list = ka_ptr(ev, "/requestObject/subjects");
	size_t n = json_object_is_type(list, json_type_array) ? json_object_array_length(list) : 0;
	bool ns = s->how != 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *sub = json_object_array_get_idx(list, i);
		struct json_object *kind = ka_ptr(sub, "/kind"), *name = ka_ptr(sub, "/name");
		struct json_object *nsv = ka_ptr(sub, "/namespace");

		if (!json_object_is_type(kind, json_type_string) ||
		    strcmp(json_object_get_string(kind), s->sub) ||
		    !json_object_is_type(name, json_type_string))
			continue;
		if (!ns) {
			if (!ka_emit(o, name))
				break;
		} else if (!field_out_printf(o, "%s:%s", nsv ? json_object_get_string(nsv) : "",
					     json_object_get_string(name))) {
			break;
		}
	}
	return (int)o->n;
}

static int x_const(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		   struct field_out *o)
{
	if (!strcmp(s->name, "ka.cluster.name"))
		return cluster_name && field_out_cstr(o, cluster_name) ? 1 : 0;
	/* ka.req.binding.subject.has_name: Falco's plugin says "true", whatever the key. */
	return field_out_cstr(o, "true") ? 1 : 0;
}

#include "fields_ka_table.h"

/* Registry id -> spec, filled by fields_ka_register(). */
#define KA_IDS 1024
static const struct ka_spec *by_id[KA_IDS];

static int jevt_extract(const struct field_req *r, const struct k8sa_event *ev, struct field_out *o)
{
	const char *n = r->def->name;
	time_t secs = (time_t)(ev->ts / 1000000000ull);
	unsigned long long ns = ev->ts % 1000000000ull;
	struct json_object *v;
	struct tm tm;
	char b[64];

	if (!strcmp(n, "jevt.rawtime"))
		return field_out_u64(o, ev->ts) ? 1 : 0;
	if (!strcmp(n, "jevt.obj"))
		return ka_emit(o, ev->obj) ? 1 : 0;
	if (!strcmp(n, "jevt.value")) {
		v = ka_ptr(ev->obj, r->arg);
		return v && ka_emit(o, v) ? 1 : 0;
	}
	if (!strcmp(n, "jevt.time.iso8601")) {
		gmtime_r(&secs, &tm);
		strftime(b, sizeof(b), "%Y-%m-%dT%H:%M:%S", &tm);
		return field_out_printf(o, "%s.%09lluZ", b, ns) ? 1 : 0;
	}
	localtime_r(&secs, &tm);
	strftime(b, sizeof(b), "%H:%M:%S", &tm);
	return field_out_printf(o, "%s.%09llu", b, ns) ? 1 : 0;
}

static int extract(const struct field_req *r, const struct field_ctx *ctx, struct field_out *o)
{
	const struct k8sa_event *ev = ctx->data;
	const struct ka_spec *s;

	if (ctx->source != FSRC_K8SAUDIT || !ev || !ev->obj || r->id >= KA_IDS)
		return 0;
	if (!strncmp(r->def->name, "jevt.", 5))
		return jevt_extract(r, ev, o);
	s = by_id[r->id];
	if (!s)
		return 0;
	switch (s->kind) {
	case KA_PTR:
	case KA_LIST:
		return x_ptr(s, r, ev->obj, o);
	case KA_CTR:
		return ka_containers(s, r, ev->obj, o);
	case KA_RULES:
		return ka_rules(s, r, ev->obj, o);
	case KA_VOL:
		return ka_volumes(s, r, ev->obj, o);
	default:
		return s->fn(s, r, ev->obj, o);
	}
}

int fields_ka_register(void)
{
	int n = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ka_specs); i++) {
		const struct field_def *d = field_find(ka_specs[i].name);
		size_t id = d ? (size_t)(d - field_at(0)) : KA_IDS;

		/* The registry and this table disagree: a bug, said once at startup. */
		if (id >= KA_IDS || d->source != FSRC_K8SAUDIT)
			return -ENOENT;
		by_id[id] = &ka_specs[i];
		if (field_register_extractor(ka_specs[i].name, extract) < 0)
			return -ENOENT;
		n++;
	}
	if (field_register_extractor("jevt.*", extract) < 0)
		return -ENOENT;
	return n;
}
