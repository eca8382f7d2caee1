// SPDX-License-Identifier: GPL-2.0-only
/*
 * The configuration loader over arbitrary bytes, as a file (through a memfd)
 * and as one -o override. A bad input must end in an error that says where
 * ("FILE:LINE:COL: ..." or "-o KEY=VALUE: ...") and returns no config, never
 * a crash, a leak or a read out of bounds.
 */
#include "config.h"

#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/mman.h>
#include <unistd.h>

#include "configfile.h"
#include "fuzz.h"

static void load(const char *path, char *override, const char *where)
{
	struct config *c = NULL;
	char err[1024] = "";

	if (config_load(path, override ? &override : NULL, override ? 1 : 0, &c, err,
			sizeof(err)) == 0) {
		config_free(c);
		return;
	}
	if (c || strncmp(err, where, strlen(where)) != 0)
		__builtin_trap();
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	int fd = memfd_create("fuzz-config", MFD_CLOEXEC);
	char path[64], *o;

	if (fd < 0)
		return 0;
	if (write(fd, data, size) == (ssize_t)size) {
		snprintf(path, sizeof(path), "/proc/self/fd/%d", fd);
		load(path, NULL, path);
	}
	close(fd);
	/* The same bytes as an -o override, up to the first NUL. */
	o = strndup((const char *)data, size);
	if (o)
		load(NULL, o, "-o ");
	free(o);
	return 0;
}
