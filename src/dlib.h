/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Libraries sakerd opens the first time a feature needs them (dlopen(3)),
 * not at every start: libcurl (the HTTP output, the Docker and CRI
 * clients) and libmicrohttpd with GnuTLS (the Kubernetes audit webhook).
 * Linked, they and the libraries they bring were 29 of sakerd's 46, and
 * mapping and initialising them cost about 12 ms of every start on a VM
 * (10 for libcurl), paid before sakerd --driver ptrace could launch its
 * command; most starts use neither.
 *
 * Each function is called through sym_NAME, a pointer of the library's own
 * type (typeof), so the prototypes stay the headers'. dlib_curl() and
 * dlib_mhd() open the library once (any thread) and say what is missing.
 */
#ifndef SAKER_DLIB_H
#define SAKER_DLIB_H

#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <stddef.h>

/*
 * Each library's functions, listed once: X(name) for each. The header
 * declares sym_NAME from the list, dlib.c defines them and looks them up.
 */
#define DLIB_DECLARE(f) extern typeof(f) *sym_##f;

#ifdef HAVE_HTTP
#include <curl/curl.h>

/* clang-format off */
#define DLIB_CURL_SYMS(X) \
	X(curl_global_init) X(curl_easy_init) X(curl_easy_setopt) X(curl_easy_perform) \
	X(curl_easy_getinfo) X(curl_easy_cleanup) X(curl_easy_strerror) \
	X(curl_slist_append) X(curl_slist_free_all) X(curl_version_info)
/* clang-format on */
DLIB_CURL_SYMS(DLIB_DECLARE)

/* libcurl opened and curl_global_init() run: 0, or -errno and err set. */
int dlib_curl(char *err, size_t errlen);
#endif

#ifdef HAVE_MICROHTTPD
#include <gnutls/gnutls.h>
#include <microhttpd.h>

/* clang-format off */
#define DLIB_MHD_SYMS(X) \
	X(MHD_start_daemon) X(MHD_stop_daemon) X(MHD_get_daemon_info) \
	X(MHD_get_connection_info) X(MHD_lookup_connection_value) \
	X(MHD_create_response_from_buffer) X(MHD_add_response_header) X(MHD_queue_response) \
	X(MHD_destroy_response)
#define DLIB_GNUTLS_SYMS(X) \
	X(gnutls_certificate_get_peers) X(gnutls_certificate_verify_peers2)
/* clang-format on */
DLIB_MHD_SYMS(DLIB_DECLARE)
DLIB_GNUTLS_SYMS(DLIB_DECLARE)

/* libmicrohttpd and GnuTLS opened: 0, or -errno and err set. */
int dlib_mhd(char *err, size_t errlen);
#endif

#endif
