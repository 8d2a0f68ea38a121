"""The data model: organization, offices, partners and outcomes, as validated at load.

Pydantic v2 models, frozen. Field validators raise at the most precise field so that
an error can be located to its line (see ``reportgen.load``). Amounts are Decimal.
"""

from __future__ import annotations

import datetime as dt
import re
from decimal import Decimal, InvalidOperation
from enum import StrEnum
from typing import Annotated, Any, Literal

from pydantic import AfterValidator, ConfigDict, Field, ValidationInfo, field_validator, model_validator

from ..sdg import TARGETS, targets_of
from .activity import ActivityStatus, GenderMarker, ImportSource, Sector, YearAmount
from .indicators import Indicator
from .links import OnlineLinks
from .text import LanguageCode, LocalizedText, all_texts, plain
from .types import Amount, Id, SignedAmount, Text, Year, check_currency
from .types import FrozenModel as _Model

SdgGoal = Annotated[int, Field(ge=1, le=17)]
ReportKindName = Literal["brief", "donor", "country"]


def _roles_once(roles: list[str]) -> list[str]:
    if not roles:
        raise ValueError("list at least one role, or leave the kind out")
    repeated = sorted({role for role in roles if roles.count(role) > 1})
    if repeated:
        raise ValueError(f"role {repeated[0]!r} is listed twice")
    return roles


Roles = Annotated[list[Text], AfterValidator(_roles_once)]

_SDG_TARGET = re.compile(r"^(\d{1,2})\.(\d{1,2}|[a-z])$")


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
    # Names may be given per language, like narratives; a report prints them in its language.
    name: LocalizedText
    short_name: LocalizedText | None = None
    currency: str = "USD"
    locale: str = "en_US"
    language: LanguageCode = "en"  # the language narrative text is written in when not given per language
    data_as_of: dt.date
    data_source: str | None = None  # printed in footnotes, e.g. "UN Women Transparency Portal"
    archive: bool = False  # produce archival PDF/A-3a (with the source data attached) by default
    theme: str | None = None  # a built-in theme's name (themes/<name>) or a theme folder relative to the data folder
    links: OnlineLinks = Field(default_factory=OnlineLinks)  # address patterns of the online pages reports link to
    # Roles that must clear each kind of report before `reportgen release` (see README, "From batch to
    # release"). Not printed, so kept out of the report model's repr and dump: changing who must clear
    # a report does not re-open the reports already cleared.
    clearance: dict[ReportKindName, Roles] = Field(default_factory=dict, repr=False, exclude=True)

    _currency = field_validator("currency")(check_currency)
    _locale = field_validator("locale")(_check_locale)

    @property
    def display_name(self) -> str:
        return plain(self.short_name or self.name, self.language)

    @property
    def full_name(self) -> str:
        return plain(self.name, self.language)


class Office(_Model):
    id: Id
    # Per language, like narratives; a report in a language the data does not give prints
    # the UN's name of the country (reportgen.build.names).
    name: LocalizedText
    country: LocalizedText
    country_code: Annotated[str, Field(pattern=r"^[A-Z]{2}$")] | None = None
    locale: str | None = None
    language: LanguageCode | None = None  # default report language (default: the locale's)

    _locale = field_validator("locale")(_check_locale)

    @property
    def country_name(self) -> str:
        return plain(self.country)


class Partner(_Model):
    id: Id
    name: LocalizedText  # per language, like narratives
    type: str | None = None  # a fixed vocabulary, translated by the catalogs (reportgen.build.names)
    short_name: LocalizedText | None = None

    @property
    def display_name(self) -> str:
        return plain(self.short_name or self.name)

    @property
    def full_name(self) -> str:
        return plain(self.name)


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


def _number(value: object) -> Decimal | None:
    """``value`` read as the amount fields read it (an integer, a Decimal or numeric text, as in
    JSON or a table cell); None when it is not a number, which the field then reports itself."""
    if isinstance(value, bool):
        return None
    if isinstance(value, int | Decimal):
        return Decimal(value)
    if isinstance(value, str):
        try:
            number = Decimal(value.strip())
        except InvalidOperation:
            return None
        return number if number.is_finite() else None
    return None


def _split_schema(schema: dict[str, Any]) -> None:
    """In files ``total`` may be left out when a part is given: the schema says so."""
    schema["required"] = []
    schema["anyOf"] = [{"required": ["total"]}, {"required": ["core"]}, {"required": ["non_core"]}]


class CoreSplit(_Model):
    """Core and non-core amounts with their total, or only a total where the source does not
    split it (IATI budgets and expenditure). Given both, the total must be their sum."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True, json_schema_extra=_split_schema)

    core: Amount | None = None
    non_core: Amount | None = None
    total: Amount  # filled in from the parts when not given (see _complete)
    currency: str | None = None  # default: the organization's currency

    _currency = field_validator("currency")(check_currency)

    @model_validator(mode="before")
    @classmethod
    def _complete(cls, data: Any) -> Any:
        if not isinstance(data, dict):
            return data
        if "core" in data or "non_core" in data:
            data = {"core": 0, "non_core": 0, **data}  # one part given: the other is zero
            core, non_core = _number(data["core"]), _number(data["non_core"])
            if "total" not in data:
                # A part that is not a number gets its own error; a missing total would only add a
                # second, misleading one ("total: required field is missing").
                data["total"] = core + non_core if core is not None and non_core is not None else Decimal(0)
        elif "total" not in data:
            raise ValueError("give core and non_core amounts, or a total")
        return data

    @model_validator(mode="after")
    def _total_is_sum(self) -> CoreSplit:
        if self.core is not None and self.non_core is not None and self.total != self.core + self.non_core:
            raise ValueError(
                f"total must equal core + non_core ({self.core} + {self.non_core} = "
                f"{self.core + self.non_core}), got {self.total}"
            )
        return self

    @property
    def is_split(self) -> bool:
        return self.core is not None and self.non_core is not None


class ResourceLine(_Model):
    """One year's budget and expenditure; either may be missing (imported data often lacks one)."""

    year: Year
    budget: CoreSplit | None = None
    expenditure: CoreSplit | None = None

    @model_validator(mode="after")
    def _something_given(self) -> ResourceLine:
        if self.budget is None and self.expenditure is None:
            raise ValueError("give a budget, an expenditure or both")
        return self


class SdgShare(_Model):
    goal: SdgGoal
    share: Annotated[Decimal, Field(ge=0, le=100)]


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

    _currency = field_validator("currency")(check_currency)

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
    # Provenance: where the outcome's figures come from (else the organization's data_source),
    # and whether they are invented for illustration; printed in the reports (docs/data-format.md).
    source: Text | None = None
    illustrative: bool = False
    strategic_plan: StrategicPlan = Field(default_factory=StrategicPlan)
    sdgs: list[SdgLink] = Field(default_factory=list)
    resources: list[ResourceLine] = Field(default_factory=list)
    sdg_allocation: list[SdgShare] = Field(default_factory=list)
    indicators: list[Indicator] = Field(default_factory=list)
    contributions: list[Contribution] = Field(default_factory=list)
    progress: list[ProgressNote] = Field(default_factory=list)
    # Optional, mostly from imported data (see docs/iati.md):
    reference: str | None = None  # the outcome's identifier elsewhere, e.g. its IATI identifier
    status: ActivityStatus | None = None
    objectives: LocalizedText | None = None
    gender_marker: GenderMarker | None = None
    sectors: list[Sector] = Field(default_factory=list)
    disbursements: list[YearAmount] = Field(default_factory=list)
    imported_from: ImportSource | None = None
