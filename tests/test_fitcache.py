"""The shared null-fit cache: reused across calls and processes, keyed by data and code, never stale."""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd
import pytest

from dprk_launches.analysis import fitcache, inference, model, simulate

EVENTS = [300, 700, 1100, 1500, 1900]


@pytest.fixture
def daily() -> pd.DataFrame:
    """A six-year simulated launch calendar."""
    return simulate.simulate_days(n_days=2190, base_rate=0.03, excitation=0.3, seed=3)


@pytest.fixture
def folder(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """An empty cache folder and an empty memory cache for this test."""
    monkeypatch.setenv(fitcache.CACHE_ENV, str(tmp_path / "fits"))
    monkeypatch.setattr(fitcache, "_MEMORY", {})
    return tmp_path / "fits"


REAL_FIT = model.fit


def _no_fitting(*args: object, beta: float | None = None, **kwargs: object) -> model.IntensityFit:
    """Stand-in for model.fit that fails the test if the null model (beta = 0) is refitted."""
    if beta == 0.0:
        raise AssertionError("the null model was refitted instead of read from the cache")
    return REAL_FIT(*args, beta=beta, **kwargs)


def test_second_fit_is_read_from_disk(
    daily: pd.DataFrame, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = fitcache.fit_intensity(daily)
    assert len(list(folder.glob("*.npy"))) == 1
    monkeypatch.setattr(fitcache, "_MEMORY", {})
    monkeypatch.setattr(model, "fit", _no_fitting)
    again = fitcache.fit_intensity(daily)
    np.testing.assert_array_equal(again.x, first.x)
    assert again.objective == pytest.approx(first.objective, rel=1e-12)


def test_headline_is_the_same_with_and_without_the_cache(
    daily: pd.DataFrame, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    dates = daily.index[EVENTS]
    cold = inference.headline_test(daily, dates, (1, 30), n_draws=200, interval=False)
    monkeypatch.setattr(model, "fit", _no_fitting)
    warm = inference.headline_test(daily, dates, (1, 30), n_draws=200, interval=False)
    assert warm.p_value == pytest.approx(cold.p_value, abs=1e-6)
    assert warm.rate_ratio == pytest.approx(cold.rate_ratio, rel=1e-4)


def test_other_launches_or_calendar_get_another_key(daily: pd.DataFrame) -> None:
    y = model.launch_days(daily)
    index = pd.DatetimeIndex(daily.index)
    changed = y.copy()
    changed[100] = 1 - changed[100]
    keys = {
        fitcache.fit_key(y, index),
        fitcache.fit_key(changed, index),
        fitcache.fit_key(y, index + pd.Timedelta(days=1)),
    }
    assert len(keys) == 3


def test_corrupt_cache_file_is_refitted(daily: pd.DataFrame, folder: Path) -> None:
    first = fitcache.fit_intensity(daily)
    (path,) = folder.glob("*.npy")
    path.write_bytes(b"not a numpy file")
    fitcache._MEMORY.clear()
    again = fitcache.fit_intensity(daily)
    np.testing.assert_allclose(again.x, first.x)
    assert np.load(path).shape == first.x.shape


def test_empty_setting_turns_the_disk_cache_off(
    daily: pd.DataFrame, tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv(fitcache.CACHE_ENV, "")
    monkeypatch.chdir(tmp_path)
    assert fitcache.cache_dir() is None
    fitcache.fit_intensity(daily)
    assert not list(tmp_path.rglob("*.npy"))


def test_matching_hawkes_fit_is_cached_and_equals_a_fresh_fit(
    daily: pd.DataFrame, folder: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    from dprk_launches.analysis import era_hawkes, matching

    fresh = era_hawkes.fit_hawkes(daily)
    first = fitcache.hawkes_fit(daily)
    np.testing.assert_allclose(first.params, fresh.params)
    assert first.loglik == pytest.approx(fresh.loglik) and first.era_names == fresh.era_names
    (path,) = folder.glob("*.npy")
    monkeypatch.setattr(fitcache, "_MEMORY", {})

    def refit(*args: object, **kwargs: object) -> None:
        raise AssertionError("the Hawkes fit was refitted instead of read from the cache")

    monkeypatch.setattr(era_hawkes, "fit_hawkes", refit)
    again = matching._try_fit(daily)
    np.testing.assert_array_equal(again.params, first.params)
    path.write_bytes(b"planted")  # a corrupt entry is refused and refitted, never used
    monkeypatch.setattr(fitcache, "_MEMORY", {})
    monkeypatch.setattr(era_hawkes, "fit_hawkes", lambda d: fresh)
    np.testing.assert_allclose(fitcache.hawkes_fit(daily).params, fresh.params)
