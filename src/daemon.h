/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The daemon: one event loop that takes records from the source, updates
 * the state, runs the rules and queues alerts; plus reload, stats, health
 * and the systemd protocol. sakerd.c parses arguments and calls this.
 */
#ifndef SAKER_DAEMON_H
#define SAKER_DAEMON_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

/* Exit statuses (sysexits.h values), documented in sakerd(8). */
#define SAKERD_EXIT_OK 0
#define SAKERD_EXIT_USAGE 64
#define SAKERD_EXIT_DATAERR 65 /* a capture file or rules file is malformed */
#define SAKERD_EXIT_NOINPUT 66 /* a file named on the command line is missing */
#define SAKERD_EXIT_UNAVAILABLE 69 /* no usable driver */
#define SAKERD_EXIT_SOFTWARE 70 /* internal error */
#define SAKERD_EXIT_OSERR 71 /* out of memory, thread creation, ... */
#define SAKERD_EXIT_CONFIG 78 /* configuration or rules do not load */

struct daemon_opts {
	const char *config_path; /* NULL: the default, if it exists */
	bool config_explicit; /* -c given: a missing file is an error */
	char **overrides; /* "key=value", in order */
	size_t n_overrides;
	char **rules; /* -r, replacing rules_files when any */
	size_t n_rules;
	char **disable_tags; /* -T */
	size_t n_disable_tags;
	char **enable_tags; /* -t: only rules with one of these tags */
	size_t n_enable_tags;
	char **disable_names; /* -D: substring of rule names */
	size_t n_disable_names;
	char *const *command; /* ptrace launch mode */
	const int *pids; /* ptrace attach mode */
	size_t npids;
	const char *capture_file; /* -e / replay */
	const char *ready_file; /* touched once running (tests, benchmarks) */
	bool list_rules; /* -L */
	bool quiet; /* no "ready" or statistics lines (saker replay) */
	bool profile_rules; /* time every rule on every event; print the costs at the end */
	bool verbose;
};

/* Runs until SIGTERM/SIGINT or the end of the source; returns the exit status. */
int daemon_run(const struct daemon_opts *o);
/* Loads configuration and rules, reports problems, runs nothing. */
int daemon_validate(const struct daemon_opts *o);

#endif /* SAKER_DAEMON_H */
