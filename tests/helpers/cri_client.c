// SPDX-License-Identifier: GPL-2.0-only
/*
 * A minimal CRI client for the tests (Debian has no crictl): creates and
 * removes pod sandboxes and containers on a CRI socket with saker's own
 * gRPC transport, and looks a container up as sakerd would.
 *
 *   cri_client SOCK runp   [pod options]            -> prints the sandbox id
 *   cri_client SOCK create SANDBOX NAME IMAGE [pod options] [-L k=v] [-m src:dst[:ro]] [-P] -- CMD...
 *                                                    -> prints the container id
 *   cri_client SOCK start|stop|rm CONTAINER
 *   cri_client SOCK stopp|rmp SANDBOX
 *   cri_client SOCK lookup CONTAINER                 -> the container_info, one field a line
 *   cri_client SOCK record DIR CONTAINER [NAMESPACE] -> the answers saker reads, one file each:
 *       with a NAMESPACE containerd's Containers/Get and Images/Get, else the CRI's
 *       ListContainers, ContainerStatus, PodSandboxStatus and Version
 *
 * Pod options: -n NAME -N NAMESPACE -u UID -c CGROUP_PARENT -l KEY=VALUE, and
 * -P privileged (a privileged container needs a privileged pod).
 * Pods use the host's network namespace, so no CNI plugin is needed.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "container_grpc.h"
#include "containerd.pb-c.h"
#include "cri_admin.pb-c.h"

#define MAX_KV 32

struct kvs {
	Runtime__V1__PodSandboxConfig__LabelsEntry e[MAX_KV];
	Runtime__V1__PodSandboxConfig__LabelsEntry *p[MAX_KV];
	size_t n;
};

struct pod {
	Runtime__V1__PodSandboxConfig cfg;
	Runtime__V1__PodSandboxMetadata md;
	Runtime__V1__LinuxPodSandboxConfig lnx;
	Runtime__V1__LinuxSandboxSecurityContext sc;
	Runtime__V1__NamespaceOption ns;
	struct kvs labels;
};

static struct container_grpc *g;

static int die(const char *what, const char *why)
{
	fprintf(stderr, "cri_client: %s: %s\n", what, why);
	exit(1);
}

static void kv_add(struct kvs *k, char *arg)
{
	char *eq = strchr(arg, '=');

	if (!eq || k->n >= MAX_KV)
		die(arg, "expected KEY=VALUE (at most 32)");
	*eq = '\0';
	/* The map entry messages of both maps have the same layout and wire form. */
	runtime__v1__pod_sandbox_config__labels_entry__init(&k->e[k->n]);
	k->e[k->n].key = arg;
	k->e[k->n].value = eq + 1;
	k->p[k->n] = &k->e[k->n];
	k->n++;
}

static void pod_init(struct pod *p)
{
	memset(p, 0, sizeof(*p));
	runtime__v1__pod_sandbox_config__init(&p->cfg);
	runtime__v1__pod_sandbox_metadata__init(&p->md);
	runtime__v1__linux_pod_sandbox_config__init(&p->lnx);
	runtime__v1__linux_sandbox_security_context__init(&p->sc);
	runtime__v1__namespace_option__init(&p->ns);
	p->ns.network = RUNTIME__V1__NAMESPACE_MODE__NODE;
	p->sc.namespace_options = &p->ns;
	p->lnx.security_context = &p->sc;
	p->cfg.metadata = &p->md;
	p->cfg.linux_config = &p->lnx;
	p->md.name = "pod";
	p->md.namespace_ = "default";
	p->md.uid = "00000000-0000-0000-0000-000000000000";
}

/* One pod option at argv[*i]; false if it is not one. */
static bool pod_opt(struct pod *p, int argc, char **argv, int *i)
{
	const char *o = argv[*i];

	if (o[0] != '-' || !o[1] || o[2] || !strchr("nNuclP", o[1]))
		return false;
	if (o[1] == 'P') {
		p->sc.privileged = true;
		return true;
	}
	if (++*i >= argc)
		die(o, "needs a value");
	switch (o[1]) {
	case 'n':
		p->md.name = argv[*i];
		break;
	case 'N':
		p->md.namespace_ = argv[*i];
		break;
	case 'u':
		p->md.uid = argv[*i];
		break;
	case 'c':
		p->lnx.cgroup_parent = argv[*i];
		break;
	default:
		kv_add(&p->labels, argv[*i]);
	}
	p->cfg.n_labels = p->labels.n;
	p->cfg.labels = (Runtime__V1__PodSandboxConfig__LabelsEntry **)p->labels.p;
	return true;
}

/* Calls method with req; the answer unpacked with desc (may be NULL to ignore it). */
static ProtobufCMessage *rpc(const char *method, const ProtobufCMessage *req,
			     const ProtobufCMessageDescriptor *desc)
{
	struct container_grpc_reply rep = { 0 };
	size_t len = protobuf_c_message_get_packed_size(req);
	uint8_t *buf = malloc(len ? len : 1);
	ProtobufCMessage *m = NULL;
	char err[512];
	int r;

	if (!buf)
		die(method, "out of memory");
	protobuf_c_message_pack(req, buf);
	r = container_grpc_call(g, method, NULL, buf, len, &rep, err, sizeof(err));
	free(buf);
	if (r < 0)
		die(method, err);
	if (desc && !(m = protobuf_c_message_unpack(desc, NULL, rep.len, rep.msg)))
		die(method, "cannot decode the answer");
	container_grpc_reply_free(&rep);
	return m;
}

static int runp(int argc, char **argv)
{
	Runtime__V1__RunPodSandboxRequest req = RUNTIME__V1__RUN_POD_SANDBOX_REQUEST__INIT;
	Runtime__V1__RunPodSandboxResponse *res;
	struct pod p;

	pod_init(&p);
	for (int i = 0; i < argc; i++)
		if (!pod_opt(&p, argc, argv, &i))
			die(argv[i], "unknown option");
	req.config = &p.cfg;
	res = (Runtime__V1__RunPodSandboxResponse *)rpc(
		"/runtime.v1.RuntimeService/RunPodSandbox", &req.base,
		&runtime__v1__run_pod_sandbox_response__descriptor);
	printf("%s\n", res->pod_sandbox_id);
	protobuf_c_message_free_unpacked(&res->base, NULL);
	return 0;
}

static Runtime__V1__Mount *mount_of(char *arg)
{
	Runtime__V1__Mount *m = calloc(1, sizeof(*m));
	char *dst = strchr(arg, ':'), *ro;

	if (!m || !dst)
		die(arg, "expected SRC:DST[:ro]");
	runtime__v1__mount__init(m);
	*dst++ = '\0';
	ro = strchr(dst, ':');
	if (ro) {
		*ro++ = '\0';
		m->readonly = !strcmp(ro, "ro");
	}
	m->host_path = arg;
	m->container_path = dst;
	return m;
}

static int create(int argc, char **argv)
{
	Runtime__V1__CreateContainerRequest req = RUNTIME__V1__CREATE_CONTAINER_REQUEST__INIT;
	Runtime__V1__ContainerConfig cc = RUNTIME__V1__CONTAINER_CONFIG__INIT;
	Runtime__V1__ContainerMetadata md = RUNTIME__V1__CONTAINER_METADATA__INIT;
	Runtime__V1__ImageSpec img = RUNTIME__V1__IMAGE_SPEC__INIT;
	Runtime__V1__LinuxContainerConfig lcc = RUNTIME__V1__LINUX_CONTAINER_CONFIG__INIT;
	Runtime__V1__LinuxContainerSecurityContext csc =
		RUNTIME__V1__LINUX_CONTAINER_SECURITY_CONTEXT__INIT;
	Runtime__V1__NamespaceOption cns = RUNTIME__V1__NAMESPACE_OPTION__INIT;
	Runtime__V1__CreateContainerResponse *res;
	Runtime__V1__Mount *mounts[8];
	struct kvs labels = { 0 };
	struct pod p;
	int i;

	if (argc < 3)
		die("create", "needs SANDBOX NAME IMAGE");
	pod_init(&p);
	req.pod_sandbox_id = argv[0];
	md.name = argv[1];
	img.image = argv[2];
	for (i = 3; i < argc && strcmp(argv[i], "--"); i++) {
		if (pod_opt(&p, argc, argv, &i))
			continue;
		if (!strcmp(argv[i], "-L") && i + 1 < argc)
			kv_add(&labels, argv[++i]);
		else if (!strcmp(argv[i], "-m") && i + 1 < argc && cc.n_mounts < 8)
			mounts[cc.n_mounts++] = mount_of(argv[++i]);
		else
			die(argv[i], "unknown option");
	}
	if (i < argc)
		i++;
	cc.metadata = &md;
	cc.image = &img;
	cc.n_command = (size_t)(argc - i);
	cc.command = argv + i;
	cc.n_labels = labels.n;
	cc.labels = (Runtime__V1__ContainerConfig__LabelsEntry **)labels.p;
	cc.mounts = mounts;
	cc.log_path = "container.log";
	/*
	 * -P (a pod option) makes the container privileged as well as its pod,
	 * in a pid namespace of its own (as kubelet's default), so its first
	 * process is its pid 1.
	 */
	if (p.sc.privileged) {
		cns.network = p.ns.network;
		cns.pid = RUNTIME__V1__NAMESPACE_MODE__CONTAINER;
		csc.privileged = true;
		csc.namespace_options = &cns;
		lcc.security_context = &csc;
		cc.linux_config = &lcc;
	}
	req.config = &cc;
	req.sandbox_config = &p.cfg;
	res = (Runtime__V1__CreateContainerResponse *)rpc(
		"/runtime.v1.RuntimeService/CreateContainer", &req.base,
		&runtime__v1__create_container_response__descriptor);
	printf("%s\n", res->container_id);
	protobuf_c_message_free_unpacked(&res->base, NULL);
	for (size_t k = 0; k < cc.n_mounts; k++)
		free(mounts[k]);
	return 0;
}

static int by_id(const char *verb, const char *id)
{
	static const struct {
		const char *verb, *method;
		bool sandbox;
	} verbs[] = {
		{ "start", "StartContainer", false }, { "stop", "StopContainer", false },
		{ "rm", "RemoveContainer", false },   { "stopp", "StopPodSandbox", true },
		{ "rmp", "RemovePodSandbox", true },
	};
	Runtime__V1__ContainerIdRequest creq = RUNTIME__V1__CONTAINER_ID_REQUEST__INIT;
	Runtime__V1__PodSandboxIdRequest preq = RUNTIME__V1__POD_SANDBOX_ID_REQUEST__INIT;
	char method[128];

	for (size_t i = 0; i < sizeof(verbs) / sizeof(verbs[0]); i++) {
		if (strcmp(verb, verbs[i].verb))
			continue;
		snprintf(method, sizeof(method), "/runtime.v1.RuntimeService/%s", verbs[i].method);
		creq.container_id = (char *)id;
		preq.pod_sandbox_id = (char *)id;
		rpc(method, verbs[i].sandbox ? &preq.base : &creq.base, NULL);
		return 0;
	}
	return die(verb, "unknown command");
}

static int lookup(const char *socket, const char *id)
{
	struct container_info *ci = NULL;
	char err[512];
	int r = container_cri_lookup(socket, id, 5000, NULL, &ci, err, sizeof(err));

	if (r < 0)
		return die(id, err);
	printf("type=%s\nname=%s\nimage=%s\nrepo=%s\ntag=%s\ndigest=%s\nimage_id=%s\n",
	       ci->type ? ci->type : "", ci->name ? ci->name : "", ci->image ? ci->image : "",
	       ci->image_repo ? ci->image_repo : "", ci->image_tag ? ci->image_tag : "",
	       ci->image_digest ? ci->image_digest : "", ci->image_id ? ci->image_id : "");
	printf("start_ts=%llu\nprivileged=%d\nhost_network=%d\nip=%s\nmounts=%s\npod_labels=%s\n",
	       (unsigned long long)ci->start_ts, ci->privileged, ci->host_network,
	       ci->ip ? ci->ip : "", ci->mounts_str ? ci->mounts_str : "",
	       ci->pod_labels_str ? ci->pod_labels_str : "");
	for (unsigned i = 0; i < ci->nlabels; i++)
		printf("label.%s=%s\n", ci->labels[i].key, ci->labels[i].value);
	container_info_free(ci);
	return 0;
}

/* Writes the answer to method (request req, containerd namespace ns) to DIR/file. */
static void save(const char *dir, const char *file, const char *method, const char *ns,
		 const ProtobufCMessage *req)
{
	struct container_grpc_reply rep = { 0 };
	uint8_t buf[1024];
	char err[512], path[4096];
	size_t len = protobuf_c_message_pack(req, buf);
	FILE *f;

	if (container_grpc_call(g, method, ns, buf, len, &rep, err, sizeof(err)) < 0)
		die(method, err);
	snprintf(path, sizeof(path), "%s/%s", dir, file);
	f = fopen(path, "wbe");
	if (!f || fwrite(rep.msg, 1, rep.len, f) != rep.len || fclose(f))
		die(path, strerror(errno));
	container_grpc_reply_free(&rep);
}

static int record_cri(const char *dir, char *id)
{
	Runtime__V1__ContainerFilter f = RUNTIME__V1__CONTAINER_FILTER__INIT;
	Runtime__V1__ListContainersRequest lreq = RUNTIME__V1__LIST_CONTAINERS_REQUEST__INIT;
	Runtime__V1__ContainerStatusRequest creq = RUNTIME__V1__CONTAINER_STATUS_REQUEST__INIT;
	Runtime__V1__PodSandboxStatusRequest preq = RUNTIME__V1__POD_SANDBOX_STATUS_REQUEST__INIT;
	Runtime__V1__VersionRequest vreq = RUNTIME__V1__VERSION_REQUEST__INIT;
	Runtime__V1__ListContainersResponse *lr;
	ProtobufCMessage *m;

	f.id = id;
	lreq.filter = &f;
	save(dir, "list.bin", "/runtime.v1.RuntimeService/ListContainers", NULL, &lreq.base);
	m = rpc("/runtime.v1.RuntimeService/ListContainers", &lreq.base,
		&runtime__v1__list_containers_response__descriptor);
	lr = (Runtime__V1__ListContainersResponse *)m;
	if (lr->n_containers != 1)
		die(id, "not listed");
	creq.container_id = id;
	creq.verbose = true; /* as sakerd asks: with the runtime's info */
	save(dir, "status.bin", "/runtime.v1.RuntimeService/ContainerStatus", NULL, &creq.base);
	preq.pod_sandbox_id = lr->containers[0]->pod_sandbox_id;
	save(dir, "sandbox.bin", "/runtime.v1.RuntimeService/PodSandboxStatus", NULL, &preq.base);
	vreq.version = "v1";
	save(dir, "version.bin", "/runtime.v1.RuntimeService/Version", NULL, &vreq.base);
	protobuf_c_message_free_unpacked(m, NULL);
	return 0;
}

static int record_containerd(const char *dir, char *id, const char *ns)
{
	Containerd__Services__Containers__V1__GetContainerRequest creq =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_CONTAINER_REQUEST__INIT;
	Containerd__Services__Containers__V1__GetImageRequest ireq =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_IMAGE_REQUEST__INIT;
	Containerd__Services__Containers__V1__GetContainerResponse *cr;

	creq.id = id;
	save(dir, "containerd_container.bin", "/containerd.services.containers.v1.Containers/Get",
	     ns, &creq.base);
	{
		struct container_grpc_reply rep = { 0 };
		uint8_t buf[256];
		char err[512];
		size_t len = protobuf_c_message_pack(&creq.base, buf);

		if (container_grpc_call(g, "/containerd.services.containers.v1.Containers/Get", ns,
					buf, len, &rep, err, sizeof(err)) < 0)
			die(id, err);
		cr = containerd__services__containers__v1__get_container_response__unpack(
			NULL, rep.len, rep.msg);
		container_grpc_reply_free(&rep);
	}
	if (!cr || !cr->container)
		die(id, "no container record");
	ireq.name = cr->container->image;
	save(dir, "containerd_image.bin", "/containerd.services.images.v1.Images/Get", ns,
	     &ireq.base);
	protobuf_c_message_free_unpacked(&cr->base, NULL);
	return 0;
}

int main(int argc, char **argv)
{
	int r;

	if (argc < 3)
		return die("usage", "cri_client SOCKET COMMAND ARGS... (see the source)");
	if (!strcmp(argv[2], "lookup") && argc == 4)
		return lookup(argv[1], argv[3]);
	g = container_grpc_open(argv[1], 60000);
	if (!g)
		return die(argv[1], strerror(errno));
	if (!strcmp(argv[2], "runp"))
		r = runp(argc - 3, argv + 3);
	else if (!strcmp(argv[2], "create"))
		r = create(argc - 3, argv + 3);
	else if (!strcmp(argv[2], "record") && argc == 5)
		r = record_cri(argv[3], argv[4]);
	else if (!strcmp(argv[2], "record") && argc == 6)
		r = record_containerd(argv[3], argv[4], argv[5]);
	else if (argc == 4)
		r = by_id(argv[2], argv[3]);
	else
		r = die(argv[2], "unknown command or wrong arguments");
	container_grpc_close(g);
	return r;
}
