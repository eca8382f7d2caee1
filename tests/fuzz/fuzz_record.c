// SPDX-License-Identifier: GPL-2.0-only
/*
 * evt_decode() on arbitrary bytes, then every renderer on whatever decodes:
 * neither may crash or read outside the record, whatever it claims.
 */
#include <string.h>

#include "event.h"
#include "evtfmt.h"
#include "fuzz.h"

static void render(const struct evt *e)
{
	static char big[1 << 17];
	char small[9];

	evtfmt_line(e, big, sizeof(big));
	evtfmt_line(e, small, sizeof(small));
	evtfmt_res(e, small, sizeof(small));
	for (int i = 0; i < e->nparams; i++) {
		evtfmt_param(e, i, big, sizeof(big));
		evtfmt_param(e, i, small, sizeof(small));
		evtfmt_param_raw(e, i, small, 1);
	}
}

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size)
{
	struct evt_decode_stats stats = { 0 };
	enum evt_bad why;
	struct evt e;

	if (evt_decode(&e, data, size, &stats, &why) == 0)
		render(&e);
	return 0;
}
