// SPDX-License-Identifier: GPL-2.0-only
/*
 * The container cache and its worker, against a real HTTP server on a unix
 * socket in this process that replays the podman conversation recorded in
 * tests/data/containers (404 for anything else), and one that never answers.
 * Then the state's hook: processes joining and leaving a container through
 * real records keep the entry alive exactly as long as one of them lives;
 * and container.id / container.full_id of such a process, with the state's
 * extractors alone and with the container fields installed over them.
 */
#include <errno.h>
#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/un.h>
#include <unistd.h>

#include "container.h"
#include "fields.h"
#include "fields_container.h"
#include "fields_state.h"
#include "state.h"
#include "state_testlib.h"
#include "tap.h"

#define FULL "12820f06dd0ae02b3ddd251d7f1eb83a6199768c85c43a7b3b3327e4aa540ae4"
#define CGROUPS "=/libpod_parent/libpod-" FULL

struct server {
	char path[108];
	int fd;
	bool silent; /* accept, read, never answer */
	pthread_t thread;
	char *container, *image;
	size_t container_len, image_len;
	unsigned requests;
};

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
	fclose(f);
	*len = (size_t)n;
	return buf;
}

static void answer(int c, int status, const char *body, size_t len)
{
	char head[256];
	int n = snprintf(head, sizeof(head),
			 "HTTP/1.1 %d %s\r\nContent-Type: application/json\r\n"
			 "Content-Length: %zu\r\nConnection: close\r\n\r\n",
			 status, status == 200 ? "OK" : "Not Found", len);

	if (write(c, head, (size_t)n) < 0 || write(c, body, len) < 0)
		return;
}

static void *serve(void *arg)
{
	struct server *s = arg;
	int c;

	while ((c = accept4(s->fd, NULL, NULL, SOCK_CLOEXEC)) >= 0) {
		char req[4096] = "";
		size_t got = 0;
		ssize_t n;

		while (got < sizeof(req) - 1 && !strstr(req, "\r\n\r\n") &&
		       (n = read(c, req + got, sizeof(req) - 1 - got)) > 0)
			got += (size_t)n;
		s->requests++;
		if (s->silent) {
			char b;

			while (read(c, &b, 1) > 0) /* until the client gives up */
				;
		} else if (!strncmp(req, "GET /containers/" FULL "/json ", 16 + 64 + 6)) {
			answer(c, 200, s->container, s->container_len);
		} else if (!strncmp(req, "GET /images/localhost/saker-test:1.0/json ", 42)) {
			answer(c, 200, s->image, s->image_len);
		} else {
			answer(c, 404, "{\"message\":\"no such container\"}", 32);
		}
		close(c);
	}
	return NULL;
}

static void server_start(struct server *s, const char *dir, const char *name, bool silent)
{
	struct sockaddr_un sa = { .sun_family = AF_UNIX };

	memset(s, 0, sizeof(*s));
	snprintf(s->path, sizeof(s->path), "%s/%s", dir, name);
	strcpy(sa.sun_path, s->path);
	s->silent = silent;
	s->container = slurp("podman_container.json", &s->container_len);
	s->image = slurp("podman_image.json", &s->image_len);
	s->fd = socket(AF_UNIX, SOCK_STREAM | SOCK_CLOEXEC, 0);
	if (s->fd < 0 || bind(s->fd, (struct sockaddr *)&sa, sizeof(sa)) < 0 ||
	    listen(s->fd, 8) < 0)
		tap_skip_all("unix socket %s: %s", s->path, strerror(errno));
	pthread_create(&s->thread, NULL, serve, s);
}

static void server_stop(struct server *s)
{
	shutdown(s->fd, SHUT_RDWR);
	pthread_join(s->thread, NULL);
	close(s->fd);
	unlink(s->path);
	free(s->container);
	free(s->image);
}

/* Wait for the worker, then publish, as the event loop would. */
static void settle(struct container_meta *cm, uint64_t now)
{
	container_meta_wait(cm, 5000);
	container_meta_poll(cm, now);
}

static struct container_meta *meta(char *podman_socket, unsigned timeout_ms, unsigned cache)
{
	static char *none[] = { "/nonexistent/docker.sock" };
	static char *sock[1];
	struct container_config cc = { .enabled = { true, true, false },
				       .sockets = { none, sock },
				       .nsockets = { 1, 1 },
				       .timeout_ms = timeout_ms,
				       .cache_size = cache };
	struct container_meta *cm;

	sock[0] = podman_socket;
	cm = container_meta_new(&cc);
	if (!cm || container_meta_start(cm) < 0)
		tap_skip_all("container_meta: %s", strerror(errno));
	return cm;
}

static void test_lookup(const char *dir)
{
	struct server srv;
	struct container_meta *cm;
	const struct container_entry *e;
	struct container_stats st;

	server_start(&srv, dir, "podman.sock", false);
	cm = meta(srv.path, 2000, 0);
	container_meta_proc(cm, "12820f06dd0a", 12, CGROUPS, sizeof(CGROUPS), 1);
	e = container_meta_get(cm, "12820f06dd0a", 12);
	tap_ok(e && e->status == CONTAINER_PENDING, "a new container is pending");
	tap_is_str(e ? e->full : NULL, FULL, "its full id comes from the cgroup path");
	tap_is_int(e ? (int)e->runtime : -1, CONTAINERID_PODMAN, "its runtime too");
	settle(cm, 0);
	e = container_meta_get(cm, "12820f06dd0a", 12);
	tap_ok(e && e->status == CONTAINER_READY && e->info, "after the worker, it is ready");
	tap_is_str(e && e->info ? e->info->name : NULL, "saker-ctr", "name from the podman API");
	tap_is_str(e && e->info ? e->info->type : NULL, "podman", "type podman");
	tap_is_str(e && e->info ? e->info->image_digest : NULL,
		   "sha256:4e60445a5d13e268999ba5c27579bae9d2fa7debb4834a7c8c3a109f089040ab",
		   "digest from the image document");
	tap_is_int(srv.requests, 2, "two requests: the container and its image");
	container_meta_proc(cm, "12820f06dd0a", 12, CGROUPS, sizeof(CGROUPS), 1);
	/* Time for the worker to ask, had anything been queued. */
	container_meta_wait(cm, 300);
	container_meta_poll(cm, 0);
	tap_is_int(srv.requests, 2, "a second process of the container asks nothing");
	container_meta_proc(cm, "12820f06dd0a", 12, NULL, 0, -1);
	tap_ok(container_meta_get(cm, "12820f06dd0a", 12) != NULL, "one process left: kept");
	container_meta_proc(cm, "12820f06dd0a", 12, NULL, 0, -1);
	tap_ok(container_meta_get(cm, "12820f06dd0a", 12) != NULL,
	       "last process left: kept for a grace period");
	container_meta_proc(cm, "12820f06dd0a", 12, CGROUPS, sizeof(CGROUPS), 1);
	container_meta_poll(cm, 1);
	container_meta_poll(cm, 10000000000ull);
	e = container_meta_get(cm, "12820f06dd0a", 12);
	tap_ok(e && e->status == CONTAINER_READY,
	       "a process back within the grace period keeps it, ready");
	container_meta_wait(cm, 300);
	container_meta_poll(cm, 10000000000ull);
	tap_is_int(srv.requests, 2, "... without asking again");
	container_meta_proc(cm, "12820f06dd0a", 12, NULL, 0, -1);
	container_meta_poll(cm, 11000000000ull);
	container_meta_poll(cm, 15000000000ull);
	tap_ok(container_meta_get(cm, "12820f06dd0a", 12) != NULL, "still there 4 s after");
	container_meta_poll(cm, 16000000000ull);
	tap_ok(container_meta_get(cm, "12820f06dd0a", 12) == NULL, "removed 5 s after");

	/* A container podman does not know: 404, no retry. */
	container_meta_proc(cm, "aaaaaaaaaaaa", 12, NULL, 0, 1);
	settle(cm, 0);
	e = container_meta_get(cm, "aaaaaaaaaaaa", 12);
	tap_ok(e && e->status == CONTAINER_FAILED && !e->info, "unknown to the runtime: failed");
	container_meta_poll(cm, 60000000000ull);
	container_meta_get_stats(cm, &st);
	tap_is_int(st.retries, 0, "... and not asked again");

	/* lxc has no API we speak: nothing is asked at all. */
	container_meta_proc(cm, "web", 3, "=/lxc.payload.web", sizeof("=/lxc.payload.web"), 1);
	settle(cm, 0);
	container_meta_get_stats(cm, &st);
	tap_is_int(st.lookups, 3, "three lookups");
	tap_is_int(st.found, 1, "one found");
	tap_is_int(st.not_found, 1, "one not found");
	tap_is_int(st.no_runtime, 1, "one with no runtime");
	tap_is_int(st.evicted, 1, "one evicted when its last process left");
	tap_is_int(st.cached, 2, "two cached");
	container_meta_free(cm);
	server_stop(&srv);
}

static void test_timeout(const char *dir)
{
	struct server srv;
	struct container_meta *cm;
	const struct container_entry *e;
	struct container_stats st;

	server_start(&srv, dir, "silent.sock", true);
	cm = meta(srv.path, 200, 0);
	container_meta_proc(cm, "12820f06dd0a", 12, CGROUPS, sizeof(CGROUPS), 1);
	settle(cm, 1000);
	e = container_meta_get(cm, "12820f06dd0a", 12);
	tap_ok(e && e->status == CONTAINER_FAILED, "a runtime that never answers: failed");
	container_meta_get_stats(cm, &st);
	tap_is_int(st.timeouts, 1, "one timeout counted");
	tap_is_int(st.failed, 1, "one failed lookup counted");
	container_meta_poll(cm, 1000 + 1000000000ull);
	container_meta_get_stats(cm, &st);
	tap_is_int(st.retries, 0, "not retried before its time");
	container_meta_poll(cm, 1000 + 2000000000ull);
	container_meta_get_stats(cm, &st);
	tap_is_int(st.retries, 1, "retried after 2 s");
	settle(cm, 3000000000ull);
	container_meta_poll(cm, 100000000000ull);
	settle(cm, 100000000000ull);
	container_meta_poll(cm, 200000000000ull);
	container_meta_get_stats(cm, &st);
	tap_is_int(st.lookups, 3, "three attempts in all, then it stops");
	tap_is_int(st.timeouts, 3, "each timed out");

	/* An answer for a container gone (past its grace period) by then is dropped. */
	container_meta_proc(cm, "bbbbbbbbbbbb", 12, NULL, 0, 1);
	container_meta_proc(cm, "bbbbbbbbbbbb", 12, NULL, 0, -1);
	container_meta_poll(cm, 300000000000ull);
	container_meta_poll(cm, 310000000000ull);
	tap_ok(container_meta_get(cm, "bbbbbbbbbbbb", 12) == NULL,
	       "a container gone while it is being looked up is removed");
	settle(cm, 320000000000ull);
	container_meta_get_stats(cm, &st);
	tap_is_int(st.late, 1, "... and its late answer is counted and dropped");
	tap_ok(container_meta_get(cm, "bbbbbbbbbbbb", 12) == NULL, "... the entry stays gone");
	container_meta_free(cm);
	server_stop(&srv);
}

static void test_bound(void)
{
	struct container_meta *cm = meta("/nonexistent/podman.sock", 100, 16);
	struct container_stats st;
	char id[16];

	for (int i = 0; i < 20; i++) {
		snprintf(id, sizeof(id), "%012x", i);
		container_meta_proc(cm, id, 12, NULL, 0, 1);
	}
	container_meta_get_stats(cm, &st);
	tap_is_int(st.cached, 16, "the cache holds its bound");
	tap_is_int(st.refused, 4, "the rest is counted as refused");
	container_meta_free(cm);
}

/* Field name of thread tid as its extractor gives it; "<NA>" when not available. */
static const char *field_of(struct state *st, uint32_t tid, const struct container_meta *cm,
			    const char *name)
{
	static char buf[512], ret[512];
	struct field_val vals[4];
	struct field_out out = { .vals = vals, .cap = 4, .buf = buf, .size = sizeof(buf) };
	struct state_evctx ev = { .thread = state_thread_get(st, tid, false), .fdnum = -1 };
	struct fields_state_data d = { .st = st, .ev = &ev, .containers = cm };
	struct field_ctx c = { .data = &d, .source = FSRC_SYSCALL };
	struct field_req req;
	char *copy = NULL, err[128];
	int n;

	if (field_resolve(name, NULL, false, &req, &copy, err, sizeof(err)) < 0 ||
	    !field_extractor(req.id))
		return "(no extractor)";
	n = field_extractor(req.id)(&req, &c, &out);
	free(copy);
	if (n <= 0)
		return n < 0 ? "(error)" : "<NA>";
	snprintf(ret, sizeof(ret), "%.*s", (int)vals[0].s.len, vals[0].s.p);
	return ret;
}

/* A process block inside the podman container, then the state's events. */
static void test_state_hook(void)
{
	struct container_meta *cm = meta("/nonexistent/podman.sock", 100, 0);
	struct state *st = state_new(&(struct state_limits){ .no_lookups = true });
	struct tl_proc p = { .tid = 100,
			     .pid = 100,
			     .ptid = 1,
			     .pgid = 100,
			     .sid = 100,
			     .vtid = 1,
			     .vpid = 1,
			     .vpgid = 1,
			     .comm = "sh",
			     .exepath = "/bin/sh",
			     .cwd = "/",
			     .argv = "sh",
			     .argv_len = 3,
			     .cgroups = CGROUPS,
			     .cgroups_len = sizeof(CGROUPS),
			     .loginuid = UINT32_MAX };
	struct rec_builder *b;
	struct container_stats cs;

	state_set_container_hook(st, container_meta_state_hook, cm);
	tl_snapshot(st, 1, 0, "init", "/sbin/init", "/");
	b = tl_begin(SAKER_EV_PROC_SNAPSHOT, 100, 100, 0);
	tl_block(b, &p);
	tl_apply_commit(st, b);
	tap_ok(container_meta_get(cm, "12820f06dd0a", 12) != NULL,
	       "state: a process in a container creates the entry");
	field_init_builtin();
	tap_ok(fields_state_register() > 0, "the state's extractors install");
	tap_is_str(field_of(st, 100, cm, "container.id"), "12820f06dd0a",
		   "state fields: container.id is the short id");
	tap_is_str(field_of(st, 100, cm, "container.full_id"), FULL,
		   "state fields: container.full_id is the full 64-digit id");
	tap_is_str(field_of(st, 1, cm, "container.full_id"), "host",
		   "state fields: a host process's container.full_id is host");
	tap_ok(fields_container_register() > 0, "the container extractors install");
	tap_is_str(field_of(st, 100, cm, "container.full_id"), FULL,
		   "with container fields: container.full_id is still the full id");
	tap_is_str(field_of(st, 100, NULL, "container.full_id"), FULL,
		   "... and without a metadata cache (replay)");
	tap_is_str(field_of(st, 100, cm, "container.name"), "<NA>",
		   "... while container.name waits for the lookup");
	tl_fork(st, 100, 101, 0, false);
	tl_exit(st, 100, 100, 1);
	tap_ok(container_meta_get(cm, "12820f06dd0a", 12) != NULL,
	       "state: its forked child keeps it alive after the parent exits");
	tl_exit(st, 101, 101, 1);
	container_meta_poll(cm, 1);
	container_meta_poll(cm, 10000000000ull);
	tap_ok(container_meta_get(cm, "12820f06dd0a", 12) == NULL,
	       "state: the last process's exit removes it (after the grace period)");
	container_meta_get_stats(cm, &cs);
	tap_is_int(cs.evicted, 1, "state: counted as evicted");
	tap_ok(container_meta_get(cm, "host", 4) == NULL,
	       "state: host processes never make entries");

	/*
	 * The container's init (vpid 1 in its pid namespace) forks: the
	 * parent's record says 7, the child's pid there. No process 7 may be
	 * made of it, or the container would never look empty again.
	 */
	p.vtid = p.vpid = p.vpgid = 1;
	b = tl_begin(SAKER_EV_PROC_SNAPSHOT, 100, 100, 0);
	tl_block(b, &p);
	tl_apply_commit(st, b);
	b = tl_begin(SAKER_EV_CLONE, 100, 100, 7);
	tl_block(b, &p);
	tl_apply_commit(st, b);
	tap_ok(state_proc_get(st, 7) == NULL,
	       "state: a clone's result in a pid namespace is no host pid");
	tl_exit(st, 100, 100, 1);
	container_meta_poll(cm, 20000000000ull);
	container_meta_poll(cm, 30000000000ull);
	tap_ok(container_meta_get(cm, "12820f06dd0a", 12) == NULL,
	       "state: ... so the container's init exiting empties it");
	state_free(st);
	container_meta_free(cm);
}

int main(void)
{
	char dir[] = "/tmp/saker-test-container-XXXXXX";

	if (!mkdtemp(dir))
		tap_skip_all("mkdtemp: %s", strerror(errno));
	test_lookup(dir);
	test_timeout(dir);
	test_bound();
	test_state_hook();
	rmdir(dir);
	return tap_done();
}
