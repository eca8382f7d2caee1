// SPDX-License-Identifier: GPL-2.0-only
/*
 * The probe's interest map for every system call ABI of x86-64: x86-64
 * numbers, i386 numbers (and socketcall's subcalls) and x32's own numbers,
 * each mapped onto the event of the x86-64 call (drivers/common/saker_ia32.h),
 * so a process that enters through `int $0x80` is recorded as the call it
 * makes. Key layout and value encoding: drivers/ebpf/saker_bpf.h.
 */
#include <errno.h>
#include <stdint.h>

#include <bpf/bpf.h>

#include "event.h"
#include "src_ebpf_abi.h"
#include "util.h"

struct ia32_entry {
	uint16_t nr;
	uint8_t flags;
	uint8_t nargs; /* socketcall subcalls: u32 arguments in the array */
	const char *name;
	const char *entry; /* i386: the kernel's entry function, "" when it is name */
};

static const struct ia32_entry ia32_calls[] = {
#define X(nr, name, flags, entry) { nr, flags, 0, #name, "" #entry },
	SAKER_IA32_SYSCALLS(X)
#undef X
};

static const struct ia32_entry socketcalls[] = {
#define X(call, name, nargs) { call, 0, nargs, #name },
	SAKER_IA32_SOCKETCALLS(X)
#undef X
};

static const struct ia32_entry x32_calls[] = {
#define X(nr, name) { nr, 0, 0, #name },
	SAKER_X32_SYSCALLS(X)
#undef X
};

static int put(int fd, uint32_t key, uint32_t val)
{
	return bpf_map_update_elem(fd, &key, &val, BPF_ANY) == 0 ? 0 : -errno;
}

/* The value for the event named name: 0 when unknown or not wanted. */
static uint32_t val_of(const char *name, const bool *on, const uint8_t *xflags, unsigned flags,
		       unsigned nargs)
{
	int t = evt_type_by_name(name);

	if (t < 0 || !on[t])
		return 0;
	return SAKER_BPF_VAL(t + 1, flags | (xflags ? xflags[t] : 0), nargs);
}

static int fill_compat(int fd, const bool *on, const uint8_t *xflags)
{
	bool any_socketcall = false;
	int k = 0;

	for (size_t i = 0; i < ARRAY_SIZE(ia32_calls) && k == 0; i++) {
		const struct ia32_entry *c = &ia32_calls[i];

		k = put(fd, SAKER_BPF_KEY_IA32 + c->nr,
			val_of(c->name, on, xflags, c->flags | SAKER_BPF_VAL_COMPAT, 0));
	}
	for (size_t i = 0; i < ARRAY_SIZE(socketcalls) && k == 0; i++) {
		const struct ia32_entry *c = &socketcalls[i];
		uint32_t v = val_of(c->name, on, xflags, SAKER_BPF_VAL_COMPAT, c->nargs);

		any_socketcall |= v != 0;
		k = put(fd, SAKER_BPF_KEY_SOCKETCALL + c->nr, v);
	}
	/* The multiplexer itself: wanted when any of its subcalls is. */
	if (k == 0)
		k = put(fd, SAKER_BPF_KEY_IA32 + SAKER_IA32_NR_SOCKETCALL,
			any_socketcall ? SAKER_BPF_VAL(0, SAKER_BPF_VAL_SOCKETCALL, 0) : 0);
	/* x32's own calls read compat structures; its others are x86-64's. */
	for (size_t i = 0; i < ARRAY_SIZE(x32_calls) && k == 0; i++)
		k = put(fd, x32_calls[i].nr,
			val_of(x32_calls[i].name, on, xflags, SAKER_BPF_VAL_COMPAT, 0));
	return k;
}

int src_ebpf_abi_fill(int fd, uint32_t max_keys, const bool *on, const uint8_t *xflags)
{
	int k = 0;

	for (int t = 0; t < SAKER_EV_MAX && k == 0; t++) {
		const struct evt_info *in = &evt_table[t];
		uint32_t key;

		if (t == SAKER_EV_PROCEXIT)
			key = SAKER_BPF_KEY_PROCEXIT;
		else if (in->syscall_nr >= 0 && in->syscall_nr < SAKER_BPF_KEY_PROCEXIT)
			key = (uint32_t)in->syscall_nr;
		else
			continue;
		k = put(fd, key, on[t] ? SAKER_BPF_VAL(t + 1, xflags ? xflags[t] : 0, 0) : 0);
	}
	/* An object built before the 32-bit keys existed has no room for them. */
	if (k == 0 && max_keys >= SAKER_BPF_KEYS)
		k = fill_compat(fd, on, xflags);
	return k;
}

int src_ebpf_abi_ia32_count(void)
{
	return (int)ARRAY_SIZE(ia32_calls);
}

int src_ebpf_abi_ia32_at(int i, int *ret_nr, const char **ret_name, const char **ret_entry)
{
	const struct ia32_entry *c;

	if (i < 0 || i >= (int)ARRAY_SIZE(ia32_calls))
		return -ENOENT;
	c = &ia32_calls[i];
	*ret_nr = c->nr;
	*ret_name = c->name;
	*ret_entry = c->entry[0] ? c->entry : c->name;
	return 0;
}
