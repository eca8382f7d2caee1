# SPDX-License-Identifier: GPL-2.0-only
# The Kubernetes audit source: webhook and audit log inputs, ka.* and jevt.* fields.
src_libsaker_a_SOURCES += \
	src/k8saudit.c src/k8saudit.h src/k8saudit_int.h \
	src/k8saudit_event.c src/k8saudit_file.c src/k8saudit_http.c \
	src/fields_ka.c src/fields_ka_pod.c src/fields_ka_int.h src/fields_ka_table.h \
	src/daemon_k8saudit.c

# libmicrohttpd's header, for the webhook and the daemon's webserver.c.
if HAVE_MICROHTTPD
src_libsaker_a_CFLAGS += $(MHD_CFLAGS)
endif

k8saudit_tests = tests/unit/test_k8saudit
check_PROGRAMS += $(k8saudit_tests)
TESTS += $(k8saudit_tests) tests/integration/k8saudit.sh
tests_unit_test_k8saudit_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_k8saudit_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_k8saudit_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/integration/k8saudit.sh tests/k8saudit

# The audit JSON -> fields path; its seed corpus runs under make check.
check_PROGRAMS += tests/fuzz/regress_k8saudit
TESTS += tests/fuzz/regress_k8saudit
tests_fuzz_regress_k8saudit_SOURCES = tests/fuzz/fuzz_k8saudit.c tests/fuzz/standalone.c \
	tests/fuzz/fuzz.h
tests_fuzz_regress_k8saudit_CPPFLAGS = $(regress_cppflags) -DFUZZ_CORPUS='"k8saudit"'
tests_fuzz_regress_k8saudit_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_regress_k8saudit_LDADD = $(TEST_LDADD)

k8saudit_fuzz_lib = $(rules_fuzz_lib) src/k8saudit_event.c src/fields_ka.c src/fields_ka_pod.c
if HAVE_FUZZ
tests/fuzz/fuzz_k8saudit: $(top_srcdir)/tests/fuzz/fuzz_k8saudit.c \
		$(k8saudit_fuzz_lib:%=$(top_srcdir)/%)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(rules_fuzz_flags) -o $@ $^ $(rules_fuzz_libs)

fuzz-k8saudit: tests/fuzz/fuzz_k8saudit
	@$(MKDIR_P) tests/fuzz/work/k8saudit tests/fuzz/artifacts
	./tests/fuzz/fuzz_k8saudit -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/artifacts/k8saudit- \
		tests/fuzz/work/k8saudit $(srcdir)/tests/fuzz/corpus/k8saudit
else
fuzz-k8saudit:
	@echo "make fuzz-k8saudit needs clang with libFuzzer (see --enable-fuzz)" >&2
	@exit 1
endif
.PHONY: fuzz-k8saudit
CLEANFILES += tests/fuzz/fuzz_k8saudit
