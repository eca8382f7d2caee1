/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * A unary gRPC client for container runtimes' unix sockets: HTTP/2 with
 * prior knowledge (libcurl), `application/grpc`, one length-prefixed
 * message each way, the status from `grpc-status` (trailers, or the
 * headers of a trailers-only answer). Runs on the lookup worker only.
 *
 * Framing (container_grpc_frame.c) has no dependency beyond libc, so the
 * unit tests and the fuzz harness use it without a transport.
 */
#ifndef SAKER_CONTAINER_GRPC_H
#define SAKER_CONTAINER_GRPC_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#define CONTAINER_GRPC_HDR 5u /* compressed flag, u32 big-endian length */
#define CONTAINER_GRPC_MAX_MSG (4u << 20) /* bytes of one answer; more is -EFBIG */

/* The gRPC status codes we act on. */
enum container_grpc_code {
	CONTAINER_GRPC_OK = 0,
	CONTAINER_GRPC_DEADLINE_EXCEEDED = 4,
	CONTAINER_GRPC_NOT_FOUND = 5,
	CONTAINER_GRPC_UNIMPLEMENTED = 12,
	CONTAINER_GRPC_UNAVAILABLE = 14,
};

/* A request framed for the wire: 0 and *ret (malloc'ed, len + 5 bytes), or -errno. */
int container_grpc_frame(const uint8_t *msg, size_t len, uint8_t **ret);
/*
 * The message of a unary answer's body: exactly one uncompressed frame of
 * at most max bytes and nothing after it. 0 with *ret_msg pointing into
 * body; -EBADMSG (truncated, trailing bytes, compressed, no frame), -EFBIG.
 */
int container_grpc_unframe(const uint8_t *body, size_t len, size_t max, const uint8_t **ret_msg,
			   size_t *ret_len);
/* A grpc-status value ("5"): the code (one or two digits), or -EBADMSG. */
int container_grpc_parse_status(const char *s, size_t len);
/* The errno a non-OK status maps to: NOT_FOUND -ENOENT, UNIMPLEMENTED -EPROTONOSUPPORT, ... */
int container_grpc_status_errno(int code);

/* container_grpc.c: the transport (built with libcurl). */
struct container_grpc;

/* A channel to one socket (its name and the timeout of each call). NULL with errno. */
struct container_grpc *container_grpc_open(const char *socket, unsigned timeout_ms);
void container_grpc_close(struct container_grpc *g);

struct container_grpc_reply {
	uint8_t *body; /* the raw answer body (owned) */
	const uint8_t *msg; /* the message in it */
	size_t len;
};

/*
 * Calls method ("/runtime.v1.RuntimeService/Version") with the serialised
 * request msg. ns, if not NULL, is sent as the containerd-namespace header.
 * 0 and *ret on an OK status with one message; else -errno (from the status:
 * -ENOENT, -EPROTONOSUPPORT, -ETIMEDOUT; -EIO transport; -EBADMSG framing;
 * -EFBIG too large; -ELIBACC libcurl cannot be opened) with err saying why.
 */
int container_grpc_call(struct container_grpc *g, const char *method, const char *ns,
			const uint8_t *msg, size_t len, struct container_grpc_reply *ret, char *err,
			size_t errlen);
void container_grpc_reply_free(struct container_grpc_reply *r);
/*
 * 0 when libcurl opens and speaks HTTP/2; -ELIBACC when it cannot be
 * opened (a broken install: reported), -EPROTONOSUPPORT without HTTP/2 (the
 * CRI engine counts as absent); err says which.
 */
int container_grpc_usable(char *err, size_t errlen);

#endif /* SAKER_CONTAINER_GRPC_H */
