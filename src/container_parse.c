// SPDX-License-Identifier: GPL-2.0-only
/*
 * The Docker-compatible API's container and image documents (docker,
 * `podman system service`) to struct container_info, with json-c. The
 * runtime is trusted no more than any input: every string and list is
 * bounded, and a document of the wrong shape is -EBADMSG, not a crash.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "container.h"
#include "util.h"

static const char *str_at(struct json_object *o, const char *path)
{
	struct json_object *v = container_json_at(o, path);

	return v && json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
}

static bool bool_at(struct json_object *o, const char *path)
{
	struct json_object *v = container_json_at(o, path);

	return v && json_object_is_type(v, json_type_boolean) && json_object_get_boolean(v);
}

/* A bounded copy; empty strings are "unknown" (NULL). -ENOMEM only. */
static int dup_str(const char *s, char **slot)
{
	if (!s || !*s)
		return 0;
	*slot = strndup(s, CONTAINER_MAX_STR);
	return *slot ? 0 : -ENOMEM;
}

/* RFC 3339 as Go writes times; 0 for Go's zero time (year 1) or no time. */
static uint64_t parse_time(const char *s)
{
	uint64_t t;

	return s && util_parse_rfc3339(s, &t) == 0 ? t : 0;
}

/* Joins a JSON array of strings with spaces, from item first on. */
static int join(struct json_object *arr, size_t first, const char *prefix, char **slot)
{
	char buf[CONTAINER_MAX_STR];
	size_t len = 0, n = json_object_array_length(arr);

	len = (size_t)snprintf(buf, sizeof(buf), "%s", prefix);
	for (size_t i = first; i < n && len < sizeof(buf) - 1; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(arr, i));

		len += (size_t)snprintf(buf + len, sizeof(buf) - len, "%s%s", len ? " " : "",
					s ? s : "");
	}
	return dup_str(buf, slot);
}

/* Config.Healthcheck.Test: ["CMD", exe, args...] or ["CMD-SHELL", "command"]. */
static int parse_healthcheck(struct json_object *test, char **slot)
{
	const char *kind;

	if (!test || !json_object_is_type(test, json_type_array) ||
	    json_object_array_length(test) < 2)
		return 0;
	kind = json_object_get_string(json_object_array_get_idx(test, 0));
	if (kind && !strcmp(kind, "CMD"))
		return join(test, 1, "", slot);
	if (kind && !strcmp(kind, "CMD-SHELL"))
		return join(test, 1, "/bin/sh -c", slot);
	return 0;
}

/* Kubernetes' probes, from the pod spec kubectl left in a container label. */
static int parse_probes(struct container_info *ci, const char *spec)
{
	struct json_object *root = json_tokener_parse(spec), *c, *cmd;
	int r = 0;

	c = root ? container_json_at(root, "spec.containers") : NULL;
	if (c && json_object_is_type(c, json_type_array) && json_object_array_length(c) > 0) {
		c = json_object_array_get_idx(c, 0);
		cmd = container_json_at(c, "livenessProbe.exec.command");
		if (cmd && json_object_is_type(cmd, json_type_array))
			r = join(cmd, 0, "", &ci->liveness_probe);
		cmd = container_json_at(c, "readinessProbe.exec.command");
		if (!r && cmd && json_object_is_type(cmd, json_type_array))
			r = join(cmd, 0, "", &ci->readiness_probe);
	}
	json_object_put(root);
	return r;
}

static int cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct container_label *)a)->key,
		      ((const struct container_label *)b)->key);
}

static int parse_labels(struct container_info *ci, struct json_object *labels, unsigned max_len)
{
	struct json_object_iterator it, end;
	const char *probes = NULL;

	if (!labels || !json_object_is_type(labels, json_type_object))
		return 0;
	ci->labels = calloc(CONTAINER_MAX_LABELS, sizeof(*ci->labels));
	if (!ci->labels)
		return -ENOMEM;
	it = json_object_iter_begin(labels);
	end = json_object_iter_end(labels);
	for (; !json_object_iter_equal(&it, &end); json_object_iter_next(&it)) {
		const char *k = json_object_iter_peek_name(&it);
		struct json_object *v = json_object_iter_peek_value(&it);
		const char *s =
			json_object_is_type(v, json_type_string) ? json_object_get_string(v) : NULL;
		struct container_label *l = &ci->labels[ci->nlabels];

		if (!s)
			continue;
		if (!strcmp(k, "io.kubernetes.container.last-applied-config"))
			probes = s;
		/* As Falco: long values (kubectl's annotations) are not kept. */
		if (strlen(s) > max_len || strlen(k) >= CONTAINER_MAX_STR ||
		    ci->nlabels >= CONTAINER_MAX_LABELS)
			continue;
		l->key = strdup(k);
		l->value = strdup(s);
		ci->nlabels++;
		if (!l->key || !l->value)
			return -ENOMEM;
	}
	qsort(ci->labels, ci->nlabels, sizeof(*ci->labels), cmp_label);
	return probes ? parse_probes(ci, probes) : 0;
}

static int parse_mounts(struct container_info *ci, struct json_object *mounts)
{
	size_t n;

	if (!mounts || !json_object_is_type(mounts, json_type_array))
		return 0;
	n = json_object_array_length(mounts);
	if (n > CONTAINER_MAX_MOUNTS)
		n = CONTAINER_MAX_MOUNTS;
	ci->mounts = calloc(n ? n : 1, sizeof(*ci->mounts));
	if (!ci->mounts)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		struct json_object *m = json_object_array_get_idx(mounts, i);
		struct container_mount *cm = &ci->mounts[ci->nmounts];

		if (!json_object_is_type(m, json_type_object))
			continue;
		ci->nmounts++;
		cm->rw = bool_at(m, "RW");
		if (dup_str(str_at(m, "Source"), &cm->source) < 0 ||
		    dup_str(str_at(m, "Destination"), &cm->dest) < 0 ||
		    dup_str(str_at(m, "Mode"), &cm->mode) < 0 ||
		    dup_str(str_at(m, "Propagation"), &cm->propagation) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* "host" namespace modes. */
static bool is_host_mode(struct json_object *o, const char *path)
{
	const char *s = str_at(o, path);

	return s && !strcmp(s, "host");
}

/* Image ids are "sha256:<hex>" (docker) or the bare hex (podman). */
static int set_image_id(struct container_info *ci, const char *id)
{
	if (!id || ci->image_id)
		return 0;
	if (!strncmp(id, "sha256:", 7))
		id += 7;
	return dup_str(id, &ci->image_id);
}

static int fill(struct container_info *ci, struct json_object *root, unsigned label_max_len)
{
	const char *name = str_at(root, "Name");
	int r;

	if (name && *name == '/')
		name++;
	ci->privileged = bool_at(root, "HostConfig.Privileged");
	ci->host_pid = is_host_mode(root, "HostConfig.PidMode");
	ci->host_network = is_host_mode(root, "HostConfig.NetworkMode");
	ci->host_ipc = is_host_mode(root, "HostConfig.IpcMode");
	ci->start_ts = parse_time(str_at(root, "State.StartedAt"));
	if (!ci->start_ts)
		ci->start_ts = parse_time(str_at(root, "Created"));
	if ((r = dup_str(str_at(root, "Id"), &ci->full_id)) < 0 ||
	    (r = dup_str(name, &ci->name)) < 0 ||
	    (r = dup_str(str_at(root, "Config.Image"), &ci->image)) < 0 ||
	    (r = set_image_id(ci, str_at(root, "Image"))) < 0 ||
	    (r = dup_str(str_at(root, "NetworkSettings.IPAddress"), &ci->ip)) < 0 ||
	    (r = parse_healthcheck(container_json_at(root, "Config.Healthcheck.Test"),
				   &ci->healthcheck)) < 0 ||
	    (r = parse_labels(ci, container_json_at(root, "Config.Labels"), label_max_len)) < 0 ||
	    (r = parse_mounts(ci, container_json_at(root, "Mounts"))) < 0)
		return r;
	if (ci->image) {
		r = container_image_split(ci->image, &ci->image_repo, &ci->image_tag,
					  &ci->image_digest);
		if (r < 0)
			return r;
	}
	return container_info_finish(ci);
}

/* A runtime's answer: a bounded JSON object with an Id, or NULL. */
static struct json_object *parse_doc(const char *json, size_t len, int *ret_err)
{
	struct json_tokener *tok = json_tokener_new();
	struct json_object *root;

	*ret_err = -ENOMEM;
	if (!tok)
		return NULL;
	root = len <= CONTAINER_MAX_RESPONSE && len <= INT32_MAX ?
		       json_tokener_parse_ex(tok, json, (int)len) :
		       NULL;
	json_tokener_free(tok);
	*ret_err = -EBADMSG;
	/* A container or image document always has an Id. */
	if (!root || !json_object_is_type(root, json_type_object) || !str_at(root, "Id")) {
		json_object_put(root);
		return NULL;
	}
	return root;
}

int container_parse_docker(const char *json, size_t len, const struct container_parse_opts *o,
			   struct container_info **ret)
{
	struct container_info *ci;
	struct json_object *root;
	int r;

	root = parse_doc(json, len, &r);
	if (!root)
		return r;
	ci = calloc(1, sizeof(*ci));
	r = ci ? fill(ci, root,
		      o && o->label_max_len ? o->label_max_len : CONTAINER_DEF_LABEL_MAX_LEN) :
		 -ENOMEM;
	json_object_put(root);
	if (r < 0) {
		container_info_free(ci);
		return r;
	}
	*ret = ci;
	return 0;
}

/* RepoDigests: ["repo@sha256:..."]; the one of the container's repository, else the only one. */
static const char *pick_digest(struct json_object *digests, const char *repo)
{
	size_t n = digests && json_object_is_type(digests, json_type_array) ?
			   json_object_array_length(digests) :
			   0;
	const char *only = NULL;

	for (size_t i = 0; i < n; i++) {
		const char *s = json_object_get_string(json_object_array_get_idx(digests, i));
		const char *at = s ? strchr(s, '@') : NULL;

		if (!at)
			continue;
		if (repo && (size_t)(at - s) == strlen(repo) && !strncmp(s, repo, (size_t)(at - s)))
			return at + 1;
		only = i == 0 ? at + 1 : NULL;
	}
	return n == 1 ? only : NULL;
}

int container_parse_docker_image(const char *json, size_t len, struct container_info *ci)
{
	struct json_object *root;
	int r;

	root = parse_doc(json, len, &r);
	if (!root)
		return r;
	r = set_image_id(ci, str_at(root, "Id"));
	if (!r && !ci->image_digest)
		r = dup_str(pick_digest(container_json_at(root, "RepoDigests"), ci->image_repo),
			    &ci->image_digest);
	json_object_put(root);
	return r;
}
