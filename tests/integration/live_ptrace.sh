#!/bin/sh
# SPDX-License-Identifier: GPL-2.0-only
# The live scenario suite (tests/scenarios/run.sh) against the ptrace driver.
exec bash "$(dirname "$0")/../scenarios/run.sh" ptrace
