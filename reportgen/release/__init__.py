"""After the batch: what changed (diff), does it match IATI (reconcile), who cleared it
(approvals), where each report stands (status) and what goes out (publish).

Everything here reads a batch's output folder (its manifest, the report models the batch
kept in ``.models/`` and ``approvals.json``) and never re-reads the data files, which may
have changed since; only :mod:`.reconcile` reads data (the data against an IATI file).
"""
