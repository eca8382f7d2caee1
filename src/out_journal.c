// SPDX-License-Identifier: GPL-2.0-only
/*
 * journal_output: native journal entries with structured fields, so
 * `journalctl SAKER_RULE=...` and `journalctl -p warning` work. The
 * MESSAGE_IDs are documented in systemd/saker.catalog.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>

#include <systemd/sd-journal.h>

#include "out.h"

struct out_journal {
	struct out_sink base;
};

#define NFIELDS 12

/* "KEY=value" as a malloc'd string; values may hold any byte but NUL. */
static char *field(const char *key, const char *val)
{
	char *s;

	return asprintf(&s, "%s=%s", key, val ? val : "") < 0 ? NULL : s;
}

static char *join_tags(const struct alert *a)
{
	size_t i, len = 1;
	char *s, *p;

	for (i = 0; i < a->ntags; i++)
		len += strlen(a->tags[i]) + 1;
	s = p = malloc(len);
	if (!s)
		return NULL;
	*p = '\0';
	for (i = 0; i < a->ntags; i++)
		p += sprintf(p, "%s%s", i ? "," : "", a->tags[i]);
	return s;
}

static int journal_emit(struct out_sink *s, const struct alert *a, const char *line)
{
	char *f[NFIELDS] = { NULL }, *text, *tags, *fields, prio[16], ts[64];
	struct iovec iov[NFIELDS];
	int n = 0, i, r = -ENOMEM;

	text = alert_text(a, s->fmt.iso8601);
	tags = join_tags(a);
	fields = alert_fields_json(a);
	if (!text || !tags || !fields || alert_time_rfc3339(a->time_ns, ts, sizeof(ts)) < 0)
		goto out;
	snprintf(prio, sizeof(prio), "%d", (int)a->priority);
	f[n++] = field("MESSAGE", text);
	f[n++] = field("PRIORITY", prio);
	f[n++] = field("SYSLOG_IDENTIFIER", "saker");
	f[n++] =
		field("MESSAGE_ID", a->health ? OUT_JOURNAL_MSGID_HEALTH : OUT_JOURNAL_MSGID_ALERT);
	f[n++] = field("SAKER_RULE", a->rule);
	f[n++] = field("SAKER_PRIORITY", alert_prio_name(a->priority));
	f[n++] = field("SAKER_SOURCE", a->source);
	f[n++] = field("SAKER_TAGS", tags);
	f[n++] = field("SAKER_HOSTNAME", a->hostname);
	f[n++] = field("SAKER_OUTPUT_FIELDS", fields);
	f[n++] = field("SAKER_TIME", ts);
	for (i = 0; i < n; i++) {
		if (!f[i])
			goto out;
		iov[i].iov_base = f[i];
		iov[i].iov_len = strlen(f[i]);
	}
	r = sd_journal_sendv(iov, n);
out:
	for (i = 0; i < n; i++)
		free(f[i]);
	free(text);
	free(tags);
	free(fields);
	return r;
}

static void journal_free(struct out_sink *s)
{
	free(s);
}

static const struct out_ops journal_ops = {
	.name = "journal",
	.emit = journal_emit,
	.free = journal_free,
};

int out_journal_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen)
{
	struct out_journal *o = calloc(1, sizeof(*o));

	if (!o) {
		snprintf(err, errlen, "journal_output: out of memory");
		return -ENOMEM;
	}
	o->base.ops = &journal_ops;
	o->base.fmt = out_fmt_from_config(c);
	o->base.wants_line = false;
	*ret = &o->base;
	return 0;
}
