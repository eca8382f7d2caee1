/* SPDX-License-Identifier: GPL-2.0-only */
/* The qemu guest's test program: PID 1 plumbing (guest.c) and the cases (guest_cases.c). */
#ifndef SAKER_KMOD_GUEST_H
#define SAKER_KMOD_GUEST_H

#include <stdbool.h>

#define GUEST_MODULE "/saker.ko"
#define GUEST_DEVICE "/dev/saker"

/* Load /saker.ko with these parameters; 0 or -errno. */
int guest_load(const char *params);
/* Unload it; 0 or -errno. */
int guest_unload(void);

void case_bad_params(void);
void case_abi_mismatch(void);
void case_ioctls(void);
void case_capture(void);
void case_tiny_buffer(void);
void case_kernel_log(void);
void case_bench_baseline(void);
void case_bench(void);
void case_hotplug(void);
void case_exe_flags(void);
void case_ia32(void);
void case_ia32_ebpf(void);
void case_scenarios_kmod(void);
void case_scenarios_ebpf(void);

#endif /* SAKER_KMOD_GUEST_H */
