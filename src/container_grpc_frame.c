// SPDX-License-Identifier: GPL-2.0-only
/*
 * gRPC's message framing: a flag byte (1 = compressed), a 32-bit
 * big-endian length, the message. We ask for no compression, so a
 * compressed frame is a protocol error, as is anything after the one
 * message a unary call answers.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "container_grpc.h"

int container_grpc_frame(const uint8_t *msg, size_t len, uint8_t **ret)
{
	uint8_t *p;

	if (len > CONTAINER_GRPC_MAX_MSG)
		return -EFBIG;
	p = malloc(len + CONTAINER_GRPC_HDR);
	if (!p)
		return -ENOMEM;
	p[0] = 0;
	p[1] = (uint8_t)(len >> 24);
	p[2] = (uint8_t)(len >> 16);
	p[3] = (uint8_t)(len >> 8);
	p[4] = (uint8_t)len;
	if (len)
		memcpy(p + CONTAINER_GRPC_HDR, msg, len);
	*ret = p;
	return 0;
}

int container_grpc_unframe(const uint8_t *body, size_t len, size_t max, const uint8_t **ret_msg,
			   size_t *ret_len)
{
	uint32_t n;

	if (len < CONTAINER_GRPC_HDR || body[0] > 1)
		return -EBADMSG;
	n = (uint32_t)body[1] << 24 | (uint32_t)body[2] << 16 | (uint32_t)body[3] << 8 | body[4];
	if (n > max)
		return -EFBIG;
	if (body[0] != 0 || len - CONTAINER_GRPC_HDR != n)
		return -EBADMSG; /* compressed, truncated, or more than one message */
	*ret_msg = body + CONTAINER_GRPC_HDR;
	*ret_len = n;
	return 0;
}

int container_grpc_parse_status(const char *s, size_t len)
{
	int v = 0;

	while (len && (s[len - 1] == ' ' || s[len - 1] == '\t' || s[len - 1] == '\r' ||
		       s[len - 1] == '\n'))
		len--;
	while (len && (*s == ' ' || *s == '\t')) {
		s++;
		len--;
	}
	/* The codes are 0..16; anything longer than two digits is not one. */
	if (!len || len > 2)
		return -EBADMSG;
	for (size_t i = 0; i < len; i++) {
		if (s[i] < '0' || s[i] > '9')
			return -EBADMSG;
		v = v * 10 + (s[i] - '0');
	}
	return v;
}

int container_grpc_status_errno(int code)
{
	switch (code) {
	case CONTAINER_GRPC_OK:
		return 0;
	case CONTAINER_GRPC_NOT_FOUND:
		return -ENOENT;
	case CONTAINER_GRPC_UNIMPLEMENTED:
		return -EPROTONOSUPPORT;
	case CONTAINER_GRPC_DEADLINE_EXCEEDED:
		return -ETIMEDOUT;
	default:
		return -EIO;
	}
}
