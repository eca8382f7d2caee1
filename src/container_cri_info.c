// SPDX-License-Identifier: GPL-2.0-only
/*
 * Building a struct container_info from CRI and containerd answers, with
 * the same bounds as the Docker API's parser: strings cut at
 * CONTAINER_MAX_STR, at most CONTAINER_MAX_LABELS labels, values longer
 * than label_max_len dropped (as Falco).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container_cri.h"

int container_cri_str(char **slot, const char *s)
{
	if (!s || !*s)
		return 0;
	*slot = strndup(s, CONTAINER_MAX_STR);
	return *slot ? 0 : -ENOMEM;
}

int container_cri_label(struct container_info *ci, const char *key, const char *value,
			unsigned max_len)
{
	struct container_label *l;

	if (!key || !*key || !value)
		return 0;
	if (!max_len)
		max_len = CONTAINER_DEF_LABEL_MAX_LEN;
	if (strlen(value) > max_len || strlen(key) >= CONTAINER_MAX_STR ||
	    ci->nlabels >= CONTAINER_MAX_LABELS)
		return 0;
	/* The first wins: a container's own label over its sandbox's. Bounded by MAX_LABELS. */
	for (unsigned i = 0; i < ci->nlabels; i++)
		if (!strcmp(ci->labels[i].key, key))
			return 0;
	if (!ci->labels) {
		ci->labels = calloc(CONTAINER_MAX_LABELS, sizeof(*ci->labels));
		if (!ci->labels)
			return -ENOMEM;
	}
	l = &ci->labels[ci->nlabels];
	l->key = strdup(key);
	l->value = strdup(value);
	ci->nlabels++; /* counted even on failure: container_info_free() frees both */
	return l->key && l->value ? 0 : -ENOMEM;
}

bool container_cri_has_label(const struct container_info *ci, const char *key)
{
	for (unsigned i = 0; i < ci->nlabels; i++)
		if (ci->labels[i].key && !strcmp(ci->labels[i].key, key))
			return true;
	return false;
}

static int cmp_label(const void *a, const void *b)
{
	return strcmp(((const struct container_label *)a)->key,
		      ((const struct container_label *)b)->key);
}

int container_cri_finish(struct container_info *ci)
{
	int r;

	if (ci->nlabels)
		qsort(ci->labels, ci->nlabels, sizeof(*ci->labels), cmp_label);
	if (ci->image && !ci->image_repo) {
		char *digest = NULL;

		r = container_image_split(ci->image, &ci->image_repo, &ci->image_tag, &digest);
		if (r < 0)
			return r;
		if (digest && !ci->image_digest)
			ci->image_digest = digest;
		else
			free(digest);
	}
	return container_info_finish(ci);
}
