"""Check a finished PDF for what reportgen promises: it parses, is tagged and accessible, embeds its fonts, is
not encrypted, and (for archive files) is PDF/A-3 with its source data attached and nothing pointing outside.

:func:`verify` is the library API: it returns one :class:`Check` per property and never prints. A bad or hostile
PDF never makes it raise: a file that does not open fails ``parses`` (the other checks then say they were not
checked), and an exception inside one check fails that check with the exception's message. Only a path that is
not a file raises (:class:`~reportgen.errors.UsageError`).

Every walk over the file's objects is iterative and remembers what it has visited (:class:`pikepdf.ObjectSet`),
so cycles and shared objects are visited once, and the number of structure elements and objects visited is
bounded, so a file built to be slow fails a check instead of hanging it.

Archive files: with ``archive=None`` the file decides (it is checked as an archive when its XMP metadata has a
PDF/A identification, ``pdfaid:part`` or ``pdfaid:conformance``); ``True`` and ``False`` force the choice. An
archive must be PDF/A-3 (``pdfaid:part`` 3, the only part that allows attachments of any type) with a
conformance level of A, B or U; reportgen writes PDF/A-3a. The same rule applies whether the archive was asked
for or inferred: a file that claims PDF/A is held to what reportgen's archives are.
"""

from __future__ import annotations

import io
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

import pikepdf
from pikepdf import Array, Dictionary, Name, ObjectSet, Stream, String

from . import pdf_bounds, verify_structure
from .errors import UsageError
from .limits import Limits, current

__all__ = ["ARCHIVE_CHECKS", "BASE_CHECKS", "Check", "all_passed", "verify", "verify_bytes"]

BASE_CHECKS: tuple[str, ...] = ("parses", "tagged", "language", "title", "figures", "tables", "headings", "fonts")
BASE_CHECKS += ("encryption", *verify_structure.NAMES)  # then the PDF/UA-1 structure rules (lists, links, ...)
ARCHIVE_CHECKS = ("pdfa", "attachments", "external-references")

#: Upper bounds of the walks, far above any report reportgen makes (a 100-page report has about 20,000).
MAX_STRUCTURE_ELEMENTS = 500_000
MAX_OBJECTS = 2_000_000
#: How many problems a detail lists before "and N more".
MAX_LISTED = 5

#: The structure types of PDF 1.7 and 2.0; any other type is looked up in the tree's /RoleMap.
STANDARD_TYPES = frozenset(
    {
        *("Document", "DocumentFragment", "Part", "Art", "Sect", "Div", "Aside", "BlockQuote", "Caption"),
        *("TOC", "TOCI", "Index", "NonStruct", "Private", "Title", "FENote", "Sub", "P", "H"),
        *("H1", "H2", "H3", "H4", "H5", "H6", "L", "LI", "Lbl", "LBody"),
        *("Table", "TR", "TH", "TD", "THead", "TBody", "TFoot"),
        *("Span", "Quote", "Note", "Reference", "BibEntry", "Code", "Link", "Annot", "Em", "Strong"),
        *("Ruby", "RB", "RT", "RP", "Warichu", "WT", "WP", "Figure", "Formula", "Form", "Artifact"),
    }
)
HEADINGS = {f"H{level}": level for level in range(1, 7)}
FORBIDDEN_ACTIONS = frozenset({"/Launch", "/GoToR", "/ImportData"})
FONT_FILES = ("/FontFile", "/FontFile2", "/FontFile3")
PDFA_PART = "3"
PDFA_CONFORMANCE = frozenset({"A", "B", "U"})
DATA_RELATIONSHIPS = frozenset({"/Source", "/Data"})


@dataclass(frozen=True)
class Check:
    """The result of one check: ``detail`` says what was found, and what is wrong and where when it failed."""

    name: str
    passed: bool
    detail: str


def all_passed(checks: Iterable[Check]) -> bool:
    return all(check.passed for check in checks)


def verify(path: Path, archive: bool | None = None) -> list[Check]:
    """Check the PDF at ``path``; ``archive`` adds the PDF/A-3 checks (``None``: when the file claims PDF/A)."""
    path = Path(path)
    if not path.exists():
        raise UsageError(f"{path}: no such file")
    if not path.is_file():
        raise UsageError(f"{path}: not a file")
    return _verify(lambda: pikepdf.open(path), path, archive)


def verify_bytes(data: bytes, archive: bool | None = None, name: str = "report.pdf") -> list[Check]:
    """The checks of :func:`verify` on a PDF held in memory (a batch worker checks what it made
    before sending it back); ``name`` stands for the file in messages."""
    return _verify(lambda: pikepdf.open(io.BytesIO(data)), Path(name), archive)


def _verify(opener: Callable[[], pikepdf.Pdf], path: Path, archive: bool | None) -> list[Check]:
    with pdf_bounds.bounded(current()):  # every stream qpdf decodes, from opening the file on, is capped
        return _verify_bounded(opener, path, archive)


def _verify_bounded(opener: Callable[[], pikepdf.Pdf], path: Path, archive: bool | None) -> list[Check]:
    try:
        pdf = opener()
    except pikepdf.PasswordError:
        names = BASE_CHECKS + (ARCHIVE_CHECKS if archive else ())
        details = {
            "parses": "cannot be opened without its password",
            "encryption": "encrypted: a password is needed to open it",
        }
        return [Check(name, False, details.get(name, "not checked: the file could not be opened")) for name in names]
    except Exception as exc:  # qpdf gives up on the file, or it cannot be read
        names = BASE_CHECKS + (ARCHIVE_CHECKS if archive else ())
        opened = Check("parses", False, f"cannot be opened: {_message(exc, path)}")
        return [opened, *(Check(name, False, "not checked: the file could not be opened") for name in names[1:])]
    with pdf:
        doc = _Document(pdf, path)
        checks = [
            ("parses", _check_parses),
            ("tagged", _check_tagged),
            ("language", _check_language),
            ("title", _check_title),
            ("figures", _check_figures),
            ("tables", _check_tables),
            ("headings", _check_headings),
            ("fonts", _check_fonts),
            ("encryption", _check_encryption),
            *verify_structure.CHECKS,
        ]
        if archive is None:
            archive = doc.claims_pdfa()
        if archive:
            checks += [
                ("pdfa", _check_pdfa),
                ("attachments", _check_attachments),
                ("external-references", _check_external),
            ]
        return [_run(name, check, doc) for name, check in checks]


# --- the document and what several checks share -------------------------------------------------------------


@dataclass(frozen=True)
class StructElem:
    """One structure element, in structure (reading) order."""

    type: str  # the standard type after role mapping, without the slash: "Figure", "H2"
    obj: Dictionary
    page: int | None  # 1-based, from /Pg here or on the nearest ancestor that has one
    table: int | None  # index of the nearest enclosing Table element in the list

    @property
    def where(self) -> str:
        where = _ref(self.obj, "structure element")
        return f"page {self.page}, {where}" if self.page is not None else where


@dataclass(frozen=True)
class Xmp:
    part: str | None
    conformance: str | None
    title: str | None


class _Document:
    """An open PDF and what the checks compute from it once (each computed on first use)."""

    def __init__(self, pdf: pikepdf.Pdf, path: Path) -> None:
        self.pdf = pdf
        self.path = path
        self._pages: dict[tuple[int, int], int] | None = None
        self._structure: list[StructElem] | Exception | None = None
        self._structure_done = False
        self._xmp: Xmp | Exception | None = None
        self._objects: list[tuple[Dictionary | Stream, str]] | Exception | None = None
        self.limits = current()
        self._streams: pdf_bounds.Scan | None = None

    @property
    def catalog(self) -> Dictionary:
        root = self.pdf.trailer.get("/Root")
        if not isinstance(root, Dictionary):
            raise ValueError("the trailer has no /Root catalog dictionary")
        return root

    def page_numbers(self) -> dict[tuple[int, int], int]:
        """Page object -> 1-based page number (empty when the page tree cannot be read)."""
        if self._pages is None:
            try:
                self._pages = {page.obj.objgen: number for number, page in enumerate(self.pdf.pages, 1)}
            except Exception:
                self._pages = {}
        return self._pages

    def structure(self) -> list[StructElem] | None:
        """The structure elements in order, or None without a /StructTreeRoot; raises if the walk failed."""
        if not self._structure_done:
            try:
                self._structure = _structure_elements(self.catalog, self.page_numbers())
            except Exception as exc:
                self._structure = exc
            self._structure_done = True
        if isinstance(self._structure, Exception):
            raise self._structure
        return self._structure

    def streams(self) -> pdf_bounds.Scan:
        """Every stream decoded once within the limits: those too large to decode, the sizes of the others."""
        if self._streams is None:
            self._streams = pdf_bounds.scan(self.pdf, self.limits)
        return self._streams

    def xmp(self) -> Xmp:
        if self._xmp is None:
            try:
                self._xmp = _read_xmp(self.pdf, self.streams(), self.limits)
            except Exception as exc:
                self._xmp = exc
        if isinstance(self._xmp, Exception):
            raise self._xmp
        return self._xmp

    def claims_pdfa(self) -> bool:
        try:
            xmp = self.xmp()
        except Exception:
            return False
        return xmp.part is not None or xmp.conformance is not None

    def objects(self) -> list[tuple[Dictionary | Stream, str]]:
        """Every dictionary and stream reachable from the trailer, each once, with where it is."""
        if self._objects is None:
            try:
                trailer = self.pdf.trailer
                if not isinstance(trailer, Dictionary):
                    raise ValueError("the trailer is not a dictionary")
                self._objects = list(_reachable(trailer))
            except Exception as exc:
                self._objects = exc
        if isinstance(self._objects, Exception):
            raise self._objects
        return self._objects


def _run(name: str, check: Callable[[_Document], tuple[bool, str]], doc: _Document) -> Check:
    try:
        passed, detail = check(doc)
    except Exception as exc:  # a malformed file must fail the check, never crash verify
        return Check(name, False, f"could not be checked: {type(exc).__name__}: {_message(exc, doc.path)}")
    return Check(name, passed, detail)


# --- the checks ---------------------------------------------------------------------------------------------


def _check_parses(doc: _Document) -> tuple[bool, str]:
    too_large = doc.streams().problems
    if too_large:  # qpdf --check would decode them: it is not run
        return False, f"not checked with qpdf --check: {_listing(too_large)}"
    problems = [_strip_path(problem, doc.path) for problem in doc.pdf.check_pdf_syntax()]
    # Linearization ("fast web view") hints that are off do not make the file unreadable; anything else does.
    harmless = [p for p in problems if p.startswith("WARNING") and ("lineariz" in p.lower() or "hint" in p.lower())]
    serious = [p for p in problems if p not in harmless]
    pages = len(doc.pdf.pages)
    if serious:
        return False, f"qpdf --check found {_count(len(serious), 'problem')}: {_listing(serious)}"
    note = f" (ignored: {_listing(harmless)})" if harmless else ""
    return True, f"opens; qpdf --check finds no problems; {_count(pages, 'page')}{note}"


def _check_tagged(doc: _Document) -> tuple[bool, str]:
    catalog = doc.catalog
    problems = []
    mark_info = catalog.get("/MarkInfo")
    if not isinstance(mark_info, Dictionary):
        problems.append("the catalog has no /MarkInfo dictionary")
    elif not _is_true(mark_info.get("/Marked")):
        problems.append(f"/MarkInfo /Marked is {_show(mark_info.get('/Marked'))}, not true")
    if not isinstance(catalog.get("/StructTreeRoot"), Dictionary):
        problems.append("the catalog has no /StructTreeRoot (no structure tree)")
    if problems:
        return False, "; ".join(problems)
    return True, "/MarkInfo /Marked true, /StructTreeRoot present"


def _check_language(doc: _Document) -> tuple[bool, str]:
    lang = doc.catalog.get("/Lang")
    if not isinstance(lang, String):
        return False, "the catalog has no /Lang (document language)"
    if not str(lang).strip():
        return False, "the catalog's /Lang is empty"
    return True, str(lang)


def _check_title(doc: _Document) -> tuple[bool, str]:
    info = doc.pdf.trailer.get("/Info")
    info_title = info.get("/Title") if isinstance(info, Dictionary) else None
    title = str(info_title).strip() if isinstance(info_title, String) else ""
    if not title:
        title = (doc.xmp().title or "").strip()
    preferences = doc.catalog.get("/ViewerPreferences")
    display = preferences.get("/DisplayDocTitle") if isinstance(preferences, Dictionary) else None
    problems = []
    if not title:
        problems.append("no document title (neither /Info /Title nor XMP dc:title)")
    if not _is_true(display):
        where = "/ViewerPreferences /DisplayDocTitle" if isinstance(preferences, Dictionary) else "/ViewerPreferences"
        problems.append(f"{where} is {_show(display)}, not true (viewers show the file name instead of the title)")
    if problems:
        return False, "; ".join(problems)
    return True, f"{title!r}, shown in the viewer's title bar"


def _check_figures(doc: _Document) -> tuple[bool, str]:
    elements = doc.structure()
    if elements is None:
        return True, "nothing to check: no structure tree (see tagged)"
    figures = [element for element in elements if element.type == "Figure"]
    missing = [figure.where for figure in figures if not _text(figure.obj.get("/Alt"))]
    if missing:
        return False, f"{len(missing)} of {_count(len(figures), 'figure')} without /Alt text: {_listing(missing)}"
    if not figures:
        return True, "no figures"
    return True, f"{_count(len(figures), 'figure')}, each with /Alt text"


def _check_tables(doc: _Document) -> tuple[bool, str]:
    elements = doc.structure()
    if elements is None:
        return True, "nothing to check: no structure tree (see tagged)"
    tables = [index for index, element in enumerate(elements) if element.type == "Table"]
    with_header = {element.table for element in elements if element.type == "TH"}
    missing = [elements[index].where for index in tables if index not in with_header]
    if missing:
        return False, f"{len(missing)} of {_count(len(tables), 'table')} without a TH header cell: {_listing(missing)}"
    if not tables:
        return True, "no tables"
    return True, f"{_count(len(tables), 'table')}, each with TH header cells"


def _check_headings(doc: _Document) -> tuple[bool, str]:
    elements = doc.structure()
    if elements is None:
        return True, "nothing to check: no structure tree (see tagged)"
    headings = [(HEADINGS[element.type], element) for element in elements if element.type in HEADINGS]
    gaps = []
    previous: tuple[int, StructElem] | None = None
    for level, element in headings:
        if previous is None and level > 1:
            gaps.append(f"the first heading is H{level}, not H1 ({element.where})")
        elif previous is not None and level > previous[0] + 1:
            gaps.append(f"H{previous[0]} → H{level} at {element.where} (after {previous[1].where})")
        previous = (level, element)
    if gaps:
        return False, f"heading levels skipped: {_listing(gaps)}"
    if not headings:
        return True, "no H1–H6 headings"
    deepest = max(level for level, _ in headings)
    levels = "H1" if deepest == 1 else f"H1–H{deepest}"
    return True, f"{_count(len(headings), 'heading')}, {levels}, no level skipped"


def _check_fonts(doc: _Document) -> tuple[bool, str]:
    pages = doc.page_numbers()
    seen = ObjectSet()
    total = 0
    missing = []
    for scope in doc.pdf.content_scopes():
        fonts = scope.resources.get("/Font") if scope.resources is not None else None
        if not isinstance(fonts, Dictionary):
            continue
        for name, font in fonts.items():
            if not isinstance(font, Dictionary) or not seen.add(font):
                continue
            total += 1
            if _font_embedded(font):
                continue
            page = pages.get(scope.page.obj.objgen) if scope.page is not None else None
            where = f"page {page}" if page is not None else "no page"
            if scope.kind != "page":
                where += f", {scope.kind} {_ref(scope.content, 'stream')}"
            base = font.get("/BaseFont")
            missing.append(f"{name} ({_show(base)}, {_show(font.get('/Subtype'))}, {_ref(font, 'font')}) on {where}")
    if missing:
        return False, f"{len(missing)} of {_count(total, 'font')} not embedded: {_listing(missing)}"
    return True, f"{_count(total, 'font')}, all embedded" if total else "no fonts used"


def _check_encryption(doc: _Document) -> tuple[bool, str]:
    if not doc.pdf.is_encrypted:
        return True, "not encrypted"
    try:
        info = doc.pdf.encryption
        how = f" (revision {info.R}, {info.bits}-bit {info.stream_method.name})"
    except Exception:
        how = ""
    return False, f"encrypted{how}: archives and assistive technology need an unencrypted file"


def _check_pdfa(doc: _Document) -> tuple[bool, str]:
    xmp = doc.xmp()
    if xmp.part is None and xmp.conformance is None:
        return False, "no PDF/A identification in the XMP metadata (pdfaid:part, pdfaid:conformance)"
    label = f"PDF/A-{xmp.part or '?'}{(xmp.conformance or '').lower()}"
    problems = []
    if xmp.part != PDFA_PART:
        problems.append(f"pdfaid:part is {xmp.part!r}; reportgen archives are PDF/A-{PDFA_PART}")
    if xmp.conformance not in PDFA_CONFORMANCE:
        problems.append(f"pdfaid:conformance is {xmp.conformance!r}, expected one of A, B, U")
    if problems:
        return False, f"{label}: " + "; ".join(problems)
    return True, label


def _check_attachments(doc: _Document) -> tuple[bool, str]:
    catalog = doc.catalog
    files: list[tuple[str, pikepdf.Object]] = []
    seen = ObjectSet()
    names = catalog.get("/Names")
    tree = names.get("/EmbeddedFiles") if isinstance(names, Dictionary) else None
    for key, spec in _name_tree(tree):
        if not isinstance(spec, Dictionary) or seen.add(spec):
            files.append((key, spec))
    catalog_af = catalog.get("/AF")
    for spec in catalog_af if isinstance(catalog_af, Array) else []:
        if isinstance(spec, Dictionary) and seen.add(spec):
            files.append((_text(spec.get("/UF")) or _text(spec.get("/F")) or "(unnamed)", spec))
    if not files:
        return False, "no embedded files (neither /Names /EmbeddedFiles nor /AF): the source data is not attached"
    associated = ObjectSet()
    for obj, _ in doc.objects():
        af = obj.get("/AF")
        for member in af if isinstance(af, Array) else [af]:
            if isinstance(member, Dictionary):
                associated.add(member)
    listed, problems, data_files = [], [], 0
    for key, spec in files:
        if not isinstance(spec, Dictionary):
            listed.append(f"{key} (not a file specification)")
            problems.append(f"{key}: {_show(spec)} is not a file specification dictionary")
            continue
        name = _text(spec.get("/UF")) or _text(spec.get("/F")) or key
        relationship = spec.get("/AFRelationship")
        listed.append(f"{name} ({str(relationship)[1:] if isinstance(relationship, Name) else 'no relationship'})")
        if not isinstance(relationship, Name):
            problems.append(f"{name} ({_ref(spec, 'file specification')}) has no /AFRelationship")
        elif str(relationship) in DATA_RELATIONSHIPS:
            data_files += 1
        embedded = spec.get("/EF")
        if not (isinstance(embedded, Dictionary) and isinstance(embedded.get("/F"), Stream)):
            problems.append(f"{name} ({_ref(spec, 'file specification')}) has no embedded file stream (/EF /F)")
        if spec not in associated:
            problems.append(f"{name} is not associated with the document or a part of it (/AF)")
    if not data_files:
        problems.append("no file has /AFRelationship /Source or /Data")
    summary = f"{_count(len(files), 'embedded file')}: {', '.join(listed)}"
    if problems:
        return False, f"{summary}; {_listing(problems)}"
    return True, summary


def _check_external(doc: _Document) -> tuple[bool, str]:
    found = []
    uris = 0
    for obj, where in doc.objects():
        if isinstance(obj, Stream):
            if "/F" in obj.stream_dict:
                found.append(f"stream with external data /F {_show(obj.stream_dict.get('/F'))} ({where})")
            continue
        action = obj.get("/S")
        is_action = isinstance(action, Name) and obj.get("/Type") in (None, Name.Action) and "/P" not in obj
        if is_action and str(action) == "/URI":
            uris += 1
        elif is_action and str(action) in FORBIDDEN_ACTIONS:
            target = _file_name(obj.get("/F")) or _file_name(_win_file(obj))
            found.append(f"{str(action)[1:]} action{f' to {target!r}' if target else ''} ({where})")
        elif _is_file_spec(obj) and "/EF" not in obj:
            found.append(f"file specification {_file_name(obj)!r} without an embedded file (/EF) ({where})")
    links = f"{_count(uris, '/URI link')} (allowed)"
    if found:
        return False, f"{_count(len(found), 'external reference')}: {_listing(found)}; {links}"
    return True, f"no external references; {links}"


# --- helpers ------------------------------------------------------------------------------------------------


def _structure_elements(catalog: Dictionary, pages: dict[tuple[int, int], int]) -> list[StructElem] | None:
    """The structure tree in pre-order, iteratively; each object once, however the tree loops or is shared."""
    root = catalog.get("/StructTreeRoot")
    if not isinstance(root, Dictionary):
        return None
    role_map = root.get("/RoleMap")
    roles = role_map if isinstance(role_map, Dictionary) else Dictionary()
    seen = ObjectSet([root])
    elements: list[StructElem] = []
    # (node, page, nearest table); a node is an element, an array of kids, or an MCID / MCR / OBJR (skipped)
    pending: list[tuple[pikepdf.Object | None, int | None, int | None]] = [(root.get("/K"), None, None)]
    while pending:
        node, page, table = pending.pop()
        if isinstance(node, Array):
            if seen.add(node):
                pending.extend((kid, page, table) for kid in reversed(list(node)))
            continue
        if not isinstance(node, Dictionary) or "/S" not in node or not seen.add(node):
            continue
        if len(elements) >= MAX_STRUCTURE_ELEMENTS:
            raise ValueError(f"the structure tree has more than {MAX_STRUCTURE_ELEMENTS:,} elements")
        own_page = node.get("/Pg")
        if isinstance(own_page, Dictionary) and own_page.is_indirect:
            page = pages.get(own_page.objgen, page)
        kind = _standard_type(node.get("/S"), roles)
        elements.append(StructElem(kind, node, page, table))
        if kind == "Table":
            table = len(elements) - 1
        pending.append((node.get("/K"), page, table))
    return elements


def _standard_type(kind: pikepdf.Object | None, roles: Dictionary) -> str:
    """The standard type of a structure type, following the /RoleMap (a bounded number of steps)."""
    if not isinstance(kind, Name):
        return ""
    name = str(kind)[1:]
    for _ in range(16):
        if name in STANDARD_TYPES:
            break
        mapped = roles.get("/" + name)
        if not isinstance(mapped, Name):
            break
        name = str(mapped)[1:]
    return name


def _font_embedded(font: Dictionary) -> bool:
    subtype = font.get("/Subtype")
    if subtype == Name.Type3:  # glyphs are content streams in the file
        return True
    if subtype == Name.Type0:
        descendants = font.get("/DescendantFonts")
        if not (isinstance(descendants, Array) and len(descendants) > 0):
            return False
        descendant = descendants[0]
        descriptor = descendant.get("/FontDescriptor") if isinstance(descendant, Dictionary) else None
    else:
        descriptor = font.get("/FontDescriptor")
    if not isinstance(descriptor, Dictionary):
        return False
    return any(isinstance(descriptor.get(key), Stream) for key in FONT_FILES)


def _read_xmp(pdf: pikepdf.Pdf, streams: pdf_bounds.Scan, limits: Limits) -> Xmp:
    metadata = pdf.Root.get("/Metadata")
    if not isinstance(metadata, Stream):
        return Xmp(None, None, None)
    pdf_bounds.check_metadata(metadata, streams, limits)  # before it is parsed as XML
    meta = pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)

    def field(name: str) -> str | None:
        value = meta.get(name)
        return str(value).strip() or None if value is not None else None

    return Xmp(field("pdfaid:part"), field("pdfaid:conformance"), field("dc:title"))


def _name_tree(node: pikepdf.Object | None) -> Iterator[tuple[str, pikepdf.Object]]:
    """The (key, value) leaves of a name tree, each node once."""
    seen = ObjectSet()
    pending = [node]
    while pending:
        current = pending.pop()
        if not isinstance(current, Dictionary) or not seen.add(current):
            continue
        names = current.get("/Names")
        if isinstance(names, Array):
            items = list(names)
            for index in range(0, len(items) - 1, 2):
                yield _text(items[index]) or f"#{index // 2}", items[index + 1]
        kids = current.get("/Kids")
        if isinstance(kids, Array):
            pending.extend(reversed(list(kids)))


def _reachable(trailer: Dictionary) -> Iterator[tuple[Dictionary | Stream, str]]:
    """Every dictionary and stream reachable from the trailer, each once, with the indirect object it is in."""
    seen = ObjectSet()
    pending: list[tuple[pikepdf.Object, str]] = [(trailer, "the trailer")]
    visited = 0
    while pending:
        node, where = pending.pop()
        if not isinstance(node, Dictionary | Array | Stream) or not seen.add(node):
            continue
        visited += 1
        if visited > MAX_OBJECTS:
            raise ValueError(f"more than {MAX_OBJECTS:,} objects reachable")
        if node.is_indirect:
            where = _ref(node, "object")
        if isinstance(node, Array):
            children: Iterable[pikepdf.Object] = list(node)
        else:
            yield node, where
            values = node.stream_dict if isinstance(node, Stream) else node
            children = [value for _, value in values.items()]
        pending.extend((child, where) for child in children if isinstance(child, pikepdf.Object))


def _is_file_spec(obj: Dictionary) -> bool:
    if obj.get("/Type") == Name.Filespec:
        return True
    # A file specification need not say /Type; a file name in /F or /UF gives it away (annotations have an
    # integer /F, actions a name /S).
    return "/S" not in obj and any(isinstance(obj.get(key), String) for key in ("/F", "/UF"))


def _file_name(spec: pikepdf.Object | None) -> str:
    if isinstance(spec, String):
        return str(spec)
    if isinstance(spec, Dictionary):
        return _text(spec.get("/UF")) or _text(spec.get("/F")) or ""
    return ""


def _win_file(action: Dictionary) -> pikepdf.Object | None:
    win = action.get("/Win")
    return win.get("/F") if isinstance(win, Dictionary) else None


def _is_true(value: object) -> bool:
    """A PDF boolean true (pikepdf gives PDF booleans as Python bools)."""
    return value is True


def _text(value: pikepdf.Object | None) -> str:
    return str(value).strip() if isinstance(value, String) else ""


def _ref(obj: pikepdf.Object, what: str) -> str:
    if obj.is_indirect:
        number, generation = obj.objgen
        return f"object {number} {generation}"
    return f"a direct {what}"


def _show(value: object) -> str:
    """A short, printable form of a PDF value for messages."""
    if value is None:
        return "missing"
    if isinstance(value, bool):
        return "true" if value else "false"
    if isinstance(value, pikepdf.Object) and value.is_indirect:
        return _ref(value, "object")
    text = str(value)
    return text if len(text) <= 60 else text[:57] + "..."


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _listing(items: list[str]) -> str:
    shown = "; ".join(items[:MAX_LISTED])
    return shown + (f"; and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")


def _strip_path(message: str, path: Path) -> str:
    return message.replace(f"{path}: ", "").replace(f"{path} ", "")


def _message(exc: BaseException, path: Path) -> str:
    return _strip_path(str(exc), path) or type(exc).__name__
