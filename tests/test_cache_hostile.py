"""Hostile cache entries (issue 21): planted, tampered, NaN, wrong-shape, foreign or FIFO entries are
never used and never run code; each is rebuilt with a one-line note."""

from __future__ import annotations

import io
import json
import os
import pickle
from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dprk_launches import config
from dprk_launches.analysis import fitcache, simulate
from dprk_launches.records import cache as tablecache
from dprk_launches.records import launches


class Planted:
    """An object whose unpickling writes a marker file (stands for 'runs a command')."""

    def __init__(self, marker: Path) -> None:
        """Remember where the marker goes."""
        self.marker = marker

    def __reduce__(self) -> tuple:
        """On load: create the marker file."""
        return (Path.touch, (self.marker,))


@pytest.fixture
def tables(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty table cache folder."""
    folder = tmp_path / "tables"
    monkeypatch.setenv(tablecache.CACHE_ENV, str(folder))
    return folder


@pytest.fixture
def fits(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty fit cache folder and memory."""
    monkeypatch.setenv(fitcache.CACHE_ENV, str(tmp_path / "fits"))
    monkeypatch.setattr(fitcache, "_MEMORY", {})
    return tmp_path / "fits"


def _entry(folder: Path, kind: str) -> Path:
    """The one data file of a kind in a cache folder."""
    (path,) = [p for p in folder.glob(f"{kind}-*") if not p.name.endswith(".json")]
    return path


@pytest.mark.usefixtures("mirror")
def test_a_planted_pickle_under_every_name_never_runs(
    tables: Path, tmp_path: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    fresh = launches.load_launches()
    marker = tmp_path / "ran"
    for path in list(tables.iterdir()):
        payload = pickle.dumps(Planted(marker))
        path.write_bytes(payload)
        path.with_suffix(".pkl").write_bytes(payload)
    again = launches.load_launches()
    assert not marker.exists()
    pd.testing.assert_frame_equal(fresh, again)
    assert "note: cache entry" in capfd.readouterr().err


@pytest.mark.usefixtures("mirror")
def test_a_valid_table_with_rows_dropped_is_refused(
    tables: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    fresh = launches.load_launches()
    path = _entry(tables, "launches")
    frame = pd.read_parquet(path)
    frame[frame["date_local"].dt.year != 2022].to_parquet(path, index=False)
    again = launches.load_launches()
    assert (again["date_local"].dt.year == 2022).sum() > 0
    pd.testing.assert_frame_equal(fresh, again)
    assert "does not match its manifest" in capfd.readouterr().err


@pytest.mark.usefixtures("mirror")
def test_a_consistent_forgery_of_the_wrong_shape_is_refused(
    tables: Path, capfd: pytest.CaptureFixture[str]
) -> None:
    fresh = launches.load_launches()
    path = _entry(tables, "launches")
    manifest = json.loads(config.manifest_path(path).read_text())
    buffer = io.BytesIO()
    fresh.head(3).to_parquet(buffer, index=False)
    data = buffer.getvalue()
    config.store_in_cache(path, data, manifest["inputs"], manifest["meta"])
    pd.testing.assert_frame_equal(fresh, launches.load_launches())
    assert "shape or dtypes" in capfd.readouterr().err


@pytest.mark.parametrize(
    "manifest",
    [b"", b"[]", b"{not json", json.dumps({"format": "other"}).encode(), b"\xff\xfe"],
    ids=["empty", "list", "broken", "foreign", "binary"],
)
@pytest.mark.usefixtures("mirror")
def test_a_broken_or_foreign_manifest_is_refused(
    tables: Path, manifest: bytes, capfd: pytest.CaptureFixture[str]
) -> None:
    fresh = launches.load_launches()
    config.manifest_path(_entry(tables, "launches")).write_bytes(manifest)
    pd.testing.assert_frame_equal(fresh, launches.load_launches())
    assert "note: cache entry" in capfd.readouterr().err


@pytest.mark.usefixtures("mirror")
def test_a_fifo_in_the_cache_does_not_hang(tables: Path) -> None:
    fresh = launches.load_launches()
    path = _entry(tables, "launches")
    path.unlink()
    os.mkfifo(path)
    pd.testing.assert_frame_equal(fresh, launches.load_launches())


@pytest.fixture
def daily() -> pd.DataFrame:
    """A four-year simulated launch calendar."""
    return simulate.simulate_days(n_days=1460, base_rate=0.03, excitation=0.3, seed=5)


@pytest.mark.parametrize("edit", ["shift", "nan", "shape", "object", "bytes"])
def test_a_tampered_fit_is_refitted(
    daily: pd.DataFrame, fits: Path, edit: str, capfd: pytest.CaptureFixture[str]
) -> None:
    first = fitcache.fit_intensity(daily)
    (path,) = fits.glob("*.npy")
    manifest = json.loads(config.manifest_path(path).read_text())
    x = first.x.copy()
    values = {
        "shift": x + 0.5,
        "nan": np.where(np.arange(len(x)) == 0, np.nan, x),
        "shape": x[:-1],
        "object": np.array(list(x), dtype=object),
    }
    if edit == "bytes":
        path.write_bytes(path.read_bytes()[:-8] + np.ones(1).tobytes())
    else:
        buffer = io.BytesIO()
        np.save(buffer, values[edit], allow_pickle=True)
        if edit == "shift":  # alone: the manifest's sha256 catches it
            path.write_bytes(buffer.getvalue())
        else:  # with a manifest that agrees: the array's own checks catch it
            config.store_in_cache(path, buffer.getvalue(), manifest["inputs"], manifest["meta"])
    fitcache._MEMORY.clear()
    again = fitcache.fit_intensity(daily)
    np.testing.assert_allclose(again.x, first.x, rtol=1e-6)
    assert "note: cache entry" in capfd.readouterr().err
    assert np.load(path, allow_pickle=False).shape == first.x.shape


def test_no_cache_module_loads_pickle() -> None:
    for module in (tablecache, fitcache, config):
        text = Path(module.__file__).read_text()
        assert "pickle" not in text.replace("allow_pickle=False", "")
