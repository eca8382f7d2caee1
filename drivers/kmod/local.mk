# SPDX-License-Identifier: GPL-2.0-only
# saker.ko: not part of 'all'. The module sources are shipped in the dist
# tarball, installed as a DKMS source tree by 'make install-dkms', and built
# by 'make kmod' from a copy of that same tree in the build directory.
kmod_sources = \
	drivers/kmod/Kbuild \
	drivers/kmod/compat.h \
	drivers/kmod/device.c \
	drivers/kmod/fillers.c \
	drivers/kmod/fillers_net.c \
	drivers/kmod/fillers_proc.c \
	drivers/kmod/ia32.c \
	drivers/kmod/ioctl.c \
	drivers/kmod/main.c \
	drivers/kmod/probes.c \
	drivers/kmod/record.c \
	drivers/kmod/ring.c \
	drivers/kmod/saker_ioctl.h \
	drivers/kmod/saker_kmod.h
kmod_common = drivers/common/saker_abi.h drivers/common/saker_events.h drivers/common/saker_ia32.h
EXTRA_DIST += $(kmod_sources) drivers/kmod/dkms.conf drivers/kmod/README.md

# kmod_stage DIR: the DKMS tree (dkms.conf, kmod/, common/) in DIR.
kmod_stage = \
	rm -rf "$(1)" && $(MKDIR_P) "$(1)/kmod" "$(1)/common" && \
	for f in $(kmod_sources); do cp "$(top_srcdir)/$$f" "$(1)/kmod/" || exit 1; done && \
	for f in $(kmod_common); do cp "$(top_srcdir)/$$f" "$(1)/common/" || exit 1; done && \
	sed 's/[@]VERSION[@]/$(VERSION)/' "$(top_srcdir)/drivers/kmod/dkms.conf" > "$(1)/dkms.conf"

kmod:
	@$(call kmod_stage,$(abs_builddir)/drivers/kmod-tree)
	$(MAKE) -C "$(KERNEL_BUILD_DIR)" M="$(abs_builddir)/drivers/kmod-tree/kmod" modules
	@echo "built $(abs_builddir)/drivers/kmod-tree/kmod/saker.ko"

install-dkms:
	@$(call kmod_stage,$(DESTDIR)$(prefix)/src/saker-$(VERSION))

uninstall-dkms:
	rm -rf "$(DESTDIR)$(prefix)/src/saker-$(VERSION)"

clean-local: clean-kmod
clean-kmod:
	rm -rf drivers/kmod-tree

.PHONY: kmod install-dkms uninstall-dkms clean-kmod

# The userspace side: src/src_kmod.c reads the rings.
src_libsaker_a_SOURCES += src/src_kmod.c src/src_kmod.h

# The qemu test: a guest PID 1 that drives the module through src_kmod, the
# harness that builds the module with DKMS and boots a Debian kernel, and the
# TAP wrapper that SKIPs without root, qemu or kernel headers.
check_PROGRAMS += tests/kmod/saker-kmod-guest
tests_kmod_saker_kmod_guest_SOURCES = tests/kmod/guest.c tests/kmod/guest.h \
	tests/kmod/guest_cases.c tests/kmod/guest_capture.c tests/kmod/guest_bench.c \
	tests/kmod/guest_suite.c tests/kmod/guest_exe.c tests/kmod/guest_ia32.c
tests_kmod_saker_kmod_guest_CPPFLAGS = $(TEST_CPPFLAGS)
tests_kmod_saker_kmod_guest_LDADD = $(TEST_LDADD) -lpthread
TESTS += tests/integration/kmod.sh
EXTRA_DIST += tests/integration/kmod.sh tests/kmod/run.sh tests/kmod/lib.sh
