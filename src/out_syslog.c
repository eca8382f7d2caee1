// SPDX-License-Identifier: GPL-2.0-only
/* syslog_output: syslog(3) with the rule's priority and the configured facility. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <syslog.h>

#include "out.h"

struct out_syslog {
	struct out_sink base;
	int facility;
};

static int syslog_emit(struct out_sink *s, const struct alert *a, const char *line)
{
	struct out_syslog *o = (struct out_syslog *)s;

	/* Priorities are the syslog levels by construction. */
	syslog(o->facility | (int)a->priority, "%s", line);
	return 0;
}

/*
 * No closelog(): openlog() state is process-wide, and on a reload the new
 * sink is opened before the old one is freed; closing here would reset the
 * ident and facility under the new sink.
 */
static void syslog_free(struct out_sink *s)
{
	free(s);
}

static const struct out_ops syslog_ops = {
	.name = "syslog",
	.emit = syslog_emit,
	.free = syslog_free,
};

int out_syslog_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen)
{
	struct out_syslog *o = calloc(1, sizeof(*o));

	if (!o) {
		snprintf(err, errlen, "syslog_output: out of memory");
		return -ENOMEM;
	}
	o->base.ops = &syslog_ops;
	o->base.fmt = out_fmt_from_config(c);
	o->base.wants_line = true;
	o->facility = c->syslog_facility;
	openlog("saker", LOG_PID | LOG_NDELAY, c->syslog_facility);
	*ret = &o->base;
	return 0;
}
