"""The data model: organization, offices, partners and outcomes, as validated at load.

Pydantic v2 models, frozen. Field validators raise at the most precise field so that
an error can be located to its line (see ``reportgen.load``). Amounts are Decimal.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal
from enum import StrEnum
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field, ValidationInfo, field_validator

from ..sdg import TARGETS, targets_of
from .money import is_currency_code
from .text import LanguageCode, LocalizedText, all_texts

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Year = Annotated[int, Field(ge=1900, le=2200)]
#: The largest magnitude accepted for an amount or value (10^15): anything larger is a typo.
LIMIT = Decimal(10) ** 15
Amount = Annotated[Decimal, Field(ge=0, le=LIMIT, allow_inf_nan=False)]
Value = Annotated[Decimal, Field(ge=-LIMIT, le=LIMIT, allow_inf_nan=False)]
Text = Annotated[str, Field(min_length=1)]
SdgGoal = Annotated[int, Field(ge=1, le=17)]

_SDG_TARGET = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")


class _Model(BaseModel):
    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def _check_currency(value: str | None) -> str | None:
    if value is not None and not is_currency_code(value):
        raise ValueError(f"not an ISO 4217 currency code, got {value!r}")
    return value


def _check_locale(value: str | None) -> str | None:
    if value is None:
        return None
    from babel import Locale, UnknownLocaleError

    try:
        Locale.parse(value.replace("-", "_"))
    except (UnknownLocaleError, ValueError) as exc:
        raise ValueError(f"unknown locale {value!r}") from exc
    return value.replace("-", "_")


class Organization(_Model):
    id: Id
    name: Text
    short_name: str | None = None
    currency: str = "USD"
    locale: str = "en_US"
    language: LanguageCode = "en"  # the language narrative text is written in when not given per language
    data_as_of: dt.date
    data_source: str | None = None  # printed in footnotes, e.g. "UN Women Transparency Portal"
    archive: bool = False  # produce archival PDF/A-3a (with the source data attached) by default

    _currency = field_validator("currency")(_check_currency)
    _locale = field_validator("locale")(_check_locale)

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class Office(_Model):
    id: Id
    name: Text
    country: Text
    country_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    locale: str | None = None
    language: LanguageCode | None = None  # default report language (default: the locale's)

    _locale = field_validator("locale")(_check_locale)


class Partner(_Model):
    id: Id
    name: Text
    type: str | None = None
    short_name: str | None = None

    @property
    def display_name(self) -> str:
        return self.short_name or self.name


class OrganizationFile(_Model):
    """The contents of ``organization.yaml``."""

    organization: Organization
    offices: list[Office] = Field(min_length=1)
    partners: list[Partner] = Field(default_factory=list)


class Period(_Model):
    start: Year
    end: Year

    @field_validator("end")
    @classmethod
    def _end_after_start(cls, end: int, info: ValidationInfo) -> int:
        start = info.data.get("start")
        if start is not None and end < start:
            raise ValueError(f"must be >= start ({start}), got {end}")
        return end

    def __contains__(self, year: object) -> bool:
        return isinstance(year, int) and self.start <= year <= self.end

    @property
    def years(self) -> list[int]:
        return list(range(self.start, self.end + 1))


class StrategicPlan(_Model):
    impact_areas: list[Text] = Field(default_factory=list)
    systemic_outcomes: list[Text] = Field(default_factory=list)
    organizational_outputs: list[Text] = Field(default_factory=list)


class SdgLink(_Model):
    goal: SdgGoal
    targets: list[str] = Field(default_factory=list)

    @field_validator("targets")
    @classmethod
    def _targets_of_goal(cls, targets: list[str], info: ValidationInfo) -> list[str]:
        goal = info.data.get("goal")
        problems = []
        for target in targets:
            match = _SDG_TARGET.match(target)
            if not match:
                problems.append(f"SDG target must look like '5.2' or '5.a', got {target!r}")
            elif goal is not None and int(match.group(1)) != goal:
                problems.append(f"target {target} does not belong to goal {goal}")
            elif goal is not None and target not in TARGETS:
                problems.append(f"SDG target {target} does not exist (goal {goal} has {targets_of(goal)})")
        if problems:
            raise ValueError("; ".join(problems))
        return targets


class CoreSplit(_Model):
    core: Amount = Decimal(0)
    non_core: Amount = Decimal(0)

    @property
    def total(self) -> Decimal:
        return self.core + self.non_core


class ResourceLine(_Model):
    year: Year
    budget: CoreSplit
    expenditure: CoreSplit | None = None


class SdgShare(_Model):
    goal: SdgGoal
    share: Annotated[Decimal, Field(ge=0, le=100)]


class IndicatorType(StrEnum):
    COMMON = "common"
    COMPLEMENTARY = "complementary"


class YearValue(_Model):
    year: Year
    value: Value


class Indicator(_Model):
    id: Id
    type: IndicatorType = IndicatorType.COMPLEMENTARY
    name: LocalizedText
    unit: Text = "number"
    baseline: YearValue | None = None
    target: YearValue | None = None
    actuals: dict[Year, Value] = Field(default_factory=dict)
    source: str | None = None

    @field_validator("target")
    @classmethod
    def _target_after_baseline(cls, target: YearValue | None, info: ValidationInfo) -> YearValue | None:
        baseline = info.data.get("baseline")
        if target is not None and baseline is not None and target.year < baseline.year:
            raise ValueError(f"target year {target.year} is before the baseline year {baseline.year}")
        return target


SignedAmount = Annotated[Decimal, Field(ge=-LIMIT, le=LIMIT, allow_inf_nan=False)]


class Contribution(_Model):
    """One partner's money for one year. Amounts are >= 0, except on a row marked
    ``refund: true``, whose amounts are <= 0 (money returned to the partner)."""

    partner: Id
    year: Year
    refund: bool = False
    development: SignedAmount
    humanitarian: SignedAmount
    total: SignedAmount | None = None
    currency: str | None = None

    _currency = field_validator("currency")(_check_currency)

    @field_validator("development", "humanitarian")
    @classmethod
    def _sign_matches_refund(cls, value: Decimal, info: ValidationInfo) -> Decimal:
        if info.data.get("refund"):
            if value > 0:
                raise ValueError(f"must be <= 0 on a refund row, got {value}")
        elif value < 0:
            raise ValueError(f"must be >= 0, got {value} (a refund is a row marked refund: true)")
        return value

    @field_validator("total")
    @classmethod
    def _total_is_sum(cls, given: Decimal | None, info: ValidationInfo) -> Decimal | None:
        dev, hum = info.data.get("development"), info.data.get("humanitarian")
        if given is not None and dev is not None and hum is not None and given != dev + hum:
            raise ValueError(f"must equal development + humanitarian ({dev} + {hum} = {dev + hum}), got {given}")
        return given

    @property
    def computed_total(self) -> Decimal:
        return self.development + self.humanitarian


class ProgressStatus(StrEnum):
    ACHIEVED = "achieved"
    SIGNIFICANT_PROGRESS = "significant_progress"
    SOME_PROGRESS = "some_progress"
    NOT_ACHIEVED = "not_achieved"
    NOT_ASSESSED = "not_assessed"


def paragraphs(text: str) -> list[str]:
    """``text`` split on blank lines, each paragraph's line breaks folded."""
    blocks = re.split(r"\n\s*\n", text.strip())
    return [" ".join(block.split()) for block in blocks if block.strip()]


class ProgressNote(_Model):
    year: Year
    status: ProgressStatus = ProgressStatus.NOT_ASSESSED
    note: LocalizedText

    @property
    def word_count(self) -> int:
        """Words of the longest language version."""
        return max(len(text.split()) for text in all_texts(self.note))


class Outcome(_Model):
    id: Id
    office: Id
    short_title: LocalizedText
    statement: LocalizedText
    period: Period
    report_year: Year | None = None
    data_as_of: dt.date | None = None
    strategic_plan: StrategicPlan = Field(default_factory=StrategicPlan)
    sdgs: list[SdgLink] = Field(default_factory=list)
    resources: list[ResourceLine] = Field(default_factory=list)
    sdg_allocation: list[SdgShare] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)
    progress: list[ProgressNote] = Field(default_factory=list)
