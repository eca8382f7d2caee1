#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The live scenario suite (tests/scenarios/run.sh) against the ebpf driver,
# hooked on the raw tracepoints (ebpf.hook=tracepoint; live_ebpf_fexit.sh
# runs it on trampolines). SAKER_EBPF_HOOK overrides the mode.
SAKER_EBPF_HOOK=${SAKER_EBPF_HOOK:-tracepoint}
export SAKER_EBPF_HOOK
exec bash "$(dirname "$0")/../scenarios/run.sh" ebpf
