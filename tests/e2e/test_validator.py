"""The independent validator passes every report reportgen makes: page-validation (PyPI, Rust), profile ``ua1``
(PDF/UA-1) on every PDF and ``3a`` (PDF/A-3a) on archives, for every report kind x shipped theme x language x
mode (default, ``--print``, ``--two-sided``, ``--archive``); the same PDFs pass ``reportgen verify``.

The suite renders a pairwise cover of the 72 combinations: every pair of values (kind and mode, theme and
language, ...) appears together in at least one rendered report, which takes 12 renders instead of 72 (a
rule that fails only for a combination of three values is the case it gives up). ``VALIDATOR_MATRIX=full``
renders all 72. One render per combination, by two worker processes; all PDFs are then validated in this
process. The
entity of each kind is the bundled data's smallest that has every part the templates tag (particulars, a
contents page with links around ``<span lang>``, tables with row and column headers, running headers): the
other entities repeat the same markup with more rows, and tests/e2e/test_accessibility.py checks every
bundled report in the default mode.

page-validation is in the ``test`` extra: outside CI a missing validator skips this module with the reason;
under ``CI=true`` it fails.
"""

from __future__ import annotations

import json
import multiprocessing
import os
import shutil
import subprocess
import sys
from collections.abc import Iterable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from functools import lru_cache
from itertools import combinations, product
from pathlib import Path

import pytest

from reportgen import Dataset, RenderOptions, load_dataset, write_report
from reportgen.paths import THEMES_DIR
from reportgen.validator import DISTRIBUTION, available, validate
from reportgen.verify import verify

if not available():
    if os.environ.get("CI") == "true":
        pytest.fail(f"{DISTRIBUTION} is not installed: CI installs the test extra (pip install -e '.[test]')")
    pytest.skip(f"{DISTRIBUTION} is not installed (pip install -e '.[test]')", allow_module_level=True)

ROOT = Path(__file__).resolve().parents[2]
DATA = ROOT / "data"
ENTITIES = {"brief": "mex-justice", "donor": "mex-gov", "country": "col"}
THEMES = ("default", "meridian")
LANGUAGES = ("en", "es", "fr")
MODES = {
    "default": RenderOptions(),
    "print": RenderOptions(print_ready=True),
    "two-sided": RenderOptions(two_sided=True),
    "archive": RenderOptions(archive=True),
}
Combination = tuple[str, str, str, str]  # kind, theme, language, mode
FULL: list[Combination] = list(product(ENTITIES, THEMES, LANGUAGES, MODES))


def _pairs(combination: Combination) -> set[tuple[int, str, int, str]]:
    """Every pair of values in a combination, with the dimension each comes from."""
    return {(i, a, j, b) for (i, a), (j, b) in combinations(enumerate(combination), 2)}


def pairwise_cover(candidates: Iterable[Combination]) -> list[Combination]:
    """A small set of combinations in which every pair of values appears (greedy, deterministic)."""
    pool = list(candidates)
    uncovered = set().union(*(_pairs(c) for c in pool))
    chosen: list[Combination] = []
    while uncovered:
        best = max(pool, key=lambda c: len(_pairs(c) & uncovered))
        chosen.append(best)
        uncovered -= _pairs(best)
    return chosen


MATRIX: list[Combination] = FULL if os.environ.get("VALIDATOR_MATRIX") == "full" else pairwise_cover(FULL)
#: Validator rules reportgen's output is allowed to fail, each with the ISO clause that says the rule is wrong.
#: None today: every report passes every rule.
EXCEPTIONS: dict[str, str] = {}


@lru_cache(maxsize=1)
def _dataset() -> Dataset:
    return load_dataset(DATA)


def _render(combination: Combination, out: Path) -> Path:
    """One report of the matrix (in a worker process: the dataset is loaded once per process)."""
    kind, theme, lang, mode = combination
    options = replace(MODES[mode], theme_dir=THEMES_DIR / theme)
    target = out / f"{kind}-{theme}-{lang}-{mode}.pdf"
    return write_report(_dataset(), kind, ENTITIES[kind], target, lang=lang, options=options)


@pytest.fixture(scope="module")
def matrix(tmp_path_factory: pytest.TempPathFactory) -> dict[Combination, Path]:
    out = tmp_path_factory.mktemp("matrix")
    context = multiprocessing.get_context("forkserver")  # as the batch runner: no fork of a threaded process
    with ProcessPoolExecutor(max_workers=2, mp_context=context) as pool:
        paths = list(pool.map(_render, MATRIX, [out] * len(MATRIX)))
    return dict(zip(MATRIX, paths, strict=True))


def _label(combination: Combination) -> str:
    return "/".join(combination)


def test_the_rendered_combinations_cover_every_pair_of_values(matrix: dict[Combination, Path]) -> None:
    every_pair = set().union(*(_pairs(c) for c in FULL))
    assert set().union(*(_pairs(c) for c in matrix)) == every_pair


def test_every_combination_passes_the_independent_validator(matrix: dict[Combination, Path]) -> None:
    failed: dict[str, list[str]] = {}
    profiles_run = set()
    for combination, path in matrix.items():
        archive = combination[3] == "archive"
        for outcome in validate(path, archive):
            profiles_run.add(outcome.profile)
            rules = sorted({f.rule for f in outcome.failures if f.rule not in EXCEPTIONS})
            if rules:
                failed.setdefault(_label(combination), []).extend(f"{outcome.label}: {rule}" for rule in rules)
    assert profiles_run == {"ua1", "3a"}
    assert failed == {}


def test_every_combination_passes_verify(matrix: dict[Combination, Path]) -> None:
    failed = {}
    for combination, path in matrix.items():
        archive = combination[3] == "archive"
        checks = verify(path, archive=archive)
        problems = {check.name: check.detail for check in checks if not check.passed}
        if problems:
            failed[_label(combination)] = problems
    assert failed == {}


def test_verify_validator_adds_the_verdict_and_says_when_it_is_missing(
    matrix: dict[Combination, Path], tmp_path: Path
) -> None:
    archive = next(path for (kind, *_, mode), path in matrix.items() if kind == "brief" and mode == "archive")
    ran = subprocess.run(
        [sys.executable, "-m", "reportgen", "verify", "--validator", "--format", "json", str(archive)],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    checks = {check["name"]: check for check in json.loads(ran.stdout)[0]["checks"]}
    assert checks["validator"]["passed"]
    assert checks["validator"]["detail"].endswith("PDF/UA-1 pass; PDF/A-3a pass")
    # Without the validator (its import blocked in a real process), the option says how to get it.
    blocked = "import sys; sys.modules['page'] = None; from reportgen.cli import main; main()"
    ran = subprocess.run(
        [sys.executable, "-c", blocked, "verify", "--validator", str(archive)], capture_output=True, text=True,
        timeout=120,
    )  # fmt: skip
    assert ran.returncode == 2
    assert f"the independent validator is not installed: pip install {DISTRIBUTION}" in ran.stderr


def test_the_batch_manifest_records_the_verdict(tmp_path: Path) -> None:
    data = tmp_path / "data"
    (data / "outcomes").mkdir(parents=True)
    shutil.copy(DATA / "organization.yaml", data)
    shutil.copy(DATA / "outcomes" / "mex-justice.yaml", data / "outcomes")
    out = tmp_path / "out"
    ran = subprocess.run(
        [sys.executable, "-m", "reportgen", "batch", "--data", str(data), "--out", str(out), "--kinds", "brief",
         "--lang", "en", "--jobs", "1"],
        capture_output=True, text=True, timeout=300,
    )  # fmt: skip
    assert ran.returncode == 0, ran.stdout + ran.stderr
    entries = json.loads((out / "manifest.json").read_text(encoding="utf-8"))["reports"]
    assert entries and all(entry["status"] == "ok" for entry in entries)
    for entry in entries:
        outcome = validate(out / entry["path"], archive=False)
        assert entry["validator"].endswith(": PDF/UA-1 pass") and all(o.compliant for o in outcome)
