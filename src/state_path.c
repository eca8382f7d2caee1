// SPDX-License-Identifier: GPL-2.0-only
/*
 * Lexical path resolution: join a path to its base directory and remove
 * ".", ".." and repeated slashes, as Falco's fd.name does. Symlinks are not
 * followed (userspace cannot know what they pointed to at the time).
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <string.h>

#include "state_int.h"

/* Append component c (clen bytes) to out (used bytes *n, capacity len). */
static bool push(char *out, size_t *n, size_t len, const char *c, size_t clen)
{
	if (clen == 1 && c[0] == '.')
		return true;
	if (clen == 2 && c[0] == '.' && c[1] == '.') {
		/* Up one: back to the previous '/', never above the root. */
		while (*n > 1 && out[*n - 1] != '/')
			(*n)--;
		if (*n > 1)
			(*n)--;
		return true;
	}
	if (*n + (*n > 1) + clen + 1 > len)
		return false;
	if (*n > 1)
		out[(*n)++] = '/';
	memcpy(out + *n, c, clen);
	*n += clen;
	return true;
}

static bool push_all(char *out, size_t *n, size_t len, const char *p)
{
	while (*p) {
		const char *end;

		while (*p == '/')
			p++;
		if (!*p)
			break;
		end = strchr(p, '/');
		if (!end)
			end = p + strlen(p);
		if (!push(out, n, len, p, (size_t)(end - p)))
			return false;
		p = end;
	}
	return true;
}

size_t state_path_clean(const char *p)
{
	size_t n = strlen(p);
	const char *d;

	if (!n || (n > 1 && p[n - 1] == '/') || strstr(p, "//"))
		return 0;
	/* A "." or ".." component: a dot opening a component, alone or doubled. */
	for (d = strchr(p, '.'); d; d = strchr(d + 1, '.'))
		if ((d == p || d[-1] == '/') &&
		    (!d[1] || d[1] == '/' || (d[1] == '.' && (!d[2] || d[2] == '/'))))
			return 0;
	return n;
}

char *state_path_join(const char *base, const char *rel, char *out, size_t len)
{
	size_t n = 1, rl, bl;

	if (len < 2)
		return NULL;
	/* Most paths need no normalising: then joining is copying. */
	rl = state_path_clean(rel);
	if (rl && rel[0] == '/') {
		if (rl >= len)
			return NULL;
		memcpy(out, rel, rl + 1);
		return out;
	}
	bl = rl && base ? state_path_clean(base) : 0;
	if (bl && base[0] == '/') {
		if (bl == 1)
			bl = 0; /* the root: "/" + rel */
		if (bl + 1 + rl >= len)
			return NULL;
		memcpy(out, base, bl);
		out[bl] = '/';
		memcpy(out + bl + 1, rel, rl + 1);
		return out;
	}
	out[0] = '/';
	if (rel[0] != '/' && base && !push_all(out, &n, len, base))
		return NULL;
	if (!push_all(out, &n, len, rel))
		return NULL;
	out[n] = '\0';
	return out;
}
