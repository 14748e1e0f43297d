"""mnemo's benchmark report (scripts/bench-report): steps that measure mnemo
next to redis-server and write JSON (steps_*.py), and a deterministic renderer
of plots and the summary section of docs/BENCHMARKS.md (plots.py, summary.py).

Runs with Debian's /usr/bin/python3 (python3-matplotlib for the plots)."""
