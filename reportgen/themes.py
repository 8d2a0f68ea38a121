"""Themes: an organization's look, as a folder.

A theme folder holds ``theme.yaml`` (its name, logo, chart styling and print colours),
``theme.css`` (the stylesheet variables: colours, fonts, type scale; and any rule to
change), the fonts and pictures those name, an optional ``print.css`` (CMYK colours for
``--print``) and an optional ``templates/`` folder of template overrides.

The default theme's stylesheet is always loaded first, so another theme need only set what
it changes. ``organization.theme`` names a built-in theme (``themes/<name>/``) or a folder
relative to the data folder; ``--theme DIR`` overrides it.
"""

from __future__ import annotations

import os
import re
import shutil
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING, Annotated

from jinja2.sandbox import unsafe
from pydantic import AfterValidator, Field, field_validator

from .atomic import write_text_atomic
from .errors import DataError, Issue, UsageError
from .model.types import FrozenModel
from .paths import DEFAULT_THEME_DIR, THEMES_DIR
from .safe_files import THEME_FOLDER, check, inside

if TYPE_CHECKING:
    from .load.location import LocatedDocument

THEME_FILE = "theme.yaml"
STYLESHEET = "theme.css"
TEMPLATES = "templates"

_HEX = re.compile(r"#[0-9A-Fa-f]{6}")


def _colour(value: str) -> str:
    if not _HEX.fullmatch(value):
        raise ValueError(f"must be a colour written #rrggbb (as in theme.css), got {value!r}")
    return value


Colour = Annotated[str, AfterValidator(_colour)]
#: C, M, Y, K in percent, as a print shop gives them.
Cmyk = Annotated[tuple[float, float, float, float], Field()]


def _inside_theme(value: str) -> str:
    path = Path(value)
    if path.is_absolute() or ".." in path.parts:
        raise ValueError(f"must be a path inside the theme folder, got {value!r}")
    return value


class ChartSettings(FrozenModel):
    font: str = Field(min_length=1)
    font_files: tuple[str, ...] = ()
    size: float = Field(default=8.0, ge=5, le=14)
    text: Colour
    muted: Colour
    grid: Colour
    palette: tuple[Colour, ...] = Field(min_length=3, max_length=16)
    primary: Colour
    shades: tuple[Colour, ...] = Field(min_length=3, max_length=16)

    @field_validator("font_files")
    @classmethod
    def _files(cls, files: tuple[str, ...]) -> tuple[str, ...]:
        return tuple(_inside_theme(file) for file in files)


class PrintSettings(FrozenModel):
    stylesheet: str | None = None
    logo: str | None = None  # the logo in CMYK inks (device-cmyk() colours), for --print
    cmyk: dict[Colour, Cmyk] = Field(default_factory=dict)  # chart colour -> the ink that prints it

    @field_validator("stylesheet", "logo")
    @classmethod
    def _sheet(cls, value: str | None) -> str | None:
        return None if value is None else _inside_theme(value)

    @field_validator("cmyk")
    @classmethod
    def _percent(cls, inks: dict[str, tuple[float, float, float, float]]) -> dict[str, tuple[float, ...]]:
        for colour, ink in inks.items():
            if not all(0 <= part <= 100 for part in ink):
                raise ValueError(f"{colour}: C, M, Y and K must be percentages (0 to 100), got {list(ink)}")
        return {colour.lower(): ink for colour, ink in inks.items()}


class ThemeFile(FrozenModel):
    """The contents of ``theme.yaml``."""

    name: str = Field(min_length=1)
    description: str = ""
    logo: str | None = None
    logo_alt: str | None = None
    charts: ChartSettings
    print: PrintSettings = PrintSettings()

    @field_validator("logo")
    @classmethod
    def _logo(cls, value: str | None) -> str | None:
        return None if value is None else _inside_theme(value)


@dataclass(frozen=True)
class Theme:
    """A loaded theme: its folder and what ``theme.yaml`` says."""

    folder: Path
    settings: ThemeFile

    @property
    def name(self) -> str:
        return self.settings.name

    @property
    def stylesheet(self) -> Path:
        return self.folder / STYLESHEET

    @property
    def print_stylesheet(self) -> Path | None:
        sheet = self.settings.print.stylesheet
        return self.folder / sheet if sheet else None

    @property
    def templates(self) -> Path | None:
        folder = self.folder / TEMPLATES
        return folder if folder.is_dir() else None

    @property
    def logo_uri(self) -> str | None:
        """The logo's ``file:`` URL (the PDF fetcher loads files inside the theme folder)."""
        return (self.folder / self.settings.logo).resolve().as_uri() if self.settings.logo else None

    def logo_src(self, print_ready: bool = False) -> str | None:
        """The logo to print: its CMYK version for ``--print`` when the theme has one."""
        if print_ready and self.settings.logo and self.settings.print.logo:
            return (self.folder / self.settings.print.logo).resolve().as_uri()
        return self.logo_uri

    @property
    def is_default(self) -> bool:
        return self.folder.resolve() == DEFAULT_THEME_DIR.resolve()

    @unsafe
    def files(self) -> list[Path]:
        """Every file of the theme (what a report's look depends on). Not for templates (the
        sandbox refuses the call): a template has no business listing a folder."""
        return sorted(path for path in self.folder.rglob("*") if path.is_file() and "__pycache__" not in path.parts)


def _refusal(file: Path, limit: str, folder: Path) -> str | None:
    """Why ``file`` cannot be one of the theme's files (a link out of the theme folder, not a
    regular file, over the limit named ``limit``), from ``stat`` alone; None when it can."""
    try:
        check(file, root=folder, limit=limit, root_name=THEME_FOLDER)
    except DataError as exc:
        return exc.issues[0].message
    return None


def _check_files(folder: Path, settings: ThemeFile, doc: LocatedDocument) -> list[Issue]:
    """Every file ``theme.yaml`` names is in the folder, and so is the stylesheet: regular files,
    inside the theme folder once links are followed, within their size limits (checked with
    ``stat`` before anything reads them: the PDF writer, matplotlib, the URL fetcher)."""
    issues: list[Issue] = []
    fonts = settings.charts.font_files
    named: list[tuple[tuple[object, ...], str, str]] = [
        (("charts", "font_files", i), f, "font_max_bytes") for i, f in enumerate(fonts)
    ]
    if settings.logo:
        named.append((("logo",), settings.logo, "image_max_bytes"))
    if settings.print.stylesheet:
        named.append((("print", "stylesheet"), settings.print.stylesheet, "theme_file_max_bytes"))
    if settings.print.logo:
        named.append((("print", "logo"), settings.print.logo, "image_max_bytes"))
    for path, name, limit in named:
        if not os.path.lexists(folder / name):
            issues.append(doc.issue(path, f"no file {name!r} in the theme folder {folder}"))
        elif (why := _refusal(folder / name, limit, folder)) is not None:
            issues.append(doc.issue(path, f"{name!r} in the theme folder {folder} {why}"))
    sheet = folder / STYLESHEET
    if not os.path.lexists(sheet):
        issues.append(Issue(f"a theme needs its stylesheet {STYLESHEET}", file=sheet))
    elif (why := _refusal(sheet, "theme_file_max_bytes", folder)) is not None:
        issues.append(Issue(why, file=sheet))
    if os.path.lexists(folder / TEMPLATES):
        try:
            inside(folder / TEMPLATES, folder, THEME_FOLDER)
        except DataError as exc:
            issues.extend(exc.issues)
    return issues


@lru_cache(maxsize=16)
def _load(folder: Path, stamp: tuple[int, int]) -> Theme:
    from .load.source import load_yaml
    from .load.validate import validate

    file = folder / THEME_FILE
    check(file, root=folder, limit="theme_file_max_bytes", root_name=THEME_FOLDER)
    doc = load_yaml(file, root=folder, root_name=THEME_FOLDER)
    issues: list[Issue] = []
    settings = validate(ThemeFile, doc, issues)
    if settings is None:
        raise DataError(issues)
    issues = _check_files(folder, settings, doc)
    if issues:
        raise DataError(issues)
    return Theme(folder, settings)


def load_theme(folder: Path | None = None) -> Theme:
    """The theme in ``folder`` (default: the built-in default theme), validated; DataError with
    located issues when its ``theme.yaml`` is wrong or names a missing file."""
    folder = (folder or DEFAULT_THEME_DIR).resolve()
    file = folder / THEME_FILE
    if not folder.is_dir():
        raise UsageError(f"{folder}: no such theme folder")
    try:
        stat = file.stat()
    except OSError:
        raise DataError([Issue(f"not a theme: no {THEME_FILE} in {folder}", file=file)]) from None
    return _load(folder, (stat.st_mtime_ns, stat.st_size))


def built_in() -> list[str]:
    """Names of the themes that ship with reportgen."""
    return sorted(p.name for p in THEMES_DIR.iterdir() if (p / THEME_FILE).is_file())


def find_theme(name: str, data_root: Path) -> Path | None:
    """The folder ``organization.theme`` names: a folder inside the data folder, else a built-in
    theme; None when there is neither. Data never points outside its folder: a theme's files
    may be loaded into the PDF, so ``../elsewhere`` or an absolute path finds nothing."""
    root = data_root.resolve()
    local = (root / name).resolve()
    if local.is_relative_to(root) and not Path(name).is_absolute() and (local / THEME_FILE).is_file():
        return local
    if "/" not in name and "\\" not in name and (THEMES_DIR / name / THEME_FILE).is_file():
        return THEMES_DIR / name
    return None


def new_theme(name: str, target: Path) -> Path:
    """Copy the default theme to ``target`` as a starting point, named ``name``; never overwrites."""
    if target.exists():
        raise UsageError(f"{target} already exists; choose another name or folder")
    staging = target.with_name(f".{target.name}.part")
    shutil.rmtree(staging, ignore_errors=True)
    shutil.copytree(DEFAULT_THEME_DIR, staging)
    settings = (staging / THEME_FILE).read_text(encoding="utf-8")
    settings = settings.replace("name: Default", f"name: {_yaml_text(name)}", 1)
    settings = settings.replace(
        "# The default theme: what the bundled data uses, and what `reportgen theme new` copies.",
        f"# The {name} theme, made from the default theme by `reportgen theme new`.",
        1,
    )
    write_text_atomic(settings, staging / THEME_FILE)
    staging.rename(target)
    return target


def _yaml_text(value: str) -> str:
    import json

    return json.dumps(value, ensure_ascii=False)  # a JSON string is a YAML string
