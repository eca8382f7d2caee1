// SPDX-License-Identifier: GPL-2.0-only
/*
 * containerd's own container record (Containers/Get) to struct
 * container_info: id, image, labels, creation time, and from the OCI
 * runtime spec it carries (JSON in a protobuf Any) the mounts, which
 * namespaces the container shares with the host, and whether it is
 * privileged. The image's record
 * (Images/Get) gives the manifest digest.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <string.h>

#include <json-c/json.h>

#include "container_cri.h"
#include "containerd.pb-c.h"

#define SPEC_MAX_DEPTH 16 /* the OCI spec nests about 5 deep */

static struct json_object *member(struct json_object *o, const char *key, enum json_type t)
{
	struct json_object *v;

	if (!o || !json_object_is_type(o, json_type_object) ||
	    !json_object_object_get_ex(o, key, &v) || !json_object_is_type(v, t))
		return NULL;
	return v;
}

static const char *str_member(struct json_object *o, const char *key)
{
	struct json_object *v = member(o, key, json_type_string);

	return v ? json_object_get_string(v) : NULL;
}

/* Mount options: "ro"/"rw" and a propagation ("rprivate", "rslave", ...). */
static void mount_options(struct json_object *opts, struct container_mount *cm,
			  const char **ret_prop)
{
	static const char *const props[] = { "private", "rprivate", "slave",
					     "rslave",	"shared",   "rshared" };
	size_t n = opts ? json_object_array_length(opts) : 0;

	cm->rw = true;
	for (size_t i = 0; i < n && i < 64; i++) {
		struct json_object *v = json_object_array_get_idx(opts, i);
		const char *s =
			json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;

		if (!s)
			continue;
		if (!strcmp(s, "ro"))
			cm->rw = false;
		for (size_t p = 0; p < sizeof(props) / sizeof(props[0]); p++)
			if (!strcmp(s, props[p]))
				*ret_prop = props[p];
	}
}

/* Bind mounts only: the spec's proc, sysfs, tmpfs, mqueue... are the runtime's own. */
static int spec_mounts(struct container_info *ci, struct json_object *mounts)
{
	size_t n = mounts ? json_object_array_length(mounts) : 0;

	if (!n)
		return 0;
	ci->mounts =
		calloc(n < CONTAINER_MAX_MOUNTS ? n : CONTAINER_MAX_MOUNTS, sizeof(*ci->mounts));
	if (!ci->mounts)
		return -ENOMEM;
	for (size_t i = 0; i < n && ci->nmounts < CONTAINER_MAX_MOUNTS; i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		const char *type = str_member(m, "type"), *prop = NULL;
		struct json_object *opts = member(m, "options", json_type_array);
		struct container_mount *cm;
		bool bind = type && !strcmp(type, "bind");

		for (size_t k = 0; !bind && opts && k < json_object_array_length(opts) && k < 64;
		     k++) {
			const char *s = json_object_get_string(json_object_array_get_idx(opts, k));

			bind = s && (!strcmp(s, "bind") || !strcmp(s, "rbind"));
		}
		if (!bind)
			continue;
		cm = &ci->mounts[ci->nmounts++];
		mount_options(opts, cm, &prop);
		if (container_cri_str(&cm->source, str_member(m, "source")) < 0 ||
		    container_cri_str(&cm->dest, str_member(m, "destination")) < 0 ||
		    container_cri_str(&cm->propagation, prop) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* A namespace the spec does not list (or lists with a path of the host's) is the host's. */
static void spec_namespaces(struct container_info *ci, struct json_object *lnx)
{
	struct json_object *nss = member(lnx, "namespaces", json_type_array);
	size_t n = nss ? json_object_array_length(nss) : 0;
	bool net = false, pid = false, ipc = false;

	if (!nss)
		return; /* no linux section: say nothing */
	for (size_t i = 0; i < n && i < 64; i++) {
		const char *t = str_member(json_object_array_get_idx(nss, i), "type");

		net |= t && !strcmp(t, "network");
		pid |= t && !strcmp(t, "pid");
		ipc |= t && !strcmp(t, "ipc");
	}
	ci->host_network = !net;
	ci->host_pid = !pid;
	ci->host_ipc = !ipc;
}

/* True if one of the first 64 entries of arr is the string s. */
static bool has_string(struct json_object *arr, const char *s)
{
	size_t n = arr ? json_object_array_length(arr) : 0;

	for (size_t i = 0; i < n && i < 64; i++) {
		struct json_object *v = json_object_array_get_idx(arr, i);

		if (json_object_is_type(v, json_type_string) &&
		    !strcmp(json_object_get_string(v), s))
			return true;
	}
	return false;
}

/* o has key with something in it: absent, null and [] are nothing (json-c's null is NULL). */
static bool has_value(struct json_object *o, const char *key)
{
	struct json_object *v;

	if (!json_object_object_get_ex(o, key, &v) || !v)
		return false;
	return !json_object_is_type(v, json_type_array) || json_object_array_length(v) > 0;
}

/*
 * The spec's own record holds no "privileged": the way containerd makes a
 * privileged spec (oci.WithPrivileged: no masked or read-only paths, no
 * SELinux label, no AppArmor profile but "unconfined", no seccomp filter,
 * sysfs and cgroupfs writable) is what tells one, as Falco reads it.
 */
static bool spec_privileged(struct json_object *root)
{
	struct json_object *lnx = member(root, "linux", json_type_object);
	struct json_object *proc = member(root, "process", json_type_object);
	struct json_object *mounts = member(root, "mounts", json_type_array);
	const char *aa = str_member(proc, "apparmorProfile"),
		   *se = str_member(proc, "selinuxLabel");
	size_t n = mounts ? json_object_array_length(mounts) : 0;

	if (!lnx || !proc || has_value(lnx, "maskedPaths") || has_value(lnx, "readonlyPaths") ||
	    has_value(lnx, "seccomp") || (se && *se) || (aa && *aa && strcmp(aa, "unconfined")))
		return false;
	for (size_t i = 0; i < n && i < CONTAINER_MAX_MOUNTS * 4; i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		const char *type = str_member(m, "type");

		if (type && (!strcmp(type, "sysfs") || !strcmp(type, "cgroup")) &&
		    has_string(member(m, "options", json_type_array), "ro"))
			return false;
	}
	return true;
}

static int decode_spec(struct container_info *ci, const ProtobufCBinaryData *spec)
{
	struct json_object *root;
	int r;

	if (!spec->len)
		return 0;
	root = container_json_object((const char *)spec->data, spec->len, SPEC_MAX_DEPTH);
	/* A spec we cannot read leaves the record's other facts standing. */
	if (!root)
		return 0;
	r = spec_mounts(ci, member(root, "mounts", json_type_array));
	spec_namespaces(ci, member(root, "linux", json_type_object));
	ci->privileged = spec_privileged(root);
	json_object_put(root);
	return r;
}

/* containerd has no container name: Kubernetes' and nerdctl's labels, else the id. */
static const char *name_of(const Containerd__Services__Containers__V1__Container *c)
{
	static const char *const keys[] = { "io.kubernetes.container.name", "nerdctl/name" };

	for (size_t k = 0; k < sizeof(keys) / sizeof(keys[0]); k++)
		for (size_t i = 0; i < c->n_labels; i++)
			if (c->labels[i]->key && !strcmp(c->labels[i]->key, keys[k]) &&
			    c->labels[i]->value && *c->labels[i]->value)
				return c->labels[i]->value;
	return c->id;
}

static int fill(struct container_info *ci, const Containerd__Services__Containers__V1__Container *c,
		unsigned max_len)
{
	int r;

	if ((r = container_cri_str(&ci->full_id, c->id)) < 0 ||
	    (r = container_cri_str(&ci->name, name_of(c))) < 0 ||
	    (r = container_cri_str(&ci->image, c->image)) < 0)
		return r;
	if (c->created_at && c->created_at->seconds > 0 && c->created_at->nanos >= 0 &&
	    c->created_at->seconds < 1ll << 33)
		ci->start_ts = (uint64_t)c->created_at->seconds * 1000000000ull +
			       (uint64_t)c->created_at->nanos % 1000000000ull;
	for (size_t i = 0; i < c->n_labels; i++)
		if ((r = container_cri_label(ci, c->labels[i]->key, c->labels[i]->value, max_len)) <
		    0)
			return r;
	if (c->sandbox && *c->sandbox && container_cri_has_label(ci, "io.kubernetes.pod.name") &&
	    (r = container_cri_label(ci, "io.kubernetes.sandbox.id", c->sandbox, max_len)) < 0)
		return r;
	return c->spec ? decode_spec(ci, &c->spec->value) : 0;
}

int containerd_decode(const uint8_t *msg, size_t len, const struct container_parse_opts *o,
		      struct container_info **ret)
{
	Containerd__Services__Containers__V1__GetContainerResponse *gr;
	struct container_info *ci;
	int r = -ENOMEM;

	gr = containerd__services__containers__v1__get_container_response__unpack(NULL, len, msg);
	if (!gr)
		return -EBADMSG;
	if (!gr->container || !gr->container->id || !*gr->container->id) {
		containerd__services__containers__v1__get_container_response__free_unpacked(gr,
											    NULL);
		return -ENOENT;
	}
	ci = calloc(1, sizeof(*ci));
	if (ci)
		r = fill(ci, gr->container, o ? o->label_max_len : 0);
	if (ci && r == 0)
		r = container_cri_finish(ci);
	containerd__services__containers__v1__get_container_response__free_unpacked(gr, NULL);
	if (r < 0) {
		container_info_free(ci);
		return r;
	}
	*ret = ci;
	return 0;
}

int containerd_decode_image(const uint8_t *msg, size_t len, struct container_info *ci)
{
	Containerd__Services__Containers__V1__GetImageResponse *gr;
	const char *d;
	int r = 0;

	gr = containerd__services__containers__v1__get_image_response__unpack(NULL, len, msg);
	if (!gr)
		return -EBADMSG;
	d = gr->image && gr->image->target ? gr->image->target->digest : NULL;
	if (!ci->image_digest && d && !strncmp(d, "sha256:", 7))
		r = container_cri_str(&ci->image_digest, d);
	containerd__services__containers__v1__get_image_response__free_unpacked(gr, NULL);
	return r;
}
