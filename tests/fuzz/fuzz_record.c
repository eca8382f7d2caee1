// SPDX-License-Identifier: GPL-2.0-only
/*
 * evt_decode() on arbitrary bytes, then every renderer on whatever decodes:
 * neither may crash or read outside the record, whatever it claims; and
 * evt_validate() must agree with evt_decode() on every input.
 */
#include <stdlib.h>
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
	enum evt_bad why, vwhy;
	struct evt e;
	int k = evt_decode(&e, data, size, &stats, &why);

	/* The capture reader's validator must reach the decoder's verdict, and reason. */
	if (evt_validate(data, size, &vwhy) != k || (k < 0 && vwhy != why))
		abort();
	if (k == 0)
		render(&e);
	return 0;
}
