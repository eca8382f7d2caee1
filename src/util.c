// SPDX-License-Identifier: GPL-2.0-only
#include "util.h"

#include <errno.h>
#include <time.h>

uint64_t util_boot_offset_ns(void)
{
	/* Bracket the boottime read with two realtime reads to halve the error. */
	uint64_t r1 = clock_ns(CLOCK_REALTIME);
	uint64_t b = clock_ns(CLOCK_BOOTTIME);
	uint64_t r2 = clock_ns(CLOCK_REALTIME);

	return r1 / 2 + r2 / 2 - b;
}

/* RFC 3339 as Go and kube-apiserver write it (zone required, nanoseconds). */
static int digits(const char **s, int n, int *ret)
{
	int v = 0;

	for (int i = 0; i < n; i++) {
		if ((*s)[i] < '0' || (*s)[i] > '9')
			return -EINVAL;
		v = v * 10 + ((*s)[i] - '0');
	}
	*s += n;
	*ret = v;
	return 0;
}

int util_parse_rfc3339(const char *s, uint64_t *ret)
{
	struct tm tm = { 0 };
	int y, mo, d, h, mi, sec, oh, om;
	int64_t off = 0, t;
	uint64_t ns = 0, scale = 100000000;

	if (digits(&s, 4, &y) || *s++ != '-' || digits(&s, 2, &mo) || *s++ != '-' ||
	    digits(&s, 2, &d) || (*s != 'T' && *s != 't' && *s != ' '))
		return -EINVAL;
	s++;
	if (digits(&s, 2, &h) || *s++ != ':' || digits(&s, 2, &mi) || *s++ != ':' ||
	    digits(&s, 2, &sec))
		return -EINVAL;
	if (y < 1970 || mo < 1 || mo > 12 || d < 1 || d > 31 || h > 23 || mi > 59 || sec > 60)
		return -EINVAL;
	if (*s == '.') {
		s++;
		if (*s < '0' || *s > '9')
			return -EINVAL;
		/* Digits past nanoseconds are read and dropped. */
		for (; *s >= '0' && *s <= '9'; s++, scale /= 10)
			ns += (uint64_t)(*s - '0') * scale;
	}
	if (*s == 'Z' || *s == 'z') {
		s++;
	} else if (*s == '+' || *s == '-') {
		int sign = *s++ == '-' ? -1 : 1;

		if (digits(&s, 2, &oh) || *s++ != ':' || digits(&s, 2, &om) || oh > 23 || om > 59)
			return -EINVAL;
		off = sign * (int64_t)(oh * 3600 + om * 60);
	} else {
		return -EINVAL;
	}
	if (*s)
		return -EINVAL;
	tm.tm_year = y - 1900;
	tm.tm_mon = mo - 1;
	tm.tm_mday = d;
	tm.tm_hour = h;
	tm.tm_min = mi;
	tm.tm_sec = sec;
	t = (int64_t)timegm(&tm) - off;
	if (t < 0 || t > (int64_t)(UINT64_MAX / 1000000000ull) - 1)
		return -EINVAL;
	*ret = (uint64_t)t * 1000000000ull + ns;
	return 0;
}
