"""The batch manifest: what was made, from which inputs, with checksums (JSON and CSV).

Written atomically (temporary file, then rename) as jobs finish, so even an interrupted run
leaves a valid manifest; read back at the next run to skip what is up to date.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import asdict, dataclass, fields
from pathlib import Path

from ..atomic import write_atomic

MANIFEST_JSON = "manifest.json"
MANIFEST_CSV = "manifest.csv"


@dataclass(frozen=True)
class Entry:
    """One report of the batch (or one data file that stopped reports)."""

    id: str
    kind: str
    key: str
    year: int
    language: str
    path: str  # relative to the output folder
    status: str  # ok | failed
    sha256: str = ""
    pages: int = 0
    bytes: int = 0
    fingerprint: str = ""
    duration: float = 0.0
    error: str = ""
    source: str = ""  # the data file the report (or its failure) comes from
    validator: str = ""  # page-validation's verdict when installed: "page-validation 0.11.0: PDF/UA-1 pass"
    docx: str = ""  # the Word edition beside the PDF (--format pdf,docx), relative to the output folder
    docx_sha256: str = ""


class Manifest:
    """Entries by job id, saved to ``out_dir/manifest.json`` and ``manifest.csv``."""

    def __init__(self, out_dir: Path, entries: dict[str, Entry] | None = None) -> None:
        self.out_dir = out_dir
        self.entries: dict[str, Entry] = dict(entries or {})

    @classmethod
    def load(cls, out_dir: Path) -> Manifest:
        """The previous run's manifest (empty when there is none or it cannot be read)."""
        path = out_dir / MANIFEST_JSON
        try:
            raw = json.loads(path.read_text(encoding="utf-8"))
            names = {f.name for f in fields(Entry)}
            entries = {e["id"]: Entry(**{k: v for k, v in e.items() if k in names}) for e in raw["reports"]}
        except (OSError, ValueError, KeyError, TypeError):
            entries = {}
        return cls(out_dir, entries)

    def record(self, entry: Entry) -> None:
        self.entries[entry.id] = entry

    def save(self) -> None:
        ordered = [self.entries[k] for k in sorted(self.entries)]
        document = {"generator": "reportgen", "reports": [asdict(e) for e in ordered]}
        write_atomic(json.dumps(document, indent=1, ensure_ascii=False).encode("utf-8"), self.out_dir / MANIFEST_JSON)
        buffer = io.StringIO()
        writer = csv.writer(buffer)
        writer.writerow([f.name for f in fields(Entry)])
        for entry in ordered:
            writer.writerow(list(asdict(entry).values()))
        write_atomic(buffer.getvalue().encode("utf-8"), self.out_dir / MANIFEST_CSV)
