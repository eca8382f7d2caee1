// SPDX-License-Identifier: GPL-2.0-only
/* Driver selection. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "source.h"
#include "util.h"
#ifdef HAVE_EBPF
#include "src_ebpf.h"
#endif

int src_open(const struct src_config *cfg, struct source **ret, char *err, size_t errlen)
{
	const char *d = cfg->driver ? cfg->driver : "auto";

	if (strcmp(d, "replay") == 0) {
		if (!cfg->input) {
			snprintf(err, errlen, "the replay driver needs a capture file");
			return -EINVAL;
		}
		return src_replay_open(cfg->input, ret, err, errlen);
	}
#ifdef HAVE_EBPF
	if (strcmp(d, "ebpf") == 0)
		return src_ebpf_open(NULL, ret, err, errlen);
	if (strcmp(d, "auto") == 0) {
		char why[400];
		int k = src_ebpf_open(NULL, ret, why, sizeof(why));

		if (k >= 0)
			snprintf(err, errlen, "driver auto: using ebpf (the probe loaded)");
		else
			snprintf(err, errlen, "driver auto: no driver works here: %s", why);
		return k;
	}
#endif
	if (strcmp(d, "auto") == 0 || strcmp(d, "ebpf") == 0 || strcmp(d, "kmod") == 0 ||
	    strcmp(d, "ptrace") == 0) {
		snprintf(err, errlen,
			 "driver '%s': no live capture driver is built into this saker yet", d);
		return -ENOTSUP;
	}
	snprintf(err, errlen, "unknown driver '%s' (expected auto, kmod, ebpf, ptrace or replay)",
		 d);
	return -EINVAL;
}
