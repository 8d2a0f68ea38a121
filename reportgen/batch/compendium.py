"""Office compendiums: one PDF per office and year merging its reports, with a cover and bookmarks.

The country report comes first, then the brief of each of the office's outcomes. The parts
are the reports already made (their bytes are not touched); the compendium is a print and
reading aid, with one bookmark per report above the report's own bookmarks.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass
from pathlib import Path

from ..errors import ReportgenError
from ..i18n import translator
from ..kinds import kind
from ..model import Dataset, Office, Organization
from ..options import RenderOptions
from ..pdf import pdf_bytes, write_atomic
from ..render import render_html
from ..safe_names import inside
from .manifest import Entry, Manifest


@dataclass(frozen=True)
class CompendiumPart:
    title: str
    pages: int


@dataclass(frozen=True)
class CompendiumCover:
    """The cover page's model (the base template's fields plus the list of parts)."""

    organization: Organization
    office: Office
    report_year: int
    data_as_of: dt.date
    lang: str
    locale: str
    parts: tuple[CompendiumPart, ...]

    @property
    def title(self) -> str:
        return f"{self.office.name} — {self.report_year}"


def _groups(dataset: Dataset, manifest: Manifest) -> dict[tuple[str, int, str], list[Entry]]:
    """Made reports by (office, year, language): its country report first, then its briefs."""
    groups: dict[tuple[str, int, str], list[Entry]] = {}
    for entry in sorted(manifest.entries.values(), key=lambda e: (e.kind != "country", e.key)):
        if entry.status != "ok":
            continue
        if entry.kind == "country":
            office = entry.key
        elif entry.kind == "brief" and entry.key in dataset.outcomes:
            office = dataset.outcomes[entry.key].office
        else:
            continue
        groups.setdefault((office, entry.year, entry.language), []).append(entry)
    return {key: parts for key, parts in groups.items() if any(e.kind == "country" for e in parts)}


def compendium_path(out_dir: Path, office_id: str, year: int, language: str) -> Path:
    """``out_dir/compendiums/<office>-<year>[.<lang>].pdf``: the country report's file name."""
    return out_dir / "compendiums" / kind("country").path(out_dir, office_id, year, language or None).name


def write_compendiums(
    dataset: Dataset, manifest: Manifest, out_dir: Path, options: object
) -> tuple[list[Path], list[str]]:
    """Write the compendium of every office and year with a country report; returns the files
    written and a message for each that could not be (the others are still written)."""
    from ..build.language import resolve
    from ..options import RenderOptions
    from ..pipeline import effective_options

    render_options = effective_options(dataset, getattr(options, "render", RenderOptions()))  # the reports' theme
    written: list[Path] = []
    failed: list[str] = []
    for (office_id, year, language), entries in sorted(_groups(dataset, manifest).items()):
        target = compendium_path(out_dir, office_id, year, language)
        try:
            lang, locale = resolve(dataset.organization, dataset.offices[office_id], language or None)
            data = _compendium(dataset, office_id, year, lang, locale, entries, out_dir, render_options)
            written.append(write_atomic(data, inside(out_dir, target)))
        except ReportgenError as exc:
            failed.append(f"{target}: {exc}")
        except Exception as exc:  # a report file changed or removed under us: this compendium only
            failed.append(f"{target}: cannot merge the reports: {type(exc).__name__}: {exc}")
    return written, failed


def _compendium(
    dataset: Dataset,
    office_id: str,
    year: int,
    lang: str,
    locale: str,
    entries: list[Entry],
    out_dir: Path,
    render_options: RenderOptions,
) -> bytes:
    """The merged PDF of one office and year: the cover, then each report with its bookmarks."""
    from pypdf import PdfReader, PdfWriter

    from ..build.names import in_language

    dataset = in_language(dataset, lang)  # the cover names the office as its reports do
    office = dataset.offices[office_id]
    _ = translator(lang)
    readers = [(entry, PdfReader(out_dir / entry.path)) for entry in entries]
    parts = tuple(
        CompendiumPart(str(reader.metadata.title if reader.metadata and reader.metadata.title else entry.key),
                       len(reader.pages))
        for entry, reader in readers
    )  # fmt: skip
    cover = CompendiumCover(dataset.organization, office, year, dataset.organization.data_as_of, lang, locale, parts)
    html = render_html("compendium.html", cover, {}, render_options, title=cover.title, lang=lang, locale=locale)
    writer = PdfWriter()
    writer.append(io.BytesIO(pdf_bytes(html, render_options, ("long.css",))), outline_item=_("Contents"))
    for part, (_entry, reader) in zip(parts, readers, strict=True):
        writer.append(reader, outline_item=part.title, import_outline=True)
    writer.add_metadata({"/Title": cover.title, "/Author": dataset.organization.name, "/Producer": "reportgen"})
    buffer = io.BytesIO()
    writer.write(buffer)
    return buffer.getvalue()
