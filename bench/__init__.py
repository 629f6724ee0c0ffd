"""Benchmarks: scripts that compare socialops with a baseline in the same run (see README)."""
