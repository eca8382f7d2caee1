/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Capture files: see docs/capture-format.md. The writer appends blocks; the
 * reader validates every block before handing it out and reports the byte
 * offset of the first thing that is wrong.
 */
#ifndef SAKER_CAPTURE_H
#define SAKER_CAPTURE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker_abi.h"

#define CAP_MAGIC "SAKERCAP"
#define CAP_VERSION_MAJOR 1
#define CAP_VERSION_MINOR 0

enum cap_block_type {
	CAP_BLK_HEADER = 1, /* struct cap_header */
	CAP_BLK_HOSTINFO = 2, /* key/value strings */
	CAP_BLK_RECORD = 3, /* one record */
	CAP_BLK_SNAPSHOT_END = 4, /* records before it are the state snapshot */
	CAP_BLK_TRAILER = 5, /* counters; written by a clean close */
};

struct cap_block_hdr {
	uint32_t type;
	uint32_t len; /* including this header, a multiple of 8 */
};

struct cap_header {
	uint16_t version_major;
	uint16_t version_minor;
	uint16_t abi_major;
	uint16_t abi_minor;
	uint64_t boot_offset_ns; /* add to a record's ts for epoch ns */
	uint64_t start_ns; /* epoch ns when the capture started */
};

/* Host-info keys (each value a string). */
enum cap_host_key {
	CAP_HOST_HOSTNAME = 1,
	CAP_HOST_KERNEL_RELEASE,
	CAP_HOST_KERNEL_VERSION,
	CAP_HOST_MACHINE,
	CAP_HOST_OS,
	CAP_HOST_SAKER_VERSION,
	CAP_HOST_DRIVER,
	CAP_HOST_MAX
};

struct cap_hostinfo {
	char *v[CAP_HOST_MAX]; /* NULL where unknown */
};

struct cap_trailer {
	uint64_t records;
	uint64_t drops;
};

#define CAP_BLOCK_MAX (SAKER_REC_MAX + 64)

struct cap_writer;
/* Fills hostinfo from uname(2) and /etc/os-release. */
int cap_hostinfo_local(struct cap_hostinfo *hi, const char *driver);
void cap_hostinfo_clear(struct cap_hostinfo *hi);

int cap_writer_open(const char *path, const struct cap_hostinfo *hi, uint64_t boot_offset_ns,
		    uint64_t start_ns, struct cap_writer **ret);
int cap_writer_record(struct cap_writer *w, const void *rec);
int cap_writer_snapshot_end(struct cap_writer *w);
/* Writes the trailer (unless tr is NULL), flushes and closes. */
int cap_writer_close(struct cap_writer *w, const struct cap_trailer *tr);
uint64_t cap_writer_records(const struct cap_writer *w);

struct cap_reader;
enum cap_item {
	CAP_ITEM_END = 0,
	CAP_ITEM_RECORD,
	CAP_ITEM_SNAPSHOT_END,
};
/* On failure *ret is NULL and err holds "PATH: offset N: what". */
int cap_reader_open(const char *path, struct cap_reader **ret, char *err, size_t errlen);
/* Opens an already-open fd; takes ownership. name is used in messages. */
int cap_reader_fdopen(int fd, const char *name, struct cap_reader **ret, char *err, size_t errlen);
/*
 * Next item: CAP_ITEM_RECORD (*ret_rec points at a validated record, valid
 * until the next call), CAP_ITEM_SNAPSHOT_END, CAP_ITEM_END, or -errno with
 * the reason in cap_reader_error().
 */
int cap_reader_next(struct cap_reader *r, const void **ret_rec);
const char *cap_reader_error(const struct cap_reader *r);
const struct cap_header *cap_reader_header(const struct cap_reader *r);
const struct cap_hostinfo *cap_reader_hostinfo(const struct cap_reader *r);
/* The trailer, once CAP_ITEM_END was returned; NULL if the file had none. */
const struct cap_trailer *cap_reader_trailer(const struct cap_reader *r);
uint64_t cap_reader_offset(const struct cap_reader *r);
void cap_reader_close(struct cap_reader *r);

#endif /* SAKER_CAPTURE_H */
