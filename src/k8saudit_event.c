// SPDX-License-Identifier: GPL-2.0-only
/*
 * From JSON text to audit events: an Event, an EventList, or one line of
 * an audit log. Everything is checked before anything is returned, so a
 * webhook batch is accepted or refused as a whole.
 */
#include "config.h"

#include <errno.h>
#include <json-c/json.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include "k8saudit.h"
#include "util.h"

void k8sa_event_free(struct k8sa_event *ev)
{
	if (!ev)
		return;
	json_object_put(ev->obj);
	free(ev);
}

static const char *str_member(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, json_type_string))
		return NULL;
	return json_object_get_string(v);
}

/* What every extractor relies on: an object with auditID, stage and a usable time. */
static int check_event(struct json_object *o, size_t i, uint64_t *ret_ts, char *err, size_t errlen)
{
	const char *kind, *api, *t;
	uint64_t ts = 0;

	if (!json_object_is_type(o, json_type_object)) {
		snprintf(err, errlen, "event %zu is not a JSON object", i);
		return -EBADMSG;
	}
	kind = str_member(o, "kind");
	api = str_member(o, "apiVersion");
	if ((kind && strcmp(kind, "Event")) || (api && strcmp(api, "audit.k8s.io/v1"))) {
		snprintf(err, errlen, "event %zu is not an audit.k8s.io/v1 Event", i);
		return -EBADMSG;
	}
	if (!str_member(o, "auditID") || !str_member(o, "stage")) {
		snprintf(err, errlen, "event %zu has no auditID or stage", i);
		return -EBADMSG;
	}
	t = str_member(o, "stageTimestamp");
	if (!t)
		t = str_member(o, "requestReceivedTimestamp");
	if (t && util_parse_rfc3339(t, &ts) < 0) {
		snprintf(err, errlen, "event %zu has a malformed timestamp", i);
		return -EBADMSG;
	}
	if (!t) {
		struct timespec now;

		clock_gettime(CLOCK_REALTIME, &now);
		ts = (uint64_t)now.tv_sec * 1000000000ull + (uint64_t)now.tv_nsec;
	}
	*ret_ts = ts;
	return 0;
}

static struct json_object *tokenize(const char *buf, size_t len, char *err, size_t errlen)
{
	struct json_tokener *tok = json_tokener_new_ex(K8SA_MAX_DEPTH);
	struct json_object *o = NULL;
	size_t end;

	if (!tok) {
		snprintf(err, errlen, "out of memory");
		return NULL;
	}
	if (len > (size_t)INT32_MAX - 1) {
		snprintf(err, errlen, "body too large to parse");
		goto out;
	}
	o = json_tokener_parse_ex(tok, buf, (int)len);
	if (!o) {
		enum json_tokener_error e = json_tokener_get_error(tok);

		snprintf(err, errlen, "not JSON: %s at byte %zu",
			 e == json_tokener_continue ? "unexpected end" : json_tokener_error_desc(e),
			 json_tokener_get_parse_end(tok));
		goto out;
	}
	/* One document only: trailing whitespace is fine, anything else is not. */
	for (end = json_tokener_get_parse_end(tok); end < len; end++)
		if (!strchr(" \t\r\n", buf[end]) || !buf[end]) {
			snprintf(err, errlen, "not JSON: trailing data at byte %zu", end);
			json_object_put(o);
			o = NULL;
			break;
		}
out:
	json_tokener_free(tok);
	return o;
}

static void free_events(struct k8sa_event **v, size_t n)
{
	for (size_t i = 0; i < n; i++)
		k8sa_event_free(v[i]);
	free(v);
}

int k8sa_parse(const char *buf, size_t len, struct k8sa_event ***ret_events, size_t *ret_n,
	       char *err, size_t errlen)
{
	struct json_object *root = tokenize(buf, len, err, errlen), *items = NULL;
	struct k8sa_event **v = NULL;
	size_t n = 1, i;
	const char *kind;
	int r = -EBADMSG;

	if (!root)
		return -EBADMSG;
	kind = json_object_is_type(root, json_type_object) ? str_member(root, "kind") : NULL;
	if (kind && !strcmp(kind, "EventList")) {
		if (!json_object_object_get_ex(root, "items", &items) ||
		    !(json_object_is_type(items, json_type_array) ||
		      json_object_is_type(items, json_type_null))) {
			snprintf(err, errlen, "EventList without an items array");
			goto out;
		}
		n = json_object_is_type(items, json_type_null) ? 0 :
								 json_object_array_length(items);
	}
	if (n > K8SA_MAX_EVENTS_PER_BODY) {
		snprintf(err, errlen, "%zu events in one body (at most %u)", n,
			 K8SA_MAX_EVENTS_PER_BODY);
		r = -E2BIG;
		goto out;
	}
	v = calloc(n ? n : 1, sizeof(*v));
	if (!v) {
		r = -ENOMEM;
		goto out;
	}
	for (i = 0; i < n; i++) {
		struct json_object *o = items ? json_object_array_get_idx(items, i) : root;
		uint64_t ts;

		r = check_event(o, i, &ts, err, errlen);
		if (r < 0)
			goto fail;
		v[i] = calloc(1, sizeof(*v[i]));
		if (!v[i]) {
			r = -ENOMEM;
			goto fail;
		}
		v[i]->obj = json_object_get(o);
		v[i]->ts = ts;
		v[i]->size = len / (n ? n : 1) + 1;
	}
	*ret_events = v;
	*ret_n = n;
	json_object_put(root);
	return 0;
fail:
	free_events(v, n);
out:
	json_object_put(root);
	return r;
}
