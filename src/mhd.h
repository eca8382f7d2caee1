/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * What saker's two HTTP servers (the audit webhook, src/k8saudit_http.c, and
 * /healthz and /metrics, src/webserver.c) share: the listen address of a
 * configuration key, and a libmicrohttpd daemon started the same way.
 */
#ifndef SAKER_MHD_H
#define SAKER_MHD_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif

#ifdef HAVE_MICROHTTPD
#include <stdbool.h>
#include <stddef.h>
#include <sys/socket.h>

#include "dlib.h"

/* key's value listen ("ADDRESS:PORT") as an address: 0, or -EINVAL with err naming both. */
int mhd_address(const char *key, const char *listen, struct sockaddr_storage *ss,
		bool *ret_loopback, char *err, size_t errlen);
/*
 * libmicrohttpd opened (dlib_mhd()) and a daemon serving ss from a thread
 * of its own, which takes no signals (they are the event loop's) and whose
 * library messages are not logged; flags are added to
 * MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO, opts end with
 * MHD_OPTION_END. Returns 0; -ENOTSUP with err "KEY: why" when the library
 * cannot be opened; -errno when the daemon does not start (the caller says
 * what that means for its key).
 */
int mhd_start(const char *key, struct sockaddr_storage *ss, unsigned flags,
	      MHD_AccessHandlerCallback handler, void *cls, const struct MHD_OptionItem *opts,
	      struct MHD_Daemon **ret, char *err, size_t errlen);
/*
 * Queue a response: body (copied) as type, with the headers of hdrs, name
 * and value pairs ending with NULL (hdrs NULL: none).
 */
enum MHD_Result mhd_reply(struct MHD_Connection *c, unsigned code, const char *type,
			  const char *body, size_t len, const char *const *hdrs);
#endif

#endif /* SAKER_MHD_H */
