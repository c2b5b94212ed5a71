"""Series: zero-filled calendars in both units, eras, seasonality intervals, dispersion, changepoints."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dprk_launches import changepoints, series


def _launches(
    dates: list[str], missiles: list[int], precision: list[str] | None = None
) -> pd.DataFrame:
    return pd.DataFrame(
        {
            "launch_id": dates,
            "date_local": pd.to_datetime([d if len(d) > 7 else d + "-01" for d in dates]),
            "n_missiles": missiles,
            "missile_types": "SRBM",
            "outcomes": "success",
            "facilities": "x",
            "date_precision": precision or ["day"] * len(dates),
        }
    )


def test_daily_counts_fill_zeros_keep_both_units_and_report_month_rows() -> None:
    table = _launches(["2020-01-02", "2020-01-05", "1990-05"], [3, 1, 2], ["day", "day", "month"])
    daily = series.daily_counts(table, "2020-01-01", "2020-01-31")
    assert len(daily) == 31 and daily.index.is_monotonic_increasing
    assert daily["launch_days"].sum() == 2 and daily["missiles"].sum() == 4
    assert daily.loc["2020-01-02", "missiles"] == 3 and daily.loc["2020-01-03", "missiles"] == 0
    assert daily.attrs["month_precision_dropped"] == 1


def test_daily_counts_default_span_and_bad_span() -> None:
    daily = series.daily_counts(_launches(["2021-03-01", "2021-03-10"], [1, 2]))
    assert (daily.index[0], daily.index[-1]) == (
        pd.Timestamp("2021-03-01"),
        pd.Timestamp("2021-03-10"),
    )
    with pytest.raises(ValueError, match="after end"):
        series.daily_counts(_launches(["2021-03-01"], [1]), "2021-05-01", "2021-04-01")
    with pytest.raises(ValueError, match="empty"):
        series.daily_counts(_launches([], []))


def test_weekly_and_monthly_sums_preserve_totals() -> None:
    daily = series.daily_counts(_launches(["2022-01-03", "2022-01-04", "2022-02-28"], [2, 1, 5]))
    weekly, monthly = series.weekly_counts(daily), series.monthly_counts(daily)
    assert weekly["missiles"].sum() == monthly["missiles"].sum() == 8
    assert monthly["launch_days"].tolist() == [2, 1]
    assert (weekly.index.day_of_week == 0).all()


def test_eras_cover_leaders_and_the_moratorium() -> None:
    labels = series.era_of(
        pd.to_datetime(
            [
                "1994-07-08",
                "1994-07-09",
                "2011-12-17",
                "2018-04-21",
                "2019-05-03",
                "2019-05-04",
                "2022-01-01",
            ]
        )
    )
    assert list(labels) == [
        "kim_il_sung",
        "kim_jong_il",
        "kim_jong_il",
        "moratorium",
        "moratorium",
        "kju_resumed",
        "kju_five_year_plan",
    ]


def test_seasonality_interval_contains_rate_and_is_exact() -> None:
    index = pd.date_range("2010-01-01", "2019-12-31", freq="D")
    hits = (index.month == 3) & (index.day <= 3)
    daily = pd.DataFrame(
        {"launch_days": hits.astype(int), "missiles": hits.astype(int)}, index=index
    )
    table = series.seasonality(daily)
    march = table[(table["period"] == "month") & (table["value"] == 3)].iloc[0]
    assert march["count"] == 30 and march["low"] < march["rate_per_30d"] < march["high"]
    june = table[(table["period"] == "month") & (table["value"] == 6)].iloc[0]
    assert june["low"] == 0 and june["high"] == pytest.approx(30 * 3.689 / 300, rel=1e-3)
    assert set(table.loc[table["period"] == "quarter", "value"]) == {1, 2, 3, 4}


def test_intervals_and_dispersion() -> None:
    index = pd.date_range("2020-01-01", periods=20, freq="D")
    y = np.zeros(20, dtype=int)
    y[[2, 3, 10]] = 1
    daily = pd.DataFrame({"launch_days": y, "missiles": y}, index=index)
    assert series.inter_launch_intervals(daily).tolist() == [1, 7]
    assert series.dispersion_index(np.array([2, 2, 2])) == 0
    assert series.dispersion_index(np.array([0, 0, 0, 12])) > 5
    assert np.isnan(series.dispersion_index(np.zeros(4)))


def test_poisson_changepoints_find_a_rate_shift() -> None:
    rng = np.random.default_rng(0)
    counts = np.concatenate([rng.poisson(0.2, 150), rng.poisson(2.0, 150)])
    weeks = pd.Series(counts, index=pd.date_range("2010-01-04", periods=300, freq="W-MON"))
    found = changepoints.changepoints(weeks)
    assert len(found.segments) == 2
    assert abs(found.segments["periods"].iloc[0] - 150) <= 5
    assert found.segments["rate"].iloc[1] > 5 * found.segments["rate"].iloc[0]
    assert "segments" in found.summary() and len(found.to_frame()) == 2
    with pytest.raises(ValueError, match="at least"):
        changepoints.changepoints(weeks.iloc[:5])


def test_era_rates_add_up_and_bracket_the_rate() -> None:
    index = pd.date_range("2017-01-01", "2019-12-31", freq="D")
    y = np.zeros(len(index), dtype=np.int64)
    y[[10, 40, 41, 400, 900]] = 1
    daily = pd.DataFrame({"launch_days": y, "missiles": 2 * y}, index=index)
    table = series.era_rates(daily)
    assert list(table.index) == ["kju_buildup", "moratorium", "kju_resumed"]
    assert table["days"].sum() == len(index) and table["launch_days"].sum() == 5
    assert table.loc["moratorium", "first_day"] == pd.Timestamp("2018-04-21")
    assert (table["low"] <= table["launch_days_per_30d"]).all()
    assert (table["launch_days_per_30d"] <= table["high"]).all()
    assert table.loc["kju_buildup", "missiles_per_launch_day"] == 2.0
    assert np.isnan(table.loc["moratorium", "missiles_per_launch_day"])
