"""Mend the structure tree and metadata WeasyPrint 70 writes, so a report is PDF/UA-1 (and, archived, PDF/A-3a).

WeasyPrint tags every page, but a few things it writes are wrong (each is reported upstream in docs/upstream/):

- running headers and footers (page margin boxes) are marked as tagged content whose structure elements are
  never linked into the tree: here they become artifacts (``/Artifact <</Type /Pagination>> BDC``);
- a link annotation inside an inline element of an ``<a>`` (a ``<span lang>`` in a contents entry) hangs
  from that ``Span``, not from a ``Link`` element: here it moves up to the nearest ``Link`` (or gets one);
- link annotations lack the Print flag that PDF/A and PDF/UA validators ask of every annotation;
- table header cells carry no ``/Scope``: here a ``TH`` in a ``THead``, or in a row of header cells only,
  is a column header, any other a row header (the rule the templates' ``scope`` attributes follow);
- empty inline elements (a colour swatch ``<span>``) become ``Span`` elements with no content: removed;
- a PDF/A-3a file's XMP drops the PDF/UA identification (``pdfuaid:part``): added, with the PDF/A extension
  schema that declares it, and the metadata stream is left unfiltered as PDF/A requires.

:func:`mend` is deterministic: the same PDF in gives the same bytes out (the file identifier is computed
from the content). :mod:`reportgen.verify_structure` checks each of these rules on any PDF.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass, field

import pikepdf
from pikepdf import Array, Dictionary, Name, Operator

from ..errors import RenderError

__all__ = ["PRINT_FLAG", "declare_pdfua", "mend"]

#: The annotation flag bit that makes an annotation print (ISO 32000-1, 12.5.3).
PRINT_FLAG = 4
#: Inline-level element types that mean nothing without content.
_EMPTY_DROPPED = frozenset({"/Span", "/NonStruct"})

#: The PDF/UA identification, and the PDF/A extension schema that declares it (ISO 14289-1, 5; ISO 19005-3,
#: 6.6.2.3: a property outside the predefined XMP schemas must be described by an extension schema).
_PDFUA_XMP = b"""<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="" \
xmlns:pdfuaid="http://www.aiim.org/pdfua/ns/id/"><pdfuaid:part>1</pdfuaid:part></rdf:Description>
"""
_PDFUA_SCHEMA_XMP = b"""<rdf:Description xmlns:rdf="http://www.w3.org/1999/02/22-rdf-syntax-ns#" rdf:about="" \
xmlns:pdfaExtension="http://www.aiim.org/pdfa/ns/extension/" xmlns:pdfaSchema="http://www.aiim.org/pdfa/ns/schema#" \
xmlns:pdfaProperty="http://www.aiim.org/pdfa/ns/property#"><pdfaExtension:schemas><rdf:Bag>\
<rdf:li rdf:parseType="Resource"><pdfaSchema:schema>PDF/UA Universal Accessibility Schema</pdfaSchema:schema>\
<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>\
<pdfaSchema:prefix>pdfuaid</pdfaSchema:prefix><pdfaSchema:property><rdf:Seq><rdf:li rdf:parseType="Resource">\
<pdfaProperty:name>part</pdfaProperty:name><pdfaProperty:valueType>Integer</pdfaProperty:valueType>\
<pdfaProperty:category>internal</pdfaProperty:category>\
<pdfaProperty:description>Indicates which part of ISO 14289 the document conforms to</pdfaProperty:description>\
</rdf:li></rdf:Seq></pdfaSchema:property></rdf:li></rdf:Bag></pdfaExtension:schemas></rdf:Description>
"""


def mend(data: bytes, archive: bool) -> bytes:
    """The PDF ``data`` with its structure tree (and, for ``archive``, its XMP) mended; see the module."""
    try:
        with pikepdf.open(io.BytesIO(data)) as pdf:
            tree = _Tree.read(pdf)
            _artifact_untreed_content(pdf, tree)
            _hang_annotations_on_links(pdf, tree)
            _print_annotations(pdf)
            _scope_header_cells(tree)
            _drop_empty_elements(tree)
            _mend_xmp(pdf, archive)
            out = io.BytesIO()
            pdf.save(
                out,
                deterministic_id=True,
                object_stream_mode=pikepdf.ObjectStreamMode.generate,
                compress_streams=True,
                recompress_flate=False,
            )
        return _unambiguous_lengths(out.getvalue())
    except RenderError:
        raise
    except Exception as exc:  # qpdf's and pikepdf's many errors: the caller needs one
        raise RenderError(f"mending the PDF's structure tree failed: {type(exc).__name__}: {exc}") from exc


def _unambiguous_lengths(data: bytes) -> bytes:
    """``data`` with no stream whose encoded bytes end in a carriage return.

    A stream is written ``stream LF <data> LF endstream``; data ending in CR then reads as if a CR LF marker
    ended it, one byte short of its /Length (PDF/A-3, 6.1.7.1; page-validation's PDFA3A-STREAM-LENGTH-001). The
    last byte of Flate data is its Adler-32 checksum's, so about one stream in 256 ends so. Such a stream is
    wrapped in ASCIIHexDecode, whose data ends in ``>``; nothing else is re-encoded (deterministic)."""
    with pikepdf.open(io.BytesIO(data)) as pdf:
        wrapped = 0
        for obj in pdf.objects:
            if isinstance(obj, pikepdf.Stream) and obj.read_raw_bytes().endswith(b"\r"):
                filters = obj.stream_dict.get("/Filter")
                chain = list(filters) if isinstance(filters, Array) else ([] if filters is None else [filters])
                parms = obj.stream_dict.get("/DecodeParms")
                listed = list(parms) if isinstance(parms, Array) else [parms] * len(chain)
                new_parms = None if parms is None else Array([None, *listed])
                encoded = obj.read_raw_bytes().hex().encode() + b">"
                obj.write(encoded, filter=Array([Name.ASCIIHexDecode, *chain]), decode_parms=new_parms)
                wrapped += 1
        if not wrapped:
            return data
        out = io.BytesIO()
        pdf.save(
            out,
            deterministic_id=True,
            object_stream_mode=pikepdf.ObjectStreamMode.preserve,
            compress_streams=False,
            stream_decode_level=pikepdf.StreamDecodeLevel.none,
        )
        return out.getvalue()


# --- the tree ----------------------------------------------------------------------------------------------


@dataclass
class _Tree:
    """The structure elements reachable from the root, each with its parent, in pre-order."""

    root: Dictionary
    elements: list[Dictionary] = field(default_factory=list)
    parent: dict[tuple[int, int], Dictionary] = field(default_factory=dict)
    reachable: pikepdf.ObjectSet = field(default_factory=pikepdf.ObjectSet)

    @classmethod
    def read(cls, pdf: pikepdf.Pdf) -> _Tree:
        root = pdf.Root.get("/StructTreeRoot")
        if not isinstance(root, Dictionary):
            raise RenderError("the PDF has no structure tree (was it rendered with pdf_tags?)")
        tree = cls(root)
        pending: list[tuple[Dictionary, pikepdf.Object | None]] = [(root, root.get("/K"))]
        while pending:
            owner, node = pending.pop()
            kids = list(node) if isinstance(node, Array) else [node]
            for kid in reversed(kids):
                if isinstance(kid, Dictionary) and "/S" in kid and tree.reachable.add(kid):
                    pending.append((kid, kid.get("/K")))
                    tree.parent[kid.objgen] = owner
        # Pre-order, the order a reader meets the elements (the stack above visits them so).
        tree.elements = list(_preorder(root))
        return tree

    def ancestors(self, element: Dictionary) -> Iterator[Dictionary]:
        current = self.parent.get(element.objgen)
        while current is not None and "/S" in current:
            yield current
            current = self.parent.get(current.objgen)


def _preorder(root: Dictionary) -> Iterator[Dictionary]:
    seen = pikepdf.ObjectSet()
    pending: list[pikepdf.Object | None] = [root.get("/K")]
    while pending:
        node = pending.pop()
        if isinstance(node, Array):
            pending.extend(reversed(list(node)))
        elif isinstance(node, Dictionary) and "/S" in node and seen.add(node):
            yield node
            pending.append(node.get("/K"))


def _kids(element: Dictionary) -> Array:
    """The element's /K as an array (a single kid is wrapped, in place)."""
    kids = element.get("/K")
    if isinstance(kids, Array):
        return kids
    wrapped = Array([] if kids is None else [kids])
    element.K = wrapped
    return wrapped


def _has_kids(element: Dictionary) -> bool:
    kids = element.get("/K")
    return len(kids) > 0 if isinstance(kids, Array) else kids is not None


def _parent_tree(pdf: pikepdf.Pdf, tree: _Tree) -> pikepdf.NumberTree:
    if "/ParentTree" not in tree.root:
        raise RenderError("the structure tree has no /ParentTree")
    return pikepdf.NumberTree(tree.root.ParentTree)


# --- the mending steps -------------------------------------------------------------------------------------


def _artifact_untreed_content(pdf: pikepdf.Pdf, tree: _Tree) -> None:
    """Content marked with an MCID whose structure element is not in the tree (WeasyPrint's margin boxes)
    is page furniture: mark it as a pagination artifact and drop its parent-tree entry."""
    parents = _parent_tree(pdf, tree)
    for page in pdf.pages:
        key = page.obj.get("/StructParents")
        if not isinstance(key, int) or int(key) not in parents:
            continue
        owners = parents[int(key)]
        if not isinstance(owners, Array):
            continue
        orphans = {
            mcid
            for mcid, owner in enumerate(owners)
            if not isinstance(owner, Dictionary) or owner not in tree.reachable
        }
        if not orphans:
            continue
        instructions = pikepdf.parse_content_stream(page)
        changed = []
        for instruction in instructions:
            operands, operator = instruction.operands, instruction.operator
            properties = operands[1] if operator == Operator("BDC") and len(operands) == 2 else None
            mcid = properties.get("/MCID") if isinstance(properties, Dictionary) else None
            if isinstance(mcid, int) and int(mcid) in orphans:
                artifact = [Name.Artifact, Dictionary(Type=Name.Pagination)]
                changed.append(pikepdf.ContentStreamInstruction(artifact, Operator("BDC")))
            else:
                changed.append(instruction)
        page.obj.Contents = pdf.make_stream(pikepdf.unparse_content_stream(changed))
        for mcid in orphans:
            owners[mcid] = None


def _hang_annotations_on_links(pdf: pikepdf.Pdf, tree: _Tree) -> None:
    """Every link annotation's object reference must be a kid of a Link element (ISO 14289-1, 7.18.5)."""
    parents = _parent_tree(pdf, tree)
    for element in list(tree.elements):
        if element.get("/S") == Name.Link:
            continue
        kids = _kids(element)
        for index in reversed(range(len(kids))):
            ref = kids[index]
            if not (isinstance(ref, Dictionary) and ref.get("/Type") == Name.OBJR):
                continue
            annotation = ref.get("/Obj")
            if not (isinstance(annotation, Dictionary) and annotation.get("/Subtype") == Name.Link):
                continue
            link = next((a for a in tree.ancestors(element) if a.get("/S") == Name.Link), None)
            del kids[index]
            if link is None:  # no Link around it: give it one, where the reference was
                link = pdf.make_indirect(Dictionary(Type=Name.StructElem, S=Name.Link, P=element, K=Array([ref])))
                kids.insert(index, link)
                tree.parent[link.objgen] = element
                tree.reachable.add(link)
            else:
                _kids(link).insert(0, ref)
            key = annotation.get("/StructParent")
            if isinstance(key, int):
                parents[int(key)] = link


def _print_annotations(pdf: pikepdf.Pdf) -> None:
    for page in pdf.pages:
        for annotation in page.obj.get("/Annots", Array()):
            if isinstance(annotation, Dictionary):
                flags = annotation.get("/F")
                annotation.F = (int(flags) if isinstance(flags, int) else 0) | PRINT_FLAG


def _scope_header_cells(tree: _Tree) -> None:
    for element in tree.elements:
        if element.get("/S") != Name.TH:
            continue
        scope = _header_scope(tree, element)
        attributes = element.get("/A")
        if isinstance(attributes, Array):
            table = next((a for a in attributes if isinstance(a, Dictionary) and a.get("/O") == Name.Table), None)
            if table is None:
                table = Dictionary(O=Name.Table)
                attributes.append(table)
        elif isinstance(attributes, Dictionary) and attributes.get("/O") == Name.Table:
            table = attributes
        else:
            table = Dictionary(O=Name.Table)
            element.A = table if attributes is None else Array([attributes, table])
        if "/Scope" not in table:
            table.Scope = scope


def _header_scope(tree: _Tree, cell: Dictionary) -> Name:
    """/Column for a header cell in a THead or in a row of header cells only, else /Row."""
    row = tree.parent.get(cell.objgen)
    section = tree.parent.get(row.objgen) if row is not None else None
    if section is not None and section.get("/S") == Name.THead:
        return Name.Column
    cells = [kid for kid in _kids(row) if isinstance(kid, Dictionary)] if row is not None else []
    if all(kid.get("/S") == Name.TH for kid in cells):
        return Name.Column
    return Name.Row


def _drop_empty_elements(tree: _Tree) -> None:
    """Remove Span and NonStruct elements with no kids (an empty swatch <span>), innermost first."""
    for element in reversed(tree.elements):
        if element.get("/S") not in _EMPTY_DROPPED or _has_kids(element) or "/ActualText" in element:
            continue
        parent = tree.parent.get(element.objgen)
        if parent is None:
            continue
        siblings = _kids(parent)
        for index in reversed(range(len(siblings))):
            if isinstance(siblings[index], Dictionary) and siblings[index].objgen == element.objgen:
                del siblings[index]


def _mend_xmp(pdf: pikepdf.Pdf, archive: bool) -> None:
    """Add the PDF/UA identification to an archive's XMP; write the metadata stream unfiltered."""
    stream = pdf.Root.get("/Metadata")
    if not isinstance(stream, pikepdf.Stream):
        raise RenderError("the PDF has no XMP metadata stream")
    xmp = stream.read_bytes()
    stream.write(declare_pdfua(xmp) if archive else xmp)  # no filter: PDF/A forbids one on the metadata stream


def declare_pdfua(xmp: bytes) -> bytes:
    """The XMP packet ``xmp`` of a PDF/A file with ``pdfuaid:part`` 1 and the extension schema declaring it
    (each added only when missing)."""
    additions = b""
    if b"pdfuaid:part" not in xmp:
        additions += _PDFUA_XMP
    if b"<pdfaSchema:namespaceURI>http://www.aiim.org/pdfua/ns/id/</pdfaSchema:namespaceURI>" not in xmp:
        additions += _PDFUA_SCHEMA_XMP
    if not additions:
        return xmp
    if xmp.count(b"</rdf:RDF>") != 1:
        raise RenderError("the XMP metadata has no single rdf:RDF element to add the PDF/UA identification to")
    return xmp.replace(b"</rdf:RDF>", additions + b"</rdf:RDF>")
