"""``reportgen verify`` and archival attachments on PDFs built to exhaust memory: a 2.5 GB flate bomb in a content
stream, in the XMP metadata or in an embedded file, an LZW bomb, a JPEG declaring a huge image, and many streams
each under the limit. Each is a failed check (or a UsageError) naming the object, within 512 MB and 10 s, measured
on a real ``reportgen`` process (its own peak resident memory, from wait4)."""

from __future__ import annotations

import sys
import time
from dataclasses import dataclass
from pathlib import Path

import pytest

from reportgen.archive import attachments_of
from reportgen.errors import UsageError
from reportgen.limits import current, format_value, using
from reportgen.verify import verify

from .. import pdfbombs
from ..peak import run_measured

BOMB_MIB = 2500  # 2.5 GB once inflated, 2.6 MB stored
MEMORY_BOUND = 512 * 2**20
SECONDS_BOUND = 10.0
LIMIT = format_value("pdf_max_stream_bytes", current().pdf_max_stream_bytes)


@dataclass(frozen=True)
class Run:
    returncode: int
    output: str
    seconds: float
    peak: int  # bytes of resident memory at the process's peak


def measured(tmp_path: Path, *args: str) -> Run:
    """Run ``python *args``; its wall time, and its own peak resident memory (tests/peak.py)."""
    began = time.monotonic()
    done, peak = run_measured([sys.executable, *args], timeout=300)
    return Run(done.returncode, done.stdout + done.stderr, time.monotonic() - began, peak)


def assert_bounded(run: Run) -> None:
    assert run.peak < MEMORY_BOUND, f"peak {run.peak / 2**20:.0f} MB\n{run.output}"
    assert run.seconds < SECONDS_BOUND, f"{run.seconds:.1f} s\n{run.output}"
    assert "Traceback" not in run.output


def write(tmp_path: Path, name: str, data: bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(data)
    return path


def failed(path: Path) -> dict[str, str]:
    return {check.name: check.detail for check in verify(path) if not check.passed}


# --- the three bombs of the report, through the command --------------------------------------------------------


@pytest.mark.parametrize(
    ("make", "expected"),
    [
        (
            pdfbombs.content_bomb,
            f"object 4 0: content stream decompresses to more than pdf_max_stream_bytes={LIMIT}",
        ),
        (pdfbombs.xmp_bomb, f"object 5 0: XMP metadata stream decompresses to more than pdf_max_stream_bytes={LIMIT}"),
        (pdfbombs.attachment_bomb, f"object 5 0: embedded file decompresses to more than pdf_max_stream_bytes={LIMIT}"),
    ],
    ids=["content-stream", "xmp-metadata", "embedded-file"],
)
def test_verify_reports_a_flate_bomb_as_a_failed_check_within_512_mb_and_10_s(
    tmp_path: Path, make: object, expected: str
) -> None:
    path = write(tmp_path, "bomb.pdf", make(BOMB_MIB))  # type: ignore[operator]
    run = measured(tmp_path, "-m", "reportgen", "verify", str(path))
    assert run.returncode == 1, run.output
    assert f"FAIL parses: not checked with qpdf --check: {expected}" in run.output, run.output
    assert "0 of 1 files pass" in run.output
    assert_bounded(run)


def test_the_xmp_bomb_fails_the_checks_that_read_the_metadata_with_the_same_message(tmp_path: Path) -> None:
    problems = failed(write(tmp_path, "xmp.pdf", pdfbombs.xmp_bomb(BOMB_MIB)))
    message = f"object 5 0: XMP metadata stream decompresses to more than pdf_max_stream_bytes={LIMIT}"
    assert message in problems["parses"]
    assert message in problems["title"]


def test_reading_the_attachments_of_an_archive_with_a_bomb_is_a_usage_error_within_bounds(tmp_path: Path) -> None:
    path = write(tmp_path, "archive.pdf", pdfbombs.attachment_bomb(BOMB_MIB))
    with pytest.raises(UsageError) as raised:
        attachments_of(path)
    assert str(raised.value) == (
        f"{path}: embedded file 'report-data.json': object 5 0: embedded file decompresses to more than "
        f"pdf_max_stream_bytes={LIMIT}"
    )
    script = "import sys; from pathlib import Path; from reportgen.archive import load_attached\n"
    script += "try:\n    load_attached(Path(sys.argv[1]))\nexcept Exception as exc:\n    print(type(exc).__name__, exc)"
    run = measured(tmp_path, "-c", script, str(path))
    assert run.output.startswith("UsageError ") and "decompresses to more than" in run.output, run.output
    assert_bounded(run)


def test_a_bomb_in_the_cross_reference_stream_is_bounded_while_the_file_is_opened(tmp_path: Path) -> None:
    """qpdf decodes a cross-reference stream inside ``pikepdf.open``: without the bound, 4.2 GB and 19 s there."""
    path = write(tmp_path, "xref.pdf", pdfbombs.xref_bomb(BOMB_MIB))
    run = measured(tmp_path, "-m", "reportgen", "verify", str(path))
    expected = f"object 5 0: cross-reference stream decompresses to more than pdf_max_stream_bytes={LIMIT}"
    assert f"FAIL parses: not checked with qpdf --check: {expected}" in run.output, run.output
    assert_bounded(run)


# --- what qpdf cannot bound, refused before decoding -------------------------------------------------------------


def test_an_lzw_bomb_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "lzw.pdf", pdfbombs.lzw_bomb(400))  # 2.2 MB of codes, 2.9 GB of zeros
    run = measured(tmp_path, "-m", "reportgen", "verify", str(path))
    assert "object 4 0: content stream uses /LZWDecode on 2,162" in run.output, run.output
    assert f"may decompress to more than pdf_max_stream_bytes={LIMIT}" in run.output
    assert_bounded(run)


def test_a_small_lzw_stream_is_decoded_and_checked(tmp_path: Path) -> None:
    path = write(tmp_path, "lzw.pdf", pdfbombs.lzw_bomb(1))  # 5.4 kB of codes, 7.4 MB of zeros: under the limit
    assert "parses" not in failed(path)


def test_a_jpeg_declaring_more_samples_than_the_limit_is_refused_before_it_is_decoded(tmp_path: Path) -> None:
    path = write(tmp_path, "jpeg.pdf", pdfbombs.jpeg_bomb(60_000, 60_000))
    assert failed(path)["parses"] == (
        f"not checked with qpdf --check: object 5 0: image is a JPEG of 10,800,000,000 samples, more than "
        f"pdf_max_stream_bytes={LIMIT}"
    )


# --- the limits, named and configurable --------------------------------------------------------------------------


def test_streams_each_under_the_limit_are_refused_past_the_total(tmp_path: Path) -> None:
    path = write(tmp_path, "many.pdf", pdfbombs.many_streams(6, 1))
    assert "parses" not in failed(path)
    with using(current().updated(pdf_max_stream_bytes=2 * 2**20, pdf_max_decoded_bytes=4 * 2**20)):
        problems = failed(path)
    assert problems["parses"].endswith("the file's streams decompress to more than pdf_max_decoded_bytes=4MiB in all")


def test_the_stream_limit_is_set_with_limit_on_the_command_line(tmp_path: Path) -> None:
    path = write(tmp_path, "content.pdf", pdfbombs.content_bomb(3))  # 3 MiB: a large page, not a bomb
    assert "parses" not in failed(path)
    run = measured(tmp_path, "-m", "reportgen", "--limit", "pdf_max_stream_bytes=2MiB", "verify", str(path))
    assert "object 4 0: content stream decompresses to more than pdf_max_stream_bytes=2MiB" in run.output, run.output


def test_the_xmp_metadata_is_not_parsed_past_its_own_limit(tmp_path: Path) -> None:
    path = write(tmp_path, "xmp.pdf", pdfbombs.xmp_bomb(5))  # 5 MiB of metadata, under the stream limit
    problems = failed(path)
    assert problems["title"].endswith(
        "object 5 0: XMP metadata stream decompresses to 5,242,880 bytes, more than pdf_max_metadata_bytes=4MiB"
    )
