/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SAKER_TESTS_SCENARIO_H
#define SAKER_TESTS_SCENARIO_H

/* Prints "scenario: WHAT: strerror(errno)", returns 1. */
int scn_die(const char *what);

/* Wrappers (scenario_env.c): "private DIRS -- CMD...", "container CG -- CMD...",
 * "loginuid UID -- CMD...", "tty -- CMD...", "notty -- CMD...", "netns -- CMD...".
 * Returns the exit status, or -1 when argv[1] is not a wrapper. */
int scn_wrap(int argc, char **argv);

/* Single behaviours on files, sockets and the kernel (scenario_acts.c).
 * Returns the exit status, or -1 when argv[1] is not one of them. */
int scn_act(int argc, char **argv);

#endif
