# SPDX-License-Identifier: GPL-2.0-only
# The rules engine: field registry, conditions, rules files, outputs.
src_libsaker_a_SOURCES += \
	src/fields.c src/fields.h src/fields_table.c src/fields_evt.c src/fields_errno.c \
	src/fields_entry.c src/cond.h src/cond_int.h src/hash.h src/cond_parse.c src/cond_expand.c src/cond_env.c \
	src/cond_set.c src/cond_memo.c src/cond_compile.c src/cond_eval.c src/cond_evttype.c \
	src/outfmt.c src/outfmt.h \
	src/rules.h src/rules_int.h src/rules.c src/rules_text.c src/rules_items.c \
	src/rules_rule.c src/rules_exc.c src/rules_build.c src/rules_eval.c \
	src/dns.h src/dns_int.h src/dns.c src/dns_worker.c

src_saker_SOURCES += src/cmd_rules.c

rules_tests = tests/unit/test_rules
check_PROGRAMS += $(rules_tests)
TESTS += $(rules_tests)
tests_unit_test_rules_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_rules_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_rules_LDADD = $(TEST_LDADD)

cond_tests = tests/unit/test_cond
check_PROGRAMS += $(cond_tests)
TESTS += $(cond_tests)
tests_unit_test_cond_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_cond_LDADD = $(TEST_LDADD)

rules_bad_tests = tests/unit/test_rules_bad
check_PROGRAMS += $(rules_bad_tests)
TESTS += $(rules_bad_tests)
tests_unit_test_rules_bad_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_rules_bad_LDADD = $(TEST_LDADD)
EXTRA_DIST += tests/rules-bad

dns_tests = tests/unit/test_dns
check_PROGRAMS += $(dns_tests)
TESTS += $(dns_tests)
tests_unit_test_dns_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_dns_LDADD = $(TEST_LDADD)

fields_tests = tests/unit/test_fields
check_PROGRAMS += $(fields_tests)
TESTS += $(fields_tests)
tests_unit_test_fields_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_fields_LDADD = $(TEST_LDADD)

outfmt_tests = tests/unit/test_outfmt
check_PROGRAMS += $(outfmt_tests)
TESTS += $(outfmt_tests)
tests_unit_test_outfmt_CPPFLAGS = $(TEST_CPPFLAGS)
tests_unit_test_outfmt_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_unit_test_outfmt_LDADD = $(TEST_LDADD)

# Fuzz harnesses. As TAP programs (SAKER_FUZZ_REGRESS) they feed the broken
# corpus, the upstream files and tricky conditions under make check; with
# libFuzzer they are plain make rules (automake cannot switch CC per target):
# 'make fuzz-rules' runs each for RULES_FUZZ_SECONDS.
check_PROGRAMS += tests/fuzz/regress_rules tests/fuzz/regress_cond
TESTS += tests/fuzz/regress_rules tests/fuzz/regress_cond
tests_fuzz_regress_rules_SOURCES = tests/fuzz/fuzz_rules.c
tests_fuzz_regress_rules_CPPFLAGS = $(TEST_CPPFLAGS) -DSAKER_FUZZ_REGRESS
tests_fuzz_regress_rules_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
tests_fuzz_regress_rules_LDADD = $(TEST_LDADD)
tests_fuzz_regress_cond_SOURCES = tests/fuzz/fuzz_cond.c
tests_fuzz_regress_cond_CPPFLAGS = $(TEST_CPPFLAGS) -DSAKER_FUZZ_REGRESS
tests_fuzz_regress_cond_LDADD = $(TEST_LDADD)

RULES_FUZZ_SECONDS = 60
rules_fuzz_lib = src/event.c src/evtfmt.c src/flagnames.c src/util.c src/recbuild.c \
	src/fields.c src/fields_table.c src/fields_evt.c src/fields_errno.c src/fields_entry.c \
	src/cond_parse.c src/cond_expand.c src/cond_env.c src/cond_set.c src/cond_memo.c src/cond_compile.c \
	src/cond_eval.c src/cond_evttype.c src/outfmt.c src/rules.c src/rules_text.c \
	src/rules_items.c src/rules_rule.c src/rules_exc.c src/rules_build.c src/rules_eval.c \
	src/dns.c src/dns_worker.c
rules_fuzz_flags = -g -O1 -fsanitize=fuzzer,address -DHAVE_CONFIG_H -I$(top_builddir) \
	-I$(top_srcdir)/src -I$(top_srcdir)/drivers/common $(YAML_CFLAGS) $(JSONC_CFLAGS) \
	$(PCRE2_CFLAGS)
rules_fuzz_libs = $(YAML_LIBS) $(JSONC_LIBS) $(PCRE2_LIBS)

if HAVE_FUZZ
tests/fuzz/fuzz_rules: $(top_srcdir)/tests/fuzz/fuzz_rules.c $(rules_fuzz_lib:%=$(top_srcdir)/%)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(rules_fuzz_flags) -o $@ $^ $(rules_fuzz_libs)
tests/fuzz/fuzz_cond: $(top_srcdir)/tests/fuzz/fuzz_cond.c $(rules_fuzz_lib:%=$(top_srcdir)/%)
	@$(MKDIR_P) tests/fuzz
	$(AM_V_CCLD)$(FUZZ_CC) $(rules_fuzz_flags) -o $@ $^ $(rules_fuzz_libs)

# Seeds: the broken corpus and the upstream files; new inputs go to the build tree.
fuzz-rules: tests/fuzz/fuzz_rules tests/fuzz/fuzz_cond
	@$(MKDIR_P) tests/fuzz/work/rules tests/fuzz/work/cond tests/fuzz/artifacts
	./tests/fuzz/fuzz_rules -max_total_time=$(RULES_FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/artifacts/rules- tests/fuzz/work/rules \
		$(srcdir)/tests/rules-bad
	./tests/fuzz/fuzz_cond -max_total_time=$(RULES_FUZZ_SECONDS) -print_final_stats=1 \
		-artifact_prefix=tests/fuzz/artifacts/cond- tests/fuzz/work/cond
else
fuzz-rules:
	@echo "make fuzz-rules needs clang with libFuzzer (see --enable-fuzz)" >&2
	@exit 1
endif
.PHONY: fuzz-rules
CLEANFILES += tests/fuzz/fuzz_rules tests/fuzz/fuzz_cond

# Engine microbenchmark: 'make bench-engine' builds and runs it (not part of make check).
noinst_PROGRAMS += bench/bench_engine
bench_bench_engine_SOURCES = bench/bench_engine.c
bench_bench_engine_LDADD = $(SAKER_LIBS)
bench-engine: bench/bench_engine
	cd $(top_srcdir) && $(abs_top_builddir)/bench/bench_engine
.PHONY: bench-engine
