"""A realistic, deterministic synthetic contact center for first start, docs and benchmarks."""
