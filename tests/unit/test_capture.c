// SPDX-License-Identifier: GPL-2.0-only
/* Capture files: round trip, and a clear error for every kind of damage. */
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "capture.h"
#include "event.h"
#include "recbuild.h"
#include "source.h"
#include "tap.h"

static char dir[] = "/tmp/saker-test-capture-XXXXXX";
static char path[256];

static int write_sample(const char *p, int nrec, bool trailer)
{
	struct cap_hostinfo hi;
	struct cap_writer *w;
	struct cap_trailer tr = { .records = (uint64_t)nrec, .drops = 5 };
	uint8_t rec[512];
	struct rec_builder rb;
	int r;

	cap_hostinfo_local(&hi, "test");
	r = cap_writer_open(p, &hi, 1000000, 2000000, &w);
	cap_hostinfo_clear(&hi);
	if (r < 0)
		return r;
	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_PROC_SNAPSHOT, 1, 100, 100, 0);
	rb_str(&rb, "/bin/bash");
	rb_strlist(&rb, "bash", 5);
	rb_num(&rb, 100);
	rb_num(&rb, 100);
	rb_num(&rb, 1);
	if (rb_end(&rb) < 0 || cap_writer_record(w, rec) < 0)
		return -EIO;
	cap_writer_snapshot_end(w);
	for (int i = 0; i < nrec; i++) {
		char name[64];

		snprintf(name, sizeof(name), "/tmp/file-%d", i);
		/* Half are unlinkat, which the state does not follow (see through_source). */
		rb_begin(&rb, rec, sizeof(rec), i % 2 ? SAKER_EV_OPENAT : SAKER_EV_UNLINKAT,
			 10 + (uint64_t)i, 100, 100, 3);
		rb_num(&rb, (uint64_t)-100);
		rb_str(&rb, name);
		rb_num(&rb, 0);
		if (rb_end(&rb) < 0 || cap_writer_record(w, rec) < 0)
			return -EIO;
	}
	return cap_writer_close(w, trailer ? &tr : NULL);
}

/* Reads the whole file; returns records seen, or -errno with err filled. */
static int read_all(const char *p, char *err, size_t errlen, bool *snap_end)
{
	struct cap_reader *r;
	const void *rec;
	int k, n = 0;

	k = cap_reader_open(p, &r, err, errlen);
	if (k < 0)
		return k;
	while ((k = cap_reader_next(r, &rec)) > 0) {
		if (k == CAP_ITEM_RECORD)
			n++;
		else if (k == CAP_ITEM_SNAPSHOT_END && snap_end)
			*snap_end = true;
	}
	if (k < 0)
		snprintf(err, errlen, "%s", cap_reader_error(r));
	cap_reader_close(r);
	return k < 0 ? k : n;
}

static size_t file_size(const char *p)
{
	struct stat st;

	return stat(p, &st) == 0 ? (size_t)st.st_size : 0;
}

static void roundtrip(void)
{
	struct cap_reader *r;
	const void *rec;
	char err[512] = "";
	bool snap = false;
	struct evt e;
	enum evt_bad why;
	int k, n = 0;

	tap_is_int(write_sample(path, 100, true), 0, "writer writes 100 records");
	tap_is_int(read_all(path, err, sizeof(err), &snap), 101,
		   "reader reads snapshot + 100 records");
	tap_ok(snap, "snapshot end marker is seen");

	k = cap_reader_open(path, &r, err, sizeof(err));
	tap_is_int(k, 0, "reopen");
	tap_is_str(cap_reader_hostinfo(r)->v[CAP_HOST_DRIVER], "test", "host info: driver");
	tap_ok(cap_reader_hostinfo(r)->v[CAP_HOST_KERNEL_RELEASE] != NULL,
	       "host info: kernel release");
	tap_is_int(cap_reader_header(r)->boot_offset_ns, 1000000, "header: boot offset");
	while ((k = cap_reader_next(r, &rec)) > 0)
		if (k == CAP_ITEM_RECORD && evt_decode(&e, rec, SAKER_REC_MAX, NULL, &why) == 0 &&
		    e.hdr.type == SAKER_EV_OPENAT &&
		    strcmp(evt_param_str(&e, 1), "/tmp/file-99") == 0)
			n++;
	tap_is_int(n, 1, "last record's contents survive");
	tap_ok(cap_reader_trailer(r) && cap_reader_trailer(r)->drops == 5, "trailer read");
	cap_reader_close(r);
}

static void through_source(void)
{
	struct source *s;
	struct src_interest want = { 0 };
	struct src_stats st;
	const void *rec;
	char err[256];
	int k, recs = 0, marks = 0;

	tap_is_int(src_replay_open(path, &s, err, sizeof(err)), 0, "replay source opens");
	src_interest_set(&want, SAKER_EV_EXECVE);
	src_set_interest(s, &want);
	while ((k = src_next(s, -1, &rec)) != SRC_EOF && k >= 0) {
		if (k == SRC_RECORD)
			recs++;
		else if (k == SRC_SNAPSHOT_END)
			marks++;
	}
	tap_is_int(recs, 1 + 50,
		   "interest filter passes the snapshot and what the state follows (openat), "
		   "drops the rest (unlinkat)");
	tap_is_int(marks, 1, "replay source reports the end of the snapshot");
	src_stats(s, &st);
	tap_is_int(st.drops[SAKER_DROP_BUFFER_FULL], 5, "replay reports the capture's drops");
	src_close(s);
}

static void truncations(void)
{
	char cut[300], err[512];
	size_t size = file_size(path);
	int bad = 0, unclear = 0, crashes = 0;
	FILE *in = fopen(path, "r");
	char *data = malloc(size);

	if (!in || fread(data, 1, size, in) != size) {
		tap_ok(false, "read sample");
		return;
	}
	fclose(in);
	snprintf(cut, sizeof(cut), "%s/cut", dir);
	/* Every prefix that does not end on a block boundary must be an error. */
	for (size_t n = 0; n < size; n += 3) {
		FILE *out = fopen(cut, "w");
		int k;

		fwrite(data, 1, n, out);
		fclose(out);
		err[0] = '\0';
		k = read_all(cut, err, sizeof(err), NULL);
		if (k < 0) {
			bad++;
			if (!strstr(err, "offset "))
				unclear++;
		} else if (k > 101) {
			crashes++;
		}
	}
	tap_ok(bad > 0, "truncated files are rejected (%d prefixes)", bad);
	tap_is_int(unclear, 0, "every rejection names a byte offset");
	tap_is_int(crashes, 0, "no prefix yields more records than the file has");

	/* A cut in the middle of a record names that record's offset. */
	{
		FILE *out = fopen(cut, "w");

		fwrite(data, 1, size - 100, out);
		fclose(out);
		tap_ok(read_all(cut, err, sizeof(err), NULL) == -EBADMSG &&
			       strstr(err, "truncated block"),
		       "truncation mid-record: %s", err);
	}
	free(data);
}

static void corruptions(void)
{
	char bad[300], err[512];
	size_t size = file_size(path);
	FILE *in = fopen(path, "r");
	char *data = malloc(size);
	int k;

	if (!in || fread(data, 1, size, in) != size)
		return;
	fclose(in);
	snprintf(bad, sizeof(bad), "%s/bad", dir);

#define WRITE_MUTANT(off, byte)         \
	do {                            \
		char *m = malloc(size); \
		FILE *o;                \
		memcpy(m, data, size);  \
		m[off] = (char)(byte);  \
		o = fopen(bad, "w");    \
		fwrite(m, 1, size, o);  \
		fclose(o);              \
		free(m);                \
	} while (0)

	WRITE_MUTANT(0, 'X');
	k = read_all(bad, err, sizeof(err), NULL);
	tap_ok(k == -EBADMSG && strstr(err, "bad magic"), "bad magic: %s", err);

	WRITE_MUTANT(16, 9); /* format major version */
	k = read_all(bad, err, sizeof(err), NULL);
	tap_ok(k == -EPROTONOSUPPORT && strstr(err, "capture format 9."), "future format: %s", err);

	WRITE_MUTANT(20, 7); /* ABI major */
	k = read_all(bad, err, sizeof(err), NULL);
	tap_ok(k == -EPROTONOSUPPORT && strstr(err, "event ABI 7."), "other ABI: %s", err);

	/* Flip every byte of the records region in turn: errors or clean reads only. */
	{
		int errors = 0, unclear = 0;

		for (size_t off = size / 2; off < size / 2 + 600 && off < size; off++) {
			WRITE_MUTANT(off, data[off] ^ 0xff);
			err[0] = '\0';
			k = read_all(bad, err, sizeof(err), NULL);
			if (k < 0) {
				errors++;
				if (!strstr(err, "offset "))
					unclear++;
			}
		}
		tap_ok(errors > 0, "flipped bytes are caught (%d of 600)", errors);
		tap_is_int(unclear, 0, "every corruption error names a byte offset");
	}
	free(data);
}

static void no_trailer(void)
{
	char p[300], err[256];

	snprintf(p, sizeof(p), "%s/notrailer", dir);
	write_sample(p, 3, false);
	tap_is_int(read_all(p, err, sizeof(err), NULL), 4,
		   "a capture cut at a block boundary (killed writer) still reads");
}

int main(void)
{
	char cmd[300];

	if (!mkdtemp(dir))
		tap_skip_all("cannot create a temporary directory");
	snprintf(path, sizeof(path), "%s/sample.cap", dir);
	roundtrip();
	through_source();
	truncations();
	corruptions();
	no_trailer();
	snprintf(cmd, sizeof(cmd), "rm -rf '%s'", dir);
	if (system(cmd) != 0)
		tap_diag("could not remove %s", dir);
	return tap_done();
}
