// SPDX-License-Identifier: GPL-2.0-only
/*
 * Optional libraries, opened on first use (dlib.h). A library is opened
 * with RTLD_NOW, so a missing symbol shows at once and not at a call, and
 * RTLD_NODELETE: it stays for the life of the process, like a linked one.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <dlfcn.h>
#include <errno.h>
#include <pthread.h>
#include <stdio.h>

#include "dlib.h"
#include "util.h"

struct dlib_sym {
	const char *name;
	void **fn;
};

struct dlib {
	pthread_once_t once;
	int r;
	char err[256];
};

/* From a DLIB_*_SYMS list: the pointers, and the table that fills them. */
#define DLIB_DEFINE(f) typeof(f) *sym_##f;
/* clang-format off */
#define DLIB_ENTRY(f) { #f, (void **)&sym_##f },
/* clang-format on */

/* The files configure found (a test names others). */
#ifndef DLIB_CURL
#define DLIB_CURL CURL_SONAME
#endif
#ifndef DLIB_MHD
#define DLIB_MHD MHD_SONAME
#endif
#ifndef DLIB_GNUTLS
#define DLIB_GNUTLS GNUTLS_SONAME
#endif

#if defined(HAVE_HTTP) || defined(HAVE_MICROHTTPD)

/* All of syms from soname, or none (each pointer is set only on success). */
static int open_lib(struct dlib *l, const char *soname, const struct dlib_sym *syms, size_t n)
{
	void *fn[32];
	void *h;

	if (n > sizeof(fn) / sizeof(fn[0]))
		return -E2BIG;
	h = dlopen(soname, RTLD_NOW | RTLD_NODELETE);
	if (!h) {
		const char *e = dlerror();

		/* dlerror() names the file. */
		if (e)
			snprintf(l->err, sizeof(l->err), "%s", e);
		else
			snprintf(l->err, sizeof(l->err), "cannot open %s", soname);
		return -ENOENT;
	}
	for (size_t i = 0; i < n; i++) {
		fn[i] = dlsym(h, syms[i].name);
		if (!fn[i]) {
			snprintf(l->err, sizeof(l->err), "%s has no %s", soname, syms[i].name);
			dlclose(h);
			return -ENOSYS;
		}
	}
	for (size_t i = 0; i < n; i++)
		*syms[i].fn = fn[i];
	return 0;
}

static int result(const struct dlib *l, char *err, size_t errlen)
{
	if (l->r < 0 && err && errlen)
		snprintf(err, errlen, "%s", l->err);
	return l->r;
}

#endif

#ifdef HAVE_HTTP
DLIB_CURL_SYMS(DLIB_DEFINE)
static const struct dlib_sym curl_syms[] = { DLIB_CURL_SYMS(DLIB_ENTRY) };
static struct dlib curl = { .once = PTHREAD_ONCE_INIT };

static void curl_open(void)
{
	curl.r = open_lib(&curl, DLIB_CURL, curl_syms, ARRAY_SIZE(curl_syms));
	if (curl.r == 0 && sym_curl_global_init(CURL_GLOBAL_DEFAULT) != CURLE_OK) {
		snprintf(curl.err, sizeof(curl.err), "curl_global_init failed");
		curl.r = -ENOMEM;
	}
}

int dlib_curl(char *err, size_t errlen)
{
	pthread_once(&curl.once, curl_open);
	return result(&curl, err, errlen);
}
#endif

#ifdef HAVE_MICROHTTPD
DLIB_MHD_SYMS(DLIB_DEFINE)
DLIB_GNUTLS_SYMS(DLIB_DEFINE)
static const struct dlib_sym mhd_syms[] = { DLIB_MHD_SYMS(DLIB_ENTRY) };
static const struct dlib_sym tls_syms[] = { DLIB_GNUTLS_SYMS(DLIB_ENTRY) };
static struct dlib mhd = { .once = PTHREAD_ONCE_INIT };

static void mhd_open(void)
{
	mhd.r = open_lib(&mhd, DLIB_GNUTLS, tls_syms, ARRAY_SIZE(tls_syms));
	if (mhd.r == 0)
		mhd.r = open_lib(&mhd, DLIB_MHD, mhd_syms, ARRAY_SIZE(mhd_syms));
}

int dlib_mhd(char *err, size_t errlen)
{
	pthread_once(&mhd.once, mhd_open);
	return result(&mhd, err, errlen);
}
#endif
