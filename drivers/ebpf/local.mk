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
	drivers/ebpf/classic/saker.bpf.o
ebpfdir = $(pkglibdir)/ebpf
ebpf_DATA = drivers/ebpf/saker.bpf.o
endif

# Classic: compiled against one kernel's headers, no BTF needed at load
# time. saker-driver-loader installs the result as
# /var/lib/saker/ebpf/RELEASE/saker.bpf.o, which sakerd loads when the
# running kernel has no /sys/kernel/btf/vmlinux.
#   make ebpf-classic KERNEL_HEADERS=/usr/src/linux-headers-RELEASE
KERNEL_HEADERS ?= $(KERNEL_BUILD_DIR)
KERNEL_HEADERS_COMMON ?= $(subst -amd64,-common,$(KERNEL_HEADERS))
CLASSIC_INC = $(foreach d,$(KERNEL_HEADERS) $(KERNEL_HEADERS_COMMON), \
	-I$(d)/arch/x86/include -I$(d)/arch/x86/include/generated \
	-I$(d)/include -I$(d)/arch/x86/include/uapi \
	-I$(d)/arch/x86/include/generated/uapi -I$(d)/include/uapi \
	-I$(d)/include/generated/uapi)
ebpf-classic: $(EBPF_DEPS)
	@$(MKDIR_P) drivers/ebpf/classic
	$(AM_V_GEN)$(BPF_CLANG) -DSAKER_CLASSIC -D__KERNEL__ -D__BPF_TRACING__ \
		-Wno-unused-value -Wno-pointer-sign -Wno-compare-distinct-pointer-types \
		-Wno-gnu-variable-sized-type-not-at-end -Wno-address-of-packed-member \
		-Wno-tautological-compare -Wno-unknown-warning-option \
		-fno-stack-protector -include $(KERNEL_HEADERS_COMMON)/include/linux/kconfig.h \
		$(CLASSIC_INC) -target bpf -O2 -g \
		-I$(top_srcdir)/drivers/ebpf -I$(top_srcdir)/drivers/common \
		-c $(top_srcdir)/drivers/ebpf/saker.bpf.c -o drivers/ebpf/classic/saker.bpf.o
.PHONY: ebpf-classic

# Tests on the real kernel (they skip without root or BTF).
if HAVE_EBPF
check_PROGRAMS += tests/unit/test_src_ebpf
TESTS += tests/unit/test_src_ebpf tests/integration/ebpf_capture.sh
tests_unit_test_src_ebpf_CPPFLAGS = $(TEST_CPPFLAGS) -I$(top_srcdir)/drivers/ebpf
tests_unit_test_src_ebpf_LDADD = $(TEST_LDADD)
endif
EXTRA_DIST += tests/integration/ebpf_capture.sh docs/ebpf.md
