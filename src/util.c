// SPDX-License-Identifier: GPL-2.0-only
#include "util.h"

uint64_t util_boot_offset_ns(void)
{
	/* Bracket the boottime read with two realtime reads to halve the error. */
	uint64_t r1 = clock_ns(CLOCK_REALTIME);
	uint64_t b = clock_ns(CLOCK_BOOTTIME);
	uint64_t r2 = clock_ns(CLOCK_REALTIME);

	return r1 / 2 + r2 / 2 - b;
}
