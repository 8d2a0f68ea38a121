"""What an outcome can say about itself beyond its results: status, markers, sectors, provenance.

These fields are optional. Hand-written data rarely needs them; data imported from IATI
activity files carries them (see ``docs/iati.md``), and the reports print what is given.
"""

from __future__ import annotations

from enum import StrEnum
from typing import Literal

from pydantic import Field, field_validator

from .text import LocalizedText
from .types import Amount, FrozenModel, Id, Share, Text, Year, check_currency


class ActivityStatus(StrEnum):
    """Where the work stands (the IATI ActivityStatus codelist, codes 1-6)."""

    PIPELINE = "pipeline"
    IMPLEMENTATION = "implementation"
    FINALISATION = "finalisation"
    CLOSED = "closed"
    CANCELLED = "cancelled"
    SUSPENDED = "suspended"


class GenderMarker(StrEnum):
    """The OECD DAC gender equality policy marker: how central gender equality is to the work."""

    NOT_TARGETED = "not_targeted"  # score 0
    SIGNIFICANT = "significant"  # score 1: an important and deliberate objective
    PRINCIPAL = "principal"  # score 2: the main objective


class Sector(FrozenModel):
    """A sector the work belongs to, in a named classification (e.g. ``DAC 5-digit`` code 15170)."""

    scheme: Text
    code: Text
    name: LocalizedText | None = None
    percentage: Share | None = None


class YearAmount(FrozenModel):
    """An amount of money for one year, in its own currency (default: the organization's)."""

    year: Year
    amount: Amount
    currency: str | None = None

    _currency = field_validator("currency")(check_currency)


class ImportSource(FrozenModel):
    """Where imported data came from; the reports name it and explain how figures were derived."""

    format: Literal["iati"]
    file: Text
    version: str | None = None  # the standard's version the file declares, e.g. "2.03"
    # Partners whose contributions are commitments (IATI type 11): they reported no funds received.
    committed_only: list[Id] = Field(default_factory=list)
