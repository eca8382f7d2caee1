// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkcorpus: writes the fuzzers' seed corpora with the real record builder
 * and capture writer: one record of every event type with every parameter
 * filled (tests/fuzz/corpus/record/) and a few small captures
 * (tests/fuzz/corpus/capture/). The files are checked in; rerun it when the
 * event table grows: mkcorpus DIR (DIR is tests/fuzz/corpus).
 */
#include <arpa/inet.h>
#include <errno.h>
#include <stdio.h>
#include <string.h>
#include <sys/socket.h>

#include "capture.h"
#include "recbuild.h"

static uint8_t rec[SAKER_REC_MAX];

/* Fills parameter i of the record being built with a typical value. */
static void fill(struct rec_builder *rb, const struct evt_param_info *pi, int variant)
{
	static const uint8_t lo[4] = { 127, 0, 0, 1 }, v6[16] = { [15] = 1 };

	switch (pi->type) {
	case SAKER_PT_STR:
		rb_str(rb, variant ? "" : "bash");
		break;
	case SAKER_PT_PATH:
	case SAKER_PT_RELPATH:
		rb_str(rb, variant ? "rel/x" : "/etc/shadow");
		break;
	case SAKER_PT_STRLIST:
		rb_strlist(rb, "sh\0-c\0id", 9);
		break;
	case SAKER_PT_BYTES:
		rb_bytes(rb, "GET / HTTP/1.1\r\n", 16);
		break;
	case SAKER_PT_SOCKADDR:
		if (variant)
			rb_sockaddr_un(rb, "/run/x.sock");
		else
			rb_sockaddr_in(rb, AF_INET, lo, 4444);
		break;
	case SAKER_PT_SOCKTUPLE:
		if (variant)
			rb_tuple_un(rb, 1, 2, "@abs");
		else
			rb_tuple_in(rb, AF_INET6, v6, 50000, v6, 22);
		break;
	case SAKER_PT_FLAGS:
	case SAKER_PT_ENUM:
		rb_num(rb, variant ? 0xffffffffu : 0x241);
		break;
	case SAKER_PT_FD:
		rb_num(rb, variant ? (uint64_t)-100 : 3);
		break;
	default:
		rb_num(rb, variant ? UINT64_MAX : 0755);
		break;
	}
}

static int build(int type, int variant)
{
	const struct evt_info *info = &evt_table[type];
	struct rec_builder rb;

	rb_begin(&rb, rec, sizeof(rec), (uint16_t)type, 1000 + type, 100, 100, variant ? -2 : 3);
	for (int i = 0; i < info->nparams; i++)
		fill(&rb, &info->params[i], variant);
	return rb_end(&rb);
}

static int write_file(const char *path, const void *p, size_t n)
{
	FILE *f = fopen(path, "wbe");

	if (!f || fwrite(p, 1, n, f) != n) {
		perror(path);
		if (f)
			fclose(f);
		return -1;
	}
	return fclose(f);
}

static int records(const char *dir)
{
	char path[4096];

	for (int t = 0; t < SAKER_EV_MAX; t++)
		for (int v = 0; v < 2; v++) {
			int n = build(t, v);

			if (n < 0)
				return n;
			snprintf(path, sizeof(path), "%s/record/%s-%d", dir, evt_table[t].name, v);
			if (write_file(path, rec, (size_t)n) < 0)
				return -EIO;
		}
	return 0;
}

/* types: the event types to write after the snapshot; trailer: close cleanly. */
static int capture(const char *path, const int *types, int ntypes, bool trailer)
{
	struct cap_hostinfo hi = { 0 };
	struct cap_trailer tr = { .records = (uint64_t)ntypes };
	struct cap_writer *w;
	int r;

	hi.v[CAP_HOST_HOSTNAME] = "fuzz";
	hi.v[CAP_HOST_DRIVER] = "replay";
	r = cap_writer_open(path, &hi, 1000, 2000, &w);
	if (r < 0)
		return r;
	if (build(SAKER_EV_PROC_SNAPSHOT, 0) > 0)
		cap_writer_record(w, rec);
	cap_writer_snapshot_end(w);
	for (int i = 0; i < ntypes; i++)
		if (build(types[i], i & 1) > 0)
			cap_writer_record(w, rec);
	return cap_writer_close(w, trailer ? &tr : NULL);
}

int main(int argc, char **argv)
{
	static const int some[] = { SAKER_EV_EXECVE, SAKER_EV_OPENAT, SAKER_EV_CONNECT,
				    SAKER_EV_ACCEPT4, SAKER_EV_PTRACE };
	static const int one[] = { SAKER_EV_SETUID };
	char path[4096];

	if (argc != 2) {
		fprintf(stderr, "usage: mkcorpus DIR\n");
		return 64;
	}
	if (records(argv[1]) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/capture/some-events", argv[1]);
	if (capture(path, some, 5, true) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/capture/no-trailer", argv[1]);
	if (capture(path, one, 1, false) < 0)
		return 1;
	snprintf(path, sizeof(path), "%s/capture/snapshot-only", argv[1]);
	return capture(path, NULL, 0, true) < 0;
}
