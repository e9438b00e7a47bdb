"""Benchmarks run by `make bench`: each area adds bench/<area>.py with a `run() -> None` that prints its figures.

Every benchmark times our implementation side by side with a plain baseline and prints the ratio.
"""
