/* SPDX-License-Identifier: GPL-2.0-only */
/* Shared by the k8saudit files; not an interface. */
#ifndef SAKER_K8SAUDIT_INT_H
#define SAKER_K8SAUDIT_INT_H

#include <pthread.h>

#include "k8saudit.h"

struct k8sa_http;
struct k8sa_file;

struct k8sa {
	/* The queue: a ring of events, bounded in count and in bytes. */
	pthread_mutex_t lock;
	struct k8sa_event *ring[K8SA_QUEUE_EVENTS];
	size_t head, n, bytes; /* under lock */

	struct k8sa_stats st; /* updated with K8SA_COUNT from any thread */
	size_t max_body, max_line;
	struct k8sa_http *http;
	struct k8sa_file *file;
};

#define K8SA_COUNT(k, field) __atomic_add_fetch(&(k)->st.field, 1, __ATOMIC_RELAXED)

/*
 * Queue n events, all or none: -EAGAIN when they do not fit (nothing is
 * taken). On success the queue owns the events; the caller frees the array.
 */
int k8sa_queue_push(struct k8sa *k, struct k8sa_event **evs, size_t n);

/* k8saudit_http.c: the webhook (a stub returning -ENOTSUP without libmicrohttpd). */
int k8sa_http_start(struct k8sa *k, const struct k8sa_config *c, struct k8sa_http **ret, char *err,
		    size_t errlen);
unsigned k8sa_http_port(const struct k8sa_http *h);
void k8sa_http_stop(struct k8sa_http *h);

/* k8saudit_file.c: the audit log follower. */
int k8sa_file_start(struct k8sa *k, const char *path, bool from_end, struct k8sa_file **ret,
		    char *err, size_t errlen);
void k8sa_file_stop(struct k8sa_file *f);

/* Read a small file (token, PEM) whole, NUL-terminated; at most max bytes. */
int k8sa_read_small(const char *path, size_t max, char **ret, size_t *ret_len);

#endif /* SAKER_K8SAUDIT_INT_H */
