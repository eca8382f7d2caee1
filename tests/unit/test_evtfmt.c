// SPDX-License-Identifier: GPL-2.0-only
/*
 * Parameter rendering: every parameter type as Falco's evt.arg shows it,
 * absent and truncated values, whole lines, and that no renderer writes past
 * the caller's buffer, however small.
 */
#ifdef HAVE_CONFIG_H
#include "config.h"
#endif
#include <arpa/inet.h>
#include <errno.h>
#include <fcntl.h>
#include <signal.h>
#include <stdlib.h>
#include <string.h>
#include <sys/ptrace.h>
#include <sys/socket.h>
#include <time.h>

#include "evtfmt.h"
#include "recbuild.h"
#include "tap.h"

static uint8_t rec[8192];
static struct evt ev;
static char out[8192];

/* Decodes the record just built; the test fails loudly if it does not. */
static const struct evt *decoded(struct rec_builder *rb)
{
	int n = rb_end(rb);
	enum evt_bad why;

	if (n < 0 || evt_decode(&ev, rec, (size_t)n, NULL, &why) < 0) {
		tap_diag("record of type %u does not decode (%d)", rb->type, n);
		exit(1);
	}
	return &ev;
}

static const char *arg(const struct evt *e, const char *name)
{
	int idx = evt_param_index((int)(e->info - evt_table), name);

	if (evtfmt_param(e, idx, out, sizeof(out)) < 0)
		return NULL;
	return out;
}

static const char *rawarg(const struct evt *e, const char *name)
{
	int idx = evt_param_index((int)(e->info - evt_table), name);

	if (evtfmt_param_raw(e, idx, out, sizeof(out)) < 0)
		return NULL;
	return out;
}

/* An event of one synthetic parameter, for types no table event carries. */
static struct evt_param_info one_info[2];
static const struct evt_info one_evt = { "one", "res", -1, 0, 1, one_info };

static const struct evt *one(enum saker_param_type t, const char *name, const void *v, uint16_t n)
{
	memset(&ev, 0, sizeof(ev));
	one_info[0] = (struct evt_param_info){ name, t, 0 };
	ev.info = &one_evt;
	ev.nparams = 1;
	ev.params[0] = (struct evt_param){ v, n, false };
	return &ev;
}

static const char *one_u64(enum saker_param_type t, const char *name, uint64_t v, size_t n)
{
	static uint64_t val;

	val = v;
	evtfmt_param(one(t, name, &val, (uint16_t)n), 0, out, sizeof(out));
	return out;
}

static void numbers(void)
{
	struct rec_builder rb;
	const struct evt *e;

	tap_is_str(one_u64(SAKER_PT_U8, "x", 200, 1), "200", "u8 in decimal");
	tap_is_str(one_u64(SAKER_PT_U16, "x", 65535, 2), "65535", "u16 in decimal");
	tap_is_str(one_u64(SAKER_PT_U64, "x", UINT64_MAX, 8), "18446744073709551615",
		   "u64 in decimal, unsigned");
	tap_is_str(one_u64(SAKER_PT_RELTIME, "x", 1500000000, 8), "1.5s",
		   "reltime as seconds, as Falco's resolved text");
	tap_is_str(one_u64(SAKER_PT_RELTIME, "x", UINT64_MAX, 8), "none", "reltime -1 is none");
	tap_is_str(one_u64(SAKER_PT_INODE, "ino", 1234567, 8), "1234567", "inode in decimal");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_SOCKET, 1, 10, 10, 3);
	rb_num(&rb, AF_INET6);
	rb_num(&rb, SOCK_DGRAM | SOCK_CLOEXEC);
	rb_num(&rb, 17);
	e = decoded(&rb);
	tap_is_str(arg(e, "domain"), "AF_INET6", "enum by name");
	tap_is_str(arg(e, "type"), "SOCK_DGRAM|SOCK_CLOEXEC", "flags by name");
	tap_is_str(rawarg(e, "type"), "524290", "raw flags in decimal");
	tap_is_str(arg(e, "proto"), "17", "u32 in decimal");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_LISTEN, 1, 10, 10, 0);
	rb_num(&rb, 5);
	rb_num(&rb, (uint64_t)-1);
	e = decoded(&rb);
	tap_is_str(arg(e, "fd"), "5", "fd in decimal");
	tap_is_str(arg(e, "backlog"), "-1", "s32 signed");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_PROCEXIT, 1, 10, 10, 0);
	rb_num(&rb, (uint64_t)-9);
	rb_num(&rb, 1);
	e = decoded(&rb);
	tap_is_str(arg(e, "status"), "-9", "s64 signed");
	tap_is_str(arg(e, "reaper_tid"), "1", "pid in decimal");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_KILL, 1, 10, 10, -ESRCH);
	rb_num(&rb, 4242);
	rb_num(&rb, SIGKILL);
	e = decoded(&rb);
	tap_is_str(arg(e, "sig"), "SIGKILL", "signal by name");
	tap_is_str(rawarg(e, "sig"), "9", "raw signal number");
	evtfmt_res(e, out, sizeof(out));
	tap_is_str(out, "ESRCH", "evt.res of a failure is the errno name");
	tap_is_str(one_u64(SAKER_PT_SIGNAL, "sig", 0, 4), "0", "signal 0 has no name");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_EXECVE, 1, 10, 10, 0);
	for (int i = 0; i < SAKER_PROC_NPARAMS; i++)
		rb_absent(&rb);
	rb_num(&rb, 0);
	e = decoded(&rb);
	evtfmt_line(e, out, sizeof(out));
	tap_ok(strstr(out, " flags=0") && !strstr(out, "flags=0("),
	       "line: a value without a name is shown once");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_PTRACE, 1, 10, 10, 0);
	rb_num(&rb, PTRACE_ATTACH);
	e = decoded(&rb);
	tap_ok(strstr(arg(e, "request"), "PTRACE_ATTACH") != NULL,
	       "evt.arg.request contains PTRACE_ATTACH");
	evtfmt_res(e, out, sizeof(out));
	tap_is_str(out, "SUCCESS", "evt.res of a success is SUCCESS");
	tap_is_str(arg(e, "pid"), NULL, "a parameter the record does not carry is absent");
	tap_is_int(evtfmt_param(e, 99, out, sizeof(out)), -1, "an index past the event is absent");
}

static void ids_modes_devs(void)
{
	struct rec_builder rb;
	const struct evt *e;

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_SETRESUID, 1, 10, 10, 0);
	rb_num(&rb, 0);
	rb_num(&rb, 3999999999u);
	rb_num(&rb, UINT32_MAX);
	e = decoded(&rb);
	tap_is_str(arg(e, "ruid"), "root", "uid by user name, as evt.arg.uid=root");
	tap_is_str(arg(e, "euid"), "<NA>", "unknown uid is <NA>");
	tap_is_str(arg(e, "suid"), "<NONE>", "uid -1 is <NONE>");
	tap_is_str(rawarg(e, "suid"), "-1", "raw uid -1");
	tap_is_str(rawarg(e, "ruid"), "0", "raw uid");
	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_SETGID, 1, 10, 10, 0);
	rb_num(&rb, 0);
	e = decoded(&rb);
	tap_is_str(arg(e, "gid"), "root", "gid by group name");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_CHMOD, 1, 10, 10, 0);
	rb_str(&rb, "/usr/bin/x");
	rb_num(&rb, 04755);
	e = decoded(&rb);
	tap_is_str(arg(e, "mode"),
		   "S_IXOTH|S_IROTH|S_IXGRP|S_IRGRP|S_IXUSR|S_IWUSR|S_IRUSR|S_ISUID",
		   "chmod mode by S_I* names, as Falco's");
	tap_is_str(rawarg(e, "mode"), "04755", "raw mode in octal");
	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_CHMOD, 1, 10, 10, 0);
	rb_str(&rb, "/x");
	rb_num(&rb, 0);
	e = decoded(&rb);
	tap_is_str(arg(e, "mode"), "0", "mode 0");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_OPENAT, 1, 10, 10, -ENOENT);
	rb_num(&rb, (uint64_t)AT_FDCWD);
	rb_str(&rb, "etc/passwd");
	rb_num(&rb, O_WRONLY | O_CREAT | O_TRUNC);
	rb_num(&rb, 0644);
	rb_num(&rb, (8u << 20) | 3);
	rb_num(&rb, 42);
	e = decoded(&rb);
	tap_is_str(arg(e, "mode"), "0644", "open's mode in octal, as Falco's");
	tap_is_str(arg(e, "flags"), "O_TRUNC|O_CREAT|O_WRONLY", "open flags");
	tap_is_str(arg(e, "dev"), "803", "dev in Falco's userspace encoding, hex");
	tap_is_str(arg(e, "dirfd"), "-100", "AT_FDCWD");
	tap_is_str(arg(e, "name"), "etc/passwd", "relpath as given");
	evtfmt_line(e, out, sizeof(out));
	tap_ok(strstr(out, " openat fd=-2(ENOENT) dirfd=-100 name=etc/passwd flags=577("
			   "O_TRUNC|O_CREAT|O_WRONLY) mode=0644 dev=803 ino=42") != NULL,
	       "line: errno result and raw(resolved) values");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_PROC_SNAPSHOT, 1, 10, 10, 0);
	for (int i = 0; i < 15; i++)
		rb_absent(&rb);
	rb_num(&rb, 136u << 20); /* tty: pts/0 */
	for (int i = 16; i < 25; i++)
		rb_absent(&rb);
	rb_num(&rb, UINT64_C(1700000000123456789)); /* exe_ino_ctime */
	e = decoded(&rb);
	tap_is_str(arg(e, "tty"), "34816", "tty in decimal, as Falco's proc.tty");
	tap_is_str(arg(e, "exe_ino_ctime"), "2023-11-14 22:13:20.123456789 +0000",
		   "abstime as a local date (TZ=UTC here)");
}

static void strings(void)
{
	struct rec_builder rb;
	const struct evt *e;
	static const uint8_t data[] = "GET / HTTP/1.1\r\n\x01\xff";

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_EXECVE, 1, 10, 10, 0);
	rb_str(&rb, "/bin/sh");
	rb_strlist(&rb, "sh\0-c\0id", 9);
	for (int i = 2; i < 10; i++)
		rb_num(&rb, 1);
	rb_absent(&rb);
	rb_str(&rb, "");
	e = decoded(&rb);
	tap_is_str(arg(e, "filename"), "/bin/sh", "path");
	tap_is_str(arg(e, "argv"), "sh -c id", "strlist with spaces");
	tap_is_str(arg(e, "comm"), "", "an empty string renders empty");
	tap_is_str(arg(e, "cwd"), NULL, "an absent string is absent");
	evtfmt_line(e, out, sizeof(out));
	tap_ok(strstr(out, " vpgid=1 comm=") && !strstr(out, "cwd="),
	       "line: empty values shown, absent ones left out");

	rb_begin(&rb, rec, SAKER_HDR_SIZE + 2 + 6, SAKER_EV_CHDIR, 1, 10, 10, 0);
	rb_str(&rb, "/very/long/path");
	e = decoded(&rb);
	tap_ok(e->params[0].truncated, "the builder cut the path");
	tap_is_str(arg(e, "path"), "/very", "a truncated string renders what arrived");
	evtfmt_line(e, out, sizeof(out));
	tap_ok(strstr(out, " path=/very...") != NULL, "line: truncated values end in ...");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_WRITE, 1, 10, 10, 18);
	rb_num(&rb, 1);
	rb_num(&rb, 18);
	rb_bytes(&rb, data, sizeof(data) - 1);
	e = decoded(&rb);
	tap_is_str(arg(e, "data"), "GET / HTTP/1.1....", "bytes: non-printable as '.'");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_MKDIR, 1, 10, 10, 0);
	rb_str(&rb, "/tmp/a\nb");
	rb_num(&rb, 0700);
	e = decoded(&rb);
	evtfmt_line(e, out, sizeof(out));
	tap_ok(strstr(out, "path=/tmp/a.b ") != NULL && !strchr(out, '\n'),
	       "line: control characters cannot break the line");
}

static void addresses(void)
{
	struct rec_builder rb;
	const struct evt *e;
	uint8_t lo[4] = { 127, 0, 0, 1 }, ten[4] = { 10, 1, 2, 3 };
	struct in6_addr v6l, v6r, m1, m2;
	uint8_t fam = AF_PACKET, bad[3] = { AF_INET, 1, 2 };

	inet_pton(AF_INET6, "::1", &v6l);
	inet_pton(AF_INET6, "fe80::1", &v6r);
	inet_pton(AF_INET6, "::ffff:10.0.0.1", &m1);
	inet_pton(AF_INET6, "::ffff:10.0.0.2", &m2);

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_CONNECT, 1, 10, 10, 0);
	rb_num(&rb, 3);
	rb_sockaddr_in(&rb, AF_INET, ten, 443);
	rb_tuple_in(&rb, AF_INET, lo, 50000, ten, 443);
	e = decoded(&rb);
	tap_is_str(arg(e, "addr"), "10.1.2.3:443", "inet sockaddr");
	tap_is_str(arg(e, "tuple"), "127.0.0.1:50000->10.1.2.3:443", "inet tuple");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_CONNECT, 1, 10, 10, 0);
	rb_num(&rb, 3);
	rb_sockaddr_in(&rb, AF_INET6, &v6r, 22);
	rb_tuple_in(&rb, AF_INET6, &v6l, 40000, &v6r, 22);
	e = decoded(&rb);
	tap_is_str(arg(e, "addr"), "fe80::1:22", "inet6 sockaddr without brackets, as Falco's");
	tap_is_str(arg(e, "tuple"), "::1:40000->fe80::1:22", "inet6 tuple");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_CONNECT, 1, 10, 10, 0);
	rb_num(&rb, 3);
	rb_sockaddr_un(&rb, "/run/x.sock");
	rb_tuple_in(&rb, AF_INET6, &m1, 1, &m2, 2);
	e = decoded(&rb);
	tap_is_str(arg(e, "addr"), "/run/x.sock", "unix sockaddr");
	tap_is_str(arg(e, "tuple"), "10.0.0.1:1->10.0.0.2:2", "v4-mapped tuple as IPv4");

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_ACCEPT, 1, 10, 10, 4);
	rb_num(&rb, 3);
	rb_tuple_un(&rb, 0xffff1111, 0xffff2222, "@abstract");
	e = decoded(&rb);
	tap_is_str(arg(e, "tuple"), "ffff1111->ffff2222 @abstract", "unix tuple");

	evtfmt_sockaddr(&fam, 1, out, sizeof(out));
	tap_is_str(out, "family 17", "other families by number");
	evtfmt_sockaddr(bad, sizeof(bad), out, sizeof(out));
	tap_is_str(out, "INVALID IPv4", "a short inet address is not read past its end");
	evtfmt_tuple(bad, sizeof(bad), out, sizeof(out));
	tap_is_str(out, "INVALID IPv4", "a short inet tuple is not read past its end");
	evtfmt_sockaddr(bad, 0, out, sizeof(out));
	tap_is_str(out, "", "an empty address renders empty");
}

/*
 * Renders with every buffer size from 0 to the full length + 1: the return
 * value never changes, nothing is written past len, the text is the full
 * text's prefix and terminated.
 */
static bool bounded_one(int (*fn)(const struct evt *, int, char *, size_t), const struct evt *e,
			int idx)
{
	char full[8192], small[8192 + 16];
	int n = fn(e, idx, full, sizeof(full));

	if (n < 0)
		return true;
	for (size_t len = 0; len <= (size_t)n + 1 && len < sizeof(full); len++) {
		memset(small, 'Z', sizeof(small));
		if (fn(e, idx, small, len) != n || memchr(small + len, 'Z', 16) != small + len ||
		    (len && (small[len - 1 < (size_t)n ? len - 1 : (size_t)n] != '\0' ||
			     strncmp(small, full, len - 1) != 0)))
			return false;
	}
	return true;
}

static int line_fn(const struct evt *e, int idx, char *buf, size_t len)
{
	return evtfmt_line(e, buf, len);
}

static void bounds(void)
{
	struct rec_builder rb;
	const struct evt *e;
	uint8_t lo[4] = { 127, 0, 0, 1 };
	bool ok = true;

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_EXECVE, 1, 10, 10, -EACCES);
	rb_str(&rb, "/bin/sh");
	rb_strlist(&rb, "sh\0-c\0id", 9);
	for (int i = 2; i < 10; i++)
		rb_num(&rb, 1);
	rb_str(&rb, "/\x01root");
	e = decoded(&rb);
	for (int i = 0; i < e->nparams; i++)
		ok = ok && bounded_one(evtfmt_param, e, i) && bounded_one(evtfmt_param_raw, e, i);
	ok = ok && bounded_one(line_fn, e, 0);

	rb_begin(&rb, rec, sizeof(rec), SAKER_EV_ACCEPT4, 1, 10, 10, 4);
	rb_num(&rb, 3);
	rb_tuple_in(&rb, AF_INET, lo, 1, lo, 2);
	rb_num(&rb, SOCK_CLOEXEC);
	e = decoded(&rb);
	for (int i = 0; i < e->nparams; i++)
		ok = ok && bounded_one(evtfmt_param, e, i);
	ok = ok && bounded_one(line_fn, e, 0);
	tap_ok(ok, "no renderer writes past a buffer of any size, and all agree on the length");
}

int main(void)
{
	setenv("TZ", "UTC", 1);
	tzset();
	numbers();
	ids_modes_devs();
	strings();
	addresses();
	bounds();
	return tap_done();
}
