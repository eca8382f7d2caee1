// SPDX-License-Identifier: GPL-2.0-only
#include <stdio.h>
#include <stdlib.h>
#include <time.h>

#include "sdnotify.h"

#ifdef HAVE_JOURNAL
#include <systemd/sd-daemon.h>

uint64_t sdn_watchdog_usec(void)
{
	uint64_t usec = 0;

	return sd_watchdog_enabled(0, &usec) > 0 ? usec : 0;
}

int sdn_ready(const char *status)
{
	return sd_notifyf(0, "READY=1\nSTATUS=%s", status);
}

int sdn_status(const char *status)
{
	return sd_notifyf(0, "STATUS=%s", status);
}

int sdn_reloading(void)
{
	struct timespec ts;

	/* MONOTONIC_USEC lets systemd 253+ order the reload; 252 ignores it. */
	clock_gettime(CLOCK_MONOTONIC, &ts);
	return sd_notifyf(0, "RELOADING=1\nMONOTONIC_USEC=%llu",
			  (unsigned long long)ts.tv_sec * 1000000ull +
				  (unsigned long long)ts.tv_nsec / 1000);
}

int sdn_stopping(void)
{
	return sd_notify(0, "STOPPING=1");
}

int sdn_watchdog(void)
{
	return sd_notify(0, "WATCHDOG=1");
}
#else
uint64_t sdn_watchdog_usec(void)
{
	return 0;
}

int sdn_ready(const char *status)
{
	return 0;
}

int sdn_status(const char *status)
{
	return 0;
}

int sdn_reloading(void)
{
	return 0;
}

int sdn_stopping(void)
{
	return 0;
}

int sdn_watchdog(void)
{
	return 0;
}
#endif

bool sdn_under_systemd(void)
{
	return getenv("INVOCATION_ID") || getenv("NOTIFY_SOCKET");
}
