"""Year-end batches: every report the data supports, locally or on a Dask cluster, incremental,
with a manifest. See :func:`run_batch`."""

from .jobs import Job, plan
from .manifest import Entry, Manifest
from .runner import BatchOptions, BatchSummary, Interrupted, Progress, run_batch

__all__ = ["BatchOptions", "BatchSummary", "Entry", "Interrupted", "Job", "Manifest", "Progress", "plan", "run_batch"]
