/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * Trampoline mode of the eBPF source (internal): a fexit program per
 * system call entry function of interest, so calls nobody asked for run no
 * BPF and no task gets the syscall tracepoint's work flag.
 */
#ifndef SAKER_SRC_EBPF_HOOK_H
#define SAKER_SRC_EBPF_HOOK_H

#include <stdbool.h>
#include <stddef.h>

#include <bpf/libbpf.h>

struct ebpf_hooks;

/*
 * Can this kernel load and attach a fexit program on a system call entry?
 * 0, or -errno with the reason in why (lockdown, an LSM, no trampolines).
 */
int src_ebpf_hook_probe(char *why, size_t len);

/*
 * Before load: find every entry function in the kernel's BTF, point the
 * object's fexit bodies at one function of each prototype, and the exec
 * fentry programs at the execve entries (exec_fentry: the kernel has no
 * sched_prepare_exec). NULL with errno and err on failure.
 */
struct ebpf_hooks *src_ebpf_hooks_new(struct bpf_object *obj, bool exec_fentry, char *err,
				      size_t errlen);

/* After load: the bodies go into their program arrays. */
int src_ebpf_hooks_start(struct ebpf_hooks *h, char *err, size_t errlen);

/*
 * Attach a trampoline to the entry functions (x86-64, i386, x32) of every
 * event in on[] (indexed by event type), detach the others.
 */
int src_ebpf_hooks_set(struct ebpf_hooks *h, const bool *on, char *err, size_t errlen);

/* Entry functions with a trampoline now. */
int src_ebpf_hooks_attached(const struct ebpf_hooks *h);

void src_ebpf_hooks_free(struct ebpf_hooks *h);

#endif /* SAKER_SRC_EBPF_HOOK_H */
