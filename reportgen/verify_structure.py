"""The structure checks of ``reportgen verify``: the PDF/UA-1 rules WeasyPrint 70 gets wrong on its own.

Each check is one rule family of ISO 14289-1 (PDF/UA-1) that an independent validator (page-validation,
veraPDF, PAC) tests and that reportgen's post-pass (:mod:`reportgen.pdf.structure`) mends:

- ``lists``: an ``L`` holds only ``LI``, ``L`` and ``Caption``; an ``LI`` sits in an ``L`` and holds only
  ``Lbl`` and ``LBody`` (ISO 32000-1, 14.8.4.3.3; PDF/UA-1, 7.6);
- ``links``: every link annotation has a ``/Contents`` description and hangs, by its ``/StructParent``, from a
  ``Link`` element of the tree whose kids reference it (PDF/UA-1, 7.18.5);
- ``annotation-flags``: every annotation prints (Print flag set) and is not hidden (PDF/UA-1, 7.18.1 and
  PDF/A-3, 6.3.2);
- ``header-scope``: every ``TH`` says whether it heads a row or a column (``/Scope`` in a ``/Table``
  attribute; PDF/UA-1, 7.5);
- ``artifacts``: all page content is either in the structure tree or an artifact: no text outside marked
  content, and no marked content whose structure element is missing from the tree (page furniture such as
  running headers; PDF/UA-1, 7.1);
- ``pdfua-identification``: the XMP says ``pdfuaid:part`` 1, and a file claiming PDF/A also declares the
  pdfuaid namespace in a PDF/A extension schema (PDF/UA-1, 5; PDF/A-3, 6.6.2.3).

Each check takes the verifier's document (:class:`Document`) and returns ``(passed, detail)``; a failure names
the rule and the object (``page 2, object 14 0``). :data:`CHECKS` is what :mod:`reportgen.verify` registers.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import Protocol

import pikepdf
from pikepdf import Array, Dictionary, Name, ObjectSet, Stream

__all__ = ["CHECKS", "NAMES", "Document", "Element"]

#: How many problems a detail lists before "and N more".
MAX_LISTED = 5
PRINT_FLAG = 4
HIDDEN_FLAGS = {1: "Invisible", 2: "Hidden", 32: "NoView", 256: "ToggleNoView"}
LIST_KIDS = frozenset({"LI", "L", "Caption"})
LI_KIDS = frozenset({"Lbl", "LBody"})
SCOPES = frozenset({"/Row", "/Column", "/Both"})
TEXT_OPERATORS = frozenset({"Tj", "TJ", "'", '"'})
PDFUA_NAMESPACE = "http://www.aiim.org/pdfua/ns/id/"


class Element(Protocol):
    """A structure element as the verifier lists them (:class:`reportgen.verify.StructElem`)."""

    @property
    def type(self) -> str: ...  # the standard type after role mapping: "LI", "TH"
    @property
    def obj(self) -> Dictionary: ...
    @property
    def where(self) -> str: ...


class Document(Protocol):
    """What the checks need of the verifier's open document (:class:`reportgen.verify._Document`)."""

    pdf: pikepdf.Pdf

    def structure(self) -> Sequence[Element] | None: ...
    def page_numbers(self) -> dict[tuple[int, int], int]: ...
    def xmp(self) -> object: ...  # the XMP read within the verifier's limits (raises for a bomb)


Result = tuple[bool, str]
_NO_TREE: Result = (True, "nothing to check: no structure tree (see tagged)")


def check_lists(doc: Document) -> Result:
    elements = doc.structure()
    if elements is None:
        return _NO_TREE
    by_obj = {element.obj.objgen: element for element in elements}
    parents = _parents(elements, by_obj)
    problems = []
    lists = items = 0
    for element in elements:
        kids = [by_obj[kid.objgen] for kid in _element_kids(element.obj) if kid.objgen in by_obj]
        if element.type == "L":
            lists += 1
            problems += [
                f"L ({element.where}) holds {kid.type} ({kid.where})" for kid in kids if kid.type not in LIST_KIDS
            ]
        elif element.type == "LI":
            items += 1
            parent = parents.get(element.obj.objgen)
            if parent is None or parent.type != "L":
                problems.append(f"LI ({element.where}) is in {parent.type if parent else 'no element'}, not an L")
            problems += [
                f"LI ({element.where}) holds {kid.type} ({kid.where})" for kid in kids if kid.type not in LI_KIDS
            ]
    if problems:
        return False, f"list structure broken (an L holds LI, L, Caption; an LI holds Lbl, LBody): {_listing(problems)}"
    return True, f"{_count(lists, 'list')}, {_count(items, 'item')}, nested as ISO 32000 says"


def check_links(doc: Document) -> Result:
    elements = doc.structure()
    if elements is None:
        return _NO_TREE
    in_tree = ObjectSet(element.obj for element in elements)
    links = {element.obj.objgen: element for element in elements if element.type == "Link"}
    owners = _parent_tree(doc)
    problems = []
    total = 0
    for number, annotation in _annotations(doc):
        if annotation.get("/Subtype") != Name.Link:
            continue
        total += 1
        where = f"page {number}, {_ref(annotation)}"
        if not str(annotation.get("/Contents", "")).strip():
            problems.append(f"link annotation ({where}) has no /Contents description")
        key = annotation.get("/StructParent")
        owner = owners.get(int(key)) if isinstance(key, int) else None
        if not isinstance(owner, Dictionary) or owner not in in_tree:
            problems.append(f"link annotation ({where}) is not in the structure tree (no /StructParent entry)")
        elif owner.objgen not in links:
            problems.append(f"link annotation ({where}) hangs from {_type(owner)} ({_ref(owner)}), not a Link")
        elif not any(_objr_to(kid, annotation) for kid in _kids(owner)):
            problems.append(f"link annotation ({where}): its Link ({_ref(owner)}) does not reference it (OBJR)")
    return _tally(problems, total, "link annotation", "not tagged as Links", "each in a Link element, with /Contents")


def check_annotation_flags(doc: Document) -> Result:
    problems = []
    total = 0
    for number, annotation in _annotations(doc):
        if annotation.get("/Subtype") == Name.Popup:
            continue
        total += 1
        flags = annotation.get("/F")
        value = int(flags) if isinstance(flags, int) else 0
        wrong = [name for bit, name in HIDDEN_FLAGS.items() if value & bit]
        if not value & PRINT_FLAG:
            wrong.insert(0, "no Print flag")
        if wrong:
            subtype = str(annotation.get("/Subtype", "/?"))[1:]
            problems.append(f"{subtype} annotation (page {number}, {_ref(annotation)}): {', '.join(wrong)}")
    return _tally(problems, total, "annotation", "do not print", "each with the Print flag", "no annotations")


def check_header_scope(doc: Document) -> Result:
    elements = doc.structure()
    if elements is None:
        return _NO_TREE
    headers = [element for element in elements if element.type == "TH"]
    missing = [header.where for header in headers if _scope(header.obj) not in SCOPES]
    return _tally(missing, len(headers), "TH header cell", "without /Scope", "each with /Scope", "no header cells")


def check_artifacts(doc: Document) -> Result:
    elements = doc.structure()
    if elements is None:
        return _NO_TREE
    in_tree = ObjectSet(element.obj for element in elements)
    owners = _parent_tree(doc)
    problems = []
    for number, page in enumerate(doc.pdf.pages, 1):
        key = page.obj.get("/StructParents")
        mapped = owners.get(int(key)) if isinstance(key, int) else None
        page_owners: list[pikepdf.Object] = list(mapped) if isinstance(mapped, Array) else []
        depth = 0
        loose_text = 0
        untreed: list[int] = []
        for instruction in pikepdf.parse_content_stream(page):
            operator = str(instruction.operator)
            if operator in ("BDC", "BMC"):
                depth += 1
                properties = instruction.operands[1] if operator == "BDC" else None
                mcid = properties.get("/MCID") if isinstance(properties, Dictionary) else None
                if isinstance(mcid, int):
                    owner = page_owners[int(mcid)] if 0 <= int(mcid) < len(page_owners) else None
                    if not isinstance(owner, Dictionary) or owner not in in_tree:
                        untreed.append(int(mcid))
            elif operator == "EMC":
                depth = max(depth - 1, 0)
            elif operator in TEXT_OPERATORS and depth == 0:
                loose_text += 1
        if untreed:
            shown = ", ".join(map(str, untreed[:MAX_LISTED])) + (", ..." if len(untreed) > MAX_LISTED else "")
            problems.append(f"page {number}: {_count(len(untreed), 'marked-content sequence')} (MCID {shown}) "
                            "not in the structure tree: page furniture must be an /Artifact")  # fmt: skip
        if loose_text:
            problems.append(f"page {number}: {_count(loose_text, 'text operator')} outside any marked content")
    if problems:
        return False, f"content neither tagged nor an artifact: {_listing(problems)}"
    return True, "all content is in the structure tree or an artifact"


def check_pdfua_identification(doc: Document) -> Result:
    if not isinstance(doc.pdf.Root.get("/Metadata"), Stream):
        return False, "no XMP metadata: pdfuaid:part 1 (PDF/UA-1 identification) is missing"
    doc.xmp()  # the verifier's bounded read first: a metadata bomb fails here, before it is parsed as XML
    meta = doc.pdf.open_metadata(set_pikepdf_as_editor=False, update_docinfo=False)
    part = str(meta.get("pdfuaid:part", "")).strip()
    if part != "1":
        return False, f"XMP pdfuaid:part is {part or 'missing'!r}, not '1' (PDF/UA-1 identification)"
    if meta.get("pdfaid:part") is None:
        return True, "pdfuaid:part 1"
    xmp = doc.pdf.Root.Metadata.read_bytes().decode("utf-8", "replace")
    if f"<pdfaSchema:namespaceURI>{PDFUA_NAMESPACE}</pdfaSchema:namespaceURI>" not in xmp:
        return False, ("pdfuaid:part 1, but the PDF/A file declares no extension schema for the pdfuaid namespace "
                       f"({PDFUA_NAMESPACE}) in pdfaExtension:schemas")  # fmt: skip
    return True, "pdfuaid:part 1, alongside pdfaid, with its PDF/A extension schema"


#: (name, check) in the order ``reportgen verify`` prints them.
CHECKS: tuple[tuple[str, Callable[[Document], Result]], ...] = (
    ("lists", check_lists),
    ("links", check_links),
    ("annotation-flags", check_annotation_flags),
    ("header-scope", check_header_scope),
    ("artifacts", check_artifacts),
    ("pdfua-identification", check_pdfua_identification),
)
NAMES = tuple(name for name, _ in CHECKS)


# --- helpers ------------------------------------------------------------------------------------------------


def _kids(obj: Dictionary) -> list[pikepdf.Object]:
    kids = obj.get("/K")
    return list(kids) if isinstance(kids, Array) else ([] if kids is None else [kids])


def _element_kids(obj: Dictionary) -> list[Dictionary]:
    return [kid for kid in _kids(obj) if isinstance(kid, Dictionary) and "/S" in kid]


def _parents(elements: Sequence[Element], by_obj: dict[tuple[int, int], Element]) -> dict[tuple[int, int], Element]:
    parents: dict[tuple[int, int], Element] = {}
    for element in elements:
        for kid in _element_kids(element.obj):
            parents.setdefault(kid.objgen, element)
    return parents


def _parent_tree(doc: Document) -> dict[int, pikepdf.Object]:
    root = doc.pdf.Root.get("/StructTreeRoot")
    tree = root.get("/ParentTree") if isinstance(root, Dictionary) else None
    if not isinstance(tree, Dictionary):
        return {}
    return {int(key): value for key, value in pikepdf.NumberTree(tree).items()}


def _annotations(doc: Document) -> list[tuple[int, Dictionary]]:
    found = []
    for number, page in enumerate(doc.pdf.pages, 1):
        annotations = page.obj.get("/Annots")
        for annotation in annotations if isinstance(annotations, Array) else []:
            if isinstance(annotation, Dictionary):
                found.append((number, annotation))
    return found


def _objr_to(kid: pikepdf.Object, annotation: Dictionary) -> bool:
    if not (isinstance(kid, Dictionary) and kid.get("/Type") == Name.OBJR):
        return False
    target = kid.get("/Obj")
    return isinstance(target, Dictionary) and target.is_indirect and target.objgen == annotation.objgen


def _scope(obj: Dictionary) -> str | None:
    attributes = obj.get("/A")
    owners = list(attributes) if isinstance(attributes, Array) else [attributes]
    for owner in owners:
        if isinstance(owner, Dictionary) and owner.get("/O") == Name.Table and isinstance(owner.get("/Scope"), Name):
            return str(owner.Scope)
    return None


def _type(obj: Dictionary) -> str:
    kind = obj.get("/S")
    return str(kind)[1:] if isinstance(kind, Name) else "an element without /S"


def _ref(obj: pikepdf.Object) -> str:
    if obj.is_indirect:
        number, generation = obj.objgen
        return f"object {number} {generation}"
    return "a direct object"


def _tally(problems: list[str], total: int, noun: str, fails: str, holds: str, none: str | None = None) -> Result:
    """A rule checked on ``total`` things: "N of M nouns <fails>: ..." or "M nouns, <holds>" (``none`` when M is 0)."""
    if problems:
        return False, f"{len(problems)} of {_count(total, noun)} {fails}: {_listing(problems)}"
    if not total and none is not None:
        return True, none
    return True, f"{_count(total, noun)}, {holds}"


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}{'' if number == 1 else 's'}"


def _listing(items: list[str]) -> str:
    shown = "; ".join(items[:MAX_LISTED])
    return shown + (f"; and {len(items) - MAX_LISTED} more" if len(items) > MAX_LISTED else "")
