// SPDX-License-Identifier: GPL-2.0-only
/* The configuration keys: names, types, bounds, and how a value is parsed. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <math.h>
#include <stddef.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <strings.h>
#include <syslog.h>

#include "configfile.h"
#include "configfile_int.h"

#define OFF(f) offsetof(struct config, f)

/* CK_STRLIST: the count (size_t) follows the list pointer (configfile.c relies on it). */
#define LIST_FOLLOWS(l, n)                                                                         \
	_Static_assert(offsetof(struct config, n) == offsetof(struct config, l) + sizeof(char **), \
		       #n)
LIST_FOLLOWS(rules_files, n_rules_files);
LIST_FOLLOWS(containers.docker_sockets, containers.n_docker_sockets);
LIST_FOLLOWS(containers.podman_sockets, containers.n_podman_sockets);
LIST_FOLLOWS(containers.cri_sockets, containers.n_cri_sockets);
LIST_FOLLOWS(containers.containerd_namespaces, containers.n_containerd_namespaces);

const struct config_key config_keys[] = {
	{ "json_output", CK_BOOL, OFF(json_output) },
	{ "json_include_output_property", CK_BOOL, OFF(json_include_output_property) },
	{ "json_include_tags_property", CK_BOOL, OFF(json_include_tags_property) },
	{ "json_include_message_property", CK_BOOL, OFF(json_include_message_property) },
	{ "json_include_output_fields_property", CK_BOOL,
	  OFF(json_include_output_fields_property) },
	{ "time_format_iso_8601", CK_BOOL, OFF(time_format_iso_8601) },
	{ "buffered_outputs", CK_BOOL, OFF(buffered_outputs) },
	{ "priority", CK_PRIO, OFF(priority) },
	{ "rule_matching", CK_MATCH, OFF(rule_matching) },
	{ "rules_files", CK_STRLIST, OFF(rules_files) },
	{ "rules_file", CK_STRLIST, OFF(rules_files) },
	{ "driver", CK_DRIVER, OFF(driver) },
	{ "engine.kind", CK_DRIVER, OFF(driver) },
	{ "engine.replay.capture_file", CK_STR, OFF(capture_file) },
	{ "syscall_buf_size_preset", CK_UINT, OFF(syscall_buf_size_preset), 0, 10 },
	{ "ebpf.buffer", CK_STR, OFF(ebpf_buffer) },
	{ "ebpf.hook", CK_STR, OFF(ebpf_hook) },
	{ "ebpf.defer_close", CK_BOOL, OFF(ebpf_defer_close) },
	{ "ptrace.entry_verdict", CK_BOOL, OFF(ptrace_entry_verdict) },
	{ "outputs.rate", CK_DOUBLE, OFF(outputs_rate), 0, 1e9 },
	{ "outputs.max_burst", CK_DOUBLE, OFF(outputs_max_burst), 1, 1e9 },
	{ "outputs_queue.capacity", CK_UINT, OFF(outputs_queue_capacity), 0, 1 << 20 },
	{ "stdout_output.enabled", CK_BOOL, OFF(stdout_enabled) },
	{ "file_output.enabled", CK_BOOL, OFF(file_enabled) },
	{ "file_output.keep_alive", CK_BOOL, OFF(file_keep_alive) },
	{ "file_output.filename", CK_STR, OFF(file_filename) },
	{ "syslog_output.enabled", CK_BOOL, OFF(syslog_enabled) },
	{ "syslog_output.facility", CK_FACILITY, OFF(syslog_facility) },
	{ "program_output.enabled", CK_BOOL, OFF(program_enabled) },
	{ "program_output.keep_alive", CK_BOOL, OFF(program_keep_alive) },
	{ "program_output.program", CK_STR, OFF(program_program) },
	{ "journal_output.enabled", CK_BOOL, OFF(journal_enabled) },
	{ "http_output.enabled", CK_BOOL, OFF(http.enabled) },
	{ "http_output.url", CK_STR, OFF(http.url) },
	{ "http_output.user_agent", CK_STR, OFF(http.user_agent) },
	{ "http_output.insecure", CK_BOOL, OFF(http.insecure) },
	{ "http_output.ca_cert", CK_STR, OFF(http.ca_cert) },
	{ "http_output.ca_path", CK_STR, OFF(http.ca_path) },
	{ "http_output.mtls", CK_BOOL, OFF(http.mtls) },
	{ "http_output.client_cert", CK_STR, OFF(http.client_cert) },
	{ "http_output.client_key", CK_STR, OFF(http.client_key) },
	{ "http_output.connect_timeout_ms", CK_UINT, OFF(http.connect_timeout_ms), 1, 600000 },
	{ "http_output.timeout_ms", CK_UINT, OFF(http.timeout_ms), 1, 600000 },
	{ "http_output.max_retries", CK_UINT, OFF(http.max_retries), 0, 10 },
	{ "syscall_event_drops.threshold", CK_DOUBLE, OFF(drops.threshold), 0, 1 },
	{ "syscall_event_drops.rate", CK_DOUBLE, OFF(drops.rate), 0, 1e6 },
	{ "syscall_event_drops.max_burst", CK_DOUBLE, OFF(drops.max_burst), 1, 1e6 },
	{ "syscall_event_drops.actions", CK_ACTIONS, OFF(drops.actions) },
	{ "metrics.enabled", CK_BOOL, OFF(metrics_enabled) },
	{ "metrics.interval", CK_DURATION, OFF(metrics_interval_ms), 1000, 7 * 86400000.0 },
	{ "webserver.listen", CK_STR, OFF(webserver_listen) },
	{ "watchdog.enabled", CK_BOOL, OFF(watchdog_enabled) },
	{ "container_engines.docker.enabled", CK_BOOL, OFF(containers.docker_enabled) },
	{ "container_engines.docker.sockets", CK_STRLIST, OFF(containers.docker_sockets) },
	{ "container_engines.podman.enabled", CK_BOOL, OFF(containers.podman_enabled) },
	{ "container_engines.podman.sockets", CK_STRLIST, OFF(containers.podman_sockets) },
	{ "container_engines.cri.enabled", CK_BOOL, OFF(containers.cri_enabled) },
	{ "container_engines.cri.sockets", CK_STRLIST, OFF(containers.cri_sockets) },
	{ "container_engines.cri.containerd_namespaces", CK_STRLIST,
	  OFF(containers.containerd_namespaces) },
	{ "container_engines.lookup_timeout", CK_DURATION, OFF(containers.lookup_timeout_ms), 10,
	  60000 },
	{ "container_engines.cache_size", CK_UINT, OFF(containers.cache_size), 0, 1 << 20 },
	{ "container_engines.label_max_len", CK_UINT, OFF(containers.label_max_len), 0, 65536 },
	{ "k8s_audit.listen", CK_STR, OFF(k8s_audit.listen) },
	{ "k8s_audit.path", CK_STR, OFF(k8s_audit.path) },
	{ "k8s_audit.tls.cert", CK_STR, OFF(k8s_audit.tls_cert) },
	{ "k8s_audit.tls.key", CK_STR, OFF(k8s_audit.tls_key) },
	{ "k8s_audit.tls.client_ca", CK_STR, OFF(k8s_audit.tls_client_ca) },
	{ "k8s_audit.token_file", CK_STR, OFF(k8s_audit.token_file) },
	{ "k8s_audit.plain_http", CK_BOOL, OFF(k8s_audit.plain_http) },
	{ "k8s_audit.file", CK_STR, OFF(k8s_audit.file) },
	{ "k8s_audit.file_from_end", CK_BOOL, OFF(k8s_audit.file_from_end) },
	{ "k8s_audit.cluster_name", CK_STR, OFF(k8s_audit.cluster_name) },
	{ "k8s_audit.max_body_bytes", CK_UINT, OFF(k8s_audit.max_body_bytes), 0, 1 << 30 },
	{ "k8s_audit.max_line_bytes", CK_UINT, OFF(k8s_audit.max_line_bytes), 0, 1 << 28 },
	{ NULL, 0, 0 },
};

static const char *const driver_names[] = { "auto", "kmod", "ebpf", "ptrace", "replay" };

const char *config_driver_name(enum config_driver d)
{
	return (unsigned)d < 5 ? driver_names[d] : "?";
}

static const struct {
	const char *name;
	int val;
} facilities[] = {
	{ "auth", LOG_AUTH },	  { "authpriv", LOG_AUTHPRIV }, { "cron", LOG_CRON },
	{ "daemon", LOG_DAEMON }, { "ftp", LOG_FTP },		{ "kern", LOG_KERN },
	{ "lpr", LOG_LPR },	  { "mail", LOG_MAIL },		{ "news", LOG_NEWS },
	{ "syslog", LOG_SYSLOG }, { "user", LOG_USER },		{ "uucp", LOG_UUCP },
	{ "local0", LOG_LOCAL0 }, { "local1", LOG_LOCAL1 },	{ "local2", LOG_LOCAL2 },
	{ "local3", LOG_LOCAL3 }, { "local4", LOG_LOCAL4 },	{ "local5", LOG_LOCAL5 },
	{ "local6", LOG_LOCAL6 }, { "local7", LOG_LOCAL7 },
};

int config_syslog_facility(const char *name)
{
	size_t i;

	for (i = 0; i < sizeof(facilities) / sizeof(facilities[0]); i++)
		if (!strcasecmp(name, facilities[i].name))
			return facilities[i].val;
	return -EINVAL;
}

static int parse_bool(const char *s, bool *ret)
{
	static const char *const t[] = { "true", "yes", "on" }, *const f[] = { "false", "no",
									       "off" };
	size_t i;

	for (i = 0; i < 3; i++) {
		if (!strcasecmp(s, t[i])) {
			*ret = true;
			return 0;
		}
		if (!strcasecmp(s, f[i])) {
			*ret = false;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_double(const char *s, double *ret)
{
	char *end;
	double v;

	errno = 0;
	v = strtod(s, &end);
	if (!*s || *end || errno || !isfinite(v))
		return -EINVAL;
	*ret = v;
	return 0;
}

/* "500ms", "30s", "15m", "1h", "1d": Falco's duration strings. */
static int parse_duration_ms(const char *s, double *ret)
{
	static const struct {
		const char *unit;
		double ms;
	} units[] = {
		{ "ms", 1 }, { "s", 1000 }, { "m", 60000 }, { "h", 3600000 }, { "d", 86400000 }
	};
	char *end;
	double v;
	size_t i;

	errno = 0;
	v = strtod(s, &end);
	if (end == s || errno || !isfinite(v) || v < 0)
		return -EINVAL;
	for (i = 0; i < sizeof(units) / sizeof(units[0]); i++) {
		if (!strcmp(end, units[i].unit)) {
			*ret = v * units[i].ms;
			return 0;
		}
	}
	return -EINVAL;
}

static int parse_action(const char *s, unsigned *bits)
{
	static const char *const names[] = { "ignore", "log", "alert", "exit" };
	unsigned i;

	for (i = 0; i < 4; i++) {
		if (!strcasecmp(s, names[i])) {
			*bits |= 1u << i;
			return 0;
		}
	}
	return -EINVAL;
}

static int set_str(char **slot, const char *s)
{
	char *d = NULL;

	if (*s) {
		d = strdup(s);
		if (!d)
			return -ENOMEM;
	}
	free(*slot);
	*slot = d; /* an empty value means unset */
	return 0;
}

/*
 * Parses one scalar for a key; writes the config only on success and says
 * what was expected otherwise.
 */
int config_key_scalar(struct config *c, const struct config_key *k, const char *s, char *why,
		      size_t whylen)
{
	char *p = (char *)c + k->off;
	enum alert_prio prio;
	double d;
	int r;
	bool b;

	switch (k->type) {
	case CK_BOOL:
		if (parse_bool(s, &b) < 0)
			goto bad;
		*(bool *)p = b;
		return 0;
	case CK_PRIO:
		if (alert_prio_parse(s, &prio) < 0)
			goto bad;
		*(enum alert_prio *)p = prio;
		return 0;
	case CK_MATCH:
		if (strcmp(s, "first") && strcmp(s, "all"))
			goto bad;
		*(enum config_match *)p = !strcmp(s, "all") ? CONFIG_MATCH_ALL : CONFIG_MATCH_FIRST;
		return 0;
	case CK_DRIVER:
		for (r = 0; r < 5; r++) {
			if (!strcmp(s, driver_names[r])) {
				*(enum config_driver *)p = (enum config_driver)r;
				return 0;
			}
		}
		/* Falco's name for its CO-RE probe is the same thing here. */
		if (!strcmp(s, "modern_ebpf")) {
			*(enum config_driver *)p = CONFIG_DRIVER_EBPF;
			return 0;
		}
		goto bad;
	case CK_STR:
		return set_str((char **)p, s);
	case CK_UINT:
	case CK_DOUBLE:
	case CK_DURATION:
		r = k->type == CK_DURATION ? parse_duration_ms(s, &d) : parse_double(s, &d);
		if (r < 0 || (k->type == CK_UINT && d != floor(d)) || d < k->min || d > k->max)
			goto bad;
		if (k->type == CK_UINT)
			*(unsigned *)p = (unsigned)d;
		else if (k->type == CK_DOUBLE)
			*(double *)p = d;
		else
			*(uint64_t *)p = (uint64_t)d;
		return 0;
	case CK_FACILITY:
		r = config_syslog_facility(s);
		if (r < 0)
			goto bad;
		*(int *)p = r;
		return 0;
	case CK_STRLIST:
	case CK_ACTIONS:
		break; /* lists are handled by the caller, item by item */
	}
	return -EINVAL;
bad:
	snprintf(why, whylen, "'%.*s' is not %s", 200, s, config_key_expects(k));
	return -EINVAL;
}

int config_key_action(unsigned *bits, const char *s, char *why, size_t whylen)
{
	if (parse_action(s, bits) == 0)
		return 0;
	snprintf(why, whylen, "'%.*s' is not an action (ignore, log, alert, exit)", 200, s);
	return -EINVAL;
}

const char *config_key_expects(const struct config_key *k)
{
	static __thread char buf[128];

	switch (k->type) {
	case CK_BOOL:
		return "a boolean (true or false)";
	case CK_PRIO:
		return "a priority (emergency, alert, critical, error, warning, notice, "
		       "informational/info, debug)";
	case CK_MATCH:
		return "a rule matching mode (first or all)";
	case CK_DRIVER:
		return "a driver (auto, kmod, ebpf, ptrace, replay)";
	case CK_STR:
		return "a string";
	case CK_STRLIST:
		return "a string or a list of strings";
	case CK_ACTIONS:
		return "a list of actions (ignore, log, alert, exit)";
	case CK_FACILITY:
		return "a syslog facility (user, daemon, auth, authpriv, local0..local7, ...)";
	case CK_DURATION:
		snprintf(buf, sizeof(buf), "a duration between %gs and %gs (e.g. 30s, 15m, 1h)",
			 k->min / 1000, k->max / 1000);
		return buf;
	case CK_UINT:
		snprintf(buf, sizeof(buf), "an integer from %g to %g", k->min, k->max);
		return buf;
	case CK_DOUBLE:
		snprintf(buf, sizeof(buf), "a number from %g to %g", k->min, k->max);
		return buf;
	}
	return "?";
}

const struct config_key *config_key_find(const char *name)
{
	const struct config_key *k;

	for (k = config_keys; k->name; k++)
		if (!strcmp(k->name, name))
			return k;
	return NULL;
}

bool config_key_is_section(const char *prefix, size_t len)
{
	const struct config_key *k;

	for (k = config_keys; k->name; k++)
		if (!strncmp(k->name, prefix, len) && k->name[len] == '.')
			return true;
	return false;
}
