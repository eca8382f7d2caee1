// SPDX-License-Identifier: GPL-2.0-only
/*
 * gRPC framing: a request framed and unframed again, and every way an
 * answer's body can be wrong (truncated, trailing bytes, compressed, too
 * large); grpc-status values; the errno each status becomes. The
 * transport itself runs against a real containerd in
 * tests/integration/containers_cri.sh.
 */
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container_grpc.h"
#include "tap.h"

static void test_roundtrip(void)
{
	const uint8_t msg[] = { 0x0a, 0x03, 'a', 'b', 'c' };
	const uint8_t *out;
	uint8_t *f = NULL;
	size_t len = 99;

	tap_is_int(container_grpc_frame(msg, sizeof(msg), &f), 0, "a message is framed");
	tap_ok(f && f[0] == 0 && f[1] == 0 && f[2] == 0 && f[3] == 0 && f[4] == 5,
	       "the frame header is flag 0 and the big-endian length");
	tap_is_int(container_grpc_unframe(f, sizeof(msg) + 5, 1024, &out, &len), 0,
		   "the frame is read back");
	tap_ok(len == sizeof(msg) && out == f + 5 && !memcmp(out, msg, len),
	       "the message read back is the one framed, in place");
	free(f);
	f = NULL;
	tap_is_int(container_grpc_frame(NULL, 0, &f), 0, "an empty message is framed");
	tap_is_int(container_grpc_unframe(f, 5, 1024, &out, &len), 0,
		   "an empty message (header only) is a message");
	tap_is_int((int)len, 0, "of length 0");
	free(f);
	tap_is_int(container_grpc_frame(msg, CONTAINER_GRPC_MAX_MSG + 1, &f), -EFBIG,
		   "a request over the bound is not framed");
}

static void test_bad_frames(void)
{
	uint8_t b[32] = { 0, 0, 0, 0, 3, 1, 2, 3 };
	const uint8_t *out = NULL;
	size_t len = 7;

	tap_is_int(container_grpc_unframe(b, 0, 1024, &out, &len), -EBADMSG,
		   "no body at all is not an answer");
	tap_is_int(container_grpc_unframe(b, 4, 1024, &out, &len), -EBADMSG,
		   "a truncated header is refused");
	tap_is_int(container_grpc_unframe(b, 7, 1024, &out, &len), -EBADMSG,
		   "a truncated message is refused");
	tap_is_int(container_grpc_unframe(b, 9, 1024, &out, &len), -EBADMSG,
		   "bytes after the one message of a unary answer are refused");
	memcpy(b + 8, (uint8_t[]){ 0, 0, 0, 0, 0 }, 5);
	tap_is_int(container_grpc_unframe(b, 13, 1024, &out, &len), -EBADMSG,
		   "a second message is refused");
	b[0] = 1;
	tap_is_int(container_grpc_unframe(b, 8, 1024, &out, &len), -EBADMSG,
		   "a compressed message is refused (we asked for none)");
	b[0] = 0x80;
	tap_is_int(container_grpc_unframe(b, 8, 1024, &out, &len), -EBADMSG,
		   "an unknown flag is refused");
	b[0] = 0;
	b[4] = 3;
	tap_is_int(container_grpc_unframe(b, 8, 2, &out, &len), -EFBIG,
		   "a message over the caller's bound is refused by its header");
	memcpy(b, (uint8_t[]){ 0, 0xff, 0xff, 0xff, 0xff }, 5);
	tap_is_int(container_grpc_unframe(b, 8, CONTAINER_GRPC_MAX_MSG, &out, &len), -EFBIG,
		   "a 4 GiB length is refused before anything is read");
	tap_ok(out == NULL && len == 7, "nothing is written on failure");
}

static void test_status(void)
{
	tap_is_int(container_grpc_parse_status("0", 1), 0, "grpc-status 0");
	tap_is_int(container_grpc_parse_status(" 5\r\n", 4), 5, "grpc-status 5, spaced");
	tap_is_int(container_grpc_parse_status("12", 2), 12, "grpc-status 12");
	tap_is_int(container_grpc_parse_status("", 0), -EBADMSG, "an empty status is refused");
	tap_is_int(container_grpc_parse_status("ok", 2), -EBADMSG, "a word is refused");
	tap_is_int(container_grpc_parse_status("-1", 2), -EBADMSG, "a sign is refused");
	tap_is_int(container_grpc_parse_status("123", 3), -EBADMSG, "three digits are refused");
	tap_is_int(container_grpc_parse_status("99999999999999999999", 20), -EBADMSG,
		   "a long number is refused, not overflowed");
	tap_is_int(container_grpc_status_errno(0), 0, "OK is success");
	tap_is_int(container_grpc_status_errno(5), -ENOENT, "NOT_FOUND is -ENOENT");
	tap_is_int(container_grpc_status_errno(12), -EPROTONOSUPPORT,
		   "UNIMPLEMENTED is -EPROTONOSUPPORT (the socket speaks another API)");
	tap_is_int(container_grpc_status_errno(4), -ETIMEDOUT, "DEADLINE_EXCEEDED is -ETIMEDOUT");
	tap_is_int(container_grpc_status_errno(14), -EIO, "UNAVAILABLE is transient");
	tap_is_int(container_grpc_status_errno(2), -EIO, "UNKNOWN is transient");
}

int main(void)
{
	test_roundtrip();
	test_bad_frames();
	test_status();
	return tap_done();
}
