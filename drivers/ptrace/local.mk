# SPDX-License-Identifier: GPL-2.0-only
# The ptrace tracer, linked into libsaker behind src/src_ptrace.c.
src_libsaker_a_SOURCES += \
	drivers/ptrace/ptrace.h drivers/ptrace/ptrace_int.h \
	drivers/ptrace/abi.c drivers/ptrace/filter.c drivers/ptrace/tasks.c drivers/ptrace/regs.c \
	drivers/ptrace/procinfo.c drivers/ptrace/sock.c drivers/ptrace/decode.c \
	drivers/ptrace/procrec.c drivers/ptrace/policy.c drivers/ptrace/fdsync.c \
	drivers/ptrace/stops.c drivers/ptrace/tracer.c drivers/ptrace/wait.c \
	drivers/ptrace/detach.c drivers/ptrace/verdict.c \
	src/src_ptrace.c src/src_ptrace.h

# Real ptrace of real processes (skips where ptrace is not permitted).
check_PROGRAMS += tests/unit/test_ptrace
TESTS += tests/unit/test_ptrace
tests_unit_test_ptrace_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_ptrace_LDADD = $(TEST_LDADD)

# The 32-bit ABIs: filter, mapping, compat layouts; real i386 tracees where
# the kernel runs them (tests/helpers/ia32_int80 and ia32_static, shared
# with the other drivers' 32-bit tests: tests/local.mk).
check_PROGRAMS += tests/unit/test_ptrace_ia32
TESTS += tests/unit/test_ptrace_ia32 tests/integration/ptrace_ia32.sh
tests_unit_test_ptrace_ia32_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_ptrace_ia32_LDADD = $(TEST_LDADD)
EXTRA_tests_unit_test_ptrace_ia32_DEPENDENCIES = tests/helpers/ia32_static
EXTRA_DIST += tests/integration/ptrace_ia32.sh tests/integration/ptrace_ia32_guest.sh

# Launch mode's fd resynchronisation (fdsync.c) against real untraced fd
# changes, live and through a capture.
check_PROGRAMS += tests/helpers/fdsync
TESTS += tests/integration/ptrace_fdsync.sh
EXTRA_DIST += tests/integration/ptrace_fdsync.sh
