# SPDX-License-Identifier: GPL-2.0-only
# Container runtime metadata: the cache, its lookup worker, the Docker API
# client, and the container.* / k8s.* fields.
src_libsaker_a_SOURCES += \
	src/container.h src/container_int.h \
	src/container_info.c src/container_parse.c src/container_meta.c \
	src/container_worker.c src/container_docker.c \
	src/fields_container.c src/fields_container.h \
	src/daemon_containers.c
if HAVE_HTTP
src_libsaker_a_CFLAGS += $(CURL_CFLAGS)
endif

container_unit_tests = tests/unit/test_container tests/unit/test_container_meta
check_PROGRAMS += $(container_unit_tests)
TESTS += $(container_unit_tests)
tests_unit_test_container_SOURCES = tests/unit/test_container.c
tests_unit_test_container_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_container_LDADD = $(TEST_LDADD)
tests_unit_test_container_meta_SOURCES = tests/unit/test_container_meta.c \
	tests/unit/state_testlib.c tests/unit/state_testlib.h
tests_unit_test_container_meta_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_container_meta_LDADD = $(TEST_LDADD)

EXTRA_DIST += tests/data/containers
EXTRA_DIST += tests/integration/containers.sh
TESTS += tests/integration/containers.sh

# The runtime's answers are untrusted input: a libFuzzer harness, and its
# seed corpus as a regression test under make check.
check_PROGRAMS += tests/fuzz/regress_container
TESTS += tests/fuzz/regress_container
tests_fuzz_regress_container_SOURCES = tests/fuzz/fuzz_container.c tests/fuzz/standalone.c \
	tests/fuzz/fuzz.h
tests_fuzz_regress_container_CPPFLAGS = $(TEST_CPPFLAGS) -DFUZZ_SRCDIR='"$(abs_top_srcdir)"' \
	-DFUZZ_CORPUS='"container"'
tests_fuzz_regress_container_LDADD = $(TEST_LDADD)
container_fuzz_lib = src/container_parse.c src/container_info.c
if HAVE_FUZZ
tests/fuzz/fuzz_container: $(top_srcdir)/tests/fuzz/fuzz_container.c \
		$(container_fuzz_lib:%=$(top_srcdir)/%) $(top_srcdir)/src/container.h config.h
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_CPPFLAGS) $(JSONC_CFLAGS) -o $@ $< \
		$(container_fuzz_lib:%=$(top_srcdir)/%) $(JSONC_LIBS)
fuzz-containers: tests/fuzz/fuzz_container
	@$(MKDIR_P) tests/fuzz/work/container tests/fuzz/artifacts
	./tests/fuzz/fuzz_container -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/artifacts/container- \
		tests/fuzz/work/container $(srcdir)/tests/fuzz/corpus/container
else
fuzz-containers:
	@echo "make fuzz-containers needs clang with libFuzzer: configure found none" >&2
	@exit 1
endif
.PHONY: fuzz-containers
CLEANFILES += tests/fuzz/fuzz_container
