"""Count models recover injected effects; ITS finds a break; lead-lag and Granger point the right way."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dprk_launches.analysis import count_models


def _daily_with_effect(rr: float, seed: int) -> tuple[pd.DataFrame, pd.DataFrame]:
    rng = np.random.default_rng(seed)
    index = pd.date_range("2012-01-01", periods=4000, freq="D")
    events = pd.DatetimeIndex(index[np.sort(rng.choice(np.arange(50, 3900), 60, replace=False))])
    window = count_models.event_indicator(index, events, 1, 30)
    season = 1 + 0.5 * np.cos(2 * np.pi * index.day_of_year.to_numpy() / 365.25)
    rate = 0.03 * season * np.where(window.to_numpy() > 0, rr, 1.0)
    y = (rng.random(len(index)) < rate).astype(int)
    return pd.DataFrame({"launch_days": y, "missiles": y}, index=index), window.to_frame(
        "post_1_30"
    )


@pytest.mark.parametrize("family", ["poisson", "nb"])
def test_count_model_recovers_an_injected_effect(family: str) -> None:
    daily, cov = _daily_with_effect(2.5, seed=1)
    result = count_models.fit_count_model(daily, covariates=cov, family=family, lags=(1,))
    row = result.table.loc["post_1_30"]
    assert row["rr_low"] < 2.5 < row["rr_high"] and row["p_value"] < 0.001
    assert "post_1_30" in result.summary() and "rate_ratio" in result.to_frame()


def test_no_effect_is_not_found() -> None:
    daily, cov = _daily_with_effect(1.0, seed=2)
    row = count_models.fit_count_model(daily, covariates=cov, family="poisson").table.loc[
        "post_1_30"
    ]
    assert row["rr_low"] < 1 < row["rr_high"]


def test_negative_binomial_estimates_overdispersion() -> None:
    rng = np.random.default_rng(4)
    index = pd.date_range("2000-01-03", periods=1500, freq="W-MON")
    y = rng.poisson(rng.gamma(shape=1 / 0.8, scale=0.8 * 2.0, size=len(index)))
    weekly = pd.DataFrame({"launch_days": y, "missiles": y}, index=index)
    result = count_models.fit_count_model(weekly, family="nb", lags=(), eras=False, months=False)
    assert result.nb_alpha == pytest.approx(0.8, abs=0.2)


def test_eras_without_launches_are_left_out_not_separated() -> None:
    daily, cov = _daily_with_effect(1.5, seed=3)
    y = daily["launch_days"].to_numpy().copy()
    y[(daily.index >= "2018-04-21") & (daily.index <= "2019-05-03")] = 0
    result = count_models.fit_count_model(
        daily.assign(launch_days=y), covariates=cov, family="poisson"
    )
    assert result.dropped_eras == ("moratorium",)
    assert np.isfinite(result.table["coef"]).all()


def test_interrupted_time_series_finds_a_level_break() -> None:
    rng = np.random.default_rng(5)
    index = pd.date_range("2010-01-04", periods=700, freq="W-MON")
    rate = np.where(index >= "2017-01-01", 1.5, 0.5)
    weekly = pd.DataFrame({"launch_days": rng.poisson(rate), "missiles": 0}, index=index)
    result = count_models.interrupted_time_series(weekly, {"surge": "2017-01-01"}, slopes=False)
    row = result.table.loc["surge_level"]
    assert row["rr_low"] < 3 < row["rr_high"] and row["p_value"] < 0.001
    with pytest.raises(ValueError, match="at least one"):
        count_models.interrupted_time_series(weekly, {})


def test_cross_correlation_and_granger_find_who_follows_whom() -> None:
    rng = np.random.default_rng(6)
    launches = rng.poisson(1.0, 800).astype(float)
    events = np.roll(launches, 2) + rng.poisson(0.3, 800)  # events follow launches by 2 periods
    events[:2] = 0
    ccf = count_models.cross_correlation(pd.Series(launches), pd.Series(events), max_lag=4)
    assert ccf.loc[ccf["ccf"].idxmax(), "lag"] == -2
    assert ccf["band"].iloc[0] == pytest.approx(1.96 / np.sqrt(800))
    granger = count_models.granger_tests(pd.Series(launches), pd.Series(events), max_lag=3)
    by = granger.set_index(["direction", "lag"])["p_value"]
    assert by[("launches -> events", 2)] < 1e-6
    assert by[("events -> launches", 2)] > 0.001
    with pytest.raises(ValueError, match="same periods"):
        count_models.cross_correlation(pd.Series(launches), pd.Series(events[:10]))
    with pytest.raises(ValueError, match="constant"):
        count_models.granger_tests(pd.Series(launches), pd.Series(np.zeros(800)))


def test_bad_family_and_unit() -> None:
    daily, cov = _daily_with_effect(1.0, seed=7)
    with pytest.raises(ValueError, match="family"):
        count_models.fit_count_model(daily, family="zip")
    with pytest.raises(ValueError, match="unit"):
        count_models.fit_count_model(daily, unit="rockets")


def test_window_share_and_event_counts_per_week() -> None:
    index = pd.date_range("2024-01-02", periods=28, freq="D")  # a Tuesday: weeks end Mondays
    events = pd.DatetimeIndex(["2024-01-02", "2024-01-03", "2024-03-01"])
    counts = count_models.period_event_counts(index, events)
    assert counts.sum() == 2 and counts.iloc[0] == 2
    share = count_models.window_share(index, events, 1, 3)
    assert share.iloc[0] == pytest.approx(4 / 7)  # days 3-6 of the first week are covered once
    assert share.between(0, 1).all()


def test_event_window_model_reports_post_and_pre_terms() -> None:
    daily, cov = _daily_with_effect(3.0, seed=4)
    events = daily.index[np.flatnonzero(np.diff(cov["post_1_30"].to_numpy()) > 0)]
    result = count_models.event_window_model(daily, events, (1, 30), (-30, -1))
    table = result.to_frame()
    assert {"post_event", "pre_event"} <= set(table.index)
    assert table.loc["post_event", "rate_ratio"] > 1.5
