# SPDX-License-Identifier: GPL-2.0-only
# Units are generated from .in with configure's paths.
systemdsystemunit_DATA = systemd/saker.service systemd/saker-kmod.service
EXTRA_DIST += systemd/saker.service.in systemd/saker-kmod.service.in
CLEANFILES += systemd/saker.service systemd/saker-kmod.service

# Per-driver drop-ins narrowing saker.service (sakerd(8), SYSTEMD).
dropindir = $(pkgdatadir)/systemd
dropin_DATA = systemd/ebpf.conf systemd/kmod.conf
EXTRA_DIST += systemd/dropin/ebpf.conf.in systemd/dropin/kmod.conf.in
CLEANFILES += $(dropin_DATA)

saker_unit_subst = $(SED) \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@pkgsysconfdir[@]|$(sysconfdir)/saker|g' \
	-e 's|@pkgdatadir[@]|$(pkgdatadir)|g'

systemd/%.service: $(top_srcdir)/systemd/%.service.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && $(saker_unit_subst) $< > $@
systemd/%.conf: $(top_srcdir)/systemd/dropin/%.conf.in Makefile
	$(AM_V_GEN)$(MKDIR_P) systemd && $(saker_unit_subst) $< > $@
