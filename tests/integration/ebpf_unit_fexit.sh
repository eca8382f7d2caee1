#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# tests/unit/test_src_ebpf again with the probe on BPF trampolines
# (ebpf.hook=fexit): records, interest, overflow and the exec fentry hook,
# where this kernel allows trampolines.
. "$(dirname "$0")/need_fexit.sh"
exec "$abs_top_builddir/tests/unit/test_src_ebpf"
