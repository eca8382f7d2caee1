// SPDX-License-Identifier: GPL-2.0-only
/*
 * container_cri_lookup() against a real HTTP/2 gRPC server on a unix
 * socket (tests/helpers/grpc_replay.py, python3-h2) answering with the
 * messages recorded from containerd (tests/data/cri): a CRI-O-like runtime
 * (the CRI only), a containerd without the CRI plugin (namespaces in
 * order), the recorded status with a verbose info saying privileged or not
 * in containerd's and CRI-O's shapes, or holding malformed JSON, and every way an answer can fail on the wire: NOT_FOUND in
 * trailers and trailers-only, UNIMPLEMENTED everywhere, a message over the
 * bound, truncated and compressed frames, a bad grpc-status, another
 * content-type, a server that never answers. Then through the lookup
 * worker with two sockets (containerd.sock, crio.sock): the runtime the
 * cgroup path names is asked first; a runtime that is down is reported
 * to the error callback with the engine, the socket and the reason.
 */
#include <errno.h>
#include <signal.h>
#include <spawn.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <sys/wait.h>
#include <time.h>
#include <unistd.h>

#include "container_cri.h"
#include "cri.pb-c.h"
#include "tap.h"

extern char **environ;

static char dir[64], sock[128], script[128], reqlog[128], data[1024], cri_id[80], ctr_id[80];
static char crio_sock[128], crio_log[128];
static pid_t server, crio_server;

static void stop_server(void)
{
	if (server > 0) {
		kill(server, SIGTERM);
		waitpid(server, NULL, 0);
	}
	if (crio_server > 0) {
		kill(crio_server, SIGTERM);
		waitpid(crio_server, NULL, 0);
	}
	unlink(crio_sock);
	unlink(crio_log);
	unlink(sock);
	unlink(script);
	unlink(reqlog);
	snprintf(data, sizeof(data), "%s/version_crio.bin", dir);
	unlink(data);
	snprintf(data, sizeof(data), "%s/status_info.bin", dir);
	unlink(data);
	rmdir(dir);
}

static void read_id(const char *name, char *out, size_t len)
{
	char path[4096];
	FILE *f;

	snprintf(path, sizeof(path), "%s/tests/data/cri/%s", tap_srcdir(), name);
	f = fopen(path, "re");
	if (!f || !fgets(out, (int)len, f))
		tap_skip_all("%s: cannot read", path);
	out[strcspn(out, "\n")] = '\0';
	fclose(f);
}

/* A python3 that has h2 (Debian's, whatever else PATH has first), or NULL. */
static const char *python_with_h2(void)
{
	static const char *pythons[] = { "/usr/bin/python3", "python3" };

	for (size_t i = 0; i < 2; i++) {
		char *check[] = { (char *)pythons[i], "-c", "import h2", NULL };
		pid_t p;
		int st;

		if (!posix_spawnp(&p, pythons[i], NULL, NULL, check, environ) &&
		    waitpid(p, &st, 0) > 0 && WIFEXITED(st) && !WEXITSTATUS(st))
			return pythons[i];
	}
	return NULL;
}

/* A replay server on socket path, logging to log; its pid, or -1. */
static pid_t spawn_server(const char *python, const char *path, const char *log)
{
	char helper[4096];
	char *argv[] = { (char *)python, helper, (char *)path, script, (char *)log, NULL };
	pid_t p;

	snprintf(helper, sizeof(helper), "%s/tests/helpers/grpc_replay.py", tap_srcdir());
	if (posix_spawnp(&p, python, NULL, NULL, argv, environ))
		return -1;
	for (int t = 0; t < 100 && access(path, F_OK); t++)
		usleep(50000);
	return access(path, F_OK) ? -1 : p;
}

static void start_server(void)
{
	const char *python = python_with_h2();

	if (python && (server = spawn_server(python, sock, reqlog)) > 0 &&
	    (crio_server = spawn_server(python, crio_sock, crio_log)) > 0)
		return;
	stop_server();
	tap_skip_all("no python3 with h2 (python3-h2) to serve HTTP/2");
}

static void set_script(const char *json)
{
	FILE *f = fopen(script, "we");

	fputs(json, f);
	fclose(f);
	unlink(reqlog);
}

/* A CRI runtime answering with the recorded list and sandbox, this status and version. */
static void set_cri_script(const char *status_path, const char *version_path)
{
	char json[8192];

	snprintf(json, sizeof(json),
		 "{\"" CRI_LIST_CONTAINERS "\": {\"file\": \"%s/list.bin\"},"
		 "\"" CRI_CONTAINER_STATUS "\": {\"file\": \"%s\"},"
		 "\"" CRI_SANDBOX_STATUS "\": {\"file\": \"%s/sandbox.bin\"},"
		 "\"" CRI_VERSION "\": {\"file\": \"%s\"}}",
		 data, status_path, data, version_path);
	set_script(json);
}

/* The requests the server saw, one "PATH NAMESPACE" a line, joined by '|'. */
static const char *requests(void)
{
	static char buf[2048];
	FILE *f = fopen(reqlog, "re");
	size_t n = 0;
	char line[512];

	buf[0] = '\0';
	while (f && fgets(line, sizeof(line), f) && n + strlen(line) + 1 < sizeof(buf)) {
		line[strcspn(line, "\n")] = '\0';
		n += (size_t)snprintf(buf + n, sizeof(buf) - n, "%s%s", n ? "|" : "", line);
	}
	if (f)
		fclose(f);
	return buf;
}

static int lookup(const char *id, const struct container_parse_opts *o, unsigned timeout_ms,
		  struct container_info **ret, char *err)
{
	*ret = NULL;
	err[0] = '\0';
	return container_cri_lookup(sock, id, timeout_ms, o, ret, err, 512);
}

static void test_crio_like(void)
{
	Runtime__V1__VersionResponse v = RUNTIME__V1__VERSION_RESPONSE__INIT;
	struct container_info *ci;
	uint8_t buf[64];
	char json[8192], err[512], vpath[128], spath[1100];
	size_t len;
	FILE *f;
	int r;

	v.runtime_name = "cri-o";
	len = runtime__v1__version_response__pack(&v, buf);
	snprintf(vpath, sizeof(vpath), "%s/version_crio.bin", dir);
	f = fopen(vpath, "we");
	fwrite(buf, 1, len, f);
	fclose(f);
	snprintf(spath, sizeof(spath), "%s/status.bin", data);
	set_cri_script(spath, vpath);
	r = lookup(cri_id, NULL, 5000, &ci, err);
	tap_ok(r == 0, "a CRI runtime answers (%d %s)", r, err);
	tap_is_str(ci ? ci->type : NULL, "cri-o", "container.type is the runtime's name");
	tap_is_str(ci ? ci->name : NULL, "app", "the name");
	tap_is_str(ci ? container_info_label(ci, "io.kubernetes.pod.name") : NULL, "web-1",
		   "the pod");
	tap_is_str(ci ? ci->pod_labels_str : NULL, "app:web, tier:front", "the pod's labels");
	tap_is_str(requests(),
		   CRI_LIST_CONTAINERS " -|" CRI_CONTAINER_STATUS " -|" CRI_SANDBOX_STATUS
				       " -|" CRI_VERSION " -",
		   "asked: ListContainers, ContainerStatus, PodSandboxStatus, Version");
	container_info_free(ci);

	/* The sandbox is gone: the container still stands. */
	snprintf(json, sizeof(json),
		 "{\"" CRI_LIST_CONTAINERS "\": {\"file\": \"%s/list.bin\"},"
		 "\"" CRI_CONTAINER_STATUS "\": {\"file\": \"%s/status.bin\"},"
		 "\"" CRI_SANDBOX_STATUS "\": {\"status\": 5, \"message\": \"sandbox gone\"}}",
		 data, data);
	set_script(json);
	r = lookup(cri_id, NULL, 5000, &ci, err);
	tap_ok(r == 0, "without the sandbox (%d %s)", r, err);
	tap_ok(ci && !strcmp(ci->name, "app") && !ci->type,
	       "the container's facts stand; no Version, no type (the worker's cgroup guess)");
	container_info_free(ci);
}

static void test_containerd_only(void)
{
	struct container_parse_opts o = { 0 };
	char *ns[] = { "saker-test" };
	struct container_info *ci;
	char json[8192], err[512];
	int r;

	snprintf(
		json, sizeof(json),
		"{\"" CONTAINERD_GET_CONTAINER "@k8s.io\": {\"status\": 5},"
		"\"" CONTAINERD_GET_CONTAINER
		"@default\": {\"file\": \"%s/containerd_container.bin\"},"
		"\"" CONTAINERD_GET_CONTAINER
		"@saker-test\": {\"file\": \"%s/containerd_container.bin\"},"
		"\"" CONTAINERD_GET_IMAGE "@default\": {\"file\": \"%s/containerd_image.bin\"},"
		"\"*\": {\"status\": 12, \"message\": \"unknown service runtime.v1.RuntimeService\"}}",
		data, data, data);
	set_script(json);
	r = lookup(ctr_id, NULL, 5000, &ci, err);
	tap_ok(r == 0, "a containerd without the CRI plugin answers (%d %s)", r, err);
	tap_is_str(ci ? ci->type : NULL, "containerd", "container.type containerd");
	tap_ok(ci && ci->image_digest && !strncmp(ci->image_digest, "sha256:", 7),
	       "the digest from Images/Get");
	tap_is_str(requests(),
		   CRI_LIST_CONTAINERS " -|" CONTAINERD_GET_CONTAINER
				       " k8s.io|" CONTAINERD_GET_CONTAINER
				       " default|" CONTAINERD_GET_IMAGE " default",
		   "the CRI first, then the namespaces k8s.io and default in order");
	container_info_free(ci);
	o.containerd_namespaces = ns;
	o.n_containerd_namespaces = 1;
	unlink(reqlog);
	r = lookup(ctr_id, &o, 5000, &ci, err);
	tap_ok(r == 0, "with configured namespaces (%d %s)", r, err);
	tap_is_str(requests(),
		   CRI_LIST_CONTAINERS " -|" CONTAINERD_GET_CONTAINER
				       " saker-test|" CONTAINERD_GET_IMAGE " saker-test",
		   "only the configured namespace is asked");
	container_info_free(ci);
	ns[0] = "k8s.io\r\nX-Injected: 1";
	unlink(reqlog);
	r = lookup(ctr_id, &o, 5000, &ci, err);
	tap_ok(r == -EINVAL && strstr(err, "is not a name"),
	       "a namespace that is no name is refused (%d %s)", r, err);
	tap_is_str(requests(), CRI_LIST_CONTAINERS " -", "and never sent");
}

/* The recorded ContainerStatus with info["info"] = json, as DIR/status_info.bin. */
static bool status_with_info(const char *json)
{
	Runtime__V1__ContainerStatusResponse__InfoEntry e =
		RUNTIME__V1__CONTAINER_STATUS_RESPONSE__INFO_ENTRY__INIT;
	Runtime__V1__ContainerStatusResponse__InfoEntry *ep = &e;
	Runtime__V1__ContainerStatusResponse *cs;
	char path[4096];
	uint8_t in[4096], *out;
	size_t n, len;
	FILE *f;

	snprintf(path, sizeof(path), "%s/status.bin", data);
	f = fopen(path, "re");
	n = f ? fread(in, 1, sizeof(in), f) : 0;
	if (f)
		fclose(f);
	cs = runtime__v1__container_status_response__unpack(NULL, n, in);
	if (!cs)
		return tap_ok(false, "%s: a ContainerStatusResponse", path);
	e.key = "info";
	e.value = (char *)json;
	cs->n_info = 1;
	cs->info = &ep;
	len = runtime__v1__container_status_response__get_packed_size(cs);
	out = malloc(len);
	runtime__v1__container_status_response__pack(cs, out);
	cs->n_info = 0;
	cs->info = NULL;
	runtime__v1__container_status_response__free_unpacked(cs, NULL);
	snprintf(path, sizeof(path), "%s/status_info.bin", dir);
	f = fopen(path, "we");
	fwrite(out, 1, len, f);
	fclose(f);
	free(out);
	return true;
}

static void test_privileged(void)
{
	static const struct {
		const char *info, *what;
		bool priv;
	} cases[] = {
		{ "{\"sandboxID\":\"s\",\"config\":{\"linux\":{\"security_context\":"
		  "{\"privileged\":true}}},\"runtimeSpec\":{\"linux\":{}}}",
		  "containerd's info, privileged", true },
		{ "{\"sandboxID\":\"s\",\"config\":{\"linux\":{\"security_context\":"
		  "{\"namespace_options\":{\"network\":2}}}},\"runtimeSpec\":{\"linux\":{}}}",
		  "containerd's info, not privileged", false },
		{ "{\"sandboxID\":\"s\",\"pid\":7,\"privileged\":true}", "CRI-O's info, privileged",
		  true },
		{ "{\"sandboxID\":\"s\",\"pid\":7,\"privileged\":false}",
		  "CRI-O's info, not privileged", false },
		{ "{\"privileged\": tru", "malformed info JSON", false },
	};
	struct container_info *ci;
	char spath[1100], vpath[1100], err[512];

	snprintf(spath, sizeof(spath), "%s/status_info.bin", dir);
	snprintf(vpath, sizeof(vpath), "%s/version.bin", data);
	set_cri_script(spath, vpath);
	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		if (!status_with_info(cases[i].info))
			return;
		int r = lookup(cri_id, NULL, 5000, &ci, err);

		tap_ok(r == 0 && ci, "%s: found (%d %s)", cases[i].what, r, err);
		tap_ok(ci && ci->privileged == cases[i].priv, "%s: container.privileged is %s",
		       cases[i].what, cases[i].priv ? "true" : "false");
		tap_ok(ci && ci->name && !strcmp(ci->name, "app") && ci->type &&
			       !strcmp(ci->type, "containerd"),
		       "%s: the other facts stand", cases[i].what);
		container_info_free(ci);
	}
}

/* Each case: a script, what lookup returns, what err says. */
static void test_failures(void)
{
	static const struct {
		const char *json, *what, *err;
		int result;
	} cases[] = {
		{ "{\"" CRI_LIST_CONTAINERS "\": {\"raw\": \"0000000000\"},"
		  "\"" CONTAINERD_GET_CONTAINER "\": {\"status\": 5}}",
		  "an empty list and NOT_FOUND in every namespace",
		  "not known to the CRI nor in containerd's namespaces", -ENOENT },
		{ "{\"*\": {\"status\": 5, \"trailers_only\": true}}",
		  "NOT_FOUND in a trailers-only answer",
		  "not known to the CRI nor in containerd's namespaces", -ENOENT },
		{ "{\"*\": {\"status\": 12}}", "UNIMPLEMENTED everywhere",
		  "speaks neither the CRI nor containerd's API", -EIO },
		{ "{\"" CRI_LIST_CONTAINERS "\": {\"big\": 5000000}}", "a 5 MB message",
		  "answer too large", -EFBIG },
		{ "{\"" CRI_LIST_CONTAINERS "\": {\"raw\": \"0000000064aabb\"}}",
		  "a truncated frame", "malformed message frame", -EBADMSG },
		{ "{\"" CRI_LIST_CONTAINERS "\": {\"raw\": \"0100000003aabbcc\"}}",
		  "a compressed frame", "malformed message frame", -EBADMSG },
		{ "{\"" CRI_LIST_CONTAINERS "\": {\"raw\": \"00000000000000000000\"}}",
		  "two messages to a unary call", "malformed message frame", -EBADMSG },
		{ "{\"" CRI_LIST_CONTAINERS "\": {\"raw\": \"\", \"status\": \"ok\"}}",
		  "a grpc-status that is no number", "bad grpc-status", -EIO },
		{ "{\"" CRI_LIST_CONTAINERS
		  "\": {\"raw\": \"0000000000\", \"content_type\": \"text/html\"}}",
		  "another content-type", "not application/grpc", -EIO },
		{ "{\"" CRI_LIST_CONTAINERS
		  "\": {\"status\": 14, \"message\": \"transport is closing\"}}",
		  "UNAVAILABLE", "gRPC status 14: transport is closing", -EIO },
	};
	struct container_info *ci;
	char err[512];

	for (size_t i = 0; i < sizeof(cases) / sizeof(cases[0]); i++) {
		set_script(cases[i].json);
		int r = lookup(cri_id, NULL, 5000, &ci, err);

		tap_ok(r == cases[i].result, "%s is %d (got %d)", cases[i].what, cases[i].result,
		       r);
		tap_ok(strstr(err, cases[i].err) != NULL, "... and says \"%s\" (%s)", cases[i].err,
		       err);
		tap_ok(ci == NULL, "... and returns nothing");
	}
}

static void test_timeout(void)
{
	struct container_info *ci;
	struct timespec a, b;
	char err[512];
	double s;

	set_script("{\"*\": {\"hang\": true}}");
	clock_gettime(CLOCK_MONOTONIC, &a);
	tap_is_int(lookup(cri_id, NULL, 300, &ci, err), -ETIMEDOUT,
		   "a server that never answers times out");
	clock_gettime(CLOCK_MONOTONIC, &b);
	s = (double)(b.tv_sec - a.tv_sec) + (double)(b.tv_nsec - a.tv_nsec) / 1e9;
	tap_ok(s >= 0.25 && s < 5, "after the timeout, not forever (%.2f s for 300 ms)", s);
	tap_ok(strstr(err, "timed out") != NULL, "and says so (%s)", err);
}

/*
 * A cache on cc, started, told of one process of the recorded CRI container
 * in cgroup path; returns once the worker has answered (not yet polled).
 */
static struct container_meta *meta_asked(const struct container_config *cc, const char *path)
{
	struct container_meta *cm = container_meta_new(cc);
	char cg[512], short_id[13];
	int n;

	if (!cm || container_meta_start(cm) < 0) {
		tap_ok(false, "container_meta starts");
		container_meta_free(cm);
		return NULL;
	}
	n = snprintf(cg, sizeof(cg), "cpu=%s", path);
	snprintf(short_id, sizeof(short_id), "%.12s", cri_id);
	container_meta_proc(cm, short_id, 12, cg, (size_t)n + 1, 1);
	container_meta_wait(cm, 10000);
	return cm;
}

/* Which of the two servers the worker asked for a container in cgroup path. */
static void ask_worker(const char *path, const char *expect_type, bool crio_first, const char *what)
{
	char *socks[] = { sock, crio_sock }, short_id[13];
	struct container_config cc = { .enabled = { false, false, true },
				       .sockets = { NULL, NULL, socks },
				       .nsockets = { 0, 0, 2 },
				       .timeout_ms = 5000 };
	struct container_meta *cm;
	const struct container_entry *e;
	struct stat stc, sto;

	unlink(reqlog);
	unlink(crio_log);
	if (!(cm = meta_asked(&cc, path)))
		return;
	snprintf(short_id, sizeof(short_id), "%.12s", cri_id);
	container_meta_poll(cm, 0);
	e = container_meta_get(cm, short_id, 12);
	tap_ok(e && e->status == CONTAINER_READY, "%s: found through the worker", what);
	tap_is_str(e && e->info ? e->info->type : NULL, expect_type,
		   "... with the answering runtime's type");
	tap_ok((stat(crio_log, &stc) == 0) == crio_first &&
		       (stat(reqlog, &sto) == 0) == !crio_first,
	       "%s: the %s socket was asked, the other not", what,
	       crio_first ? "crio" : "containerd");
	container_meta_free(cm);
}

static void test_worker_order(void)
{
	char spath[1100], vpath[1100], path[256];

	snprintf(spath, sizeof(spath), "%s/status.bin", data);
	snprintf(vpath, sizeof(vpath), "%s/version.bin", data);
	set_cri_script(spath, vpath);
	snprintf(path, sizeof(path), "/kubepods.slice/kubepods-pod1.slice/crio-%s.scope", cri_id);
	ask_worker(path, "containerd", true, "a crio- cgroup");
	snprintf(path, sizeof(path), "/kubepods.slice/kubepods-pod1.slice/cri-containerd-%s.scope",
		 cri_id);
	ask_worker(path, "containerd", false, "a cri-containerd- cgroup");
	snprintf(path, sizeof(path), "/kubepods/besteffort/pod1/%s", cri_id);
	ask_worker(path, "containerd", false, "a bare kubepods id");
}

struct seen_errors {
	unsigned n;
	char engine[16], socket[128], reason[256];
	int error;
	bool retry;
};

static void on_error(void *arg, const struct container_lookup_error *e)
{
	struct seen_errors *s = arg;

	s->n++;
	snprintf(s->engine, sizeof(s->engine), "%s", e->engine);
	snprintf(s->socket, sizeof(s->socket), "%s", e->socket);
	snprintf(s->reason, sizeof(s->reason), "%s", e->reason);
	s->error = e->error;
	s->retry = e->retry;
}

/* A runtime that answers UNAVAILABLE: the worker's failure reaches the callback. */
static void test_errors_reported(void)
{
	char *socks[] = { sock }, path[256];
	struct seen_errors seen = { 0 };
	struct container_config cc = { .enabled = { false, false, true },
				       .sockets = { NULL, NULL, socks },
				       .nsockets = { 0, 0, 1 },
				       .timeout_ms = 5000,
				       .on_error = on_error,
				       .on_error_arg = &seen };
	struct container_meta *cm;
	struct container_stats st;

	snprintf(path, sizeof(path), "/kubepods/besteffort/pod1/%s", cri_id);
	set_script("{\"*\": {\"status\": 14, \"message\": \"saker-test runtime down\"}}");
	if (!(cm = meta_asked(&cc, path)))
		return;
	tap_is_int(seen.n, 0, "errors are told from the poll (event thread), not the worker");
	container_meta_poll(cm, 0);
	container_meta_get_stats(cm, &st);
	tap_is_int(st.failed, 1, "the failure is counted");
	tap_is_int(seen.n, 1, "and told once");
	tap_is_str(seen.engine, "cri", "with the runtime engine");
	tap_is_str(seen.socket, sock, "the socket");
	tap_ok(strstr(seen.reason, "saker-test runtime down") != NULL,
	       "and the runtime's reason (%s)", seen.reason);
	tap_ok(seen.error == -EIO && seen.retry, "a transient error, to be retried (%d, %d)",
	       seen.error, seen.retry);
	container_meta_free(cm);

	/* Not found is no error to report. */
	memset(&seen, 0, sizeof(seen));
	set_script("{\"*\": {\"status\": 5}}");
	if (!(cm = meta_asked(&cc, path)))
		return;
	container_meta_poll(cm, 0);
	container_meta_get_stats(cm, &st);
	tap_ok(st.not_found == 1 && seen.n == 0, "a container no runtime knows is not reported");
	container_meta_free(cm);
}

int main(void)
{
	read_id("cri_id", cri_id, sizeof(cri_id));
	read_id("containerd_id", ctr_id, sizeof(ctr_id));
	snprintf(dir, sizeof(dir), "/tmp/saker-cri-XXXXXX");
	if (!mkdtemp(dir))
		tap_skip_all("mkdtemp: %s", strerror(errno));
	snprintf(sock, sizeof(sock), "%s/containerd.sock", dir);
	snprintf(crio_sock, sizeof(crio_sock), "%s/crio.sock", dir);
	snprintf(crio_log, sizeof(crio_log), "%s/crio.log", dir);
	snprintf(script, sizeof(script), "%s/script.json", dir);
	snprintf(reqlog, sizeof(reqlog), "%s/requests.log", dir);
	snprintf(data, sizeof(data), "%s/tests/data/cri", tap_srcdir());
	set_script("{}");
	start_server();
	test_crio_like();
	test_containerd_only();
	test_privileged();
	test_failures();
	test_timeout();
	test_worker_order();
	test_errors_reported();
	stop_server();
	return tap_done();
}
