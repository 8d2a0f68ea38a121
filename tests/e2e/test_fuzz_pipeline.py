"""The whole pipeline on generated data: only the project's own errors, and every PDF verifies.

Hypothesis writes a complete dataset (organization, office, partners, one outcome) whose every
free-text field is drawn from arbitrary Unicode (right-to-left scripts, combining marks, emoji,
control characters, markup and template syntax), whose amounts and indicator values run from zero
to the extremes, and whose lists may be empty. ``reportgen build`` then runs on it through the CLI,
in this process: it must either refuse the data with its own message (exit code 2, no traceback),
or write reports; a report may fail with the project's own message, and every PDF written must pass
``reportgen verify``.

Two fixed cases add what random examples rarely reach: thousands of contribution and indicator
rows, and every text in a right-to-left script with combining marks.
"""

from __future__ import annotations

import datetime as dt
import json
import os
import warnings
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
import yaml
from click.testing import CliRunner
from hypothesis import HealthCheck, event, given, settings
from hypothesis import strategies as st

from reportgen.cli import main as cli_main
from reportgen.verify import verify

#: Exit codes the CLI documents: 0 written, 1 some reports failed, 2 the data was refused.
ALLOWED_EXITS = {0, 1, 2}

#: Characters that make text layout hard: Hebrew and Arabic (right to left), combining marks,
#: Devanagari, CJK, emoji with joiners, bidi controls, NUL and other controls, markup and template syntax.
HARD = (
    "שלום עולם مرحبا بالعالم é ̈ ͣ ा क्षि 漢字かな 👩‍👩‍👧 🇲🇽 \u200f\u202e\u2066 \x00\x01\x1b\x7f"
    " <b>&amp;</b> {{ 7*7 }} {% raw %} ${x} %s \\ ' \" \t\n"
)
text = st.text(alphabet=st.sampled_from(HARD) | st.characters(codec="utf-8"), min_size=1, max_size=60)
long_text = st.text(alphabet=st.sampled_from(HARD) | st.characters(codec="utf-8"), min_size=1, max_size=400)
amount = st.one_of(
    st.just(Decimal(0)),
    st.decimals(min_value=0, max_value=Decimal("1e15"), places=2, allow_nan=False, allow_infinity=False),
    st.sampled_from([Decimal("0.01"), Decimal("999999999999999.99"), Decimal(10) ** 14]),
)
value = st.one_of(
    st.decimals(min_value=Decimal("-1e12"), max_value=Decimal("1e12"), places=3, allow_nan=False),
    st.sampled_from([Decimal(0), Decimal("100"), Decimal("1e12")]),
)
CURRENCIES = ("USD", "EUR", "JPY", "KWD")  # two, two, no and three decimals
LOCALES = ("en_US", "es_ES", "fr_FR")


def _money(draw: st.DrawFn, currency: str) -> Decimal:
    places = {"JPY": 0, "KWD": 3}.get(currency, 2)
    return draw(amount).quantize(Decimal(1).scaleb(-places))


@st.composite
def datasets(draw: st.DrawFn) -> dict[str, Any]:
    """A whole dataset as the documents to write: ``organization`` and one ``outcome``."""
    currency = draw(st.sampled_from(CURRENCIES))
    start = draw(st.integers(2015, 2024))
    end = draw(st.integers(start, start + 3))
    partners = [
        {"id": f"p{n}", "name": draw(text), **({"type": draw(text)} if draw(st.booleans()) else {})}
        for n in range(draw(st.integers(1, 3)))
    ]
    organization = {
        "organization": {
            "id": "fuzz-org",
            "name": draw(text),
            "short_name": draw(text),
            "currency": currency,
            "locale": draw(st.sampled_from(LOCALES)),
            "language": "en",
            "data_source": draw(text),
            "data_as_of": dt.date(end + 1, 1, 31),
        },
        "offices": [{"id": "off", "name": draw(text), "country": draw(text), "locale": draw(st.sampled_from(LOCALES))}],
        "partners": partners,
    }
    years = list(range(start, end + 1))
    resource_years = draw(st.lists(st.sampled_from(years), unique=True, max_size=len(years)))
    contribution_keys = draw(
        st.lists(
            st.tuples(st.sampled_from(partners), st.sampled_from(years)),
            max_size=6,
            unique_by=lambda k: (k[0]["id"], k[1]),
        )
    )
    outcome = {
        "id": "o1",
        "office": "off",
        "short_title": draw(text),
        "statement": draw(long_text),
        "period": {"start": start, "end": end},
        "strategic_plan": {"impact_areas": draw(st.lists(text, max_size=2))},
        "sdgs": draw(st.sampled_from([[], [{"goal": 5, "targets": ["5.1"]}], [{"goal": 16, "targets": []}]])),
        "resources": [
            {
                "year": year,
                "budget": {"core": _money(draw, currency), "non_core": _money(draw, currency)},
                "expenditure": {"core": _money(draw, currency), "non_core": _money(draw, currency)},
            }
            for year in sorted(resource_years)
        ],
        "indicators": [
            {
                "id": f"ind-{n}",
                "name": draw(text),
                "unit": draw(st.sampled_from(["number", "percent"])),
                "baseline": {"year": start - 1, "value": draw(value)},
                "target": {"year": end, "value": draw(value)},
                "actuals": {year: draw(value) for year in draw(st.lists(st.sampled_from(years), unique=True))},
                "source": draw(text),
            }
            for n in range(draw(st.integers(0, 3)))
        ],
        "contributions": [
            {
                "partner": partner["id"],
                "year": year,
                "development": _money(draw, currency),
                "humanitarian": _money(draw, currency),
            }
            for partner, year in contribution_keys
        ],
        "progress": [
            {
                "year": year,
                "status": draw(st.sampled_from(["achieved", "some_progress", "not_assessed"])),
                "note": draw(long_text),
            }
            for year in draw(st.lists(st.sampled_from(years), unique=True, max_size=2))
        ],
    }
    return {"organization": organization, "outcome": outcome, "json": draw(st.booleans())}


def _plain(data: Any) -> Any:
    """Decimals and dates as JSON can hold them (amounts as strings keep every digit)."""
    if isinstance(data, dict):
        return {str(k): _plain(v) for k, v in data.items()}
    if isinstance(data, list):
        return [_plain(v) for v in data]
    if isinstance(data, Decimal):
        return str(data)
    if isinstance(data, dt.date):
        return data.isoformat()
    return data


class _Dumper(yaml.SafeDumper):
    pass


_Dumper.add_representer(Decimal, lambda dumper, d: dumper.represent_scalar("tag:yaml.org,2002:float", str(d)))


def write(folder: Path, generated: dict[str, Any]) -> Path:
    """The dataset as files: YAML, or JSON (which holds every control character YAML cannot)."""
    (folder / "outcomes").mkdir(parents=True)
    if generated["json"]:
        (folder / "organization.json").write_text(json.dumps(_plain(generated["organization"])), encoding="utf-8")
        (folder / "outcomes" / "o1.json").write_text(json.dumps(_plain(generated["outcome"])), encoding="utf-8")
    else:
        for name, doc in (("organization.yaml", generated["organization"]), ("outcomes/o1.yaml", generated["outcome"])):
            (folder / name).write_text(yaml.dump(doc, Dumper=_Dumper, allow_unicode=True), encoding="utf-8")
    return folder


def build_and_verify(data: Path, out: Path, *extra: str) -> tuple[int, list[Path]]:
    """Run ``reportgen build``; check it ended as the CLI promises; verify every PDF; return the exit code."""
    result = CliRunner().invoke(cli_main, ["build", "--data", str(data), "--out", str(out), *extra])
    output = result.output
    assert result.exit_code in ALLOWED_EXITS, output
    if result.exception is not None and not isinstance(result.exception, SystemExit):
        raise AssertionError(f"the CLI raised {result.exception!r}:\n{output}")
    assert "Traceback" not in output, output
    pdfs = sorted(out.rglob("*.pdf"))
    if result.exit_code == 2:
        assert not pdfs, "refused data must write nothing"
    for pdf in pdfs:
        failed = [check for check in verify(pdf) if not check.passed]
        assert not failed, f"{pdf.name}: {failed}"
    assert not [p for p in out.rglob("*") if p.name.endswith(".part")], "temporary files left behind"
    return result.exit_code, pdfs


#: Fewer examples on CI (each renders up to three reports); locally, set HYPOTHESIS_EXAMPLES to fuzz longer.
EXAMPLES = int(os.environ.get("HYPOTHESIS_EXAMPLES", "8"))


@settings(
    max_examples=EXAMPLES,
    deadline=None,
    derandomize=os.environ.get("CI") == "true",
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large, HealthCheck.function_scoped_fixture],
)
@given(generated=datasets())
def test_generated_dataset_builds_or_is_refused_cleanly(
    tmp_path_factory: pytest.TempPathFactory, generated: dict[str, Any]
) -> None:
    folder = tmp_path_factory.mktemp("fuzz")
    code, pdfs = build_and_verify(write(folder / "data", generated), folder / "out")
    event(f"exit {code}, {len(pdfs)} PDFs")  # pytest --hypothesis-show-statistics shows the mix


def _big_dataset(partners: int, years: int, indicators: int) -> dict[str, Any]:
    start = 2021
    span = list(range(start, start + years))
    return {
        "json": False,
        "organization": {
            "organization": {
                "id": "big-org",
                "name": "Big Organization",
                "short_name": "Big",
                "currency": "USD",
                "locale": "en_US",
                "language": "en",
                "data_source": "generated",
                "data_as_of": dt.date(start + years, 1, 31),
            },
            "offices": [{"id": "off", "name": "Office", "country": "Country", "locale": "en_US"}],
            "partners": [{"id": f"p{n:04d}", "name": f"Partner number {n}"} for n in range(partners)],
        },
        "outcome": {
            "id": "o1",
            "office": "off",
            "short_title": "Many rows",
            "statement": "An outcome with very many rows.",
            "period": {"start": start, "end": span[-1]},
            "resources": [
                {
                    "year": y,
                    "budget": {"core": Decimal(1000), "non_core": Decimal(2000)},
                    "expenditure": {"core": Decimal(500), "non_core": Decimal(1500)},
                }
                for y in span
            ],
            "indicators": [
                {
                    "id": f"ind-{n}",
                    "name": f"Indicator {n}",
                    "unit": "number",
                    "baseline": {"year": start - 1, "value": Decimal(n)},
                    "target": {"year": span[-1], "value": Decimal(n * 2)},
                    "actuals": {y: Decimal(n + y - start) for y in span},
                }
                for n in range(indicators)
            ],
            "contributions": [
                {"partner": f"p{n:04d}", "year": y, "development": Decimal(1000 + n), "humanitarian": Decimal(n % 7)}
                for n in range(partners)
                for y in span
            ],
            "progress": [{"year": y, "status": "some_progress", "note": "Progress this year."} for y in span],
        },
    }


def test_thousands_of_rows_build_and_verify(tmp_path: Path) -> None:
    """500 partners x 4 years = 2,000 contribution rows and 300 indicators in one outcome: its brief
    and its country report are long, and verify (500 donor reports would add nothing but time)."""
    data = write(tmp_path / "data", _big_dataset(500, 4, 300))
    code, pdfs = build_and_verify(data, tmp_path / "out", "--kinds", "brief,country")
    assert code == 0
    assert [pdf.parent.name for pdf in pdfs] == ["briefs", "countries"]


def test_right_to_left_text_with_combining_marks(tmp_path: Path) -> None:
    generated = _big_dataset(2, 2, 2)
    rtl = "تقرير عن النتائج ש͏ָלוֹם עֲבוֹדָה \u202bمرحبا\u202c"
    generated["organization"]["organization"]["name"] = rtl
    generated["organization"]["partners"][0]["name"] = rtl
    generated["outcome"]["statement"] = rtl * 20
    generated["outcome"]["progress"][0]["note"] = rtl * 50
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        code, pdfs = build_and_verify(write(tmp_path / "data", generated), tmp_path / "out")
    assert code == 0
    assert len(pdfs) == 4
    # Inter has no Arabic or Hebrew; matplotlib would warn once per glyph per chart on the terminal.
    assert not [w for w in caught if "missing from font" in str(w.message)]
