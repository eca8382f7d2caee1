// SPDX-License-Identifier: GPL-2.0-only
/*
 * What a runtime said about a container: freeing, image names, mounts,
 * labels; and reading the JSON documents the runtimes answer with.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fnmatch.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "container.h"

struct json_object *container_json_object(const char *s, size_t len, int depth)
{
	struct json_tokener *tok;
	struct json_object *root = NULL;
	size_t end;

	if (len > CONTAINER_MAX_RESPONSE || !(tok = json_tokener_new_ex(depth)))
		return NULL;
	root = json_tokener_parse_ex(tok, s, (int)len);
	end = json_tokener_get_parse_end(tok);
	json_tokener_free(tok);
	/* Anything but white space after the object makes it no document. */
	while (root && end < len && strchr(" \t\r\n", s[end]) && s[end])
		end++;
	if (root && (!json_object_is_type(root, json_type_object) || end != len)) {
		json_object_put(root);
		root = NULL;
	}
	return root;
}

struct json_object *container_json_at(struct json_object *o, const char *path)
{
	char key[64];

	while (o && *path) {
		const char *dot = strchr(path, '.');
		size_t n = dot ? (size_t)(dot - path) : strlen(path);

		if (n >= sizeof(key) || !json_object_is_type(o, json_type_object))
			return NULL;
		memcpy(key, path, n);
		key[n] = '\0';
		if (!json_object_object_get_ex(o, key, &o))
			return NULL;
		path += n + (dot ? 1 : 0);
	}
	return o;
}

static void free_strings(struct container_info *ci)
{
	char **s[] = { &ci->full_id,	     &ci->name,	       &ci->image,
		       &ci->image_repo,	     &ci->image_tag,   &ci->image_digest,
		       &ci->image_id,	     &ci->healthcheck, &ci->liveness_probe,
		       &ci->readiness_probe, &ci->ip,	       &ci->mounts_str,
		       &ci->pod_labels_str };

	for (size_t i = 0; i < sizeof(s) / sizeof(s[0]); i++)
		free(*s[i]);
}

void container_info_free(struct container_info *ci)
{
	if (!ci)
		return;
	free_strings(ci);
	for (unsigned i = 0; i < ci->nmounts; i++) {
		free(ci->mounts[i].source);
		free(ci->mounts[i].dest);
		free(ci->mounts[i].mode);
		free(ci->mounts[i].propagation);
	}
	free(ci->mounts);
	for (unsigned i = 0; i < ci->nlabels; i++) {
		free(ci->labels[i].key);
		free(ci->labels[i].value);
	}
	free(ci->labels);
	free(ci);
}

static char *dup_n(const char *s, size_t n)
{
	return n ? strndup(s, n) : NULL;
}

/*
 * A reference is [registry[:port]/]path[:tag][@digest]. The tag's colon is
 * the last one after the last slash, so a registry port is not a tag.
 */
int container_image_split(const char *image, char **ret_repo, char **ret_tag, char **ret_digest)
{
	const char *at = strchr(image, '@'), *end = at ? at : image + strlen(image);
	const char *slash = memrchr(image, '/', (size_t)(end - image));
	const char *colon =
		memrchr(slash ? slash : image, ':', (size_t)(end - (slash ? slash : image)));
	char *repo, *tag = NULL, *digest = NULL;

	repo = dup_n(image, (size_t)((colon ? colon : end) - image));
	if (colon)
		tag = dup_n(colon + 1, (size_t)(end - colon - 1));
	if (at)
		digest = dup_n(at + 1, strlen(at + 1));
	if ((!repo && (colon ? colon : end) != image) || (colon && end - colon > 1 && !tag) ||
	    (at && at[1] && !digest)) {
		free(repo);
		free(tag);
		free(digest);
		return -ENOMEM;
	}
	*ret_repo = repo;
	*ret_tag = tag;
	*ret_digest = digest;
	return 0;
}

const char *container_info_label(const struct container_info *ci, const char *key)
{
	unsigned lo = 0, hi = ci->nlabels;

	while (lo < hi) {
		unsigned mid = lo + (hi - lo) / 2;
		int c = strcmp(key, ci->labels[mid].key);

		if (!c)
			return ci->labels[mid].value;
		if (c < 0)
			hi = mid;
		else
			lo = mid + 1;
	}
	return NULL;
}

const struct container_mount *container_info_mount(const struct container_info *ci, int64_t index,
						   const char *key, bool by_dest)
{
	if (index >= 0)
		return (uint64_t)index < ci->nmounts ? &ci->mounts[index] : NULL;
	if (!key)
		return NULL;
	for (unsigned i = 0; i < ci->nmounts; i++) {
		const char *v = by_dest ? ci->mounts[i].dest : ci->mounts[i].source;

		if (v && fnmatch(key, v, 0) == 0)
			return &ci->mounts[i];
	}
	return NULL;
}

static const char *nz(const char *s)
{
	return s ? s : "";
}

/* Appends to a growing string; false on allocation failure. */
static bool append(char **buf, size_t *len, size_t *cap, const char *s)
{
	size_t n = strlen(s);

	if (*len + n + 1 > *cap) {
		size_t ncap = (*cap ? *cap * 2 : 256) + n;
		char *nb = realloc(*buf, ncap);

		if (!nb)
			return false;
		*buf = nb;
		*cap = ncap;
	}
	memcpy(*buf + *len, s, n + 1);
	*len += n;
	return true;
}

/* Falco renders a mount as source:dest:mode:rdwr:propagation. */
static bool append_mount(char **buf, size_t *len, size_t *cap, const struct container_mount *m)
{
	return append(buf, len, cap, nz(m->source)) && append(buf, len, cap, ":") &&
	       append(buf, len, cap, nz(m->dest)) && append(buf, len, cap, ":") &&
	       append(buf, len, cap, nz(m->mode)) && append(buf, len, cap, ":") &&
	       append(buf, len, cap, m->rw ? "true" : "false") && append(buf, len, cap, ":") &&
	       append(buf, len, cap, nz(m->propagation));
}

/* Pod labels: the container's, without Kubernetes' own (io.kubernetes.*, annotation.*). */
static bool is_pod_label(const char *key)
{
	return strncmp(key, "io.kubernetes.", 14) && strncmp(key, "annotation.", 11);
}

int container_info_finish(struct container_info *ci)
{
	char *buf = NULL;
	size_t len = 0, cap = 0;

	for (unsigned i = 0; i < ci->nmounts; i++)
		if ((i && !append(&buf, &len, &cap, ",")) ||
		    !append_mount(&buf, &len, &cap, &ci->mounts[i]))
			goto oom;
	ci->mounts_str = buf;
	buf = NULL;
	len = cap = 0;
	/* Only a Kubernetes container has pod labels. */
	if (!container_info_label(ci, "io.kubernetes.pod.name"))
		return 0;
	for (unsigned i = 0; i < ci->nlabels; i++) {
		const struct container_label *l = &ci->labels[i];

		if (!is_pod_label(l->key))
			continue;
		if ((len && !append(&buf, &len, &cap, ", ")) || !append(&buf, &len, &cap, l->key) ||
		    (l->value[0] &&
		     (!append(&buf, &len, &cap, ":") || !append(&buf, &len, &cap, l->value))))
			goto oom;
	}
	ci->pod_labels_str = buf;
	return 0;
oom:
	free(buf);
	return -ENOMEM;
}
