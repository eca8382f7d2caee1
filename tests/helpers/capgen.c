// SPDX-License-Identifier: GPL-2.0-only
/*
 * capgen [-c N] DESCRIPTION OUT.cap: writes the capture a text description
 * asks for, through the real writer (src/capture.c) and record builder
 * (src/recbuild.c). Events and parameters are named as in the ABI table
 * (drivers/common/saker_events.h); every error names file:line. The format
 * is in tests/replay/README.md.
 */
#include <errno.h>
#include <libgen.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/socket.h>
#include <unistd.h>

#include "capgen.h"
#include "capgen_lex.h"
#include "capture.h"
#include "recbuild.h"

#define CG_INCLUDE_DEPTH 4

struct cg cg_g;
static const char *out_path;

static void open_writer(void)
{
	if (cg_g.w)
		return;
	if (cap_writer_open(out_path, &cg_g.hi, cg_g.boot_offset, cg_g.start_ns, &cg_g.w) < 0) {
		perror(out_path);
		exit(73);
	}
}

void cg_die(const char *fmt, ...)
{
	va_list ap;

	fprintf(stderr, "%s:%d: ", cg_g.file, cg_g.line);
	va_start(ap, fmt);
	vfprintf(stderr, fmt, ap);
	va_end(ap);
	fputc('\n', stderr);
	if (out_path)
		unlink(out_path); /* no half-written capture for a runner to trust */
	exit(65);
}

static bool is_snapshot(int type)
{
	return type == SAKER_EV_PROC_SNAPSHOT || type == SAKER_EV_FD_SNAPSHOT;
}

static void snapshot_end(void)
{
	if (!cg_g.in_events && cap_writer_snapshot_end(cg_g.w) < 0)
		cg_die("writing the snapshot end failed");
	cg_g.in_events = true;
}

void cg_write_rec(int type)
{
	if (!is_snapshot(type))
		snapshot_end();
	if (cap_writer_record(cg_g.w, cg_g.rec) < 0)
		cg_die("writing the record failed");
}

static void directive(void)
{
	struct cg_token *t = cg_g.l.t;
	const char *what = t[0].val;

	if (!strcmp(what, "host")) {
		static const char *const keys[CAP_HOST_MAX] = {
			[CAP_HOST_HOSTNAME] = "hostname",
			[CAP_HOST_KERNEL_RELEASE] = "kernel_release",
			[CAP_HOST_KERNEL_VERSION] = "kernel_version",
			[CAP_HOST_MACHINE] = "machine",
			[CAP_HOST_OS] = "os",
			[CAP_HOST_SAKER_VERSION] = "saker_version",
			[CAP_HOST_DRIVER] = "driver",
		};
		for (int i = 1; i < cg_g.l.n; i++) {
			int k = 1;

			while (k < CAP_HOST_MAX && strcmp(keys[k], t[i].key))
				k++;
			if (k == CAP_HOST_MAX)
				cg_die("host: unknown key '%s' (hostname, kernel_release, kernel_version, "
				       "machine, os, saker_version, driver)",
				       t[i].key);
			if (cg_g.w)
				cg_die("host must come before the first record");
			free(cg_g.hi.v[k]);
			cg_g.hi.v[k] = strdup(t[i].val);
		}
	} else if (!strcmp(what, "capture") || !strcmp(what, "trailer")) {
		for (int i = 1; i < cg_g.l.n; i++) {
			uint64_t v;
			uint64_t *dst = !strcmp(t[i].key, "boot_offset") ? &cg_g.boot_offset :
					!strcmp(t[i].key, "start")	 ? &cg_g.start_ns :
					!strcmp(t[i].key, "drops")	 ? &cg_g.drops :
									   NULL;

			if (!dst || (dst == &cg_g.drops) != (what[0] == 't'))
				cg_die("%s: unknown key '%s'", what, t[i].key);
			if (cg_parse_num(t[i].val, &v) < 0)
				cg_die("%s: '%s' is not a number", what, t[i].val);
			if (cg_g.w && what[0] == 'c')
				cg_die("capture must come before the first record");
			*dst = v;
		}
	} else if (!strcmp(what, "snapshot_end")) {
		if (cg_g.l.n != 1)
			cg_die("snapshot_end takes nothing");
		open_writer();
		snapshot_end();
	} else {
		cg_die("unknown directive or event '%s'", what);
	}
}

static void read_file(const char *path, int depth);

static void one_line(const char *text, const char *path, int depth)
{
	char err[512];

	if (text[0] == '%') {
		/* The runner's lines; "%case" starts a new section. */
		if (!strncmp(text, "%case", 5) && (text[5] == ' ' || text[5] == '\n'))
			cg_g.cur_case++;
		return;
	}
	if (cg_g.want_case && cg_g.cur_case && cg_g.cur_case != cg_g.want_case)
		return;
	if (cg_split(text, &cg_g.l, err, sizeof(err)) < 0)
		cg_die("%s", err);
	if (!cg_g.l.n)
		return;
	if (!strcmp(cg_g.l.t[0].val, "include") && !cg_g.l.t[0].key[0]) {
		char dir[4096], inc[8192];

		if (cg_g.l.n != 2)
			cg_die("include takes one file name");
		snprintf(dir, sizeof(dir), "%s", path);
		snprintf(inc, sizeof(inc), "%s/%s", dirname(dir), cg_g.l.t[1].val);
		read_file(inc, depth + 1);
		return;
	}
	if (cg_g.l.t[0].val[0] >= '0' && cg_g.l.t[0].val[0] <= '9' && !cg_g.l.t[0].key[0]) {
		open_writer();
		cg_record();
	} else {
		directive();
	}
}

static void read_file(const char *path, int depth)
{
	const char *file = cg_g.file;
	int line = cg_g.line, cur = cg_g.cur_case;
	char buf[16384];
	FILE *f;

	if (depth > CG_INCLUDE_DEPTH)
		cg_die("includes nested deeper than %d", CG_INCLUDE_DEPTH);
	f = fopen(path, "re");
	if (!f) {
		if (file)
			cg_die("include '%s': %s", path, strerror(errno));
		perror(path);
		exit(66);
	}
	cg_g.file = path;
	cg_g.line = 0;
	if (depth)
		cg_g.cur_case = 0; /* an included file's %case lines are its own */
	while (fgets(buf, sizeof(buf), f)) {
		cg_g.line++;
		if (!strchr(buf, '\n') && !feof(f))
			cg_die("line longer than %zu bytes", sizeof(buf) - 1);
		one_line(buf, path, depth);
	}
	fclose(f);
	cg_g.file = file;
	cg_g.line = line;
	if (depth)
		cg_g.cur_case = cur;
}

int main(int argc, char **argv)
{
	struct cap_trailer tr = { 0 };
	int a = 1;

	cg_g.boot_offset = 1700000000000000000ull; /* 2023-11-14T22:13:20Z at boot */
	cg_g.start_ns = cg_g.boot_offset + 1000000000ull;
	cg_g.ts = 1000000000ull;
	if (argc == 5 && !strcmp(argv[1], "-c")) {
		cg_g.want_case = atoi(argv[2]);
		a = 3;
	}
	if (argc - a != 2 || (a == 3 && cg_g.want_case < 1)) {
		fprintf(stderr, "usage: capgen [-c CASE] DESCRIPTION OUT.cap\n");
		return 64;
	}
	out_path = argv[a + 1];
	read_file(argv[a], 0);
	cg_g.file = argv[a];
	if (cg_g.want_case > cg_g.cur_case)
		cg_die("no %%case number %d (the file has %d)", cg_g.want_case, cg_g.cur_case);
	open_writer();
	tr.records = cap_writer_records(cg_g.w);
	tr.drops = cg_g.drops;
	if (cap_writer_close(cg_g.w, &tr) < 0) {
		perror(argv[a + 1]);
		return 74;
	}
	for (int i = 0; i < cg_g.nprocs; i++)
		free(cg_g.procs[i].rec);
	cap_hostinfo_clear(&cg_g.hi);
	return 0;
}
