// SPDX-License-Identifier: GPL-2.0-only
/*
 * drivers/common/saker_ia32.h against the C library's <asm/unistd_32.h>:
 * every entry's number is the i386 number of the call it names (or of its
 * 32-bit-id or 64-bit-offset variant), every name is an event of the table,
 * and every event whose call exists on i386 has an entry. The 16-bit id
 * masks against the kernel's own signatures (kernel/uid16.c), and the
 * helper every driver decodes with, saker_ia32_arg(), against the kernel's
 * reading of each argument.
 */
#include <stdint.h>
#include <stdio.h>
#include <string.h>

#include "../../drivers/common/saker_ia32.h"
#include "event.h"
#include "ia32_nr.h"
#include "tap.h"

struct entry {
	int nr;
	const char *name;
	unsigned int flags;
	const char *entry;
};

static const struct entry table[] = {
#define X(nr, name, flags, entry) { nr, #name, flags, "" #entry },
	SAKER_IA32_SYSCALLS(X)
#undef X
};
#define NTABLE (sizeof(table) / sizeof(table[0]))

static bool is_variant_of(int nr, const char *name)
{
	char v[64];

	if (ia32_nr_of(name) == nr)
		return true;
	snprintf(v, sizeof(v), "%s32", name);
	if (ia32_nr_of(v) == nr)
		return true;
	snprintf(v, sizeof(v), "%s64", name);
	if (ia32_nr_of(v) == nr)
		return true;
	/* The old one-argument umount is umount2 with no flags. */
	return strcmp(name, "umount2") == 0 && ia32_nr_of("umount") == nr;
}

static bool in_table(int nr)
{
	for (size_t i = 0; i < NTABLE; i++)
		if (table[i].nr == nr)
			return true;
	return false;
}

/*
 * The kernel's 16-bit id calls (kernel/uid16.c), by their i386 name, and
 * what each argument is there: 'u' old_uid_t, 'g' old_gid_t, '-' anything
 * else (a path, an fd, a count, a user pointer: setgroups16's ids are in
 * memory). The kernel reads an id argument as low2highuid((u16)arg).
 */
static const struct {
	const char *name;
	const char *args;
} uid16[] = {
	{ "chown", "-ug" },	{ "lchown", "-ug" },	{ "fchown", "-ug" },
	{ "setuid", "u" },	{ "setgid", "g" },	{ "setreuid", "uu" },
	{ "setregid", "gg" },	{ "setresuid", "uuu" }, { "setresgid", "ggg" },
	{ "setfsuid", "u" },	{ "setfsgid", "g" },	{ "getresuid", "---" },
	{ "getresgid", "---" }, { "getgroups", "--" },	{ "setgroups", "--" },
	{ "getuid", "" },	{ "getgid", "" },	{ "geteuid", "" },
	{ "getegid", "" },
};
#define NUID16 (sizeof(uid16) / sizeof(uid16[0]))

/* The kernel's id mask of i386 call nr: bit N when argument N is a 16-bit id. */
static unsigned int kernel_ids(int nr)
{
	unsigned int m = 0;

	for (size_t i = 0; i < NUID16; i++) {
		if (ia32_nr_of(uid16[i].name) != nr)
			continue;
		for (unsigned int a = 0; uid16[i].args[a]; a++)
			m |= uid16[i].args[a] == '-' ? 0 : 1u << a;
	}
	return m;
}

/* Argument a of a call with flags, as the kernel's entry reads v. */
static uint64_t kernel_arg(unsigned int flags, unsigned int a, uint64_t v)
{
	uint16_t id = (uint16_t)v;

	if ((flags & SAKER_IA32_ARGS1) && a > 0)
		return 0;
	if (a < 3 && (flags & SAKER_IA32_IDS) >> a & 1)
		return id == 0xffff ? 0xffffffffu : id;
	return (uint32_t)v;
}

static void test_ids(void)
{
	static const uint64_t vals[] = { 0xffff, 0x1ffff, 0xffffffff, 0xffffffff0000ffffull,
					 0,	 5,	  0xfffe,     0x12345678 };
	size_t wrong = 0, unmapped = 0, bad_arg = 0, ids = 0, bad_entry = 0;

	for (size_t i = 0; i < NTABLE; i++) {
		unsigned int want = kernel_ids(table[i].nr), got = table[i].flags & SAKER_IA32_IDS;

		ids += got != 0;
		/* The kernel's uid16.c functions are NAME16, and only they. */
		if ((got != 0) !=
		    (strlen(table[i].entry) > 2 &&
		     !strcmp(table[i].entry + strlen(table[i].entry) - 2, "16") &&
		     !strncmp(table[i].entry, table[i].name, strlen(table[i].name)))) {
			tap_diag("i386 %d (%s): entry '%s'", table[i].nr, table[i].name,
				 table[i].entry);
			bad_entry++;
		}
		if (got != want) {
			tap_diag("i386 %d (%s): id mask %#x, the kernel's %#x", table[i].nr,
				 table[i].name, got, want);
			wrong++;
		}
		for (unsigned int a = 0; a < 6; a++)
			for (size_t v = 0; v < sizeof(vals) / sizeof(vals[0]); v++) {
				uint64_t k = kernel_arg(table[i].flags, a, vals[v]),
					 h = saker_ia32_arg(table[i].flags, a, vals[v]);

				if (h == k)
					continue;
				tap_diag("%s argument %u = %#llx: %#llx, the kernel reads %#llx",
					 table[i].name, a, (unsigned long long)vals[v],
					 (unsigned long long)h, (unsigned long long)k);
				bad_arg++;
			}
	}
	/* A 16-bit call left out while its 32-bit twin is in would be an evasion. */
	for (size_t u = 0; u < NUID16; u++) {
		char twin[64];

		snprintf(twin, sizeof(twin), "%s32", uid16[u].name);
		if (in_table(ia32_nr_of(twin)) && !in_table(ia32_nr_of(uid16[u].name))) {
			tap_diag("%s32 is mapped, %s16 (i386 %d) is not", uid16[u].name,
				 uid16[u].name, ia32_nr_of(uid16[u].name));
			unmapped++;
		}
	}
	tap_ok(wrong == 0,
	       "every entry's id mask is the kernel's: uid16.c's old_uid_t/old_gid_t arguments, "
	       "none for any other call (%zu calls with ids)",
	       ids);
	tap_is_int((long)bad_entry, 0,
		   "the 16-bit id calls' kernel entries are NAME16, no other entry is");
	tap_is_int((long)unmapped, 0, "every 16-bit id call whose 32-bit twin is mapped is mapped");
	tap_is_int((long)bad_arg, 0,
		   "saker_ia32_arg() reads every argument of every entry as the kernel does");
	tap_is_int((long)saker_ia32_arg(SAKER_IA32_ID(0), 1, 0xffff), 0xffff,
		   "setuid16's second register is no id: 0xffff stays 0xffff");
	tap_is_int((long)saker_ia32_arg(SAKER_IA32_ID12, 0, 0xffff), 0xffff,
		   "chown16's path argument is no id");
	tap_is_int((long)saker_ia32_arg(SAKER_IA32_ID12, 2, 0x1ffff), 0xffffffffL,
		   "chown16's gid 0x1ffff is (u16)0xffff: -1");
	tap_is_int((long)saker_ia32_arg(SAKER_IA32_ID01, 1, 0x10005), 5,
		   "setreuid16's euid 0x10005 is 5: 16 bits wide");
	tap_is_int((long)saker_ia32_arg(0, 0, 0xffffffff0000ffffull), 0xffff,
		   "a 32-bit id call's argument: 32 bits, 0xffff kept");
}

int main(void)
{
	size_t wrong = 0, unknown = 0, missing = 0, dup = 0;

	for (size_t i = 0; i < NTABLE; i++) {
		if (!is_variant_of(table[i].nr, table[i].name)) {
			tap_diag("i386 %d is not %s", table[i].nr, table[i].name);
			wrong++;
		}
		if (evt_type_by_name(table[i].name) < 0) {
			tap_diag("%s is not an event", table[i].name);
			unknown++;
		}
		for (size_t j = 0; j < i; j++)
			dup += table[j].nr == table[i].nr;
	}
	tap_is_int((long)wrong, 0, "every i386 number is the call it names");
	tap_is_int((long)unknown, 0, "every name is an event");
	tap_is_int((long)dup, 0, "no i386 number twice");
	for (int t = 0; t < SAKER_EV_MAX; t++) {
		const char *n = evt_table[t].name;
		int nr = evt_table[t].syscall_nr < 0 ? -1 : ia32_nr_of(n);

		if (nr >= 0 && !in_table(nr)) {
			tap_diag("%s (i386 %d) has no entry", n, nr);
			missing++;
		}
	}
	tap_is_int((long)missing, 0, "every event i386 has is mapped");
	tap_is_int(SAKER_IA32_NR_SOCKETCALL, ia32_nr_socketcall(), "the socketcall number");
	test_ids();
	return tap_done();
}
