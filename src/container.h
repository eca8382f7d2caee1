/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Container metadata (container.name, .image, .mounts, k8s.pod.*, ...),
 * asked of the container runtimes' API sockets by a worker thread, never on
 * the event path.
 *
 * The state tells container_meta_proc() when a process joins or leaves a
 * container (state_set_container_hook). The first process of an unknown
 * container queues a lookup; the worker asks the runtimes that could own
 * it, in order, and hands the result back; container_meta_poll(), called
 * from the event loop, publishes it into the cache. When the container's
 * last known process leaves, its entry is removed (counted as evicted).
 * The cache, and every pointer it returns, belongs to the event thread:
 * pointers stay valid until the next container_meta_poll() or
 * container_meta_proc().
 */
#ifndef SAKER_CONTAINER_H
#define SAKER_CONTAINER_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "containerid.h"

/* Bounds on what a runtime may hand us. */
#define CONTAINER_MAX_RESPONSE (4u << 20) /* bytes of one API answer */
#define CONTAINER_MAX_MOUNTS 128u
#define CONTAINER_MAX_LABELS 256u
#define CONTAINER_MAX_STR 1024u /* names, images, paths, probes */
#define CONTAINER_DEF_LABEL_MAX_LEN 100u /* longer label values are dropped (Falco's default) */
#define CONTAINER_DEF_TIMEOUT_MS 1000u
#define CONTAINER_DEF_CACHE_SIZE 4096u
#define CONTAINER_MAX_SOCKETS 8u

struct container_mount {
	char *source, *dest, *mode, *propagation;
	bool rw;
};

struct container_label {
	char *key, *value;
};

/* What a runtime said about one container. Strings are NULL when unknown. */
struct container_info {
	char *full_id; /* the runtime's own id */
	const char *type; /* container.type: "docker", "podman", ... (static; set by the worker) */
	char *name;
	char *image; /* as the container was created from ("repo:tag") */
	char *image_repo, *image_tag, *image_digest, *image_id;
	bool privileged, host_pid, host_network, host_ipc;
	uint64_t start_ts; /* ns since the epoch; 0 unknown */
	char *healthcheck, *liveness_probe, *readiness_probe; /* "exe arg ..." */
	char *ip;
	struct container_mount *mounts;
	unsigned nmounts;
	struct container_label *labels; /* sorted by key */
	unsigned nlabels;
	/* Rendered once: container.mounts and k8s.pod.labels. */
	char *mounts_str;
	char *pod_labels_str;
};

struct container_parse_opts {
	unsigned label_max_len; /* 0: CONTAINER_DEF_LABEL_MAX_LEN */
	/* containerd namespaces to ask, in order; none: k8s.io, default. */
	char *const *containerd_namespaces;
	size_t n_containerd_namespaces;
};

/* container_parse.c: the Docker-compatible API's answers (docker, podman). */
/* GET /containers/ID/json. Returns 0, -EBADMSG (not the expected JSON), -ENOMEM. */
int container_parse_docker(const char *json, size_t len, const struct container_parse_opts *o,
			   struct container_info **ret);
/* GET /images/NAME/json: fills the digest and image id where still unknown. */
int container_parse_docker_image(const char *json, size_t len, struct container_info *ci);

/* container_info.c */
void container_info_free(struct container_info *ci);
struct json_object;
/*
 * A runtime's JSON document: an object of at most CONTAINER_MAX_RESPONSE
 * bytes, nested at most depth deep, nothing after it; NULL if it is not
 * (json_object_put() it).
 */
struct json_object *container_json_object(const char *s, size_t len, int depth);
/* The member at a dotted path ("HostConfig.Privileged"), or NULL. */
struct json_object *container_json_at(struct json_object *o, const char *path);
/* "registry:5000/ns/repo:tag@sha256:..." -> repo, tag, digest (each NULL if absent). */
int container_image_split(const char *image, char **ret_repo, char **ret_tag, char **ret_digest);
/* The label's value, or NULL. */
const char *container_info_label(const struct container_info *ci, const char *key);
/*
 * A mount by index (index >= 0) or by a glob on its source (or, with
 * by_dest, its destination), as Falco's container.mount.*[...] forms.
 */
const struct container_mount *container_info_mount(const struct container_info *ci, int64_t index,
						   const char *key, bool by_dest);
/* Render mounts_str and pod_labels_str (after parsing). */
int container_info_finish(struct container_info *ci);

/* Runtime engines, asked in an order that depends on the cgroup's runtime. */
enum container_engine {
	CONTAINER_ENGINE_DOCKER = 0,
	CONTAINER_ENGINE_PODMAN, /* the Docker-compatible API of `podman system service` */
	CONTAINER_ENGINE_CRI, /* CRI (containerd, CRI-O) and containerd's own API, over gRPC */
	CONTAINER_ENGINE_MAX
};

/*
 * A lookup that failed (a timeout, a transport error, an answer that is
 * not what the API promises; not "not found"): what an operator needs to
 * fix it. Strings live for the call only.
 */
struct container_lookup_error {
	const char *id; /* container.id */
	const char *engine; /* container_engine_name() */
	const char *socket;
	const char *reason; /* the engine's own message */
	int error; /* -errno */
	bool retry; /* it will be asked again */
};
typedef void (*container_error_fn)(void *arg, const struct container_lookup_error *e);

struct container_config {
	bool enabled[CONTAINER_ENGINE_MAX];
	/* Sockets per engine; NULL: the engine's defaults (container_default_sockets). */
	char *const *sockets[CONTAINER_ENGINE_MAX];
	size_t nsockets[CONTAINER_ENGINE_MAX];
	unsigned timeout_ms; /* per request; 0: CONTAINER_DEF_TIMEOUT_MS */
	unsigned cache_size; /* containers kept; 0: CONTAINER_DEF_CACHE_SIZE */
	unsigned label_max_len; /* 0: CONTAINER_DEF_LABEL_MAX_LEN */
	/* containerd namespaces asked for non-CRI containers; NULL: k8s.io, default. */
	char *const *containerd_namespaces;
	size_t n_containerd_namespaces;
	/* Told of each failed lookup, from container_meta_poll() (the event thread). */
	container_error_fn on_error;
	void *on_error_arg;
};

/* NULL-terminated. */
const char *const *container_default_sockets(enum container_engine e);
const char *container_engine_name(enum container_engine e);

/*
 * One lookup: 0 and *ret on success; -ENOENT the runtime does not know the
 * id; -ETIMEDOUT; -ECONNREFUSED/-ENOENT-free transport errors as -EIO;
 * -EPROTONOSUPPORT the engine is not built in; -ELIBACC libcurl cannot be
 * opened (dlib.h). err says why.
 */
int container_docker_lookup(const char *socket, const char *id, unsigned timeout_ms,
			    const struct container_parse_opts *o, struct container_info **ret,
			    char *err, size_t errlen);
/*
 * container_cri.c: the CRI (ContainerStatus, PodSandboxStatus), then
 * containerd's Containers/Get in each namespace. Sets info->type to the
 * runtime that answered ("containerd", "cri-o").
 */
int container_cri_lookup(const char *socket, const char *id, unsigned timeout_ms,
			 const struct container_parse_opts *o, struct container_info **ret,
			 char *err, size_t errlen);

/* container_meta.c: the cache and its worker. */
struct container_meta;

enum container_status {
	CONTAINER_PENDING = 0, /* queued or being looked up */
	CONTAINER_READY, /* info is set */
	CONTAINER_FAILED, /* no runtime answered; fields stay unavailable */
};

struct container_entry {
	char id[CONTAINERID_FULL_MAX]; /* as the state has it (container.id) */
	char full[CONTAINERID_FULL_MAX]; /* from the cgroup path */
	enum containerid_runtime runtime;
	enum container_status status;
	const struct container_info *info; /* CONTAINER_READY only */
};

struct container_stats {
	uint64_t cached; /* entries now */
	uint64_t lookups; /* lookups started */
	uint64_t found; /* answered with metadata */
	uint64_t not_found; /* every runtime asked said 404 */
	uint64_t failed; /* lookups that met transport or parse errors (retried) */
	uint64_t timeouts; /* requests that timed out */
	uint64_t retries;
	uint64_t no_runtime; /* no socket of a runtime that could own it exists */
	uint64_t evicted; /* entries removed: the container's last process left */
	uint64_t refused; /* containers not cached: the cache was full */
	uint64_t late; /* answers for containers already gone */
};

struct container_meta *container_meta_new(const struct container_config *cfg);
/* Start the worker. Returns 0 or -errno. */
int container_meta_start(struct container_meta *cm);
/* Stops the worker (an ongoing request is bounded by the timeout). NULL is fine. */
void container_meta_free(struct container_meta *cm);

/* The state hook (state_container_fn). arg is the struct container_meta. */
struct state_proc;
struct state_str;
void container_meta_state_hook(void *arg, const struct state_proc *p, const struct state_str *id,
			       int delta);
/* Lower level: the same, given the id and the process's cgroup list. */
void container_meta_proc(struct container_meta *cm, const char *id, size_t idlen,
			 const char *cgroups, size_t cglen, int delta);
/* Publish finished lookups and start due retries. Cheap when there is nothing. */
void container_meta_poll(struct container_meta *cm, uint64_t now_ns);
/* Wait up to timeout_ms for a lookup to finish (tests). True if one is ready to poll. */
bool container_meta_wait(struct container_meta *cm, unsigned timeout_ms);
const struct container_entry *container_meta_get(const struct container_meta *cm, const char *id,
						 size_t idlen);
void container_meta_get_stats(struct container_meta *cm, struct container_stats *ret);

#endif /* SAKER_CONTAINER_H */
