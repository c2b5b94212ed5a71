"""The real-record placebo check: year-matched placebo dates, the committed results, the page sentence."""

from __future__ import annotations

import numpy as np
import pandas as pd
from hypothesis import given, settings
from hypothesis import strategies as st

from dprk_launches import config
from dprk_launches.analysis import real_placebo
from dprk_launches.reports import verdicts

CALENDAR = pd.date_range("2006-01-01", "2026-05-26", freq="D")


@settings(max_examples=40, deadline=None, derandomize=True)
@given(
    days=st.lists(st.integers(0, len(CALENDAR) - 1), min_size=1, max_size=60),
    seed=st.integers(0, 10_000),
)
def test_placebo_dates_keep_each_event_year_inside_the_usable_calendar(days, seed) -> None:
    dates = pd.DatetimeIndex(CALENDAR[sorted(days)])
    placebo = real_placebo.year_matched(CALENDAR, dates, np.random.default_rng(seed))
    assert len(placebo) == len(dates)
    lo, hi = CALENDAR[real_placebo.MARGIN_DAYS], CALENDAR[-real_placebo.MARGIN_DAYS - 1]
    assert placebo.min() >= lo and placebo.max() <= hi
    usable_years = set(CALENDAR[real_placebo.MARGIN_DAYS : -real_placebo.MARGIN_DAYS].year)
    want = sorted(
        min(usable_years, key=lambda y, year=year: (abs(y - year), y)) for year in dates.year
    )
    assert sorted(placebo.year) == want


def test_committed_results_cover_every_design_and_the_readme_shows_them() -> None:
    result = real_placebo.load()
    assert result is not None
    assert set(result["designs"]) == {d.name for d in verdicts.designs()}
    assert all(row["n_sets"] >= 100 for row in result["designs"].values())
    assert real_placebo.readme_block(result) in (config.PROJECT_ROOT / "README.md").read_text()


def test_sentence_states_the_rate_and_says_when_it_is_too_high() -> None:
    result = {
        "target": 0.08,
        "designs": {"a": {"type1": 0.05, "type1_more": 0.04, "n_sets": 400}},
    }
    text = real_placebo.sentence(result, "a")
    assert "5%" in text and "400 sets" in text and "within what a sound test gives" in text
    result["designs"]["a"]["type1"] = 0.2
    assert "more often than a sound test would" in real_placebo.sentence(result, "a")
    assert real_placebo.sentence(result, "missing") == ""
    assert real_placebo.sentence(None, "a") == ""
