/* SPDX-License-Identifier: GPL-2.0-only */
/* The `saker` CLI's subcommands. Each returns the process exit status. */
#ifndef SAKER_CMD_H
#define SAKER_CMD_H

struct cmd {
	const char *name;
	int (*run)(int argc, char **argv);
	const char *summary;
};

int cmd_version(int argc, char **argv);
int cmd_list_events(int argc, char **argv);
int cmd_capture(int argc, char **argv);
int cmd_replay(int argc, char **argv);
int cmd_validate(int argc, char **argv);
int cmd_list_fields(int argc, char **argv);

/* Exit statuses (sysexits.h values where one fits). */
#define EXIT_USAGE 64
#define EXIT_DATAERR 65
#define EXIT_NOINPUT 66
#define EXIT_UNAVAILABLE 69
#define EXIT_CANTCREAT 73
#define EXIT_CONFIG 78

#endif /* SAKER_CMD_H */
