/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A small TAP producer for the unit tests. Each check prints one line;
 * tap_done() prints the plan and returns the exit status (nonzero if any
 * check failed), so `return tap_done();` ends main.
 */
#ifndef SAKER_TAP_H
#define SAKER_TAP_H

#include <stdbool.h>
#include <stdint.h>

__attribute__((format(printf, 2, 3))) bool tap_ok(bool cond, const char *fmt, ...);
bool tap_is_int_(long long got, long long want, const char *file, int line, const char *name);
bool tap_is_str_(const char *got, const char *want, const char *file, int line, const char *name);
__attribute__((format(printf, 1, 2))) void tap_diag(const char *fmt, ...);
__attribute__((format(printf, 1, 2), noreturn)) void tap_skip_all(const char *fmt, ...);
__attribute__((format(printf, 2, 3))) void tap_skip(int n, const char *fmt, ...);
int tap_done(void);

#define tap_is_int(got, want, name) \
	tap_is_int_((long long)(got), (long long)(want), __FILE__, __LINE__, name)
#define tap_is_str(got, want, name) tap_is_str_((got), (want), __FILE__, __LINE__, name)

/* Absolute path of the source tree (for test data), from the environment. */
const char *tap_srcdir(void);

#endif /* SAKER_TAP_H */
