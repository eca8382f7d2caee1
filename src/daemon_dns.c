// SPDX-License-Identifier: GPL-2.0-only
/*
 * The daemon's resolver for fd.*ip.name: the names the rules compare with
 * are looked up on this host, live and for a replayed capture alike (as
 * Falco does), before the first event is read.
 */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "daemon_int.h"
#include "dns.h"

int daemon_dns_open(struct daemon *d)
{
	d->dns = dns_new(NULL);
	if (!d->dns) {
		fprintf(stderr, "sakerd: dns: %s\n", strerror(errno));
		return -errno;
	}
	return 0;
}

/*
 * Bounded by the lookup timeout: a name that has no answer by then does not
 * match yet. A launched command (ptrace) is not held back for the resolver:
 * the first comparison with a name waits instead, so it still sees the
 * answer, and a command that never connects anywhere never waits.
 */
void daemon_dns_wait(struct daemon *d)
{
	struct dns_stats s;
	bool all;

	if (d->o->command) {
		dns_wait_on_use(d->dns, DNS_TIMEOUT_NS + 500000000ull);
		return;
	}
	all = dns_wait(d->dns, DNS_TIMEOUT_NS + 500000000ull);

	dns_get_stats(d->dns, &s);
	if (all && !s.unanswered)
		return;
	fprintf(stderr,
		"sakerd: dns: %u of %u names have no answer yet (%" PRIu64
		" lookups timed out, %" PRIu64 " failed); fd.*ip.name comparisons with them "
		"do not match until they have\n",
		s.unanswered, s.names, s.timeouts, s.failures);
}

void daemon_dns_log_stats(struct daemon *d)
{
	struct dns_stats s;

	if (!d->dns)
		return;
	dns_get_stats(d->dns, &s);
	if (!s.names && !s.ignored)
		return;
	fprintf(stderr,
		"sakerd: dns: names=%u answered=%u unanswered=%u ignored=%u lookups=%" PRIu64
		" failures=%" PRIu64 " timeouts=%" PRIu64 " changes=%" PRIu64
		" addresses_dropped=%" PRIu64 "\n",
		s.names, s.answered, s.unanswered, s.ignored, s.lookups, s.failures, s.timeouts,
		s.changes, s.truncated);
}
