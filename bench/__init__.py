"""The benchmark suite: a realistic platform generator and a load-driven runner.

`make bench` (or `make bench SCALE=small`) runs it end to end; see
`docs/performance.md` for what each number means and the latest results.
"""
