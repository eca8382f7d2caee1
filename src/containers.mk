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
container_fuzz_lib = src/container_parse.c src/container_info.c src/util.c
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

# CRI (containerd's CRI plugin, CRI-O) and containerd's own API: gRPC over
# HTTP/2 with libcurl, protobuf-c code generated at build time from our own
# minimal proto/*.proto (protoc-c is packaged wherever protobuf-c is, and
# generated code belongs in the build tree).
src_libsaker_a_SOURCES += src/container_cri.c src/container_cri.h src/container_grpc.h \
	src/container_grpc_frame.c src/container_cri_info.c
cri_pb = proto/cri.pb-c.c proto/cri.pb-c.h proto/containerd.pb-c.c proto/containerd.pb-c.h
cri_admin_pb = proto/cri_admin.pb-c.c proto/cri_admin.pb-c.h
EXTRA_DIST += proto/cri.proto proto/containerd.proto proto/cri_admin.proto
EXTRA_DIST += tests/integration/containers_cri.sh tests/data/cri tests/helpers/grpc_replay.py \
	tests/integration/containers_errors.sh
CLEANFILES += $(cri_pb) $(cri_admin_pb)
cri_unit_tests = tests/unit/test_container_cri tests/unit/test_container_grpc \
	tests/unit/test_container_cri_lookup
if HAVE_CRI
src_libsaker_a_SOURCES += src/container_grpc.c src/container_cri_decode.c \
	src/containerd_decode.c src/containerd.c
nodist_src_libsaker_a_SOURCES = $(cri_pb)
BUILT_SOURCES += $(cri_pb)
src_libsaker_a_CFLAGS += $(PROTOBUFC_CFLAGS) -I$(top_builddir)/proto
SAKER_LIBS += $(PROTOBUFC_LIBS)

proto/%.pb-c.c proto/%.pb-c.h: $(top_srcdir)/proto/%.proto
	@$(MKDIR_P) proto
	$(AM_V_GEN)$(PROTOC_C) --proto_path=$(top_srcdir)/proto --c_out=proto $<
proto/cri_admin.pb-c.c: proto/cri.pb-c.h

check_PROGRAMS += $(cri_unit_tests) tests/helpers/cri_client
TESTS += $(cri_unit_tests) tests/integration/containers_cri.sh \
	tests/integration/containers_errors.sh
cri_test_cppflags = $(TEST_CPPFLAGS) $(PROTOBUFC_CFLAGS) -I$(top_builddir)/proto
tests_unit_test_container_cri_SOURCES = tests/unit/test_container_cri.c
tests_unit_test_container_cri_CPPFLAGS = $(cri_test_cppflags)
tests_unit_test_container_cri_LDADD = $(TEST_LDADD)
tests_unit_test_container_cri_lookup_SOURCES = tests/unit/test_container_cri_lookup.c
tests_unit_test_container_cri_lookup_CPPFLAGS = $(cri_test_cppflags)
tests_unit_test_container_cri_lookup_LDADD = $(TEST_LDADD)
tests_unit_test_container_grpc_SOURCES = tests/unit/test_container_grpc.c
tests_unit_test_container_grpc_CPPFLAGS = $(cri_test_cppflags)
tests_unit_test_container_grpc_LDADD = $(TEST_LDADD)
tests_helpers_cri_client_SOURCES = tests/helpers/cri_client.c
nodist_tests_helpers_cri_client_SOURCES = $(cri_admin_pb)
tests_helpers_cri_client_CPPFLAGS = $(cri_test_cppflags)
tests_helpers_cri_client_LDADD = $(TEST_LDADD)
BUILT_SOURCES += $(cri_admin_pb)

check_PROGRAMS += tests/fuzz/regress_container_cri
TESTS += tests/fuzz/regress_container_cri
tests_fuzz_regress_container_cri_SOURCES = tests/fuzz/fuzz_container_cri.c tests/fuzz/standalone.c \
	tests/fuzz/fuzz.h
tests_fuzz_regress_container_cri_CPPFLAGS = $(cri_test_cppflags) \
	-DFUZZ_SRCDIR='"$(abs_top_srcdir)"' -DFUZZ_CORPUS='"container_cri"'
tests_fuzz_regress_container_cri_LDADD = $(TEST_LDADD)
endif

cri_fuzz_lib = src/container_grpc_frame.c src/container_cri_decode.c src/containerd_decode.c \
	src/container_cri_info.c src/container_info.c
if HAVE_FUZZ
if HAVE_CRI
tests/fuzz/fuzz_container_cri: $(top_srcdir)/tests/fuzz/fuzz_container_cri.c \
		$(cri_fuzz_lib:%=$(top_srcdir)/%) $(cri_pb) config.h
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_CPPFLAGS) -Iproto $(PROTOBUFC_CFLAGS) \
		$(JSONC_CFLAGS) -o $@ $< $(cri_fuzz_lib:%=$(top_srcdir)/%) proto/cri.pb-c.c \
		proto/containerd.pb-c.c $(PROTOBUFC_LIBS) $(JSONC_LIBS)
fuzz-containers-cri: tests/fuzz/fuzz_container_cri
	@$(MKDIR_P) tests/fuzz/work/container_cri tests/fuzz/artifacts
	./tests/fuzz/fuzz_container_cri -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/artifacts/container_cri- \
		tests/fuzz/work/container_cri $(srcdir)/tests/fuzz/corpus/container_cri
endif
endif
.PHONY: fuzz-containers-cri
CLEANFILES += tests/fuzz/fuzz_container_cri
