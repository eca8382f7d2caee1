// SPDX-License-Identifier: GPL-2.0-only
/*
 * saker.yaml: defaults, every kind of key, errors at file:line:col, -o
 * overrides, and the shipped default file documenting every key.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include "configfile.h"
#include "configfile_int.h"
#include "out.h"
#include "tap.h"

static char dir[] = "/tmp/saker-test-config-XXXXXX";
static char path[256];
static char err[512];

static struct config *load_text(const char *text, char *const *ov, size_t nov)
{
	struct config *c = NULL;
	FILE *f = fopen(path, "w");

	fputs(text, f);
	fclose(f);
	err[0] = '\0';
	if (config_load(path, ov, nov, &c, err, sizeof(err)) < 0)
		return NULL;
	return c;
}

/* The error must start with "FILE:LINE:COL: " and contain what. */
static void expect_error(const char *text, int line, int col, const char *what, const char *name)
{
	struct config *c = load_text(text, NULL, 0);
	char want[300];

	snprintf(want, sizeof(want), "%s:%d:%d: ", path, line, col);
	tap_ok(!c && !strncmp(err, want, strlen(want)) && strstr(err, what), "%s: %s", name, err);
	config_free(c);
}

static void test_defaults(void)
{
	struct config *c = NULL;

	unsetenv("INVOCATION_ID");
	unsetenv("NOTIFY_SOCKET");
	tap_ok(config_load(NULL, NULL, 0, &c, err, sizeof(err)) == 0, "defaults load");
	tap_ok(!c->json_output && c->json_include_output_property &&
		       c->json_include_tags_property && !c->time_format_iso_8601 &&
		       !c->buffered_outputs && c->priority == ALERT_DEBUG &&
		       c->rule_matching == CONFIG_MATCH_FIRST && c->driver == CONFIG_DRIVER_AUTO,
	       "format and selection defaults are falco.yaml's");
	tap_ok(c->stdout_enabled && !c->file_enabled && !c->syslog_enabled && !c->program_enabled &&
		       !c->http.enabled && !c->journal_enabled,
	       "outside systemd: stdout on, the rest off");
	tap_ok(c->outputs_rate == 0 && c->outputs_max_burst == 1000,
	       "outputs.rate 0 (no limit), max_burst 1000");
	tap_ok(c->n_rules_files == 2 && strcmp(c->rules_files[0], SAKER_RULESDIR) == 0 &&
		       strcmp(c->rules_files[1], SAKER_SYSCONFDIR "/rules.d") == 0,
	       "rules files default to the packaged rules, then rules.d");
	tap_ok(c->drops.threshold == 0.1 &&
		       c->drops.actions == (CONFIG_DROP_LOG | CONFIG_DROP_ALERT),
	       "syscall_event_drops defaults are falco.yaml's");
	config_free(c);
	if (!config_have_journal) {
		tap_skip(1, "built without libsystemd");
		return;
	}
	setenv("INVOCATION_ID", "0123456789abcdef0123456789abcdef", 1);
	config_load(NULL, NULL, 0, &c, err, sizeof(err));
	tap_ok(c && c->journal_enabled, "under systemd ($INVOCATION_ID) the journal is on");
	config_free(c);
	unsetenv("INVOCATION_ID");
}

static void test_values(void)
{
	struct config *c;

	c = load_text("json_output: yes\n"
		      "priority: WARNING\n"
		      "rule_matching: all\n"
		      "rules_file: /x/rules.yaml\n"
		      "engine:\n  kind: modern_ebpf\n  replay:\n    capture_file: /tmp/a.cap\n"
		      "outputs: {rate: 2.5, max_burst: 7}\n"
		      "outputs_queue:\n  capacity: 128\n"
		      "file_output:\n  enabled: true\n  keep_alive: on\n  filename: /tmp/f.log\n"
		      "syslog_output:\n  enabled: true\n  facility: local3\n"
		      "program_output:\n  enabled: true\n  program: \"/bin/cat -u\"\n"
		      "http_output:\n  url: https://h/x\n  ca_cert: ''\n  timeout_ms: 250\n"
		      "syscall_event_drops:\n  actions: [ignore, exit]\n  threshold: 0.5\n"
		      "metrics:\n  interval: 15m\n",
		      NULL, 0);
	tap_ok(c != NULL, "a file using every kind of key loads (%s)", err);
	if (!c)
		return;
	tap_ok(c->json_output && c->priority == ALERT_WARNING &&
		       c->rule_matching == CONFIG_MATCH_ALL,
	       "booleans (yes), priorities (any case), rule_matching");
	tap_ok(c->n_rules_files == 1 && !strcmp(c->rules_files[0], "/x/rules.yaml"),
	       "rules_file (Falco's old name) as a single string replaces the list");
	tap_ok(c->driver == CONFIG_DRIVER_EBPF && !strcmp(c->capture_file, "/tmp/a.cap"),
	       "engine.kind modern_ebpf selects ebpf; nested sections");
	tap_ok(c->outputs_rate == 2.5 && c->outputs_max_burst == 7 &&
		       c->outputs_queue_capacity == 128,
	       "flow mappings and numbers");
	tap_ok(c->file_enabled && c->file_keep_alive && !strcmp(c->file_filename, "/tmp/f.log"),
	       "file_output");
	tap_ok(c->syslog_facility == LOG_LOCAL3, "syslog facility local3");
	tap_ok(c->http.ca_cert == NULL && c->http.timeout_ms == 250 &&
		       !strcmp(c->http.url, "https://h/x"),
	       "an empty string leaves an optional path unset");
	tap_ok(c->drops.actions == (CONFIG_DROP_IGNORE | CONFIG_DROP_EXIT) &&
		       c->drops.threshold == 0.5,
	       "action lists");
	tap_ok(c->metrics_interval_ms == 900000, "durations: 15m is 900000 ms");
	config_free(c);

	c = load_text("", NULL, 0);
	tap_ok(c && c->stdout_enabled, "an empty file means the defaults");
	config_free(c);
	c = load_text("# only comments\n", NULL, 0);
	tap_ok(c != NULL, "a file of comments means the defaults");
	config_free(c);
}

static void test_errors(void)
{
	expect_error("json_output: true\nstdout_output:\n  enabled: true\n  enabeld: false\n", 4, 3,
		     "unknown key 'stdout_output.enabeld'", "unknown nested key");
	expect_error("\n\nfoo: 1\n", 3, 1, "unknown key 'foo'", "unknown top-level key");
	expect_error("priority: loud\n", 1, 11, "'loud' is not a priority", "bad priority");
	expect_error("outputs:\n  rate: fast\n", 2, 9, "'fast' is not a number from 0",
		     "bad number");
	expect_error("outputs:\n  rate: -1\n", 2, 9, "is not a number from 0", "negative rate");
	expect_error("http_output:\n  max_retries: 1.5\n", 2, 16, "is not an integer from 0 to 10",
		     "fraction where an integer is expected");
	expect_error("json_output: maybe\n", 1, 14, "is not a boolean", "bad boolean");
	expect_error("syslog_output:\n  facility: local9\n", 2, 13, "is not a syslog facility",
		     "bad facility");
	expect_error("driver: kvm\n", 1, 9, "is not a driver (auto, kmod, ebpf, ptrace, replay)",
		     "bad driver");
	expect_error("rule_matching: some\n", 1, 16, "first or all", "bad rule_matching");
	expect_error("metrics:\n  interval: 10\n", 2, 13, "duration", "duration without a unit");
	expect_error("stdout_output: true\n", 1, 16, "expects a mapping", "scalar for a section");
	expect_error("priority:\n  - debug\n", 2, 3, "expects a priority", "list for a scalar");
	expect_error("rules_files:\n  - a\n  - {x: 1}\n", 3, 5, "rules_files: expects a string",
		     "mapping inside a list");
	expect_error("json_output: true\njson_output: false\n", 2, 1, "duplicate key 'json_output'",
		     "duplicate key");
	expect_error("- a\n- b\n", 1, 1, "expects a mapping of settings", "a list at the top");
	expect_error("a: [\n", 2, 1, "did not find expected node content", "YAML syntax error");
	expect_error("syscall_event_drops:\n  actions: [log, shout]\n", 2, 18,
		     "'shout' is not an action", "bad action");
	expect_error("file_output:\n  enabled: true\n  filename: ''\n", 2, 12,
		     "file_output.filename must be set", "file output without a file");
	expect_error("program_output:\n  enabled: true\n  program: \"/bin/x 'oops\"\n", 3, 12,
		     "unterminated ' quote", "program with an unterminated quote");
	expect_error("http_output:\n  enabled: true\n", 2, 12,
		     config_have_http ? "url must be set" : "built without HTTP support",
		     "http without a url");
	expect_error("http_output:\n  url: ftp://x/\n", 2, 8, "not an http:// or https:// URL",
		     "http url of another scheme");
	expect_error("http_output:\n  mtls: true\n  client_cert: /c.pem\n", 2, 9,
		     "needs http_output.client_cert and http_output.client_key",
		     "mtls without a key");
	if (!config_have_http)
		expect_error("http_output:\n  enabled: true\n  url: http://x/\n", 2, 12,
			     "built without HTTP support", "http compiled out");
	else
		tap_skip(1, "HTTP support is built in; the compiled-out error cannot show");
	if (!config_have_journal)
		expect_error("journal_output:\n  enabled: true\n", 2, 12,
			     "built without journal support", "journal compiled out");
	else
		tap_skip(1, "journal support is built in; the compiled-out error cannot show");
}

static void test_overrides(void)
{
	char *ov1[] = { "priority=error", "rules_files=[/a.yaml, /b.yaml]", "outputs.rate=3",
			"program_output.program=/usr/bin/logger -t \"saker alert\"" };
	char *bad1[] = { "outputs.rat=3" }, *bad2[] = { "priority" },
	     *bad3[] = { "outputs.rate=x" };
	struct config *c;
	char **argv = NULL;

	c = load_text("priority: debug\noutputs:\n  rate: 1\n", ov1, 4);
	tap_ok(c && c->priority == ALERT_ERROR && c->outputs_rate == 3,
	       "-o overrides the file's values");
	tap_ok(c && c->n_rules_files == 2 && !strcmp(c->rules_files[1], "/b.yaml"),
	       "-o takes a YAML flow list");
	tap_ok(c && out_split_argv(c->program_program, &argv, err, sizeof(err)) == 0 &&
		       !strcmp(argv[0], "/usr/bin/logger") && !strcmp(argv[2], "saker alert") &&
		       !argv[3],
	       "-o takes a value with spaces and quotes verbatim");
	out_free_argv(argv);
	config_free(c);
	c = load_text("", bad1, 1);
	tap_ok(!c && !strcmp(err, "-o outputs.rat=3: unknown key 'outputs.rat'"),
	       "unknown key in -o: %s", err);
	c = load_text("", bad2, 1);
	tap_ok(!c && strstr(err, "-o priority: expects KEY=VALUE"), "-o without '=': %s", err);
	c = load_text("", bad3, 1);
	tap_ok(!c && strstr(err, "-o outputs.rate=x: outputs.rate: 'x' is not a number"),
	       "bad value in -o: %s", err);
	c = load_text("", (char *[]){ "syscall_event_drops.actions=exit", "rules_files=/r.yaml" },
		      2);
	tap_ok(c && c->drops.actions == CONFIG_DROP_EXIT && c->n_rules_files == 1 &&
		       !strcmp(c->rules_files[0], "/r.yaml"),
	       "-o takes a single item for a list");
	config_free(c);
	c = load_text("", (char *[]){ "rules_files=" }, 1);
	tap_ok(!c && !strcmp(err,
			     "-o rules_files=: rules_files: expects a string or a list of strings"),
	       "-o with an empty list value: %s", err);
	c = load_text("http_output:\n  enabled: true\n", (char *[]){ "http_output.enabled=false" },
		      1);
	tap_ok(c && !c->http.enabled, "-o can fix what the file breaks (validation runs last)");
	config_free(c);
}

static void test_split(void)
{
	char **argv = NULL;
	int r;

	r = out_split_argv("  prog 'a b' \"c \\\"d\\\" $HOME\" e\\ f ;|&>x  ", &argv, err,
			   sizeof(err));
	tap_ok(r == 0 && !strcmp(argv[0], "prog") && !strcmp(argv[1], "a b") &&
		       !strcmp(argv[2], "c \"d\" $HOME") && !strcmp(argv[3], "e f") &&
		       !strcmp(argv[4], ";|&>x") && !argv[5],
	       "argv splitting: quotes and escapes, no expansion, shell operators are plain words");
	out_free_argv(argv);
	tap_is_int(out_split_argv("   ", &argv, err, sizeof(err)), -EINVAL,
		   "empty command refused");
	tap_is_int(out_split_argv("a\\", &argv, err, sizeof(err)), -EINVAL,
		   "trailing backslash refused");
}

/* "key:" or "- " after optional blanks: a commented-out setting, not prose. */
static bool is_setting(const char *s)
{
	s += strspn(s, " ");
	if (s[0] == '-' && s[1] == ' ')
		return true;
	s += strspn(s, "abcdefghijklmnopqrstuvwxyz_0123456789");
	return *s == ':';
}

/* Uncomments "#key: value" and "#  - item" lines of the shipped file. */
static char *uncomment(const char *text)
{
	char *out = malloc(strlen(text) * 2 + 64), *o = out;
	const char *p = text, *nl;
	size_t n;

	while (*p) {
		nl = strchr(p, '\n');
		n = nl ? (size_t)(nl - p + 1) : strlen(p);
		if (p[0] == '#' && is_setting(p + 1)) {
			p++;
			n--;
		}
		memcpy(o, p, n);
		o += n;
		p += n;
	}
	*o = '\0';
	return out;
}

/* Every occurrence of from replaced by to, in a new string; s is freed. */
static char *replace(char *s, const char *from, const char *to)
{
	size_t n = 0, fl = strlen(from), tl = strlen(to);
	char *r, *o;
	const char *p;

	for (p = s; (p = strstr(p, from)); p += fl)
		n++;
	if (!n)
		return s;
	r = malloc(strlen(s) + n * tl + 1);
	if (!r)
		return s;
	for (o = r, p = s;;) {
		const char *q = strstr(p, from);

		if (!q) {
			strcpy(o, p);
			break;
		}
		memcpy(o, p, (size_t)(q - p));
		o += q - p;
		memcpy(o, to, tl);
		o += tl;
		p = q + fl;
	}
	free(s);
	return r;
}

static void test_shipped_file(void)
{
	const struct config_key *k;
	struct config *c = NULL, *d = NULL;
	char file[512], *text, *open, line[128];
	const char *missing = NULL;
	FILE *f;
	long len;

	snprintf(file, sizeof(file), "%s/config/saker.yaml", tap_srcdir());
	f = fopen(file, "r");
	tap_ok(f != NULL, "config/saker.yaml exists");
	if (!f)
		return;
	fseek(f, 0, SEEK_END);
	len = ftell(f);
	rewind(f);
	text = calloc(1, (size_t)len + 1);
	fread(text, 1, (size_t)len, f);
	fclose(f);
	tap_ok(config_load(file, NULL, 0, &c, err, sizeof(err)) == 0,
	       "the shipped file loads as it is (%s)", err);
	config_free(c);
	open = uncomment(text);
	for (k = config_keys; k->name; k++) {
		const char *leaf = strrchr(k->name, '.') ? strrchr(k->name, '.') + 1 : k->name;

		if (!strcmp(k->name, "rules_file") || !strcmp(k->name, "engine.kind"))
			continue; /* aliases, mentioned in the comments */
		snprintf(line, sizeof(line), "%s:", leaf);
		if (!strstr(open, line))
			missing = k->name;
	}
	tap_ok(!missing, "every key is in the shipped file (missing: %s)", missing ? missing : "-");
	open = replace(open, "<under systemd>", "false");
	open = replace(open, "saker/VERSION", "saker/" PACKAGE_VERSION);
	/* The shipped file names the packaged paths; this build may use another prefix. */
	open = replace(open, "/usr/share/saker/rules", SAKER_RULESDIR);
	open = replace(open, "/etc/saker/rules.d", SAKER_SYSCONFDIR "/rules.d");
	f = fopen(path, "w");
	fputs(open, f);
	fclose(f);
	unsetenv("INVOCATION_ID");
	unsetenv("NOTIFY_SOCKET");
	c = NULL;
	tap_ok(config_load(path, NULL, 0, &c, err, sizeof(err)) == 0,
	       "the shipped file with every key uncommented loads (%s)", err);
	config_load(NULL, NULL, 0, &d, err, sizeof(err));
	if (c && d) {
		bool same = c->n_rules_files == d->n_rules_files;

		for (size_t i = 0; same && i < c->n_rules_files; i++)
			same = !strcmp(c->rules_files[i], d->rules_files[i]);
		same = same && !strcmp(c->file_filename, d->file_filename) &&
		       !strcmp(c->http.user_agent, d->http.user_agent);
		/* Pointers differ; compare everything else byte for byte. */
		for (size_t i = 0; i < c->n_rules_files; i++)
			free(c->rules_files[i]);
		free(c->rules_files);
		free(c->file_filename);
		free(c->http.user_agent);
		c->rules_files = d->rules_files;
		c->file_filename = d->file_filename;
		c->http.user_agent = d->http.user_agent;
		same = same && !memcmp(c, d, sizeof(*c));
		c->rules_files = NULL;
		c->n_rules_files = 0;
		c->file_filename = NULL;
		c->http.user_agent = NULL;
		tap_ok(same, "... and every value it shows is the built-in default");
	} else {
		tap_ok(false, "... and every value it shows is the built-in default");
	}
	config_free(c);
	config_free(d);
	free(open);
	free(text);
}

int main(void)
{
	if (!mkdtemp(dir))
		tap_skip_all("mkdtemp: %s", strerror(errno));
	snprintf(path, sizeof(path), "%s/saker.yaml", dir);
	test_defaults();
	test_values();
	test_errors();
	test_overrides();
	test_split();
	test_shipped_file();
	unlink(path);
	rmdir(dir);
	return tap_done();
}
