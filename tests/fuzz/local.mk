# SPDX-License-Identifier: GPL-2.0-only
# Fuzzing. The harnesses (tests/fuzz/fuzz_*.c) are built twice:
# - with the normal compiler and standalone.c as TAP tests (regress_*) that
#   run every seed corpus file under make check;
# - with clang -fsanitize=fuzzer,address,undefined by 'make fuzz', which runs
#   each for FUZZ_SECONDS over its corpus. automake cannot switch CC per
#   target, so those are plain make rules compiling the library sources.
fuzz_harnesses = record capture

regress_cppflags = $(TEST_CPPFLAGS) -DFUZZ_SRCDIR='"$(abs_top_srcdir)"'
check_PROGRAMS += tests/fuzz/regress_record tests/fuzz/regress_capture tests/fuzz/mkcorpus
TESTS += tests/fuzz/regress_record tests/fuzz/regress_capture
tests_fuzz_regress_record_SOURCES = tests/fuzz/fuzz_record.c tests/fuzz/standalone.c \
	tests/fuzz/fuzz.h
tests_fuzz_regress_record_CPPFLAGS = $(regress_cppflags) -DFUZZ_CORPUS='"record"'
tests_fuzz_regress_record_LDADD = $(TEST_LDADD)
tests_fuzz_regress_capture_SOURCES = tests/fuzz/fuzz_capture.c tests/fuzz/standalone.c \
	tests/fuzz/fuzz.h
tests_fuzz_regress_capture_CPPFLAGS = $(regress_cppflags) -DFUZZ_CORPUS='"capture"'
tests_fuzz_regress_capture_LDADD = $(TEST_LDADD)
tests_fuzz_mkcorpus_CPPFLAGS = $(TEST_CPPFLAGS)
tests_fuzz_mkcorpus_LDADD = $(SAKER_LIBS)

EXTRA_DIST += tests/fuzz/corpus

FUZZ_SECONDS = 60
FUZZ_FLAGS = -g -O1 -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined \
	-DFUZZING_BUILD_MODE_UNSAFE_FOR_PRODUCTION
FUZZ_CPPFLAGS = -DHAVE_CONFIG_H -I$(top_builddir) -I$(top_srcdir)/src \
	-I$(top_srcdir)/drivers/common -I$(top_srcdir)/tests/fuzz
fuzz_lib = src/event.c src/evtfmt.c src/flagnames.c src/capture.c src/util.c
fuzz_deps = $(fuzz_lib:%=$(top_srcdir)/%) $(fuzz_lib:%.c=$(top_srcdir)/%.h) \
	$(top_srcdir)/drivers/common/saker_abi.h $(top_srcdir)/drivers/common/saker_events.h \
	$(top_srcdir)/tests/fuzz/fuzz.h config.h

if HAVE_FUZZ
tests/fuzz/fuzz_%: $(top_srcdir)/tests/fuzz/fuzz_%.c $(fuzz_deps)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(FUZZ_FLAGS) $(FUZZ_CPPFLAGS) -o $@ $< \
		$(fuzz_lib:%=$(top_srcdir)/%)

# Every harness, each for FUZZ_SECONDS (fuzz-rules: RULES_FUZZ_SECONDS).
fuzz_targets = fuzz-records fuzz-rules fuzz-config fuzz-containers fuzz-k8saudit
if HAVE_CRI
fuzz_targets += fuzz-containers-cri
endif
fuzz: $(fuzz_targets)

# New inputs go to the build tree; the checked-in corpus is only read.
fuzz-records: $(fuzz_harnesses:%=tests/fuzz/fuzz_%)
	@for h in $(fuzz_harnesses); do \
		$(MKDIR_P) tests/fuzz/work/$$h tests/fuzz/artifacts || exit 1; \
		echo "fuzz_$$h: $(FUZZ_SECONDS)s"; \
		./tests/fuzz/fuzz_$$h -max_total_time=$(FUZZ_SECONDS) -print_final_stats=1 \
			-artifact_prefix=tests/fuzz/artifacts/$$h- \
			tests/fuzz/work/$$h $(srcdir)/tests/fuzz/corpus/$$h || exit 1; \
	done
else
fuzz fuzz-records:
	@echo "make fuzz needs clang with libFuzzer: configure found none (see --enable-fuzz)" >&2
	@exit 1
endif
.PHONY: fuzz fuzz-records

clean-local: clean-fuzz
clean-fuzz:
	rm -rf tests/fuzz/work tests/fuzz/artifacts $(fuzz_harnesses:%=tests/fuzz/fuzz_%)
.PHONY: clean-fuzz
