# SPDX-License-Identifier: GPL-2.0-only
# Units are generated from .in with configure's paths.
systemdsystemunit_DATA = systemd/saker.service systemd/saker-kmod.service
EXTRA_DIST += systemd/saker.service.in systemd/saker-kmod.service.in
CLEANFILES += systemd/saker.service systemd/saker-kmod.service

systemd/%.service: $(top_srcdir)/systemd/%.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && $(SED) \
		-e 's|@sbindir[@]|$(sbindir)|g' \
		-e 's|@pkgsysconfdir[@]|$(sysconfdir)/saker|g' \
		$< > $@
