// SPDX-License-Identifier: GPL-2.0-only
/*
 * containerd's own API (for containers that `ctr`, nerdctl or any other
 * client made, which the CRI plugin does not know): Containers/Get in each
 * configured namespace (the containerd-namespace header) until one knows
 * the id, then Images/Get for the manifest digest. Worker thread only.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <ctype.h>
#include <errno.h>
#include <stdbool.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container_cri.h"
#include "container_grpc.h"
#include "containerd.pb-c.h"

/* The image's digest; without it the rest stands. */
static void add_digest(struct container_grpc *g, const char *ns, struct container_info *ci)
{
	Containerd__Services__Containers__V1__GetImageRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_IMAGE_REQUEST__INIT;
	struct container_grpc_reply rep = { 0 };
	uint8_t buf[CONTAINER_MAX_STR + 16];
	char err[256];
	size_t len;

	if (!ci->image || ci->image_digest || strlen(ci->image) > CONTAINER_MAX_STR - 1)
		return;
	req.name = ci->image;
	len = containerd__services__containers__v1__get_image_request__pack(&req, buf);
	if (container_grpc_call(g, CONTAINERD_GET_IMAGE, ns, buf, len, &rep, err, sizeof(err)) == 0)
		containerd_decode_image(rep.msg, rep.len, ci);
	container_grpc_reply_free(&rep);
}

static int get_in(struct container_grpc *g, const char *ns, const char *id,
		  const struct container_parse_opts *o, struct container_info **ret, char *err,
		  size_t errlen)
{
	Containerd__Services__Containers__V1__GetContainerRequest req =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_CONTAINER_REQUEST__INIT;
	struct container_grpc_reply rep = { 0 };
	uint8_t buf[CONTAINERID_FULL_MAX + 16];
	struct container_info *ci = NULL;
	size_t len;
	int r;

	req.id = (char *)id;
	len = containerd__services__containers__v1__get_container_request__pack(&req, buf);
	r = container_grpc_call(g, CONTAINERD_GET_CONTAINER, ns, buf, len, &rep, err, errlen);
	if (r == 0) {
		r = containerd_decode(rep.msg, rep.len, o, &ci);
		if (r == -EBADMSG)
			snprintf(err, errlen, "containerd: not a container record");
	}
	container_grpc_reply_free(&rep);
	if (r < 0)
		return r;
	add_digest(g, ns, ci);
	*ret = ci;
	return 0;
}

/* containerd's rule for namespace names; it also keeps headers well-formed. */
static bool valid_namespace(const char *ns)
{
	size_t n = strlen(ns);

	if (!n || n > 76 || !isalnum((unsigned char)ns[0]) || !isalnum((unsigned char)ns[n - 1]))
		return false;
	for (size_t i = 0; i < n; i++)
		if (!isalnum((unsigned char)ns[i]) && !strchr("._-", ns[i]))
			return false;
	return true;
}

int containerd_lookup(struct container_grpc *g, const char *id,
		      const struct container_parse_opts *o, struct container_info **ret, char *err,
		      size_t errlen)
{
	static const char *const def[] = CONTAINERD_DEF_NAMESPACES;
	const char *const *ns = def;
	size_t n = sizeof(def) / sizeof(def[0]);

	if (strlen(id) >= CONTAINERID_FULL_MAX)
		return -EINVAL;
	if (o && o->n_containerd_namespaces) {
		ns = (const char *const *)o->containerd_namespaces;
		n = o->n_containerd_namespaces;
	}
	for (size_t i = 0; i < n; i++) {
		int r;

		if (!valid_namespace(ns[i])) {
			/* Not echoed: it may hold control characters. */
			snprintf(err, errlen,
				 "containerd: namespace %zu is not a name ([A-Za-z0-9._-])", i + 1);
			return -EINVAL;
		}
		r = get_in(g, ns[i], id, o, ret, err, errlen);

		if (r == 0)
			return 0;
		/* Not a containerd (CRI-O), or not reachable: no other namespace will do. */
		if (r != -ENOENT)
			return r;
	}
	snprintf(err, errlen, "containerd: no namespace knows %s", id);
	return -ENOENT;
}
