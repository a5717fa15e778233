"""Benchmark scripts; a package so a worker can import `bench.sleepy_provider` by dotted path."""
