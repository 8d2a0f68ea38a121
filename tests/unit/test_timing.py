"""Stage timings: a real report records every pipeline stage once, the stages never add up to
more than the wall-clock time, and nothing is recorded outside a recording."""

from __future__ import annotations

import time
from pathlib import Path

from reportgen import Dataset, write_report
from reportgen.charts.cache import clear_cache
from reportgen.timing import STAGES, Timings, recording, stage


def test_a_report_records_each_of_its_stages_once(dataset: Dataset, tmp_path: Path) -> None:
    clear_cache()
    start = time.perf_counter()
    with recording() as timings:
        write_report(dataset, "brief", "mex-justice", tmp_path / "brief.pdf")
    wall = time.perf_counter() - start
    assert set(timings.seconds) == {"model", "charts", "html", "layout", "write", "save"}
    assert all(timings.calls[name] == 1 for name in timings.seconds)
    assert all(seconds > 0 for seconds in timings.seconds.values())
    assert timings.total <= wall
    assert list(timings.seconds) == [name for name in STAGES if name in timings.seconds]  # pipeline order


def test_recordings_nest_and_stages_outside_one_are_not_recorded() -> None:
    with stage("load"):  # no recording open: nothing to record into, and no error
        pass
    with recording() as outer, stage("load"), recording() as inner, stage("model"):
        pass
    assert set(outer.seconds) == {"load"}
    assert set(inner.seconds) == {"model"}


def test_merge_adds_a_workers_seconds() -> None:
    timings = Timings()
    timings.add("layout", 1.5)
    timings.merge({"layout": 0.5, "write": 0.25})
    assert timings.seconds == {"layout": 2.0, "write": 0.25}
    assert timings.calls == {"layout": 2, "write": 1}
