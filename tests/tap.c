// SPDX-License-Identifier: GPL-2.0-only
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "tap.h"

static int tap_n, tap_failed;

static void vline(bool cond, const char *fmt, va_list ap)
{
	printf("%s %d - ", cond ? "ok" : "not ok", ++tap_n);
	vprintf(fmt, ap);
	putchar('\n');
	if (!cond)
		tap_failed++;
	fflush(stdout);
}

bool tap_ok(bool cond, const char *fmt, ...)
{
	va_list ap;

	va_start(ap, fmt);
	vline(cond, fmt, ap);
	va_end(ap);
	return cond;
}

void tap_diag(const char *fmt, ...)
{
	va_list ap;

	fputs("# ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	fflush(stdout);
}

bool tap_is_int_(long long got, long long want, const char *file, int line, const char *name)
{
	bool ok = tap_ok(got == want, "%s", name);

	if (!ok)
		tap_diag("%s:%d: got %lld, want %lld", file, line, got, want);
	return ok;
}

bool tap_is_str_(const char *got, const char *want, const char *file, int line, const char *name)
{
	bool ok = got && want ? strcmp(got, want) == 0 : got == want;

	tap_ok(ok, "%s", name);
	if (!ok)
		tap_diag("%s:%d: got '%s', want '%s'", file, line, got ? got : "(null)",
			 want ? want : "(null)");
	return ok;
}

void tap_skip_all(const char *fmt, ...)
{
	va_list ap;

	fputs("1..0 # SKIP ", stdout);
	va_start(ap, fmt);
	vprintf(fmt, ap);
	va_end(ap);
	putchar('\n');
	exit(0);
}

void tap_skip(int n, const char *fmt, ...)
{
	char why[256];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(why, sizeof(why), fmt, ap);
	va_end(ap);
	while (n-- > 0)
		printf("ok %d # SKIP %s\n", ++tap_n, why);
}

int tap_done(void)
{
	printf("1..%d\n", tap_n);
	if (tap_failed)
		tap_diag("%d of %d checks failed", tap_failed, tap_n);
	return tap_failed ? 1 : 0;
}

const char *tap_srcdir(void)
{
	const char *s = getenv("abs_top_srcdir");

	return s ? s : ".";
}
