// SPDX-License-Identifier: GPL-2.0-only
/*
 * drivers/common/saker_ia32.h against the C library's <asm/unistd_32.h>:
 * every entry's number is the i386 number of the call it names (or of its
 * 32-bit-id or 64-bit-offset variant), every name is an event of the table,
 * and every event whose call exists on i386 has an entry.
 */
#include <stdio.h>
#include <string.h>

#include "../../drivers/common/saker_ia32.h"
#include "event.h"
#include "ia32_nr.h"
#include "tap.h"

struct entry {
	int nr;
	const char *name;
	unsigned int flags;
};

static const struct entry table[] = {
#define X(nr, name, flags) { nr, #name, flags },
	SAKER_IA32_SYSCALLS(X)
#undef X
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

static bool is_variant_of(int nr, const char *name)
{
	char v[64];

	if (ia32_nr_of(name) == nr)
		return true;
	snprintf(v, sizeof(v), "%s32", name);
	if (ia32_nr_of(v) == nr)
		return true;
	snprintf(v, sizeof(v), "%s64", name);
	if (ia32_nr_of(v) == nr)
		return true;
	/* The old one-argument umount is umount2 with no flags. */
	return strcmp(name, "umount2") == 0 && ia32_nr_of("umount") == nr;
}

static bool in_table(int nr)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].nr == nr)
			return true;
	return false;
}

int main(void)
{
	size_t wrong = 0, unknown = 0, missing = 0, dup = 0;

	for (size_t i = 0; i < NTABLE; i++) {
		if (!is_variant_of(table[i].nr, table[i].name)) {
			tap_diag("i386 %d is not %s", table[i].nr, table[i].name);
			wrong++;
		}
		if (evt_type_by_name(table[i].name) < 0) {
			tap_diag("%s is not an event", table[i].name);
			unknown++;
		}
		for (size_t j = 0; j < i; j++)
			dup += table[j].nr == table[i].nr;
	}
	tap_is_int((long)wrong, 0, "every i386 number is the call it names");
	tap_is_int((long)unknown, 0, "every name is an event");
	tap_is_int((long)dup, 0, "no i386 number twice");
	for (int t = 0; t < SAKER_EV_MAX; t++) {
		const char *n = evt_table[t].name;
		int nr = evt_table[t].syscall_nr < 0 ? -1 : ia32_nr_of(n);

		if (nr >= 0 && !in_table(nr)) {
			tap_diag("%s (i386 %d) has no entry", n, nr);
			missing++;
		}
	}
	tap_is_int((long)missing, 0, "every event i386 has is mapped");
	tap_is_int(SAKER_IA32_NR_SOCKETCALL, ia32_nr_socketcall(), "the socketcall number");
	return tap_done();
}
