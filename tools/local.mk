# SPDX-License-Identifier: GPL-2.0-only
# saker-driver-loader, the kernel hooks that run it, its man page, and the
# probe sources it compiles the classic eBPF object from. Scripts are
# generated from .in with configure's paths.
sbin_SCRIPTS = tools/saker-driver-loader
kernelpostinstdir = $(sysconfdir)/kernel/postinst.d
kernelpostinst_SCRIPTS = tools/postinst.d/saker
kernelheaderpostinstdir = $(sysconfdir)/kernel/header_postinst.d
kernelheaderpostinst_SCRIPTS = tools/header_postinst.d/saker
kernelpostrmdir = $(sysconfdir)/kernel/postrm.d
kernelpostrm_SCRIPTS = tools/postrm.d/saker
kernelinstalldir = $(prefix)/lib/kernel/install.d
kernelinstall_SCRIPTS = tools/50-saker.install
dist_man8_MANS = tools/saker-driver-loader.8

# The classic probe's sources, flat: saker.bpf.c includes them by name.
tools_ebpf_src = $(EBPF_SRC) drivers/common/saker_abi.h drivers/common/saker_events.h drivers/common/saker_ia32.h
ebpfsrcdir = $(pkgdatadir)/ebpf-src
ebpfsrc_DATA = $(tools_ebpf_src)

EXTRA_DIST += tools/saker-driver-loader.in tools/kernel-hook.in tools/50-saker.install.in
tools_generated = tools/saker-driver-loader tools/postinst.d/saker \
	tools/header_postinst.d/saker tools/postrm.d/saker tools/50-saker.install
CLEANFILES += $(tools_generated)

tools_edit = $(SED) \
	-e 's|@VERSION[@]|$(VERSION)|g' \
	-e 's|@SAKER_ARCH[@]|$(SAKER_ARCH)|g' \
	-e 's|@prefix[@]|$(prefix)|g' \
	-e 's|@sbindir[@]|$(sbindir)|g' \
	-e 's|@sysconfdir[@]|$(sysconfdir)|g' \
	-e 's|@pkgsysconfdir[@]|$(sysconfdir)/saker|g' \
	-e 's|@pkgdatadir[@]|$(pkgdatadir)|g'

tools/saker-driver-loader: $(top_srcdir)/tools/saker-driver-loader.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tools && $(tools_edit) $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
tools/50-saker.install: $(top_srcdir)/tools/50-saker.install.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tools && $(tools_edit) $< > $@.tmp && chmod +x $@.tmp && mv $@.tmp $@
# tools/postinst.d/saker -> the postinst hook, and so on.
tools/%/saker: $(top_srcdir)/tools/kernel-hook.in Makefile
	$(AM_V_GEN)$(MKDIR_P) tools/$* && $(tools_edit) -e 's|@HOOK[@]|$(basename $*)|g' $< > $@.tmp && \
	chmod +x $@.tmp && mv $@.tmp $@

# The sources as installed, in the build tree: 'make ebpf-classic' compiles
# from here with the loader, so the compile command exists once.
tools/ebpf-src.stamp: $(addprefix $(top_srcdir)/,$(tools_ebpf_src))
	$(AM_V_GEN)rm -rf tools/ebpf-src && $(MKDIR_P) tools/ebpf-src && \
	cp $^ tools/ebpf-src/ && touch $@
CLEANFILES += tools/ebpf-src.stamp
clean-local: clean-tools
clean-tools:
	rm -rf tools/ebpf-src
.PHONY: clean-tools
