"""Benchmarks of the library, outside it: nothing in graph/ imports this package.

`python -m benchmarks stores|startup [options]`: one runner, one small module per benchmark.
"""
