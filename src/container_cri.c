// SPDX-License-Identifier: GPL-2.0-only
/*
 * The CRI engine: a socket of containerd or CRI-O. The CRI first
 * (ListContainers for the pod sandbox id, ContainerStatus, PodSandboxStatus,
 * Version for the runtime's name); a container the CRI does not know is
 * then asked of containerd's own API, which CRI-O answers UNIMPLEMENTED.
 * Every call is bounded by the lookup timeout. Worker thread only.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container_cri.h"
#include "container_grpc.h"

#ifdef HAVE_CRI
#include "cri.pb-c.h"

#define SANDBOX_ID_MAX 256

/* A call whose request packs into buf (small: ids only). */
static int call(struct container_grpc *g, const char *method, const ProtobufCMessage *req,
		struct container_grpc_reply *rep, char *err, size_t errlen)
{
	uint8_t buf[2 * CONTAINERID_FULL_MAX + 64];
	size_t len = protobuf_c_message_get_packed_size(req);

	if (len > sizeof(buf))
		return -EINVAL;
	len = protobuf_c_message_pack(req, buf);
	return container_grpc_call(g, method, NULL, buf, len, rep, err, errlen);
}

static int sandbox_of(struct container_grpc *g, const char *id, char *sandbox, char *err,
		      size_t errlen)
{
	Runtime__V1__ContainerFilter f = RUNTIME__V1__CONTAINER_FILTER__INIT;
	Runtime__V1__ListContainersRequest req = RUNTIME__V1__LIST_CONTAINERS_REQUEST__INIT;
	struct container_grpc_reply rep = { 0 };
	int r;

	f.id = (char *)id;
	req.filter = &f;
	r = call(g, CRI_LIST_CONTAINERS, &req.base, &rep, err, errlen);
	if (r == 0)
		r = container_cri_decode_sandbox_id(rep.msg, rep.len, id, sandbox, SANDBOX_ID_MAX);
	if (r == -ENOENT)
		snprintf(err, errlen, "CRI: no container %s", id);
	container_grpc_reply_free(&rep);
	return r;
}

static const char *runtime_type(struct container_grpc *g)
{
	Runtime__V1__VersionRequest req = RUNTIME__V1__VERSION_REQUEST__INIT;
	struct container_grpc_reply rep = { 0 };
	const char *type = NULL;
	char err[256];

	req.version = (char *)"v1";
	if (call(g, CRI_VERSION, &req.base, &rep, err, sizeof(err)) == 0)
		container_cri_decode_type(rep.msg, rep.len, &type);
	container_grpc_reply_free(&rep);
	return type;
}

static int cri_lookup(struct container_grpc *g, const char *id,
		      const struct container_parse_opts *o, struct container_info **ret, char *err,
		      size_t errlen)
{
	Runtime__V1__ContainerStatusRequest creq = RUNTIME__V1__CONTAINER_STATUS_REQUEST__INIT;
	Runtime__V1__PodSandboxStatusRequest preq = RUNTIME__V1__POD_SANDBOX_STATUS_REQUEST__INIT;
	struct container_grpc_reply cs = { 0 }, ps = { 0 };
	char sandbox[SANDBOX_ID_MAX], perr[256];
	struct container_info *ci = NULL;
	int r;

	r = sandbox_of(g, id, sandbox, err, errlen);
	if (r < 0)
		return r;
	creq.container_id = (char *)id;
	creq.verbose = true; /* info["info"]: whether it is privileged */
	r = call(g, CRI_CONTAINER_STATUS, &creq.base, &cs, err, errlen);
	if (r < 0)
		return r;
	/* The pod may be going away: its container's facts still stand. */
	preq.pod_sandbox_id = sandbox;
	if (call(g, CRI_SANDBOX_STATUS, &preq.base, &ps, perr, sizeof(perr)) < 0)
		container_grpc_reply_free(&ps);
	r = container_cri_decode(cs.msg, cs.len, sandbox, ps.body ? ps.msg : NULL, ps.len, o, &ci);
	if (r == -EBADMSG)
		snprintf(err, errlen, "CRI: ContainerStatus of %s: not a container status", id);
	container_grpc_reply_free(&cs);
	container_grpc_reply_free(&ps);
	if (r < 0)
		return r;
	ci->type = runtime_type(g);
	*ret = ci;
	return 0;
}

int container_cri_lookup(const char *socket, const char *id, unsigned timeout_ms,
			 const struct container_parse_opts *o, struct container_info **ret,
			 char *err, size_t errlen)
{
	struct container_grpc *g = container_grpc_open(socket, timeout_ms);
	char cerr[256];
	int r, rd;

	if (!g)
		return -ENOMEM;
	r = container_grpc_usable(err, errlen);
	if (r < 0) {
		container_grpc_close(g);
		return r;
	}
	r = cri_lookup(g, id, o, ret, err, errlen);
	if (r == -ENOENT || r == -EPROTONOSUPPORT) {
		rd = containerd_lookup(g, id, o, ret, cerr, sizeof(cerr));
		if (rd == 0) {
			(*ret)->type = "containerd";
			r = 0;
		} else if (rd != -EPROTONOSUPPORT && (r == -EPROTONOSUPPORT || rd != -ENOENT)) {
			/* containerd's answer says more than the CRI's "not found". */
			snprintf(err, errlen, "%s: %s", socket, cerr);
			r = rd;
		} else if (rd == -ENOENT && r == -ENOENT) {
			snprintf(err, errlen,
				 "%s: %s not known to the CRI nor in containerd's namespaces",
				 socket, id);
		} else if (rd == -EPROTONOSUPPORT && r == -EPROTONOSUPPORT) {
			snprintf(err, errlen, "%s: speaks neither the CRI nor containerd's API",
				 socket);
			r = -EIO; /* not "engine not built": this socket is simply wrong */
		}
	}
	container_grpc_close(g);
	return r;
}
#else
int container_cri_lookup(const char *socket, const char *id, unsigned timeout_ms,
			 const struct container_parse_opts *o, struct container_info **ret,
			 char *err, size_t errlen)
{
	(void)socket, (void)id, (void)timeout_ms, (void)o, (void)ret;
	snprintf(err, errlen, "built without the CRI client (protobuf-c, libcurl with HTTP/2)");
	return -EPROTONOSUPPORT;
}
#endif
