// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit source without the daemon: parsing bodies, every kind of
 * ka.* and jevt.* extraction on a hand-written event, the rules engine
 * routing k8s_audit rules to audit events only, and the file follower
 * across a rename rotation, a truncation and an over-long line.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>
#include <unistd.h>

#include "fields.h"
#include "k8saudit.h"
#include "rules.h"
#include "util.h"
#include "tap.h"

static const char pod_event[] =
	"{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"level\":\"RequestResponse\","
	"\"auditID\":\"a-1\",\"stage\":\"ResponseComplete\",\"verb\":\"create\","
	"\"requestURI\":\"/api/v1/namespaces/ns1/pods/p1/exec?command=sh&command=-c&x=a%20b+c\","
	"\"user\":{\"username\":\"alice\",\"groups\":[\"g1\",\"g2\"]},"
	"\"impersonatedUser\":{\"username\":\"bob\"},\"sourceIPs\":[\"10.0.0.1\",\"10.0.0.2\"],"
	"\"userAgent\":\"kubectl/v1.30\","
	"\"objectRef\":{\"resource\":\"pods\",\"namespace\":\"ns1\",\"name\":\"p1\"},"
	"\"responseStatus\":{\"code\":201},"
	"\"annotations\":{\"authorization.k8s.io/decision\":\"allow\","
	"\"authorization.k8s.io/reason\":\"rbac\"},"
	"\"requestObject\":{\"kind\":\"Pod\",\"spec\":{\"hostNetwork\":true,"
	"\"securityContext\":{\"runAsUser\":1000},"
	"\"containers\":[{\"name\":\"c1\",\"image\":\"reg:5000/team/app:1.2@sha256:ab\","
	"\"securityContext\":{\"privileged\":true,\"capabilities\":{\"add\":[\"NET_ADMIN\","
	"\"SYS_TIME\"]}},\"ports\":[{\"containerPort\":80},{\"containerPort\":443,\"hostPort\":8443}]},"
	"{\"name\":\"c2\",\"image\":\"busybox\",\"securityContext\":{\"runAsUser\":7}}],"
	"\"initContainers\":[{\"name\":\"i1\",\"image\":\"init:3\",\"securityContext\":{\"privileged\":"
	"false}}],"
	"\"volumes\":[{\"name\":\"v1\",\"hostPath\":{\"path\":\"/etc\"}},{\"name\":\"v2\",\"secret\":"
	"{\"secretName\":\"s\"}}]},"
	"\"rules\":[{\"verbs\":[\"get\",\"*\"],\"resources\":[\"pods/exec\"]},{\"verbs\":[\"list\"]}],"
	"\"subjects\":[{\"kind\":\"User\",\"name\":\"u1\"},{\"kind\":\"ServiceAccount\",\"name\":\"sa\","
	"\"namespace\":\"kube-system\"},{\"kind\":\"Group\",\"name\":\"grp\"}]},"
	"\"responseObject\":{\"metadata\":{\"name\":\"p1-resp\"}},"
	"\"requestReceivedTimestamp\":\"2024-05-01T10:00:00.000001Z\","
	"\"stageTimestamp\":\"2024-05-01T12:00:00.123456789+02:00\"}";

static struct k8sa_event *parse_one(const char *s)
{
	struct k8sa_event **v = NULL, *ev;
	size_t n = 0;
	char err[256];

	if (k8sa_parse(s, strlen(s), &v, &n, err, sizeof(err)) < 0 || n != 1) {
		tap_diag("parse: %s", err);
		return NULL;
	}
	ev = v[0];
	free(v);
	return ev;
}

static int parse_count(const char *s, char *err, size_t errlen)
{
	struct k8sa_event **v = NULL;
	size_t n = 0;
	int r = k8sa_parse(s, strlen(s), &v, &n, err, errlen);

	if (r < 0)
		return r;
	for (size_t i = 0; i < n; i++)
		k8sa_event_free(v[i]);
	free(v);
	return (int)n;
}

static void test_parse(void)
{
	char err[256];
	uint64_t t = 0;

	tap_is_int(parse_count(pod_event, err, sizeof(err)), 1, "an Event is one event");
	tap_is_int(parse_count("{\"kind\":\"EventList\",\"apiVersion\":\"audit.k8s.io/v1\","
			       "\"items\":[{\"auditID\":\"1\",\"stage\":\"ResponseComplete\"},"
			       "{\"auditID\":\"2\",\"stage\":\"RequestReceived\"}]}\n",
			       err, sizeof(err)),
		   2, "an EventList gives its items");
	tap_is_int(parse_count("{\"kind\":\"EventList\",\"items\":[]}", err, sizeof(err)), 0,
		   "an empty EventList is valid and empty");
	tap_is_int(parse_count("{\"kind\":\"EventList\",\"items\":[{\"auditID\":\"1\",\"stage\":"
			       "\"x\"},{\"stage\":\"y\"}]}",
			       err, sizeof(err)),
		   -EBADMSG, "a list with one bad item is refused whole");
	tap_is_int(parse_count("{\"auditID\":\"1\",\"stage\":\"x\"} {}", err, sizeof(err)),
		   -EBADMSG, "trailing data after the document is refused");
	tap_is_int(parse_count("{\"auditID\":\"1\",\"stage\":\"x\"", err, sizeof(err)), -EBADMSG,
		   "a truncated document is refused");
	tap_is_int(parse_count("[1,2]", err, sizeof(err)), -EBADMSG, "an array is not an event");
	tap_is_int(parse_count("{\"kind\":\"Pod\",\"auditID\":\"1\",\"stage\":\"x\"}", err,
			       sizeof(err)),
		   -EBADMSG, "another kind is refused");
	tap_is_int(parse_count("{\"apiVersion\":\"audit.k8s.io/v1beta1\",\"auditID\":\"1\","
			       "\"stage\":\"x\"}",
			       err, sizeof(err)),
		   -EBADMSG, "another apiVersion is refused");
	tap_is_int(
		parse_count("{\"auditID\":\"1\",\"stage\":\"x\",\"stageTimestamp\":\"yesterday\"}",
			    err, sizeof(err)),
		-EBADMSG, "a malformed timestamp is refused");
	tap_is_int(parse_count("", err, sizeof(err)), -EBADMSG, "an empty body is refused");
	tap_ok(util_parse_rfc3339("1970-01-01T00:00:01.5Z", &t) == 0 && t == 1500000000ull,
	       "fractional seconds");
	tap_ok(util_parse_rfc3339("2024-05-01T12:00:00+02:00", &t) == 0 &&
		       t == 1714557600ull * 1000000000ull,
	       "a UTC offset is applied");
	tap_ok(util_parse_rfc3339("2024-05-01 12:00:00Z", &t) == 0, "a space for T");
	tap_ok(util_parse_rfc3339("2024-05-01T12:00:00", &t) < 0, "a zone is required");
	tap_ok(util_parse_rfc3339("2024-13-01T12:00:00Z", &t) < 0, "month 13 is refused");
}

/* All values of a field ("name" or "name[arg]"), joined by '|'; "<NA>" for none. */
static const char *get(const struct k8sa_event *ev, const char *name, const char *arg)
{
	static char joined[4096];
	static struct field_val vals[64];
	static char scratch[8192];
	struct field_out out = { .vals = vals, .cap = 64, .buf = scratch, .size = sizeof(scratch) };
	struct field_ctx ctx = { .data = (void *)ev, .source = FSRC_K8SAUDIT };
	struct field_req req;
	char err[256], one[1024];
	char *copy = NULL;
	size_t at = 0;
	int n;

	if (field_resolve(name, arg, arg != NULL, &req, &copy, err, sizeof(err)) < 0) {
		snprintf(joined, sizeof(joined), "%s", err);
		return joined;
	}
	n = field_extractor(req.id) ? field_extractor(req.id)(&req, &ctx, &out) : -1;
	free(copy);
	if (n <= 0)
		return "<NA>";
	joined[0] = 0;
	for (int i = 0; i < n && at < sizeof(joined) - 1; i++) {
		field_val_format(req.type, &vals[i], one, sizeof(one));
		at += (size_t)snprintf(joined + at, sizeof(joined) - at, "%s%s", i ? "|" : "", one);
	}
	return joined;
}

static void test_fields(void)
{
	struct k8sa_event *ev = parse_one(pod_event);

	if (!tap_ok(ev != NULL, "the sample event parses"))
		return;
	tap_is_str(get(ev, "ka.auditid", NULL), "a-1", "ka.auditid");
	tap_is_str(get(ev, "ka.stage", NULL), "ResponseComplete", "ka.stage");
	tap_is_str(get(ev, "ka.user.name", NULL), "alice", "ka.user.name");
	tap_is_str(get(ev, "ka.user.groups", NULL), "g1|g2", "ka.user.groups is a list");
	tap_is_str(get(ev, "ka.impuser.name", NULL), "bob", "ka.impuser.name");
	tap_is_str(get(ev, "ka.auth.decision", NULL), "allow", "an annotation with / in its key");
	tap_is_str(get(ev, "ka.auth.openshift.decision", NULL), "<NA>", "absent: not available");
	tap_is_str(get(ev, "ka.response.code", NULL), "201", "a number is rendered as text");
	tap_is_str(get(ev, "ka.uri.param", "command"), "sh", "ka.uri.param: the first value");
	tap_is_str(get(ev, "ka.uri.param", "x"), "a b c", "ka.uri.param is URL-decoded");
	tap_is_str(get(ev, "ka.uri.param", "nope"), "<NA>", "ka.uri.param: missing key");
	tap_is_str(get(ev, "ka.target.pod.name", NULL), "p1", "ka.target.pod.name for pods");
	tap_is_str(get(ev, "ka.resp.name", NULL), "p1-resp", "ka.resp.name");
	tap_is_str(get(ev, "ka.sourceips", "1"), "10.0.0.2", "ka.sourceips[1]");
	tap_is_str(get(ev, "ka.req.pod.containers.image", NULL),
		   "reg:5000/team/app:1.2@sha256:ab|busybox", "ka.req.pod.containers.image");
	tap_is_str(get(ev, "ka.req.pod.containers.image.repository", NULL),
		   "reg:5000/team/app|busybox",
		   "repository: tag and digest gone, registry port kept");
	tap_is_str(get(ev, "ka.req.pod.containers.image", "1"), "busybox", "an index selects one");
	tap_is_str(get(ev, "ka.req.pod.containers.image", "5"), "<NA>", "an index past the end");
	tap_is_str(get(ev, "ka.req.container.image", NULL), "reg:5000/team/app:1.2@sha256:ab",
		   "deprecated ka.req.container.image: the first");
	tap_is_str(get(ev, "ka.req.pod.containers.privileged", NULL), "true",
		   "unset flags are skipped");
	tap_is_str(get(ev, "ka.req.container.privileged", NULL), "true", "any privileged");
	tap_is_str(get(ev, "ka.req.pod.initContainers.privileged", NULL), "false",
		   "init containers have their own list");
	tap_is_str(get(ev, "ka.req.pod.ephemeralContainers.image", NULL), "<NA>",
		   "no ephemeral containers");
	tap_is_str(get(ev, "ka.req.pod.containers.add_capabilities", NULL), "NET_ADMIN|SYS_TIME",
		   "capabilities, one value each");
	tap_is_str(get(ev, "ka.req.pod.containers.host_port", NULL), "80|8443",
		   "hostPort, else containerPort");
	tap_is_str(get(ev, "ka.req.pod.containers.run_as_user", NULL), "7", "run_as_user");
	tap_is_str(get(ev, "ka.req.pod.containers.eff_run_as_user", NULL), "1000|7",
		   "eff_run_as_user falls back to the pod's");
	tap_is_str(get(ev, "ka.req.pod.containers.eff_run_as_group", NULL), "0|0",
		   "eff_run_as_group falls back to 0");
	tap_is_str(get(ev, "ka.req.pod.host_network", NULL), "true", "hostNetwork");
	tap_is_str(get(ev, "ka.req.pod.host_pid", NULL), "<NA>", "hostPID unset");
	tap_is_str(get(ev, "ka.req.pod.volumes.hostpath", NULL), "/etc", "hostPath paths");
	tap_is_str(get(ev, "ka.req.pod.volumes.volume_type", NULL), "hostPath|secret",
		   "volume types");
	tap_is_str(get(ev, "ka.req.volume.hostpath", "/et*"), "true", "deprecated prefix match");
	tap_is_str(get(ev, "ka.req.volume.hostpath", "/et"), "false", "deprecated exact match");
	tap_is_str(get(ev, "ka.req.role.rules.verbs", NULL), "get|*|list", "verbs of every rule");
	tap_is_str(get(ev, "ka.req.role.rules.verbs", "1"), "list", "verbs of rule 1");
	tap_is_str(get(ev, "ka.req.role.rules.resources", NULL), "pods/exec", "resources");
	tap_is_str(get(ev, "ka.req.binding.subjects.user_names", NULL), "u1", "user subjects");
	tap_is_str(get(ev, "ka.req.binding.subjects.serviceaccount_ns_names", NULL),
		   "kube-system:sa", "service account subjects with namespace");
	tap_is_str(get(ev, "ka.req.binding.subjects.group_names", NULL), "grp", "group subjects");
	tap_is_str(get(ev, "jevt.value", "/user/groups/1"), "g2", "jevt.value into an array");
	tap_is_str(get(ev, "jevt.value", "/annotations/authorization.k8s.io~1reason"), "rbac",
		   "jevt.value with ~1");
	tap_is_str(get(ev, "jevt.value", "/requestObject/spec/securityContext"),
		   "{\"runAsUser\":1000}", "jevt.value of an object is compact JSON");
	tap_is_str(get(ev, "jevt.value", "/user/groups/01"), "<NA>", "no leading zeros");
	tap_is_str(get(ev, "jevt.rawtime", NULL), "1714557600123456789",
		   "jevt.rawtime is stageTimestamp in ns");
	tap_is_str(get(ev, "jevt.time.iso8601", NULL), "2024-05-01T10:00:00.123456789Z",
		   "jevt.time.iso8601");
	tap_ok(strstr(get(ev, "jevt.obj", NULL), "\"auditID\":\"a-1\"") != NULL, "jevt.obj");
	tap_is_str(get(ev, "ka.cluster.name", NULL), "<NA>", "no cluster name configured");
	fields_ka_set_cluster_name("prod");
	tap_is_str(get(ev, "ka.cluster.name", NULL), "prod", "ka.cluster.name");
	fields_ka_set_cluster_name(NULL);
	k8sa_event_free(ev);
}

static const char rules_src[] =
	"- rule: k8s priv\n"
	"  desc: d\n"
	"  condition: ka.req.pod.containers.privileged intersects (true) and ka.verb=create\n"
	"  output: priv (user=%ka.user.name images=%ka.req.pod.containers.image)\n"
	"  priority: WARNING\n"
	"  source: k8s_audit\n"
	"- rule: k8s any\n"
	"  desc: d\n"
	"  condition: jevt.rawtime exists\n"
	"  output: any %ka.auditid\n"
	"  priority: INFO\n"
	"  source: k8s_audit\n"
	"- rule: syscall any\n"
	"  desc: d\n"
	"  condition: evt.type=openat\n"
	"  output: open\n"
	"  priority: INFO\n";

static void test_routing(void)
{
	struct rules_src src = { "mem.yaml", rules_src, sizeof(rules_src) - 1 };
	struct rules_diags d = { 0 };
	struct ruleset *rs = NULL;
	struct rules_runner *run;
	const struct rules_rule *m[8];
	struct k8sa_event *ev = parse_one(pod_event);
	char out[512];
	int n;

	if (!tap_ok(rules_load_mem(&src, 1, &d, &rs) == 0 && ev, "k8s_audit rules load")) {
		rules_diags_free(&d);
		k8sa_event_free(ev);
		return;
	}
	run = rules_runner_new(rs);
	n = rules_eval_source(run, FSRC_K8SAUDIT, ev, RULES_EVAL_ALL, m, 8);
	tap_is_int(n, 2, "both k8s_audit rules match the audit event, the syscall rule does not");
	tap_ok(n >= 1 && !strcmp(m[0]->name, "k8s priv"), "in file order");
	rules_format(run, m[0], out, sizeof(out));
	tap_is_str(out, "priv (user=alice images=(reg:5000/team/app:1.2@sha256:ab,busybox))",
		   "output of a list field");
	tap_is_int(rules_eval_source(run, FSRC_SYSCALL, ev, RULES_EVAL_ALL, m, 8), 0,
		   "no k8s_audit rule runs for another source");
	rules_runner_free(run);
	rules_free(rs);
	rules_diags_free(&d);
	k8sa_event_free(ev);
}

static const char *line(unsigned i)
{
	static char b[256];

	snprintf(b, sizeof(b),
		 "{\"kind\":\"Event\",\"apiVersion\":\"audit.k8s.io/v1\",\"auditID\":\"id-%u\","
		 "\"stage\":\"ResponseComplete\"}\n",
		 i);
	return b;
}

static void append_to(const char *path, const char *s)
{
	int fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC, 0600);

	if (fd < 0 || write(fd, s, strlen(s)) != (ssize_t)strlen(s))
		tap_diag("append to %s: %s", path, strerror(errno));
	if (fd >= 0)
		close(fd);
}

/* Take events until want arrived or 5 s passed; their ids in order, as "0,1,2". */
static void collect(struct k8sa *k, unsigned want, char *ids, size_t len)
{
	struct timespec ms = { 0, 10000000 };
	size_t at = 0;

	ids[0] = 0;
	for (unsigned got = 0, tries = 0; got < want && tries < 500; tries++) {
		struct k8sa_event *ev;

		while ((ev = k8sa_next(k))) {
			const char *id = get(ev, "ka.auditid", NULL);

			at += (size_t)snprintf(ids + at, len - at, "%s%s", got ? "," : "", id + 3);
			got++;
			k8sa_event_free(ev);
		}
		if (got < want)
			nanosleep(&ms, NULL);
	}
}

static void test_file(void)
{
	char dir[] = "/tmp/saker-k8sa-XXXXXX", path[300], old[300], ids[512], big[2100];
	struct k8sa_config c = { .max_line = 1024 };
	struct k8sa_stats st;
	struct k8sa *k = NULL;
	char err[256];

	if (!mkdtemp(dir)) {
		tap_skip(8, "mkdtemp: %s", strerror(errno));
		return;
	}
	snprintf(path, sizeof(path), "%s/audit.log", dir);
	snprintf(old, sizeof(old), "%s/audit-1.log", dir);
	append_to(path, line(0));
	append_to(path, line(1));
	c.file = path;
	if (!tap_ok(k8sa_open(&c, &k, err, sizeof(err)) == 0, "follow a file")) {
		tap_diag("%s", err);
		return;
	}
	collect(k, 2, ids, sizeof(ids));
	tap_is_str(ids, "0,1", "what the file held is read from its start");
	/* A partial line waits for its end; a rename rotation loses nothing. */
	append_to(path, "{\"auditID\":\"id-2\",");
	usleep(200000);
	append_to(path, "\"stage\":\"ResponseComplete\"}\n");
	append_to(path, line(3));
	if (rename(path, old) < 0)
		tap_diag("rename: %s", strerror(errno));
	append_to(old, line(4)); /* still written by the old writer */
	append_to(path, line(5));
	append_to(path, line(6));
	collect(k, 5, ids, sizeof(ids));
	tap_is_str(ids, "2,3,4,5,6", "across a rename: the old file to its end, then the new one");
	memset(big, 'x', sizeof(big) - 2);
	big[sizeof(big) - 2] = '\n';
	big[sizeof(big) - 1] = 0;
	append_to(path, big);
	append_to(path, "not json\n");
	append_to(path, line(7));
	collect(k, 1, ids, sizeof(ids));
	tap_is_str(ids, "7", "an over-long line and a malformed one are skipped");
	if (truncate(path, 0) < 0)
		tap_diag("truncate: %s", strerror(errno));
	usleep(200000);
	append_to(path, line(8));
	collect(k, 1, ids, sizeof(ids));
	tap_is_str(ids, "8", "after a truncation the file is read from its start");
	k8sa_get_stats(k, &st);
	tap_ok(st.long_lines == 1 && st.bad_json == 1 && st.rotations == 2 && st.events == 9,
	       "counted: long=%llu bad=%llu rotations=%llu events=%llu",
	       (unsigned long long)st.long_lines, (unsigned long long)st.bad_json,
	       (unsigned long long)st.rotations, (unsigned long long)st.events);
	k8sa_close(k);
	/* From the end: the lines already there are not replayed, a partial one is read whole. */
	c.file_from_end = true;
	append_to(path, "{\"auditID\":\"id-9\",");
	if (!tap_ok(k8sa_open(&c, &k, err, sizeof(err)) == 0, "follow from the end")) {
		tap_diag("%s", err);
		return;
	}
	append_to(path, "\"stage\":\"ResponseComplete\"}\n");
	append_to(path, line(10));
	collect(k, 2, ids, sizeof(ids));
	tap_is_str(ids, "9,10", "from the end: only what is written after the start");
	k8sa_close(k);
	unlink(path);
	unlink(old);
	rmdir(dir);
}

static void test_config_errors(void)
{
	struct k8sa_config c = { .listen = "0.0.0.0:0", .plain_http = true };
	struct k8sa *k = NULL;
	char err[256] = "";

	if (!k8sa_have_webhook) {
		tap_skip(3, "built without the webhook");
		return;
	}
	tap_is_int(k8sa_open(&c, &k, err, sizeof(err)), -EINVAL,
		   "plain HTTP off loopback is refused");
	c.plain_http = false;
	tap_is_int(k8sa_open(&c, &k, err, sizeof(err)), -EINVAL, "TLS without a key is refused");
	c.tls_cert = c.tls_key = "/nonexistent";
	tap_is_int(k8sa_open(&c, &k, err, sizeof(err)), -EINVAL,
		   "a webhook without authentication is refused");
}

int main(void)
{
	field_init_builtin();
	if (!tap_ok(fields_ka_register() > 0, "ka.* extractors match the registry"))
		return tap_done();
	test_parse();
	test_fields();
	test_routing();
	test_file();
	test_config_errors();
	return tap_done();
}
