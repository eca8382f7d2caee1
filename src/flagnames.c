// SPDX-License-Identifier: GPL-2.0-only
/* Interim renderer: sets render as hex until their name tables land. */
#include <stdio.h>

#include "flagnames.h"

size_t flagnames_format(enum saker_flagset set, uint32_t value, char *buf, size_t len)
{
	int n = snprintf(buf, len, "0x%x", value);

	return n < 0 ? 0 : (size_t)n;
}

const char *flagnames_set_name(enum saker_flagset set)
{
	return "flags";
}
