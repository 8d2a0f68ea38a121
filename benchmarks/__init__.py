"""reportgen's benchmark harness: where a report's time goes, how fast a batch runs, how memory
behaves over a long batch, what a no-change re-run costs and how fast the command starts.

Run ``python benchmarks/run.py`` (or ``python -m benchmarks.run``); see :mod:`benchmarks.run`.
Measurements only: nothing here changes reportgen, and the numbers come from its production
code paths (``write_report``, ``run_batch``, the ``reportgen`` command).
"""
