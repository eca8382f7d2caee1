# SPDX-License-Identifier: GPL-2.0-only
# The eBPF probe. Everything generated (vmlinux.h, saker.bpf.o, the
# skeleton that embeds the object into libsaker) lives in the build tree.
EBPF_SRC = drivers/ebpf/saker.bpf.c drivers/ebpf/saker_bpf.h drivers/ebpf/compat.bpf.h \
	drivers/ebpf/record.bpf.h drivers/ebpf/paths.bpf.h drivers/ebpf/net.bpf.h \
	drivers/ebpf/proc.bpf.h drivers/ebpf/params.bpf.h
EXTRA_DIST += $(EBPF_SRC)

BPF_CFLAGS = -target bpf -D__TARGET_ARCH_x86 -g -O2 -Wall -Werror \
	-I$(top_srcdir)/drivers/ebpf -I$(top_srcdir)/drivers/common
EBPF_DEPS = $(addprefix $(top_srcdir)/,$(EBPF_SRC)) \
	$(top_srcdir)/drivers/common/saker_abi.h $(top_srcdir)/drivers/common/saker_events.h

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
# time. The kernel headers' x86 inline assembly only parses for an x86
# target, so clang emits LLVM IR for x86 and llc turns it into BPF.
# saker-driver-loader installs the result as
# /var/lib/saker/ebpf/RELEASE/saker.bpf.o, which saker loads when the
# running kernel has no /sys/kernel/btf/vmlinux.
#   make ebpf-classic KERNEL_HEADERS=/usr/src/linux-headers-RELEASE \
#	[KERNEL_HEADERS_COMMON=/usr/src/linux-headers-...-common]  (Debian's split)
KERNEL_HEADERS ?= $(KERNEL_BUILD_DIR)
KERNEL_HEADERS_COMMON ?= $(subst -amd64,-common,$(KERNEL_HEADERS))
BPF_LLC ?= $(shell $(BPF_CLANG) -print-prog-name=llc)
CLASSIC_INC = $(foreach d,$(KERNEL_HEADERS) $(KERNEL_HEADERS_COMMON), \
	-I$(d)/arch/x86/include -I$(d)/arch/x86/include/generated \
	-I$(d)/include -I$(d)/arch/x86/include/uapi \
	-I$(d)/arch/x86/include/generated/uapi -I$(d)/include/uapi \
	-I$(d)/include/generated/uapi)
CLASSIC_CFLAGS = -DSAKER_CLASSIC -D__KERNEL__ -D__BPF_TRACING__ -D__TARGET_ARCH_x86 \
	-Wno-unused-value -Wno-pointer-sign -Wno-compare-distinct-pointer-types \
	-Wno-gnu-variable-sized-type-not-at-end -Wno-address-of-packed-member \
	-Wno-tautological-compare -Wno-unknown-warning-option -fno-stack-protector \
	-include $(KERNEL_HEADERS_COMMON)/include/linux/kconfig.h $(CLASSIC_INC) \
	-I$(top_srcdir)/drivers/ebpf -I$(top_srcdir)/drivers/common -O2 -g
ebpf-classic: $(EBPF_DEPS)
	@$(MKDIR_P) drivers/ebpf/classic
	$(AM_V_GEN)$(BPF_CLANG) $(CLASSIC_CFLAGS) -emit-llvm \
		-c $(top_srcdir)/drivers/ebpf/saker.bpf.c -o drivers/ebpf/classic/saker.bc && \
	$(BPF_LLC) -march=bpf -mcpu=v3 -filetype=obj drivers/ebpf/classic/saker.bc \
		-o drivers/ebpf/classic/saker.bpf.o && rm -f drivers/ebpf/classic/saker.bc
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
