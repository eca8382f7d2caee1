// SPDX-License-Identifier: GPL-2.0-only
/* The record builder: widths from the table, truncation flagged, bounds kept. */
#include <errno.h>
#include <string.h>

#include "event.h"
#include "recbuild.h"
#include "tap.h"

int main(void)
{
	static uint8_t buf[SAKER_REC_MAX];
	static char big[40000];
	struct rec_builder rb;
	struct evt e;
	enum evt_bad why;
	const struct evt_param *p;
	uint64_t v;
	int len;

	rb_begin(&rb, buf, sizeof(buf), SAKER_EV_SETUID, 5, 6, 7, 0);
	rb_num(&rb, 1000);
	len = rb_end(&rb);
	tap_is_int(len, SAKER_HDR_SIZE + 2 + 4, "uid is written as 4 bytes");
	tap_ok(evt_decode(&e, buf, (size_t)len, NULL, &why) == 0 && evt_param_u64(&e, 0, &v) &&
		       v == 1000,
	       "setuid record round-trips");

	memset(big, 'a', sizeof(big) - 1);
	rb_begin(&rb, buf, sizeof(buf), SAKER_EV_CHDIR, 1, 1, 1, 0);
	rb_str(&rb, big);
	len = rb_end(&rb);
	tap_ok(len > 0 && evt_decode(&e, buf, (size_t)len, NULL, &why) == 0,
	       "an over-long string still makes a valid record");
	p = evt_param(&e, 0);
	tap_ok(p && p->truncated && p->len == SAKER_PARAM_LEN_MASK && p->val[p->len - 1] == '\0',
	       "... cut to the length limit, NUL-terminated and flagged truncated");

	rb_begin(&rb, buf, 40, SAKER_EV_CHDIR, 1, 1, 1, 0);
	rb_str(&rb, "/a/very/long/path/that/does/not/fit");
	len = rb_end(&rb);
	tap_ok(len > 0 && evt_decode(&e, buf, (size_t)len, NULL, &why) == 0 &&
		       evt_param(&e, 0)->truncated,
	       "a string is cut to the room left in a small buffer");

	rb_begin(&rb, buf, 16, SAKER_EV_CHDIR, 1, 1, 1, 0);
	tap_is_int(rb_end(&rb), -ENOSPC, "a buffer smaller than the header is refused");

	rb_begin(&rb, buf, sizeof(buf), SAKER_EV_SETUID, 1, 1, 1, 0);
	rb_num(&rb, 1);
	rb_num(&rb, 2);
	tap_is_int(rb_end(&rb), -E2BIG, "more parameters than the table has is refused");

	rb_begin(&rb, buf, sizeof(buf), SAKER_EV_CHDIR, 1, 1, 1, 0);
	rb_num(&rb, 1);
	tap_is_int(rb_end(&rb), -EINVAL, "a number where the table has a path is refused");

	rb_begin(&rb, buf, sizeof(buf), SAKER_EV_OPENAT, 1, 1, 1, 3);
	rb_num(&rb, 3);
	len = rb_end(&rb);
	tap_ok(len > 0 && evt_decode(&e, buf, (size_t)len, NULL, &why) == 0 && !evt_param(&e, 1),
	       "parameters never filled are absent");

	rb_begin(&rb, buf, sizeof(buf), SAKER_EV_PROC_SNAPSHOT, 1, 1, 1, 0);
	rb_str(&rb, "/bin/sh");
	rb_strlist(&rb, "sh\0-c\0echo hi", 13);
	len = rb_end(&rb);
	tap_ok(len > 0 && evt_decode(&e, buf, (size_t)len, NULL, &why) == 0 &&
		       evt_param(&e, 1)->len == 14 &&
		       memcmp(evt_param(&e, 1)->val, "sh\0-c\0echo hi", 14) == 0,
	       "argv list keeps its separators and gains one terminator");
	return tap_done();
}
