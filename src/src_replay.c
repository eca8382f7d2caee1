// SPDX-License-Identifier: GPL-2.0-only
/* Replay source: records from a capture file, through the source interface. */
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

#include "capture.h"
#include "event.h"
#include "source.h"

struct src_replay {
	struct source s;
	struct cap_reader *r;
	struct src_interest want;
	bool filter;
	bool snapshot_done;
	struct src_stats st;
};

static int replay_next(struct source *s, int timeout_ms, const void **ret_rec)
{
	struct src_replay *rp = (struct src_replay *)s;

	for (;;) {
		const void *rec;
		struct saker_rec_hdr h;
		int k = cap_reader_next(rp->r, &rec);

		if (k < 0) {
			snprintf(s->error, sizeof(s->error), "%s", cap_reader_error(rp->r));
			return k;
		}
		if (k == CAP_ITEM_END)
			return SRC_EOF;
		if (k == CAP_ITEM_SNAPSHOT_END) {
			rp->snapshot_done = true;
			return SRC_SNAPSHOT_END;
		}
		memcpy(&h, rec, sizeof(h));
		/*
		 * Snapshot records (also mid-stream: the ptrace driver
		 * resynchronises fds with them) and what the state follows
		 * always pass.
		 */
		if (rp->filter && rp->snapshot_done && !src_interest_has(&rp->want, h.type) &&
		    !(h.type < SAKER_EV_MAX &&
		      (evt_table[h.type].flags & (SAKER_EF_STATE | SAKER_EF_INTERNAL))))
			continue;
		rp->st.records++;
		*ret_rec = rec;
		return SRC_RECORD;
	}
}

static int replay_stats(struct source *s, struct src_stats *ret)
{
	struct src_replay *rp = (struct src_replay *)s;
	const struct cap_trailer *t = cap_reader_trailer(rp->r);

	*ret = rp->st;
	/* Drops the live driver counted while capturing are part of the story. */
	if (t)
		ret->drops[SAKER_DROP_BUFFER_FULL] = t->drops;
	return 0;
}

static int replay_set_interest(struct source *s, const struct src_interest *want)
{
	struct src_replay *rp = (struct src_replay *)s;

	rp->want = *want;
	rp->filter = true;
	return 0;
}

static void replay_close(struct source *s)
{
	struct src_replay *rp = (struct src_replay *)s;

	cap_reader_close(rp->r);
	free(rp);
}

static const struct src_ops replay_ops = {
	.name = "replay",
	.next = replay_next,
	.stats = replay_stats,
	.set_interest = replay_set_interest,
	.close = replay_close,
};

int src_replay_open(const char *path, struct source **ret, char *err, size_t errlen)
{
	struct src_replay *rp = calloc(1, sizeof(*rp));
	int k;

	if (!rp)
		return -ENOMEM;
	k = cap_reader_open(path, &rp->r, err, errlen);
	if (k < 0) {
		free(rp);
		return k;
	}
	rp->s.ops = &replay_ops;
	rp->s.driver = "replay";
	rp->s.boot_offset_ns = cap_reader_header(rp->r)->boot_offset_ns;
	rp->s.start_ns = cap_reader_header(rp->r)->start_ns;
	/* Alerts name the host the capture was taken on, not the one replaying it. */
	rp->s.hostname = cap_reader_hostinfo(rp->r)->v[CAP_HOST_HOSTNAME];
	*ret = &rp->s;
	return 0;
}
