#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The live scenario suite against the ebpf driver hooked on BPF
# trampolines (ebpf.hook=fexit), where this kernel allows them.
. "$(dirname "$0")/need_fexit.sh"
exec bash "$here/../scenarios/run.sh" ebpf
