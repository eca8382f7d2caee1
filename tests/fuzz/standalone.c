// SPDX-License-Identifier: GPL-2.0-only
/*
 * Runs a fuzz harness over every file of its seed corpus, as a TAP test:
 * inputs that once crashed a harness stay in the corpus and run under
 * make check with the normal compiler. A crash kills the program, which the
 * TAP driver reports as an error.
 *
 * Usage: regress_NAME [DIR|FILE]... (default: $abs_top_srcdir/tests/fuzz/corpus/NAME)
 */
#include <dirent.h>
#include <errno.h>
#include <fcntl.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/stat.h>
#include <unistd.h>

#include "fuzz.h"
#include "tap.h"

static int nfiles;

static int read_file(const char *path, uint8_t **ret, size_t *ret_len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	struct stat st;
	uint8_t *buf;
	size_t off = 0;

	if (fd < 0)
		return -errno;
	if (fstat(fd, &st) < 0 || st.st_size > (1 << 24)) {
		close(fd);
		return -EFBIG;
	}
	/* Exactly the file's size, so a sanitizer sees any read past the end. */
	buf = malloc(st.st_size ? (size_t)st.st_size : 1);
	while (buf && off < (size_t)st.st_size) {
		ssize_t n = read(fd, buf + off, (size_t)st.st_size - off);

		if (n <= 0)
			break;
		off += (size_t)n;
	}
	close(fd);
	if (!buf || off != (size_t)st.st_size) {
		free(buf);
		return -EIO;
	}
	*ret = buf;
	*ret_len = off;
	return 0;
}

static void run_file(const char *path)
{
	uint8_t *data = NULL;
	size_t len = 0;
	int r = read_file(path, &data, &len);

	nfiles++;
	if (!tap_ok(r == 0, "%s", path)) {
		tap_diag("cannot read %s: %s", path, strerror(-r));
		return;
	}
	LLVMFuzzerTestOneInput(data, len);
	free(data);
}

static int by_name(const struct dirent **a, const struct dirent **b)
{
	return strcmp((*a)->d_name, (*b)->d_name);
}

static void run_path(const char *path)
{
	struct dirent **ents;
	int n = scandir(path, &ents, NULL, by_name);

	if (n < 0) {
		run_file(path);
		return;
	}
	for (int i = 0; i < n; i++) {
		char sub[4096];

		if (ents[i]->d_name[0] != '.') {
			snprintf(sub, sizeof(sub), "%s/%s", path, ents[i]->d_name);
			run_file(sub);
		}
		free(ents[i]);
	}
	free(ents);
}

int main(int argc, char **argv)
{
	char dir[4096];

	if (argc > 1) {
		for (int i = 1; i < argc; i++)
			run_path(argv[i]);
	} else {
		const char *top = getenv("abs_top_srcdir");

		/* The build's source tree when run by hand (prove) without the environment. */
		snprintf(dir, sizeof(dir), "%s/tests/fuzz/corpus/%s", top ? top : FUZZ_SRCDIR,
			 FUZZ_CORPUS);
		run_path(dir);
	}
	tap_ok(nfiles > 0, "the corpus has inputs");
	return tap_done();
}
