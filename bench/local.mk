# Benchmarks: built on demand, never part of make check.
