"""The visual regression check (scripts/visual_check.py, ``make visual``) as one test: a fixed set of
pages, both themes, en/es/fr, compared with the committed references in tests/visual/ref/."""

from __future__ import annotations

import importlib.util
import shutil
import sys
from pathlib import Path
from types import ModuleType

import pytest

ROOT = Path(__file__).resolve().parents[2]


def visual_check() -> ModuleType:
    spec = importlib.util.spec_from_file_location("visual_check", ROOT / "scripts" / "visual_check.py")
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # the process pool pickles its functions by module name
    spec.loader.exec_module(module)
    return module


@pytest.mark.skipif(shutil.which("pdftoppm") is None, reason="pdftoppm (poppler-utils) is needed to render pages")
def test_pages_look_as_their_references(tmp_path: Path) -> None:
    check = visual_check()
    references = sorted(p.stem for p in check.REFERENCES.glob("*.png"))
    assert references == sorted(check.page_names()), "references out of step with the page set: make visual-refs"
    differences = check.check(out=tmp_path / "visual")
    assert not differences, "\n".join(
        [*(str(d) for d in differences), "if the change is intended, regenerate the references: make visual-refs"]
    )


def test_a_changed_page_differs_and_its_images_are_saved(tmp_path: Path) -> None:
    """Noise within the tolerance passes; a moved block fails and leaves the page, the reference and
    a difference image behind (no rendering: a committed reference is altered)."""
    check = visual_check()
    from PIL import Image, ImageDraw

    reference = next(iter(sorted(check.REFERENCES.glob("*.png"))))
    with Image.open(reference) as image:
        page = image.convert("RGB")
    noisy = page.point(lambda v: max(v - check.TOLERANCE // 2, 0))
    noisy.save(tmp_path / "noisy.png")
    assert check.compare("noisy", tmp_path / "noisy.png", reference, tmp_path / "out") is None
    ImageDraw.Draw(page).rectangle((40, 40, 140, 90), fill=(11, 61, 110))
    page.save(tmp_path / "changed.png")
    difference = check.compare("changed", tmp_path / "changed.png", reference, tmp_path / "out")
    assert difference is not None and "pixels" in difference.reason
    assert sorted(p.name for p in difference.saved) == ["changed-diff.png", "changed-expected.png", "changed.png"]
    assert all(p.is_file() for p in difference.saved)
