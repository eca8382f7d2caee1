// SPDX-License-Identifier: GPL-2.0-only
/*
 * The field registry and the evt.* extractors: values extracted from real
 * records built with the record builder, and every field the upstream
 * CENSUS.md lists resolving to a declaration.
 */
#include "config.h"

#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "cond.h"
#include "recbuild.h"
#include "tap.h"

static uint8_t rec[2048];
static struct evt ev;

static void mk_openat(const char *path, uint64_t flags, uint64_t mode, int64_t res)
{
	struct rec_builder rb;
	enum evt_bad why;
	int len;

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_OPENAT, 0, 42, 41, res);
	rb_num(&rb, (uint64_t)-100);
	rb_str(&rb, path);
	rb_num(&rb, flags);
	rb_num(&rb, mode);
	rb_num(&rb, 0x803);
	rb_num(&rb, 99);
	len = rb_end(&rb);
	evt_decode(&ev, rec, (size_t)len, NULL, &why);
	ev.ts = 1700000000123456789ull;
	ev.num = 7;
}

static void write_evt(void)
{
	struct rec_builder rb;
	enum evt_bad why;
	int len;

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_WRITE, 0, 42, 41, 6);
	rb_num(&rb, 1);
	rb_num(&rb, 6);
	rb_bytes(&rb,
		 "\x7f"
		 "ELF\n!",
		 6);
	len = rb_end(&rb);
	evt_decode(&ev, rec, (size_t)len, NULL, &why);
}

/* The text of a field for the current event, or "<NA>". */
static const char *get(const char *name)
{
	static char out[1024];
	struct cond_env *env = cond_env_new();
	struct cond_operand o = { 0 };
	struct field_ctx ctx = { .evt = &ev, .hostname = "node1" };
	const struct field_val *v;
	struct cond_run *run;
	char err[256], nm[256], *br;
	int slot, n;

	snprintf(nm, sizeof(nm), "%s", name);
	br = strchr(nm, '[');
	if (br) {
		*br = 0;
		br[strlen(br + 1)] = 0;
		o.arg = br + 1;
	}
	o.name = nm;
	slot = cond_env_slot(env, &o, FSRC_SYSCALL, err, sizeof(err));
	if (slot < 0) {
		snprintf(out, sizeof(out), "ERR %s", err);
		cond_env_free(env);
		return out;
	}
	run = cond_run_new(env);
	cond_run_begin(run, &ctx);
	n = cond_run_get(run, (unsigned)slot, &v);
	if (n <= 0)
		snprintf(out, sizeof(out), "<NA>");
	else
		field_val_format(cond_env_slot_type(env, (unsigned)slot), v, out, sizeof(out));
	cond_run_free(run);
	cond_env_free(env);
	return out;
}

static void test_evt(void)
{
	mk_openat("/etc/passwd", O_RDONLY, 0, 3);
	tap_is_str(get("evt.type"), "openat", "evt.type");
	tap_is_str(get("syscall.type"), "openat", "syscall.type");
	tap_is_str(get("evt.num"), "7", "evt.num");
	tap_is_str(get("evt.dir"), "<", "evt.dir is always exit");
	tap_is_str(get("evt.res"), "SUCCESS", "evt.res on success");
	tap_is_str(get("evt.rawres"), "3", "evt.rawres");
	tap_is_str(get("evt.failed"), "false", "evt.failed");
	tap_is_str(get("evt.arg.name"), "/etc/passwd", "evt.arg.NAME");
	tap_is_str(get("evt.arg[1]"), "/etc/passwd", "evt.arg[N]");
	tap_is_str(get("evt.arg.fd"), "3", "evt.arg.fd is openat's result");
	tap_is_str(get("evt.rawarg.ino"), "99", "evt.rawarg.NAME is typed");
	tap_is_str(get("evt.rawarg.name"), "/etc/passwd", "evt.rawarg of a string");
	tap_is_str(get("evt.arg.nosuch"),
		   "ERR no event has an argument named 'nosuch' (in 'evt.arg.nosuch')",
		   "unknown argument name refused");
	tap_is_str(get("evt.arg.uid"), "<NA>", "argument of another event: not available");
	tap_ok(strstr(get("evt.args"), "name=/etc/passwd") != NULL, "evt.args lists name=value");
	tap_is_str(get("evt.is_open_read"), "true", "O_RDONLY is a read");
	tap_is_str(get("evt.is_open_write"), "false", "O_RDONLY is not a write");
	tap_is_str(get("evt.rawtime"), "1700000000123456789", "evt.rawtime");
	tap_is_str(get("evt.rawtime.s"), "1700000000", "evt.rawtime.s");
	tap_is_str(get("evt.rawtime.ns"), "123456789", "evt.rawtime.ns");
	tap_is_str(get("evt.time.iso8601"), "2023-11-14T22:13:20.123456789Z", "evt.time.iso8601");
	tap_is_str(get("evt.hostname"), "node1", "evt.hostname");
	tap_is_str(get("evt.source"), "syscall", "evt.source");
	tap_is_str(get("evt.buffer"), "<NA>", "evt.buffer of an event without data");
	mk_openat("/tmp/x", O_WRONLY | O_CREAT, 0755, -13);
	tap_is_str(get("evt.res"), "EACCES", "evt.res names the errno");
	tap_is_str(get("evt.rawres"), "-13", "evt.rawres negative");
	tap_is_str(get("evt.failed"), "true", "evt.failed");
	tap_is_str(get("evt.is_open_write"), "true", "O_WRONLY is a write");
	tap_is_str(get("evt.is_open_read"), "false", "O_WRONLY is not a read");
	tap_is_str(get("evt.is_open_exec"), "true", "created with exec bits");
	mk_openat("/tmp/x", O_RDWR | O_CREAT, 0644, 3);
	tap_is_str(get("evt.is_open_exec"), "false", "created without exec bits");
	tap_is_str(get("evt.is_open_read"), "true", "O_RDWR reads");
	write_evt();
	tap_is_str(get("evt.buffer"), ".ELF.!", "evt.buffer rendered printable");
	tap_is_str(get("evt.buflen"), "6", "evt.buflen");
	tap_is_str(get("evt.is_io_write"), "true", "write is io write");
	tap_is_str(get("evt.is_open_read"), "false", "write is not an open");
	tap_is_str(get("proc.name"), "<NA>", "state fields are not available until registered");
}

static void test_registry(void)
{
	struct field_req r;
	char err[256], *copy = NULL;

	tap_ok(field_count() > 250, "registry declares %zu fields", field_count());
	tap_is_int(field_resolve("evt.arg", NULL, false, &r, &copy, err, sizeof(err)), -EINVAL,
		   "evt.arg needs an argument");
	tap_is_int(field_resolve("proc.aname", "3", true, &r, &copy, err, sizeof(err)), 0,
		   "proc.aname[3] resolves");
	tap_is_int(r.index, 3, "  ... with index 3");
	free(copy);
	tap_is_int(field_resolve("jevt.value", "/a/b", true, &r, &copy, err, sizeof(err)), 0,
		   "jevt.value[/a/b] resolves");
	tap_is_str(r.arg, "/a/b", "  ... path argument kept");
	free(copy);
	tap_is_int(field_resolve("jevt.value", "abc", true, &r, &copy, err, sizeof(err)), -EINVAL,
		   "jevt.value needs a JSON pointer");
	tap_is_int(field_resolve("container.mount.dest", "/var/run/docker.sock", true, &r, &copy,
				 err, sizeof(err)),
		   0, "container.mount.dest[/path] resolves as a key");
	free(copy);
	tap_is_str(field_type_name(field_find("fd.sport")->type), "PORT", "fd.sport is a PORT");
	tap_is_str(field_type_name(field_find("proc.duration")->type), "RELTIME",
		   "proc.duration is RELTIME");
	tap_is_int(field_find("ka.verb")->source, FSRC_K8SAUDIT, "ka.* is k8s_audit");
}

/* Every `field` in CENSUS.md's tables and output list is declared. */
static void test_census(void)
{
	char path[4400], line[8192];
	unsigned n = 0, bad = 0;
	FILE *f;

	snprintf(path, sizeof(path), "%s/../shared/anchors/falco-rules/CENSUS.md",
		 tap_srcdir() ? tap_srcdir() : ".");
	f = fopen(path, "re");
	if (!f) {
		tap_skip(1, "no %s", path);
		return;
	}
	while (fgets(line, sizeof(line), f)) {
		char *p = line, *a, *b;

		if (strncmp(line, "| `", 3) && !strstr(line, "references across"))
			continue;
		while ((a = strchr(p, '`')) && (b = strchr(a + 1, '`'))) {
			char name[512], *br, *copy = NULL, err[256];
			struct field_req r;

			*b = 0;
			p = b + 1;
			if (!strchr(a + 1, '.') || strchr(a + 1, ' ') || b - a > 500)
				continue;
			snprintf(name, sizeof(name), "%s", a + 1);
			br = strchr(name, '[');
			if (br) {
				*br = 0;
				br[strlen(br + 1)] = 0;
			}
			n++;
			if (field_resolve(name, br ? br + 1 : NULL, br != NULL, &r, &copy, err,
					  sizeof(err)) < 0) {
				bad++;
				tap_diag("%s: %s", a + 1, err);
			}
			free(copy);
		}
	}
	fclose(f);
	tap_ok(n > 150 && bad == 0, "all %u CENSUS fields resolve (%u do not)", n, bad);
}

int main(void)
{
	field_init_builtin();
	test_evt();
	test_registry();
	test_census();
	return tap_done();
}
