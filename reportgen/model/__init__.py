"""Typed, frozen data model: money, the entities read from data files, the dataset."""

from .dataset import Dataset, RejectedOutcome
from .entities import (
    Contribution,
    CoreSplit,
    Indicator,
    IndicatorType,
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
    YearValue,
)
from .money import Money, is_currency_code, total
from .text import Localized, LocalizedText, localize

__all__ = [
    "Contribution",
    "CoreSplit",
    "Dataset",
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
    "SdgLink",
    "SdgShare",
    "StrategicPlan",
    "YearValue",
    "is_currency_code",
    "localize",
    "total",
]
