// SPDX-License-Identifier: GPL-2.0-only
/*
 * mkcap: writes a small capture file through the real writer, for the CLI
 * tests: a two-process snapshot, then an execve, an openat and a connect.
 */
#include <arpa/inet.h>
#include <stdio.h>
#include <sys/socket.h>

#include "capture.h"
#include "recbuild.h"

static uint8_t rec[4096];

static void proc(struct rec_builder *rb, uint16_t type, uint32_t tid, uint32_t ptid,
		 const char *exe, const char *argv, size_t argvlen, int64_t res)
{
	rb_begin(rb, rec, sizeof(rec), type, 1000 + tid, tid, tid, res);
	rb_str(rb, exe); /* filename */
	rb_strlist(rb, argv, argvlen); /* argv */
	rb_num(rb, tid); /* tid */
	rb_num(rb, tid); /* pid */
	rb_num(rb, ptid); /* ptid */
	for (int i = 0; i < 5; i++) /* pgid sid vtid vpid vpgid */
		rb_num(rb, tid);
	rb_str(rb, "/root"); /* cwd */
	rb_str(rb, argv); /* comm */
	rb_str(rb, exe); /* exepath */
}

int main(int argc, char **argv)
{
	struct rec_builder rb;
	struct cap_writer *w;
	struct cap_trailer tr = { 0 };
	uint8_t lo[4] = { 127, 0, 0, 1 };

	if (argc != 2) {
		fprintf(stderr, "usage: mkcap FILE\n");
		return 64;
	}
	if (cap_writer_open(argv[1], NULL, 0, 0, &w) < 0) {
		perror(argv[1]);
		return 1;
	}
	proc(&rb, SAKER_EV_PROC_SNAPSHOT, 1, 0, "/sbin/init", "init", 5, 0);
	rb_end(&rb);
	cap_writer_record(w, rec);
	proc(&rb, SAKER_EV_PROC_SNAPSHOT, 100, 1, "/usr/sbin/nginx", "nginx", 6, 0);
	rb_end(&rb);
	cap_writer_record(w, rec);
	cap_writer_snapshot_end(w);

	proc(&rb, SAKER_EV_EXECVE, 100, 1, "/bin/sh", "sh\0-c\0id", 9, 0);
	rb_end(&rb);
	cap_writer_record(w, rec);

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_OPENAT, 5000, 100, 100, 3);
	rb_num(&rb, (uint64_t)-100);
	rb_str(&rb, "/etc/shadow");
	rb_num(&rb, 0);
	rb_end(&rb);
	cap_writer_record(w, rec);

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_CONNECT, 6000, 100, 100, 0);
	rb_num(&rb, 4);
	rb_sockaddr_in(&rb, AF_INET, lo, 4444);
	rb_tuple_in(&rb, AF_INET, lo, 50000, lo, 4444);
	rb_end(&rb);
	cap_writer_record(w, rec);

	tr.records = 5;
	return cap_writer_close(w, &tr) < 0;
}
