# SPDX-License-Identifier: GPL-2.0-only
# The daemon core: one convenience library that sakerd, saker and the tests link.
noinst_LIBRARIES += src/libsaker.a
src_libsaker_a_SOURCES = \
	src/capture.c src/capture.h \
	src/dlib.c src/dlib.h \
	src/daemon.c src/daemon.h src/daemon_int.h \
	src/daemon_alert.c src/daemon_rules.c src/daemon_stats.c src/daemon_dns.c \
	src/daemon_metrics.c src/webserver.c src/webserver.h src/mhd.c src/mhd.h \
	src/event.c src/event.h \
	src/evtfmt.c src/evtfmt.h \
	src/fields_state.c src/fields_state.h src/fields_state_int.h \
	src/fields_proc.c src/fields_fd.c \
	src/flagnames.c src/flagnames.h \
	src/recbuild.c src/recbuild.h \
	src/sdnotify.c src/sdnotify.h \
	src/source.c src/source.h \
	src/src_replay.c \
	src/util.c src/util.h
src_libsaker_a_CFLAGS = $(AM_CFLAGS) $(YAML_CFLAGS) $(JSONC_CFLAGS) $(PCRE2_CFLAGS) $(SYSTEMD_CFLAGS)

SAKER_LIBS = src/libsaker.a $(YAML_LIBS) $(JSONC_LIBS) $(PCRE2_LIBS) $(SYSTEMD_LIBS)

# The eBPF source embeds the probe's skeleton from the build tree.
if HAVE_EBPF
src_libsaker_a_SOURCES += src/src_ebpf.c src/src_ebpf_load.c src/src_ebpf_load.h
src_libsaker_a_SOURCES += src/src_ebpf_buf.c src/src_ebpf_buf.h
src_libsaker_a_CFLAGS += $(LIBBPF_CFLAGS) $(LIBELF_CFLAGS) -I$(top_builddir)/drivers/ebpf \
	-I$(top_srcdir)/drivers/ebpf
SAKER_LIBS += $(LIBBPF_LIBS) $(LIBELF_LIBS)
endif
EXTRA_DIST += src/src_ebpf.c src/src_ebpf.h src/src_ebpf_load.c src/src_ebpf_load.h
EXTRA_DIST += src/src_ebpf_buf.c src/src_ebpf_buf.h

bin_PROGRAMS += src/saker
src_saker_SOURCES = src/saker.c src/cmd.h src/cmd_events.c src/cmd_capture.c
src_saker_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS)
src_saker_LDADD = $(SAKER_LIBS)

sbin_PROGRAMS += src/sakerd
src_sakerd_SOURCES = src/sakerd.c
src_sakerd_CFLAGS = $(AM_CFLAGS) $(JSONC_CFLAGS) $(SYSTEMD_CFLAGS)
src_sakerd_LDADD = $(SAKER_LIBS)
