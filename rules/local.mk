# SPDX-License-Identifier: GPL-2.0-only
rulesdir = $(pkgdatadir)/rules
dist_rules_DATA = rules/saker_rules.yaml
EXTRA_DIST += rules/README.md
# The default rules' form: validate, upstream coexistence, tags, outputs.
TESTS += rules/lint.sh
EXTRA_DIST += rules/lint.sh
