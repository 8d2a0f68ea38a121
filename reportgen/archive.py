"""The source data an archival report carries, and reading it back.

An archival PDF (PDF/A-3a) embeds, with the relationship "Source":

- ``report-data.json``: the data slice the report was built from (the organization file
  and every outcome the report uses, as validated) plus which report it is;
- the original data files of those outcomes and the organization, where they are files.

:func:`load_attached` turns an archival PDF back into a dataset and its job, so the
numbers behind every chart can be recovered, and the report rebuilt, years later.
"""

from __future__ import annotations

import json
import tempfile
from dataclasses import dataclass
from pathlib import Path

from . import __version__
from .model import Dataset, OrganizationFile
from .pdf import SourceFile
from .safe_files import read_bytes

DATA_NAME = "report-data.json"


@dataclass(frozen=True)
class AttachedJob:
    """Which report an archival PDF is."""

    kind: str
    key: str
    year: int
    lang: str
    locale: str


def outcomes_used(dataset: Dataset, kind_name: str, key: str, year: int) -> list[str]:
    """The outcomes a report is built from: its own (brief), its office's (country), or those
    the partner funded up to the year (donor: with every partner's rows, for the shares)."""
    if kind_name == "brief":
        return [key]
    if kind_name == "country":
        return sorted(o.id for o in dataset.outcomes.values() if o.office == key)
    return sorted(
        o.id for o in dataset.outcomes.values() if any(c.partner == key and c.year <= year for c in o.contributions)
    )


def source_files(
    dataset: Dataset, kind_name: str, key: str, year: int, lang: str, locale: str
) -> tuple[SourceFile, ...]:
    """The files to embed in an archival report."""
    used = outcomes_used(dataset, kind_name, key, year)
    organization = OrganizationFile(
        organization=dataset.organization,
        offices=list(dataset.offices.values()),
        partners=list(dataset.partners.values()),
    )
    slice_ = {
        "reportgen": __version__,
        "report": {"kind": kind_name, "key": key, "year": year, "lang": lang, "locale": locale},
        "organization": organization.model_dump(mode="json"),
        "outcomes": {oid: dataset.outcomes[oid].model_dump(mode="json") for oid in used},
    }
    as_of = dataset.organization.data_as_of
    files = [
        SourceFile(
            DATA_NAME,
            json.dumps(slice_, indent=1, ensure_ascii=False, sort_keys=True).encode("utf-8"),
            "The data this report was built from (reportgen's data model, JSON)",
            "Source",
            as_of,
        )
    ]
    originals = [("organization file", dataset.organization_file)]
    originals += [(f"outcome file {name}", dataset.source_of(name)) for name in used]
    for kind_of, path in originals:
        if path is not None and path.is_file():
            # read as the loader read it: inside the data folder, a regular file, within its size limit
            limit = "json_max_bytes" if path.suffix.lower() == ".json" else "yaml_max_bytes"
            original = read_bytes(path, root=dataset.root, limit=limit)
            files.append(SourceFile(_original_name(dataset, path), original, f"Original {kind_of}", "Source", as_of))
    return tuple(sorted(files, key=lambda f: f.name))  # the PDF's name tree of embedded files must be sorted


def _original_name(dataset: Dataset, path: Path) -> str:
    """``original-`` and the file's place in the data folder (``original-outcomes-mex-justice.yaml``), so an
    outcome file never takes the organization file's name, whatever the outcome is called."""
    try:
        place = path.resolve().relative_to(dataset.root.resolve())
    except ValueError:
        place = Path(path.name)
    return "original-" + "-".join(place.parts)


def attachments_of(pdf_path: Path) -> dict[str, bytes]:
    """Every embedded file of a PDF, by name; each decoded within ``pdf_max_stream_bytes`` and all of them within
    ``pdf_max_decoded_bytes`` (a flate bomb is a UsageError naming the file and the object, not gigabytes)."""
    import pikepdf

    from .errors import UsageError
    from .limits import current
    from .pdf_bounds import TooLarge, bounded, read_bounded

    limits = current()
    files: dict[str, bytes] = {}
    with bounded(limits), pikepdf.open(pdf_path) as pdf:
        for name, spec in pdf.attachments.items():
            stream = spec.get_file().obj
            try:
                if not isinstance(stream, pikepdf.Stream):
                    raise TooLarge("not an embedded file stream")
                files[name] = read_bounded(stream, limits, sum(map(len, files.values())))
            except TooLarge as exc:
                raise UsageError(f"{pdf_path}: embedded file {name!r}: {exc}") from None
    return files


def load_attached(pdf_path: Path) -> tuple[Dataset, AttachedJob]:
    """The dataset and the job embedded in an archival report."""
    from .errors import UsageError
    from .load import load_dataset
    from .safe_names import file_name, inside

    files = attachments_of(pdf_path)
    if DATA_NAME not in files:
        raise UsageError(f"{pdf_path} carries no {DATA_NAME}: it is not an archival reportgen report")
    data = json.loads(files[DATA_NAME])
    folder = Path(tempfile.mkdtemp(prefix="reportgen-attached-"))
    (folder / "outcomes").mkdir()
    (folder / "organization.json").write_text(json.dumps(data["organization"]), encoding="utf-8")
    for outcome_id, outcome in data["outcomes"].items():  # ids from a file anyone can edit: safe names only
        target = inside(folder, folder / "outcomes" / f"{file_name(str(outcome_id))}.json")
        target.write_text(json.dumps(outcome), encoding="utf-8")
    report = data["report"]
    job = AttachedJob(report["kind"], report["key"], int(report["year"]), report["lang"], report["locale"])
    return load_dataset(folder), job
