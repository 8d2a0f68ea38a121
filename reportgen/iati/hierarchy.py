"""Hierarchy roll-up (``--roll-up``): child activities merged into their parent's outcome.

A child is an activity that its parent lists with ``related-activity type="2"``, or that
lists its parent with ``related-activity type="1"``, the other end being in the same
import. The child's indicators join the parent's as ``output`` indicators whose
``result`` is the child's title (ids prefixed with the child's id); its money is not
added, since a child's money is usually the parent's own money passed down. A child of a
child goes to the top-most parent. Links that form a cycle are not rolled up.
"""

from __future__ import annotations

from dataclasses import dataclass

from .ids import make_id, numbered
from .mapping import Draft
from .records import Note

PARENT, CHILD = "1", "2"


@dataclass(frozen=True)
class RolledUp:
    child: str
    parent: str


def _parents(drafts: list[Draft]) -> dict[str, str]:
    """child identifier -> parent identifier, both in the import."""
    known = {d.identifier for d in drafts}
    parent_of: dict[str, str] = {}
    for draft in drafts:
        for rel in draft.related:
            if rel.ref == draft.identifier or rel.ref not in known:
                continue
            if rel.type == CHILD:
                parent_of.setdefault(rel.ref, draft.identifier)
            elif rel.type == PARENT:
                parent_of.setdefault(draft.identifier, rel.ref)
    return parent_of


def _top(identifier: str, parent_of: dict[str, str]) -> str | None:
    """The top-most ancestor; None when the chain loops."""
    seen = {identifier}
    while identifier in parent_of:
        identifier = parent_of[identifier]
        if identifier in seen:
            return None
        seen.add(identifier)
    return identifier


def roll_up(drafts: list[Draft]) -> tuple[list[Draft], list[RolledUp]]:
    """The drafts left after merging every child into its top-most parent, and what was merged."""
    by_id = {d.identifier: d for d in drafts}
    parent_of = _parents(drafts)
    merged: list[RolledUp] = []
    children: set[str] = set()
    for draft in drafts:
        if draft.identifier not in parent_of:
            continue
        top = _top(draft.identifier, parent_of)
        if top is None:
            draft.notes.append(Note("its parent/child links form a cycle; not rolled up", field="related-activity"))
            continue
        _merge(by_id[top], draft)
        children.add(draft.identifier)
        merged.append(RolledUp(draft.identifier, top))
    return [d for d in drafts if d.identifier not in children], merged


def _merge(parent: Draft, child: Draft) -> None:
    taken = {item["id"] for item in parent.indicators}
    for item in child.data.get("indicators", []):
        moved = dict(item)
        moved["id"] = numbered(make_id(f"{child.outcome_id}-{item['id']}"), taken)
        moved["level"] = "output"
        moved["result"] = child.data["short_title"]
        parent.indicators.append(moved)
    if not parent.data.get("indicators"):
        parent.data.pop("indicators", None)
    parent.rolled_up.append(child.identifier)
    count = len(child.data.get("indicators", []))
    parent.notes.append(
        Note(
            f"child activity {child.identifier} rolled up: {count} indicator{'s' if count != 1 else ''} added as "
            "outputs; its money is not added (a child's money is usually the parent's, passed down)",
            field="related-activity",
        )
    )
    for note in child.notes:
        parent.notes.append(Note(f"(child {child.identifier}) {note.message}", note.line, note.field))
