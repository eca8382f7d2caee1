# SPDX-License-Identifier: GPL-2.0-only
# Benchmarks: built on demand by `make bench`, never part of make check.
EXTRA_PROGRAMS = bench/workload bench/mkbigcap bench/notif_cost bench/ptrace_floor
bench_workload_SOURCES = bench/workload.c
# What one seccomp stop costs, ptrace against user notification (run by hand).
bench_notif_cost_SOURCES = bench/notif_cost.c
# The least a ptrace tracer does per stop: a contender in bench/run.
bench_ptrace_floor_SOURCES = bench/ptrace_floor.c
bench_mkbigcap_SOURCES = bench/mkbigcap.c
bench_mkbigcap_LDADD = $(SAKER_LIBS)
CLEANFILES += bench/workload bench/mkbigcap bench/notif_cost bench/ptrace_floor
EXTRA_DIST += bench/run bench/README.md

bench: bench/workload bench/mkbigcap bench/bench_state bench/ptrace_floor src/saker src/sakerd
	bash $(top_srcdir)/bench/run
.PHONY: bench

# saker.ko against Falco's scap.ko in a qemu guest (bench/guest); root, DKMS.
EXTRA_DIST += bench/guest bench/guest-init.sh
bench-guest: bench/workload src/sakerd
	abs_top_builddir=$(abs_top_builddir) abs_top_srcdir=$(abs_top_srcdir) \
		bash $(top_srcdir)/bench/guest
.PHONY: bench-guest
