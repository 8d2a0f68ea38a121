"""The preview's state: the data as last loaded, every report it supports with its validation
state, and the latest render of each report opened.

A report is re-rendered only when its fingerprint changes: the hash of its report model (the
figures and texts it prints), the templates and assets its kind uses, and the options. An
edit to one outcome's file changes the fingerprints of that outcome's brief, its partners'
reports and its office's report, and of nothing else.

Not thread-safe: the server calls a workspace from one worker thread only.
"""

from __future__ import annotations

import datetime as dt
import time
from collections import OrderedDict
from collections.abc import Iterable
from dataclasses import dataclass, field, replace
from pathlib import Path

from ..atomic import write_atomic
from ..batch.fingerprint import job_fingerprint
from ..errors import DataError, ReportgenError
from ..io_errors import describe
from ..kinds import KIND_MODULES, Report, kind
from ..load import load_dataset
from ..model import Dataset
from ..options import RenderOptions
from ..paths import ASSETS_DIR, THEMES_DIR
from ..pdf import PageGeometry, forget_stylesheets, layout_pdf
from ..pipeline import archive_sources, effective_options, report_html
from ..render.environment import environment
from ..runtime import report_done
from ..safe_names import inside
from ..themes import THEME_FILE, load_theme
from . import pages as page_pictures
from .problems import Problem, captured_warnings, from_error, from_internal, from_issue, problem
from .refs import ReportRef
from .resources import Digests, asset_files, template_files, template_folders

#: Page pictures kept in memory (each some 100-300 kB).
MAX_PICTURES = 96


@dataclass(frozen=True)
class Entry:
    """One report the data supports (or supported until the last edit), and whether it builds."""

    ref: ReportRef
    title: str
    default_lang: str
    fingerprint: str | None  # None when the report cannot be built
    problems: tuple[Problem, ...] = ()
    model: Report | None = field(default=None, compare=False, repr=False)

    @property
    def errors(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity == "error")

    @property
    def warnings(self) -> tuple[Problem, ...]:
        return tuple(p for p in self.problems if p.severity != "error")


@dataclass(frozen=True)
class Render:
    """A successful render of one report: the PDF written and what the viewer shows of it."""

    fingerprint: str
    data: bytes
    path: Path
    pages: tuple[PageGeometry, ...]
    text: tuple[tuple[page_pictures.TextRun, ...], ...]
    warnings: tuple[Problem, ...]
    seconds: float
    finished: dt.datetime


@dataclass(frozen=True)
class Preview:
    """What the viewer shows for one report: the current render, or the errors that stop it
    (with the last good render, if there was one, beside them)."""

    entry: Entry
    render: Render | None
    errors: tuple[Problem, ...]
    last_good: Render | None

    @property
    def state(self) -> str:
        if self.errors:
            return "error"
        warnings = self.entry.warnings + (self.render.warnings if self.render else ())
        return "warning" if warnings else "ok"


class Workspace:
    """Data, templates and renders of one ``reportgen serve`` session."""

    def __init__(self, data_dir: Path, out_dir: Path, options: RenderOptions) -> None:
        self.data_dir = data_dir
        self.out_dir = out_dir
        self.options = options
        self.dataset: Dataset | None = None
        self.load_problems: tuple[Problem, ...] = ()
        self.entries: dict[ReportRef, Entry] = {}
        self.listed: list[ReportRef] = []
        self.opened: set[ReportRef] = set()
        self.renders: dict[ReportRef, Render] = {}
        self.failures: dict[ReportRef, tuple[str, tuple[Problem, ...]]] = {}
        self.default_langs: dict[tuple[str, str, int], str] = {}  # (kind, key, year) -> language
        self.digests = Digests()
        self._pictures: OrderedDict[tuple[str, int], bytes] = OrderedDict()
        self.reload_data()
        self.refresh()

    # -- where problems may be quoted from -------------------------------------------------

    @property
    def roots(self) -> tuple[Path, ...]:
        themes = (THEMES_DIR, self.options.theme_dir) if self.options.theme_dir else (THEMES_DIR,)
        return (self.data_dir, *template_folders(self.options.templates_dir), ASSETS_DIR, *themes)

    # -- loading and validation ------------------------------------------------------------

    def reload_data(self) -> None:
        """Load the data folder again; a failure keeps its problems and drops the dataset."""
        try:
            self.dataset = load_dataset(self.data_dir)
        except DataError as exc:
            self.dataset = None
            self.load_problems = tuple(from_error(exc, self.roots)) + tuple(
                from_issue(w, self.roots) for w in exc.warnings
            )
        except ReportgenError as exc:
            self.dataset = None
            self.load_problems = tuple(from_error(exc, self.roots))
        else:
            self.load_problems = tuple(from_issue(w, self.roots) for w in self.dataset.warnings)

    @property
    def load_failed(self) -> bool:
        return self.dataset is None

    def _resources(self, kind_name: str) -> str:
        options = effective_options(self.dataset, self.options) if self.dataset is not None else self.options
        try:
            theme = load_theme(options.theme_dir)
        except ReportgenError:  # a broken theme: its report shows the error when rendered
            theme = load_theme()
        env = environment(options.templates_dir, "en", theme.templates)
        folders = (*template_folders(options.templates_dir), *((theme.templates,) if theme.templates else ()))
        files = template_files(env, kind(kind_name).template, folders) | asset_files() | set(theme.files())
        files |= set(load_theme().files())  # the default theme's stylesheet is always loaded first
        return self.digests.of_all(files)

    def _build(self, kind_name: str, key: str, year: int, lang: str | None, resources: str) -> Entry:
        """Build one report's model: its entry, valid or with the problems that stop it."""
        title = f"{kind_name} {key} {year}"
        default = self.default_langs.get((kind_name, key, year), "")
        if self.dataset is None:
            fallback = ReportRef(kind_name, key, year, lang or default)
            return Entry(fallback, title, default, None, self.load_problems)
        try:
            model = kind(kind_name).build(self.dataset, key, year, lang, None)
        except ReportgenError as exc:
            fallback = ReportRef(kind_name, key, year, lang or self.dataset.organization.language)
            return Entry(fallback, title, default or fallback.lang, None, tuple(from_error(exc, self.roots)))
        except Exception as exc:  # a bug met by this data: show it on this report only
            fallback = ReportRef(kind_name, key, year, lang or self.dataset.organization.language)
            return Entry(fallback, title, default or fallback.lang, None, (from_internal(exc),))
        options = effective_options(self.dataset, self.options)
        attached = [s.data for s in archive_sources(self.dataset, kind_name, model, key, options)]
        fingerprint = job_fingerprint(model, options, resources, attached)
        ref = ReportRef(kind_name, key, year, model.lang)
        if lang is None:  # the report's own language: its file name has no language suffix
            default = self.default_langs[(kind_name, key, year)] = model.lang
        warnings = self._file_warnings(kind_name, key)
        return Entry(ref, model.title, default or model.lang, fingerprint, warnings, model)

    def _file_warnings(self, kind_name: str, key: str) -> tuple[Problem, ...]:
        """The data warnings about the file a brief is made from (other reports draw on many)."""
        if self.dataset is None or kind_name != "brief":
            return ()
        source = self.dataset.source_of(key)
        return tuple(p for p in self.load_problems if source is not None and p.file == str(source))

    def refresh(self) -> set[str]:
        """Validate every report again; the ids of the reports whose state or content changed."""
        before = dict(self.entries)
        resources = {name: self._resources(name) for name in KIND_MODULES}
        entries: dict[ReportRef, Entry] = {}
        listed: list[ReportRef] = []
        if self.dataset is not None:
            for name in KIND_MODULES:
                for key, year in kind(name).jobs(self.dataset):
                    entry = self._build(name, key, year, None, resources[name])
                    entries[entry.ref] = entry
                    listed.append(entry.ref)
        else:  # keep listing what was there, each showing the data's problems
            for ref in self.listed:
                entries[ref] = replace(before[ref], fingerprint=None, problems=self.load_problems, model=None)
                listed.append(ref)
        for ref in self.opened - set(entries):
            entries[ref] = self._rebuild(ref, resources[ref.kind])
        self.entries, self.listed = entries, listed
        return {
            ref.id
            for ref in set(before) | set(entries)
            if ref not in before or ref not in entries or before[ref] != entries[ref]
        }

    def _rebuild(self, ref: ReportRef, resources: str) -> Entry:
        entry = self._build(ref.kind, ref.key, ref.year, ref.lang, resources)
        return replace(entry, ref=ref)  # a failed build keeps the address it was opened at

    def entry(self, ref: ReportRef) -> Entry:
        """The report at ``ref``, validated (a language the index does not list is built now)."""
        if ref not in self.entries:
            self.opened.add(ref)
            self.entries[ref] = self._rebuild(ref, self._resources(ref.kind))
        return self.entries[ref]

    # -- edits -------------------------------------------------------------------------------

    def apply(self, paths: Iterable[Path]) -> set[str]:
        """React to edited files: reload what they feed; the ids of the reports that changed."""
        paths = [path.resolve() for path in paths]
        folders = [folder.resolve() for folder in template_folders(self.options.templates_dir)]
        if any(path.is_relative_to(folder) for path in paths for folder in folders):
            environment.cache_clear()  # a new override file must be found, not the cached built-in one
        looks = [ASSETS_DIR.resolve(), THEMES_DIR.resolve()]
        if self.options.theme_dir is not None:
            looks.append(self.options.theme_dir.resolve())
        in_theme = any((parent / THEME_FILE).is_file() for path in paths for parent in path.parents)
        if in_theme or any(path.is_relative_to(look) for path in paths for look in looks):
            forget_stylesheets()
            environment.cache_clear()  # a theme's template overrides
        if any(path.is_relative_to(self.data_dir.resolve()) for path in paths):
            self.reload_data()
        return self.refresh()

    # -- rendering ---------------------------------------------------------------------------

    def preview(self, ref: ReportRef) -> Preview:
        """The report at ``ref`` as it prints now: rendered (and written) if its fingerprint changed."""
        entry = self.entry(ref)
        last = self.renders.get(ref)
        if entry.errors or entry.fingerprint is None or entry.model is None or self.dataset is None:
            return Preview(entry, None, entry.errors or self.load_problems, last)
        if last is not None and last.fingerprint == entry.fingerprint:
            return Preview(entry, last, (), last)
        failed = self.failures.get(ref)
        if failed is not None and failed[0] == entry.fingerprint:
            return Preview(entry, None, failed[1], last)
        try:
            render = self._render(entry, self.dataset)
        except ReportgenError as exc:
            errors = tuple(from_error(exc, self.roots))
        except OSError as exc:
            errors = (problem(f"cannot write the PDF: {describe(exc)}"),)
        except Exception as exc:  # a bug met by this report: show it, keep serving
            errors = (from_internal(exc),)
        else:
            self.renders[ref] = render
            self.failures.pop(ref, None)
            return Preview(entry, render, (), render)
        finally:
            report_done()
        self.failures[ref] = (entry.fingerprint, errors)
        return Preview(entry, None, errors, last)

    def _render(self, entry: Entry, dataset: Dataset) -> Render:
        assert entry.model is not None and entry.fingerprint is not None
        ref = entry.ref
        report_kind = kind(ref.kind)
        options = effective_options(dataset, self.options)
        started = time.perf_counter()
        with captured_warnings(self.roots) as warnings:
            document = report_html(report_kind, entry.model, options)
            sources = archive_sources(dataset, ref.kind, entry.model, ref.key, options)
            rendered = layout_pdf(document, options, report_kind.stylesheets, sources)
        suffix = ref.lang if ref.lang != entry.default_lang else None
        path = write_atomic(
            rendered.data, inside(self.out_dir, report_kind.path(self.out_dir, ref.key, ref.year, suffix))
        )
        text = page_pictures.text_layers(rendered.data)
        seconds = time.perf_counter() - started
        return Render(
            entry.fingerprint, rendered.data, path, rendered.pages, text, tuple(warnings), seconds, dt.datetime.now()
        )

    def picture(self, fingerprint: str, index: int) -> bytes | None:
        """Page ``index`` of the render with ``fingerprint`` as PNG (None: no such render or page)."""
        key = (fingerprint, index)
        if key in self._pictures:
            self._pictures.move_to_end(key)
            return self._pictures[key]
        render = next((r for r in self.renders.values() if r.fingerprint == fingerprint), None)
        if render is None or not 0 <= index < len(render.pages):
            return None
        png = page_pictures.picture(render.data, index)
        self._pictures[key] = png
        while len(self._pictures) > MAX_PICTURES:
            self._pictures.popitem(last=False)
        return png
