"""Benchmarks (not run by CI): see bench/RESULTS.md for figures and commands."""
