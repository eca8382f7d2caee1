# SPDX-License-Identifier: GPL-2.0-only
# The ptrace tracer, linked into libsaker behind src/src_ptrace.c.
src_libsaker_a_SOURCES += \
	drivers/ptrace/ptrace.h drivers/ptrace/ptrace_int.h \
	drivers/ptrace/abi.c drivers/ptrace/filter.c drivers/ptrace/tasks.c drivers/ptrace/regs.c \
	drivers/ptrace/procinfo.c drivers/ptrace/sock.c drivers/ptrace/decode.c \
	drivers/ptrace/procrec.c \
	drivers/ptrace/stops.c drivers/ptrace/tracer.c drivers/ptrace/wait.c \
	drivers/ptrace/detach.c \
	src/src_ptrace.c src/src_ptrace.h

# Real ptrace of real processes (skips where ptrace is not permitted).
check_PROGRAMS += tests/unit/test_ptrace
TESTS += tests/unit/test_ptrace
tests_unit_test_ptrace_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_ptrace_LDADD = $(TEST_LDADD)

# The 32-bit ABIs: filter, mapping, compat layouts; real i386 tracees where
# the kernel runs them (a 64-bit program using int $0x80, an i386 static
# binary written in assembly: no multilib needed).
check_PROGRAMS += tests/unit/test_ptrace_ia32 tests/helpers/ptr_ia32_int80
TESTS += tests/unit/test_ptrace_ia32 tests/integration/ptrace_ia32.sh
tests_unit_test_ptrace_ia32_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_ptrace_ia32_LDADD = $(TEST_LDADD)
EXTRA_tests_unit_test_ptrace_ia32_DEPENDENCIES = tests/helpers/ptr_ia32_static
tests_helpers_ptr_ia32_int80_SOURCES = tests/helpers/ptr_ia32_int80.c
tests/helpers/ptr_ia32_static: tests/helpers/ptr_ia32_static.s
	$(AM_V_GEN)$(MKDIR_P) tests/helpers && \
	as --32 -o $@.o $(srcdir)/tests/helpers/ptr_ia32_static.s && \
	ld -m elf_i386 -static -o $@ $@.o && rm -f $@.o
CLEANFILES += tests/helpers/ptr_ia32_static tests/helpers/ptr_ia32_static.o
EXTRA_DIST += tests/helpers/ptr_ia32_static.s tests/integration/ptrace_ia32.sh \
	tests/integration/ptrace_ia32_guest.sh
