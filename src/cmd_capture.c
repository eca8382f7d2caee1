// SPDX-License-Identifier: GPL-2.0-only
/* saker capture, saker replay */
#include <errno.h>
#include <getopt.h>
#include <signal.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "daemon.h"
#include "procscan.h"
#include "src_ptrace.h"
#include "cmd.h"
#include "event.h"
#include "evtfmt.h"
#include "source.h"
#include "util.h"

static volatile sig_atomic_t stop;

static void on_signal(int sig)
{
	stop = 1;
}

/* "execve,openat" -> interest bitmap. Returns 0 or -EINVAL naming the bad one. */
static int parse_types(const char *list, struct src_interest *want)
{
	char *dup = strdup(list), *save = NULL;
	int r = 0;

	if (!dup)
		return -ENOMEM;
	for (char *t = strtok_r(dup, ",", &save); t; t = strtok_r(NULL, ",", &save)) {
		int type = evt_type_by_name(t);

		if (type < 0) {
			fprintf(stderr,
				"saker: unknown event type '%s' (see 'saker list-events')\n", t);
			r = -EINVAL;
			break;
		}
		src_interest_set(want, (unsigned)type);
	}
	free(dup);
	return r;
}

static int snapshot_record(void *w, const void *rec, size_t len)
{
	return cap_writer_record(w, rec);
}

static void capture_usage(FILE *f)
{
	fprintf(f,
		"Usage: saker capture -w FILE [--driver DRIVER] [-i INPUT] [-e TYPES] [-n COUNT]\n"
		"                     [-- COMMAND [ARGS...]]\n\n"
		"Record events into a capture file that 'saker replay' reads.\n\n"
		"  -w, --write FILE     capture file to write ('-' for stdout)\n"
		"  -d, --driver DRIVER  auto, kmod, ebpf, ptrace or replay (default: auto)\n"
		"  -i, --input FILE     with --driver replay: the capture to read from\n"
		"  -e, --events TYPES   only these event types (comma-separated)\n"
		"  -n, --count N        stop after N events (the snapshot does not count)\n"
		"  -- COMMAND ARGS      with --driver ptrace: trace COMMAND; its exit status passes through\n"
		"Captures from the kernel drivers start with a snapshot of every process and fd.\n"
		"Stops on SIGINT or SIGTERM, or when the source ends.\n");
}

int cmd_capture(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "write", required_argument, NULL, 'w' },
		{ "driver", required_argument, NULL, 'd' },
		{ "input", required_argument, NULL, 'i' },
		{ "events", required_argument, NULL, 'e' },
		{ "count", required_argument, NULL, 'n' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct src_config cfg = { .driver = "auto" };
	struct src_interest want = { 0 };
	const char *out = NULL, *events = NULL;
	unsigned long long count = 0, live = 0;
	struct cap_hostinfo hi;
	struct cap_writer *w = NULL;
	struct source *s = NULL;
	struct src_stats st = { 0 };
	struct cap_trailer tr = { 0 };
	char err[512];
	int c, k, ret = 0;

	while ((c = getopt_long(argc, argv, "+w:d:i:e:n:h", opts, NULL)) != -1) {
		switch (c) {
		case 'w':
			out = optarg;
			break;
		case 'd':
			cfg.driver = optarg;
			break;
		case 'i':
			cfg.input = optarg;
			break;
		case 'e':
			events = optarg;
			break;
		case 'n':
			count = strtoull(optarg, NULL, 10);
			break;
		case 'h':
			capture_usage(stdout);
			return 0;
		default:
			capture_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind < argc)
		cfg.argv = argv + optind;
	if (!out) {
		capture_usage(stderr);
		return EXIT_USAGE;
	}
	if (events && parse_types(events, &want) < 0)
		return EXIT_USAGE;
	/*
	 * Before anything slow: a SIGINT during the driver's load or the /proc
	 * snapshot must end the capture, not be lost (a shell starts background
	 * jobs with SIGINT ignored until a handler is set).
	 */
	signal(SIGINT, on_signal);
	signal(SIGTERM, on_signal);
	k = src_open(&cfg, &s, err, sizeof(err));
	if (k < 0) {
		fprintf(stderr, "saker: %s\n", err);
		return k == -ENOTSUP ? EXIT_UNAVAILABLE : EXIT_NOINPUT;
	}
	if (events)
		src_set_interest(s, &want);
	cap_hostinfo_local(&hi, s->driver);
	k = cap_writer_open(out, &hi, s->boot_offset_ns, s->start_ns, &w);
	cap_hostinfo_clear(&hi);
	if (k < 0) {
		fprintf(stderr, "saker: cannot write '%s': %s\n", out, strerror(-k));
		src_close(s);
		return EXIT_CANTCREAT;
	}
	/* The kernel drivers start mid-flight: record what already runs. */
	if (strcmp(s->driver, "ebpf") == 0 || strcmp(s->driver, "kmod") == 0) {
		k = procscan_all("/proc", PROCSCAN_FDS | PROCSCAN_THREADS, snapshot_record, w);
		if (k >= 0)
			k = cap_writer_snapshot_end(w);
		if (k < 0)
			fprintf(stderr, "saker: /proc snapshot incomplete: %s\n", strerror(-k));
	}
	/* -n counts events, not the /proc snapshot written before them. */
	while (!stop && (!count || live < count)) {
		const void *rec;

		k = src_next(s, 200, &rec);
		if (k == SRC_EOF)
			break;
		if (k < 0) {
			fprintf(stderr, "saker: reading events: %s\n",
				s->error[0] ? s->error : strerror(-k));
			ret = EXIT_DATAERR;
			break;
		}
		if (k == SRC_SNAPSHOT_END)
			k = cap_writer_snapshot_end(w);
		else if (k == SRC_RECORD && (k = cap_writer_record(w, rec)) == 0)
			live++;
		if (k < 0) {
			fprintf(stderr, "saker: writing '%s': %s\n", out, strerror(-k));
			ret = EXIT_CANTCREAT;
			break;
		}
	}
	if (cfg.argv && src_ptrace_exit_status(s, &k) == 0 && !ret)
		ret = src_ptrace_exit_code(k);
	src_stats(s, &st);
	tr.records = cap_writer_records(w);
	for (int i = 0; i < SAKER_DROP_MAX; i++)
		tr.drops += st.drops[i];
	k = cap_writer_close(w, &tr);
	if (k < 0 && !ret) {
		fprintf(stderr, "saker: closing '%s': %s\n", out, strerror(-k));
		ret = EXIT_CANTCREAT;
	}
	fprintf(stderr, "saker: %llu records written, %llu snapshot records, %llu dropped\n", live,
		(unsigned long long)tr.records - live, (unsigned long long)tr.drops);
	src_close(s);
	return ret;
}

static void replay_usage(FILE *f)
{
	fprintf(f, "Usage: saker replay FILE [-e TYPES] [-r RULES [-r RULES...] [--json] "
		   "[--profile]]\n\n"
		   "Read a capture file and print its events, one per line; with -r, run the\n"
		   "rules over it (state seeded from the capture's snapshot) and print the\n"
		   "alerts instead, as text or Falco's JSON. The same capture and rules give the\n"
		   "same alerts, except that the names rules compare fd.*ip.name with are looked\n"
		   "up on this host, now (as Falco does).\n\n"
		   "  -e, --events TYPES   only these event types (comma-separated)\n"
		   "  -r, --rules FILE     rules file or directory (repeatable)\n"
		   "  -j, --json           alerts as JSON\n"
		   "  -p, --profile        time every rule on every event and print, at the end\n"
		   "                       (standard error), what each cost, costliest first\n");
}

int cmd_replay(int argc, char **argv)
{
	static const struct option opts[] = {
		{ "events", required_argument, NULL, 'e' },
		{ "rules", required_argument, NULL, 'r' },
		{ "json", no_argument, NULL, 'j' },
		{ "profile", no_argument, NULL, 'p' },
		{ "help", no_argument, NULL, 'h' },
		{ 0 },
	};
	struct daemon_opts dopts = { 0 };
	char *rules[64];
	size_t nrules = 0;
	bool json = false;
	struct src_config cfg = { .driver = "replay" };
	struct src_interest want = { 0 };
	struct evt_decode_stats ds = { 0 };
	const char *events = NULL;
	struct source *s;
	uint64_t num = 0;
	char err[512], line[8192];
	int c, k, ret = 0;

	while ((c = getopt_long(argc, argv, "e:r:jph", opts, NULL)) != -1) {
		switch (c) {
		case 'e':
			events = optarg;
			break;
		case 'r':
			if (nrules == ARRAY_SIZE(rules)) {
				fprintf(stderr, "saker: too many -r options\n");
				return EXIT_USAGE;
			}
			rules[nrules++] = optarg;
			break;
		case 'j':
			json = true;
			break;
		case 'p':
			dopts.profile_rules = true;
			break;
		case 'h':
			replay_usage(stdout);
			return 0;
		default:
			replay_usage(stderr);
			return EXIT_USAGE;
		}
	}
	if (optind + 1 != argc) {
		replay_usage(stderr);
		return EXIT_USAGE;
	}
	if (dopts.profile_rules && !nrules) {
		fprintf(stderr, "saker: --profile times rules: give them with -r\n");
		return EXIT_USAGE;
	}
	if (nrules) {
		/*
		 * Rules over a capture: the daemon's own path, alerts to stdout
		 * only, and nothing the host's configuration would also listen
		 * on or follow (a running sakerd holds its ports).
		 */
		char *overrides[] = { "driver=replay",
				      "stdout_output.enabled=true",
				      "journal_output.enabled=false",
				      "file_output.enabled=false",
				      "syslog_output.enabled=false",
				      "program_output.enabled=false",
				      "http_output.enabled=false",
				      "metrics.enabled=false",
				      "webserver.listen=",
				      "k8s_audit.listen=",
				      "k8s_audit.file=",
				      json ? "json_output=true" : "json_output=false",
				      "rule_matching=all" };

		dopts.overrides = overrides;
		dopts.n_overrides = ARRAY_SIZE(overrides);
		dopts.rules = rules;
		dopts.n_rules = nrules;
		dopts.capture_file = argv[optind];
		dopts.quiet = true;
		return daemon_run(&dopts);
	}
	if (events && parse_types(events, &want) < 0)
		return EXIT_USAGE;
	cfg.input = argv[optind];
	k = src_open(&cfg, &s, err, sizeof(err));
	if (k < 0) {
		fprintf(stderr, "saker: %s\n", err);
		return k == -EBADMSG || k == -EPROTONOSUPPORT ? EXIT_DATAERR : EXIT_NOINPUT;
	}
	if (events)
		src_set_interest(s, &want);
	for (;;) {
		const void *rec;
		struct evt e;

		k = src_next(s, -1, &rec);
		if (k == SRC_EOF)
			break;
		if (k < 0) {
			fprintf(stderr, "saker: %s\n", s->error[0] ? s->error : strerror(-k));
			ret = EXIT_DATAERR;
			break;
		}
		if (k != SRC_RECORD)
			continue;
		if (evt_decode(&e, rec, SAKER_REC_MAX, &ds, NULL) < 0)
			continue;
		e.ts = e.hdr.ts + s->boot_offset_ns;
		e.num = ++num;
		evtfmt_line(&e, line, sizeof(line));
		puts(line);
	}
	src_close(s);
	return ret;
}
