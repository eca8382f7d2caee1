/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The Kubernetes audit event source: audit.k8s.io/v1 Event objects that
 * arrive on an HTTPS webhook (kube-apiserver's webhook backend) or in an
 * audit log file (--audit-log-path, one JSON event per line). Inputs run
 * in their own threads and hand parsed events to a bounded queue; the
 * daemon's loop takes them with k8sa_next() and runs the k8s_audit rules.
 */
#ifndef SAKER_K8SAUDIT_H
#define SAKER_K8SAUDIT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

#define K8SA_DEFAULT_MAX_BODY (12u << 20) /* kube-apiserver batches up to 400 events */
#define K8SA_DEFAULT_MAX_LINE (1u << 20)
#define K8SA_MAX_DEPTH 128 /* JSON nesting accepted (CRDs nest deeply) */
#define K8SA_QUEUE_EVENTS 8192
#define K8SA_MAX_EVENTS_PER_BODY K8SA_QUEUE_EVENTS /* a batch must fit the queue */
#define K8SA_MAX_BUFFERED_BODIES 4 /* webhook bodies in memory at once, in max_body units */
#define K8SA_QUEUE_BYTES (64u << 20)
#define K8SA_DEFAULT_PATH "/k8s-audit"

/* One audit.k8s.io/v1 Event. */
struct k8sa_event {
	struct json_object *obj; /* owned: one reference */
	uint64_t ts; /* ns since the epoch: stageTimestamp, else requestReceivedTimestamp */
	size_t size; /* bytes of JSON it came from (queue accounting) */
};

void k8sa_event_free(struct k8sa_event *ev);

/*
 * Parse one body: an Event, an EventList (its items), or for the file mode
 * one line holding an Event. All or nothing: on success *ret_events holds
 * *ret_n new events (free each with k8sa_event_free, then the array); on
 * failure returns -EBADMSG (not JSON, not an audit event) or -E2BIG (too
 * many events) and says why in err. A body with no events is valid.
 */
int k8sa_parse(const char *buf, size_t len, struct k8sa_event ***ret_events, size_t *ret_n,
	       char *err, size_t errlen);

/* Counters, read with k8sa_get_stats(). */
struct k8sa_stats {
	uint64_t requests; /* HTTP requests seen */
	uint64_t events; /* events queued (both inputs) */
	uint64_t bad_json; /* bodies or lines rejected as malformed */
	uint64_t too_large; /* bodies over max_body (413) */
	uint64_t unauthorized; /* missing/wrong token or client certificate */
	uint64_t rejected; /* other refusals: method, path, queue full or busy (503) */
	uint64_t lines; /* lines read from the file */
	uint64_t long_lines; /* lines over max_line, skipped */
	uint64_t rotations; /* file renamed or truncated and reopened */
	uint64_t queue_full; /* times an input found the queue full */
};

struct k8sa_config {
	const char *listen; /* "ADDR:PORT", "[ADDR6]:PORT"; NULL: no webhook */
	const char *path; /* URL path; NULL: K8SA_DEFAULT_PATH */
	const char *tls_cert, *tls_key; /* PEM files */
	const char *tls_client_ca; /* PEM CA: client certificates required */
	const char *token_file; /* bearer token required */
	bool plain_http; /* no TLS: only with a loopback address */
	const char *file; /* audit log to follow; NULL: none */
	bool file_from_end; /* skip what the file holds when sakerd starts */
	size_t max_body; /* 0: K8SA_DEFAULT_MAX_BODY */
	size_t max_line; /* 0: K8SA_DEFAULT_MAX_LINE */
};

struct k8sa;

/*
 * Start the configured inputs. Returns -EINVAL with a message for a bad
 * configuration (TLS files missing, plain HTTP off loopback, no
 * authentication), -EADDRINUSE etc. when the socket cannot be bound,
 * -ENOTSUP when the webhook was not built in.
 */
int k8sa_open(const struct k8sa_config *c, struct k8sa **ret, char *err, size_t errlen);
/* The next queued event (the caller owns it), or NULL. Never blocks. */
struct k8sa_event *k8sa_next(struct k8sa *k);
void k8sa_get_stats(struct k8sa *k, struct k8sa_stats *ret);
/* The bound port of the webhook (tests listening on port 0); 0 when none. */
unsigned k8sa_port(const struct k8sa *k);
void k8sa_close(struct k8sa *k);

/* Whether the webhook input was built (libmicrohttpd). */
extern const bool k8sa_have_webhook;

/* fields_ka.c: the ka.* and jevt.* extractors; field_ctx.data is a struct k8sa_event. */
int fields_ka_register(void);
/* ka.cluster.name, for every event (NULL: not available). Not thread safe. */
void fields_ka_set_cluster_name(const char *name);

#endif /* SAKER_K8SAUDIT_H */
