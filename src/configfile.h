/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * /etc/saker/saker.yaml: the daemon's settings. Key names follow falco.yaml
 * where the concept is the same. Every error names file:line:col (or the
 * -o override) and what was expected; unknown keys are errors.
 */
#ifndef SAKER_CONFIGFILE_H
#define SAKER_CONFIGFILE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "alert.h"

#define CONFIG_DEFAULT_PATH SAKER_SYSCONFDIR "/saker.yaml"
#ifndef SAKER_SYSCONFDIR
#define SAKER_SYSCONFDIR "/etc/saker"
#endif

#define CONFIG_MAX_RULES_FILES 256
#define CONFIG_MAX_FILE_SIZE (1 << 20)

enum config_match { CONFIG_MATCH_FIRST, CONFIG_MATCH_ALL };
enum config_driver {
	CONFIG_DRIVER_AUTO,
	CONFIG_DRIVER_KMOD,
	CONFIG_DRIVER_EBPF,
	CONFIG_DRIVER_PTRACE,
	CONFIG_DRIVER_REPLAY,
};
/* syscall_event_drops.actions, as a bit set. */
enum config_drop_action {
	CONFIG_DROP_IGNORE = 1 << 0,
	CONFIG_DROP_LOG = 1 << 1,
	CONFIG_DROP_ALERT = 1 << 2,
	CONFIG_DROP_EXIT = 1 << 3,
};

struct config {
	/* Alert rendering and selection. */
	bool json_output;
	bool json_include_output_property;
	bool json_include_tags_property;
	bool json_include_message_property;
	bool json_include_output_fields_property;
	bool time_format_iso_8601;
	bool buffered_outputs;
	enum alert_prio priority; /* minimum priority */
	enum config_match rule_matching;
	char **rules_files; /* files or directories, in order */
	size_t n_rules_files;

	/* Driver. */
	enum config_driver driver; /* driver: / engine.kind: */
	char *capture_file; /* engine.replay.capture_file */
	unsigned syscall_buf_size_preset; /* 0 = the driver's default, 1..10 */
	char *ebpf_buffer; /* ebpf.buffer: auto, ringbuf, perf */
	char *ebpf_hook; /* ebpf.hook: auto, fexit, tracepoint */
	bool ebpf_defer_close; /* ebpf.defer_close: closes only the state needs wait */
	bool ptrace_entry_verdict; /* ptrace.entry_verdict: no exit stop where no rule can match */

	/* The alert queue. */
	double outputs_rate; /* alerts/s; 0 = unlimited */
	double outputs_max_burst;
	unsigned outputs_queue_capacity;

	/* Outputs. */
	bool stdout_enabled;
	bool file_enabled, file_keep_alive;
	char *file_filename;
	bool syslog_enabled;
	int syslog_facility; /* LOG_USER, LOG_LOCAL0, ... */
	bool program_enabled, program_keep_alive;
	char *program_program;
	bool journal_enabled;
	struct {
		bool enabled, insecure, mtls;
		char *url, *user_agent, *ca_cert, *ca_path, *client_cert, *client_key;
		unsigned connect_timeout_ms, timeout_ms, max_retries;
	} http;

	/* Health. */
	struct {
		double threshold; /* fraction of events dropped */
		double rate; /* alerts per second */
		double max_burst;
		unsigned actions; /* enum config_drop_action */
	} drops;
	bool metrics_enabled;
	uint64_t metrics_interval_ms;
	bool watchdog_enabled;
	char *webserver_listen; /* /healthz and /metrics on ADDRESS:PORT; NULL: off */

	/* Container runtime metadata (container_engines.*). Sockets NULL: the built-in ones. */
	struct {
		bool docker_enabled, podman_enabled, cri_enabled;
		char **docker_sockets;
		size_t n_docker_sockets; /* each count follows its list (CK_STRLIST) */
		char **podman_sockets;
		size_t n_podman_sockets;
		char **cri_sockets;
		size_t n_cri_sockets;
		char **containerd_namespaces; /* NULL: k8s.io, default */
		size_t n_containerd_namespaces;
		uint64_t lookup_timeout_ms;
		unsigned cache_size, label_max_len;
	} containers;
	/* The Kubernetes audit source (k8s_audit.*); unset strings are NULL. */
	struct {
		char *listen, *path, *tls_cert, *tls_key, *tls_client_ca, *token_file;
		char *file, *cluster_name;
		bool plain_http, file_from_end;
		unsigned max_body_bytes, max_line_bytes; /* 0: the defaults */
	} k8s_audit;
};

/*
 * The built-in defaults (journal on when $INVOCATION_ID or $NOTIFY_SOCKET
 * is set), then the file (NULL = none: defaults only), then the
 * "key=value" overrides in order, then cross-key checks. On success
 * *ret_config is a new config; on failure err says "FILE:LINE:COL: ..." or
 * "-o KEY=VALUE: ..." and nothing is returned, so a reload that fails
 * leaves the running config alone.
 */
int config_load(const char *path, char *const *overrides, size_t n_overrides,
		struct config **ret_config, char *err, size_t errlen);
/* One override on an existing config ("outputs.rate=5"). */
int config_set(struct config *c, const char *assignment, char *err, size_t errlen);
void config_free(struct config *c);

const char *config_driver_name(enum config_driver d);
/* "user", "daemon", "local0".."local7", ...: LOG_* value, or -EINVAL. */
int config_syslog_facility(const char *name);

/* Whether outputs needing optional libraries were built in. */
extern const bool config_have_journal;
extern const bool config_have_http;
extern const bool config_have_webserver; /* webserver.listen */

#endif /* SAKER_CONFIGFILE_H */
