// SPDX-License-Identifier: GPL-2.0-only
/* stdout_output: one rendered alert per line. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>

#include "out.h"

struct out_stdout {
	struct out_sink base;
	bool buffered;
};

static int stdout_emit(struct out_sink *s, const struct alert *a, const char *line)
{
	struct out_stdout *o = (struct out_stdout *)s;

	if (fputs(line, stdout) == EOF || fputc('\n', stdout) == EOF)
		return -EIO;
	if (!o->buffered && fflush(stdout) == EOF)
		return -errno;
	return 0;
}

static int stdout_flush(struct out_sink *s)
{
	return fflush(stdout) == EOF ? -errno : 0;
}

static void stdout_free(struct out_sink *s)
{
	fflush(stdout);
	free(s);
}

static const struct out_ops stdout_ops = {
	.name = "stdout",
	.emit = stdout_emit,
	.flush = stdout_flush,
	.free = stdout_free,
};

int out_stdout_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen)
{
	struct out_stdout *o = calloc(1, sizeof(*o));

	if (!o) {
		snprintf(err, errlen, "stdout_output: out of memory");
		return -ENOMEM;
	}
	o->base.ops = &stdout_ops;
	o->base.fmt = out_fmt_from_config(c);
	o->base.wants_line = true;
	o->buffered = c->buffered_outputs;
	*ret = &o->base;
	return 0;
}
