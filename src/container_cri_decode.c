// SPDX-License-Identifier: GPL-2.0-only
/*
 * CRI (runtime.v1) answers to struct container_info: ContainerStatus for
 * the container, PodSandboxStatus for its pod (metadata, labels, IP, host
 * namespaces). Decoded with protobuf-c from our own minimal .proto
 * (proto/cri.proto); fields we do not declare are skipped. The verbose
 * status's info["info"], the runtime's own JSON, says whether the
 * container is privileged.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include <json-c/json.h>

#include "container_cri.h"
#include "cri.pb-c.h"

/* containerd's info nests the OCI spec (seccomp rules' arguments: 8 deep). */
#define INFO_MAX_DEPTH 32

static const char *nz(const char *s)
{
	return s && *s ? s : NULL;
}

static int decode_mounts(struct container_info *ci, const Runtime__V1__ContainerStatus *st)
{
	static const char *const prop[] = { "rprivate", "rslave", "rshared" };
	size_t n = st->n_mounts < CONTAINER_MAX_MOUNTS ? st->n_mounts : CONTAINER_MAX_MOUNTS;

	if (!n)
		return 0;
	ci->mounts = calloc(n, sizeof(*ci->mounts));
	if (!ci->mounts)
		return -ENOMEM;
	for (size_t i = 0; i < n; i++) {
		const Runtime__V1__Mount *m = st->mounts[i];
		struct container_mount *cm = &ci->mounts[ci->nmounts++];
		unsigned p = (unsigned)m->propagation;

		cm->rw = !m->readonly;
		if (container_cri_str(&cm->source, m->host_path) < 0 ||
		    container_cri_str(&cm->dest, m->container_path) < 0 ||
		    container_cri_str(&cm->propagation, p < 3 ? prop[p] : NULL) < 0)
			return -ENOMEM;
	}
	return 0;
}

/* image: the name as created ("repo:tag"); the digest and id from the references. */
static int decode_image(struct container_info *ci, const Runtime__V1__ContainerStatus *st)
{
	const char *user = st->image ? nz(st->image->user_specified_image) : NULL;
	const char *img = st->image ? nz(st->image->image) : NULL;
	const char *ref = nz(st->image_ref), *id = nz(st->image_id), *at;
	int r;

	/* An image id is no name: kubelet may create from one, the user named the image. */
	if (img && !strncmp(img, "sha256:", 7)) {
		if (!id)
			id = img;
		img = user;
	}
	if ((r = container_cri_str(&ci->image, img ? img : user)) < 0)
		return r;
	if (ref && (at = strchr(ref, '@')) &&
	    (r = container_cri_str(&ci->image_digest, at + 1)) < 0)
		return r;
	if (!id && ref && !strncmp(ref, "sha256:", 7))
		id = ref;
	if (id && !strncmp(id, "sha256:", 7))
		id += 7;
	return container_cri_str(&ci->image_id, id);
}

static int decode_status(struct container_info *ci, const Runtime__V1__ContainerStatus *st,
			 unsigned max_len)
{
	int r;

	if ((r = container_cri_str(&ci->full_id, st->id)) < 0 ||
	    (r = container_cri_str(&ci->name, st->metadata ? st->metadata->name : NULL)) < 0 ||
	    (r = decode_image(ci, st)) < 0 || (r = decode_mounts(ci, st)) < 0)
		return r;
	ci->start_ts = (uint64_t)(st->started_at > 0 ? st->started_at :
				  st->created_at > 0 ? st->created_at :
						       0);
	for (size_t i = 0; i < st->n_labels; i++)
		if ((r = container_cri_label(ci, st->labels[i]->key, st->labels[i]->value,
					     max_len)) < 0)
			return r;
	return 0;
}

/*
 * The pod: its metadata stands in for the io.kubernetes.* labels kubelet
 * puts on containers (when they are missing), its labels are the pod's.
 */
static int decode_sandbox(struct container_info *ci, const Runtime__V1__PodSandboxStatus *sb,
			  const char *sandbox_id, unsigned max_len)
{
	const Runtime__V1__PodSandboxMetadata *md = sb->metadata;
	const Runtime__V1__NamespaceOption *ns = sb->linux_status && sb->linux_status->namespaces ?
							 sb->linux_status->namespaces->options :
							 NULL;
	int r = 0;

	if (md && nz(md->name) &&
	    ((r = container_cri_label(ci, "io.kubernetes.pod.name", md->name, max_len)) < 0 ||
	     (r = container_cri_label(ci, "io.kubernetes.pod.namespace", md->namespace_, max_len)) <
		     0 ||
	     (r = container_cri_label(ci, "io.kubernetes.pod.uid", md->uid, max_len)) < 0))
		return r;
	if ((r = container_cri_label(ci, "io.kubernetes.sandbox.id",
				     nz(sb->id) ? sb->id : sandbox_id, max_len)) < 0)
		return r;
	for (size_t i = 0; i < sb->n_labels; i++)
		if ((r = container_cri_label(ci, sb->labels[i]->key, sb->labels[i]->value,
					     max_len)) < 0)
			return r;
	if (ns) {
		ci->host_network = ns->network == RUNTIME__V1__NAMESPACE_MODE__NODE;
		ci->host_pid = ns->pid == RUNTIME__V1__NAMESPACE_MODE__NODE;
		ci->host_ipc = ns->ipc == RUNTIME__V1__NAMESPACE_MODE__NODE;
	}
	return sb->network ? container_cri_str(&ci->ip, nz(sb->network->ip)) : 0;
}

/*
 * Where the runtimes put it, in Falco's order (the first boolean found
 * wins): runtimeSpec.linux.security_context (older containerd, by
 * Falco's account), config.linux.security_context (containerd: the CRI
 * config the container was made with; false is left out), top-level
 * (CRI-O). An info that is not a JSON object, or says nothing, is false:
 * the rest of the answer stands.
 */
static bool info_privileged(const Runtime__V1__ContainerStatusResponse *cs)
{
	static const char *const paths[] = {
		"runtimeSpec.linux.security_context.privileged",
		"config.linux.security_context.privileged",
		"privileged",
	};
	struct json_object *root = NULL, *v;
	bool priv = false;

	for (size_t i = 0; i < cs->n_info && !root; i++)
		if (cs->info[i]->key && !strcmp(cs->info[i]->key, "info") && cs->info[i]->value)
			root = container_json_object(cs->info[i]->value, strlen(cs->info[i]->value),
						     INFO_MAX_DEPTH);
	for (size_t i = 0; root && i < sizeof(paths) / sizeof(paths[0]); i++) {
		v = container_json_at(root, paths[i]);
		if (v && json_object_is_type(v, json_type_boolean)) {
			priv = json_object_get_boolean(v);
			break;
		}
	}
	json_object_put(root);
	return priv;
}

int container_cri_decode(const uint8_t *status, size_t slen, const char *sandbox_id,
			 const uint8_t *sandbox, size_t sblen, const struct container_parse_opts *o,
			 struct container_info **ret)
{
	unsigned max_len = o ? o->label_max_len : 0;
	Runtime__V1__ContainerStatusResponse *cs;
	Runtime__V1__PodSandboxStatusResponse *ps = NULL;
	struct container_info *ci;
	int r = -ENOMEM;

	cs = runtime__v1__container_status_response__unpack(NULL, slen, status);
	if (!cs)
		return -EBADMSG;
	if (!cs->status || !nz(cs->status->id)) {
		runtime__v1__container_status_response__free_unpacked(cs, NULL);
		return -ENOENT;
	}
	if (sandbox &&
	    !(ps = runtime__v1__pod_sandbox_status_response__unpack(NULL, sblen, sandbox))) {
		runtime__v1__container_status_response__free_unpacked(cs, NULL);
		return -EBADMSG;
	}
	ci = calloc(1, sizeof(*ci));
	if (ci)
		ci->privileged = info_privileged(cs);
	if (ci && (r = decode_status(ci, cs->status, max_len)) == 0) {
		if (ps && ps->status)
			r = decode_sandbox(ci, ps->status, sandbox_id, max_len);
		else if (sandbox_id && container_cri_has_label(ci, "io.kubernetes.pod.name"))
			r = container_cri_label(ci, "io.kubernetes.sandbox.id", sandbox_id,
						max_len);
	}
	if (ci && r == 0)
		r = container_cri_finish(ci);
	runtime__v1__container_status_response__free_unpacked(cs, NULL);
	if (ps)
		runtime__v1__pod_sandbox_status_response__free_unpacked(ps, NULL);
	if (r < 0) {
		container_info_free(ci);
		return r;
	}
	*ret = ci;
	return 0;
}

int container_cri_decode_sandbox_id(const uint8_t *msg, size_t len, const char *id,
				    char *ret_sandbox, size_t sandbox_len)
{
	Runtime__V1__ListContainersResponse *lr;
	int r = -ENOENT;

	lr = runtime__v1__list_containers_response__unpack(NULL, len, msg);
	if (!lr)
		return -EBADMSG;
	/* The filter asked for one id; a runtime that ignores it is read with care. */
	for (size_t i = 0; i < lr->n_containers; i++) {
		const Runtime__V1__Container *c = lr->containers[i];

		if (!nz(c->id) || strcmp(c->id, id) || !nz(c->pod_sandbox_id))
			continue;
		if (strlen(c->pod_sandbox_id) >= sandbox_len) {
			r = -EBADMSG;
			break;
		}
		strcpy(ret_sandbox, c->pod_sandbox_id);
		r = 0;
		break;
	}
	runtime__v1__list_containers_response__free_unpacked(lr, NULL);
	return r;
}

int container_cri_decode_type(const uint8_t *msg, size_t len, const char **ret_type)
{
	Runtime__V1__VersionResponse *v = runtime__v1__version_response__unpack(NULL, len, msg);
	const char *type = "cri";

	if (!v)
		return -EBADMSG;
	if (v->runtime_name && strstr(v->runtime_name, "containerd"))
		type = "containerd";
	else if (v->runtime_name && !strcmp(v->runtime_name, "cri-o"))
		type = "cri-o";
	runtime__v1__version_response__free_unpacked(v, NULL);
	*ret_type = type;
	return 0;
}
