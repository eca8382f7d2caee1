// SPDX-License-Identifier: GPL-2.0-only
/* Opening the configured sinks, and the shell-free argv splitter. */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "out.h"
#include "util.h"

struct alert_fmt out_fmt_from_config(const struct config *c)
{
	struct alert_fmt f = {
		.json = c->json_output,
		.iso8601 = c->time_format_iso_8601,
		.include_output = c->json_include_output_property,
		.include_tags = c->json_include_tags_property,
		.include_message = c->json_include_message_property,
		.include_output_fields = c->json_include_output_fields_property,
	};

	return f;
}

int out_open_all(const struct config *c, struct outq *q, char *err, size_t errlen)
{
	static const struct {
		size_t off;
		int (*open)(const struct config *, struct out_sink **, char *, size_t);
	} sinks[] = {
		{ offsetof(struct config, journal_enabled), out_journal_new },
		{ offsetof(struct config, stdout_enabled), out_stdout_new },
		{ offsetof(struct config, file_enabled), out_file_new },
		{ offsetof(struct config, syslog_enabled), out_syslog_new },
		{ offsetof(struct config, program_enabled), out_program_new },
		{ offsetof(struct config, http.enabled), out_http_new },
	};
	struct out_sink *s;
	size_t i;
	int r, n = 0;

	for (i = 0; i < sizeof(sinks) / sizeof(sinks[0]); i++) {
		if (!*(const bool *)((const char *)c + sinks[i].off))
			continue;
		r = sinks[i].open(c, &s, err, errlen);
		if (r < 0)
			return r;
		r = outq_add_sink(q, s);
		if (r < 0) {
			out_sink_free(s);
			snprintf(err, errlen, "cannot add output: %s", strerror(-r));
			return r;
		}
		n++;
	}
	return n;
}

void out_free_argv(char **argv)
{
	size_t i;

	if (!argv)
		return;
	for (i = 0; argv[i]; i++)
		free(argv[i]);
	free(argv);
}

/* Scans one word starting at *pp into w (as long as the input); NULL at the end. */
static int next_word(const char **pp, char *w, char *err, size_t errlen)
{
	const char *p = *pp;
	char q = 0;
	size_t n = 0;

	for (; *p; p++) {
		if (q == '\'') {
			if (*p == '\'')
				q = 0;
			else
				w[n++] = *p;
		} else if (q == '"') {
			if (*p == '"')
				q = 0;
			else if (*p == '\\' && p[1] && strchr("\"\\$`", p[1]))
				w[n++] = *++p;
			else
				w[n++] = *p;
		} else if (*p == ' ' || *p == '\t' || *p == '\n') {
			break;
		} else if (*p == '\'' || *p == '"') {
			q = *p;
		} else if (*p == '\\') {
			if (!p[1]) {
				snprintf(err, errlen, "command ends with a lone backslash");
				return -EINVAL;
			}
			w[n++] = *++p;
		} else {
			w[n++] = *p;
		}
	}
	if (q) {
		snprintf(err, errlen, "unterminated %c quote in the command", q);
		return -EINVAL;
	}
	w[n] = '\0';
	*pp = p;
	return 0;
}

int out_split_argv(const char *cmd, char ***ret_argv, char *err, size_t errlen)
{
	char **argv = calloc(OUT_MAX_ARGS + 1, sizeof(*argv));
	char *w = malloc(strlen(cmd) + 1);
	const char *p = cmd;
	size_t argc = 0;
	int r = -ENOMEM;

	if (!argv || !w)
		goto fail;
	for (;;) {
		while (*p == ' ' || *p == '\t' || *p == '\n')
			p++;
		if (!*p)
			break;
		if (argc == OUT_MAX_ARGS) {
			snprintf(err, errlen, "more than %d arguments", OUT_MAX_ARGS);
			r = -E2BIG;
			goto fail;
		}
		r = next_word(&p, w, err, errlen);
		if (r < 0)
			goto fail;
		argv[argc] = strdup(w);
		if (!argv[argc++]) {
			r = -ENOMEM;
			goto fail;
		}
	}
	if (!argc) {
		snprintf(err, errlen, "the command is empty");
		r = -EINVAL;
		goto fail;
	}
	free(w);
	*ret_argv = argv;
	return 0;
fail:
	if (r == -ENOMEM)
		snprintf(err, errlen, "out of memory");
	free(w);
	out_free_argv(argv);
	return r;
}

#ifndef HAVE_JOURNAL
int out_journal_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen)
{
	snprintf(err, errlen, "journal_output: saker was built without libsystemd");
	return -EOPNOTSUPP;
}
#endif

#ifndef HAVE_HTTP
int out_http_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen)
{
	snprintf(err, errlen, "http_output: saker was built without libcurl");
	return -EOPNOTSUPP;
}
#endif
