"""Benchmarks: ``python -m bench --scale S`` prints one JSON line per figure (see README, 'Speed')."""
