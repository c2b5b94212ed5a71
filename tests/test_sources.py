"""Fetching: cache, folder mirror, HTTP mirror through pooch, and rejection of bad files."""

from __future__ import annotations

import functools
import http.server
import re
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from dprk_launches import config, sources
from dprk_launches.sources import SourceError


@pytest.fixture
def http_mirror(request: pytest.FixtureRequest) -> Iterator[callable]:
    """Start a real HTTP server on 127.0.0.1 serving a folder; yields a function folder -> base URL."""
    servers = []

    def serve(folder: Path) -> str:
        handler = functools.partial(http.server.SimpleHTTPRequestHandler, directory=str(folder))
        handler.log_message = lambda *args: None
        server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), handler)
        threading.Thread(target=server.serve_forever, daemon=True).start()
        servers.append(server)
        return f"http://127.0.0.1:{server.server_address[1]}"

    yield serve
    for server in servers:
        server.shutdown()
        server.server_close()


def test_every_source_is_pinned_to_a_commit_with_a_sha256() -> None:
    pinned = sources.load_sources()
    assert set(pinned) == {
        "nagix_tests",
        "nagix_missiles",
        "nagix_facilities",
        "cns_csv",
        "cns2019_xlsx",
        "csis_provocations",
        "ofac_panel",
    }
    for s in pinned.values():
        assert re.fullmatch(r"[0-9a-f]{64}", s.sha256), s.name
        assert re.fullmatch(r"[0-9a-f]{40}", s.commit), s.name
        assert s.commit in s.url and s.url.startswith("https://raw.githubusercontent.com/"), s.name
        assert s.url.endswith(s.mirror_path.split("/")[-1]), s.name
        assert s.licence and s.citation


def test_folder_mirror_is_copied_and_verified(mirror: Path, empty_raw: Path) -> None:
    path = sources.fetch("cns_csv")
    assert path.parent == empty_raw
    assert sources.sha256_of(path) == sources.load_sources()["cns_csv"].sha256


def test_http_mirror_goes_through_pooch_with_hash_check(
    mirror: Path, empty_raw: Path, http_mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.MIRROR_ENV, http_mirror(mirror))
    path = sources.fetch("nagix_tests")
    assert path.exists() and sources.sha256_of(path) == sources.load_sources()["nagix_tests"].sha256


@pytest.mark.parametrize("damage", ["tamper", "truncate"])
def test_bad_download_is_rejected_and_not_cached(
    mirror_copy: Path, empty_raw: Path, http_mirror, monkeypatch: pytest.MonkeyPatch, damage: str
) -> None:
    target = mirror_copy / sources.load_sources()["csis_provocations"].mirror_path
    data = target.read_bytes()
    target.write_bytes(
        data.replace(b"North Korea", b"South Korea", 1)
        if damage == "tamper"
        else data[: len(data) // 2]
    )
    monkeypatch.setenv(config.MIRROR_ENV, http_mirror(mirror_copy))
    with pytest.raises(SourceError, match="sha256"):
        sources.fetch("csis_provocations")
    assert not (empty_raw / sources.load_sources()["csis_provocations"].filename).exists()


def test_tampered_folder_mirror_is_rejected(
    mirror_copy: Path, empty_raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    target = mirror_copy / sources.load_sources()["ofac_panel"].mirror_path
    target.write_bytes(target.read_bytes() + b"Korea, North,2099-01-31,2099Q1,2099-01,1,1,0,1\n")
    monkeypatch.setenv(config.MIRROR_ENV, str(mirror_copy))
    with pytest.raises(SourceError, match="does not match the pinned sha256"):
        sources.fetch("ofac_panel")
    assert not (empty_raw / sources.load_sources()["ofac_panel"].filename).exists()


def test_corrupt_cache_is_replaced(mirror: Path, empty_raw: Path) -> None:
    first = sources.fetch("nagix_missiles")
    first.write_text("{}")
    again = sources.fetch("nagix_missiles")
    assert sources.sha256_of(again) == sources.load_sources()["nagix_missiles"].sha256


def test_offline_without_mirror_says_what_to_set(
    empty_raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    pinned = sources.load_sources()
    offline = {n: replace(s, url="http://127.0.0.1:9/unreachable.json") for n, s in pinned.items()}
    monkeypatch.setattr(sources, "load_sources", lambda path=None: offline)
    monkeypatch.delenv(config.MIRROR_ENV, raising=False)
    with pytest.raises(SourceError, match=config.MIRROR_ENV):
        sources.fetch("nagix_tests")


def test_unknown_source_name() -> None:
    with pytest.raises(SourceError, match="Unknown source"):
        sources.fetch("no_such_source")
