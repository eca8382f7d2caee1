// SPDX-License-Identifier: GPL-2.0-only
/* Alerts: priorities, Falco's text line, Falco's JSON as falcosidekick reads it. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

#include <json-c/json.h>

#include "alert.h"
#include "tap.h"

#define T0 1700000000123456789ull /* 2023-11-14T22:13:20.123456789Z */

static struct alert *sample(void)
{
	struct alert *a = alert_new("Write below etc", ALERT_WARNING, T0, "syscall", "node1",
				    "File below /etc opened (file=/etc/x \"q\"\n)");

	alert_add_tag(a, "mitre_persistence");
	alert_add_tag(a, "filesystem");
	alert_add_tag(a, "filesystem");
	alert_add_tag(a, "T1543");
	alert_set_field_str(a, "proc.name", "touch");
	alert_set_field_int(a, "proc.pid", 4242);
	alert_set_field_str(a, "container.id", NULL);
	alert_set_field(a, "fd.is_file", json_object_new_boolean(1));
	alert_set_field_str(a, "fd.name", "/etc/x");
	return a;
}

/* falcosidekick's Check(): known priority, non-empty rule, a time, fields. */
static const char *sidekick_rejects(struct json_object *o)
{
	static const char *const prios[] = { "emergency",     "alert",	 "critical",
					     "error",	      "warning", "notice",
					     "informational", "info",	 "debug" };
	struct json_object *v;
	unsigned i, y, mo, d, h, mi, s, ns;
	char z;
	int n = 0;

	if (!json_object_object_get_ex(o, "priority", &v) ||
	    !json_object_is_type(v, json_type_string))
		return "no priority";
	for (i = 0; i < 9 && strcasecmp(json_object_get_string(v), prios[i]); i++)
		;
	if (i == 9)
		return "unknown priority";
	if (!json_object_object_get_ex(o, "rule", &v) || !*json_object_get_string(v))
		return "empty rule";
	if (!json_object_object_get_ex(o, "time", &v) ||
	    sscanf(json_object_get_string(v), "%4u-%2u-%2uT%2u:%2u:%2u.%9u%c%n", &y, &mo, &d, &h,
		   &mi, &s, &ns, &z, &n) != 8 ||
	    z != 'Z' || json_object_get_string(v)[n] || strlen(json_object_get_string(v)) != 30)
		return "time is not RFC 3339 with nine digits and Z";
	if (!json_object_object_get_ex(o, "output_fields", &v) ||
	    !json_object_is_type(v, json_type_object) || !json_object_object_length(v))
		return "no output_fields";
	return NULL;
}

static void test_priorities(void)
{
	static const char *const names[] = { "Emergency", "Alert",  "Critical",	     "Error",
					     "Warning",	  "Notice", "Informational", "Debug" };
	enum alert_prio p;
	int i, ok = 1;

	for (i = 0; i < 8; i++) {
		ok &= !strcmp(alert_prio_name((enum alert_prio)i), names[i]);
		ok &= alert_prio_parse(names[i], &p) == 0 && p == (enum alert_prio)i;
	}
	tap_ok(ok, "the eight priorities have Falco's long names and parse back");
	tap_ok(alert_prio_parse("WARNING", &p) == 0 && p == ALERT_WARNING,
	       "priority names are case-insensitive");
	tap_ok(alert_prio_parse("info", &p) == 0 && p == ALERT_INFORMATIONAL,
	       "info is Informational, as in Falco");
	tap_is_int(alert_prio_parse("warn", &p), -EINVAL, "a prefix is not a priority");
	tap_is_int(alert_prio_parse("", &p), -EINVAL, "the empty string is not a priority");
	tap_ok(alert_prio_name((enum alert_prio)8) == NULL, "out-of-range priority has no name");
	tap_is_int(ALERT_WARNING, 4, "priorities are syslog levels (Warning = LOG_WARNING)");
}

static void test_text(struct alert *a)
{
	char *s;

	setenv("TZ", "UTC", 1);
	tzset();
	s = alert_text(a, false);
	tap_is_str(s, "22:13:20.123456789: Warning File below /etc opened (file=/etc/x \"q\"\n)",
		   "text line is HH:MM:SS.nnnnnnnnn: Priority output");
	free(s);
	setenv("TZ", "Asia/Kolkata", 1);
	tzset();
	s = alert_text(a, false);
	tap_ok(s && !strncmp(s, "03:43:20.123456789: Warning ", 28),
	       "text line time is local time, as Falco's %%evt.time (got %.30s)", s);
	free(s);
	s = alert_text(a, true);
	tap_ok(s && !strncmp(s, "2023-11-14T22:13:20.123456789+0000: Warning File", 48),
	       "ISO 8601 form is UTC with nine digits and +0000 (got %.40s)", s);
	free(s);
	setenv("TZ", "UTC", 1);
	tzset();
	a->priority = ALERT_INFORMATIONAL;
	s = alert_text(a, false);
	tap_ok(s && strstr(s, ": Informational File"), "Informational is spelled out in text");
	free(s);
	a->priority = ALERT_WARNING;
}

static void test_json(struct alert *a)
{
	struct alert_fmt f = ALERT_FMT_DEFAULT;
	struct json_object *o, *v, *fl;
	const char *order[] = { "hostname", "output", "output_fields", "priority",
				"rule",	    "source", "tags",	       "time" };
	const char *why;
	char *s;
	int i = 0, ok = 1;

	f.json = true;
	s = alert_render(a, &f);
	o = s ? json_tokener_parse(s) : NULL;
	tap_ok(o && json_object_is_type(o, json_type_object), "JSON rendering parses");
	if (!o)
		return;
	json_object_object_foreach(o, k, val)
	{
		(void)val;
		ok &= i < 8 && !strcmp(k, order[i]);
		i++;
	}
	tap_ok(ok && i == 8, "JSON has exactly Falco's keys, in Falco's (sorted) order");
	json_object_object_get_ex(o, "time", &v);
	tap_is_str(json_object_get_string(v), "2023-11-14T22:13:20.123456789Z",
		   "time is RFC 3339 UTC with nine digits and Z");
	json_object_object_get_ex(o, "priority", &v);
	tap_is_str(json_object_get_string(v), "Warning", "priority uses the long name");
	json_object_object_get_ex(o, "output", &v);
	tap_is_str(json_object_get_string(v),
		   "22:13:20.123456789: Warning File below /etc opened (file=/etc/x \"q\"\n)",
		   "output is the text line, quotes and newline round-trip");
	json_object_object_get_ex(o, "tags", &v);
	tap_ok(json_object_array_length(v) == 3 &&
		       !strcmp(json_object_get_string(json_object_array_get_idx(v, 0)), "T1543") &&
		       !strcmp(json_object_get_string(json_object_array_get_idx(v, 1)),
			       "filesystem") &&
		       !strcmp(json_object_get_string(json_object_array_get_idx(v, 2)),
			       "mitre_persistence"),
	       "tags are sorted and unique");
	json_object_object_get_ex(o, "output_fields", &fl);
	tap_ok(json_object_object_get_ex(fl, "proc.pid", &v) &&
		       json_object_is_type(v, json_type_int) && json_object_get_int(v) == 4242,
	       "numeric field stays a number");
	tap_ok(json_object_object_get_ex(fl, "container.id", &v) && v == NULL,
	       "unavailable field is null");
	tap_ok(json_object_object_get_ex(fl, "fd.is_file", &v) &&
		       json_object_is_type(v, json_type_boolean),
	       "boolean field stays a boolean");
	tap_ok(strstr(s, "\"fd.name\":\"/etc/x\"") != NULL, "slashes are not escaped");
	why = sidekick_rejects(o);
	tap_ok(!why, "falcosidekick's input checks accept it (%s)", why ? why : "ok");
	json_object_put(o);
	free(s);

	f.include_output = false;
	f.include_tags = false;
	s = alert_json(a, &f);
	o = json_tokener_parse(s);
	tap_ok(o && !json_object_object_get_ex(o, "output", NULL) &&
		       !json_object_object_get_ex(o, "tags", NULL) &&
		       json_object_object_get_ex(o, "rule", NULL),
	       "json_include_output_property/json_include_tags_property false drop those keys");
	json_object_put(o);
	free(s);

	f = ALERT_FMT_DEFAULT;
	f.include_message = true;
	f.include_output_fields = false;
	s = alert_json(a, &f);
	o = json_tokener_parse(s);
	tap_ok(o && json_object_object_get_ex(o, "message", &v) &&
		       !strcmp(json_object_get_string(v), a->output) &&
		       !json_object_object_get_ex(o, "output_fields", NULL),
	       "json_include_message_property adds the bare output as message; "
	       "json_include_output_fields_property false drops the fields");
	tap_ok(s && strstr(s, "{\"hostname\":\"node1\",\"message\":") == s,
	       "message sorts between hostname and output, as in Falco");
	json_object_put(o);
	free(s);
}

static void test_edges(void)
{
	char buf[64];
	struct alert *a, *d;
	char tag[16], *s1, *s2;
	struct alert_fmt f = ALERT_FMT_DEFAULT;
	int i, r = 0;

	alert_time_rfc3339(5, buf, sizeof(buf));
	tap_is_str(buf, "1970-01-01T00:00:00.000000005Z", "nanoseconds are zero-padded");
	tap_is_int(alert_time_rfc3339(5, buf, 20), -ENOSPC, "short buffer is refused");
	a = alert_new("r", ALERT_DEBUG, 0, NULL, NULL, "o");
	tap_ok(a && !strcmp(a->source, "syscall") && *a->hostname,
	       "source defaults to syscall and hostname to this host's");
	for (i = 0; i < ALERT_MAX_TAGS + 1 && r == 0; i++) {
		snprintf(tag, sizeof(tag), "t%03d", i);
		r = alert_add_tag(a, tag);
	}
	tap_ok(r == -E2BIG && a->ntags == ALERT_MAX_TAGS, "tag count is bounded");
	alert_set_field_int(a, "n", 1);
	d = alert_dup(a);
	f.json = true;
	s1 = alert_json(a, &f);
	alert_free(a);
	s2 = d ? alert_json(d, &f) : NULL;
	tap_ok(s1 && s2 && !strcmp(s1, s2),
	       "a duplicate renders the same after the original is freed");
	free(s1);
	free(s2);
	alert_free(d);
	errno = 0;
	tap_ok(!alert_new(NULL, ALERT_DEBUG, 0, NULL, NULL, "o") && errno == EINVAL,
	       "an alert needs a rule");
	tap_ok(!alert_new("r", (enum alert_prio)9, 0, NULL, NULL, "o"),
	       "an alert needs a known priority");
	alert_free(NULL);
}

int main(void)
{
	struct alert *a = sample();

	test_priorities();
	test_text(a);
	test_json(a);
	alert_free(a);
	test_edges();
	return tap_done();
}
