"""Benchmarks that print tables (``make bench`` / ``python -m bench``); see
/work/shared/spec/performance.md §6.2. Never imported by the application or the tests."""
