# SPDX-License-Identifier: GPL-2.0-only
# The rules engine: field registry, conditions, rules files, outputs.
src_libsaker_a_SOURCES += \
	src/fields.c src/fields.h src/fields_table.c src/fields_evt.c src/fields_errno.c \
	src/cond.h src/cond_int.h src/cond_parse.c src/cond_expand.c src/cond_env.c \
	src/cond_set.c src/cond_compile.c src/cond_eval.c src/cond_evttype.c \
	src/outfmt.c src/outfmt.h \
	src/rules.h src/rules_int.h src/rules.c src/rules_text.c src/rules_items.c \
	src/rules_rule.c src/rules_exc.c src/rules_build.c src/rules_eval.c

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
