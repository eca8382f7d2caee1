// SPDX-License-Identifier: GPL-2.0-only
/*
 * The audit source: starts the configured inputs and owns the queue
 * between their threads and the daemon's loop.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "k8saudit_int.h"

int k8sa_queue_push(struct k8sa *k, struct k8sa_event **evs, size_t n)
{
	size_t bytes = 0;

	for (size_t i = 0; i < n; i++)
		bytes += evs[i]->size;
	pthread_mutex_lock(&k->lock);
	/* An empty queue takes anything, so one huge body cannot wedge an input. */
	if (k->n && (k->n + n > K8SA_QUEUE_EVENTS || k->bytes + bytes > K8SA_QUEUE_BYTES)) {
		pthread_mutex_unlock(&k->lock);
		K8SA_COUNT(k, queue_full);
		return -EAGAIN;
	}
	if (n > K8SA_QUEUE_EVENTS) {
		pthread_mutex_unlock(&k->lock);
		return -E2BIG;
	}
	for (size_t i = 0; i < n; i++)
		k->ring[(k->head + k->n + i) % K8SA_QUEUE_EVENTS] = evs[i];
	k->n += n;
	k->bytes += bytes;
	pthread_mutex_unlock(&k->lock);
	__atomic_add_fetch(&k->st.events, n, __ATOMIC_RELAXED);
	return 0;
}

struct k8sa_event *k8sa_next(struct k8sa *k)
{
	struct k8sa_event *ev = NULL;

	if (!k)
		return NULL;
	pthread_mutex_lock(&k->lock);
	if (k->n) {
		ev = k->ring[k->head];
		k->ring[k->head] = NULL;
		k->head = (k->head + 1) % K8SA_QUEUE_EVENTS;
		k->n--;
		k->bytes -= ev->size;
	}
	pthread_mutex_unlock(&k->lock);
	return ev;
}

void k8sa_get_stats(struct k8sa *k, struct k8sa_stats *ret)
{
	struct k8sa_stats s;
	const uint64_t *src = (const uint64_t *)&k->st;
	uint64_t *dst = (uint64_t *)&s;

	for (size_t i = 0; i < sizeof(s) / sizeof(uint64_t); i++)
		dst[i] = __atomic_load_n(&src[i], __ATOMIC_RELAXED);
	*ret = s;
}

unsigned k8sa_port(const struct k8sa *k)
{
	return k && k->http ? k8sa_http_port(k->http) : 0;
}

int k8sa_read_small(const char *path, size_t max, char **ret, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	size_t off = 0;
	char *buf;
	int r = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || !S_ISREG(st.st_mode) || (size_t)st.st_size > max) {
		r = S_ISREG(st.st_mode) ? -EFBIG : -EINVAL;
		close(fd);
		return r;
	}
	buf = malloc((size_t)st.st_size + 1);
	while (buf && off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n <= 0) {
			r = n < 0 ? -errno : -EIO;
			break;
		}
		off += (size_t)n;
	}
	close(fd);
	if (!buf || r < 0) {
		free(buf);
		return buf ? r : -ENOMEM;
	}
	buf[off] = 0;
	*ret = buf;
	*ret_len = off;
	return 0;
}

int k8sa_open(const struct k8sa_config *c, struct k8sa **ret, char *err, size_t errlen)
{
	struct k8sa *k;
	int r = 0;

	if (!c->listen && !c->file) {
		snprintf(err, errlen, "neither k8s_audit.listen nor k8s_audit.file is set");
		return -EINVAL;
	}
	k = calloc(1, sizeof(*k));
	if (!k)
		return -ENOMEM;
	pthread_mutex_init(&k->lock, NULL);
	k->max_body = c->max_body ? c->max_body : K8SA_DEFAULT_MAX_BODY;
	k->max_line = c->max_line ? c->max_line : K8SA_DEFAULT_MAX_LINE;
	if (c->listen)
		r = k8sa_http_start(k, c, &k->http, err, errlen);
	if (r >= 0 && c->file)
		r = k8sa_file_start(k, c->file, c->file_from_end, &k->file, err, errlen);
	if (r < 0) {
		k8sa_close(k);
		return r;
	}
	*ret = k;
	return 0;
}

void k8sa_close(struct k8sa *k)
{
	struct k8sa_event *ev;

	if (!k)
		return;
	/* Inputs first: after this no thread pushes. */
	k8sa_http_stop(k->http);
	k8sa_file_stop(k->file);
	while ((ev = k8sa_next(k)))
		k8sa_event_free(ev);
	pthread_mutex_destroy(&k->lock);
	free(k);
}
