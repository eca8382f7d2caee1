#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The live scenario suite (tests/scenarios/run.sh) against the ebpf driver.
exec bash "$(dirname "$0")/../scenarios/run.sh" ebpf
