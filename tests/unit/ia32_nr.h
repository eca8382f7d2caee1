/* SPDX-License-Identifier: GPL-2.0-only */
#ifndef SAKER_TEST_IA32_NR_H
#define SAKER_TEST_IA32_NR_H

/* i386 number of the call named name (e.g. "setuid32"), -1 when i386 has none. */
int ia32_nr_of(const char *name);
int ia32_nr_socketcall(void);

#endif
