// SPDX-License-Identifier: GPL-2.0-only
/*
 * CRI and containerd answers to struct container_info: the answers
 * recorded from containerd 1.6.20 on Debian 12 (tests/data/cri: a pod made
 * through the CRI with host networking and a container made by `ctr run`),
 * then hand-built messages for what the recording does not cover (image
 * ids, digests, bounds, label precedence, the OCI spec's mounts and
 * namespaces, privileged containers as containerd's and CRI-O's verbose
 * info and containerd's spec say it) and malformed ones.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container_cri.h"
#include "containerd.pb-c.h"
#include "cri.pb-c.h"
#include "tap.h"

static uint8_t *slurp(const char *name, size_t *len)
{
	char path[4096];
	uint8_t *buf;
	FILE *f;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/cri/%s", tap_srcdir(), name);
	f = fopen(path, "re");
	if (!f)
		tap_skip_all("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n)
		tap_skip_all("%s: cannot read", path);
	fclose(f);
	buf[n] = 0;
	*len = (size_t)n;
	return buf;
}

/* An id file, without its newline. */
static char *id_of(const char *name)
{
	size_t len;
	char *s = (char *)slurp(name, &len);

	s[strcspn(s, "\n")] = '\0';
	return s;
}

static void test_recorded_cri(void)
{
	size_t slen, plen, llen, vlen;
	uint8_t *st = slurp("status.bin", &slen), *sb = slurp("sandbox.bin", &plen);
	uint8_t *list = slurp("list.bin", &llen), *ver = slurp("version.bin", &vlen);
	char *id = id_of("cri_id"), *sid = id_of("sandbox_id"), got[256];
	struct container_info *ci = NULL;
	const char *type = NULL;

	tap_is_int(container_cri_decode_sandbox_id(list, llen, id, got, sizeof(got)), 0,
		   "ListContainers names the container's sandbox");
	tap_is_str(got, sid, "the sandbox id is the one RunPodSandbox gave");
	tap_is_int(container_cri_decode_sandbox_id(list, llen, "0123", got, sizeof(got)), -ENOENT,
		   "another id is not taken from a list that does not hold it");
	tap_is_int(container_cri_decode_sandbox_id(list, llen, id, got, 8), -EBADMSG,
		   "a sandbox id longer than the buffer is refused");
	tap_is_int(container_cri_decode_type(ver, vlen, &type), 0, "Version is read");
	tap_is_str(type, "containerd", "containerd's CRI says containerd");

	tap_is_int(container_cri_decode(st, slen, sid, sb, plen, NULL, &ci), 0,
		   "ContainerStatus and PodSandboxStatus are read");
	if (!ci)
		return;
	tap_is_str(ci->full_id, id, "the id");
	tap_is_str(ci->name, "app", "the name is the CRI metadata's");
	tap_is_str(ci->image, "localhost/saker-it:1.0", "the image as created");
	tap_is_str(ci->image_repo, "localhost/saker-it", "its repository");
	tap_is_str(ci->image_tag, "1.0", "its tag");
	tap_ok(ci->image_id && strlen(ci->image_id) == 64 && !strchr(ci->image_id, ':'),
	       "the image id from image_ref, without sha256:");
	tap_ok(ci->image_digest == NULL, "no digest: a locally imported image has no repo digest");
	tap_ok(ci->start_ts > 1600000000ull * 1000000000ull, "start_ts from started_at (ns)");
	tap_is_str(container_info_label(ci, "io.kubernetes.pod.name"), "web-1", "k8s pod name");
	tap_is_str(container_info_label(ci, "io.kubernetes.pod.namespace"), "prod",
		   "k8s namespace");
	tap_is_str(container_info_label(ci, "io.kubernetes.pod.uid"),
		   "0f1e2d3c-4b5a-6978-8a9b-0c1d2e3f4a5b", "k8s pod uid");
	tap_is_str(container_info_label(ci, "io.kubernetes.sandbox.id"), sid, "the sandbox id");
	tap_is_str(container_info_label(ci, "app"), "web",
		   "the pod's labels come from the sandbox");
	tap_is_str(ci->pod_labels_str, "app:web, tier:front",
		   "k8s.pod.labels: the pod's own labels, without Kubernetes' io.kubernetes.*");
	tap_ok(ci->host_network && !ci->host_pid && !ci->host_ipc,
	       "host network from the sandbox's namespace options, pid and ipc the pod's");
	tap_is_int(ci->nmounts, 1, "one mount (the CRI lists only the requested ones)");
	if (ci->nmounts == 1) {
		tap_is_str(ci->mounts[0].dest, "/hostetc", "its destination");
		tap_ok(!ci->mounts[0].rw, "read-only");
		tap_is_str(ci->mounts[0].propagation, "rprivate", "propagation private");
	}
	container_info_free(ci);
	ci = NULL;
	tap_is_int(container_cri_decode(st, slen, sid, NULL, 0, NULL, &ci), 0,
		   "without the sandbox's answer the container still stands");
	tap_ok(ci && container_info_label(ci, "io.kubernetes.sandbox.id") &&
		       !container_info_label(ci, "app"),
	       "then the sandbox id from ListContainers, and no pod labels");
	container_info_free(ci);
	ci = NULL;
	tap_is_int(container_cri_decode(st, slen / 2, sid, NULL, 0, NULL, &ci), -EBADMSG,
		   "a truncated ContainerStatus is refused");
	tap_is_int(container_cri_decode(st, slen, sid, sb, plen / 2, NULL, &ci), -EBADMSG,
		   "a truncated PodSandboxStatus is refused");
	tap_ok(ci == NULL, "nothing is returned on failure");
	free(st), free(sb), free(list), free(ver), free(id), free(sid);
}

static void test_recorded_containerd(void)
{
	size_t clen, ilen;
	uint8_t *c = slurp("containerd_container.bin", &clen), *img;
	char *id = id_of("containerd_id");
	struct container_info *ci = NULL;

	img = slurp("containerd_image.bin", &ilen);
	tap_is_int(containerd_decode(c, clen, NULL, &ci), 0,
		   "containerd's container record is read");
	if (!ci)
		return;
	tap_is_str(ci->full_id, id, "the id");
	tap_is_str(ci->name, id, "a ctr container's name is its id");
	tap_is_str(ci->image, "localhost/saker-it:1.0", "the image");
	tap_is_str(container_info_label(ci, "app"), "ctr-web", "the labels ctr run gave");
	tap_ok(ci->start_ts > 1600000000ull * 1000000000ull, "start_ts from created_at");
	tap_ok(!ci->host_network && !ci->host_pid && !ci->host_ipc,
	       "the spec lists its own network, pid and ipc namespaces");
	tap_is_int(ci->nmounts, 0, "no bind mounts (proc, dev, sysfs are the runtime's)");
	tap_ok(!container_info_label(ci, "io.kubernetes.pod.name") && !ci->pod_labels_str,
	       "not a Kubernetes container");
	tap_is_int(containerd_decode_image(img, ilen, ci), 0, "the image record is read");
	tap_ok(ci->image_digest && !strncmp(ci->image_digest, "sha256:", 7) &&
		       strlen(ci->image_digest) == 71,
	       "the digest is the image's manifest digest");
	container_info_free(ci);
	ci = NULL;
	tap_is_int(containerd_decode(c, clen - 10, NULL, &ci), -EBADMSG,
		   "a truncated record is refused");
	tap_is_int(containerd_decode((const uint8_t *)"", 0, NULL, &ci), -ENOENT,
		   "an empty answer names no container");
	free(c), free(img), free(id);
}

/* ContainerStatusResponse with the given image fields, packed. */
static size_t pack_status(Runtime__V1__ContainerStatus *st, uint8_t **ret)
{
	Runtime__V1__ContainerStatusResponse r = RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INIT;
	size_t len;

	r.status = st;
	len = runtime__v1__container_status_response__get_packed_size(&r);
	*ret = malloc(len + 1);
	runtime__v1__container_status_response__pack(&r, *ret);
	return len;
}

static void test_images(void)
{
	Runtime__V1__ContainerStatus st = RUNTIME__V1__CONTAINER_STATUS__INIT;
	Runtime__V1__ImageSpec img = RUNTIME__V1__IMAGE_SPEC__INIT;
	struct container_info *ci = NULL;
	uint8_t *buf;
	size_t len;

	st.id = "c1";
	st.image = &img;
	img.image = "sha256:0123abcd";
	img.user_specified_image = "reg.example:5000/team/app:2.1";
	st.image_ref = "reg.example:5000/team/app@sha256:feedbeef";
	len = pack_status(&st, &buf);
	tap_is_int(container_cri_decode(buf, len, NULL, NULL, 0, NULL, &ci), 0,
		   "a status whose image is an image id");
	tap_is_str(ci ? ci->image : NULL, "reg.example:5000/team/app:2.1",
		   "the image is the one the user named, not the id");
	tap_is_str(ci ? ci->image_repo : NULL, "reg.example:5000/team/app",
		   "a registry port is not a tag");
	tap_is_str(ci ? ci->image_tag : NULL, "2.1", "the tag");
	tap_is_str(ci ? ci->image_id : NULL, "0123abcd", "the image id without sha256:");
	tap_is_str(ci ? ci->image_digest : NULL, "sha256:feedbeef", "the digest from image_ref");
	tap_ok(ci && !ci->name && !ci->start_ts, "what the answer lacks stays unknown");
	container_info_free(ci);
	free(buf);
	ci = NULL;
	st.id = "";
	len = pack_status(&st, &buf);
	tap_is_int(container_cri_decode(buf, len, NULL, NULL, 0, NULL, &ci), -ENOENT,
		   "a status without an id names no container");
	free(buf);
	tap_is_int(
		container_cri_decode((const uint8_t *)"\xff\xff\xff", 3, NULL, NULL, 0, NULL, &ci),
		-EBADMSG, "garbage is refused");
}

static void test_bounds(void)
{
	enum { NL = 300, NM = 200 };
	Runtime__V1__ContainerStatus st = RUNTIME__V1__CONTAINER_STATUS__INIT;
	Runtime__V1__ContainerStatus__LabelsEntry le[NL], *lp[NL];
	Runtime__V1__Mount m[NM], *mp[NM];
	Runtime__V1__PodSandboxStatusResponse pr = RUNTIME__V1__POD_SANDBOX_STATUS_RESPONSE__INIT;
	Runtime__V1__PodSandboxStatus ps = RUNTIME__V1__POD_SANDBOX_STATUS__INIT;
	Runtime__V1__PodSandboxMetadata md = RUNTIME__V1__POD_SANDBOX_METADATA__INIT;
	Runtime__V1__PodSandboxStatus__LabelsEntry
		se = RUNTIME__V1__POD_SANDBOX_STATUS__LABELS_ENTRY__INIT,
		*sp = &se;
	struct container_parse_opts o = { .label_max_len = 10 };
	struct container_info *ci = NULL;
	static char keys[NL][16];
	uint8_t *buf, *sbuf;
	size_t len, slen;

	for (int i = 0; i < NL; i++) {
		runtime__v1__container_status__labels_entry__init(&le[i]);
		snprintf(keys[i], sizeof(keys[i]), "k%03d", i);
		le[i].key = keys[i];
		le[i].value = i == 0 ? "a value longer than ten" : "v";
		lp[i] = &le[i];
	}
	for (int i = 0; i < NM; i++) {
		runtime__v1__mount__init(&m[i]);
		m[i].host_path = "/src";
		m[i].container_path = "/dst";
		m[i].propagation = i % 3;
		mp[i] = &m[i];
	}
	st.id = "c2";
	st.n_labels = NL;
	st.labels = lp;
	st.n_mounts = NM;
	st.mounts = mp;
	len = pack_status(&st, &buf);
	/* The sandbox says other things about k001 and the pod. */
	md.name = "pod-x";
	md.namespace_ = "ns-x";
	md.uid = "uid-x";
	ps.metadata = &md;
	ps.id = "sb";
	se.key = "k001";
	se.value = "sandbox";
	ps.n_labels = 1;
	ps.labels = &sp;
	pr.status = &ps;
	slen = runtime__v1__pod_sandbox_status_response__get_packed_size(&pr);
	sbuf = malloc(slen);
	runtime__v1__pod_sandbox_status_response__pack(&pr, sbuf);
	tap_is_int(container_cri_decode(buf, len, "sb", sbuf, slen, &o, &ci), 0,
		   "300 labels and 200 mounts are read");
	if (ci) {
		tap_is_int(ci->nlabels, CONTAINER_MAX_LABELS, "labels are capped at 256");
		tap_ok(!container_info_label(ci, "k000"), "a value over label_max_len is dropped");
		tap_is_str(container_info_label(ci, "k001"), "v",
			   "the container's label wins over its sandbox's");
		tap_is_int(ci->nmounts, CONTAINER_MAX_MOUNTS, "mounts are capped at 128");
		tap_is_str(ci->mounts[1].propagation, "rslave", "host-to-container is rslave");
		tap_is_str(ci->mounts[2].propagation, "rshared", "bidirectional is rshared");
		tap_ok(ci->mounts[0].rw, "not read-only: rw");
		/* The cap left no room: the sandbox's metadata did not fit either. */
		tap_ok(!container_info_label(ci, "io.kubernetes.pod.name"),
		       "nothing is added past the cap");
	}
	container_info_free(ci);
	ci = NULL;
	st.n_labels = 0;
	st.n_mounts = 0;
	free(buf);
	len = pack_status(&st, &buf);
	tap_is_int(container_cri_decode(buf, len, "sb", sbuf, slen, NULL, &ci), 0,
		   "a container without Kubernetes' labels in a sandbox");
	tap_is_str(ci ? container_info_label(ci, "io.kubernetes.pod.name") : NULL, "pod-x",
		   "the pod name from the sandbox's metadata");
	tap_is_str(ci ? container_info_label(ci, "io.kubernetes.pod.namespace") : NULL, "ns-x",
		   "the namespace from the sandbox's metadata");
	tap_is_str(ci ? container_info_label(ci, "io.kubernetes.pod.uid") : NULL, "uid-x",
		   "the uid from the sandbox's metadata");
	tap_is_str(ci ? ci->pod_labels_str : NULL, "k001:sandbox", "the pod's labels");
	container_info_free(ci);
	free(buf);
	free(sbuf);
}

/* A containerd record whose spec is json. */
static int containerd_with_spec(const char *json, struct container_info **ret)
{
	Containerd__Services__Containers__V1__GetContainerResponse r =
		CONTAINERD__SERVICES__CONTAINERS__V1__GET_CONTAINER_RESPONSE__INIT;
	Containerd__Services__Containers__V1__Container c =
		CONTAINERD__SERVICES__CONTAINERS__V1__CONTAINER__INIT;
	Containerd__Services__Containers__V1__Any spec =
		CONTAINERD__SERVICES__CONTAINERS__V1__ANY__INIT;
	uint8_t *buf;
	size_t len;
	int rc;

	c.id = "ctr1";
	c.image = "docker.io/library/busybox:1.36@sha256:abcd";
	spec.type_url = "types.containerd.io/opencontainers/runtime-spec/1/Spec";
	spec.value.data = (uint8_t *)json;
	spec.value.len = strlen(json);
	c.spec = &spec;
	r.container = &c;
	len = containerd__services__containers__v1__get_container_response__get_packed_size(&r);
	buf = malloc(len);
	containerd__services__containers__v1__get_container_response__pack(&r, buf);
	rc = containerd_decode(buf, len, NULL, ret);
	free(buf);
	return rc;
}

static void test_spec(void)
{
	struct container_info *ci = NULL;
	char deep[4096];
	size_t n = 0;

	tap_is_int(
		containerd_with_spec(
			"{\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\",\"source\":\"proc\"},"
			"{\"destination\":\"/data\",\"type\":\"bind\",\"source\":\"/srv/data\","
			"\"options\":[\"rbind\",\"ro\",\"rshared\"]},"
			"{\"destination\":\"/logs\",\"source\":\"/var/log\",\"options\":[\"rbind\"]}],"
			"\"linux\":{\"namespaces\":[{\"type\":\"pid\"},{\"type\":\"mount\"}]}}",
			&ci),
		0, "a record with a spec");
	if (ci) {
		tap_is_int(ci->nmounts, 2, "bind mounts only, by type or by option");
		tap_is_str(ci->mounts_str, "/srv/data:/data::false:rshared,/var/log:/logs::true:",
			   "container.mounts: source, destination, rw, propagation");
		tap_ok(ci->host_network && ci->host_ipc && !ci->host_pid,
		       "namespaces the spec does not list are the host's");
		tap_is_str(ci->image_digest, "sha256:abcd", "the digest of the reference");
		tap_is_str(ci->image_tag, "1.36", "the tag before the digest");
	}
	container_info_free(ci);
	ci = NULL;
	tap_is_int(containerd_with_spec("{\"mounts\": [", &ci), 0,
		   "a spec that is not JSON leaves the record's facts");
	tap_ok(ci && ci->image && !ci->nmounts && !ci->host_network,
	       "and says nothing about mounts or namespaces");
	container_info_free(ci);
	ci = NULL;
	for (int i = 0; i < 1000; i++)
		deep[n++] = '[';
	deep[n] = '\0';
	tap_is_int(containerd_with_spec(deep, &ci), 0, "a spec nested 1000 deep is not followed");
	container_info_free(ci);
}

/* container.privileged of a status whose info["info"] is json (NULL: no info). */
static int privileged_of(const char *json, const char **ret_name)
{
	Runtime__V1__ContainerStatusResponse r = RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INIT;
	Runtime__V1__ContainerStatusResponse__InfoEntry e =
		RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INFO_ENTRY__INIT;
	Runtime__V1__ContainerStatusResponse__InfoEntry *ep = &e;
	Runtime__V1__ContainerStatus st = RUNTIME__V1__CONTAINER_STATUS__INIT;
	Runtime__V1__ContainerMetadata md = RUNTIME__V1__CONTAINER_METADATA__INIT;
	struct container_info *ci = NULL;
	static char name[64];
	uint8_t *buf;
	size_t len;
	int priv;

	st.id = "c1";
	md.name = "app";
	st.metadata = &md;
	r.status = &st;
	e.key = "info";
	e.value = (char *)json;
	r.n_info = json ? 1 : 0;
	r.info = &ep;
	len = runtime__v1__container_status_response__get_packed_size(&r);
	buf = malloc(len);
	runtime__v1__container_status_response__pack(&r, buf);
	priv = container_cri_decode(buf, len, NULL, NULL, 0, NULL, &ci) < 0 ? -1 : ci->privileged;
	snprintf(name, sizeof(name), "%s", ci && ci->name ? ci->name : "");
	*ret_name = name;
	container_info_free(ci);
	free(buf);
	return priv;
}

static void test_cri_privileged(void)
{
	static const struct {
		const char *json, *what;
		int priv;
	} cases[] = {
		{ "{\"sandboxID\":\"sb\",\"config\":{\"metadata\":{\"name\":\"app\"},"
		  "\"linux\":{\"security_context\":{\"privileged\":true,"
		  "\"namespace_options\":{\"network\":2}}}},"
		  "\"runtimeSpec\":{\"linux\":{\"namespaces\":[{\"type\":\"pid\"}]}}}",
		  "containerd: config.linux.security_context.privileged true", 1 },
		{ "{\"sandboxID\":\"sb\",\"config\":{\"linux\":{\"security_context\":"
		  "{\"namespace_options\":{\"network\":2}}}}}",
		  "containerd: privileged left out (Go's omitempty) is false", 0 },
		{ "{\"sandboxID\":\"sb\",\"pid\":42,\"privileged\":true,\"runtimeSpec\":{}}",
		  "CRI-O: top-level privileged true", 1 },
		{ "{\"privileged\":false}", "CRI-O: top-level privileged false", 0 },
		{ "{\"runtimeSpec\":{\"linux\":{\"security_context\":{\"privileged\":false}}},"
		  "\"config\":{\"linux\":{\"security_context\":{\"privileged\":true}}}}",
		  "runtimeSpec.linux.security_context comes first (Falco's order)", 0 },
		{ "{\"config\":{\"linux\":{\"security_context\":{\"privileged\":\"true\"}}},"
		  "\"privileged\":true}",
		  "a place holding no boolean is passed over", 1 },
		{ "{\"privileged\":1}", "a number is no boolean", 0 },
		{ "{\"config\":{\"linux\":", "malformed JSON: false", 0 },
		{ "{\"privileged\":true} trailing", "bytes after the object: false", 0 },
		{ "[{\"privileged\":true}]", "an array is no info object: false", 0 },
		{ "", "an empty info: false", 0 },
		{ NULL, "no info at all (not verbose): false", 0 },
	};
	char deep[8192];
	const char *name;
	size_t n = 0;

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		int got = privileged_of(cases[i].json, &name);

		tap_ok(got == cases[i].priv, "privileged: %s (got %d)", cases[i].what, got);
		tap_is_str(name, "app", "... the status's other facts stand");
	}
	/* Nested past the bound, privileged:true at the innermost level. */
	n += (size_t)snprintf(deep, sizeof(deep), "{\"privileged\":true,\"x\":");
	for (int i = 0; i < 100; i++)
		n += (size_t)snprintf(deep + n, sizeof(deep) - n, "{\"a\":");
	n += (size_t)snprintf(deep + n, sizeof(deep) - n, "1");
	for (int i = 0; i < 101; i++)
		deep[n++] = '}';
	deep[n] = '\0';
	tap_is_int(privileged_of(deep, &name), 0, "an info nested 100 deep is not followed: false");
	tap_is_str(name, "app", "... and the status stands");
}

/* containerd's spec as oci.WithPrivileged leaves it, with one change. */
static int spec_privileged(const char *linux_extra, const char *process_extra,
			   const char *sysfs_opts)
{
	struct container_info *ci = NULL;
	char json[2048];
	int priv;

	snprintf(json, sizeof(json),
		 "{\"process\":{\"args\":[\"sh\"],\"apparmorProfile\":\"unconfined\"%s},"
		 "\"mounts\":[{\"destination\":\"/proc\",\"type\":\"proc\"},"
		 "{\"destination\":\"/sys\",\"type\":\"sysfs\",\"options\":[%s]},"
		 "{\"destination\":\"/sys/fs/cgroup\",\"type\":\"cgroup\","
		 "\"options\":[\"nosuid\",\"rw\"]}],"
		 "\"linux\":{\"maskedPaths\":null,\"namespaces\":[{\"type\":\"pid\"}]%s}}",
		 process_extra, sysfs_opts, linux_extra);
	if (containerd_with_spec(json, &ci) < 0)
		return -1;
	priv = ci->privileged;
	container_info_free(ci);
	return priv;
}

static void test_spec_privileged(void)
{
	struct container_info *ci = NULL;

	tap_is_int(spec_privileged("", "", "\"nosuid\",\"rw\""), 1,
		   "containerd spec: as WithPrivileged makes it, privileged");
	tap_is_int(spec_privileged(",\"readonlyPaths\":[]", "", "\"rw\""), 1,
		   "... an empty readonlyPaths masks nothing");
	tap_is_int(spec_privileged(",\"maskedPaths\":[\"/proc/kcore\"]", "", "\"rw\""), 0,
		   "masked paths: not privileged");
	tap_is_int(spec_privileged(",\"readonlyPaths\":[\"/proc/sys\"]", "", "\"rw\""), 0,
		   "read-only paths: not privileged");
	tap_is_int(spec_privileged(",\"seccomp\":{\"defaultAction\":\"SCMP_ACT_ERRNO\"}", "",
				   "\"rw\""),
		   0, "a seccomp filter: not privileged");
	tap_is_int(spec_privileged("", ",\"selinuxLabel\":\"system_u:system_r:container_t:s0\"",
				   "\"rw\""),
		   0, "an SELinux label: not privileged");
	tap_is_int(
		spec_privileged("", ",\"apparmorProfile\":\"cri-containerd.apparmor.d\"", "\"rw\""),
		0, "an AppArmor profile: not privileged");
	tap_is_int(spec_privileged("", "", "\"nosuid\",\"ro\""), 0,
		   "a read-only sysfs: not privileged");
	tap_is_int(containerd_with_spec("{\"mounts\":[]}", &ci), 0, "a spec without linux/process");
	tap_ok(ci && !ci->privileged, "... is not privileged");
	container_info_free(ci);
}

static void test_types(void)
{
	Runtime__V1__VersionResponse v = RUNTIME__V1__VERSION_RESPONSE__INIT;
	const char *type = NULL;
	uint8_t buf[64];
	size_t len;

	v.runtime_name = "cri-o";
	len = runtime__v1__version_response__pack(&v, buf);
	container_cri_decode_type(buf, len, &type);
	tap_is_str(type, "cri-o", "CRI-O says cri-o");
	v.runtime_name = "rktlet";
	len = runtime__v1__version_response__pack(&v, buf);
	container_cri_decode_type(buf, len, &type);
	tap_is_str(type, "cri", "another CRI runtime is cri");
}

int main(void)
{
	test_recorded_cri();
	test_recorded_containerd();
	test_images();
	test_bounds();
	test_spec();
	test_cri_privileged();
	test_spec_privileged();
	test_types();
	return tap_done();
}
