// SPDX-License-Identifier: GPL-2.0-only
/* sakerd: parses the command line and hands over to the daemon. */
#include <getopt.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "daemon.h"
#include "saker_abi.h"
#include "util.h"

static void usage(FILE *f)
{
	fprintf(f,
		"Usage: sakerd [OPTIONS] [-- COMMAND [ARGS...]]\n\n"
		"Watch system calls, run them through Falco-language rules, raise alerts.\n\n"
		"  -c FILE              configuration (default " SAKER_SYSCONFDIR "/saker.yaml)\n"
		"  -o KEY=VALUE         override a configuration key (repeatable)\n"
		"  -r FILE|DIR          rules file or directory; replaces rules_files (repeatable)\n"
		"      --driver NAME    auto, kmod, ebpf, ptrace or replay (= -o driver=NAME)\n"
		"  -e FILE              replay a capture file (= --driver replay)\n"
		"      --pid PID[,PID]  ptrace driver, attach mode: trace running processes.\n"
		"                       Attached processes stop on every system call (no seccomp\n"
		"                       filter can be added to a running process): expect\n"
		"                       overhead; launch mode (-- COMMAND) filters in the kernel\n"
		"  -- COMMAND ARGS      ptrace driver, launch mode: trace COMMAND and its children;\n"
		"                       sakerd exits with COMMAND's status\n"
		"  -T TAG               disable rules with this tag (repeatable)\n"
		"  -t TAG               enable only rules with this tag (repeatable)\n"
		"  -D TEXT              disable rules whose name contains TEXT (repeatable)\n"
		"  -L                   list the loaded rules and exit\n"
		"  -V, --validate FILE  check rules files and exit (see also: saker validate)\n"
		"      --ready-file F   create F once running (for scripts)\n"
		"  -v                   verbose\n"
		"      --version        print the version\n\n"
		"Drivers built in: kmod%s ptrace replay\n"
		"Signals: HUP reloads configuration and rules, USR1 reopens output files,\n"
		"USR2 logs statistics, TERM/INT stop after flushing alerts.\n",
#ifdef HAVE_EBPF
		" ebpf"
#else
		""
#endif
	);
}

static int push(char ***v, size_t *n, char *s)
{
	char **nv = realloc(*v, (*n + 1) * sizeof(*nv));

	if (!nv)
		return -1;
	nv[(*n)++] = s;
	*v = nv;
	return 0;
}

/* "12,34" -> pids; exits on garbage. */
static int *parse_pids(const char *s, size_t *ret_n)
{
	size_t n = 0;
	int *pids = NULL;
	char *copy = strdup(s), *save = NULL;

	for (char *t = strtok_r(copy, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		char *end;
		long v = strtol(t, &end, 10);
		int *np;

		if (*end || v <= 0 || v > 4194304) {
			fprintf(stderr, "sakerd: --pid: '%s' is not a process id\n", t);
			exit(SAKERD_EXIT_USAGE);
		}
		np = realloc(pids, (n + 1) * sizeof(*pids));
		if (!np)
			exit(SAKERD_EXIT_OSERR);
		pids = np;
		pids[n++] = (int)v;
	}
	free(copy);
	*ret_n = n;
	return pids;
}

int main(int argc, char **argv)
{
	enum { OPT_DRIVER = 256, OPT_PID, OPT_READY, OPT_VERSION };
	static const struct option opts[] = {
		{ "driver", required_argument, NULL, OPT_DRIVER },
		{ "pid", required_argument, NULL, OPT_PID },
		{ "ready-file", required_argument, NULL, OPT_READY },
		{ "validate", required_argument, NULL, 'V' },
		{ "version", no_argument, NULL, OPT_VERSION },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct daemon_opts o = { 0 };
	char **validate = NULL;
	size_t nvalidate = 0;
	int *pids = NULL;
	int c;

	while ((c = getopt_long(argc, argv, "+c:o:r:e:T:t:D:LV:vh", opts, NULL)) != -1) {
		char *d;

		switch (c) {
		case 'c':
			o.config_path = optarg;
			o.config_explicit = true;
			break;
		case 'o':
			push(&o.overrides, &o.n_overrides, optarg);
			break;
		case 'r':
			push(&o.rules, &o.n_rules, optarg);
			break;
		case 'e':
			o.capture_file = optarg;
			push(&o.overrides, &o.n_overrides, "driver=replay");
			break;
		case OPT_DRIVER:
			if (asprintf(&d, "driver=%s", optarg) < 0)
				return SAKERD_EXIT_OSERR;
			push(&o.overrides, &o.n_overrides, d);
			break;
		case OPT_PID:
			pids = parse_pids(optarg, &o.npids);
			o.pids = pids;
			break;
		case 'T':
			push(&o.disable_tags, &o.n_disable_tags, optarg);
			break;
		case 't':
			push(&o.enable_tags, &o.n_enable_tags, optarg);
			break;
		case 'D':
			push(&o.disable_names, &o.n_disable_names, optarg);
			break;
		case 'L':
			o.list_rules = true;
			break;
		case 'V':
			push(&validate, &nvalidate, optarg);
			break;
		case OPT_READY:
			o.ready_file = optarg;
			break;
		case 'v':
			o.verbose = true;
			break;
		case OPT_VERSION:
			printf("sakerd %s (event ABI %d.%d)\n", PACKAGE_VERSION, SAKER_ABI_MAJOR,
			       SAKER_ABI_MINOR);
			return 0;
		case 'h':
			usage(stdout);
			return 0;
		default:
			usage(stderr);
			return SAKERD_EXIT_USAGE;
		}
	}
	if (optind < argc)
		o.command = argv + optind;
	if (nvalidate) {
		/* --validate is rules loading without running: same code as -L. */
		o.rules = validate;
		o.n_rules = nvalidate;
		o.list_rules = true;
		o.verbose = false;
		return daemon_validate(&o);
	}
	c = daemon_run(&o);
	free(pids);
	return c;
}
