// SPDX-License-Identifier: GPL-2.0-only
/* Loading saker.yaml and -o overrides into a struct config. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <syslog.h>
#include <unistd.h>

#include <yaml.h>

#include "configfile.h"
#include "util.h"
#include "configfile_int.h"
#include "out.h"

#ifdef HAVE_JOURNAL
const bool config_have_journal = true;
#else
const bool config_have_journal = false;
#endif
#ifdef HAVE_HTTP
const bool config_have_http = true;
#else
const bool config_have_http = false;
#endif
#ifdef HAVE_MICROHTTPD
const bool config_have_webserver = true;
#else
const bool config_have_webserver = false;
#endif

#define MAX_KEYS 128
#define MAX_DEPTH 8

/* Where each key was last set, so cross-key errors can point at it. */
struct loader {
	struct config *c;
	const char *file;
	yaml_document_t *doc;
	bool literal; /* a -o value: no line and column to report */
	char where[MAX_KEYS][160];
	char *err;
	size_t errlen;
};

static const char *const default_rules[] = {
	SAKER_RULESDIR,
	SAKER_SYSCONFDIR "/rules.d",
};

static void config_free_fields(struct config *c);

static void free_list(char **l, size_t n)
{
	size_t i;

	for (i = 0; i < n; i++)
		free(l[i]);
	free(l);
}

static int config_defaults(struct config *c)
{
	size_t i;

	memset(c, 0, sizeof(*c));
	c->json_include_output_property = true;
	c->json_include_tags_property = true;
	c->json_include_output_fields_property = true;
	c->priority = ALERT_DEBUG;
	c->rule_matching = CONFIG_MATCH_FIRST;
	c->driver = CONFIG_DRIVER_AUTO;
	c->outputs_rate = 0;
	c->outputs_max_burst = 1000;
	c->outputs_queue_capacity = 0;
	c->stdout_enabled = true;
	c->ebpf_defer_close = true;
	c->ptrace_entry_verdict = true;
	c->syslog_enabled = false;
	c->syslog_facility = LOG_USER;
	/* Under systemd the journal is the natural sink; elsewhere stdout is. */
	c->journal_enabled =
		config_have_journal && (getenv("INVOCATION_ID") || getenv("NOTIFY_SOCKET"));
	c->http.connect_timeout_ms = 2000;
	c->http.timeout_ms = 5000;
	c->http.max_retries = 3;
	c->drops.threshold = 0.1;
	c->drops.rate = 0.03333;
	c->drops.max_burst = 1;
	c->drops.actions = CONFIG_DROP_LOG | CONFIG_DROP_ALERT;
	c->metrics_enabled = true;
	c->metrics_interval_ms = 3600000;
	c->watchdog_enabled = true;
	c->containers.docker_enabled = c->containers.podman_enabled = c->containers.cri_enabled =
		true;
	c->containers.lookup_timeout_ms = 1000;
	c->file_filename = strdup("/var/log/saker/events.log");
	c->http.user_agent = strdup("saker/" PACKAGE_VERSION);
	/* kube-apiserver batches up to 400 events per POST; Falco takes 12 MiB. */
	c->k8s_audit.max_body_bytes = 12u << 20;
	c->k8s_audit.max_line_bytes = 1u << 20;
	c->rules_files = calloc(ARRAY_SIZE(default_rules), sizeof(char *));
	if (!c->file_filename || !c->http.user_agent || !c->rules_files)
		goto oom;
	for (i = 0; i < ARRAY_SIZE(default_rules); i++) {
		c->rules_files[i] = strdup(default_rules[i]);
		if (!c->rules_files[i])
			goto oom;
		c->n_rules_files++;
	}
	return 0;
oom:
	config_free_fields(c);
	return -ENOMEM;
}

static void config_free_fields(struct config *c)
{
	free_list(c->rules_files, c->n_rules_files);
	free_list(c->containers.docker_sockets, c->containers.n_docker_sockets);
	free_list(c->containers.podman_sockets, c->containers.n_podman_sockets);
	free_list(c->containers.cri_sockets, c->containers.n_cri_sockets);
	free_list(c->containers.containerd_namespaces, c->containers.n_containerd_namespaces);
	free(c->capture_file);
	free(c->ebpf_buffer);
	free(c->ebpf_hook);
	free(c->file_filename);
	free(c->program_program);
	free(c->http.url);
	free(c->http.user_agent);
	free(c->http.ca_cert);
	free(c->http.ca_path);
	free(c->http.client_cert);
	free(c->http.client_key);
	free(c->webserver_listen);
	free(c->k8s_audit.listen);
	free(c->k8s_audit.path);
	free(c->k8s_audit.tls_cert);
	free(c->k8s_audit.tls_key);
	free(c->k8s_audit.tls_client_ca);
	free(c->k8s_audit.token_file);
	free(c->k8s_audit.file);
	free(c->k8s_audit.cluster_name);
	memset(c, 0, sizeof(*c));
}

void config_free(struct config *c)
{
	if (!c)
		return;
	config_free_fields(c);
	free(c);
}

__attribute__((format(printf, 3, 4))) static int fail(struct loader *l, const yaml_node_t *n,
						      const char *fmt, ...)
{
	size_t off = 0;
	va_list ap;

	if (n && !l->literal)
		off = (size_t)snprintf(l->err, l->errlen, "%s:%zu:%zu: ", l->file,
				       n->start_mark.line + 1, n->start_mark.column + 1);
	else if (l->file)
		off = (size_t)snprintf(l->err, l->errlen, "%s: ", l->file);
	if (off >= l->errlen)
		return -EINVAL;
	va_start(ap, fmt);
	vsnprintf(l->err + off, l->errlen - off, fmt, ap);
	va_end(ap);
	return -EINVAL;
}

static void mark_where(struct loader *l, const struct config_key *k, const yaml_node_t *n)
{
	char *w;

	/* Every key has its slot: a table that outgrew MAX_KEYS is a bug, not a guess. */
	if ((size_t)(k - config_keys) >= MAX_KEYS)
		abort();
	w = l->where[k - config_keys];
	if (n)
		snprintf(w, sizeof(l->where[0]), "%s:%zu:%zu", l->file, n->start_mark.line + 1,
			 n->start_mark.column + 1);
	else
		snprintf(w, sizeof(l->where[0]), "%s", l->file);
}

static const char *scalar(const yaml_node_t *n)
{
	return (const char *)n->data.scalar.value;
}

static int apply_list(struct loader *l, const struct config_key *k, yaml_node_t *n)
{
	char why[320], **list = NULL, ***slot;
	size_t *nslot;
	yaml_node_item_t *it;
	unsigned bits = 0;
	size_t cnt = 0;
	yaml_node_t *e;

	if (n->type == YAML_SCALAR_NODE && k->type == CK_ACTIONS) {
		/* One action may be written without brackets. */
		if (config_key_action(&bits, scalar(n), why, sizeof(why)) < 0)
			return fail(l, n, "%s: %s", k->name, why);
		l->c->drops.actions = bits;
		return 0;
	}
	if (n->type == YAML_SCALAR_NODE) {
		if (!*scalar(n))
			return fail(l, n, "%s: expects %s", k->name, config_key_expects(k));
		list = calloc(1, sizeof(*list));
		if (!list || !(list[0] = strdup(scalar(n)))) {
			free(list);
			return -ENOMEM;
		}
		cnt = 1;
		goto done;
	}
	if (n->type != YAML_SEQUENCE_NODE)
		return fail(l, n, "%s: expects %s", k->name, config_key_expects(k));
	for (it = n->data.sequence.items.start; it < n->data.sequence.items.top; it++) {
		e = yaml_document_get_node(l->doc, *it);
		if (!e || e->type != YAML_SCALAR_NODE || !*scalar(e)) {
			free_list(list, cnt);
			return fail(l, e ? e : n, "%s: expects %s", k->name, config_key_expects(k));
		}
		if (k->type == CK_ACTIONS) {
			if (config_key_action(&bits, scalar(e), why, sizeof(why)) < 0)
				return fail(l, e, "%s: %s", k->name, why);
			continue;
		}
		if (cnt >= CONFIG_MAX_RULES_FILES) {
			free_list(list, cnt);
			return fail(l, e, "%s: more than %d entries", k->name,
				    CONFIG_MAX_RULES_FILES);
		}
		char **nl = realloc(list, (cnt + 1) * sizeof(*list));

		if (!nl || !(nl[cnt] = strdup(scalar(e)))) {
			free_list(nl ? nl : list, cnt);
			return -ENOMEM;
		}
		list = nl;
		cnt++;
	}
	if (k->type == CK_ACTIONS) {
		l->c->drops.actions = bits;
		return 0;
	}
done:
	/* A list's count follows it in struct config. */
	slot = (char ***)((char *)l->c + k->off);
	nslot = (size_t *)((char *)l->c + k->off + sizeof(char **));
	free_list(*slot, *nslot);
	*slot = list;
	*nslot = cnt;
	return 0;
}

static int apply(struct loader *l, const struct config_key *k, yaml_node_t *n)
{
	char why[320];
	int r;

	mark_where(l, k, n);
	if (k->type == CK_STRLIST || k->type == CK_ACTIONS)
		return apply_list(l, k, n);
	if (n->type != YAML_SCALAR_NODE)
		return fail(l, n, "%s: expects %s", k->name, config_key_expects(k));
	r = config_key_scalar(l->c, k, scalar(n), why, sizeof(why));
	if (r == -EINVAL)
		return fail(l, n, "%s: %s", k->name, why);
	return r;
}

static int walk(struct loader *l, yaml_node_t *map, const char *prefix, int depth)
{
	yaml_node_pair_t *p, *q;
	yaml_node_t *key, *val;
	char path[256];
	const struct config_key *k;
	int r;

	if (depth > MAX_DEPTH)
		return fail(l, map, "nested too deeply");
	for (p = map->data.mapping.pairs.start; p < map->data.mapping.pairs.top; p++) {
		key = yaml_document_get_node(l->doc, p->key);
		val = yaml_document_get_node(l->doc, p->value);
		if (!key || !val || key->type != YAML_SCALAR_NODE)
			return fail(l, key, "keys must be plain names");
		for (q = map->data.mapping.pairs.start; q < p; q++) {
			yaml_node_t *other = yaml_document_get_node(l->doc, q->key);

			if (other && other->type == YAML_SCALAR_NODE &&
			    !strcmp(scalar(other), scalar(key)))
				return fail(l, key, "duplicate key '%s%s'", prefix, scalar(key));
		}
		if ((size_t)snprintf(path, sizeof(path), "%s%s", prefix, scalar(key)) >=
		    sizeof(path))
			return fail(l, key, "key too long");
		k = config_key_find(path);
		if (k) {
			r = apply(l, k, val);
		} else if (config_key_is_section(path, strlen(path))) {
			if (val->type != YAML_MAPPING_NODE)
				return fail(l, val, "%s: expects a mapping of settings", path);
			strcat(path, ".");
			r = walk(l, val, path, depth + 1);
		} else {
			r = fail(l, key, "unknown key '%.200s'", path);
		}
		if (r < 0)
			return r;
	}
	return 0;
}

static int read_bounded(const char *path, char **ret_buf, size_t *ret_len)
{
	size_t len = 0, cap = 4096;
	char *buf = malloc(cap), *nb;
	ssize_t n;
	int fd;

	if (!buf)
		return -ENOMEM;
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0) {
		free(buf);
		return -errno;
	}
	for (;;) {
		if (len == cap) {
			if (cap >= CONFIG_MAX_FILE_SIZE) {
				n = -1;
				errno = EFBIG;
				break;
			}
			nb = realloc(buf, cap * 2);
			if (!nb) {
				n = -1;
				errno = ENOMEM;
				break;
			}
			buf = nb;
			cap *= 2;
		}
		n = read(fd, buf + len, cap - len);
		if (n <= 0)
			break;
		len += (size_t)n;
	}
	close(fd);
	if (n < 0) {
		int e = -errno;

		free(buf);
		return e;
	}
	*ret_buf = buf;
	*ret_len = len;
	return 0;
}

/* Parses text as one YAML document; root may be NULL (empty). */
static int parse_doc(struct loader *l, const char *text, size_t len, yaml_document_t *doc)
{
	yaml_parser_t parser;
	int ok;

	if (!yaml_parser_initialize(&parser))
		return -ENOMEM;
	yaml_parser_set_input_string(&parser, (const unsigned char *)text, len);
	ok = yaml_parser_load(&parser, doc);
	if (!ok) {
		snprintf(l->err, l->errlen, "%s:%zu:%zu: %s%s%s", l->file,
			 parser.problem_mark.line + 1, parser.problem_mark.column + 1,
			 parser.problem ? parser.problem : "invalid YAML",
			 parser.context ? " " : "", parser.context ? parser.context : "");
	}
	yaml_parser_delete(&parser);
	return ok ? 0 : -EINVAL;
}

static int load_file(struct loader *l, const char *path)
{
	yaml_document_t doc;
	yaml_node_t *root;
	size_t len = 0;
	char *text = NULL;
	int r;

	l->file = path;
	r = read_bounded(path, &text, &len);
	if (r < 0) {
		snprintf(l->err, l->errlen, "%s: %s", path, strerror(-r));
		return r;
	}
	r = parse_doc(l, text, len, &doc);
	free(text);
	if (r < 0)
		return r;
	l->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	if (root && root->type == YAML_MAPPING_NODE)
		r = walk(l, root, "", 0);
	else if (root && !(root->type == YAML_SCALAR_NODE && !*scalar(root)))
		r = fail(l, root, "expects a mapping of settings at the top level");
	yaml_document_delete(&doc);
	l->doc = NULL;
	return r;
}

/* "key=value": value is taken literally, or as a YAML flow list when it starts with '['. */
static int apply_override(struct loader *l, const char *assign)
{
	const struct config_key *k;
	const char *eq = strchr(assign, '=');
	yaml_document_t doc;
	yaml_node_t *root;
	char key[256], label[300], why[320];
	int r;

	snprintf(label, sizeof(label), "-o %.280s", assign);
	l->file = label;
	if (!eq || eq == assign || (size_t)(eq - assign) >= sizeof(key))
		return fail(l, NULL, "expects KEY=VALUE");
	memcpy(key, assign, (size_t)(eq - assign));
	key[eq - assign] = '\0';
	k = config_key_find(key);
	if (!k)
		return fail(l, NULL, "unknown key '%s'", key);
	if (eq[1] != '[') {
		yaml_node_t n = { .type = YAML_SCALAR_NODE };

		n.data.scalar.value = (yaml_char_t *)(eq + 1);
		n.data.scalar.length = strlen(eq + 1);
		mark_where(l, k, NULL);
		if (k->type == CK_STRLIST || k->type == CK_ACTIONS) {
			l->literal = true;
			r = apply_list(l, k, &n);
			l->literal = false;
			return r;
		}
		r = config_key_scalar(l->c, k, eq + 1, why, sizeof(why));
		if (r == -EINVAL)
			return fail(l, NULL, "%s: %s", k->name, why);
		return r;
	}
	r = parse_doc(l, eq + 1, strlen(eq + 1), &doc);
	if (r < 0)
		return r;
	l->doc = &doc;
	root = yaml_document_get_root_node(&doc);
	r = root ? apply(l, k, root) : fail(l, NULL, "%s: empty value", key);
	yaml_document_delete(&doc);
	l->doc = NULL;
	return r;
}

static const char *where(struct loader *l, const char *key)
{
	const struct config_key *k = config_key_find(key);
	const char *w = k ? l->where[k - config_keys] : "";

	return *w ? w : "(default)";
}

#define CHECK(cond, key, ...)                                                                 \
	do {                                                                                  \
		if (cond) {                                                                   \
			int o_ = snprintf(l->err, l->errlen, "%s: %s: ", where(l, key), key); \
			if (o_ > 0 && (size_t)o_ < l->errlen)                                 \
				snprintf(l->err + o_, l->errlen - (size_t)o_, __VA_ARGS__);   \
			return -EINVAL;                                                       \
		}                                                                             \
	} while (0)

/* Cross-key checks, reported at the key that enabled the broken thing. */
static int validate(struct loader *l)
{
	struct config *c = l->c;
	char why[256], **argv = NULL;

	CHECK(c->journal_enabled && !config_have_journal, "journal_output.enabled",
	      "saker was built without journal support (libsystemd); disable it or rebuild "
	      "with libsystemd-dev installed");
	CHECK(c->http.enabled && !config_have_http, "http_output.enabled",
	      "saker was built without HTTP support (libcurl); disable it or rebuild with "
	      "libcurl4-openssl-dev installed");
	CHECK(c->webserver_listen && !config_have_webserver, "webserver.listen",
	      "saker was built without libmicrohttpd; unset it or rebuild with "
	      "libmicrohttpd-dev installed");
	CHECK(c->http.enabled && !c->http.url, "http_output.enabled",
	      "http_output.url must be set");
	CHECK(c->http.url && strncmp(c->http.url, "http://", 7) &&
		      strncmp(c->http.url, "https://", 8),
	      "http_output.url", "'%.200s' is not an http:// or https:// URL", c->http.url);
	CHECK(c->http.mtls && (!c->http.client_cert || !c->http.client_key), "http_output.mtls",
	      "mtls needs http_output.client_cert and http_output.client_key");
	CHECK(c->file_enabled && !c->file_filename, "file_output.enabled",
	      "file_output.filename must be set");
	CHECK(c->program_enabled && !c->program_program, "program_output.enabled",
	      "program_output.program must be set");
	/* 0 keeps falco.yaml's spelling of "the default"; saker's queue is always bounded. */
	if (!c->outputs_queue_capacity)
		c->outputs_queue_capacity = OUTQ_DEFAULT_CAPACITY;
	if (c->program_program) {
		int r = out_split_argv(c->program_program, &argv, why, sizeof(why));

		CHECK(r < 0, "program_output.program", "%s", why);
		out_free_argv(argv);
	}
	return 0;
}

int config_set(struct config *c, const char *assignment, char *err, size_t errlen)
{
	struct loader *l = calloc(1, sizeof(*l));
	int r;

	if (!l)
		return -ENOMEM;
	l->c = c;
	l->err = err;
	l->errlen = errlen;
	r = apply_override(l, assignment);
	free(l);
	return r;
}

int config_load(const char *path, char *const *overrides, size_t n_overrides,
		struct config **ret_config, char *err, size_t errlen)
{
	struct config *c = calloc(1, sizeof(*c));
	struct loader *l = calloc(1, sizeof(*l));
	size_t i;
	int r;

	if (!c || !l) {
		r = -ENOMEM;
		goto out;
	}
	r = config_defaults(c);
	if (r < 0)
		goto out;
	l->c = c;
	l->err = err;
	l->errlen = errlen;
	if (path) {
		r = load_file(l, path);
		if (r < 0)
			goto out;
	}
	for (i = 0; i < n_overrides; i++) {
		r = apply_override(l, overrides[i]);
		if (r < 0)
			goto out;
	}
	r = validate(l);
	if (r < 0)
		goto out;
	*ret_config = c;
	c = NULL;
out:
	if (r == -ENOMEM)
		snprintf(err, errlen, "%s: out of memory", path ? path : "configuration");
	config_free(c);
	free(l);
	return r;
}
