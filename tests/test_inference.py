"""Placebo and conditional tests: effects detected, p-values exact where they claim to be, bad inputs."""

from __future__ import annotations

import itertools
import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dprk_launches import windows
from dprk_launches.analysis import comparison, era_hawkes, inference, simulate


@pytest.fixture(scope="module")
def quiet_series() -> pd.DataFrame:
    return simulate.simulate_days(n_days=5000, base_rate=0.02, excitation=0.3, seed=21)


@pytest.fixture(scope="module")
def effect() -> tuple[pd.DataFrame, pd.DatetimeIndex]:
    """30 events, each followed by 3 extra launch days within [1, 30]."""
    daily = simulate.simulate_days(n_days=5000, base_rate=0.02, excitation=0.3, seed=5)
    rng = np.random.default_rng(5)
    pos = np.sort(rng.choice(np.arange(100, 4900), size=30, replace=False))
    y = daily["launch_days"].to_numpy().copy()
    for p in pos:
        y[p + rng.choice(np.arange(1, 31), size=3, replace=False)] = 1
    return daily.assign(launch_days=y, missiles=y), pd.DatetimeIndex(daily.index[pos])


def test_placebo_and_conditional_tests_detect_an_injected_effect(
    effect: tuple[pd.DataFrame, pd.DatetimeIndex],
) -> None:
    daily, dates = effect
    fit = era_hawkes.fit_hawkes(daily)
    for matching in comparison.MATCHINGS:
        r = comparison.placebo_test(daily, dates, n_draws=2000, matching=matching, fit=fit)
        assert r.rate_ratio > 1.8 and r.p_value < 0.01, matching
        assert r.rate_ratio_interval[0] > 1
    c = comparison.conditional_test(daily, dates, fit=fit)
    assert c.rate_ratio > 1.5 and c.p_value < 0.01
    assert c.rate_ratio_interval[0] < c.rate_ratio < c.rate_ratio_interval[1]
    assert c.rate_ratio_interval[0] > 1


def test_result_objects_report_both_windows_and_pools(
    quiet_series: pd.DataFrame,
) -> None:
    dates = quiet_series.index[[400, 1400, 2400, 3400]]
    r = comparison.placebo_test(quiet_series, dates, n_draws=500)
    assert r.n_events == 4 and len(r.pool_sizes) == 4
    assert all(s == comparison.N_NEIGHBOURS for s in r.pool_sizes)
    assert (
        r.observed
        == windows.window_counts(
            quiet_series["launch_days"].to_numpy(), np.array([400, 1400, 2400, 3400]), 1, 30
        ).sum()
    )
    assert 1 / 501 <= r.p_value <= 1 and 1 / 501 <= r.p_value_pre <= 1
    text = r.summary()
    assert "rate ratio" in text and "Before the events" in text and "Naive" in text
    frame = r.to_frame()
    assert (
        frame.loc[0, "min_pool"] == comparison.N_NEIGHBOURS and frame.loc[0, "window"] == "[1, 30]"
    )
    c = comparison.conditional_test(quiet_series, dates)
    assert "Conditional" in c.summary() and len(c.to_frame()) == 1
    assert c.expected > 0 and 0 < c.p_value <= 1


def test_zero_observed_gives_p_one_and_plus_one_correction(quiet_series: pd.DataFrame) -> None:
    y = quiet_series["launch_days"].to_numpy().copy()
    y[1000:1100] = 0
    daily = quiet_series.assign(launch_days=y)
    r = comparison.placebo_test(daily, daily.index[[1020]], window=(1, 30), n_draws=300)
    assert r.observed == 0 and r.p_value == 1.0
    y[1021:1051] = 1
    daily = quiet_series.assign(launch_days=y)
    r = comparison.placebo_test(daily, daily.index[[1020]], window=(1, 30), n_draws=300)
    assert r.p_value == pytest.approx(1 / 301)


def test_pools_respect_season_and_calendar_edges(quiet_series: pd.DataFrame) -> None:
    calendar = pd.DatetimeIndex(quiet_series.index)
    counts = quiet_series["launch_days"].to_numpy()
    for score in (None, np.linspace(0.1, 2, len(counts))):
        pools = comparison.matched_pools(calendar, counts, np.array([200, 2000]), (-30, 60), score)
        doy = calendar.day_of_year.to_numpy()
        for e, p in enumerate((200, 2000)):
            cand = pools.flat[pools.offsets[e] : pools.offsets[e + 1]]
            gap = np.abs(doy[cand] - doy[p])
            assert np.all(np.minimum(gap, 366 - gap) <= comparison.SEASON_HALFWIDTH)
            assert cand.min() >= 30 and cand.max() + 60 < len(calendar) and p not in cand
        draws = pools.draw(100, np.random.default_rng(0))
        assert draws.shape == (2, 100)


def test_small_pools_warn_and_outside_events_are_counted(quiet_series: pd.DataFrame) -> None:
    short = quiet_series.iloc[:400]
    with pytest.warns(UserWarning, match="smallest placebo pool"):
        comparison.placebo_test(short, short.index[[200]], n_draws=100, matching="bins")
    dates = pd.DatetimeIndex([quiet_series.index[500], pd.Timestamp("1990-01-01")])
    with pytest.warns(UserWarning, match="1 events outside"):
        r = comparison.placebo_test(quiet_series, dates, n_draws=100)
    assert r.n_events == 1 and r.n_events_dropped == 1 and "left out" in r.summary()


def test_bad_inputs(quiet_series: pd.DataFrame) -> None:
    with pytest.raises(ValueError, match="a <= b"):
        comparison.placebo_test(quiet_series, quiet_series.index[[100]], window=(5, 1))
    with pytest.raises(ValueError, match="a <= b"):
        comparison.conditional_test(quiet_series, quiet_series.index[[100]], pre_window=(-1, -5))
    with pytest.raises(ValueError, match="no event falls inside"):
        comparison.placebo_test(quiet_series, pd.DatetimeIndex([]))
    with pytest.raises(ValueError, match="no event falls inside"):
        comparison.conditional_test(quiet_series, pd.DatetimeIndex(["2100-01-01"]))
    with pytest.raises(ValueError, match="unit must be"):
        comparison.placebo_test(quiet_series, quiet_series.index[[100]], unit="rockets")
    with pytest.raises(ValueError, match="matching must be"):
        comparison.placebo_test(quiet_series, quiet_series.index[[100]], matching="nearest")
    with pytest.raises(ValueError, match="start <= end"):
        comparison.sensitivity_grid(quiet_series, quiet_series.index[[100]], [10], [5])


@given(
    weights=st.lists(st.integers(1, 3), min_size=1, max_size=8),
    probs=st.lists(st.floats(0.0, 1.0), min_size=8, max_size=8),
    observed=st.integers(-1, 20),
)
@settings(max_examples=150, deadline=None)
def test_weighted_bernoulli_tail_matches_enumeration(
    weights: list[int], probs: list[float], observed: int
) -> None:
    w, p = np.array(weights), np.array(probs[: len(weights)])
    exact = 0.0
    for outcome in itertools.product((0, 1), repeat=len(w)):
        o = np.array(outcome)
        if w @ o >= observed:
            exact += float(np.prod(np.where(o == 1, p, 1 - p)))
    assert comparison.weighted_bernoulli_sf(w, p, observed) == pytest.approx(exact, abs=1e-9)


def test_sensitivity_grid_and_placebo_band(effect: tuple[pd.DataFrame, pd.DatetimeIndex]) -> None:
    daily, dates = effect
    fit = era_hawkes.fit_hawkes(daily)
    grid = comparison.sensitivity_grid(daily, dates, [1, 31], [30, 60], n_draws=500, fit=fit)
    assert list(zip(grid["start"], grid["end"], strict=True)) == [(1, 30), (1, 60), (31, 60)]
    cell = grid.set_index(["start", "end"])
    assert cell.loc[(1, 30), "rate_ratio"] > 1.8 and cell.loc[(1, 30), "p_value"] < 0.01
    assert cell.loc[(31, 60), "rate_ratio"] < cell.loc[(1, 30), "rate_ratio"]
    band = comparison.placebo_band(daily, dates, max_abs_days=30, bin_days=10, n_draws=500, fit=fit)
    assert band["start"].tolist() == [-30, -20, -10, 0, 10, 20, 30]
    assert (band["low"] <= band["mean"]).all() and (band["mean"] <= band["high"]).all()
    counts = daily["launch_days"].to_numpy()
    pos = windows.event_positions(pd.DatetimeIndex(daily.index), dates)
    assert band.loc[4, "observed"] == windows.window_counts(counts, pos, 10, 19).sum()


def test_holm_and_bh() -> None:
    adjusted = inference.adjust_pvalues(pd.Series({"a": 0.01, "b": 0.04, "c": 0.5}))
    assert adjusted["p_holm"].tolist() == pytest.approx([0.03, 0.08, 0.5])
    assert adjusted["p_bh"].tolist() == pytest.approx([0.03, 0.06, 0.5])
    assert inference.adjust_pvalues(pd.Series([], dtype=float)).empty


def test_naive_poisson_p() -> None:
    assert comparison.naive_poisson_p(0, 3.0) == 1.0
    assert comparison.naive_poisson_p(10, 3.0) == pytest.approx(0.001102, rel=1e-3)
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        assert comparison.naive_poisson_p(1, 0.5) == pytest.approx(1 - np.exp(-0.5))
