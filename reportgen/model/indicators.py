"""Indicators: what is measured, from which baseline, towards which targets, with which results."""

from __future__ import annotations

from enum import StrEnum

from pydantic import Field, ValidationInfo, field_validator

from .text import LocalizedText
from .types import FrozenModel, Id, Text, Value, Year


class IndicatorType(StrEnum):
    COMMON = "common"
    COMPLEMENTARY = "complementary"


class ResultLevel(StrEnum):
    """The level of the result an indicator measures (IATI ResultType codes 1, 2, 3, 9)."""

    OUTPUT = "output"
    OUTCOME = "outcome"
    IMPACT = "impact"
    OTHER = "other"


class YearValue(FrozenModel):
    year: Year
    value: Value


class Baseline(YearValue):
    comment: LocalizedText | None = None


class YearText(FrozenModel):
    """A qualitative value: words, not a number ("Rating D under indicator GRPFM-2.1")."""

    year: Year
    text: Text


class Indicator(FrozenModel):
    id: Id
    type: IndicatorType | None = None  # UN Women plans: common or complementary; printed when given
    name: LocalizedText
    unit: Text = "number"
    baseline: Baseline | None = None
    target: YearValue | None = None  # the final target
    targets: dict[Year, Value] = Field(default_factory=dict)  # yearly targets (milestones), if any
    actuals: dict[Year, Value] = Field(default_factory=dict)
    source: str | None = None
    ascending: bool = True  # False: a lower value is better
    level: ResultLevel | None = None
    result: LocalizedText | None = None  # the result (output, outcome, ...) the indicator measures
    # qualitative values (unit "qualitative"), printed as written
    baseline_text: YearText | None = None
    target_texts: dict[Year, Text] = Field(default_factory=dict)
    actual_texts: dict[Year, Text] = Field(default_factory=dict)

    @property
    def has_texts(self) -> bool:
        return bool(self.baseline_text or self.target_texts or self.actual_texts)

    @field_validator("target")
    @classmethod
    def _target_after_baseline(cls, target: YearValue | None, info: ValidationInfo) -> YearValue | None:
        baseline = info.data.get("baseline")
        if target is not None and baseline is not None and target.year < baseline.year:
            raise ValueError(f"target year {target.year} is before the baseline year {baseline.year}")
        return target
