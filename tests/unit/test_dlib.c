// SPDX-License-Identifier: GPL-2.0-only
/*
 * src/dlib.c where a library cannot serve: compiled here with sonames that
 * cannot work, one absent and one present without the symbols asked for.
 * The real libraries are exercised where their features are
 * (out_http.sh, containers_cri.sh, k8saudit.sh).
 */
#define DLIB_CURL "libsaker-test-absent.so.0"
#define DLIB_MHD "libc.so.6"

#include <errno.h>
#include <string.h>

#include "../../src/dlib.c"
#include "tap.h"

static void test_absent(void)
{
#ifdef HAVE_HTTP
	char err[256] = "";

	tap_is_int(dlib_curl(err, sizeof(err)), -ENOENT, "an absent library: -ENOENT");
	tap_ok(strstr(err, "libsaker-test-absent.so.0: cannot open") != NULL,
	       "the error names the file: %s", err);
	tap_ok(!sym_curl_global_init && !sym_curl_easy_init, "no function of it is set");
	err[0] = '\0';
	tap_is_int(dlib_curl(err, sizeof(err)), -ENOENT, "asked again: the same answer");
	tap_ok(strstr(err, "libsaker-test-absent.so.0") != NULL, "with the same error");
	tap_is_int(dlib_curl(NULL, 0), -ENOENT, "without an error buffer too");
#else
	tap_skip(6, "built without libcurl");
#endif
}

static void test_no_symbol(void)
{
#ifdef HAVE_MICROHTTPD
	char err[256] = "";

	tap_is_int(dlib_mhd(err, sizeof(err)), -ENOSYS, "a library without the symbols: -ENOSYS");
	tap_ok(strstr(err, "libc.so.6 has no MHD_start_daemon") != NULL,
	       "the error names the library and the symbol: %s", err);
	tap_ok(!sym_MHD_start_daemon && !sym_MHD_stop_daemon,
	       "none of its functions is set, not even those it has none of");
	tap_ok(sym_gnutls_certificate_get_peers != NULL, "GnuTLS, opened first, is complete");
#else
	tap_skip(4, "built without libmicrohttpd");
#endif
}

int main(void)
{
	test_absent();
	test_no_symbol();
	return tap_done();
}
