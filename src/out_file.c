// SPDX-License-Identifier: GPL-2.0-only
/*
 * file_output: appends one alert per line. With keep_alive the file stays
 * open (reopened on request, for log rotation); without it, it is opened
 * for each alert, as Falco does.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

#include "out.h"

struct out_file {
	struct out_sink base;
	char *path;
	bool keep_alive, buffered;
	FILE *f;
};

static int file_open(struct out_file *o)
{
	int fd = open(o->path, O_WRONLY | O_APPEND | O_CREAT | O_CLOEXEC | O_NOCTTY, 0640);

	if (fd < 0)
		return -errno;
	o->f = fdopen(fd, "a");
	if (!o->f) {
		int r = -errno;

		close(fd);
		return r;
	}
	return 0;
}

static int file_close(struct out_file *o)
{
	int r = 0;

	if (o->f && fclose(o->f) == EOF)
		r = -errno;
	o->f = NULL;
	return r;
}

static int file_emit(struct out_sink *s, const struct alert *a, const char *line)
{
	struct out_file *o = (struct out_file *)s;
	int r;

	if (!o->f) {
		r = file_open(o);
		if (r < 0)
			return r;
	}
	if (fputs(line, o->f) == EOF || fputc('\n', o->f) == EOF) {
		r = -errno ? -errno : -EIO;
		file_close(o);
		return r;
	}
	if (!o->keep_alive)
		return file_close(o);
	if (!o->buffered && fflush(o->f) == EOF) {
		r = -errno;
		file_close(o);
		return r;
	}
	return 0;
}

static int file_flush(struct out_sink *s)
{
	struct out_file *o = (struct out_file *)s;

	return o->f && fflush(o->f) == EOF ? -errno : 0;
}

/* After logrotate renamed the file: the next alert goes to a new one. */
static int file_reopen(struct out_sink *s)
{
	struct out_file *o = (struct out_file *)s;
	int r = file_close(o);

	if (o->keep_alive) {
		int r2 = file_open(o);

		if (r2 < 0)
			return r2;
	}
	return r;
}

static void file_free(struct out_sink *s)
{
	struct out_file *o = (struct out_file *)s;

	file_close(o);
	free(o->path);
	free(o);
}

static const struct out_ops file_ops = {
	.name = "file",
	.emit = file_emit,
	.reopen = file_reopen,
	.flush = file_flush,
	.free = file_free,
};

int out_file_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen)
{
	struct out_file *o = calloc(1, sizeof(*o));
	int r;

	if (!o || !c->file_filename || !(o->path = strdup(c->file_filename))) {
		free(o);
		snprintf(err, errlen, "file_output: %s",
			 c->file_filename ? "out of memory" : "no filename");
		return c->file_filename ? -ENOMEM : -EINVAL;
	}
	o->base.ops = &file_ops;
	o->base.fmt = out_fmt_from_config(c);
	o->base.wants_line = true;
	o->keep_alive = c->file_keep_alive;
	o->buffered = c->buffered_outputs;
	/* Fail at startup, not at the first alert, if the file cannot be written. */
	r = file_open(o);
	if (r < 0) {
		snprintf(err, errlen, "file_output: cannot open '%s': %s", o->path, strerror(-r));
		file_free(&o->base);
		return r;
	}
	if (!o->keep_alive)
		file_close(o);
	*ret = &o->base;
	return 0;
}
