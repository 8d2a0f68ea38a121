"""Typed, frozen data model: money, the entities read from data files, the dataset."""

from .activity import ActivityStatus, GenderMarker, ImportSource, Sector, YearAmount
from .dataset import Dataset, RejectedOutcome
from .entities import (
    Contribution,
    CoreSplit,
    Office,
    Organization,
    OrganizationFile,
    Outcome,
    Partner,
    Period,
    ProgressNote,
    ProgressStatus,
    ResourceLine,
    SdgLink,
    SdgShare,
    StrategicPlan,
)
from .indicators import Baseline, Indicator, IndicatorType, ResultLevel, YearText, YearValue
from .money import Money, is_currency_code, total
from .text import Localized, LocalizedText, localize

__all__ = [
    "ActivityStatus",
    "Baseline",
    "Contribution",
    "CoreSplit",
    "Dataset",
    "GenderMarker",
    "ImportSource",
    "Indicator",
    "IndicatorType",
    "Localized",
    "LocalizedText",
    "Money",
    "Office",
    "Organization",
    "OrganizationFile",
    "Outcome",
    "Partner",
    "Period",
    "ProgressNote",
    "ProgressStatus",
    "RejectedOutcome",
    "ResourceLine",
    "ResultLevel",
    "SdgLink",
    "SdgShare",
    "Sector",
    "StrategicPlan",
    "YearAmount",
    "YearText",
    "YearValue",
    "is_currency_code",
    "localize",
    "total",
]
