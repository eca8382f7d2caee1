// SPDX-License-Identifier: GPL-2.0-only
/* The event table's invariants and the record decoder's defences. */
#include <arpa/inet.h>
#include <errno.h>
#include <string.h>
#include <sys/socket.h>
#include <sys/syscall.h>

#include "event.h"
#include "recbuild.h"
#include "tap.h"

static uint8_t buf[SAKER_REC_MAX];

static void table_invariants(void)
{
	bool names_unique = true, relpath_ok = true, syscalls_ok = true, proc_ok = true;

	for (int i = 0; i < SAKER_EV_MAX; i++) {
		const struct evt_info *e = &evt_table[i];

		for (int j = 0; j < i; j++)
			if (strcmp(e->name, evt_table[j].name) == 0)
				names_unique = false;
		if (!(e->flags & SAKER_EF_INTERNAL) && e->syscall_nr < 0)
			syscalls_ok = false;
		if ((e->flags & SAKER_EF_PROC) &&
		    (e->nparams < SAKER_PROC_NPARAMS || strcmp(e->params[2].name, "tid") != 0))
			proc_ok = false;
		for (int p = 0; p < e->nparams; p++) {
			const struct evt_param_info *pi = &e->params[p];

			if (pi->type == SAKER_PT_RELPATH &&
			    (pi->info >= e->nparams || e->params[pi->info].type != SAKER_PT_FD))
				relpath_ok = false;
		}
	}
	tap_ok(names_unique, "event names are unique");
	tap_ok(syscalls_ok, "every syscall event maps to a syscall number");
	tap_ok(relpath_ok, "every RELPATH parameter names an FD parameter as its dirfd");
	tap_ok(proc_ok, "process events start with the process block");
	tap_is_int(evt_type_by_name("openat"), SAKER_EV_OPENAT, "lookup by name");
	tap_is_int(evt_type_by_syscall(__NR_openat), SAKER_EV_OPENAT, "lookup by syscall");
	tap_is_int(evt_type_by_name("no_such_event"), -1, "unknown name");
	tap_is_int(evt_param_index(SAKER_EV_OPENAT, "flags"), 2, "param index by name");
	tap_is_str(evt_table[SAKER_EV_OPENAT].res_name, "fd", "openat's result is named fd");
}

/* The syscalls CENSUS.md lists and the ones state tracking needs are all there. */
static void coverage(void)
{
	static const char *const need[] = {
		"connect",	"dup",		"dup2",	       "dup3",	    "execve",
		"execveat",	"finit_module", "init_module", "link",	    "linkat",
		"open",		"openat",	"openat2",     "ptrace",    "sendmsg",
		"sendto",	"socket",	"symlink",     "symlinkat", "accept",
		"accept4",	"bpf",		"chmod",       "creat",	    "fchmod",
		"fchmodat",	"listen",	"rename",      "renameat",  "renameat2",
		"rmdir",	"setns",	"setuid",      "unlink",    "unlinkat",
		"unshare",	"mkdir",	"mkdirat",     "recvfrom",  "recvmsg",
		"userfaultfd",	"clone",	"clone3",      "fork",	    "vfork",
		"close",	"fcntl",	"pipe",	       "pipe2",	    "bind",
		"chdir",	"fchdir",	"setgid",      "setresuid", "setresgid",
		"capset",	"prctl",	"mount",       "umount2",   "delete_module",
		"memfd_create", "kill",		"procexit",    "chown",	    "fchown",
		"fchownat",	"lchown",
	};
	int missing = 0;

	for (size_t i = 0; i < sizeof(need) / sizeof(need[0]); i++)
		if (evt_type_by_name(need[i]) < 0) {
			tap_diag("missing event %s", need[i]);
			missing++;
		}
	tap_is_int(missing, 0, "every required syscall has an event");
}

static int build_openat(void *b, size_t cap, const char *path)
{
	struct rec_builder rb;

	rb_begin(&rb, b, cap, SAKER_EV_OPENAT, 1000, 42, 41, 3);
	rb_num(&rb, (uint64_t)-100);
	rb_str(&rb, path);
	rb_num(&rb, 0101);
	rb_num(&rb, 0644);
	rb_num(&rb, 0x803);
	rb_num(&rb, 1234567);
	return rb_end(&rb);
}

static void decode_good(void)
{
	struct evt e;
	enum evt_bad why;
	uint64_t v;
	int64_t s;
	int len = build_openat(buf, sizeof(buf), "/etc/shadow");

	tap_ok(len > 0, "builder produces an openat record");
	tap_is_int(evt_decode(&e, buf, (size_t)len, NULL, &why), 0, "well-formed record decodes");
	tap_is_int(e.hdr.tid, 42, "tid");
	tap_is_int(e.hdr.res, 3, "res");
	tap_is_str(evt_param_str(&e, 1), "/etc/shadow", "path parameter");
	tap_ok(evt_param_s64(&e, 0, &s) && s == -100, "dirfd is AT_FDCWD");
	tap_ok(evt_param_u64(&e, 5, &v) && v == 1234567, "inode");
	tap_ok(!evt_param_str(&e, 0), "a number is not a string");
}

static void decode_bad(void)
{
	struct evt_decode_stats st = { 0 };
	struct evt e;
	enum evt_bad why;
	struct saker_rec_hdr h;
	int len = build_openat(buf, sizeof(buf), "/tmp/x");
	uint16_t l;

	tap_is_int(evt_decode(&e, buf, 10, &st, &why), -EBADMSG, "short buffer rejected");
	tap_is_int(why, EVT_BAD_SHORT, "... as short");
	tap_is_int(evt_decode(&e, buf, (size_t)len - 1, &st, &why), -EBADMSG,
		   "record longer than the bytes available rejected");

	memcpy(&h, buf, sizeof(h));
	h.type = 60000;
	memcpy(buf, &h, sizeof(h));
	tap_is_int(evt_decode(&e, buf, (size_t)len, &st, &why), -EBADMSG, "unknown type rejected");
	tap_is_int(why, EVT_BAD_TYPE, "... as unknown type");

	len = build_openat(buf, sizeof(buf), "/tmp/x");
	memcpy(&h, buf, sizeof(h));
	h.nparams = 20000;
	memcpy(buf, &h, sizeof(h));
	tap_is_int(evt_decode(&e, buf, (size_t)len, &st, &why), -EBADMSG,
		   "parameter count beyond the record rejected");

	len = build_openat(buf, sizeof(buf), "/tmp/x");
	l = 60;
	memcpy(buf + SAKER_HDR_SIZE + 2, &l, 2);
	tap_is_int(evt_decode(&e, buf, (size_t)len, &st, &why), -EBADMSG,
		   "parameter running past the record rejected");
	tap_is_int(why, EVT_BAD_PARAM_SUM, "... as a length mismatch");

	len = build_openat(buf, sizeof(buf), "/tmp/x");
	buf[SAKER_HDR_SIZE + 2 * 6 + 8 + 6] = 'y'; /* overwrite the NUL of "/tmp/x" */
	tap_is_int(evt_decode(&e, buf, (size_t)len, &st, &why), -EBADMSG,
		   "unterminated string rejected");
	tap_is_int(why, EVT_BAD_STRING, "... as unterminated");

	len = build_openat(buf, sizeof(buf), "/tmp/x");
	l = 3;
	memcpy(buf + SAKER_HDR_SIZE, &l, 2); /* dirfd 3 bytes instead of 8 */
	l = 7 + 5;
	memcpy(buf + SAKER_HDR_SIZE + 2, &l, 2);
	tap_is_int(evt_decode(&e, buf, (size_t)len, &st, &why), -EBADMSG,
		   "fixed-size parameter of the wrong size rejected");
	tap_is_int(why, EVT_BAD_PARAM_SIZE, "... as wrong size");
	tap_ok(st.bad[EVT_BAD_SHORT] == 2 && st.bad[EVT_BAD_TYPE] == 1 &&
		       st.bad[EVT_BAD_STRING] == 1 && st.ok == 0,
	       "every rejection is counted under its reason");
}

static void decode_compat(void)
{
	struct rec_builder rb;
	struct evt e;
	enum evt_bad why;
	uint8_t older[256], newer[256];
	struct saker_rec_hdr h;
	uint16_t lens[4] = { 8, 4, 2, 3 };
	int64_t fd = 7;
	uint32_t x = 9;
	int len;

	/* An older driver: close with no parameters at all. */
	rb_begin(&rb, older, sizeof(older), SAKER_EV_CLOSE, 1, 1, 1, 0);
	h = *(struct saker_rec_hdr *)older;
	h.nparams = 0;
	h.len = SAKER_HDR_SIZE;
	memcpy(older, &h, sizeof(h));
	tap_is_int(evt_decode(&e, older, sizeof(older), NULL, &why), 0,
		   "record with fewer parameters than known decodes");
	tap_ok(!evt_param(&e, 0), "... and the missing parameter is absent");

	/* A newer driver: close with three extra parameters we do not know. */
	memset(&h, 0, sizeof(h));
	h.type = SAKER_EV_CLOSE;
	h.nparams = 4;
	h.len = SAKER_HDR_SIZE + 8 + 8 + 4 + 2 + 3;
	memcpy(newer, &h, sizeof(h));
	memcpy(newer + SAKER_HDR_SIZE, lens, sizeof(lens));
	memcpy(newer + SAKER_HDR_SIZE + 8, &fd, 8);
	memcpy(newer + SAKER_HDR_SIZE + 16, &x, 4);
	len = (int)h.len;
	tap_is_int(evt_decode(&e, newer, (size_t)len, NULL, &why), 0,
		   "record with more parameters than known decodes");
	tap_ok(evt_param_s64(&e, 0, &fd) && fd == 7, "... and the known one is read");
}

static void sockaddrs(void)
{
	struct rec_builder rb;
	struct evt e;
	enum evt_bad why;
	uint8_t l4[4] = { 127, 0, 0, 1 }, r4[4] = { 10, 0, 0, 2 };
	int len;

	rb_begin(&rb, buf, sizeof(buf), SAKER_EV_CONNECT, 1, 1, 1, 0);
	rb_num(&rb, 3);
	rb_sockaddr_in(&rb, AF_INET, r4, 443);
	rb_tuple_in(&rb, AF_INET, l4, 40000, r4, 443);
	len = rb_end(&rb);
	tap_is_int(evt_decode(&e, buf, (size_t)len, NULL, &why), 0, "IPv4 connect decodes");
	buf[SAKER_HDR_SIZE + 6 + 8] = 99; /* unknown family with a 7-byte body */
	tap_is_int(evt_decode(&e, buf, (size_t)len, NULL, &why), -EBADMSG,
		   "unknown address family with a body rejected");
	tap_is_int(why, EVT_BAD_SOCKADDR, "... as a malformed address");
}

int main(void)
{
	table_invariants();
	coverage();
	decode_good();
	decode_bad();
	decode_compat();
	sockaddrs();
	return tap_done();
}
