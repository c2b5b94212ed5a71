"""Window arithmetic against brute force (hypothesis), overlap weights, offsets and range-event phases."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dprk_launches import windows


@given(
    n_days=st.integers(1, 120),
    positions=st.lists(st.integers(-30, 150), min_size=0, max_size=8),
    a=st.integers(-40, 40),
    length=st.integers(0, 50),
)
@settings(max_examples=200, deadline=None)
def test_weights_match_brute_force(n_days: int, positions: list[int], a: int, length: int) -> None:
    b = a + length
    got = windows.window_weights(n_days, np.array(positions, dtype=np.int64), a, b)
    expected = [sum(1 for p in positions if p + a <= d <= p + b) for d in range(n_days)]
    assert got.tolist() == expected
    union = windows.union_window_mask(n_days, np.array(positions, dtype=np.int64), a, b)
    assert union.tolist() == [e > 0 for e in expected]


@given(
    counts=st.lists(st.integers(0, 4), min_size=1, max_size=150),
    positions=st.lists(st.integers(-10, 160), min_size=1, max_size=6),
    a=st.integers(-30, 30),
    length=st.integers(0, 40),
)
@settings(max_examples=200, deadline=None)
def test_weighted_total_equals_sum_of_window_counts(
    counts: list[int], positions: list[int], a: int, length: int
) -> None:
    """Each event's window counted separately: sum of window counts == weights @ counts."""
    b = a + length
    y, pos = np.array(counts), np.array(positions)
    total = windows.window_counts(y, pos, a, b).sum()
    assert total == windows.window_weights(len(y), pos, a, b) @ y


def test_windows_with_start_after_end_are_refused() -> None:
    with pytest.raises(ValueError, match="after its end"):
        windows.window_weights(10, np.array([2]), 3, 1)
    with pytest.raises(ValueError, match="after its end"):
        windows.window_counts(np.zeros(10), np.array([3]), 5, 2)


def test_event_positions_outside_the_calendar_are_minus_one() -> None:
    calendar = pd.date_range("2020-01-01", periods=10, freq="D")
    frame = pd.DataFrame({"start_local": pd.to_datetime(["2020-01-03", "2019-12-01"])})
    assert windows.event_positions(calendar, frame).tolist() == [2, -1]


def test_event_offsets_every_pair_within_range_and_empty_events() -> None:
    days = pd.DataFrame(
        {
            "date_local": pd.to_datetime(["2022-01-05", "2022-01-14", "2022-03-01", "2021-06-01"]),
            "date_precision": ["day", "day", "day", "month"],
        }
    )
    events = pd.DataFrame(
        {"event_id": ["a", "b"], "start_local": pd.to_datetime(["2022-01-13", "2022-01-04"])}
    )
    offsets = windows.event_offsets(days, events, max_abs_days=30)
    assert sorted(zip(offsets["event_id"], offsets["offset_days"], strict=True)) == [
        ("a", -8),
        ("a", 1),
        ("b", 1),
        ("b", 10),
    ]
    empty = windows.event_offsets(days, events.iloc[:0])
    assert empty.empty and list(empty.columns) == ["event_id", "offset_days"]


def test_range_phases_before_during_after() -> None:
    index = pd.date_range("2020-01-01", periods=60, freq="D")
    y = np.zeros(60, dtype=int)
    y[[5, 20, 21, 40]] = 1
    daily = pd.DataFrame({"launch_days": y, "missiles": 2 * y}, index=index)
    events = pd.DataFrame(
        {
            "event_id": ["ex"],
            "start_local": [index[20]],
            "end_local": [index[24]],
        }
    )
    phases = windows.range_phase_counts(daily, events, before=15, after=16).set_index("phase")
    assert phases.loc["before", "launch_days"] == 1 and phases.loc["before", "days"] == 15
    assert phases.loc["during", "launch_days"] == 2 and phases.loc["during", "days"] == 5
    assert phases.loc["after", "launch_days"] == 1 and phases.loc["after", "missiles"] == 2
    assert phases.loc["during", "launch_days_per_day"] == pytest.approx(0.4)
    bad = events.assign(start_local=pd.Timestamp("2019-01-01"))
    with pytest.raises(ValueError, match="outside the calendar"):
        windows.range_phase_counts(daily, bad)


def test_range_phase_summary_totals_and_rates() -> None:
    index = pd.date_range("2020-01-01", periods=200, freq="D")
    y = np.zeros(200, dtype=np.int64)
    y[[5, 50, 52, 60, 95]] = 1
    daily = pd.DataFrame({"launch_days": y, "missiles": 3 * y}, index=index)
    events = pd.DataFrame(
        {
            "event_id": ["a", "b"],
            "start_local": index[[50, 100]],
            "end_local": index[[59, 109]],
        }
    )
    phases = windows.range_phase_counts(daily, events, before=30, after=30)
    summary = windows.range_phase_summary(phases)
    assert list(summary.index) == ["before", "during", "after"]
    assert summary.loc["during", "launch_days"] == 2 and summary.loc["during", "days"] == 20
    assert (
        summary.loc["before", "launch_days"] == 1
    )  # day 95 before b; day 5 is outside a's 30 days
    assert summary.loc["after", "launch_days"] == 1  # day 60 after a; day 95 is 36 days after a
    assert summary.loc["during", "launch_days_per_30d"] == pytest.approx(3.0)
    assert summary.loc["during", "missiles_per_30d"] == pytest.approx(9.0)
    assert (summary["low"] <= summary["launch_days_per_30d"]).all()
