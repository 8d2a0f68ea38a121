"""The independent validator: page-validation (PyPI ``page-validation``, imported as ``page``), when installed.

reportgen's own checks (:mod:`reportgen.verify`) test what reportgen promises; this runs a PDF/UA-1 and PDF/A
validator that no one here wrote (its author tests it against the veraPDF corpus), as an extra layer: profile
``ua1`` on every report and, on archives, ``3a`` (PDF/A-3a) too. It is optional: :func:`available` says whether it
is installed, and :func:`validate_bytes` raises :class:`~reportgen.errors.UsageError` when it is not.
"""

from __future__ import annotations

import importlib
import importlib.metadata
from dataclasses import dataclass
from pathlib import Path
from types import ModuleType

from .errors import UsageError
from .verify import Check

__all__ = [
    "DISTRIBUTION",
    "Finding",
    "Outcome",
    "available",
    "profiles",
    "summary",
    "validate",
    "validate_bytes",
    "validation_check",
]

DISTRIBUTION = "page-validation"
#: The profile names page-validation takes, and how reportgen prints them.
PROFILE_NAMES = {"ua1": "PDF/UA-1", "3a": "PDF/A-3a"}
#: How many failed rules a summary names.
MAX_LISTED = 5


@dataclass(frozen=True)
class Finding:
    """One failed rule: its id (``PDFUA1-L-KIDS-001``), the validator's message and the object, if it named one."""

    rule: str
    message: str
    object: str = ""


@dataclass(frozen=True)
class Outcome:
    """One profile's verdict on one PDF."""

    profile: str  # "ua1" or "3a"
    compliant: bool
    failures: tuple[Finding, ...]

    @property
    def label(self) -> str:
        return PROFILE_NAMES.get(self.profile, self.profile)


def _module() -> ModuleType | None:
    try:
        return importlib.import_module("page")
    except ImportError:
        return None


def available() -> bool:
    """Whether page-validation is installed (``pip install page-validation``, or reportgen's test extra)."""
    return _module() is not None


def version() -> str:
    """The installed page-validation's version ("" when it is not installed)."""
    try:
        return importlib.metadata.version(DISTRIBUTION)
    except importlib.metadata.PackageNotFoundError:
        return ""


def profiles(archive: bool) -> tuple[str, ...]:
    """PDF/UA-1 for every report; PDF/A-3a as well for an archive."""
    return ("ua1", "3a") if archive else ("ua1",)


def validate_bytes(data: bytes, archive: bool) -> tuple[Outcome, ...]:
    """The validator's verdict on the PDF ``data`` under each of :func:`profiles`."""
    page = _module()
    if page is None:
        raise UsageError(f"the independent validator is not installed: pip install {DISTRIBUTION}")
    outcomes = []
    for profile in profiles(archive):
        try:
            report = page.validate_pdf_bytes(data, profile=profile)
        except page.PageError as exc:  # the validator could not read the file: that is a failure too
            outcomes.append(Outcome(profile, False, (Finding(type(exc).__name__, str(exc)),)))
            continue
        findings = tuple(
            Finding(failure.rule_id, failure.message, _object(failure.object_id)) for failure in report.failures
        )
        outcomes.append(Outcome(profile, bool(report.is_compliant) and not findings, findings))
    return tuple(outcomes)


def validate(path: Path, archive: bool) -> tuple[Outcome, ...]:
    """:func:`validate_bytes` on the file at ``path``."""
    return validate_bytes(Path(path).read_bytes(), archive)


def summary(outcomes: tuple[Outcome, ...]) -> str:
    """One line: ``page-validation 0.11.0: PDF/UA-1 pass; PDF/A-3a fail (PDFA3A-...: message, object 12 0)``."""
    parts = []
    for outcome in outcomes:
        if outcome.compliant:
            parts.append(f"{outcome.label} pass")
            continue
        rules = sorted({finding.rule for finding in outcome.failures})
        named = []
        for rule in rules[:MAX_LISTED]:
            first = next(finding for finding in outcome.failures if finding.rule == rule)
            named.append(f"{rule}: {first.message}{f' ({first.object})' if first.object else ''}")
        more = f"; and {len(rules) - MAX_LISTED} more rules" if len(rules) > MAX_LISTED else ""
        parts.append(f"{outcome.label} fail ({'; '.join(named)}{more})")
    return f"{DISTRIBUTION} {version()}: " + "; ".join(parts)


def validation_check(path: Path, archive: bool) -> Check:
    """The validator's verdict on ``path`` as one more check of ``reportgen verify`` (named ``validator``)."""
    outcomes = validate(path, archive)
    return Check("validator", all(outcome.compliant for outcome in outcomes), summary(outcomes))


def _object(object_id: object) -> str:
    number = getattr(object_id, "object_number", None)
    if number is None:
        return ""
    return f"object {number} {getattr(object_id, 'generation', 0)}"
