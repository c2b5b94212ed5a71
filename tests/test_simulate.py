"""Simulation: fitted to a launches table, seeded, reverse-causal placement and injected effects."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from dprk_launches.analysis import simulate


@pytest.fixture(scope="module")
def params() -> simulate.SimulationParams:
    daily = simulate.simulate_days(n_days=5000, base_rate=0.03, excitation=0.4, seed=2)
    days = daily[daily["launch_days"] > 0]
    table = pd.DataFrame(
        {
            "launch_id": days.index.strftime("%Y-%m-%d"),
            "date_local": days.index,
            "n_missiles": np.resize([1, 2, 4], len(days)),
            "missile_types": "SRBM",
            "outcomes": "success",
            "facilities": "x",
            "date_precision": "day",
        }
    )
    return simulate.fit_simulation_params(table, start=daily.index[0], end=daily.index[-1])


def test_params_come_from_the_data(params: simulate.SimulationParams) -> None:
    assert 0.15 < params.alpha < 0.7
    lo, hi = params.alpha_interval
    assert lo <= params.alpha <= hi
    assert set(params.salvo_sizes) == {1, 2, 4}
    assert params.with_alpha(0.9).alpha == 0.9 and params.alpha != 0.9


def test_simulation_is_seeded_and_has_both_units(params: simulate.SimulationParams) -> None:
    a, b, c = (simulate.simulate_daily(params, s) for s in (1, 1, 2))
    pd.testing.assert_frame_equal(a, b)
    assert not a.equals(c)
    assert ((a["missiles"] > 0) == (a["launch_days"] > 0)).all()
    assert set(np.unique(a["missiles"])) <= {0, 1, 2, 4}
    assert len(a) == len(params.calendar)


def test_more_excitation_means_more_clustering(params: simulate.SimulationParams) -> None:
    def dispersion(alpha: float) -> float:
        weekly = [
            simulate.simulate_daily(params.with_alpha(alpha), s)["launch_days"]
            .resample("W-MON")
            .sum()
            for s in range(5)
        ]
        return float(np.mean([w.var() / w.mean() for w in weekly]))

    assert dispersion(0.8) > dispersion(0.0) + 0.2


def test_reverse_causal_events_follow_launches() -> None:
    daily = simulate.simulate_days(n_days=3000, seed=4)
    dates = simulate.reverse_causal_events(daily, n_events=15, seed=4)
    y = daily["launch_days"]
    assert len(dates) == 15 and dates.is_monotonic_increasing
    for d in dates:
        lags = [y.get(d - pd.Timedelta(days=k), 0) for k in (1, 2, 3)]
        assert max(lags) == 1


def test_inject_effect_raises_the_window_rate() -> None:
    daily = simulate.simulate_days(n_days=4000, excitation=0.0, seed=6)
    dates = pd.DatetimeIndex(daily.index[np.arange(100, 3900, 100)])
    boosted = simulate.inject_effect(daily, dates, 3.0, (1, 30), seed=6)
    pos = daily.index.get_indexer(dates)
    window = np.concatenate([np.arange(p + 1, p + 31) for p in pos])
    base = daily["launch_days"].mean()
    assert boosted["launch_days"].to_numpy()[window].mean() > 2 * base
    assert (boosted["launch_days"] >= daily["launch_days"]).all()
