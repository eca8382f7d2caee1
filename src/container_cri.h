/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * CRI runtimes (containerd's CRI plugin, CRI-O) and containerd's own API:
 * their protobuf answers to struct container_info. The decoders take the
 * serialised messages (untrusted: bounded, and a message of the wrong
 * shape is -EBADMSG), so the unit tests and the fuzz harness run them
 * without a runtime; container_cri_lookup() (container.h) asks the socket.
 */
#ifndef SAKER_CONTAINER_CRI_H
#define SAKER_CONTAINER_CRI_H

#include <stddef.h>
#include <stdint.h>

#include "container.h"

/* gRPC methods, by their published service names. */
#define CRI_SVC "/runtime.v1.RuntimeService/"
#define CRI_VERSION CRI_SVC "Version"
#define CRI_LIST_CONTAINERS CRI_SVC "ListContainers"
#define CRI_CONTAINER_STATUS CRI_SVC "ContainerStatus"
#define CRI_SANDBOX_STATUS CRI_SVC "PodSandboxStatus"
#define CONTAINERD_GET_CONTAINER "/containerd.services.containers.v1.Containers/Get"
#define CONTAINERD_GET_IMAGE "/containerd.services.images.v1.Images/Get"

/* containerd namespaces asked when configuration names none. */
#define CONTAINERD_DEF_NAMESPACES   \
	{                           \
		"k8s.io", "default" \
	}

/*
 * One CRI container: ContainerStatusResponse (status), and if known the
 * pod sandbox id (from ListContainers) and PodSandboxStatusResponse
 * (sandbox, may be NULL). 0 and *ret, -ENOENT (no status in the answer),
 * -EBADMSG, -ENOMEM.
 */
int container_cri_decode(const uint8_t *status, size_t slen, const char *sandbox_id,
			 const uint8_t *sandbox, size_t sblen, const struct container_parse_opts *o,
			 struct container_info **ret);
/* ListContainersResponse: the pod sandbox id of container id (static buffer of len). */
int container_cri_decode_sandbox_id(const uint8_t *msg, size_t len, const char *id,
				    char *ret_sandbox, size_t sandbox_len);
/* VersionResponse: container.type for the runtime's name ("containerd", "cri-o", "cri"). */
int container_cri_decode_type(const uint8_t *msg, size_t len, const char **ret_type);

/* containerd's GetContainerResponse (with the OCI spec as JSON inside). */
int containerd_decode(const uint8_t *msg, size_t len, const struct container_parse_opts *o,
		      struct container_info **ret);
/* GetImageResponse: fills the digest where still unknown. */
int containerd_decode_image(const uint8_t *msg, size_t len, struct container_info *ci);

/* container_cri_info.c: building a container_info from any answer. */
/* A bounded copy; NULL or empty leaves the slot NULL. -ENOMEM only. */
int container_cri_str(char **slot, const char *s);
/* Add a label unless its key is there already, too long, or the list is full. */
int container_cri_label(struct container_info *ci, const char *key, const char *value,
			unsigned max_len);
/* Before container_cri_finish() (the labels are not sorted yet). */
bool container_cri_has_label(const struct container_info *ci, const char *key);
/* Sort the labels, split the image, render the strings (after the labels and mounts). */
int container_cri_finish(struct container_info *ci);

/* containerd.c: Containers/Get (and Images/Get) in each namespace until one knows the id. */
struct container_grpc;
int containerd_lookup(struct container_grpc *g, const char *id,
		      const struct container_parse_opts *o, struct container_info **ret, char *err,
		      size_t errlen);

#endif /* SAKER_CONTAINER_CRI_H */
