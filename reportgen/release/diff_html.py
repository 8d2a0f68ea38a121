"""The diff of two batches as one self-contained HTML page: inline CSS, no script, no image, no
link to anything outside it, so it reads offline and can be mailed. Every text from the
reports is escaped (a narrative may hold ``<script>``)."""

from __future__ import annotations

from html import escape

from .diff import BatchDiff, Change, ReportDiff
from .textdiff import shortened

_CSS = """
body{font:15px/1.45 system-ui,sans-serif;margin:2rem auto;max-width:70rem;padding:0 1rem;color:#1b1b1b}
h1{font-size:1.4rem}h2{font-size:1.05rem;margin:1.6rem 0 .4rem}
table{border-collapse:collapse;width:100%}td,th{border-bottom:1px solid #ddd;padding:.25rem .5rem;
text-align:left;vertical-align:top}th{background:#f3f3f3}.state{font-weight:600}
del{background:#fdd;text-decoration:line-through}ins{background:#dfd;text-decoration:none}
.old{color:#9b1c1c}.new{color:#14632d}.note{color:#555}
"""


def _change_row(change: Change) -> str:
    if change.words:
        tags = {"=": ("", ""), "-": ("<del>", "</del>"), "+": ("<ins>", "</ins>")}
        pieces = shortened(change.words, context=12)  # long unchanged runs cut to the words around a change
        text = " ".join(f"{tags[p.op][0]}{escape(p.text)}{tags[p.op][1]}" for p in pieces)
        return f"<tr><td>{escape(change.where)}</td><td colspan=2>{text}</td></tr>"
    old = escape(change.old) if change.old is not None else "<em>none</em>"
    new = escape(change.new) if change.new is not None else "<em>none</em>"
    return f"<tr><td>{escape(change.where)}</td><td class=old>{old}</td><td class=new>{new}</td></tr>"


def _report(report: ReportDiff) -> str:
    head = f"<h2>{escape(report.path)} <span class=state>{escape(report.state)}</span></h2>"
    note = f"<p class=note>{escape(report.note)}</p>" if report.note else ""
    if not report.changes:
        return head + note
    rows = "".join(_change_row(c) for c in report.changes)
    return f"{head}{note}<table><tr><th>where</th><th>old</th><th>new</th></tr>{rows}</table>"


def diff_page(diff: BatchDiff) -> str:
    counts = ", ".join(f"{n} {state}" for state, n in sorted(diff.counts().items()))
    body = "".join(_report(r) for r in diff.reports if r.state != "unchanged")
    title = f"reportgen diff: {diff.old} → {diff.new}"
    return (
        '<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">'
        "<meta http-equiv=\"Content-Security-Policy\" content=\"default-src 'none'; style-src 'unsafe-inline'\">"
        f"<title>{escape(title)}</title><style>{_CSS}</style></head><body>"
        f"<h1>{escape(title)}</h1><p>{escape(counts or 'no reports')}</p>{body or '<p>Nothing changed.</p>'}"
        "</body></html>\n"
    )
