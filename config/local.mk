# SPDX-License-Identifier: GPL-2.0-only
# /etc/saker/rules.d holds local rules, loaded after the shipped ones. It
# ships empty, and automake creates no directory for an empty list.
install-data-local: install-rulesd
install-rulesd:
	$(MKDIR_P) "$(DESTDIR)$(pkgsysconfdir)/rules.d"
uninstall-local: uninstall-rulesd
uninstall-rulesd:
	-rmdir "$(DESTDIR)$(pkgsysconfdir)/rules.d" 2>/dev/null
.PHONY: install-rulesd uninstall-rulesd
