// SPDX-License-Identifier: GPL-2.0-only
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <stdio.h>
#include <string.h>

#include "containerid.h"

static bool is_hex64(const char *s, size_t len)
{
	if (len != 64)
		return false;
	for (size_t i = 0; i < len; i++)
		if (!((s[i] >= '0' && s[i] <= '9') || (s[i] >= 'a' && s[i] <= 'f')))
			return false;
	return true;
}

static void set(struct containerid *ret, enum containerid_runtime rt, const char *s, size_t len,
		bool hashed)
{
	if (len >= CONTAINERID_FULL_MAX)
		len = CONTAINERID_FULL_MAX - 1;
	ret->runtime = rt;
	memcpy(ret->full, s, len);
	ret->full[len] = '\0';
	/* Falco's container.id of hash-named containers is the short form. */
	if (hashed && len > 12)
		len = 12;
	memcpy(ret->id, s, len);
	ret->id[len] = '\0';
}

/* Component c (len bytes) is "<prefix><64 hex><suffix>". */
static bool hex_between(const char *c, size_t len, const char *prefix, const char *suffix,
			const char **hex)
{
	size_t pl = strlen(prefix), sl = strlen(suffix);

	if (len != pl + 64 + sl || strncmp(c, prefix, pl) || strncmp(c + pl + 64, suffix, sl))
		return false;
	*hex = c + pl;
	return is_hex64(*hex, 64);
}

/* systemd unescapes "\x2d" as '-' in unit names (nspawn machine names). */
static size_t unescape(const char *s, size_t len, char *out, size_t max)
{
	size_t n = 0;

	for (size_t i = 0; i < len && n + 1 < max; i++) {
		unsigned v;

		if (s[i] == '\\' && i + 3 < len && s[i + 1] == 'x' &&
		    sscanf(s + i + 2, "%2x", &v) == 1) {
			out[n++] = (char)v;
			i += 3;
		} else {
			out[n++] = s[i];
		}
	}
	out[n] = '\0';
	return n;
}

/* One path component: the runtime-specific names. */
static bool from_component(const char *c, size_t len, const char *prev, size_t prevlen,
			   struct containerid *ret)
{
	static const struct {
		const char *prefix, *suffix;
		enum containerid_runtime rt;
	} scopes[] = {
		{ "docker-", ".scope", CONTAINERID_DOCKER },
		{ "cri-containerd-", ".scope", CONTAINERID_CONTAINERD },
		{ "crio-", ".scope", CONTAINERID_CRIO },
		{ "crio-", "", CONTAINERID_CRIO },
		{ "libpod-", ".scope", CONTAINERID_PODMAN },
		{ "libpod-", "", CONTAINERID_PODMAN },
	};
	const char *hex;
	char name[CONTAINERID_FULL_MAX];

	for (size_t i = 0; i < sizeof(scopes) / sizeof(scopes[0]); i++) {
		if (hex_between(c, len, scopes[i].prefix, scopes[i].suffix, &hex)) {
			set(ret, scopes[i].rt, hex, 64, true);
			return true;
		}
	}
	if (is_hex64(c, len)) {
		/* Bare ids: the parent directory says whose. */
		enum containerid_runtime rt = CONTAINERID_CONTAINERD;

		if (prevlen == 6 && !strncmp(prev, "docker", 6))
			rt = CONTAINERID_DOCKER;
		else if (prevlen == 13 && !strncmp(prev, "libpod_parent", 13))
			rt = CONTAINERID_PODMAN;
		set(ret, rt, c, 64, true);
		return true;
	}
	if (len > 12 && !strncmp(c, "lxc.payload.", 12)) {
		set(ret, CONTAINERID_LXC, c + 12, len - 12, false);
		return true;
	}
	if (prevlen == 3 && !strncmp(prev, "lxc", 3) && len) {
		set(ret, CONTAINERID_LXC, c, len, false);
		return true;
	}
	if (len > 14 && !strncmp(c, "machine-", 8) && !strncmp(c + len - 6, ".scope", 6) &&
	    prevlen == 13 && !strncmp(prev, "machine.slice", 13)) {
		size_t n = unescape(c + 8, len - 14, name, sizeof(name));

		/* libpod under machine.slice is podman's own scope, handled above. */
		set(ret, CONTAINERID_NSPAWN, name, n, false);
		return true;
	}
	return false;
}

bool containerid_from_path(const char *path, size_t len, struct containerid *ret)
{
	const char *prev = "", *c = path, *end = path + len;
	size_t prevlen = 0;

	/* Walk from the root: the outermost container owns the process. */
	while (c < end) {
		const char *slash;
		size_t clen;

		while (c < end && *c == '/')
			c++;
		slash = memchr(c, '/', (size_t)(end - c));
		clen = (size_t)((slash ? slash : end) - c);
		if (clen && from_component(c, clen, prev, prevlen, ret))
			return true;
		prev = c;
		prevlen = clen;
		c += clen;
	}
	return false;
}

void containerid_from_cgroups(const char *list, size_t len, struct containerid *ret)
{
	const char *e = list, *end = list + len;

	while (e < end) {
		size_t elen = strnlen(e, (size_t)(end - e));
		const char *path = memchr(e, '=', elen);

		if (path) {
			path++;
			if (containerid_from_path(path, elen - (size_t)(path - e), ret))
				return;
		}
		e += elen + 1;
	}
	ret->runtime = CONTAINERID_HOST;
	strcpy(ret->id, "host");
	strcpy(ret->full, "host");
}

const char *containerid_runtime_name(enum containerid_runtime rt)
{
	static const char *const names[] = { "host",   "docker", "containerd",	  "cri-o",
					     "podman", "lxc",	 "systemd-nspawn" };

	return (unsigned)rt < sizeof(names) / sizeof(names[0]) ? names[rt] : "unknown";
}
