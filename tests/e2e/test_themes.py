"""Themes: each shipped theme controls the look of every report kind (fonts, colours, logo, cover,
template overrides, charts), organizations name theirs, and a broken theme is located."""

from __future__ import annotations

import base64
import re
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from reportgen.paths import DEFAULT_THEME_DIR, THEMES_DIR
from reportgen.verify import verify

from ..batchutil import in_process as run
from ..pdfread import TaggedPdf, colours, fonts, norm

ROOT = Path(__file__).resolve().parents[2]
KINDS = {"brief": "briefs/mex-justice-2024.pdf", "donor": "donors/sweden-2024.pdf", "country": "countries/mex-2024.pdf"}


def theme_settings(folder: Path) -> dict[str, object]:
    settings: dict[str, object] = yaml.safe_load((folder / "theme.yaml").read_text(encoding="utf-8"))
    return settings


def css_variable(folder: Path, name: str) -> str:
    """A theme's ``--name`` from its theme.css, falling back to the default theme's."""
    for source in (folder, DEFAULT_THEME_DIR):
        found = re.search(rf"{name}:\s*(#[0-9a-fA-F]{{6}})", (source / "theme.css").read_text(encoding="utf-8"))
        if found:
            return found.group(1).lower()
    raise AssertionError(name)


def fill_colours(path: Path, page: int) -> set[tuple[float, ...]]:
    """RGB fill and stroke colours set on a page's own content stream."""
    return {c.values for c in colours(path) if c.page == page and c.on_page and c.space == "rgb"}


def rgb(colour: str) -> tuple[float, float, float]:
    return tuple(round(int(colour[i : i + 2], 16) / 255, 3) for i in (1, 3, 5))  # type: ignore[return-value]


def naming(original: str, theme: str) -> str:
    """``organization.yaml``'s text with ``theme:`` added to the organization."""
    return original.replace("  currency: USD\n", f"  currency: USD\n  theme: {theme}\n", 1)


def data_naming(tmp_path: Path, theme: str) -> Path:
    """A copy of the bundled data whose organization names ``theme``."""
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    organization = data / "organization.yaml"
    organization.write_text(naming(organization.read_text(), theme))
    return data


def squash(name: str) -> str:
    """A font name without case, spaces or hyphens: "EB Garamond" and "/ABCDEF+EB-Garamond" meet."""
    return re.sub(r"[^a-z0-9]", "", name.lower())


def font_families(folder: Path) -> set[str]:
    """The family names a theme's @font-face rules declare."""
    return set(re.findall(r'font-family:\s*"([^"]+)"', (folder / "theme.css").read_text(encoding="utf-8")))


@pytest.fixture(scope="module", params=["default", "meridian"])
def themed(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, Path]:
    """(theme folder, output folder) of one report of each kind of the bundled data, made with each
    shipped theme by the report's own command (``build`` would make eight more that no test reads)."""
    out = tmp_path_factory.mktemp(f"theme-{request.param}")
    for kind, path in KINDS.items():
        entity = Path(path).stem.rsplit("-", 1)[0]
        target = out / path
        result = run(kind, entity, "--data", str(ROOT / "data"), "--out", str(target), "--theme", request.param)
        assert result.returncode == 0, result.stderr
    return THEMES_DIR / request.param, out


@pytest.mark.parametrize("kind", KINDS)
def test_every_kind_renders_verifies_and_embeds_only_the_themes_fonts(themed: tuple[Path, Path], kind: str) -> None:
    folder, out = themed
    path = out / KINDS[kind]
    assert [check.detail for check in verify(path) if not check.passed] == []
    used = fonts(path)
    assert used and all(used.values())
    wanted = {squash(family) for family in font_families(folder)}
    families = {next((family for family in wanted if family in squash(name)), name) for name in used}
    assert families == wanted  # the theme's fonts, all of them (headings and text), and no other


@pytest.mark.parametrize("kind", KINDS)
def test_the_themes_colours_are_the_ones_painted(themed: tuple[Path, Path], kind: str) -> None:
    folder, out = themed
    colours = fill_colours(out / KINDS[kind], 0)
    own = rgb(css_variable(folder, "--primary"))
    assert own in colours
    for other in THEMES_DIR.iterdir():
        if other != folder and (other / "theme.css").is_file():
            assert rgb(css_variable(other, "--primary")) not in colours or rgb(css_variable(other, "--primary")) == own


def test_the_logo_is_a_figure_with_the_themes_alternative_text(themed: tuple[Path, Path]) -> None:
    folder, out = themed
    settings = theme_settings(folder)
    for kind in KINDS:
        alts = [norm(figure.alt or "") for figure in TaggedPdf(out / KINDS[kind]).root.find("Figure")]
        if settings.get("logo"):
            assert norm(str(settings["logo_alt"])) in alts, kind
        else:
            assert not any("emblem" in alt or "logo" in alt.lower() for alt in alts), kind


def test_a_template_override_in_the_theme_is_used(themed: tuple[Path, Path]) -> None:
    """Meridian overrides partials/logo.html to set the organization's name beside its emblem."""
    folder, out = themed
    overridden = (folder / "templates" / "partials" / "logo.html").is_file()
    cover = subprocess.run(
        ["pdftotext", "-f", "1", "-l", "1", "-layout", str(out / KINDS["country"]), "-"],
        capture_output=True,
        text=True,
        check=True,
    ).stdout
    assert ("UN Women" in cover) is overridden  # the default cover names it only in capitals


def test_charts_take_the_themes_palette_and_font(themed: tuple[Path, Path]) -> None:
    from reportgen import load_dataset
    from reportgen.kinds import kind
    from reportgen.options import RenderOptions
    from reportgen.pipeline import report_html

    folder, _ = themed
    settings = theme_settings(folder)
    charts_settings = settings["charts"]
    assert isinstance(charts_settings, dict)
    dataset = load_dataset(ROOT / "data")
    report_kind = kind("brief")
    report = report_kind.build(dataset, "mex-justice", None, None, None)
    document = report_html(report_kind, report, RenderOptions(theme_dir=folder))
    svgs = [
        base64.b64decode(chunk).decode()
        for chunk in re.findall(r"data:image/svg\+xml;base64,([A-Za-z0-9+/=]+)", document.html)
    ]
    chart = next(svg for svg in svgs if "font-family" in svg or "font:" in svg)
    palette = [str(colour).lower() for colour in charts_settings["palette"]]
    drawn = {palette[row.colour_index % len(palette)] for row in report.contributions.rows}
    assert drawn and all(colour in chart.lower() for colour in drawn)  # each partner in its theme colour
    assert str(charts_settings["font"]) in chart


def test_the_organization_names_its_theme_and_the_option_wins(tmp_path: Path) -> None:
    data = data_naming(tmp_path, "meridian")
    named = tmp_path / "named.pdf"
    assert run("brief", "mex-justice", "--data", str(data), "--out", str(named)).returncode == 0
    assert any("ebgaramond" in squash(name) for name in fonts(named))
    chosen = tmp_path / "chosen.pdf"
    assert run("brief", "mex-justice", "--data", str(data), "--out", str(chosen), "--theme", "default").returncode == 0
    assert all("inter" in squash(name) for name in fonts(chosen))


def test_theme_new_copies_the_default_and_a_data_folder_can_carry_its_theme(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    made = run("theme", "new", "Acme Relief", "--out", str(data / "themes" / "acme"))
    assert made.returncode == 0, made.stderr
    assert "theme.css" in made.stdout
    folder = data / "themes" / "acme"
    assert theme_settings(folder)["name"] == "Acme Relief"
    again = run("theme", "new", "Acme Relief", "--out", str(folder))
    assert again.returncode == 2 and "already exists" in again.stderr

    # An untouched copy renders exactly as the default theme does.
    plain, copied = tmp_path / "plain.pdf", tmp_path / "copied.pdf"
    assert run("brief", "mex-justice", "--data", str(data), "--out", str(plain)).returncode == 0
    assert (
        run("brief", "mex-justice", "--data", str(data), "--out", str(copied), "--theme", str(folder)).returncode == 0
    )
    assert plain.read_bytes() == copied.read_bytes()

    # Edited, and named by the organization (relative to the data folder), it changes the report.
    css = folder / "theme.css"
    css.write_text(css.read_text().replace("--primary: #0b3d6e;", "--primary: #6a1b4d;", 1))
    organization = data / "organization.yaml"
    organization.write_text(naming(organization.read_text(), "themes/acme"))
    edited = tmp_path / "edited.pdf"
    assert run("brief", "mex-justice", "--data", str(data), "--out", str(edited)).returncode == 0
    assert rgb("#6a1b4d") in fill_colours(edited, 0)


def test_a_broken_theme_is_located(tmp_path: Path) -> None:
    data = tmp_path / "data"
    shutil.copytree(ROOT / "data", data)
    folder = data / "themes" / "broken"
    shutil.copytree(DEFAULT_THEME_DIR, folder)
    settings = folder / "theme.yaml"
    text = settings.read_text()
    settings.write_text(text.replace('  text: "#1f2933"', '  text: "dark grey"', 1))
    organization = data / "organization.yaml"
    original = organization.read_text()
    organization.write_text(naming(original, "themes/broken"))
    checked = run("check", "--data", str(data))
    output = checked.stdout + checked.stderr
    line = text.splitlines().index('  text: "#1f2933"') + 1
    assert checked.returncode == 2 and str(settings) in output
    assert f"{line}: error: charts.text: must be a colour written #rrggbb (as in theme.css), got 'dark grey'" in output

    settings.write_text(text.replace("fonts/Inter-Bold.otf", "fonts/Missing.otf", 1))
    missing = run("check", "--data", str(data))
    font_line = text.splitlines().index("    - fonts/Inter-Bold.otf") + 1
    assert missing.returncode == 2
    assert f"{font_line}: error: charts.font_files[4]: no file 'fonts/Missing.otf'" in missing.stdout + missing.stderr

    organization.write_text(naming(original, "nowhere"))
    unknown = run("check", "--data", str(data))
    theme_line = organization.read_text().splitlines().index("  theme: nowhere") + 1
    assert unknown.returncode == 2
    assert f"{theme_line}: error: organization.theme: no theme 'nowhere'" in unknown.stdout + unknown.stderr
    assert "meridian" in unknown.stdout + unknown.stderr  # the built-in themes are named

    outside = tmp_path / "elsewhere"
    shutil.copytree(DEFAULT_THEME_DIR, outside)  # a real theme, but outside the data folder
    organization.write_text(naming(original, "../elsewhere"))
    escaping = run("check", "--data", str(data))
    assert escaping.returncode == 2 and "organization.theme: no theme '../elsewhere'" in escaping.stdout

    bad_option = run("brief", "mex-justice", "--data", str(ROOT / "data"), "--theme", "nowhere")
    assert bad_option.returncode == 2 and "neither a folder with theme.yaml nor a built-in theme" in bad_option.stderr


def test_a_batch_and_its_compendiums_follow_the_organizations_theme(tmp_path: Path) -> None:
    data = data_naming(tmp_path, "meridian")
    out = tmp_path / "out"
    made = run("batch", "--data", str(data), "--out", str(out), "--kinds", "country", "--year", "2024", "--compendium")
    assert made.returncode == 0, made.stderr
    compendiums = sorted((out / "compendiums").glob("*.pdf"))
    assert compendiums
    for path in [*compendiums, *sorted((out / "countries").glob("*.pdf"))]:
        families = {squash(name) for name in fonts(path)}
        assert families and not any("inter" in name for name in families), (path.name, families)
