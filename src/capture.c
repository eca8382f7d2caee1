// SPDX-License-Identifier: GPL-2.0-only
#include <errno.h>
#include <fcntl.h>
#include <stdarg.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/utsname.h>
#include <unistd.h>

#include "capture.h"
#include "event.h"
#include "util.h"

#define ALIGN8(x) (((x) + 7u) & ~(size_t)7u)

struct cap_writer {
	FILE *f;
	uint64_t records;
};

static int write_block(struct cap_writer *w, uint32_t type, const void *a, size_t alen,
		       const void *b, size_t blen)
{
	static const uint8_t zero[8];
	size_t payload = alen + blen;
	struct cap_block_hdr h = { .type = type, .len = (uint32_t)ALIGN8(sizeof(h) + payload) };

	if (fwrite(&h, sizeof(h), 1, w->f) != 1 || (alen && fwrite(a, alen, 1, w->f) != 1) ||
	    (blen && fwrite(b, blen, 1, w->f) != 1) ||
	    (h.len - sizeof(h) - payload &&
	     fwrite(zero, h.len - sizeof(h) - payload, 1, w->f) != 1))
		return -errno ?: -EIO;
	return 0;
}

static void hostinfo_set(struct cap_hostinfo *hi, enum cap_host_key k, const char *v)
{
	free(hi->v[k]);
	hi->v[k] = v ? strdup(v) : NULL;
}

static void os_release(struct cap_hostinfo *hi)
{
	char line[512];
	FILE *f = fopen("/etc/os-release", "re");

	if (!f)
		return;
	while (fgets(line, sizeof(line), f)) {
		char *v;

		if (strncmp(line, "PRETTY_NAME=", 12) != 0)
			continue;
		v = line + 12;
		v[strcspn(v, "\n")] = '\0';
		if (*v == '"') {
			v++;
			v[strcspn(v, "\"")] = '\0';
		}
		hostinfo_set(hi, CAP_HOST_OS, v);
	}
	fclose(f);
}

int cap_hostinfo_local(struct cap_hostinfo *hi, const char *driver)
{
	struct utsname u;

	*hi = (struct cap_hostinfo){ 0 };
	if (uname(&u) < 0)
		return -errno;
	hostinfo_set(hi, CAP_HOST_HOSTNAME, u.nodename);
	hostinfo_set(hi, CAP_HOST_KERNEL_RELEASE, u.release);
	hostinfo_set(hi, CAP_HOST_KERNEL_VERSION, u.version);
	hostinfo_set(hi, CAP_HOST_MACHINE, u.machine);
	hostinfo_set(hi, CAP_HOST_SAKER_VERSION, PACKAGE_VERSION);
	hostinfo_set(hi, CAP_HOST_DRIVER, driver);
	os_release(hi);
	return 0;
}

void cap_hostinfo_clear(struct cap_hostinfo *hi)
{
	for (int i = 0; i < CAP_HOST_MAX; i++) {
		free(hi->v[i]);
		hi->v[i] = NULL;
	}
}

/* Host info payload: repeated { u16 key, u16 len, bytes (NUL included) }. */
static int write_hostinfo(struct cap_writer *w, const struct cap_hostinfo *hi)
{
	uint8_t buf[4096];
	size_t off = 0;

	for (int k = 1; k < CAP_HOST_MAX; k++) {
		const char *v = hi ? hi->v[k] : NULL;
		uint16_t key = (uint16_t)k, len;

		if (!v)
			continue;
		len = (uint16_t)strnlen(v, 1023) + 1;
		if (off + 4 + len > sizeof(buf))
			break;
		memcpy(buf + off, &key, 2);
		memcpy(buf + off + 2, &len, 2);
		memcpy(buf + off + 4, v, len - 1);
		buf[off + 4 + len - 1] = '\0';
		off += 4u + len;
	}
	return write_block(w, CAP_BLK_HOSTINFO, buf, off, NULL, 0);
}

int cap_writer_open(const char *path, const struct cap_hostinfo *hi, uint64_t boot_offset_ns,
		    uint64_t start_ns, struct cap_writer **ret)
{
	struct cap_header h = { .version_major = CAP_VERSION_MAJOR,
				.version_minor = CAP_VERSION_MINOR,
				.abi_major = SAKER_ABI_MAJOR,
				.abi_minor = SAKER_ABI_MINOR,
				.boot_offset_ns = boot_offset_ns,
				.start_ns = start_ns };
	struct cap_writer *w;
	int fd, r;

	w = calloc(1, sizeof(*w));
	if (!w)
		return -ENOMEM;
	if (strcmp(path, "-") == 0)
		fd = fcntl(STDOUT_FILENO, F_DUPFD_CLOEXEC, 3);
	else
		fd = open(path, O_WRONLY | O_CREAT | O_TRUNC | O_CLOEXEC, 0600);
	if (fd < 0) {
		r = -errno;
		free(w);
		return r;
	}
	w->f = fdopen(fd, "w");
	if (!w->f) {
		r = -errno;
		close(fd);
		free(w);
		return r;
	}
	setvbuf(w->f, NULL, _IOFBF, 1 << 20);
	if (fwrite(CAP_MAGIC, 8, 1, w->f) != 1 ||
	    (r = write_block(w, CAP_BLK_HEADER, &h, sizeof(h), NULL, 0)) < 0 ||
	    (r = write_hostinfo(w, hi)) < 0) {
		r = -errno ?: -EIO;
		fclose(w->f);
		free(w);
		return r;
	}
	*ret = w;
	return 0;
}

int cap_writer_record(struct cap_writer *w, const void *rec)
{
	struct saker_rec_hdr h;
	int r;

	memcpy(&h, rec, sizeof(h));
	if (h.len < SAKER_HDR_SIZE || h.len > SAKER_REC_MAX)
		return -EINVAL;
	r = write_block(w, CAP_BLK_RECORD, rec, h.len, NULL, 0);
	if (r == 0)
		w->records++;
	return r;
}

int cap_writer_snapshot_end(struct cap_writer *w)
{
	return write_block(w, CAP_BLK_SNAPSHOT_END, NULL, 0, NULL, 0);
}

uint64_t cap_writer_records(const struct cap_writer *w)
{
	return w->records;
}

int cap_writer_close(struct cap_writer *w, const struct cap_trailer *tr)
{
	int r = 0;

	if (!w)
		return 0;
	if (tr)
		r = write_block(w, CAP_BLK_TRAILER, tr, sizeof(*tr), NULL, 0);
	if (fflush(w->f) != 0 && r == 0)
		r = -errno;
	if (fclose(w->f) != 0 && r == 0)
		r = -errno;
	free(w);
	return r;
}

/* ------------------------------------------------------------------ */

struct cap_reader {
	int fd;
	char *name;
	uint64_t off; /* file offset of buf[0] */
	uint8_t *buf;
	size_t len, pos, cap;
	bool eof;
	bool have_trailer;
	bool done;
	struct cap_header hdr;
	struct cap_hostinfo host;
	struct cap_trailer trailer;
	char err[512];
};

static int fail(struct cap_reader *r, uint64_t at, int e, const char *fmt, ...)
{
	char msg[384];
	va_list ap;

	va_start(ap, fmt);
	vsnprintf(msg, sizeof(msg), fmt, ap);
	va_end(ap);
	snprintf(r->err, sizeof(r->err), "%s: offset %llu: %s", r->name, (unsigned long long)at,
		 msg);
	return e;
}

/* Make n bytes available at buf + pos. Returns 1, 0 at clean EOF, -errno. */
static int fill(struct cap_reader *r, size_t n)
{
	if (r->len - r->pos >= n)
		return 1;
	if (r->pos) {
		memmove(r->buf, r->buf + r->pos, r->len - r->pos);
		r->off += r->pos;
		r->len -= r->pos;
		r->pos = 0;
	}
	while (r->len < n && !r->eof) {
		ssize_t k = read(r->fd, r->buf + r->len, r->cap - r->len);

		if (k < 0) {
			if (errno == EINTR)
				continue;
			return fail(r, r->off + r->len, -errno, "read failed: %s", strerror(errno));
		}
		if (k == 0)
			r->eof = true;
		r->len += (size_t)k;
	}
	return r->len >= n ? 1 : 0;
}

static uint64_t here(const struct cap_reader *r)
{
	return r->off + r->pos;
}

/* Reads one block header and its payload; *ret_payload valid until next call. */
static int read_block(struct cap_reader *r, struct cap_block_hdr *bh, const uint8_t **ret_payload,
		      uint64_t *ret_at)
{
	uint64_t at = here(r);
	int k;

	k = fill(r, sizeof(*bh));
	if (k <= 0) {
		if (k == 0 && r->len - r->pos != 0)
			return fail(r, at, -EBADMSG, "truncated block header (%zu of 8 bytes)",
				    r->len - r->pos);
		return k;
	}
	memcpy(bh, r->buf + r->pos, sizeof(*bh));
	if (bh->len < sizeof(*bh) || bh->len % 8 || bh->len > CAP_BLOCK_MAX)
		return fail(r, at, -EBADMSG, "block of type %u has invalid length %u", bh->type,
			    bh->len);
	k = fill(r, bh->len);
	if (k < 0)
		return k;
	if (k == 0)
		return fail(r, at, -EBADMSG,
			    "truncated block: type %u needs %u bytes, file has %zu", bh->type,
			    bh->len, r->len - r->pos);
	*ret_payload = r->buf + r->pos + sizeof(*bh);
	*ret_at = at;
	r->pos += bh->len;
	return 1;
}

static int parse_hostinfo(struct cap_reader *r, const uint8_t *p, size_t n, uint64_t at)
{
	size_t off = 0;

	while (off + 4 <= n) {
		uint16_t key, len;

		memcpy(&key, p + off, 2);
		memcpy(&len, p + off + 2, 2);
		if (len == 0 && key == 0)
			break; /* padding */
		if (off + 4 + len > n || len == 0 || p[off + 4 + len - 1] != '\0')
			return fail(r, at + 8 + off, -EBADMSG, "malformed host info entry (key %u)",
				    key);
		if (key > 0 && key < CAP_HOST_MAX) {
			free(r->host.v[key]);
			r->host.v[key] = strdup((const char *)p + off + 4);
		}
		off += 4u + len;
	}
	return 0;
}

int cap_reader_fdopen(int fd, const char *name, struct cap_reader **ret, char *err, size_t errlen)
{
	struct cap_reader *r;
	struct cap_block_hdr bh;
	const uint8_t *p;
	uint64_t at;
	int k;

	r = calloc(1, sizeof(*r));
	if (!r) {
		close(fd);
		return -ENOMEM;
	}
	r->fd = fd;
	r->name = strdup(name);
	r->cap = 2 * CAP_BLOCK_MAX;
	r->buf = malloc(r->cap);
	if (!r->name || !r->buf) {
		k = -ENOMEM;
		snprintf(r->err, sizeof(r->err), "%s: out of memory", name);
		goto fail;
	}
	k = fill(r, 8);
	if (k <= 0 || memcmp(r->buf, CAP_MAGIC, 8) != 0) {
		k = fail(r, 0, k < 0 ? k : -EBADMSG, "not a saker capture file (bad magic)");
		goto fail;
	}
	r->pos = 8;
	k = read_block(r, &bh, &p, &at);
	if (k <= 0 || bh.type != CAP_BLK_HEADER || bh.len < 8 + sizeof(r->hdr)) {
		if (k >= 0)
			k = fail(r, 8, -EBADMSG, "missing capture header block");
		goto fail;
	}
	memcpy(&r->hdr, p, sizeof(r->hdr));
	if (r->hdr.version_major != CAP_VERSION_MAJOR) {
		k = fail(r, 16, -EPROTONOSUPPORT, "capture format %u.%u; this saker reads %u.x",
			 r->hdr.version_major, r->hdr.version_minor, CAP_VERSION_MAJOR);
		goto fail;
	}
	if (r->hdr.abi_major != SAKER_ABI_MAJOR) {
		k = fail(r, 20, -EPROTONOSUPPORT,
			 "records use event ABI %u.%u; this saker reads %u.x", r->hdr.abi_major,
			 r->hdr.abi_minor, SAKER_ABI_MAJOR);
		goto fail;
	}
	k = read_block(r, &bh, &p, &at);
	if (k <= 0 || bh.type != CAP_BLK_HOSTINFO) {
		if (k >= 0)
			k = fail(r, at, -EBADMSG, "missing host info block");
		goto fail;
	}
	k = parse_hostinfo(r, p, bh.len - 8, at);
	if (k < 0)
		goto fail;
	*ret = r;
	return 0;
fail:
	if (err)
		snprintf(err, errlen, "%s", r->err);
	cap_reader_close(r);
	return k;
}

int cap_reader_open(const char *path, struct cap_reader **ret, char *err, size_t errlen)
{
	int fd = strcmp(path, "-") == 0 ? fcntl(STDIN_FILENO, F_DUPFD_CLOEXEC, 3) :
					  open(path, O_RDONLY | O_CLOEXEC);

	if (fd < 0) {
		int e = errno;
		if (err)
			snprintf(err, errlen, "%s: %s", path, strerror(e));
		return -e;
	}
	return cap_reader_fdopen(fd, path, ret, err, errlen);
}

int cap_reader_next(struct cap_reader *r, const void **ret_rec)
{
	for (;;) {
		struct cap_block_hdr bh;
		const uint8_t *p;
		struct saker_rec_hdr rh;
		enum evt_bad why;
		uint64_t at;
		size_t plen;
		int k;

		if (r->done)
			return CAP_ITEM_END;
		k = read_block(r, &bh, &p, &at);
		if (k < 0)
			return k;
		if (k == 0) {
			r->done = true;
			return CAP_ITEM_END;
		}
		plen = bh.len - sizeof(bh);
		switch (bh.type) {
		case CAP_BLK_RECORD:
			if (plen < SAKER_HDR_SIZE)
				return fail(r, at, -EBADMSG, "record block too short (%zu bytes)",
					    plen);
			memcpy(&rh, p, sizeof(rh));
			if (rh.len > plen || ALIGN8(rh.len) != plen)
				return fail(r, at, -EBADMSG,
					    "record length %u does not fit its block (%zu bytes)",
					    rh.len, plen);
			if (evt_validate(p, rh.len, &why) < 0) {
				/* A newer minor ABI may add event types: skip those. */
				if (why == EVT_BAD_TYPE && r->hdr.abi_minor > SAKER_ABI_MINOR)
					continue;
				return fail(r, at + 8, -EBADMSG, "bad record (type %u): %s",
					    rh.type, evt_bad_names[why]);
			}
			*ret_rec = p;
			return CAP_ITEM_RECORD;
		case CAP_BLK_SNAPSHOT_END:
			return CAP_ITEM_SNAPSHOT_END;
		case CAP_BLK_TRAILER:
			if (plen < sizeof(r->trailer))
				return fail(r, at, -EBADMSG, "trailer block too short");
			memcpy(&r->trailer, p, sizeof(r->trailer));
			r->have_trailer = true;
			r->done = true;
			return CAP_ITEM_END;
		case CAP_BLK_HEADER:
		case CAP_BLK_HOSTINFO:
			return fail(r, at, -EBADMSG, "unexpected second header block (type %u)",
				    bh.type);
		default:
			/* Unknown block types from newer writers are skipped. */
			if (bh.type > CAP_BLK_TRAILER && r->hdr.version_minor > CAP_VERSION_MINOR)
				continue;
			return fail(r, at, -EBADMSG, "unknown block type %u", bh.type);
		}
	}
}

const char *cap_reader_error(const struct cap_reader *r)
{
	return r->err;
}

const struct cap_header *cap_reader_header(const struct cap_reader *r)
{
	return &r->hdr;
}

const struct cap_hostinfo *cap_reader_hostinfo(const struct cap_reader *r)
{
	return &r->host;
}

const struct cap_trailer *cap_reader_trailer(const struct cap_reader *r)
{
	return r->have_trailer ? &r->trailer : NULL;
}

uint64_t cap_reader_offset(const struct cap_reader *r)
{
	return here(r);
}

void cap_reader_close(struct cap_reader *r)
{
	if (!r)
		return;
	if (r->fd >= 0)
		close(r->fd);
	cap_hostinfo_clear(&r->host);
	free(r->name);
	free(r->buf);
	free(r);
}
