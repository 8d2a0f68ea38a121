"""Funding partners across the whole import: one id per organisation, its name and type.

A provider is known by its ``ref``, else by its name. A transaction that names no
provider is credited to the activity's single funding organisation (participating-org
role 1) when there is exactly one, else to "Funder not stated".
"""

from __future__ import annotations

from dataclasses import dataclass

from . import codes
from .ids import IdAllocator
from .records import Activity, Org

NOT_STATED_KEY = "not-stated"
NOT_STATED = ("funder-not-stated", "Funder not stated")


def pick(texts: dict[str, str], *preferred: str) -> str | None:
    """The text in the first preferred language present, else the first given."""
    for lang in preferred:
        if lang in texts:
            return texts[lang]
    return next(iter(texts.values()), None)


@dataclass(frozen=True)
class PartnerInfo:
    id: str
    name: str
    type: str | None

    def as_data(self) -> dict[str, str]:
        data = {"id": self.id, "name": self.name}
        if self.type:
            data["type"] = self.type
        return data


class PartnerBook:
    """Every funding partner met so far, keyed by ref or name."""

    def __init__(self) -> None:
        self._ids = IdAllocator()
        self._info: dict[str, PartnerInfo] = {}  # by key
        self._by_id: dict[str, PartnerInfo] = {}

    def partner_of(self, provider: Org | None, activity: Activity) -> str:
        """The partner id for a transaction's provider (with the fallbacks described above)."""
        if provider is None or provider.key is None:
            provider = activity.funding_orgs[0] if len(activity.funding_orgs) == 1 else None
        if provider is None or provider.key is None:
            return self._register(NOT_STATED_KEY, NOT_STATED[0], NOT_STATED[1], None)
        key = provider.key
        if key in self._info:
            return self._info[key].id
        same = [o for o in activity.participating if provider.ref and o.ref == provider.ref]
        name = pick(provider.name, "en") or next((pick(o.name, "en") for o in same if o.name), None)
        type_code = provider.type or next((o.type for o in same if o.type), None)
        return self._register(key, provider.ref or name or key, name or provider.ref or key, type_code)

    def _register(self, key: str, id_source: str, name: str, type_code: str | None) -> str:
        if key not in self._info:
            ident = self._ids.allocate(key, id_source)
            self._info[key] = self._by_id[ident] = PartnerInfo(ident, name, codes.organisation_type(type_code))
        return self._info[key].id

    def info(self, partner_id: str) -> PartnerInfo:
        return self._by_id[partner_id]
