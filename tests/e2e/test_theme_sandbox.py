"""A data folder's theme cannot run code or read files through its templates, and data text
cannot break out of the CSS of a running header: the real ``reportgen`` command, run on a copy
of the bundled data whose organization names a theme inside it.

The command runs in this process (click's runner: the same command, arguments, exit code and
streams) so that each case costs its render, not a Python start with WeasyPrint and matplotlib
to import; one escape and one error run in a real ``python -m reportgen`` process as well.

- each classic Jinja escape in a theme template override (and in a ``--templates`` folder) makes
  the command fail with a located template error, and a canary shows that nothing ran;
- a template that is a symlink out of its folder, a theme ``templates/`` folder that is a symlink
  out of the theme, and a FIFO are refused by name, without their content in the output;
- an organization ``short_name`` holding CR, FF, CR LF, NUL, quotes, backslashes or ``</style>``
  prints literally in a donor report's running header, and the rule it carries does not apply.
"""

from __future__ import annotations

import os
import shutil
import subprocess
from pathlib import Path

import pytest
import yaml

from reportgen.paths import DEFAULT_THEME_DIR

from ..batchutil import cli as run_process
from ..batchutil import in_process as run
from ..pdfread import colours, norm
from ..unit.test_template_sandbox import ESCAPES

ROOT = Path(__file__).resolve().parents[2]
OVERRIDE = Path("themes", "evil", "templates", "partials", "logo.html")
SECRET = "TOPSECRET-91c2: a line of a file outside the data folder"


@pytest.fixture(scope="module")
def data(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the bundled data whose organization names its own theme, ``themes/evil``."""
    data = tmp_path_factory.mktemp("sandbox") / "data"
    shutil.copytree(ROOT / "data", data)
    shutil.copytree(DEFAULT_THEME_DIR, data / "themes" / "evil")
    (data / OVERRIDE).parent.mkdir(parents=True)
    organization = data / "organization.yaml"
    organization.write_text(
        organization.read_text().replace("  currency: USD\n", "  currency: USD\n  theme: themes/evil\n", 1)
    )
    return data


@pytest.fixture()
def secret(tmp_path: Path) -> Path:
    file = tmp_path / "secret.html"
    file.write_text(SECRET, encoding="utf-8")
    return file


def override(data: Path, source: str | None = None, link: Path | None = None) -> Path:
    """Make the theme's ``partials/logo.html`` (included by every report) ``source``, or a link."""
    file = data / OVERRIDE
    templates = data / "themes" / "evil" / "templates"
    if templates.is_symlink():
        templates.unlink()
        file.parent.mkdir(parents=True)
    if file.is_symlink() or file.exists():
        file.unlink()
    if link is not None:
        file.symlink_to(link)
    elif source is not None:
        file.write_text(source, encoding="utf-8")
    return file


def assert_refused(result: subprocess.CompletedProcess[str], file: Path, out: Path) -> None:
    """The render failed with reportgen's own error naming ``file``, and wrote no PDF."""
    assert result.returncode == 1, result.stdout + result.stderr
    assert f"error: template {file}" in result.stderr, result.stderr
    assert "Traceback" not in result.stderr
    assert not out.exists()


def assert_file_refused(result: subprocess.CompletedProcess[str], file: Path, out: Path) -> None:
    """``file`` was refused by the template loader (a template error, exit 1) or where the theme
    is loaded (a data error naming it, exit 2), and no PDF was written."""
    if result.returncode == 2:
        assert str(file) in result.stderr and "Traceback" not in result.stderr and not out.exists(), result.stderr
    else:
        assert_refused(result, file, out)


def pdf_text(path: Path) -> str:
    return subprocess.run(["pdftotext", str(path), "-"], capture_output=True, text=True, check=True).stdout


@pytest.mark.parametrize("payload", ESCAPES.values(), ids=list(ESCAPES))
def test_an_escape_in_a_theme_from_the_data_is_refused_and_runs_nothing(
    data: Path, tmp_path: Path, payload: str
) -> None:
    canary = tmp_path / "CANARY"
    file = override(data, payload.replace("CANARY", str(canary)))
    out = tmp_path / "brief.pdf"
    result = run("brief", "mex-justice", "--data", str(data), "--out", str(out))
    assert_refused(result, file, out)
    assert not canary.exists()
    assert "uid=" not in result.stdout + result.stderr and "root:" not in result.stdout + result.stderr


@pytest.mark.parametrize("name", ["function globals", "mro subclasses"])
def test_an_escape_is_refused_by_the_command_in_its_own_process(data: Path, tmp_path: Path, name: str) -> None:
    canary = tmp_path / "CANARY"
    file = override(data, ESCAPES[name].replace("CANARY", str(canary)))
    out = tmp_path / "brief.pdf"
    result = run_process("brief", "mex-justice", "--data", str(data), "--out", str(out))
    assert_refused(result, file, out)
    assert not canary.exists()


@pytest.mark.parametrize(
    ("payload", "detail"),
    [
        ("{{ 1 / 0 }}", "ZeroDivisionError: division by zero"),
        ("{{ range(10**10) | list | length }}", "OverflowError: Range too big"),
        ("{{ ('x' * 10**10) | length }}", "'*' would make a sequence of 10000000000 items"),
    ],
    ids=["division by zero", "range bomb", "repeat bomb"],
)
def test_an_error_a_theme_template_raises_is_its_own_located_error(
    data: Path, tmp_path: Path, payload: str, detail: str
) -> None:
    """Not an internal error: the template raised it, so the message is the template's, at its line."""
    file = override(data, f"\n{payload}")
    out = tmp_path / "brief.pdf"
    result = run("brief", "mex-justice", "--data", str(data), "--out", str(out))
    assert_refused(result, file, out)
    assert f"error: template {file}:2: {detail}" in result.stderr
    assert "internal error" not in result.stderr


def test_build_refuses_every_report_of_an_escaping_theme(data: Path, tmp_path: Path) -> None:
    canary = tmp_path / "CANARY"
    file = override(data, f"{{{{ cycler.__init__.__globals__.os.popen('touch {canary}; id').read() }}}}")
    out = tmp_path / "out"
    result = run("build", "--data", str(data), "--out", str(out))
    assert result.returncode == 1, result.stdout + result.stderr
    assert str(file) in result.stdout + result.stderr and "Traceback" not in result.stderr
    assert not canary.exists()
    made = sorted(out.rglob("*.pdf")) if out.exists() else []
    assert all("uid=" not in pdf_text(path) for path in made)


@pytest.mark.parametrize("name", ["function globals", "mro subclasses", "path from the context", "format string"])
def test_an_escape_in_a_templates_folder_is_refused_too(tmp_path: Path, name: str) -> None:
    """``--templates`` is trusted, but runs in the same sandbox: one rule for every template."""
    canary = tmp_path / "CANARY"
    file = tmp_path / "templates" / "partials" / "logo.html"
    file.parent.mkdir(parents=True)
    file.write_text(ESCAPES[name].replace("CANARY", str(canary)), encoding="utf-8")
    out = tmp_path / "brief.pdf"
    result = run(
        "brief", "mex-justice", "--data", str(ROOT / "data"), "--templates", str(file.parents[1]), "--out", str(out)
    )
    assert_refused(result, file, out)
    assert not canary.exists()


@pytest.mark.parametrize("target", ["secret", "/etc/passwd"])
def test_an_included_symlink_out_of_the_theme_is_refused(data: Path, tmp_path: Path, secret: Path, target: str) -> None:
    override(data, '{% include "partials/leak.html" %}')
    leak = data / OVERRIDE.parent / "leak.html"
    leak.unlink(missing_ok=True)
    leak.symlink_to(secret if target == "secret" else Path(target))
    out = tmp_path / "brief.pdf"
    result = run("brief", "mex-justice", "--data", str(data), "--out", str(out))
    leak.unlink()
    assert_file_refused(result, leak, out)
    if result.returncode == 1:
        assert "outside the template folder" in result.stderr
        assert f"named at {data / OVERRIDE}:1" in result.stderr
    assert SECRET not in result.stdout + result.stderr and "root:" not in result.stdout + result.stderr


def test_a_theme_templates_folder_linked_out_of_the_theme_is_refused(data: Path, tmp_path: Path) -> None:
    outside = tmp_path / "outside"
    (outside / "partials").mkdir(parents=True)
    (outside / "partials" / "logo.html").write_text(SECRET, encoding="utf-8")
    templates = data / "themes" / "evil" / "templates"
    shutil.rmtree(templates)
    templates.symlink_to(outside, target_is_directory=True)
    out = tmp_path / "donor.pdf"
    try:
        result = run("donor", "sweden", "--data", str(data), "--out", str(out))
    finally:
        templates.unlink()
        (templates / "partials").mkdir(parents=True)
    # Refused where the theme is loaded (a data error naming the folder, exit 2), or else by the
    # template loader (a template error naming the template, exit 1): either way, never read.
    assert result.returncode in (1, 2) and "Traceback" not in result.stderr and not out.exists()
    named = str(templates / "partials" / "logo.html") if result.returncode == 1 else str(templates)
    assert named in result.stderr and "outside" in result.stderr, result.stderr
    assert SECRET not in result.stdout + result.stderr


def test_a_fifo_template_is_refused_at_once(data: Path, tmp_path: Path) -> None:
    file = override(data)
    os.mkfifo(file)
    out = tmp_path / "brief.pdf"
    try:
        result = run_process("brief", "mex-justice", "--data", str(data), "--out", str(out), timeout=120)  # a hang
    finally:
        file.unlink()
    assert_file_refused(result, file, out)
    assert "not a regular file" in result.stderr or result.returncode == 2


# --- data text in CSS --------------------------------------------------------------------------

#: Each breaks out of a CSS string that escapes only LF, or out of the <style> element.
BREAKERS = {"CR": "\r", "FF": "\f", "CRLF": "\r\n", "VT": "\x0b", "NUL": "\x00", "quote": '"', "backslash": "\\"}
RED = (1.0, 0.0, 0.0)


def short_name(data: Path, tmp_path: Path, name: str) -> Path:
    """A copy of ``data`` whose organization's ``short_name`` is ``name`` (a YAML string)."""
    copy = tmp_path / "data"
    shutil.copytree(data, copy, symlinks=True)
    organization = copy / "organization.yaml"
    settings = yaml.safe_load(organization.read_text(encoding="utf-8"))
    settings["organization"]["short_name"] = name  # one string for every language
    organization.write_text(yaml.safe_dump(settings, allow_unicode=False, sort_keys=False), encoding="utf-8")
    return copy


@pytest.mark.parametrize(
    "name",
    [
        *(f"UN{breaker}}} body {{ color: #ff0000 }} a {{ b: c" for breaker in BREAKERS.values()),
        'UN"; } body { color: #ff0000 } a { b: "',
        "UN</style><style>body { color: #ff0000 }</style>",
        'UN\\"; } body { color: #ff0000 } /*',
    ],
    ids=[*BREAKERS, "quote and brace", "end of style", "escaped quote"],
)
def test_a_short_name_prints_literally_in_the_running_header_and_injects_no_rule(
    data: Path, tmp_path: Path, name: str
) -> None:
    override(data)  # the theme's templates are the built-in ones
    copy = short_name(data, tmp_path, name)
    out = tmp_path / "donor.pdf"
    result = run("donor", "sweden", "--data", str(copy), "--out", str(out))
    if result.returncode == 2:  # the data may refuse a control character; then nothing reaches CSS
        assert "short_name" in result.stdout + result.stderr and not out.exists()
        return
    assert result.returncode == 0, result.stderr
    assert RED not in {colour.values for colour in colours(out) if colour.space == "rgb"}
    pages = pdf_text(out).split("\f")
    visible = norm("".join(" " if char < " " else char for char in name.replace("\x00", "")))
    headed = [page for page in pages[1:] if visible in norm(page.replace("\ufffd", ""))]
    assert len(headed) >= len(pages) // 2, (visible, pages[1][:300])  # the running header of the inner pages
