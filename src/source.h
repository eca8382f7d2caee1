/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The one interface every event source implements: the kernel module, the
 * eBPF probe, the ptrace tracer and capture-file replay. Nothing downstream
 * knows which one produced a record.
 */
#ifndef SAKER_SOURCE_H
#define SAKER_SOURCE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#include "saker_abi.h"

enum src_next {
	SRC_TIMEOUT = 0, /* nothing within the timeout (live sources) */
	SRC_RECORD = 1, /* *ret_rec is valid until the next call */
	SRC_SNAPSHOT_END = 2, /* records so far were the initial state snapshot */
	SRC_EOF = 3, /* no more records will come */
};

#define SRC_MAX_COUNTERS 12

/* One of a driver's own counters. */
struct src_counter {
	/*
	 * Static, the middle of a metric's name (saker_driver_NAME_total):
	 * "syscall_stops"; never records, drops or info (the daemon's own
	 * saker_driver_ families) nor ending in _total.
	 */
	const char *name;
	uint64_t value;
	bool gauge; /* a level now (tasks traced), not a running count */
};

struct src_stats {
	uint64_t records; /* records handed out */
	uint64_t drops[SAKER_DROP_MAX]; /* lost before reaching us, per reason */
	uint64_t bad; /* records rejected by the decoder */
	/* A setting of the driver worth reporting ("hook", "tracepoint"), or NULLs. */
	const char *setting_name, *setting;
	struct src_counter ctr[SRC_MAX_COUNTERS]; /* the driver's own */
	unsigned nctr;
};

static inline void src_stats_add(struct src_stats *s, const char *name, uint64_t value, bool gauge)
{
	if (s->nctr < SRC_MAX_COUNTERS)
		s->ctr[s->nctr++] = (struct src_counter){ name, value, gauge };
}

/* "hook=tracepoint filtered=12 ...": the setting and the counters, "" without any. */
void src_stats_detail(const struct src_stats *s, char *buf, size_t len);

/* Bitmap of event types, one bit per enum saker_event_type. */
#define SRC_INTEREST_BYTES ((SAKER_EV_MAX + 7) / 8)
struct src_interest {
	uint8_t bits[SRC_INTEREST_BYTES];
};

static inline void src_interest_set(struct src_interest *i, unsigned type)
{
	if (type < SAKER_EV_MAX)
		i->bits[type / 8] |= (uint8_t)(1u << (type % 8));
}

static inline bool src_interest_has(const struct src_interest *i, unsigned type)
{
	return type < SAKER_EV_MAX && (i->bits[type / 8] >> (type % 8)) & 1u;
}

struct source;

/*
 * A verdict before a call's result: rec is the call's record as a driver
 * builds it at the call's entry (res -EINPROGRESS; what the driver reads
 * through the result absent). Return false when no rule could match it
 * whatever the result: the driver may then skip the rest of the call.
 * Called from inside next(), only once every record handed out before has
 * been consumed.
 */
typedef bool (*src_gate_fn)(void *ud, const void *rec, size_t len);

struct src_ops {
	const char *name;
	/* 0..3 from enum src_next, or -errno. timeout_ms < 0 blocks. */
	int (*next)(struct source *s, int timeout_ms, const void **ret_rec);
	int (*stats)(struct source *s, struct src_stats *ret);
	/*
	 * Ask for these event types (what the rules read); a source may
	 * deliver more, and always delivers what the state needs
	 * (SAKER_EF_STATE types), which is why callers do not list those:
	 * a driver can then tell the two apart and serve state-only types
	 * more cheaply.
	 */
	int (*set_interest)(struct source *s, const struct src_interest *want);
	/* Optional: install a verdict before the result (NULL: none). */
	void (*set_gate)(struct source *s, src_gate_fn fn, void *ud);
	void (*close)(struct source *s);
};

struct source {
	const struct src_ops *ops;
	uint64_t boot_offset_ns; /* add to hdr.ts for epoch ns */
	uint64_t start_ns; /* epoch ns at which the source started */
	const char *driver; /* "replay", "ebpf", ... */
	const char *hostname; /* host the records came from; NULL: this host */
	char error[512]; /* what went wrong, when next() fails */
};

static inline int src_next(struct source *s, int timeout_ms, const void **ret_rec)
{
	return s->ops->next(s, timeout_ms, ret_rec);
}

static inline int src_stats(struct source *s, struct src_stats *ret)
{
	return s->ops->stats(s, ret);
}

static inline int src_set_interest(struct source *s, const struct src_interest *want)
{
	return s->ops->set_interest ? s->ops->set_interest(s, want) : 0;
}

/* Does the source ask verdicts at all? */
static inline bool src_set_gate(struct source *s, src_gate_fn fn, void *ud)
{
	if (!s->ops->set_gate)
		return false;
	s->ops->set_gate(s, fn, ud);
	return true;
}

static inline void src_close(struct source *s)
{
	if (s)
		s->ops->close(s);
}

/* Replay a capture file. On failure err says where and what. */
int src_replay_open(const char *path, struct source **ret, char *err, size_t errlen);

/* What the daemon and `saker capture` ask for; each driver reads its part. */
struct src_config {
	const char *driver; /* auto, kmod, ebpf, ptrace, replay */
	const char *input; /* replay: capture file */
	char *const *argv; /* ptrace launch mode: command and arguments, NULL-terminated */
	const int *pids; /* ptrace attach mode: processes to attach to */
	size_t npids;
	size_t buffer_bytes; /* kernel ring size; 0: the driver's default */
	const char *ebpf_buffer; /* ebpf: auto (NULL), ringbuf or perf */
	const char *ebpf_hook; /* ebpf: auto (NULL), fexit or tracepoint */
	bool ebpf_no_defer_close; /* ebpf: write every close when it returns */
};

/*
 * Open the configured driver. For "auto", the first that works, with the
 * reason for each one skipped in err. err always says what happened.
 */
int src_open(const struct src_config *cfg, struct source **ret, char *err, size_t errlen);

#endif /* SAKER_SOURCE_H */
