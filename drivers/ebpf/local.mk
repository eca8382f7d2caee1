# SPDX-License-Identifier: GPL-2.0-only
# The eBPF probe. Everything generated (vmlinux.h, saker.bpf.o, the
# skeleton that embeds the object into libsaker) lives in the build tree.
EBPF_SRC = drivers/ebpf/saker.bpf.c drivers/ebpf/saker_bpf.h drivers/ebpf/compat.bpf.h \
	drivers/ebpf/record.bpf.h drivers/ebpf/paths.bpf.h drivers/ebpf/net.bpf.h \
	drivers/ebpf/proc.bpf.h drivers/ebpf/params.bpf.h drivers/ebpf/sysabi.bpf.h \
	drivers/ebpf/pending.bpf.h
EXTRA_DIST += $(EBPF_SRC)

BPF_CFLAGS = -target bpf -D__TARGET_ARCH_x86 -g -O2 -Wall -Werror \
	-I$(top_srcdir)/drivers/ebpf -I$(top_srcdir)/drivers/common
EBPF_DEPS = $(addprefix $(top_srcdir)/,$(EBPF_SRC)) \
	$(top_srcdir)/drivers/common/saker_abi.h $(top_srcdir)/drivers/common/saker_events.h $(top_srcdir)/drivers/common/saker_ia32.h

if HAVE_EBPF
drivers/ebpf/vmlinux.h:
	@$(MKDIR_P) drivers/ebpf
	$(AM_V_GEN)$(BPFTOOL) btf dump file $(VMLINUX_BTF) format c > $@.tmp && mv $@.tmp $@

# CO-RE: one object for every kernel with BTF.
drivers/ebpf/saker.bpf.o: drivers/ebpf/vmlinux.h $(EBPF_DEPS)
	$(AM_V_GEN)$(BPF_CLANG) $(BPF_CFLAGS) -Idrivers/ebpf -c $(top_srcdir)/drivers/ebpf/saker.bpf.c -o $@

drivers/ebpf/saker.skel.h: drivers/ebpf/saker.bpf.o
	$(AM_V_GEN)$(BPFTOOL) gen skeleton $< name saker_bpf > $@.tmp && mv $@.tmp $@

BUILT_SOURCES += drivers/ebpf/saker.skel.h
CLEANFILES += drivers/ebpf/vmlinux.h drivers/ebpf/saker.bpf.o drivers/ebpf/saker.skel.h \
	drivers/ebpf/classic/saker.bpf.o drivers/ebpf/classic/saker.bc
ebpfdir = $(pkglibdir)/ebpf
ebpf_DATA = drivers/ebpf/saker.bpf.o
endif

# Classic: compiled against one kernel's headers, no BTF needed at load
# time. saker-driver-loader owns the compile command (docs/ebpf.md says
# why it goes through LLVM IR); this target runs it on the sources staged
# as they are installed (tools/local.mk), into the build tree:
#   make ebpf-classic KERNEL_HEADERS=/usr/src/linux-headers-RELEASE
# (Debian's -common half is found from the headers' Makefile.) The loader
# itself installs the object as /var/lib/saker/ebpf/RELEASE/saker.bpf.o,
# which saker loads when the running kernel has no /sys/kernel/btf/vmlinux.
KERNEL_HEADERS ?= $(KERNEL_BUILD_DIR)
ebpf-classic: tools/saker-driver-loader tools/ebpf-src.stamp
	@$(MKDIR_P) drivers/ebpf/classic
	$(AM_V_GEN)$(if $(filter-out no,$(BPF_CLANG)),CLANG='$(BPF_CLANG)') \
		$(SHELL) tools/saker-driver-loader ebpf --no-journal --headers '$(KERNEL_HEADERS)' \
		--ebpf-source tools/ebpf-src --output drivers/ebpf/classic/saker.bpf.o
.PHONY: ebpf-classic

# Tests on the real kernel (they skip without root or BTF).
if HAVE_EBPF
check_PROGRAMS += tests/unit/test_src_ebpf
TESTS += tests/unit/test_src_ebpf tests/integration/ebpf_capture.sh tests/integration/ebpf_perfbuf.sh
tests_unit_test_src_ebpf_CPPFLAGS = $(TEST_CPPFLAGS) -I$(top_srcdir)/drivers/ebpf
tests_unit_test_src_ebpf_LDADD = $(TEST_LDADD)
endif
EXTRA_DIST += tests/integration/ebpf_capture.sh tests/integration/ebpf_perfbuf.sh

# Objects the loader must refuse: a wrong ABI major, a verifier rejection.
EXTRA_DIST += tests/helpers/bad_probe.bpf.c
if HAVE_EBPF
BAD_BPF_CFLAGS = -target bpf -g -O2 -I/usr/include/$(shell $(CC) -print-multiarch) \
	-I$(top_srcdir)/drivers/ebpf -I$(top_srcdir)/drivers/common
tests/helpers/bad_verifier.bpf.o: $(top_srcdir)/tests/helpers/bad_probe.bpf.c
	@$(MKDIR_P) tests/helpers
	$(AM_V_GEN)$(BPF_CLANG) $(BAD_BPF_CFLAGS) -c $< -o $@
tests/helpers/bad_abi.bpf.o: $(top_srcdir)/tests/helpers/bad_probe.bpf.c
	@$(MKDIR_P) tests/helpers
	$(AM_V_GEN)$(BPF_CLANG) $(BAD_BPF_CFLAGS) -DBAD_ABI_MAJOR=99 -c $< -o $@
BUILT_SOURCES += tests/helpers/bad_verifier.bpf.o tests/helpers/bad_abi.bpf.o
CLEANFILES += tests/helpers/bad_verifier.bpf.o tests/helpers/bad_abi.bpf.o
endif

# Trampoline mode and the 32-bit ABIs' interest keys (the eBPF source's own files).
if HAVE_EBPF
src_libsaker_a_SOURCES += src/src_ebpf_hook.c src/src_ebpf_hook.h src/src_ebpf_abi.c src/src_ebpf_abi.h
endif
EXTRA_DIST += src/src_ebpf_hook.c src/src_ebpf_hook.h src/src_ebpf_abi.c src/src_ebpf_abi.h

# 32-bit system calls (tests/integration/ebpf_ia32.sh) run the shared
# tests/helpers/ia32_int80 and ia32_static (tests/local.mk).
EXTRA_DIST += tests/integration/need_fexit.sh tests/integration/ebpf_ia32.sh tests/integration/live_ebpf_fexit.sh tests/integration/ebpf_unit_fexit.sh
if HAVE_EBPF
TESTS += tests/integration/ebpf_ia32.sh tests/integration/live_ebpf_fexit.sh tests/integration/ebpf_unit_fexit.sh
endif
