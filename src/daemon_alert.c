// SPDX-License-Identifier: GPL-2.0-only
/* From a rule match (or a health condition) to an alert on the queue. */
#include <json-c/json.h>
#include <stdio.h>
#include <string.h>

#include "daemon_int.h"
#include "fields.h"
#include "util.h"

static void push(struct daemon *d, struct alert *a)
{
	/* Full queue or rate limit: outq counts both; nothing to do here. */
	outq_push(d->q, a);
}

/*
 * A rule matched: count it, and say whether it becomes an alert (rules
 * below the configured priority are only counted).
 */
bool daemon_admit(struct daemon *d, const struct rules_rule *r)
{
	size_t idx = (size_t)(r - rules_at(d->rs, 0));

	if ((int)r->priority > (int)d->cfg->priority) {
		d->below_prio++;
		return false;
	}
	if (idx < d->nrule_hits)
		d->rule_hits[idx]++;
	d->alerts++;
	return true;
}

void daemon_raise(struct daemon *d, const struct rules_rule *r, const struct evt *e)
{
	daemon_raise_at(d, r, e->ts);
}

/* For a match on any source: the rules runner still holds the event's fields. */
void daemon_raise_at(struct daemon *d, const struct rules_rule *r, uint64_t ts)
{
	static char text[ALERT_MAX_STR];
	struct json_object *fields;
	struct alert *a;

	rules_format(d->runner, r, text, sizeof(text));
	/* A folded YAML scalar (output: >) ends in a newline; alerts are one line. */
	for (size_t n = strlen(text); n > 0 && (text[n - 1] == '\n' || text[n - 1] == ' '); n--)
		text[n - 1] = '\0';
	a = alert_new(r->name, (enum alert_prio)r->priority, ts, field_source_name(r->source),
		      d->hostname, text);
	if (!a)
		return;
	for (unsigned i = 0; i < r->ntags; i++)
		alert_add_tag(a, r->tags[i]);
	fields = rules_output_fields(d->runner, r);
	if (fields) {
		json_object_object_foreach(fields, key, val)
			alert_set_field(a, key, json_object_get(val));
		json_object_put(fields);
	}
	push(d, a);
}

void daemon_health(struct daemon *d, enum alert_prio prio, const char *rule, const char *msg)
{
	struct alert *a =
		alert_new(rule, prio, clock_ns(CLOCK_REALTIME), "internal", d->hostname, msg);

	if (!a)
		return;
	a->health = true;
	alert_add_tag(a, "saker");
	alert_add_tag(a, "health");
	push(d, a);
}
