/* SPDX-License-Identifier: GPL-2.0-only */
/*
 * The libFuzzer entry point each harness defines. The same harness source
 * links either with libFuzzer (make fuzz) or with standalone.c, which feeds
 * it every file of its seed corpus as a regression test under make check.
 */
#ifndef SAKER_FUZZ_H
#define SAKER_FUZZ_H

#include <stddef.h>
#include <stdint.h>

int LLVMFuzzerTestOneInput(const uint8_t *data, size_t size);

#endif /* SAKER_FUZZ_H */
