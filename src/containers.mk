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
