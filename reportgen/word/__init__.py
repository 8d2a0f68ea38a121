"""The Word edition: a ``.docx`` of every report, built from the same HTML as its PDF.

The report's HTML (the same templates, gettext catalogs, report model and formatting functions
as the PDF) is walked once and written as a Word document with python-docx, on the theme's
``reference.docx``: headings as Heading styles, tables as Word tables with a repeated header
row, charts as high-resolution PNGs with their alternative text, a TOC field, page numbers,
the document language and core properties. Narrative fields are bookmarked so that
``reportgen import docx`` maps edits back to the data (see docs/word.md).

Modules: :mod:`.formats` (the ``--format`` option, light enough for the CLI to import),
:mod:`.build` (model -> bytes), :mod:`.convert` (HTML -> document), :mod:`.package`
(deterministic zip and properties), :mod:`.reference` (a theme's reference.docx),
:mod:`.write` (files), :mod:`.readback` and :mod:`.apply` (``reportgen import docx``).
"""
