"""The validated-table cache: hits equal builds, new bytes rebuild, bad files rebuild, off means off."""

from __future__ import annotations

import os
import subprocess
import sys
import textwrap
from pathlib import Path

import pandas as pd
import pytest

from dprk_launches import events
from dprk_launches.records import cache as tablecache
from dprk_launches.records import launches


def _builder(calls: list[int]):
    def build() -> pd.DataFrame:
        calls.append(1)
        frame = pd.DataFrame(
            {"day": pd.to_datetime(["2022-01-14", "2022-01-17"]), "n": [2, 1]}
        ).astype({"n": "Int64"})
        frame["name"] = pd.Series(["a", "b"], dtype="str")
        frame.attrs["rejected"] = [{"row": 3, "reason": "bad date"}]
        return frame

    return build


@pytest.fixture
def cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "tables"
    monkeypatch.setenv(tablecache.CACHE_ENV, str(folder))
    return folder


def test_a_hit_returns_the_built_table_with_dtypes_and_attrs(cache: Path, tmp_path: Path) -> None:
    source = tmp_path / "source.csv"
    source.write_text("x\n1\n")
    calls: list[int] = []
    first = tablecache.cached_table("demo", [source], _builder(calls), "raise")
    second = tablecache.cached_table("demo", [source], _builder(calls), "raise")
    assert len(calls) == 1 and len(list(cache.glob("demo-*.parquet"))) == 1
    pd.testing.assert_frame_equal(first, second)
    assert second.attrs == first.attrs and second is not first


def test_new_bytes_or_settings_rebuild_and_a_broken_file_is_rebuilt(
    cache: Path, tmp_path: Path
) -> None:
    source = tmp_path / "source.csv"
    source.write_text("x\n1\n")
    calls: list[int] = []
    tablecache.cached_table("demo", [source], _builder(calls))
    source.write_text("x\n2\n")
    tablecache.cached_table("demo", [source], _builder(calls))
    tablecache.cached_table("demo", [source], _builder(calls), "collect")
    assert len(calls) == 3
    for path in cache.glob("demo-*.parquet"):
        path.write_bytes(b"not a pickle")
    again = tablecache.cached_table("demo", [source], _builder(calls), "collect")
    assert len(calls) == 4 and list(again["n"]) == [2, 1]


def test_an_empty_setting_turns_the_cache_off(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(tablecache.CACHE_ENV, "")
    source = tmp_path / "source.csv"
    source.write_text("x\n")
    calls: list[int] = []
    for _ in range(2):
        tablecache.cached_table("demo", [source], _builder(calls))
    assert len(calls) == 2 and tablecache.cache_dir() is None


def test_cached_launches_and_events_equal_fresh_ones(cache: Path) -> None:
    cold = launches.load_launches(), events.load_events()
    warm = launches.load_launches(), events.load_events(categories=["sanctions_un"])
    pd.testing.assert_frame_equal(cold[0], warm[0])
    expected = cold[1][cold[1]["category"] == "sanctions_un"].reset_index(drop=True)
    pd.testing.assert_frame_equal(expected, warm[1])
    assert {p.name.split("-")[0] for p in cache.glob("*.parquet")} == {
        "launches",
        "missiles",
        "events",
    }


def test_a_warm_cache_loads_without_importing_pandera(cache: Path) -> None:
    launches.load_launches()
    events.load_events()
    script = textwrap.dedent(
        """
        import sys
        from dprk_launches import events
        from dprk_launches.records import launches
        launches.load_launches(); events.load_events()
        print("pandera" in sys.modules)
        """
    )
    env = {**os.environ, tablecache.CACHE_ENV: str(cache)}
    out = subprocess.run(
        [sys.executable, "-c", script], env=env, capture_output=True, text=True, check=True
    )
    assert out.stdout.strip() == "False"
