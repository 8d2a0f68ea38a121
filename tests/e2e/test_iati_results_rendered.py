"""Imported results as a reader sees them: a brief's results framework, read back from the PDF.

Qualitative values print as written, year-prefixed numbers as numbers, and an empty
placeholder indicator (no title, year 9999, "lower is better") does not print at all.
"""

from __future__ import annotations

from pathlib import Path

from reportgen.iati import import_file
from reportgen.load import load_dataset
from reportgen.pipeline import write_brief

from ..iati_xml import activity, document, write
from ..pdfread import TaggedPdf, norm

RESULTS = """
<result type="1"><title><narrative>Investment climate</narrative></title>
 <indicator measure="5"><title><narrative>Investment law in force</narrative></title>
  <baseline year="2021" value="No investment law"/>
  <period><period-start iso-date="2022-01-01"/><period-end iso-date="2022-12-31"/>
   <target value="Law adopted by parliament"/><actual value="As at Appraisal"/></period>
 </indicator>
 <indicator measure="1"><title><narrative>People reached</narrative></title>
  <baseline year="2021" value="2015:1004106"/>
  <period><period-start iso-date="2022-01-01"/><period-end iso-date="2022-12-31"/>
   <target value="1,250,000"/><actual value="1200000"/></period>
 </indicator>
 <indicator measure="1" ascending="0"><title/>
  <period><period-start iso-date="9999-01-01"/><period-end iso-date="9999-12-31"/><target value="0"/></period>
 </indicator>
</result>"""


def test_the_brief_prints_qualitative_values_and_no_placeholder(tmp_path: Path) -> None:
    source = write(tmp_path, document(activity(body=RESULTS, start="2021-01-01", end="2022-12-31")))
    summary = import_file(source, tmp_path / "data")
    assert summary.ok, summary.text()
    dataset = load_dataset(tmp_path / "data")
    (outcome,) = dataset.outcomes.values()
    pdf = write_brief(dataset, outcome.id, tmp_path / "brief.pdf")
    text = norm(" ".join(TaggedPdf(pdf).page_text))
    for expected in (
        "Baseline 2021: No investment law",
        "Target 2022: Law adopted by parliament",
        "Actual 2022: As at Appraisal",
        "1,004,106",
        "1,250,000",
        "1,200,000",
    ):
        assert norm(expected) in text, expected
    assert "lower is better" not in text
    assert "placeholder indicator" in summary.text()
