# SPDX-License-Identifier: GPL-2.0-only
# Benchmarks: built on demand by `make bench`, never part of make check.
EXTRA_PROGRAMS = bench/workload
bench_workload_SOURCES = bench/workload.c
CLEANFILES += bench/workload
EXTRA_DIST += bench/run bench/README.md

bench: bench/workload src/saker
	$(SHELL) $(top_srcdir)/bench/run
.PHONY: bench
