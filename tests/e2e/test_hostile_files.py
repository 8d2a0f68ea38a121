"""Hostile files in a data folder or theme, through the CLI as a user runs it: symbolic links out
of the folder (their content, a canary, appears in no output and no PDF), FIFOs (refused at once,
never waited on), devices and sparse files of gigabytes (refused from ``stat``, in bounded
memory), documents of millions of values (refused while parsing, in bounded memory), and lone
surrogates (a located data error, not an internal one). Memory is the peak resident size of the
reportgen process, measured by the process that starts it (``RUSAGE_CHILDREN``)."""

from __future__ import annotations

import os
import re
import shutil
import stat
import subprocess
import sys
from pathlib import Path

import pytest

from reportgen.paths import DEFAULT_THEME_DIR

from ..pdfread import TaggedPdf
from ..peak import run_measured

CANARY = "CANARY-91c4-SECRET"
#: A generous bound on the peak memory of a refused run (a plain `check` takes about 60 MiB).
MEMORY_BOUND_MIB = 512
#: A run that is refused must end in seconds; a FIFO waited on would run into this.
TIMEOUT = 120

_REPORTGEN = Path(sys.executable).with_name("reportgen")
COMMAND = [str(_REPORTGEN)] if _REPORTGEN.exists() else [sys.executable, "-m", "reportgen"]


class Run:
    """A finished reportgen run: exit code, output and the peak memory of its process."""

    def __init__(self, done: subprocess.CompletedProcess[str], peak: int) -> None:
        self.code = done.returncode
        self.stdout = done.stdout
        self.stderr = done.stderr
        self.peak_mib = peak / 2**20

    @property
    def output(self) -> str:
        return self.stdout + self.stderr


def reportgen(*args: str | Path) -> Run:
    """``reportgen ARGS`` in a child process, its peak memory measured; it must end within TIMEOUT."""
    return Run(*run_measured([*COMMAND, *map(str, args)], TIMEOUT))


def refused(run: Run, file: Path, reason: str) -> None:
    """The run stopped with a data error naming ``file`` and ``reason``, no traceback, no canary."""
    assert run.code == 2, run.output
    assert str(file) in run.output and reason in run.output, run.output
    assert "Traceback" not in run.output
    assert CANARY not in run.output


@pytest.fixture
def secret(tmp_path: Path) -> Path:
    """A file outside the data folder, holding the canary in a form every loader would print."""
    path = tmp_path / "secret.txt"
    path.write_text(f"root:x:0:0:{CANARY}:/root:/bin/bash\n{CANARY}: [unclosed\n", encoding="utf-8")
    return path


def check_and_build(data: Path, tmp_path: Path, file: Path, reason: str) -> None:
    """``check`` and ``build`` both refuse the data, and ``build`` writes no PDF."""
    refused(reportgen("check", "--data", data), file, reason)
    out = tmp_path / "out"
    refused(reportgen("build", "--data", data, "--out", out), file, reason)
    assert not list(out.rglob("*.pdf")) if out.exists() else True


# --- links out of the data folder -------------------------------------------------------------

LINK_OUT = "is a symbolic link to a file outside the data folder"


def test_an_outcome_file_linked_out_of_the_data_folder_is_refused_unread(
    data_copy: Path, secret: Path, tmp_path: Path
) -> None:
    link = data_copy / "outcomes" / "passwd.yaml"
    link.symlink_to(secret)
    check_and_build(data_copy, tmp_path, link, LINK_OUT)


def test_a_table_linked_out_of_the_data_folder_is_refused_unread(data_copy: Path, secret: Path, tmp_path: Path) -> None:
    (data_copy / "tables").mkdir(exist_ok=True)
    link = data_copy / "tables" / "contributions.csv"
    link.symlink_to(secret)
    check_and_build(data_copy, tmp_path, link, LINK_OUT)


def test_a_linked_outcomes_folder_is_refused(data_copy: Path, tmp_path: Path) -> None:
    elsewhere = tmp_path / "elsewhere"
    shutil.move(data_copy / "outcomes", elsewhere)
    (data_copy / "outcomes").symlink_to(elsewhere)
    run = reportgen("check", "--data", data_copy)
    refused(run, data_copy / "outcomes", "leads outside the data folder")


# --- themes ------------------------------------------------------------------------------------


def a_theme(theme: Path) -> Path:
    """A copy of the default theme at ``theme``, with a logo."""
    shutil.copytree(DEFAULT_THEME_DIR, theme)
    (theme / "logo.svg").write_text('<svg xmlns="http://www.w3.org/2000/svg" width="4" height="4"/>\n')
    settings = (theme / "theme.yaml").read_text(encoding="utf-8")
    (theme / "theme.yaml").write_text(settings.replace("# logo: logo.svg", "logo: logo.svg", 1), encoding="utf-8")
    return theme


def name_theme(data: Path, name: str) -> None:
    """``data``'s organization names the theme ``name``."""
    organization = data / "organization.yaml"
    text = organization.read_text(encoding="utf-8")
    organization.write_text(text.replace("  currency: USD\n", f"  currency: USD\n  theme: {name}\n", 1))


def theme_in(data: Path, name: str = "house") -> Path:
    """A theme inside ``data``, named by its organization."""
    name_theme(data, name)
    return a_theme(data / name)


@pytest.mark.parametrize("name", ["theme.css", "print.css", "fonts/Inter-Regular.otf", "logo.svg"])
def test_a_theme_file_linked_out_of_the_theme_folder_is_refused(
    name: str, data_copy: Path, secret: Path, tmp_path: Path
) -> None:
    theme = theme_in(data_copy)
    (theme / name).unlink()
    (theme / name).symlink_to(secret)
    # theme.css is located at itself; the files theme.yaml names, at their line in theme.yaml
    located = theme / name if name == "theme.css" else theme / "theme.yaml"
    check_and_build(data_copy, tmp_path, located, "is a symbolic link to a file outside the theme folder")
    run = reportgen("build", "--data", data_copy, "--out", tmp_path / "out2", "--theme", theme, "--print")
    refused(run, located, "is a symbolic link to a file outside the theme folder")


def test_a_theme_folder_linked_out_of_the_data_folder_is_not_used(data_copy: Path, tmp_path: Path) -> None:
    name_theme(data_copy, "house")
    (data_copy / "house").symlink_to(a_theme(tmp_path / "outside"))
    run = reportgen("check", "--data", data_copy)
    assert run.code == 2 and "no theme 'house'" in run.output, run.output


def test_a_theme_stylesheet_importing_a_link_out_of_the_theme_renders_without_it(
    data_copy: Path, tmp_path: Path
) -> None:
    """A file theme.yaml does not name, reached from the stylesheet: the fetcher resolves the link,
    refuses it with a warning, and the PDF holds none of it."""
    theme = theme_in(data_copy)
    leak = tmp_path / "leak.css"
    leak.write_text(f'h1::before {{ content: "{CANARY}"; }}\n', encoding="utf-8")
    (theme / "extra.css").symlink_to(leak)
    sheet = theme / "theme.css"
    sheet.write_text('@import url("extra.css");\n' + sheet.read_text(encoding="utf-8"), encoding="utf-8")
    pdf = tmp_path / "brief.pdf"
    run = reportgen("brief", "mex-justice", "--data", data_copy, "--out", pdf)
    assert run.code == 0, run.output
    assert "refused to load" in run.output and "extra.css" in run.output
    assert CANARY not in TaggedPdf(pdf).text and CANARY.encode() not in pdf.read_bytes()


def test_a_sparse_theme_stylesheet_of_3_gib_is_refused_in_bounded_memory(data_copy: Path, tmp_path: Path) -> None:
    theme = theme_in(data_copy)
    sheet = theme / "theme.css"
    os.truncate(sheet, 3 * 1024**3)  # no disk used
    for command in ("check", "build"):
        out = ("--out", tmp_path / "out") if command == "build" else ()
        run = reportgen(command, "--data", data_copy, *out)
        refused(run, sheet, "more than theme_file_max_bytes=2MiB")
        assert run.peak_mib < MEMORY_BOUND_MIB, run.peak_mib


# --- FIFOs and devices -------------------------------------------------------------------------


def test_a_fifo_as_organization_file_is_refused_at_once(data_copy: Path) -> None:
    organization = data_copy / "organization.yaml"
    organization.unlink()
    os.mkfifo(organization)  # nobody writes: a reader that opened it would wait for ever
    refused(reportgen("check", "--data", data_copy), organization, "is a FIFO (named pipe), not a regular file")


def test_a_fifo_given_to_import_iati_is_refused_at_once(tmp_path: Path) -> None:
    fifo = tmp_path / "activities.xml"
    os.mkfifo(fifo)
    run = reportgen("import", "iati", fifo, "--out", tmp_path / "imported")
    refused(run, fifo, "is a FIFO (named pipe), not a regular file")


@pytest.mark.parametrize("device", ["/dev/zero", "/dev/urandom"])
def test_a_device_linked_as_organization_file_is_refused_in_bounded_memory(device: str, data_copy: Path) -> None:
    if not os.path.exists(device):
        pytest.skip(f"no {device} here")
    organization = data_copy / "organization.yaml"
    organization.unlink()
    organization.symlink_to(device)
    run = reportgen("check", "--data", data_copy)
    refused(run, organization, LINK_OUT)
    assert run.peak_mib < MEMORY_BOUND_MIB, run.peak_mib


def test_a_device_inside_the_data_folder_is_refused_in_bounded_memory(data_copy: Path) -> None:
    organization = data_copy / "organization.yaml"
    organization.unlink()
    try:
        os.mknod(organization, stat.S_IFCHR | 0o644, os.makedev(1, 5))  # the numbers of /dev/zero
    except PermissionError:
        pytest.skip("creating a device needs CAP_MKNOD")
    run = reportgen("check", "--data", data_copy)
    refused(run, organization, "is a character device, not a regular file")
    assert run.peak_mib < MEMORY_BOUND_MIB, run.peak_mib


# --- documents of millions of values ----------------------------------------------------------


def test_a_json_outcome_of_9_million_values_is_refused_in_bounded_memory(data_copy: Path) -> None:
    outcome = data_copy / "outcomes" / "huge.json"
    outcome.write_text("[" + ",".join(["0"] * 9_000_000) + "]", encoding="ascii")  # 18 MB: under json_max_bytes
    run = reportgen("check", "--data", data_copy)
    refused(run, outcome, "more than document_max_values=500000")
    assert run.peak_mib < MEMORY_BOUND_MIB, run.peak_mib


@pytest.mark.parametrize("form", ["block", "flow"])
def test_a_yaml_outcome_of_5_million_values_is_refused_in_bounded_memory(form: str, data_copy: Path) -> None:
    outcome = data_copy / "outcomes" / "huge.yaml"
    text = "- a\n" * 5_000_000 if form == "block" else "[" + ",".join(["a"] * 5_000_000) + "]\n"
    outcome.write_text(text, encoding="ascii")  # 20,000,000 or 10,000,002 bytes: under yaml_max_bytes
    run = reportgen("check", "--data", data_copy)
    refused(run, outcome, "more than document_max_values=500000")
    assert run.peak_mib < MEMORY_BOUND_MIB, run.peak_mib


# --- lone surrogates ---------------------------------------------------------------------------


def test_a_lone_surrogate_is_a_located_data_error_for_check_and_build(data_copy: Path, tmp_path: Path) -> None:
    source = data_copy / "outcomes" / "mex-justice.yaml"
    text = source.read_text(encoding="utf-8")
    found = re.search(r"^short_title: .*$", text, flags=re.MULTILINE)
    assert found, "the bundled outcome has a one-line short_title"
    source.write_text(text[: found.start()] + 'short_title: "Justice \\ud800"' + text[found.end() :], encoding="utf-8")
    line = text[: found.start()].count("\n") + 1
    for command in ("check", "build"):
        out = ("--out", tmp_path / "out") if command == "build" else ()
        run = reportgen(command, "--data", data_copy, *out)
        assert run.code == 2, run.output
        assert re.search(rf"{line}: (error: )?short_title: the text holds \\ud800", run.output), run.output
        assert "UnicodeEncodeError" not in run.output and "Traceback" not in run.output
