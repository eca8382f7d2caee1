// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parsing the Docker-compatible API's documents: a real podman 4.3
 * conversation (recorded on the test host), a hand-written docker document
 * that exercises the rest of the schema, image references, and malformed
 * or oversized input.
 */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "container.h"
#include "tap.h"

static char *slurp(const char *name, size_t *len)
{
	char path[4096];
	FILE *f;
	char *buf;
	long n;

	snprintf(path, sizeof(path), "%s/tests/data/containers/%s", tap_srcdir(), name);
	f = fopen(path, "re");
	if (!f)
		tap_skip_all("%s: %s", path, strerror(errno));
	fseek(f, 0, SEEK_END);
	n = ftell(f);
	rewind(f);
	buf = malloc((size_t)n + 1);
	if (fread(buf, 1, (size_t)n, f) != (size_t)n)
		tap_skip_all("%s: short read", path);
	buf[n] = '\0';
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void test_podman(void)
{
	size_t len, ilen;
	char *json = slurp("podman_container.json", &len), *img = slurp("podman_image.json", &ilen);
	struct container_info *ci = NULL;

	tap_is_int(container_parse_docker(json, len, NULL, &ci), 0, "podman: container parses");
	if (!ci) {
		free(json);
		free(img);
		return;
	}
	tap_is_str(ci->full_id, "12820f06dd0ae02b3ddd251d7f1eb83a6199768c85c43a7b3b3327e4aa540ae4",
		   "podman: full id");
	tap_is_str(ci->name, "saker-ctr", "podman: name without the leading slash");
	tap_is_str(ci->image, "localhost/saker-test:1.0", "podman: image as created");
	tap_is_str(ci->image_repo, "localhost/saker-test", "podman: repository");
	tap_is_str(ci->image_tag, "1.0", "podman: tag");
	tap_is_str(ci->image_id, "19261a4ae4921827527ea0fc7efdb36f49c90e8376a23749c0f98ad0937bf2ea",
		   "podman: image id without sha256:");
	tap_ok(ci->image_digest == NULL, "podman: no digest before the image is asked");
	tap_ok(!ci->privileged && !ci->host_pid && !ci->host_network && !ci->host_ipc,
	       "podman: not privileged, no host namespaces (netns none, ipc shareable)");
	tap_is_int(ci->start_ts, 1795422839151394203ull, "podman: start_ts from State.StartedAt");
	tap_is_str(ci->healthcheck, "/bin/sh -c cat /etc/hostname",
		   "podman: CMD-SHELL healthcheck");
	tap_is_int(ci->nmounts, 1, "podman: one mount");
	tap_is_str(ci->mounts_str, "/tmp/ctr-play/rootfs:/data::false:rprivate",
		   "podman: container.mounts as source:dest:mode:rdwr:propagation");
	tap_is_str(container_info_label(ci, "io.kubernetes.pod.name"), "web-1",
		   "podman: pod name label");
	tap_is_str(container_info_label(ci, "io.kubernetes.pod.namespace"), "prod",
		   "podman: namespace label");
	tap_is_str(ci->pod_labels_str, "app:web", "podman: pod labels without io.kubernetes.*");
	tap_ok(container_info_label(ci, "nope") == NULL, "podman: unknown label is NULL");
	tap_is_int(container_parse_docker_image(img, ilen, ci), 0, "podman: image document parses");
	tap_is_str(ci->image_digest,
		   "sha256:4e60445a5d13e268999ba5c27579bae9d2fa7debb4834a7c8c3a109f089040ab",
		   "podman: digest from RepoDigests of the same repository");
	container_info_free(ci);
	free(json);
	free(img);
}

static void test_docker(void)
{
	size_t len;
	char *json = slurp("docker_container.json", &len);
	struct container_info *ci = NULL;
	const struct container_mount *m;

	tap_is_int(container_parse_docker(json, len, NULL, &ci), 0, "docker: container parses");
	if (!ci) {
		free(json);
		return;
	}
	tap_is_str(ci->image_repo, "registry.example:5000/team/app",
		   "docker: a registry port is not a tag");
	tap_is_str(ci->image_tag, "2.1", "docker: tag before the digest");
	tap_is_str(ci->image_digest,
		   "sha256:d977378f890d445c15e51795296e4e5062f109ce6da83e0a355fc4ad8699d27",
		   "docker: digest from the reference");
	tap_is_str(ci->image_id, "6f7e2741b66b4b6ab2e5d5a5e3a2e3c4f1a2b3c4d5e6f708192a3b4c5d6e7f80",
		   "docker: image id");
	tap_ok(ci->privileged && ci->host_pid && ci->host_network && !ci->host_ipc,
	       "docker: privileged, host pid and network, private ipc");
	tap_is_int(ci->start_ts, 1714564801123456789ull, "docker: StartedAt with a +02:00 offset");
	tap_is_str(ci->healthcheck, "/bin/health --quick", "docker: CMD healthcheck");
	tap_is_str(ci->liveness_probe, "/bin/check --live",
		   "docker: liveness probe from kubectl's spec");
	tap_is_str(ci->readiness_probe, "/bin/check --ready", "docker: readiness probe");
	tap_is_str(ci->ip, "10.1.2.3", "docker: ip");
	tap_is_int(ci->nmounts, 2, "docker: a mount that is not an object is skipped");
	tap_is_str(
		ci->mounts_str,
		"/var/run/docker.sock:/var/run/docker.sock::true:rprivate,/etc:/host/etc:ro:false:rslave",
		"docker: container.mounts");
	m = container_info_mount(ci, 1, NULL, false);
	tap_is_str(m ? m->dest : NULL, "/host/etc", "docker: mount by index");
	tap_ok(container_info_mount(ci, 2, NULL, false) == NULL, "docker: index past the end");
	m = container_info_mount(ci, -1, "/et*", false);
	tap_is_str(m ? m->dest : NULL, "/host/etc", "docker: mount by source glob");
	m = container_info_mount(ci, -1, "/host/etc", true);
	tap_is_str(m ? m->source : NULL, "/etc", "docker: mount by destination");
	tap_ok(container_info_mount(ci, -1, "/nowhere", false) == NULL, "docker: no such mount");
	tap_ok(container_info_label(ci, "long") == NULL,
	       "docker: a label over 100 bytes is dropped");
	tap_ok(container_info_label(ci, "notastring") == NULL,
	       "docker: a non-string label is dropped");
	tap_is_str(container_info_label(ci, "flag"), "", "docker: an empty label is kept");
	tap_is_str(ci->pod_labels_str, "app:web, flag, tier:front",
		   "docker: pod labels sorted, Kubernetes' own and annotations left out");
	container_info_free(ci);

	ci = NULL;
	tap_is_int(container_parse_docker(json, len, &(struct container_parse_opts){ 200 }, &ci), 0,
		   "docker: parses with label_max_len 200");
	tap_ok(ci && container_info_label(ci, "long"), "docker: ... and keeps the long label");
	container_info_free(ci);
	free(json);
}

static void split(const char *ref, const char *repo, const char *tag, const char *digest)
{
	char *r = NULL, *t = NULL, *d = NULL;

	tap_is_int(container_image_split(ref, &r, &t, &d), 0, ref);
	tap_ok((repo ? r && !strcmp(r, repo) : !r) && (tag ? t && !strcmp(t, tag) : !t) &&
		       (digest ? d && !strcmp(d, digest) : !d),
	       "%s -> repo %s tag %s digest %s (got %s %s %s)", ref, repo, tag, digest, r, t, d);
	free(r);
	free(t);
	free(d);
}

static void test_split(void)
{
	split("busybox", "busybox", NULL, NULL);
	split("busybox:1.36", "busybox", "1.36", NULL);
	split("localhost:5000/x", "localhost:5000/x", NULL, NULL);
	split("localhost:5000/x:y", "localhost:5000/x", "y", NULL);
	split("x@sha256:abc", "x", NULL, "sha256:abc");
	split("docker.io/library/nginx:1.25@sha256:ff", "docker.io/library/nginx", "1.25",
	      "sha256:ff");
}

static void bad(const char *json, const char *what)
{
	struct container_info *ci = NULL;

	tap_is_int(container_parse_docker(json, strlen(json), NULL, &ci), -EBADMSG, what);
	tap_ok(ci == NULL, "... and nothing is returned");
}

static void test_malformed(void)
{
	struct container_info *ci = NULL;
	char *big;
	size_t off;

	bad("", "empty answer refused");
	bad("[]", "an array refused");
	bad("{\"Id\":", "truncated JSON refused");
	bad("{\"Name\":\"/x\"}", "a document without Id refused");
	bad("{\"Id\":5}", "a numeric Id refused");
	bad("\"404 page not found\"", "a string refused");
	tap_is_int(container_parse_docker(
			   "{\"Id\":\"a\",\"Config\":\"x\",\"Mounts\":{},\"HostConfig\":[]}", 60,
			   NULL, &ci),
		   0, "members of the wrong type are ignored");
	tap_ok(ci && !ci->image && !ci->nmounts && !ci->privileged, "... and give nothing");
	container_info_free(ci);

	/* 300 labels: bounded at CONTAINER_MAX_LABELS. */
	big = malloc(300 * 40 + 64);
	off = (size_t)sprintf(big, "{\"Id\":\"b\",\"Config\":{\"Labels\":{");
	for (int i = 0; i < 300; i++)
		off += (size_t)sprintf(big + off, "%s\"k%03d\":\"v\"", i ? "," : "", i);
	strcpy(big + off, "}}}");
	ci = NULL;
	tap_is_int(container_parse_docker(big, strlen(big), NULL, &ci), 0, "300 labels parse");
	tap_is_int(ci ? ci->nlabels : 0, CONTAINER_MAX_LABELS,
		   "... bounded to CONTAINER_MAX_LABELS");
	tap_ok(ci && !ci->pod_labels_str, "... no pod labels without io.kubernetes.pod.name");
	container_info_free(ci);
	free(big);
	tap_is_int(container_parse_docker_image("{}", 2, NULL), -EBADMSG,
		   "an image document without Id refused");
}

int main(void)
{
	test_podman();
	test_docker();
	test_split();
	test_malformed();
	return tap_done();
}
