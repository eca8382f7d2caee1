/* SPDX-License-Identifier: GPL-2.0-only */
/* Choosing, checking and loading the probe object (internal to the eBPF source). */
#ifndef SAKER_SRC_EBPF_LOAD_H
#define SAKER_SRC_EBPF_LOAD_H

#include <stdarg.h>
#include <stddef.h>

#include <bpf/libbpf.h>

/*
 * The object to load: object if given, else the embedded CO-RE object when
 * the kernel has BTF, else this release's classic object. *ret_owned is
 * set to a buffer the caller frees when the object came from a file.
 */
int src_ebpf_pick_object(const char *object, void **ret_owned, const void **ret, size_t *ret_len,
			 char *err, size_t errlen);

/* -EPROTONOSUPPORT unless the object's ABI section has our major. */
int src_ebpf_check_abi(const void *elf, size_t len, char *err, size_t errlen);

/* bpf_object__load() with an error that says why; saves the verifier log. */
int src_ebpf_load_object(struct bpf_object *obj, char *err, size_t errlen);

/* A libbpf print callback that prints nothing (library code does not log). */
int src_ebpf_quiet_print(enum libbpf_print_level level, const char *fmt, va_list ap);

#endif /* SAKER_SRC_EBPF_LOAD_H */
