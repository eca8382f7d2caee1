// SPDX-License-Identifier: GPL-2.0-only
/*
 * container.* and k8s.* fields from the runtime metadata cache, with
 * Falco's meanings. container.id and container.full_id stay with the state
 * (fields_state.c: the cgroup path gives them, always known);
 * everything else is "not available" until the container's lookup has
 * completed, and never guessed.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "container.h"
#include "fields.h"
#include "fields_container.h"
#include "fields_state_int.h"
#include "util.h"

enum cf {
	CF_NAME,
	CF_IMAGE,
	CF_IMAGE_ID,
	CF_TYPE,
	CF_PRIVILEGED,
	CF_MOUNTS,
	CF_MOUNT,
	CF_MOUNT_SOURCE,
	CF_MOUNT_DEST,
	CF_MOUNT_MODE,
	CF_MOUNT_RDWR,
	CF_MOUNT_PROPAGATION,
	CF_IMAGE_REPO,
	CF_IMAGE_TAG,
	CF_IMAGE_DIGEST,
	CF_HEALTHCHECK,
	CF_LIVENESS,
	CF_READINESS,
	CF_START_TS,
	CF_DURATION,
	CF_IP,
	CF_HOST_PID,
	CF_HOST_NETWORK,
	CF_HOST_IPC,
	CF_POD_NAME,
	CF_NS_NAME,
	CF_POD_UID,
	CF_SANDBOX_ID,
	CF_FULL_SANDBOX_ID,
	CF_POD_LABEL,
	CF_POD_LABELS,
	CF_POD_IP,
};

static const struct {
	const char *name;
	enum cf f;
} cf_fields[] = {
	{ "container.name", CF_NAME },
	{ "container.image", CF_IMAGE },
	{ "container.image.id", CF_IMAGE_ID },
	{ "container.type", CF_TYPE },
	{ "container.privileged", CF_PRIVILEGED },
	{ "container.mounts", CF_MOUNTS },
	{ "container.mount", CF_MOUNT },
	{ "container.mount.source", CF_MOUNT_SOURCE },
	{ "container.mount.dest", CF_MOUNT_DEST },
	{ "container.mount.mode", CF_MOUNT_MODE },
	{ "container.mount.rdwr", CF_MOUNT_RDWR },
	{ "container.mount.propagation", CF_MOUNT_PROPAGATION },
	{ "container.image.repository", CF_IMAGE_REPO },
	{ "container.image.tag", CF_IMAGE_TAG },
	{ "container.image.digest", CF_IMAGE_DIGEST },
	{ "container.healthcheck", CF_HEALTHCHECK },
	{ "container.liveness_probe", CF_LIVENESS },
	{ "container.readiness_probe", CF_READINESS },
	{ "container.start_ts", CF_START_TS },
	{ "container.duration", CF_DURATION },
	{ "container.ip", CF_IP },
	{ "container.host_pid", CF_HOST_PID },
	{ "container.host_network", CF_HOST_NETWORK },
	{ "container.host_ipc", CF_HOST_IPC },
	{ "k8s.pod.name", CF_POD_NAME },
	{ "k8s.ns.name", CF_NS_NAME },
	{ "k8s.pod.id", CF_POD_UID },
	{ "k8s.pod.uid", CF_POD_UID },
	{ "k8s.pod.sandbox_id", CF_SANDBOX_ID },
	{ "k8s.pod.full_sandbox_id", CF_FULL_SANDBOX_ID },
	{ "k8s.pod.label", CF_POD_LABEL },
	{ "k8s.pod.labels", CF_POD_LABELS },
	{ "k8s.pod.ip", CF_POD_IP },
};

/* Registry id -> enum cf + 1 (0: not ours). */
#define CF_MAX_IDS 2048
static uint8_t cf_by_id[CF_MAX_IDS];

static int out_str(struct field_out *out, const char *s)
{
	return s ? fs_out_cstr(out, s) : 0;
}

static int out_label(struct field_out *out, const struct container_info *ci, const char *key)
{
	return out_str(out, container_info_label(ci, key));
}

static int mount_field(const struct field_req *req, const struct container_info *ci,
		       struct field_out *out, enum cf f)
{
	/* Falco: mount.source[KEY] finds the mount by destination, the others by source. */
	const struct container_mount *m =
		container_info_mount(ci, req->index, req->arg, f == CF_MOUNT_SOURCE);
	char *buf;
	int n;

	if (!m)
		return 0;
	switch (f) {
	case CF_MOUNT_SOURCE:
		return out_str(out, m->source);
	case CF_MOUNT_DEST:
		return out_str(out, m->dest);
	case CF_MOUNT_MODE:
		return out_str(out, m->mode);
	case CF_MOUNT_RDWR:
		return fs_out_cstr(out, m->rw ? "true" : "false");
	case CF_MOUNT_PROPAGATION:
		return out_str(out, m->propagation);
	default:
		break;
	}
	buf = out->buf + out->used;
	n = snprintf(buf, out->size - out->used, "%s:%s:%s:%s:%s", m->source ?: "", m->dest ?: "",
		     m->mode ?: "", m->rw ? "true" : "false", m->propagation ?: "");
	if (n < 0 || (size_t)n >= out->size - out->used)
		return -ENOSPC;
	out->used += (size_t)n + 1;
	return fs_out_cstr(out, buf);
}

static int short_id(struct field_out *out, const char *s)
{
	if (!s)
		return 0;
	return field_out_str(out, s, strlen(s) > 12 ? 12 : strlen(s)) ? 1 : -ENOSPC;
}

static int info_field(const struct field_req *req, const struct field_ctx *c,
		      const struct container_entry *ce, struct field_out *out, enum cf f)
{
	const struct container_info *ci = ce->info;

	switch (f) {
	case CF_NAME:
		return out_str(out, ci->name);
	case CF_IMAGE:
		return out_str(out, ci->image);
	case CF_IMAGE_ID:
		return out_str(out, ci->image_id);
	case CF_TYPE:
		return out_str(out, ci->type);
	case CF_PRIVILEGED:
		return fs_out_bool(out, ci->privileged);
	case CF_MOUNTS:
		return out_str(out, ci->mounts_str);
	case CF_MOUNT ... CF_MOUNT_PROPAGATION:
		return mount_field(req, ci, out, f);
	case CF_IMAGE_REPO:
		return out_str(out, ci->image_repo);
	case CF_IMAGE_TAG:
		return out_str(out, ci->image_tag);
	case CF_IMAGE_DIGEST:
		return out_str(out, ci->image_digest);
	case CF_HEALTHCHECK:
		return out_str(out, ci->healthcheck);
	case CF_LIVENESS:
		return out_str(out, ci->liveness_probe);
	case CF_READINESS:
		return out_str(out, ci->readiness_probe);
	case CF_START_TS:
		return ci->start_ts ? fs_out_u64(out, ci->start_ts) : 0;
	case CF_DURATION:
		if (!ci->start_ts || !c->evt || c->evt->ts < ci->start_ts)
			return 0;
		return fs_out_u64(out, c->evt->ts - ci->start_ts);
	case CF_IP:
	case CF_POD_IP:
		return out_str(out, ci->ip);
	case CF_HOST_PID:
		return fs_out_bool(out, ci->host_pid);
	case CF_HOST_NETWORK:
		return fs_out_bool(out, ci->host_network);
	case CF_HOST_IPC:
		return fs_out_bool(out, ci->host_ipc);
	default:
		break;
	}
	/* k8s.*: only for a container Kubernetes made. */
	if (!container_info_label(ci, "io.kubernetes.pod.name"))
		return 0;
	switch (f) {
	case CF_POD_NAME:
		return out_label(out, ci, "io.kubernetes.pod.name");
	case CF_NS_NAME:
		return out_label(out, ci, "io.kubernetes.pod.namespace");
	case CF_POD_UID:
		return out_label(out, ci, "io.kubernetes.pod.uid");
	case CF_SANDBOX_ID:
		return short_id(out, container_info_label(ci, "io.kubernetes.sandbox.id"));
	case CF_FULL_SANDBOX_ID:
		return out_label(out, ci, "io.kubernetes.sandbox.id");
	case CF_POD_LABEL:
		return req->arg ? out_label(out, ci, req->arg) : 0;
	case CF_POD_LABELS:
		return out_str(out, ci->pod_labels_str);
	default:
		return 0;
	}
}

static int extract(const struct field_req *req, const struct field_ctx *c, struct field_out *out)
{
	const struct fields_state_data *d = fs_data(c);
	const struct state_proc *p = fs_proc(c);
	const struct container_entry *ce;
	enum cf f;

	if (!d || !p || !p->container_id || req->id >= CF_MAX_IDS || !cf_by_id[req->id])
		return 0;
	f = (enum cf)(cf_by_id[req->id] - 1);
	if (p->container_id->len == 4 && !memcmp(p->container_id->s, "host", 4))
		return f == CF_NAME ? fs_out_cstr(out, "host") : 0;
	ce = d->containers ?
		     container_meta_get(d->containers, p->container_id->s, p->container_id->len) :
		     NULL;
	if (!ce || ce->status != CONTAINER_READY || !ce->info)
		return 0;
	return info_field(req, c, ce, out, f);
}

int fields_container_register(void)
{
	int n = 0;

	memset(cf_by_id, 0, sizeof(cf_by_id));
	for (size_t i = 0; i < ARRAY_SIZE(cf_fields); i++) {
		const struct field_def *def = field_find(cf_fields[i].name);
		size_t id;

		if (!def)
			return -ENOENT;
		id = (size_t)(def - field_at(0));
		if (id >= CF_MAX_IDS)
			return -ERANGE;
		cf_by_id[id] = (uint8_t)(cf_fields[i].f + 1);
		if (field_register_extractor(cf_fields[i].name, extract) < 0)
			return -ENOENT;
		n++;
	}
	return n;
}
