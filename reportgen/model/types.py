"""Field types and the base model shared by every entity of the data model."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated

from pydantic import BaseModel, ConfigDict, Field

from .money import is_currency_code

Id = Annotated[str, Field(pattern=r"^[a-z0-9][a-z0-9-]{0,63}$")]
Year = Annotated[int, Field(ge=1900, le=2200)]
#: The largest magnitude accepted for an amount or value (10^15): anything larger is a typo.
LIMIT = Decimal(10) ** 15
Amount = Annotated[Decimal, Field(ge=0, le=LIMIT, allow_inf_nan=False)]
Value = Annotated[Decimal, Field(ge=-LIMIT, le=LIMIT, allow_inf_nan=False)]
SignedAmount = Value
Share = Annotated[Decimal, Field(ge=0, le=100, allow_inf_nan=False)]
Text = Annotated[str, Field(min_length=1)]


class FrozenModel(BaseModel):
    """Immutable, strict about unknown keys, trims surrounding whitespace of text."""

    model_config = ConfigDict(frozen=True, extra="forbid", str_strip_whitespace=True)


def check_currency(value: str | None) -> str | None:
    """``value`` when it is an ISO 4217 code (or None); a ValueError otherwise."""
    if value is not None and not is_currency_code(value):
        raise ValueError(f"not an ISO 4217 currency code, got {value!r}")
    return value
