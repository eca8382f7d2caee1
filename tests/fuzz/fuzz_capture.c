// SPDX-License-Identifier: GPL-2.0-only
/*
 * The capture reader over arbitrary bytes: open them through a memfd, read
 * every item, decode and render every record. A bad file must end in an
 * error with a message, never a crash or a read out of bounds.
 */
#include "config.h"

#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "capture.h"
#include "event.h"
#include "evtfmt.h"
#include "fuzz.h"

static int open_bytes(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-capture", MFD_CLOEXEC);
	size_t off = 0;

	if (fd < 0)
		return -1;
	while (off < size) {
		ssize_t n = write(fd, data + off, size - off);

		if (n <= 0) {
			close(fd);
			return -1;
		}
		off += (size_t)n;
	}
	if (lseek(fd, 0, SEEK_SET) != 0) {
		close(fd);
		return -1;
	}
	return fd;
}

static void read_all(struct cap_reader *r)
{
	static char line[1 << 17];
	const void *rec;
	int k;

	while ((k = cap_reader_next(r, &rec)) > 0) {
		struct saker_rec_hdr h;
		enum evt_bad why;
		struct evt e;

		if (k != CAP_ITEM_RECORD)
			continue;
		memcpy(&h, rec, sizeof(h));
		/* The reader promises a validated record: it must decode. */
		if (evt_decode(&e, rec, h.len, NULL, &why) != 0)
			__builtin_trap();
		evtfmt_line(&e, line, sizeof(line));
	}
	if (k < 0 && cap_reader_error(r)[0] == '\0')
		__builtin_trap(); /* every failure says why */
	cap_reader_trailer(r);
	cap_reader_offset(r);
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct cap_reader *r = NULL;
	char err[512];
	int fd = open_bytes(data, size);

	if (fd < 0)
		return 0;
	if (cap_reader_fdopen(fd, "fuzz", &r, err, sizeof(err)) < 0) {
		if (err[0] == '\0')
			__builtin_trap();
		return 0;
	}
	read_all(r);
	cap_reader_close(r);
	return 0;
}
