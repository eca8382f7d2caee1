// SPDX-License-Identifier: GPL-2.0-only
/* The table of traced threads, by tid. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "ptrace_int.h"

static unsigned bucket(pid_t tid)
{
	return (unsigned)tid % PTR_HASH_SIZE;
}

struct ptr_task *ptr_task_find(struct ptr_tracer *t, pid_t tid)
{
	for (struct ptr_task *k = t->tasks[bucket(tid)]; k; k = k->next)
		if (k->tid == tid)
			return k;
	return NULL;
}

struct ptr_task *ptr_task_add(struct ptr_tracer *t, pid_t tid, pid_t tgid)
{
	struct ptr_task *k = ptr_task_find(t, tid);

	if (k)
		return k;
	k = calloc(1, sizeof(*k));
	if (!k)
		return NULL;
	k->tid = tid;
	k->tgid = tgid;
	k->type = -1;
	k->next = t->tasks[bucket(tid)];
	t->tasks[bucket(tid)] = k;
	t->c.tasks++;
	return k;
}

void ptr_task_reset(struct ptr_task *k)
{
	free(k->exec_filename);
	k->exec_filename = NULL;
	k->in_syscall = false;
	k->type = -1;
}

void ptr_task_del(struct ptr_tracer *t, pid_t tid)
{
	struct ptr_task **pp = &t->tasks[bucket(tid)];

	for (; *pp; pp = &(*pp)->next) {
		struct ptr_task *k = *pp;

		if (k->tid != tid)
			continue;
		*pp = k->next;
		/* A task that dies parked is not resumed; its tid may come back. */
		if (t->parked == tid)
			t->parked = 0;
		ptr_task_reset(k);
		ptr_facts_free(k->facts);
		ptr_fdtab_put(k->fdt);
		free(k);
		t->c.tasks--;
		return;
	}
}

void ptr_facts_forget(struct ptr_tracer *t, pid_t tgid)
{
	for (size_t i = 0; i < PTR_HASH_SIZE; i++) {
		for (struct ptr_task *k = t->tasks[i]; k; k = k->next) {
			if (k->tgid != tgid)
				continue;
			ptr_facts_free(k->facts);
			k->facts = NULL;
		}
	}
}

/* A numeric field of /proc/TID/status ("Tgid:", "PPid:"), or -1. */
static long status_field(pid_t tid, const char *name)
{
	char path[64], buf[1024];
	ssize_t n;
	int fd;
	char *p;

	snprintf(path, sizeof(path), "/proc/%d/status", (int)tid);
	fd = open(path, O_RDONLY | O_CLOEXEC);
	if (fd < 0)
		return -1;
	n = read(fd, buf, sizeof(buf) - 1);
	close(fd);
	if (n <= 0)
		return -1;
	buf[n] = '\0';
	p = strstr(buf, name);
	if (!p || (p != buf && p[-1] != '\n'))
		return -1;
	return strtol(p + strlen(name), NULL, 10);
}

/* Thread-group id of tid, or tid itself if /proc does not say. */
pid_t ptr_proc_tgid(pid_t tid)
{
	long v = status_field(tid, "Tgid:");

	return v > 0 ? (pid_t)v : tid;
}

pid_t ptr_proc_ppid(pid_t tid)
{
	long v = status_field(tid, "PPid:");

	return v > 0 ? (pid_t)v : 0;
}
