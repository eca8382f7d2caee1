// SPDX-License-Identifier: GPL-2.0-only
/* Driver selection: a named driver, or the best one that works here. */
#include <errno.h>
#include <inttypes.h>
#include <stdio.h>
#include <string.h>

#include "source.h"
#include "src_kmod.h"
#include "src_ptrace.h"
#include "util.h"
#ifdef HAVE_EBPF
#include "src_ebpf.h"
#endif

static int open_ebpf(const struct src_config *cfg, struct source **ret, char *err, size_t errlen)
{
#ifdef HAVE_EBPF
	struct src_ebpf_opts o = { .ring_bytes = cfg->buffer_bytes,
				   .buffer = cfg->ebpf_buffer,
				   .hook = cfg->ebpf_hook,
				   .no_defer_close = cfg->ebpf_no_defer_close };

	return src_ebpf_open(&o, ret, err, errlen);
#else
	snprintf(err, errlen,
		 "this saker was built without the eBPF driver (configure --enable-ebpf)");
	return -ENOTSUP;
#endif
}

/*
 * auto: the kernel module if it is loaded, else the eBPF probe, else (with
 * a command or pids to trace) ptrace. err says which was chosen and why
 * each one before it was not.
 */
static int open_auto(const struct src_config *cfg, struct source **ret, char *err, size_t errlen)
{
	char kwhy[400], ewhy[400];
	int k;

	k = src_kmod_open(NULL, ret, kwhy, sizeof(kwhy));
	if (k >= 0) {
		snprintf(err, errlen, "driver auto: using kmod (saker.ko is loaded)");
		return k;
	}
	k = open_ebpf(cfg, ret, ewhy, sizeof(ewhy));
	if (k >= 0) {
		snprintf(err, errlen, "driver auto: using ebpf (%s); %s", kwhy, ewhy);
		return k;
	}
	if (cfg->argv || cfg->npids) {
		k = src_ptrace_open(cfg, ret, err, errlen);
		if (k >= 0)
			snprintf(err, errlen, "driver auto: using ptrace (%s; %s)", kwhy, ewhy);
		return k;
	}
	snprintf(err, errlen,
		 "driver auto: no driver works here (%s; %s; ptrace needs a command or --pid)",
		 kwhy, ewhy);
	return -ENODEV;
}

int src_open(const struct src_config *cfg, struct source **ret, char *err, size_t errlen)
{
	const char *d = cfg->driver ? cfg->driver : "auto";

	err[0] = '\0';
	if (strcmp(d, "replay") == 0) {
		if (!cfg->input) {
			snprintf(err, errlen, "the replay driver needs a capture file");
			return -EINVAL;
		}
		return src_replay_open(cfg->input, ret, err, errlen);
	}
	if (strcmp(d, "kmod") == 0)
		return src_kmod_open(NULL, ret, err, errlen);
	if (strcmp(d, "ebpf") == 0)
		return open_ebpf(cfg, ret, err, errlen);
	if (strcmp(d, "ptrace") == 0)
		return src_ptrace_open(cfg, ret, err, errlen);
	if (strcmp(d, "auto") == 0)
		return open_auto(cfg, ret, err, errlen);
	snprintf(err, errlen, "unknown driver '%s' (expected auto, kmod, ebpf, ptrace or replay)",
		 d);
	return -EINVAL;
}

void src_stats_detail(const struct src_stats *s, char *buf, size_t len)
{
	size_t off = 0;

	buf[0] = '\0';
	if (s->setting_name && s->setting)
		off += (size_t)snprintf(buf, len, "%s=%s", s->setting_name, s->setting);
	for (unsigned i = 0; i < s->nctr && off < len; i++)
		off += (size_t)snprintf(buf + off, len - off, "%s%s=%" PRIu64, off ? " " : "",
					s->ctr[i].name, s->ctr[i].value);
}
