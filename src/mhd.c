// SPDX-License-Identifier: GPL-2.0-only
#include "config.h"

#include "mhd.h"

#ifdef HAVE_MICROHTTPD
#include <errno.h>
#include <pthread.h>
#include <signal.h>
#include <stdio.h>

#include "util.h"

int mhd_address(const char *key, const char *listen, struct sockaddr_storage *ss,
		bool *ret_loopback, char *err, size_t errlen)
{
	if (util_parse_listen(listen, ss, ret_loopback) == 0)
		return 0;
	snprintf(err, errlen, "%s '%s' is not ADDRESS:PORT", key, listen);
	return -EINVAL;
}

/* libmicrohttpd's own messages (TLS handshakes failing, ...) are not logged by library code. */
static void quiet(void *cls, const char *fmt, va_list ap)
{
}

int mhd_start(const char *key, struct sockaddr_storage *ss, unsigned flags,
	      MHD_AccessHandlerCallback handler, void *cls, const struct MHD_OptionItem *opts,
	      struct MHD_Daemon **ret, char *err, size_t errlen)
{
	sigset_t all, old;
	char why[256];
	int e;

	if (dlib_mhd(why, sizeof(why)) < 0) {
		snprintf(err, errlen, "%s: %s", key, why);
		return -ENOTSUP;
	}
	flags |= MHD_USE_INTERNAL_POLLING_THREAD | MHD_USE_AUTO;
	if (ss->ss_family == AF_INET6)
		flags |= MHD_USE_IPv6;
	sigfillset(&all);
	pthread_sigmask(SIG_SETMASK, &all, &old);
	errno = 0;
	*ret = sym_MHD_start_daemon(flags, 0, NULL, NULL, handler, cls, MHD_OPTION_SOCK_ADDR, ss,
				    MHD_OPTION_EXTERNAL_LOGGER, quiet, NULL, MHD_OPTION_ARRAY, opts,
				    MHD_OPTION_END);
	e = errno ? errno : EADDRNOTAVAIL;
	pthread_sigmask(SIG_SETMASK, &old, NULL);
	return *ret ? 0 : -e;
}

enum MHD_Result mhd_reply(struct MHD_Connection *c, unsigned code, const char *type,
			  const char *body, size_t len, const char *const *hdrs)
{
	struct MHD_Response *r =
		sym_MHD_create_response_from_buffer(len, (void *)body, MHD_RESPMEM_MUST_COPY);
	enum MHD_Result ret;

	if (!r)
		return MHD_NO;
	sym_MHD_add_response_header(r, "Content-Type", type);
	for (; hdrs && hdrs[0] && hdrs[1]; hdrs += 2)
		sym_MHD_add_response_header(r, hdrs[0], hdrs[1]);
	ret = sym_MHD_queue_response(c, code, r);
	sym_MHD_destroy_response(r);
	return ret;
}
#endif
