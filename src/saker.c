// SPDX-License-Identifier: GPL-2.0-only
/* saker: the command-line tool. Dispatches to a subcommand, nothing else. */
#include <stdio.h>
#include <string.h>

#include "cmd.h"
#include "util.h"

static const struct cmd cmds[] = {
	{ "version", cmd_version, "print the version and the event ABI version" },
	{ "list-events", cmd_list_events, "list the event types and their parameters" },
	{ "capture", cmd_capture, "record events to a capture file" },
	{ "replay", cmd_replay, "read a capture file and print its events" },
	{ "validate", cmd_validate, "check rules files and report every problem" },
	{ "list-fields", cmd_list_fields, "list the fields rules may use" },
};

static void usage(FILE *f)
{
	fprintf(f, "Usage: saker COMMAND [OPTIONS]\n\nCommands:\n");
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		fprintf(f, "  %-12s %s\n", cmds[i].name, cmds[i].summary);
	fprintf(f, "\nRun 'saker COMMAND --help' for a command's options.\n");
}

int main(int argc, char **argv)
{
	if (argc < 2) {
		usage(stderr);
		return EXIT_USAGE;
	}
	if (strcmp(argv[1], "--help") == 0 || strcmp(argv[1], "-h") == 0 ||
	    strcmp(argv[1], "help") == 0) {
		usage(stdout);
		return 0;
	}
	if (strcmp(argv[1], "--version") == 0)
		return cmd_version(1, argv + 1);
	for (size_t i = 0; i < ARRAY_SIZE(cmds); i++)
		if (strcmp(argv[1], cmds[i].name) == 0)
			return cmds[i].run(argc - 1, argv + 1);
	fprintf(stderr, "saker: unknown command '%s'\n", argv[1]);
	usage(stderr);
	return EXIT_USAGE;
}
