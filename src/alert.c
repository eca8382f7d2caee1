// SPDX-License-Identifier: GPL-2.0-only
/* Alerts and their Falco-compatible renderings. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <time.h>
#include <unistd.h>

#include <json-c/json.h>

#include "alert.h"

static const char *const prio_names[ALERT_PRIO_COUNT] = {
	"Emergency", "Alert", "Critical", "Error", "Warning", "Notice", "Informational", "Debug",
};

const char *alert_prio_name(enum alert_prio p)
{
	if ((unsigned)p >= ALERT_PRIO_COUNT)
		return NULL;
	return prio_names[p];
}

int alert_prio_parse(const char *s, enum alert_prio *ret_prio)
{
	unsigned i;

	if (!s)
		return -EINVAL;
	for (i = 0; i < ALERT_PRIO_COUNT; i++) {
		if (!strcasecmp(s, prio_names[i])) {
			*ret_prio = (enum alert_prio)i;
			return 0;
		}
	}
	/* Falco has always accepted "info" for Informational. */
	if (!strcasecmp(s, "info")) {
		*ret_prio = ALERT_INFORMATIONAL;
		return 0;
	}
	return -EINVAL;
}

static char *bounded_dup(const char *s)
{
	return strndup(s, ALERT_MAX_STR);
}

struct alert *alert_new(const char *rule, enum alert_prio prio, uint64_t time_ns,
			const char *source, const char *hostname, const char *output)
{
	struct alert *a;
	char host[256];

	if (!rule || !output || (unsigned)prio >= ALERT_PRIO_COUNT) {
		errno = EINVAL;
		return NULL;
	}
	if (!hostname) {
		if (gethostname(host, sizeof(host)) < 0)
			snprintf(host, sizeof(host), "localhost");
		host[sizeof(host) - 1] = '\0';
		hostname = host;
	}
	a = calloc(1, sizeof(*a));
	if (!a)
		return NULL;
	a->priority = prio;
	a->time_ns = time_ns;
	a->rule = bounded_dup(rule);
	a->source = bounded_dup(source ? source : "syscall");
	a->hostname = bounded_dup(hostname);
	a->output = bounded_dup(output);
	a->fields = json_object_new_object();
	if (!a->rule || !a->source || !a->hostname || !a->output || !a->fields) {
		alert_free(a);
		errno = ENOMEM;
		return NULL;
	}
	return a;
}

int alert_add_tag(struct alert *a, const char *tag)
{
	size_t lo = 0, hi = a->ntags, mid;
	char **tags, *t;
	int c;

	while (lo < hi) {
		mid = (lo + hi) / 2;
		c = strcmp(tag, a->tags[mid]);
		if (!c)
			return 0;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	if (a->ntags >= ALERT_MAX_TAGS)
		return -E2BIG;
	t = bounded_dup(tag);
	tags = realloc(a->tags, (a->ntags + 1) * sizeof(*tags));
	if (!t || !tags) {
		free(t);
		if (tags)
			a->tags = tags;
		return -ENOMEM;
	}
	memmove(tags + lo + 1, tags + lo, (a->ntags - lo) * sizeof(*tags));
	tags[lo] = t;
	a->tags = tags;
	a->ntags++;
	return 0;
}

int alert_set_field(struct alert *a, const char *name, struct json_object *val)
{
	if (json_object_object_add(a->fields, name, val) < 0) {
		json_object_put(val);
		return -ENOMEM;
	}
	return 0;
}

int alert_set_field_str(struct alert *a, const char *name, const char *val)
{
	struct json_object *j = NULL;

	if (val) {
		j = json_object_new_string_len(val, (int)strnlen(val, ALERT_MAX_STR));
		if (!j)
			return -ENOMEM;
	}
	return alert_set_field(a, name, j);
}

int alert_set_field_int(struct alert *a, const char *name, int64_t val)
{
	struct json_object *j = json_object_new_int64(val);

	if (!j)
		return -ENOMEM;
	return alert_set_field(a, name, j);
}

struct alert *alert_dup(const struct alert *a)
{
	struct alert *d;
	struct json_object *f = NULL;
	size_t i;

	d = alert_new(a->rule, a->priority, a->time_ns, a->source, a->hostname, a->output);
	if (!d)
		return NULL;
	d->health = a->health;
	for (i = 0; i < a->ntags; i++)
		if (alert_add_tag(d, a->tags[i]) < 0)
			goto fail;
	if (json_object_deep_copy(a->fields, &f, NULL) < 0)
		goto fail;
	json_object_put(d->fields);
	d->fields = f;
	return d;
fail:
	alert_free(d);
	errno = ENOMEM;
	return NULL;
}

void alert_free(struct alert *a)
{
	size_t i;

	if (!a)
		return;
	for (i = 0; i < a->ntags; i++)
		free(a->tags[i]);
	free(a->tags);
	free(a->rule);
	free(a->source);
	free(a->hostname);
	free(a->output);
	json_object_put(a->fields);
	free(a);
}

int alert_time_rfc3339(uint64_t time_ns, char *buf, size_t size)
{
	time_t sec = (time_t)(time_ns / 1000000000ull);
	struct tm tm;
	size_t n;

	if (!gmtime_r(&sec, &tm))
		return -EOVERFLOW;
	n = strftime(buf, size, "%Y-%m-%dT%H:%M:%S", &tm);
	if (!n || snprintf(buf + n, size - n, ".%09lluZ",
			   (unsigned long long)(time_ns % 1000000000ull)) >= (int)(size - n))
		return -ENOSPC;
	return 0;
}

/* Falco's %evt.time (local HH:MM:SS.ns) or %evt.time.iso8601 (UTC, +0000). */
static int format_prefix_time(uint64_t time_ns, bool iso8601, char *buf, size_t size)
{
	time_t sec = (time_t)(time_ns / 1000000000ull);
	unsigned long long ns = time_ns % 1000000000ull;
	struct tm tm;
	size_t n;

	if (iso8601 ? !gmtime_r(&sec, &tm) : !localtime_r(&sec, &tm))
		return -EOVERFLOW;
	n = strftime(buf, size, iso8601 ? "%Y-%m-%dT%H:%M:%S" : "%H:%M:%S", &tm);
	if (!n || snprintf(buf + n, size - n, iso8601 ? ".%09llu+0000" : ".%09llu", ns) >=
			  (int)(size - n))
		return -ENOSPC;
	return 0;
}

char *alert_text(const struct alert *a, bool iso8601)
{
	char ts[64];
	char *s;
	int r;

	r = format_prefix_time(a->time_ns, iso8601, ts, sizeof(ts));
	if (r < 0) {
		errno = -r;
		return NULL;
	}
	if (asprintf(&s, "%s: %s %s", ts, alert_prio_name(a->priority), a->output) < 0)
		return NULL;
	return s;
}

static int cmp_str(const void *x, const void *y)
{
	return strcmp(*(const char *const *)x, *(const char *const *)y);
}

/* The fields with their keys sorted, as Falco's JSON library writes them. */
static struct json_object *sorted_fields(const struct alert *a)
{
	struct json_object *o = json_object_new_object();
	const char **keys;
	size_t n = 0, i;

	if (!o)
		return NULL;
	keys = calloc((size_t)json_object_object_length(a->fields) + 1, sizeof(*keys));
	if (!keys) {
		json_object_put(o);
		return NULL;
	}
	json_object_object_foreach(a->fields, k, v)
	{
		(void)v;
		keys[n++] = k;
	}
	qsort(keys, n, sizeof(*keys), cmp_str);
	for (i = 0; i < n; i++)
		json_object_object_add(o, keys[i],
				       json_object_get(json_object_object_get(a->fields, keys[i])));
	free(keys);
	return o;
}

static int add_str(struct json_object *o, const char *k, const char *v)
{
	struct json_object *j = json_object_new_string(v);

	if (!j || json_object_object_add(o, k, j) < 0) {
		json_object_put(j);
		return -ENOMEM;
	}
	return 0;
}

static int add_tags(struct json_object *o, const struct alert *a)
{
	struct json_object *arr = json_object_new_array();
	size_t i;

	if (!arr)
		return -ENOMEM;
	for (i = 0; i < a->ntags; i++)
		json_object_array_add(arr, json_object_new_string(a->tags[i]));
	json_object_object_add(o, "tags", arr);
	return 0;
}

static char *to_string_put(struct json_object *o)
{
	const char *s = json_object_to_json_string_ext(o, JSON_C_TO_STRING_PLAIN |
								  JSON_C_TO_STRING_NOSLASHESCAPE);
	char *r = s ? strdup(s) : NULL;

	json_object_put(o);
	if (!s)
		errno = ENOMEM;
	return r;
}

char *alert_json(const struct alert *a, const struct alert_fmt *f)
{
	struct json_object *o = json_object_new_object(), *fields;
	char *line = NULL, ts[64];
	int r = 0;

	if (!o)
		return NULL;
	if (alert_time_rfc3339(a->time_ns, ts, sizeof(ts)) < 0)
		goto fail;
	r |= add_str(o, "hostname", a->hostname);
	if (f->include_message)
		r |= add_str(o, "message", a->output);
	if (f->include_output) {
		line = alert_text(a, f->iso8601);
		if (!line)
			goto fail;
		r |= add_str(o, "output", line);
		free(line);
	}
	if (f->include_output_fields) {
		fields = sorted_fields(a);
		if (!fields)
			goto fail;
		json_object_object_add(o, "output_fields", fields);
	}
	r |= add_str(o, "priority", alert_prio_name(a->priority));
	r |= add_str(o, "rule", a->rule);
	r |= add_str(o, "source", a->source);
	if (f->include_tags)
		r |= add_tags(o, a);
	r |= add_str(o, "time", ts);
	if (r)
		goto fail;
	return to_string_put(o);
fail:
	json_object_put(o);
	errno = ENOMEM;
	return NULL;
}

char *alert_render(const struct alert *a, const struct alert_fmt *f)
{
	return f->json ? alert_json(a, f) : alert_text(a, f->iso8601);
}

char *alert_fields_json(const struct alert *a)
{
	struct json_object *o = sorted_fields(a);

	if (!o) {
		errno = ENOMEM;
		return NULL;
	}
	return to_string_put(o);
}
