/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The alert sinks. Each constructor returns a sink for outq_add_sink(), or
 * a -errno with a message in err. out_open_all() opens every sink the
 * configuration enables.
 */
#ifndef SAKER_OUT_H
#define SAKER_OUT_H

#include <stddef.h>

#include "configfile.h"
#include "outq.h"

/* MESSAGE_IDs: one for rule alerts, one for saker's own health messages. */
#define OUT_JOURNAL_MSGID_ALERT "43ba49ee1a594c52bf690ce13f0ea640"
#define OUT_JOURNAL_MSGID_HEALTH "7ba8126524744c009de33d28540b23bc"

/* The format every sink uses, from json_output and friends. */
struct alert_fmt out_fmt_from_config(const struct config *c);

int out_stdout_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen);
int out_file_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen);
int out_syslog_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen);
int out_program_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen);
int out_journal_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen);
int out_http_new(const struct config *c, struct out_sink **ret, char *err, size_t errlen);

/* Adds every enabled sink to q (before outq_start). Returns the count. */
int out_open_all(const struct config *c, struct outq *q, char *err, size_t errlen);

/*
 * Splits a command line into argv without a shell: words separated by
 * blanks, '...' literal, "..." with \" \\ \$ \` escapes, \ outside quotes
 * escapes the next character. No expansion of any kind.
 */
#define OUT_MAX_ARGS 256
int out_split_argv(const char *cmd, char ***ret_argv, char *err, size_t errlen);
void out_free_argv(char **argv);

#endif /* SAKER_OUT_H */
