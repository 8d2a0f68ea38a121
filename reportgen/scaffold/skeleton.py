"""``reportgen new outcome ID``: a complete outcome file to start from.

The skeleton loads as valid data; its "TBD" values are flagged by lint until replaced,
so an unfinished outcome cannot reach a report unnoticed under ``--strict``.
"""

from __future__ import annotations

import datetime as dt

SKELETON = """\
# Outcome {id}: written by `reportgen new outcome`. Replace every TBD, fill in the
# sections that apply and delete the examples you do not need. The format of every
# field is in docs/data-format.md; `reportgen check` validates the file.
# yaml-language-server: $schema=outcome.schema.json

id: {id}
office: {office}
short_title: TBD
statement: TBD
period: {{start: {start}, end: {end}}}
# report_year: {end}            # default: the latest year with data

strategic_plan:
  impact_areas: []                 # e.g. "Ending violence against women and girls"
  systemic_outcomes: []
  organizational_outputs: []

sdgs: []
# - goal: 5
#   targets: ["5.2"]

resources: []
# - year: {start}
#   budget: {{core: 0, non_core: 0}}
#   expenditure: {{core: 0, non_core: 0}}

sdg_allocation: []                 # shares in percent; they must sum to 100
# - {{goal: 5, share: 100}}

indicators: []
# - id: ind-1
#   type: common                   # common | complementary
#   name: TBD
#   unit: number                   # number | percent | a label such as "institutions"
#   baseline: {{year: {start}, value: 0}}
#   target: {{year: {end}, value: 0}}
#   actuals: {{}}

contributions: []
# - {{partner: partner-id, year: {start}, development: 0, humanitarian: 0}}

progress:
  - year: {start}
    status: not_assessed           # achieved | significant_progress | some_progress | not_achieved | not_assessed
    note: TBD
"""


def new_outcome(outcome_id: str, office: str, start: int | None = None, end: int | None = None) -> str:
    """The text of a new outcome file (period defaults to this year and the next three)."""
    start = start or dt.date.today().year
    end = end or start + 3
    return SKELETON.format(id=outcome_id, office=office, start=start, end=end)
