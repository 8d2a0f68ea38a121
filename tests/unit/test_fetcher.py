"""SafeFetcher: serves data: URLs and files under its roots, refuses everything else (naming the report)."""

from __future__ import annotations

import logging
import os
import urllib.error
import urllib.request
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from reportgen.paths import ASSETS_DIR, DEFAULT_THEME_DIR, FONTS_DIR
from reportgen.pdf.fetcher import RefusedURL, SafeFetcher

from ..recorder import Recorder, recording_server


@pytest.fixture
def fetcher() -> SafeFetcher:
    return SafeFetcher(roots=[ASSETS_DIR, DEFAULT_THEME_DIR])


def a_font() -> Path:
    fonts = sorted(FONTS_DIR.glob("*.otf"))
    assert fonts, f"no fonts under {FONTS_DIR}"
    return fonts[0]


def fetched_bytes(fetcher: SafeFetcher, url: str) -> bytes:
    response = fetcher.fetch(url)
    try:
        content: bytes = response.read()
    finally:
        response.close()
    return content


def test_a_theme_font_is_served(fetcher: SafeFetcher) -> None:
    font = a_font()
    assert fetched_bytes(fetcher, font.as_uri()) == font.read_bytes()
    assert fetcher.refused == []


def test_localhost_file_url_is_served(fetcher: SafeFetcher) -> None:
    font = a_font()
    url = "file://localhost" + font.resolve().as_posix()
    assert fetched_bytes(fetcher, url) == font.read_bytes()


def test_data_url_is_served(fetcher: SafeFetcher) -> None:
    assert fetched_bytes(fetcher, "data:text/plain;base64,aGVsbG8=") == b"hello"
    assert fetched_bytes(fetcher, "data:text/plain,hi%20there") == b"hi there"
    assert fetcher.refused == []


#: A relative path from the fonts folder up and out of the assets, to a file that exists (this one).
ESCAPE = os.path.relpath(Path(__file__).resolve(), FONTS_DIR)

REFUSED = [
    "http://127.0.0.1:1/",
    "https://example.org/x",
    "ftp://example.org/x",
    "file:///etc/passwd",
    f"{FONTS_DIR.as_uri()}/{ESCAPE}",
    f"{FONTS_DIR.as_uri()}/{ESCAPE.replace('..', '%2e%2e')}",
    "file://otherhost/x",
    "file://otherhost" + a_font().resolve().as_posix(),
    "javascript:alert(1)",
    "fonts/Inter-Regular.otf",
]


def test_escape_path_leads_to_an_existing_file_outside_the_assets() -> None:
    assert ESCAPE.startswith("..")
    target = (FONTS_DIR / ESCAPE).resolve()
    assert target.is_file()
    assert not target.is_relative_to(ASSETS_DIR.resolve())


@pytest.mark.parametrize("url", REFUSED)
def test_url_is_refused_and_recorded(fetcher: SafeFetcher, url: str) -> None:
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_every_refusal_is_recorded_in_order(fetcher: SafeFetcher) -> None:
    for url in REFUSED:
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    fetcher.fetch(a_font().as_uri()).close()
    assert fetcher.refused == REFUSED


def test_refusal_is_logged_with_the_url(fetcher: SafeFetcher, caplog: pytest.LogCaptureFixture) -> None:
    with caplog.at_level(logging.WARNING), pytest.raises(RefusedURL):
        fetcher.fetch("https://example.org/x")
    assert "https://example.org/x" in caplog.text


def test_missing_file_under_assets_is_refused(fetcher: SafeFetcher) -> None:
    url = (FONTS_DIR / "no-such-font.otf").as_uri()
    with pytest.raises(RefusedURL):
        fetcher.fetch(url)
    assert fetcher.refused == [url]


def test_symlink_out_of_a_root_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "root"
    root.mkdir()
    secret = tmp_path / "secret.txt"
    secret.write_text("not for reports")
    (root / "inside.txt").write_text("fine")
    (root / "link.txt").symlink_to(secret)
    fetcher = SafeFetcher(roots=[root])
    assert fetched_bytes(fetcher, (root / "inside.txt").as_uri()) == b"fine"
    with pytest.raises(RefusedURL):
        fetcher.fetch((root / "link.txt").as_uri())
    assert fetcher.refused == [(root / "link.txt").as_uri()]


def test_sibling_folder_sharing_the_roots_prefix_is_refused(tmp_path: Path) -> None:
    root = tmp_path / "assets"
    root.mkdir()
    sibling = tmp_path / "assets-private"
    sibling.mkdir()
    (sibling / "key.txt").write_text("secret")
    fetcher = SafeFetcher(roots=[root])
    with pytest.raises(RefusedURL):
        fetcher.fetch((sibling / "key.txt").as_uri())


def test_refusal_names_the_report(caplog: pytest.LogCaptureFixture) -> None:
    fetcher = SafeFetcher(roots=[ASSETS_DIR], label="Women's access to justice, 2024")
    with caplog.at_level(logging.WARNING, logger="reportgen.fetch"), pytest.raises(RefusedURL) as refused:
        fetcher.fetch("file:///etc/passwd")
    (record,) = [r for r in caplog.records if r.name == "reportgen.fetch"]
    assert "file:///etc/passwd" in record.getMessage()
    assert "Women's access to justice, 2024" in record.getMessage()
    assert "Women's access to justice, 2024" in str(refused.value)


@pytest.fixture
def server() -> Iterator[Recorder]:
    with recording_server(redirect_to=a_font().as_uri()) as recorder:
        yield recorder


def test_http_url_is_refused_before_any_request_so_no_redirect_is_followed(
    fetcher: SafeFetcher, server: Recorder
) -> None:
    base, requests = server.base, server.requests
    for url in (f"{base}/img", f"{base}/css"):
        with pytest.raises(RefusedURL):
            fetcher.fetch(url)
    with pytest.raises(RefusedURL):  # WeasyPrint may also call the fetcher like an opener
        fetcher.open(urllib.request.Request(f"{base}/open"))
    with pytest.raises(RefusedURL):
        fetcher(f"{base}/call")
    assert requests == []
    # The server does answer, with a redirect: it was the fetcher that never asked.
    with pytest.raises(urllib.error.HTTPError):
        urllib.request.build_opener(NoRedirect).open(f"{base}/direct", timeout=5)
    assert requests == ["GET /direct"]


class NoRedirect(urllib.request.HTTPRedirectHandler):
    def redirect_request(self, *args: Any, **kwargs: Any) -> None:
        return None


def test_the_fetcher_has_no_redirect_handler(fetcher: SafeFetcher) -> None:
    handlers = fetcher.handlers  # urllib's OpenerDirector, which WeasyPrint's fetcher is
    assert not any(isinstance(h, urllib.request.HTTPRedirectHandler) for h in handlers)
