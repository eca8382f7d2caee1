# SPDX-License-Identifier: GPL-2.0-only
# TAP everywhere: automake's TAP driver runs unit programs and integration scripts.
LOG_DRIVER = env AM_TAP_AWK='$(AWK)' $(SHELL) $(top_srcdir)/build-aux/tap-driver.sh
AM_TESTS_ENVIRONMENT = \
	abs_top_srcdir='$(abs_top_srcdir)'; export abs_top_srcdir; \
	abs_top_builddir='$(abs_top_builddir)'; export abs_top_builddir; \
	SAKER='$(abs_top_builddir)/src/saker'; export SAKER;

check_LIBRARIES += tests/libtap.a
tests_libtap_a_SOURCES = tests/tap.c tests/tap.h

TEST_CPPFLAGS = $(AM_CPPFLAGS) -I$(top_srcdir)/tests
TEST_LDADD = tests/libtap.a $(SAKER_LIBS)

unit_tests = \
	tests/unit/test_event \
	tests/unit/test_recbuild \
	tests/unit/test_capture \
	tests/unit/test_flagnames \
	tests/unit/test_evtfmt \
	tests/unit/test_ia32
check_PROGRAMS += $(unit_tests)
TESTS += $(unit_tests)

tests_unit_test_event_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_event_LDADD = $(TEST_LDADD)
tests_unit_test_recbuild_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_recbuild_LDADD = $(TEST_LDADD)
tests_unit_test_capture_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_capture_LDADD = $(TEST_LDADD)
tests_unit_test_flagnames_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_flagnames_LDADD = $(TEST_LDADD)
tests_unit_test_evtfmt_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_evtfmt_LDADD = $(TEST_LDADD)
tests_unit_test_ia32_SOURCES = tests/unit/test_ia32.c tests/unit/ia32_nr.c tests/unit/ia32_nr.h
tests_unit_test_ia32_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_ia32_LDADD = $(TEST_LDADD)

# The 32-bit programs every driver's 32-bit tests run: a 64-bit one making
# its calls through int $0x80, and a real i386 static binary written in
# assembly (as --32, ld -m elf_i386: no multilib needed).
check_PROGRAMS += tests/helpers/ia32_int80
tests_helpers_ia32_int80_SOURCES = tests/helpers/ia32_int80.c
check_DATA += tests/helpers/ia32_static
tests/helpers/ia32_static: tests/helpers/ia32_static.s
	$(AM_V_GEN)$(MKDIR_P) tests/helpers && \
	as --32 -o $@.o $(srcdir)/tests/helpers/ia32_static.s && \
	ld -m elf_i386 -static -o $@ $@.o && rm -f $@.o
CLEANFILES += tests/helpers/ia32_static tests/helpers/ia32_static.o
EXTRA_DIST += tests/helpers/ia32_static.s

integration_tests = \
	tests/integration/cli.sh \
	tests/integration/daemon.sh \
	tests/integration/webserver.sh \
	tests/integration/live_ebpf.sh \
	tests/integration/live_ebpf_dns.sh \
	tests/integration/dns.sh \
	tests/integration/live_ptrace.sh \
	tests/integration/close_range.sh \
	tests/integration/ptrace_names.sh \
	tests/integration/replay.sh \
	tests/integration/falco_stable.sh
TESTS += $(integration_tests)
EXTRA_DIST += $(integration_tests) tests/integration/lib.sh

check_PROGRAMS += tests/helpers/mkcap
tests_helpers_mkcap_CPPFLAGS = $(TEST_CPPFLAGS)
tests_helpers_mkcap_LDADD = $(SAKER_LIBS)

# Performs the live scenarios (tests/scenarios/) for every driver's suite.
check_PROGRAMS += tests/helpers/scenario
EXTRA_DIST += tests/scenarios/scenarios.yaml tests/scenarios/run.sh

# saker-driver-loader and the kernel hooks (tools/local.mk).
TESTS += tests/integration/driver_loader.sh tests/integration/kernel_hooks.sh
EXTRA_DIST += tests/integration/driver_loader.sh tests/integration/kernel_hooks.sh
# Synthetic captures from text descriptions (tests/replay/README.md), and
# the replay corpus that runs them through the rules.
check_PROGRAMS += tests/helpers/capgen
tests_helpers_capgen_SOURCES = tests/helpers/capgen.c tests/helpers/capgen.h \
	tests/helpers/capgen_lex.c tests/helpers/capgen_lex.h tests/helpers/capgen_rec.c \
	tests/helpers/capgen_value.c
tests_helpers_capgen_CPPFLAGS = $(TEST_CPPFLAGS)
tests_helpers_capgen_LDADD = $(SAKER_LIBS)
TESTS += tests/integration/replay_cases.sh
EXTRA_DIST += tests/integration/replay_cases.sh tests/replay/README.md \
	tests/replay/run_cases.py tests/replay/world.txt tests/replay/rules/probe.yaml \
	tests/replay/rules/dns.yaml \
	tests/replay/cases/proc.txt tests/replay/cases/fd.txt tests/replay/cases/net.txt \
	tests/replay/cases/evt.txt tests/replay/cases/capgen_errors.txt \
	tests/replay/cases/saker_shells.txt tests/replay/cases/saker_files.txt \
	tests/replay/cases/saker_kernel_net.txt tests/replay/cases/falco_stable.txt \
	tests/replay/cases/unknown.txt tests/replay/cases/dns.txt
tests_helpers_scenario_SOURCES = tests/helpers/scenario.c tests/helpers/scenario.h \
	tests/helpers/scenario_env.c tests/helpers/scenario_acts.c
EXTRA_DIST += tests/scenarios/defaults.yaml
# Noise budget of the default rules under a benign admin and CI workload.
TESTS += tests/integration/noise.sh
EXTRA_DIST += tests/integration/noise.sh
