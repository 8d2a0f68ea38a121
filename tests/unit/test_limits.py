"""Every input limit is enforced with a message naming the file, the limit, its value and how
to raise it; ``--limit NAME=VALUE`` (and ``REPORTGEN_LIMITS``) configure them, and bad settings
are usage errors. Hostile files (a YAML billion laughs, a 1 GB zip bomb) are refused at once."""

from __future__ import annotations

import io
import shutil
import struct
import time
import zipfile
import zlib
from collections.abc import Callable
from pathlib import Path

import pytest
from click.testing import CliRunner, Result
from openpyxl import Workbook

from reportgen.cli import main
from reportgen.errors import DataError, UsageError
from reportgen.iati.parse import ActivityFile
from reportgen.limits import (
    ENV_VAR,
    GiB,
    LimitError,
    Limits,
    MiB,
    current,
    describe,
    format_value,
    from_environment,
    names,
    parse_settings,
    parse_value,
    using,
)
from reportgen.load import load_dataset
from reportgen.paths import DEFAULT_THEME_DIR

from ..datafiles import MINIMAL_OUTCOME, ONE_PARTNER_ORGANIZATION
from ..iati_xml import activity, document

ORGANIZATION = ONE_PARTNER_ORGANIZATION
OUTCOME = MINIMAL_OUTCOME

OUTCOME_JSON = """\
{
  "id": "x",
  "office": "mex",
  "short_title": "Test outcome",
  "statement": "A test outcome statement.",
  "period": {"start": 2020, "end": 2024},
  "progress": [{"year": 2024, "status": "achieved", "note": "The outcome was achieved."}]
}
"""

HEADER = ["outcome", "partner", "year", "development", "humanitarian"]
ROWS = [["x", "p1", 2021, 100, 0], ["x", "p1", 2022, 200, 0], ["x", "p1", 2023, 300, 0]]


def data_folder(root: Path, outcome: str = OUTCOME, name: str = "x.yaml") -> Path:
    """A valid data folder: organization.yaml and one outcome file."""
    (root / "outcomes").mkdir(parents=True)
    (root / "tables").mkdir()
    (root / "organization.yaml").write_text(ORGANIZATION, encoding="utf-8")
    (root / "outcomes" / name).write_text(outcome, encoding="utf-8")
    return root


def csv_text(rows: list[list[object]]) -> str:
    return "".join(",".join(str(cell) for cell in row) + "\n" for row in [HEADER, *rows])


def workbook_bytes(rows: list[list[object]], extra: dict[str, bytes] | None = None) -> bytes:
    """A workbook with a contributions sheet; ``extra`` parts are added to its zip."""
    workbook = Workbook()
    sheet = workbook.active
    assert sheet is not None
    sheet.title = "contributions"
    for row in [HEADER, *rows]:
        sheet.append(row)
    buffer = io.BytesIO()
    workbook.save(buffer)
    if not extra:
        return buffer.getvalue()
    with zipfile.ZipFile(buffer, "a", zipfile.ZIP_DEFLATED) as archive:
        for name, content in extra.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def check(root: Path, *options: str, env: dict[str, str] | None = None) -> Result:
    return CliRunner().invoke(main, [*options, "check", "--data", str(root)], env=env)


# --- each limit: refused when lowered, loads when raised ---------------------------------------

#: limit name -> (a value the file passes, a function writing that file into a data folder)
Case = tuple[str, str, Callable[[Path], Path]]


def _yaml_file(root: Path) -> Path:
    return data_folder(root) / "outcomes" / "x.yaml"


def _json_file(root: Path) -> Path:
    return data_folder(root, OUTCOME_JSON, "x.json") / "outcomes" / "x.json"


def _csv_file(root: Path) -> Path:
    path = data_folder(root) / "tables" / "contributions.csv"
    path.write_text(csv_text(ROWS), encoding="utf-8")
    return path


def _long_cell_csv(root: Path) -> Path:
    path = data_folder(root) / "tables" / "contributions.csv"
    path.write_text(csv_text([["x", "p1", 2021, "100" + " " * 200, 0]]), encoding="utf-8")
    return path


def _xlsx_file(root: Path) -> Path:
    path = data_folder(root) / "tables" / "book.xlsx"
    path.write_bytes(workbook_bytes(ROWS))
    return path


def _padded_xlsx(root: Path) -> Path:
    """A workbook with a 2 MiB part of zeros (about 1000 times smaller compressed)."""
    path = data_folder(root) / "tables" / "book.xlsx"
    path.write_bytes(workbook_bytes(ROWS, {"docProps/padding.bin": bytes(2 * MiB)}))
    return path


def _theme(root: Path) -> Path:
    """A data folder whose organization names a theme inside it (the default theme's files, and a
    logo); returns the theme folder."""
    data_folder(root)
    theme = root / "theme"
    shutil.copytree(DEFAULT_THEME_DIR, theme)
    (theme / "logo.svg").write_text(
        '<svg xmlns="http://www.w3.org/2000/svg" width="10" height="10">' + " " * 200 + "</svg>"
    )
    settings = (theme / "theme.yaml").read_text(encoding="utf-8")
    (theme / "theme.yaml").write_text(settings.replace("# logo: logo.svg", "logo: logo.svg", 1), encoding="utf-8")
    organization = ORGANIZATION.replace("  currency: USD\n", "  currency: USD\n  theme: theme\n", 1)
    (root / "organization.yaml").write_text(organization, encoding="utf-8")
    return theme


def _theme_file(root: Path) -> Path:
    return _theme(root) / "theme.yaml"  # the first theme file read


def _theme_font(root: Path) -> Path:
    return _theme(root) / "theme.yaml"  # the font's refusal is located at its line in theme.yaml


CASES: list[Case] = [
    ("yaml_max_bytes", "100", _yaml_file),
    ("json_max_bytes", "100", _json_file),
    ("document_max_values", "10", _yaml_file),
    ("document_max_depth", "2", _yaml_file),
    ("csv_max_bytes", "50", _csv_file),
    ("csv_max_rows", "3", _csv_file),
    ("csv_max_field_chars", "100", _long_cell_csv),
    ("xlsx_max_bytes", "1KiB", _xlsx_file),
    ("xlsx_max_uncompressed_bytes", "1000", _xlsx_file),
    ("xlsx_max_compression_ratio", "100", _padded_xlsx),
    ("xlsx_max_rows", "3", _xlsx_file),
    ("xlsx_max_cells", "15", _xlsx_file),
    ("theme_file_max_bytes", "100", _theme_file),
    ("font_max_bytes", "100", _theme_font),
    ("image_max_bytes", "100", _theme_font),
]


def test_every_data_limit_has_a_case() -> None:
    assert sorted(name for name, _, _ in CASES) == sorted(n for n in names() if not n.startswith(("iati_", "pdf_")))


@pytest.mark.parametrize(("name", "low", "write"), CASES, ids=[case[0] for case in CASES])
def test_a_limit_passed_is_refused_naming_file_limit_and_how_to_raise_it(
    tmp_path: Path, name: str, low: str, write: Callable[[Path], Path]
) -> None:
    path = write(tmp_path / "data")
    value = parse_value(name, low)
    with using(Limits().updated(**{name: value})), pytest.raises(DataError) as caught:
        load_dataset(tmp_path / "data")
    mine = [issue for issue in caught.value.issues if name in issue.message]
    assert mine, f"no issue names {name}: {caught.value}"
    assert path in {issue.file for issue in mine}
    for issue in mine:  # the organization file can pass a YAML limit too
        assert issue.file in (path, tmp_path / "data" / "organization.yaml")
        assert f"more than {name}={format_value(name, value)}; " in issue.message
        assert f"raise the limit with --limit {name}=" in issue.message
    if name in ("document_max_values", "document_max_depth", "csv_max_rows", "xlsx_max_rows", "xlsx_max_cells"):
        assert mine[0].line is not None, "a limit passed partway through names the line or row"


@pytest.mark.parametrize(("name", "low", "write"), CASES, ids=[case[0] for case in CASES])
def test_the_option_raises_a_limit_the_environment_lowered(
    tmp_path: Path, name: str, low: str, write: Callable[[Path], Path]
) -> None:
    path = write(tmp_path / "data")
    env = {ENV_VAR: f"{name}={low}"}
    refused = check(tmp_path / "data", env=env)
    assert refused.exit_code == 2, refused.output
    assert str(path) in refused.output and f"--limit {name}=" in refused.output
    assert "Traceback" not in refused.output
    loaded = check(tmp_path / "data", "--limit", f"{name}=1G", env=env)
    assert loaded.exit_code == 0, loaded.output
    assert "no problems found" in loaded.output


def test_the_defaults_load_every_case(tmp_path: Path) -> None:
    for index, (name, _, write) in enumerate(CASES):
        if name != "xlsx_max_compression_ratio":  # its file passes the default on purpose
            write(tmp_path / str(index))
            assert load_dataset(tmp_path / str(index)).outcomes


# --- IATI XML ------------------------------------------------------------------------------

IATI_CASES = [
    ("iati_max_bytes", "500"),
    ("iati_max_depth", "3"),
    ("iati_max_activity_elements", "5"),
    ("iati_max_activity_chars", "10"),
]


@pytest.mark.parametrize(("name", "low"), IATI_CASES)
def test_iati_limits(tmp_path: Path, name: str, low: str) -> None:
    source = tmp_path / "activities.xml"
    source.write_text(document(activity()), encoding="utf-8")
    value = parse_value(name, low)
    with using(Limits().updated(**{name: value})), pytest.raises(DataError) as caught:
        list(ActivityFile(source))
    [issue] = caught.value.issues
    assert issue.file == source
    assert f"more than {name}={value}; if the file is trusted, raise the limit with --limit {name}=" in issue.message
    assert (issue.line is None) == (name == "iati_max_bytes")

    env = {ENV_VAR: f"{name}={low}"}
    refused = CliRunner().invoke(main, ["import", "iati", str(source), "--out", str(tmp_path / "out")], env=env)
    assert refused.exit_code == 2 and name in refused.output and "Traceback" not in refused.output
    options = ["--limit", f"{name}=1G", "import", "iati", str(source), "--out", str(tmp_path / "out")]
    imported = CliRunner().invoke(main, options, env=env)
    assert imported.exit_code == 0, imported.output
    assert "1 imported" in imported.output


# --- hostile files refused quickly ------------------------------------------------------------


def billion_laughs(levels: int = 9, width: int = 9) -> str:
    lines = ["lol0: &lol0 [" + ", ".join(["lol"] * width) + "]"]
    for level in range(1, levels + 1):
        lines.append(f"lol{level}: &lol{level} [" + ", ".join([f"*lol{level - 1}"] * width) + "]")
    return "\n".join(lines) + "\n"


def test_yaml_billion_laughs_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    root = data_folder(tmp_path / "data", OUTCOME + billion_laughs())
    started = time.monotonic()
    with pytest.raises(DataError) as caught:
        load_dataset(root)
    assert time.monotonic() - started < 1.0
    [issue] = caught.value.issues
    assert (issue.file, issue.line) == (root / "outcomes" / "x.yaml", OUTCOME.count("\n") + 6)  # lol5: [...]
    assert "more than document_max_values=500000" in issue.message


def test_xml_billion_laughs_is_refused_in_well_under_a_second(tmp_path: Path) -> None:
    entities = '<!ENTITY lol "lol">' + "".join(
        f'<!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">' for i in range(1, 10)
    )
    text = document(activity(title="&lol9;")).replace("?>\n", f"?>\n<!DOCTYPE lolz [{entities}]>\n", 1)
    source = tmp_path / "activities.xml"
    source.write_text(text, encoding="utf-8")
    started = time.monotonic()
    with using(Limits().updated(iati_max_activity_chars=GiB)), pytest.raises(DataError) as caught:
        list(ActivityFile(source))
    assert time.monotonic() - started < 0.5
    [issue] = caught.value.issues
    assert (issue.file, issue.line) == (source, 2) and "DOCTYPE" in issue.message


def zip_bomb(path: Path, size: int = GiB) -> None:
    """A zip whose one sheet inflates to ``size`` bytes of zeros (about 1 MB stored), written by
    hand: one 16 MiB deflate block sequence repeated (a full flush makes the copies identical)."""
    chunk = 16 * MiB
    assert size % chunk == 0
    compressor = zlib.compressobj(9, zlib.DEFLATED, -15)
    block = compressor.compress(bytes(chunk)) + compressor.flush(zlib.Z_FULL_FLUSH)
    data = block * (size // chunk) + compressor.flush()
    crc = 0
    zeros = bytes(chunk)
    for _ in range(size // chunk):
        crc = zlib.crc32(zeros, crc)
    members = [(b"[Content_Types].xml", 0, b"<Types/>", zlib.crc32(b"<Types/>"), 8)]
    members.append((b"xl/worksheets/sheet1.xml", 8, data, crc, size))
    local, central = b"", b""
    for name, method, content, checksum, length in members:
        header = struct.pack(
            "<IHHHHHIIIHH", 0x04034B50, 20, 0, method, 0, 0x21, checksum, len(content), length, len(name), 0
        )
        central += struct.pack(
            "<IHHHHHHIIIHHHHHII",
            0x02014B50, 20, 20, 0, method, 0, 0x21, checksum, len(content), length,
            len(name), 0, 0, 0, 0, 0, len(local),
        )  # fmt: skip
        central += name
        local += header + name + content
    end = struct.pack("<IHHHHIIH", 0x06054B50, 0, 0, len(members), len(members), len(central), len(local), 0)
    path.write_bytes(local + central + end)


def test_a_zip_bomb_workbook_is_refused_before_anything_is_decompressed(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_folder(tmp_path / "data")
    bomb = root / "tables" / "book.xlsx"
    zip_bomb(bomb)
    with zipfile.ZipFile(bomb) as archive:  # a real archive, as big as it says
        assert sum(info.file_size for info in archive.infolist()) > GiB
        with archive.open("xl/worksheets/sheet1.xml") as member:
            assert member.read(MiB) == bytes(MiB)

    def never(*args: object, **kwargs: object) -> None:
        raise AssertionError("openpyxl must not open a zip bomb")

    monkeypatch.setattr("openpyxl.load_workbook", never)
    monkeypatch.setattr(zipfile.ZipFile, "open", never)
    started = time.monotonic()
    with pytest.raises(DataError) as caught:
        load_dataset(root)
    assert time.monotonic() - started < 0.5
    [issue] = caught.value.issues
    assert issue.file == bomb
    assert "more than xlsx_max_uncompressed_bytes=256MiB" in issue.message
    with using(Limits().updated(xlsx_max_uncompressed_bytes=2 * GiB)), pytest.raises(DataError) as caught:
        load_dataset(root)
    [issue] = caught.value.issues
    assert "more than xlsx_max_compression_ratio=100" in issue.message and "sheet1.xml" in issue.message


# --- settings ------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "text", "value"),
    [
        ("yaml_max_bytes", "20MB", 20_000_000),
        ("yaml_max_bytes", "20MiB", 20 * MiB),
        ("yaml_max_bytes", "1.5 GiB", 3 * GiB // 2),
        ("yaml_max_bytes", "4096", 4096),
        ("xlsx_max_bytes", "64kb", 64_000),
        ("document_max_values", "500k", 500_000),
        ("document_max_values", "2M", 2_000_000),
        ("csv_max_rows", "1_000_000", 1_000_000),
    ],
)
def test_values_with_units(name: str, text: str, value: int) -> None:
    assert parse_value(name, text) == value


@pytest.mark.parametrize(
    ("setting", "expected"),
    [
        ("nonsense=1", "unknown limit 'nonsense'; limits: yaml_max_bytes, json_max_bytes,"),
        ("yaml_max_bytes", "'yaml_max_bytes' is not NAME=VALUE; limits: yaml_max_bytes,"),
        ("yaml_max_bytes=lots", "yaml_max_bytes: 'lots' is not a size such as 20MB, 20MiB or 20971520"),
        ("csv_max_rows=20MB", "csv_max_rows: '20MB' is not a whole number such as 500000 or 500k"),
        ("csv_max_rows=1.5", "csv_max_rows: '1.5' must be a whole number of at least 1"),
        ("csv_max_rows=0", "csv_max_rows: '0' must be a whole number of at least 1"),
        ("csv_max_rows=-3", "csv_max_rows: '-3' is not a whole number"),
    ],
)
def test_bad_settings_are_usage_errors(tmp_path: Path, setting: str, expected: str) -> None:
    with pytest.raises(LimitError, match="^" + expected.replace("(", r"\(").replace(".", r"\.")):
        parse_settings([setting], Limits())
    root = data_folder(tmp_path / "data")
    result = check(root, "--limit", setting)
    assert result.exit_code == 2
    assert "Usage:" in result.output and "Invalid value for '--limit'" in result.output and expected in result.output
    assert "Traceback" not in result.output


def test_a_bad_environment_variable_is_a_usage_error(tmp_path: Path) -> None:
    result = check(data_folder(tmp_path / "data"), env={ENV_VAR: "csv_max_rows=many"})
    assert result.exit_code == 2
    assert f"{ENV_VAR}: csv_max_rows: 'many' is not a whole number" in result.output
    assert "Traceback" not in result.output
    with pytest.raises(UsageError):
        from_environment({ENV_VAR: "csv_max_rows=many"})


def test_environment_settings_and_names_with_dashes() -> None:
    limits = from_environment({ENV_VAR: " csv-max-rows=10 , yaml_max_bytes=1MiB,"})
    assert (limits.csv_max_rows, limits.yaml_max_bytes) == (10, MiB)
    assert from_environment({}) == Limits()


def test_the_option_wins_over_the_environment_and_is_undone_after_the_command(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    root = data_folder(tmp_path / "data")
    seen: list[Limits] = []
    monkeypatch.setattr("reportgen.load.source.current", lambda: seen.append(current()) or current())
    result = check(root, "--limit", "csv_max_rows=7", env={ENV_VAR: "csv_max_rows=5,json_max_bytes=9"})
    assert result.exit_code == 0, result.output
    assert seen and {(s.csv_max_rows, s.json_max_bytes) for s in seen} == {(7, 9)}
    assert current() == Limits()


def test_using_sets_limits_for_a_block_only() -> None:
    with using(Limits().updated(csv_max_rows=3)):
        assert current().csv_max_rows == 3
    assert current() == Limits()


def test_every_limit_is_documented() -> None:
    rows = describe()
    assert [row[0] for row in rows] == names()
    assert all(default and guards and loader for _, default, guards, loader in rows)
    assert dict((row[0], row[1]) for row in rows)["xlsx_max_uncompressed_bytes"] == "256MiB"


@pytest.mark.parametrize(("name", "value"), [("document_max_depth", 3), ("document_max_values", 4)])
def test_json_that_yaml_cannot_read_is_still_held_to_the_document_limits(tmp_path: Path, name: str, value: int) -> None:
    """A key over 1024 characters is valid JSON but no YAML simple key, so no lines are recorded:
    the limits are then checked on the data itself."""
    root = data_folder(tmp_path / "data", '{"' + "k" * 1100 + '": [[[[1, 2, 3]]]]}\n', "x.json")
    with using(Limits().updated(**{name: value})), pytest.raises(DataError) as caught:
        load_dataset(root)
    [issue] = [issue for issue in caught.value.issues if issue.file == root / "outcomes" / "x.json"]
    assert f"more than {name}={value}; if the file is trusted, raise the limit with --limit {name}=" in issue.message
