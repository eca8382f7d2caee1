# SPDX-License-Identifier: GPL-2.0-only
# System state: threads, processes, fds, users, container ids; /proc scanner.
src_libsaker_a_SOURCES += \
	src/state.c src/state.h src/state_int.h \
	src/state_apply.c src/state_procev.c src/state_fdev.c src/state_sockev.c \
	src/state_fd.c src/state_path.c src/state_query.c \
	src/state_map.c src/state_map.h \
	src/state_slab.c src/state_slab.h \
	src/state_str.c src/state_str.h \
	src/procscan.c src/procscan_fd.c src/procscan.h src/procscan_int.h \
	src/users.c src/users.h \
	src/containerid.c src/containerid.h

state_unit_tests = \
	tests/unit/test_state \
	tests/unit/test_state_proc \
	tests/unit/test_state_fd \
	tests/unit/test_state_random \
	tests/unit/test_procscan \
	tests/unit/test_users \
	tests/unit/test_containerid
check_PROGRAMS += $(state_unit_tests)
TESTS += $(state_unit_tests)

tests_unit_test_state_SOURCES = tests/unit/test_state.c tests/unit/state_testlib.c \
	tests/unit/state_testlib.h
tests_unit_test_state_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_state_LDADD = $(TEST_LDADD)
tests_unit_test_state_proc_SOURCES = tests/unit/test_state_proc.c tests/unit/state_testlib.c \
	tests/unit/state_testlib.h
tests_unit_test_state_proc_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_state_proc_LDADD = $(TEST_LDADD)
tests_unit_test_state_fd_SOURCES = tests/unit/test_state_fd.c tests/unit/state_testlib.c \
	tests/unit/state_testlib.h
tests_unit_test_state_fd_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_state_fd_LDADD = $(TEST_LDADD)
tests_unit_test_state_random_SOURCES = tests/unit/test_state_random.c \
	tests/unit/state_testlib.c tests/unit/state_testlib.h
tests_unit_test_state_random_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_state_random_LDADD = $(TEST_LDADD)
tests_unit_test_procscan_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_procscan_LDADD = $(TEST_LDADD)
tests_unit_test_users_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_users_LDADD = $(TEST_LDADD)
tests_unit_test_containerid_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_containerid_LDADD = $(TEST_LDADD)

# RSS with many tracked processes; built, never run by make check:
# `make bench/bench_state && bench/bench_state`.
noinst_PROGRAMS += bench/bench_state
bench_bench_state_SOURCES = bench/bench_state.c
bench_bench_state_LDADD = $(SAKER_LIBS)
