// SPDX-License-Identifier: GPL-2.0-only
#include "tap.h"
int main(void)
{
	tap_ok(1, "placeholder");
	return tap_done();
}
