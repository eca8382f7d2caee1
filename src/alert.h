/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * An alert: what a rule match (or saker's own health check) hands to the
 * outputs, and its two renderings: Falco's text line and Falco's JSON.
 */
#ifndef SAKER_ALERT_H
#define SAKER_ALERT_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

struct json_object;

/* Falco's priorities; the values are the syslog levels (LOG_EMERG..LOG_DEBUG). */
enum alert_prio {
	ALERT_EMERGENCY = 0,
	ALERT_ALERT = 1,
	ALERT_CRITICAL = 2,
	ALERT_ERROR = 3,
	ALERT_WARNING = 4,
	ALERT_NOTICE = 5,
	ALERT_INFORMATIONAL = 6,
	ALERT_DEBUG = 7,
};
#define ALERT_PRIO_COUNT 8

/* Bounds on what one alert may carry (rule output is user-controlled). */
#define ALERT_MAX_TAGS 64
#define ALERT_MAX_STR 65536

struct alert {
	char *rule;
	enum alert_prio priority;
	uint64_t time_ns; /* event time, ns since the epoch */
	char *source; /* "syscall" for events, "internal" for health */
	char **tags; /* sorted, unique */
	size_t ntags;
	char *hostname;
	char *output; /* the rule's output with its fields resolved */
	struct json_object *fields; /* typed output fields; NULL value = unavailable */
	bool health; /* saker's own message (other journal MESSAGE_ID) */
};

/* How an alert is rendered; the defaults are falco.yaml's. */
struct alert_fmt {
	bool json; /* json_output */
	bool iso8601; /* time_format_iso_8601 */
	bool include_output; /* json_include_output_property */
	bool include_tags; /* json_include_tags_property */
	bool include_message; /* json_include_message_property */
	bool include_output_fields; /* json_include_output_fields_property */
};
#define ALERT_FMT_DEFAULT                              \
	((struct alert_fmt){ .json = false,            \
			     .iso8601 = false,         \
			     .include_output = true,   \
			     .include_tags = true,     \
			     .include_message = false, \
			     .include_output_fields = true })

/* Long names: "Emergency" ... "Informational", "Debug". NULL if out of range. */
const char *alert_prio_name(enum alert_prio p);
/* Falco's names, case-insensitive, plus "info"; -EINVAL when unknown. */
int alert_prio_parse(const char *s, enum alert_prio *ret_prio);

/*
 * A new alert with copies of the strings (NULL source = "syscall", NULL
 * hostname = this host's name) and an empty fields object. NULL with errno.
 */
struct alert *alert_new(const char *rule, enum alert_prio prio, uint64_t time_ns,
			const char *source, const char *hostname, const char *output);
/* Adds a tag, keeping the set sorted and unique. -E2BIG past ALERT_MAX_TAGS. */
int alert_add_tag(struct alert *a, const char *tag);
/* Typed fields: the value is stolen; NULL json means unavailable (JSON null). */
int alert_set_field(struct alert *a, const char *name, struct json_object *val);
int alert_set_field_str(struct alert *a, const char *name, const char *val);
int alert_set_field_int(struct alert *a, const char *name, int64_t val);
/* Deep copy (for handing one alert to another thread). NULL with errno. */
struct alert *alert_dup(const struct alert *a);
void alert_free(struct alert *a);

/*
 * Renderings, malloc'd, without a trailing newline; NULL with errno.
 * alert_text: "HH:MM:SS.nnnnnnnnn: Priority output" (local time, as Falco's
 * %evt.time) or "YYYY-MM-DDTHH:MM:SS.nnnnnnnnn+0000: Priority output".
 * alert_json: Falco's object, keys hostname, [message,] output, output_fields,
 * priority, rule, source, tags, time (RFC 3339 UTC, nine digits, Z).
 * alert_render: the one the format selects.
 */
char *alert_text(const struct alert *a, bool iso8601);
char *alert_json(const struct alert *a, const struct alert_fmt *f);
char *alert_render(const struct alert *a, const struct alert_fmt *f);
/* "2024-05-01T12:00:00.000000001Z" into buf (at least 31 bytes). */
int alert_time_rfc3339(uint64_t time_ns, char *buf, size_t size);
/* The fields object as compact JSON (for the journal); NULL with errno. */
char *alert_fields_json(const struct alert *a);

#endif /* SAKER_ALERT_H */
