# SPDX-License-Identifier: GPL-2.0-only
# Alerts, the alert queue, the sinks and the configuration file.
src_libsaker_a_SOURCES += \
	src/alert.c src/alert.h \
	src/outq.c src/outq.h \
	src/out.c src/out.h \
	src/out_stdout.c src/out_file.c src/out_syslog.c src/out_program.c \
	src/configfile.c src/configfile.h src/configfile_int.h src/configfile_keys.c
SAKER_LIBS += -lm

if HAVE_JOURNAL
src_libsaker_a_SOURCES += src/out_journal.c
src_libsaker_a_CFLAGS += $(SYSTEMD_CFLAGS)
SAKER_LIBS += $(SYSTEMD_LIBS)
endif

if HAVE_HTTP
src_libsaker_a_SOURCES += src/out_http.c
src_libsaker_a_CFLAGS += $(CURL_CFLAGS)
# sakerd as an install that lacks the optional libraries sees itself
# (src/dlib.c): out_http.sh, containers_errors.sh and k8saudit.sh check
# what each feature then says.
check_PROGRAMS += tests/helpers/sakerd_nolib
tests_helpers_sakerd_nolib_SOURCES = src/sakerd.c src/dlib.c
tests_helpers_sakerd_nolib_CPPFLAGS = $(AM_CPPFLAGS) -DDLIB_CURL='"libsaker-absent-curl.so.4"' \
	-DDLIB_MHD='"libsaker-absent-mhd.so.12"'
tests_helpers_sakerd_nolib_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(SYSTEMD_CFLAGS) $(CURL_CFLAGS) \
	$(MHD_CFLAGS)
tests_helpers_sakerd_nolib_LDADD = $(SAKER_LIBS)
endif

dist_pkgsysconf_DATA = config/saker.yaml
logrotatedir = $(sysconfdir)/logrotate.d
dist_logrotate_DATA = config/logrotate.d/saker
catalogdir = $(prefix)/lib/systemd/catalog
dist_catalog_DATA = systemd/saker.catalog

# Unit and integration tests of the outputs and the configuration.
out_unit_tests = tests/unit/test_alert tests/unit/test_outq tests/unit/test_config \
	tests/unit/test_dlib
check_PROGRAMS += $(out_unit_tests) tests/helpers/outdrive
TESTS += $(out_unit_tests)
tests_unit_test_alert_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_alert_LDADD = $(TEST_LDADD)
tests_unit_test_outq_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_outq_LDADD = $(TEST_LDADD)
tests_unit_test_config_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_config_LDADD = $(TEST_LDADD)
# src/dlib.c compiled in with sonames that cannot work.
tests_unit_test_dlib_CPPFLAGS = $(TEST_CPPFLAGS) $(CURL_CFLAGS) $(MHD_CFLAGS)
tests_unit_test_dlib_LDADD = tests/libtap.a $(LIBS)
tests_helpers_outdrive_CPPFLAGS = $(TEST_CPPFLAGS)
tests_helpers_outdrive_LDADD = $(TEST_LDADD)

# The configuration loader over arbitrary bytes (tests/fuzz/fuzz_config.c):
# its seed corpus runs under make check; 'make fuzz-config' fuzzes it for
# FUZZ_SECONDS with the shipped file as a seed too. The loader is compiled
# instrumented; the rest of the library links as built.
check_PROGRAMS += tests/fuzz/regress_config
TESTS += tests/fuzz/regress_config
tests_fuzz_regress_config_SOURCES = tests/fuzz/fuzz_config.c tests/fuzz/standalone.c \
	tests/fuzz/fuzz.h
tests_fuzz_regress_config_CPPFLAGS = $(regress_cppflags) -DFUZZ_CORPUS='"config"'
tests_fuzz_regress_config_LDADD = $(TEST_LDADD)
config_fuzz_lib = src/configfile.c src/configfile_keys.c
if HAVE_FUZZ
tests/fuzz/fuzz_config: $(top_srcdir)/tests/fuzz/fuzz_config.c \
		$(config_fuzz_lib:%=$(top_srcdir)/%) src/libsaker.a
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_FLAGS) $(AM_CPPFLAGS) -I$(top_srcdir)/tests/fuzz $(YAML_CFLAGS) -o $@ \
		$(top_srcdir)/tests/fuzz/fuzz_config.c $(config_fuzz_lib:%=$(top_srcdir)/%) \
		$(SAKER_LIBS) -ldl -lpthread

fuzz-config: tests/fuzz/fuzz_config
	@$(MKDIR_P) tests/fuzz/work/config tests/fuzz/artifacts
	./tests/fuzz/fuzz_config -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/artifacts/config- tests/fuzz/work/config \
		$(srcdir)/tests/fuzz/corpus/config $(srcdir)/config
else
fuzz-config:
	@echo "make fuzz-config needs clang with libFuzzer (see --enable-fuzz)" >&2
	@exit 1
endif
.PHONY: fuzz-config
CLEANFILES += tests/fuzz/fuzz_config

out_integration_tests = \
	tests/integration/out_file.sh \
	tests/integration/out_program.sh \
	tests/integration/out_syslog.sh \
	tests/integration/out_journal.sh \
	tests/integration/out_http.sh \
	tests/integration/out_queue.sh
TESTS += $(out_integration_tests)
EXTRA_DIST += $(out_integration_tests) tests/helpers/http_sink.py tests/helpers/dgram_sink.py
