/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by fields_ka.c and fields_ka_pod.c; not an interface. */
#ifndef SAKER_FIELDS_KA_INT_H
#define SAKER_FIELDS_KA_INT_H

#include <json-c/json.h>

#include "fields.h"

/* How a field is read from the event. */
enum ka_kind {
	KA_PTR, /* the value at a JSON pointer */
	KA_LIST, /* the elements of the array at a JSON pointer */
	KA_CTR, /* a value of each container of a pod list */
	KA_RULES, /* the elements of an array of each RBAC rule */
	KA_VOL, /* a value of each volume */
	KA_FN, /* a function of its own */
};

/* KA_CTR variants. */
#define KA_REPO (1u << 0) /* image without tag and digest */
#define KA_EFF (1u << 1) /* container value, else the pod's, else "0" */
#define KA_HOSTPORT (1u << 2) /* each port's hostPort, else containerPort */
#define KA_FIRST (1u << 3) /* the first container only (deprecated fields) */
#define KA_ANY_TRUE (1u << 4) /* "true" if any value is true, else "false" */

struct ka_spec;
typedef int (*ka_fn)(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		     struct field_out *o);

struct ka_spec {
	const char *name;
	enum ka_kind kind;
	const char *ptr; /* JSON pointer (KA_PTR, KA_LIST), or the container list */
	const char *sub; /* pointer inside each element */
	unsigned how;
	ka_fn fn;
};

/* The value at a JSON pointer (RFC 6901, "" is the whole document); NULL if none. */
struct json_object *ka_ptr(struct json_object *o, const char *ptr);
/* One value as Falco's k8saudit renders it: strings raw, the rest as compact JSON. */
bool ka_emit(struct field_out *o, struct json_object *v);
/* An array's elements, or a scalar itself. Returns false when out is full. */
bool ka_emit_flat(struct field_out *o, struct json_object *v);

int ka_containers(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		  struct field_out *o);
int ka_rules(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
	     struct field_out *o);
int ka_volumes(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
	       struct field_out *o);
int ka_volume_hostpath(const struct ka_spec *s, const struct field_req *r, struct json_object *ev,
		       struct field_out *o);

#endif /* SAKER_FIELDS_KA_INT_H */
