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

out_integration_tests = \
	tests/integration/out_file.sh \
	tests/integration/out_program.sh \
	tests/integration/out_syslog.sh \
	tests/integration/out_journal.sh \
	tests/integration/out_http.sh \
	tests/integration/out_queue.sh
TESTS += $(out_integration_tests)
EXTRA_DIST += $(out_integration_tests) tests/helpers/http_sink.py tests/helpers/dgram_sink.py
