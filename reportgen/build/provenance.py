"""Provenance of a report: the source its note names, and whether its data is illustrative.

An outcome names its own ``source`` (else the organization's ``data_source``, else the
organization's name) and may be marked ``illustrative: true`` (invented for a sample).
A report's source note names only the sources of its real outcomes, and says how many of
its outcomes are illustrative; a report with any illustrative outcome carries a visible
"Illustrative data" mark on every page (templates/base.html).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from ..i18n import translations
from ..model import Organization, Outcome
from ..model.text import plain


@dataclass(frozen=True)
class Provenance:
    source: str  # for "Source: ..." notes
    illustrative: bool  # any of the outcomes is illustrative


def source_of(outcome: Outcome, organization: Organization) -> str:
    return outcome.source or organization.data_source or plain(organization.name, organization.language)


def provenance(outcomes: Sequence[Outcome], organization: Organization, lang: str) -> Provenance:
    catalog = translations(lang)
    _, ngettext = catalog.gettext, catalog.ngettext
    real = [o for o in outcomes if not o.illustrative]
    invented = [o for o in outcomes if o.illustrative]
    sources = "; ".join(dict.fromkeys(source_of(o, organization) for o in real))
    if not invented:
        return Provenance(sources, False)
    if not real:
        return Provenance(_("illustrative data, invented for this sample: not real figures"), True)
    said = ngettext(
        "{sources} ({n} of the {total} outcomes, {ids}, is illustrative data, invented for this sample)",
        "{sources} ({n} of the {total} outcomes, {ids}, are illustrative data, invented for this sample)",
        len(invented),
    ).format(sources=sources, n=len(invented), total=len(outcomes), ids=", ".join(o.id for o in invented))
    return Provenance(said, True)
