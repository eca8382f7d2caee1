# SPDX-License-Identifier: GPL-2.0-only
# Man pages; @VERSION@ is filled in at build time so they name the release.
# (saker-driver-loader.8 is installed by tools/local.mk.)
man_MANS = man/sakerd.8 man/saker.8 man/saker.yaml.5
EXTRA_DIST += man/sakerd.8.in man/saker.8.in man/saker.yaml.5.in
CLEANFILES += $(man_MANS)

man/%.8: $(top_srcdir)/man/%.8.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(SED) -e 's|@VERSION[@]|$(VERSION)|g' $< > $@
man/%.5: $(top_srcdir)/man/%.5.in Makefile
	$(AM_V_GEN)$(MKDIR_P) man && $(SED) -e 's|@VERSION[@]|$(VERSION)|g' $< > $@
