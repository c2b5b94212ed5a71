"""Window arithmetic against a brute-force reference, and the placebo test's calibration under reverse causality."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dprk_launches import series, windows
from dprk_launches.analysis import comparison, inference, simulate


@given(
    counts=st.lists(st.integers(0, 5), min_size=1, max_size=200),
    positions=st.lists(st.integers(-20, 220), min_size=1, max_size=10),
    a=st.integers(-40, 40),
    length=st.integers(0, 60),
)
@settings(max_examples=300, deadline=None)
def test_window_counts_match_brute_force(
    counts: list[int], positions: list[int], a: int, length: int
) -> None:
    b = a + length
    got = windows.window_counts(np.array(counts), np.array(positions), a, b)
    expected = [
        sum(counts[d] for d in range(p + a, p + b + 1) if 0 <= d < len(counts)) for p in positions
    ]
    assert got.tolist() == expected


def test_window_with_start_after_end_is_refused() -> None:
    with pytest.raises(ValueError, match="after its end"):
        windows.window_counts(np.zeros(10), np.array([3]), 5, 2)


def test_daily_counts_fill_the_calendar_and_keep_both_units() -> None:
    days = pd.DataFrame(
        {
            "date_local": pd.to_datetime(["2020-01-02", "2020-01-05", "2019-06-01"]),
            "n_missiles": [2, 1, 4],
            "date_precision": ["day", "day", "month"],
        }
    )
    daily = series.daily_counts(days, "2020-01-01", "2020-01-10")
    assert len(daily) == 10 and daily["missiles"].sum() == 3 and daily["launch_days"].sum() == 2


def test_event_offsets_are_signed_days() -> None:
    days = pd.DataFrame(
        {
            "date_local": pd.to_datetime(["2022-01-05", "2022-01-14", "2022-03-01"]),
            "date_precision": "day",
        }
    )
    events = pd.DataFrame({"event_id": ["e"], "start_local": pd.to_datetime(["2022-01-13"])})
    offsets = windows.event_offsets(days, events, max_abs_days=30)
    assert sorted(offsets["offset_days"]) == [-8, 1]


def test_placebo_test_detects_an_injected_effect() -> None:
    daily = simulate.simulate_days(n_days=3650, excitation=0.0, seed=3)
    rng = np.random.default_rng(5)
    events = np.sort(rng.choice(np.arange(60, 3600), size=30, replace=False))
    counts = daily["launch_days"].to_numpy().copy()
    for p in events:
        hit = p + rng.integers(1, 31, size=3)
        counts[hit] = 1
    daily = daily.assign(launch_days=counts)
    result = comparison.placebo_test(daily, daily.index[events], n_draws=2000)
    assert result.rate_ratio > 2 and result.p_value < 0.01
    assert "rate ratio" in result.summary() and len(result.to_frame()) == 1


def test_headline_stays_calibrated_where_the_naive_test_does_not() -> None:
    """Reverse causality: events placed 1–3 days after launches in a clustered, seasonal null."""
    n_sims, headline, naive = 200, 0, 0
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for seed in range(n_sims):
            daily = simulate.simulate_days(n_days=3650, excitation=0.3, seed=seed)
            events = simulate.reverse_causal_events(daily, n_events=12, seed=seed)
            r = comparison.placebo_test(daily, events, window=(1, 30), n_draws=400, seed=seed)
            headline += r.p_value <= 0.05
            naive += r.naive_p_value <= 0.05
    assert headline / n_sims <= 0.08
    assert naive / n_sims > 0.2


def test_bad_inputs_to_the_placebo_test() -> None:
    daily = simulate.simulate_days(n_days=400, seed=1)
    with pytest.raises(ValueError, match="a <= b"):
        comparison.placebo_test(daily, daily.index[[100]], window=(5, 1))
    with pytest.raises(ValueError, match="no event falls inside"):
        comparison.placebo_test(daily, pd.DatetimeIndex(["1990-01-01"]))
    with pytest.raises(ValueError, match="unit must be"):
        comparison.placebo_test(daily, daily.index[[100]], unit="rockets")


def test_holm_and_bh_adjustments() -> None:
    adjusted = inference.adjust_pvalues(pd.Series({"a": 0.01, "b": 0.04, "c": 0.5}))
    assert adjusted["p_holm"].tolist() == pytest.approx([0.03, 0.08, 0.5])
    assert adjusted["p_bh"].tolist() == pytest.approx([0.03, 0.06, 0.5])
