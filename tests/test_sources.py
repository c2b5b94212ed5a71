"""Fetching: cache, folder mirror, HTTP mirror through pooch, and rejection of bad files."""

from __future__ import annotations

import functools
import http.server
import re
import shutil
import threading
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest

from dprk_launches import config
from dprk_launches.__main__ import main
from dprk_launches.records import sources
from dprk_launches.records.sources import SourceError


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


def test_cache_files_are_readable_by_everyone(mirror: Path, empty_raw: Path) -> None:
    path = sources.fetch("cns_csv")
    assert path.stat().st_mode & 0o777 == 0o644


def test_http_download_is_cached_0644(
    mirror: Path, empty_raw: Path, http_mirror, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(config.MIRROR_ENV, http_mirror(mirror))
    assert sources.fetch("nagix_facilities").stat().st_mode & 0o777 == 0o644


def _offline(monkeypatch: pytest.MonkeyPatch) -> None:
    """Every pinned URL points at a closed local port."""
    pinned = sources.load_sources()
    offline = {n: replace(s, url="http://127.0.0.1:9/unreachable.json") for n, s in pinned.items()}
    monkeypatch.setattr(sources, "load_sources", lambda path=None: offline)


def test_mirror_folder_missing_is_named_with_the_network_failure(
    empty_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _offline(monkeypatch)
    monkeypatch.setenv(config.MIRROR_ENV, str(tmp_path / "nowhere"))
    with pytest.raises(SourceError) as info:
        sources.fetch("nagix_tests")
    message = str(info.value)
    assert "cache:" in message and "does not exist" in message
    assert f"mirror: {config.MIRROR_ENV}={tmp_path / 'nowhere'} is not a folder" in message
    assert "network: could not download http://127.0.0.1:9/" in message
    assert "network unreachable" in message


def test_mirror_without_the_file_says_which_file(
    empty_raw: Path, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _offline(monkeypatch)
    monkeypatch.setenv(config.MIRROR_ENV, str(tmp_path))
    with pytest.raises(SourceError) as info:
        sources.fetch("nagix_tests")
    message = str(info.value)
    assert f"has no file {sources.load_sources()['nagix_tests'].mirror_path}" in message
    assert "network unreachable" in message


def test_stale_cache_is_named_when_nothing_else_works(
    empty_raw: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    _offline(monkeypatch)
    monkeypatch.delenv(config.MIRROR_ENV, raising=False)
    empty_raw.mkdir()
    (empty_raw / sources.load_sources()["ofac_panel"].filename).write_text("old")
    with pytest.raises(SourceError) as info:
        sources.fetch("ofac_panel")
    message = str(info.value)
    assert "is not the pinned version" in message and f"{config.MIRROR_ENV} is not set" in message


NEW_COMMIT = "b" * 40


@pytest.fixture
def toml_copy(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """A temporary copy of data/sources.toml that the CLI writes to instead of the real one."""
    copy = tmp_path / "sources.toml"
    shutil.copyfile(config.SOURCES_TOML, copy)
    monkeypatch.setattr(config, "SOURCES_TOML", copy)
    return copy


def _edited_csis(mirror: Path, folder: Path) -> Path:
    """The CSIS file with one row added, one removed and one revised."""
    lines = (
        (mirror / sources.load_sources()["csis_provocations"].mirror_path)
        .read_text(encoding="utf-8")
        .splitlines(keepends=True)
    )
    header, body = lines[0], lines[1:]
    added = "2026-09-01,Missile Provocation,Cruise Missile Launch,A new test row.,https://example.org/x\n"
    revised = body[1].replace("six days after", "five days after")
    assert revised != body[1]
    folder.mkdir()
    path = folder / "north_korea_provocations_1958_present.csv"
    path.write_text(header + added + body[0] + revised + "".join(body[2:-1]), encoding="utf-8")
    return path


def test_sources_update_repins_from_a_local_file_and_prints_the_changes(
    mirror: Path, empty_raw: Path, toml_copy: Path, tmp_path: Path, capsys
) -> None:
    real = config.PROJECT_ROOT.joinpath("data", "sources.toml").read_bytes()
    new_file = _edited_csis(mirror, tmp_path / "upstream")
    code = main(
        ["sources", "update", "csis_provocations", "--ref", NEW_COMMIT, "--url", new_file.as_uri()]
    )
    out = capsys.readouterr().out
    assert code == 0
    assert "rows: 1 added, 1 removed, 1 revised" in out
    assert (
        "+ 2026-09-01 #1" in out
        and "- 1958-02-16 #1" in out
        and "~ 2026-08-12 #1 (description)" in out
    )
    after = sources.load_sources(toml_copy)["csis_provocations"]
    assert after.sha256 == sources.sha256_of(new_file) and after.commit == NEW_COMMIT
    assert (
        after.url.startswith("https://raw.githubusercontent.com/stiles/")
        and NEW_COMMIT in after.url
    )
    assert after.version == f"{NEW_COMMIT[:12]} (rows to 2026-09-01)"
    before = sources.load_sources(config.PROJECT_ROOT / "data" / "sources.toml")
    assert sources.load_sources(toml_copy)["nagix_tests"] == before["nagix_tests"]
    assert toml_copy.read_text().startswith("# Third-party files")
    assert config.PROJECT_ROOT.joinpath("data", "sources.toml").read_bytes() == real
    assert sources.fetch("csis_provocations") == empty_raw / after.filename


def test_sources_update_refuses_an_invalid_file_and_changes_nothing(
    mirror: Path, empty_raw: Path, toml_copy: Path, tmp_path: Path, capsys
) -> None:
    before = toml_copy.read_bytes()
    bad = tmp_path / "bad.csv"
    bad.write_text("date,kind\n2026-01-01,x\n")
    code = main(["sources", "update", "csis_provocations", "--ref", NEW_COMMIT, "--url", str(bad)])
    err = capsys.readouterr().err
    assert code == 2 and "fails validation" in err and "bad.csv" in err
    assert toml_copy.read_bytes() == before


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["no_such", "--ref", NEW_COMMIT], "Unknown source"),
        (["ofac_panel", "--ref", "main"], "40-character commit"),
        (["ofac_panel", "--ref", NEW_COMMIT, "--url", "/no/such/file.csv"], "no such file"),
    ],
)
def test_sources_update_bad_arguments_exit_2(
    toml_copy: Path, args: list[str], message: str, capsys
) -> None:
    before = toml_copy.read_bytes()
    assert main(["sources", "update", *args]) == 2
    assert message in capsys.readouterr().err
    assert toml_copy.read_bytes() == before


def test_sources_update_falls_back_to_the_mirror_when_upstream_is_unreachable(
    mirror: Path, empty_raw: Path, toml_copy: Path, capsys
) -> None:
    old = sources.load_sources(toml_copy)["ofac_panel"]
    offline_url = f"http://127.0.0.1:9/{old.commit}/ofac_panel.csv"
    toml_copy.write_text(toml_copy.read_text().replace(old.url, offline_url))
    assert main(["sources", "update", "ofac_panel", "--ref", NEW_COMMIT]) == 0
    out = capsys.readouterr().out
    assert "rows: 0 added, 0 removed, 0 revised" in out
    assert f"from    the mirror {mirror / old.mirror_path}" in out and "network unreachable" in out
    after = sources.load_sources(toml_copy)["ofac_panel"]
    assert after.sha256 == old.sha256 and after.commit == NEW_COMMIT
    assert after.url == f"http://127.0.0.1:9/{NEW_COMMIT}/ofac_panel.csv"


def test_sources_update_of_the_primary_json_series_shows_a_revised_missile(
    mirror: Path, empty_raw: Path, toml_copy: Path, tmp_path: Path, capsys
) -> None:
    import json

    doc = json.loads((mirror / sources.load_sources()["nagix_tests"].mirror_path).read_text())
    first = doc["timeBins"][0]["data"][0]
    assert first["date"] == "1984-04-09"
    first["apogee"] = "123"
    new_file = tmp_path / "test.en.json"
    new_file.write_text(json.dumps(doc))
    assert (
        main(["sources", "update", "nagix_tests", "--ref", NEW_COMMIT, "--url", str(new_file)]) == 0
    )
    out = capsys.readouterr().out
    assert "rows: 0 added, 0 removed, 1 revised" in out and "~ 1984-04-09 #1 (apogee_km)" in out
