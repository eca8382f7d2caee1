#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The replay corpus: synthetic captures (tests/replay/cases/*.txt, written by
# tests/helpers/capgen through the real capture writer) replayed through
# test, default and upstream rules; one TAP line per expectation, then the
# coverage of fields, default rules and upstream stable rules.
. "$(dirname "$0")/lib.sh"
command -v python3 > /dev/null || skip_all "python3 not found"
python3 "$abs_top_srcdir/tests/replay/run_cases.py"
