// SPDX-License-Identifier: GPL-2.0-only
/*
 * The ka.req.* fields that walk the request object's lists: the pod's
 * containers (and init and ephemeral containers), its volumes, and the
 * rules of a Role or ClusterRole. An index argument ([N]) selects one
 * element of the list; values a container does not set are skipped, as
 * Falco's k8saudit plugin skips them.
 */
#include "config.h"

#include <string.h>

#include "fields_ka_int.h"

static struct json_object *array_at(struct json_object *ev, const char *ptr)
{
	struct json_object *a = ka_ptr(ev, ptr);

	return json_object_is_type(a, json_type_array) ? a : NULL;
}

/* "registry:5000/ns/app:1.2@sha256:..." -> "registry:5000/ns/app". */
static bool emit_repo(struct field_out *o, struct json_object *v)
{
	const char *s, *at, *slash, *colon;
	size_t n;

	if (!json_object_is_type(v, json_type_string))
		return ka_emit(o, v);
	s = json_object_get_string(v);
	n = (size_t)json_object_get_string_len(v);
	at = memchr(s, '@', n);
	if (at)
		n = (size_t)(at - s);
	slash = memrchr(s, '/', n);
	colon = memrchr(s, ':', n);
	if (colon && (!slash || colon > slash))
		n = (size_t)(colon - s);
	return field_out_str(o, s, n);
}

static bool emit_ports(struct field_out *o, struct json_object *ports)
{
	size_t n =
		json_object_is_type(ports, json_type_array) ? json_object_array_length(ports) : 0;

	for (size_t i = 0; i < n; i++) {
		struct json_object *p = json_object_array_get_idx(ports, i), *v;

		/* With hostNetwork the container port is the host port. */
		v = ka_ptr(p, "/hostPort");
		if (!v)
			v = ka_ptr(p, "/containerPort");
		if (v && !ka_emit(o, v))
			return false;
	}
	return true;
}

static int any_true(struct json_object *list, const struct ka_spec *s, struct field_out *o)
{
	size_t n = list ? json_object_array_length(list) : 0;
	bool any = false;

	if (!list)
		return 0;
	for (size_t i = 0; i < n; i++) {
		struct json_object *v = ka_ptr(json_object_array_get_idx(list, i), s->sub);

		any |= json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
	}
	return field_out_cstr(o, any ? "true" : "false") ? 1 : 0;
}

int ka_containers(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		  struct field_out *o)
{
	struct json_object *list = array_at(ev, s->ptr), *pod_default = NULL;
	size_t n = list ? json_object_array_length(list) : 0, i = 0;

	if (s->how & KA_ANY_TRUE)
		return any_true(list, s, o);
	if (!list)
		return 0;
	if (s->how & KA_EFF) /* the pod's own securityContext */
		pod_default = ka_ptr(ev, "/requestObject/spec");
	if (s->how & KA_FIRST || r->index >= 0) {
		i = s->how & KA_FIRST ? 0 : (size_t)r->index;
		if (i >= n)
			return 0;
		n = i + 1;
	}
	for (; i < n; i++) {
		struct json_object *c = json_object_array_get_idx(list, i), *v;
		bool room = true;

		if (s->how & KA_HOSTPORT) {
			room = emit_ports(o, ka_ptr(c, "/ports"));
		} else {
			v = ka_ptr(c, s->sub);
			if (!v && (s->how & KA_EFF))
				v = ka_ptr(pod_default, s->sub);
			if (!v && (s->how & KA_EFF))
				room = field_out_cstr(o, "0");
			else if (v)
				room = s->how & KA_REPO ? emit_repo(o, v) : ka_emit_flat(o, v);
		}
		if (!room)
			break;
	}
	return (int)o->n;
}

int ka_rules(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
	     struct field_out *o)
{
	struct json_object *list = array_at(ev, s->ptr);
	size_t n = list ? json_object_array_length(list) : 0, i = 0;

	if (!list)
		return 0;
	if (r->index >= 0) {
		if ((size_t)r->index >= n)
			return 0;
		i = (size_t)r->index;
		n = i + 1;
	}
	for (; i < n; i++) {
		struct json_object *v = ka_ptr(json_object_array_get_idx(list, i), s->sub);

		if (json_object_is_type(v, json_type_array) && !ka_emit_flat(o, v))
			break;
	}
	return (int)o->n;
}

/* Volume types: every member of a volume but its name (hostPath, secret, ...). */
static bool emit_types(struct field_out *o, struct json_object *vol)
{
	if (!json_object_is_type(vol, json_type_object))
		return true;
	json_object_object_foreach(vol, key, val)
	{
		(void)val;
		if (strcmp(key, "name") && !field_out_cstr(o, key))
			return false;
	}
	return true;
}

int ka_volumes(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
	       struct field_out *o)
{
	struct json_object *list = array_at(ev, s->ptr);
	size_t n = list ? json_object_array_length(list) : 0, i = 0;

	if (!list)
		return 0;
	if (r->index >= 0) {
		if ((size_t)r->index >= n)
			return 0;
		i = (size_t)r->index;
		n = i + 1;
	}
	for (; i < n; i++) {
		struct json_object *vol = json_object_array_get_idx(list, i), *v;
		bool room = true;

		if (!s->sub) {
			room = emit_types(o, vol);
		} else if ((v = ka_ptr(vol, s->sub))) {
			room = ka_emit(o, v);
		}
		if (!room)
			break;
	}
	return (int)o->n;
}

/* Deprecated ka.req.volume.hostpath[PATH]: "true" if a hostPath is PATH (PATH* a prefix). */
int ka_volume_hostpath(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		       struct field_out *o)
{
	struct json_object *list = array_at(ev, s->ptr);
	size_t n = list ? json_object_array_length(list) : 0, alen;
	bool prefix, hit = false;

	if (!list || !r->arg)
		return 0;
	alen = strlen(r->arg);
	prefix = alen && r->arg[alen - 1] == '*';
	if (prefix)
		alen--;
	for (size_t i = 0; i < n && !hit; i++) {
		struct json_object *v = ka_ptr(json_object_array_get_idx(list, i), s->sub);
		const char *p;
		size_t len;

		if (!json_object_is_type(v, json_type_string))
			continue;
		p = json_object_get_string(v);
		len = (size_t)json_object_get_string_len(v);
		hit = prefix ? len >= alen && !memcmp(p, r->arg, alen) :
			       len == alen && !memcmp(p, r->arg, alen);
	}
	return field_out_cstr(o, hit ? "true" : "false") ? 1 : 0;
}
