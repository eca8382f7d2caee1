// SPDX-License-Identifier: GPL-2.0-only
/* Driver selection. */
#include <errno.h>
#include <stdio.h>
#include <string.h>

#include "source.h"
#include "src_kmod.h"

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
	if (strcmp(d, "kmod") == 0)
		return src_kmod_open(NULL, ret, err, errlen);
	if (strcmp(d, "auto") == 0 || strcmp(d, "ebpf") == 0 || strcmp(d, "ptrace") == 0) {
		snprintf(err, errlen,
			 "driver '%s': no live capture driver is built into this saker yet", d);
		return -ENOTSUP;
	}
	snprintf(err, errlen, "unknown driver '%s' (expected auto, kmod, ebpf, ptrace or replay)",
		 d);
	return -EINVAL;
}
