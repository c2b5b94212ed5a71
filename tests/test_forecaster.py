"""The launch forecaster: exact k-day chances, no look-ahead, recovery of a known background, backtest."""

from __future__ import annotations

import json
import subprocess
import sys

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from dprk_launches import config
from dprk_launches.analysis import backtest, forecaster, model
from dprk_launches.analysis.spec import block_codes

CALENDAR = pd.date_range("2010-01-01", periods=6 * 365, freq="D")


def _known_fit(level: np.ndarray) -> model.IntensityFit:
    """A forecaster-spec model with monthly background `level` (log scale), bursts after launches."""
    design = model.Design.build(CALENDAR, spec=model.FORECAST).with_launches(
        np.zeros(len(CALENDAR))
    )
    x = model.start_values(np.zeros(len(CALENDAR)), design)
    e, q, s = model.sizes(design)
    x[:e] = 0.0
    x[e : e + q] = level[:q]
    x[e + q : e + q + s] = 0.0
    x[e + q + design.n_season] = 0.7  # launches 1-3 days after a launch are twice as likely
    x[e + q + s], x[e + q + s + 1] = 0.3, 0.7
    return model.IntensityFit(x, design, 0.0, len(CALENDAR), 0)


def _months() -> int:
    """Number of months in the test calendar."""
    return int(block_codes(CALENDAR, 1).max()) + 1


@pytest.fixture(scope="module")
def simulated() -> tuple[np.ndarray, np.ndarray]:
    """Launch days from a known model whose background steps up fivefold after three years."""
    n = _months()
    level = np.where(np.arange(n) < n // 2, np.log(0.01), np.log(0.05))
    return model.simulate(_known_fit(level), np.random.default_rng(5)), level


def test_k_day_chances_equal_a_brute_force_simulation(simulated) -> None:
    y, level = simulated
    truth = _known_fit(level)
    pos = int(np.flatnonzero(y)[-3])  # just after a launch: the recency terms matter
    own = truth.launch_free_chances(y, pos, 20)
    for weight, exact in (
        (0.0, own),
        (0.5, forecaster.pool(own, forecaster.pool_rate(y, pos), 0.5)),
    ):
        rng = np.random.default_rng(1)
        paths = forecaster.simulate_paths(truth, y, pos, 20, 40_000, rng, weight)
        brute = (np.cumsum(paths, axis=1) > 0).mean(axis=0)
        np.testing.assert_allclose(brute, exact, atol=0.01)


@settings(max_examples=60, deadline=None, derandomize=True)
@given(
    lam=st.lists(st.floats(0.0, 2.0), min_size=1, max_size=40),
    rate=st.floats(1e-4, 1.0),
    weight=st.floats(0.0, 1.0),
)
def test_pool_equals_the_pooled_intensities_summed(lam: list[float], rate: float, weight: float):
    own = -np.expm1(-np.cumsum(lam))
    pooled = (1 - weight) * np.asarray(lam) + weight * rate
    np.testing.assert_allclose(
        forecaster.pool(own, rate, weight), -np.expm1(-np.cumsum(pooled)), rtol=1e-9, atol=1e-12
    )


def test_recent_rate_is_the_smoothed_share_of_launch_days() -> None:
    y = np.zeros(200)
    y[[150, 160, 199]] = 1
    assert forecaster.recent_rate(y, 199, 90) == pytest.approx(-np.log1p(-3.5 / 91))
    assert forecaster.recent_rate(y, 100, 90) == pytest.approx(-np.log1p(-0.5 / 91))
    assert forecaster.recent_rate(y, 10, 90) == pytest.approx(-np.log1p(-0.5 / 12))
    with pytest.raises(ValueError, match="pool weight"):
        forecaster.pool(np.array([0.1]), 0.01, 1.5)


def test_pooling_with_the_mixed_rate_is_pooling_with_both_rates() -> None:
    rng = np.random.default_rng(4)
    y = (rng.random(5000) < 0.03).astype(float)
    pos, lam = 4000, np.full(30, 0.02)
    own = -np.expm1(-np.cumsum(lam))
    recent, long_run = forecaster.recent_rate(y, pos, 90), forecaster.recent_rate(y, pos, 3650)
    w, v = forecaster.RECENT_WEIGHT, forecaster.LONG_WEIGHT
    both = (1 - w - v) * lam + w * recent + v * long_run
    np.testing.assert_allclose(
        forecaster.pool(own, forecaster.pool_rate(y, pos), forecaster.POOL_WEIGHT),
        -np.expm1(-np.cumsum(both)),
        rtol=1e-12,
    )
    assert forecaster.pool_rate(y, pos, (0.3, 90), (0.0, 3650)) == pytest.approx(recent)


def test_recovers_the_background_step_from_simulated_data(simulated) -> None:
    y, level = simulated
    fit = forecaster.fit_until(y, CALENDAR, len(y) - 1)
    truth = _known_fit(level)
    half = len(y) // 2
    early, late = slice(180, half - 180), slice(half + 180, len(y))

    def ratio(lam: np.ndarray) -> float:
        """Late over early mean of a daily series."""
        return float(lam[late].mean() / lam[early].mean())

    # The one-step intensity follows the step; the background takes part of it (the recent-activity
    # terms share the rest, which is why the model is judged by its forecasts).
    assert ratio(fit.intensity(y)) == pytest.approx(ratio(truth.intensity(y)), rel=0.5)
    assert ratio(fit.background()) > 1.5


def test_chances_never_read_launches_after_the_origin(simulated) -> None:
    y, _ = simulated
    pos = len(y) - 400
    other = y.copy()
    other[pos + 1 :] = 1 - other[pos + 1 :]
    a = forecaster.chances_after(forecaster.fit_until(y, CALENDAR, pos), y, CALENDAR, 30)
    b = forecaster.chances_after(forecaster.fit_until(other, CALENDAR, pos), other, CALENDAR, 30)
    np.testing.assert_array_equal(a, b)
    assert np.all(np.diff(a) >= 0) and 0 < a[0] <= a[-1] < 1


def test_a_quiet_spell_never_collapses_to_zero(simulated) -> None:
    y, _ = simulated
    quiet = y.copy()
    quiet[-300:] = 0.0
    chances = forecaster.chances_after(
        forecaster.fit_until(quiet, CALENDAR, len(y) - 1), quiet, CALENDAR, 7
    )
    assert chances[-1] > 1e-3


@settings(max_examples=30, deadline=None, derandomize=True)
@given(
    seed=st.integers(0, 10_000),
    horizon=st.sampled_from(backtest.HORIZONS),
    rate=st.floats(0.01, 0.3),
)
def test_outcomes_and_baselines_match_brute_force(seed: int, horizon: int, rate: float) -> None:
    rng = np.random.default_rng(seed)
    y = (rng.random(len(CALENDAR)) < rate).astype(float)
    pos = np.arange(400, len(y) - 31, 37)
    out = backtest.outcomes(y, pos, horizon)
    assert np.array_equal(out, [float(y[p + 1 : p + 1 + horizon].any()) for p in pos])
    got = backtest.rate_chances(y, CALENDAR, pos, (horizon,), "rate_90d")[:, 0]
    want = [1 - (1 - (y[p - 89 : p + 1].sum() + 0.5) / 91) ** horizon for p in pos]
    np.testing.assert_allclose(got, want)
    year = backtest.rate_chances(y, CALENDAR, pos, (horizon,), "rate_year")[:, 0]
    starts = [CALENDAR.get_loc(pd.Timestamp(CALENDAR[p].year, 1, 1)) for p in pos]
    want = [
        1 - (1 - (y[s : p + 1].sum() + 0.5) / (p + 2 - s)) ** horizon
        for s, p in zip(starts, pos, strict=True)
    ]
    np.testing.assert_allclose(year, want)


def test_scores_and_reliability_are_the_textbook_ones() -> None:
    rng = np.random.default_rng(0)
    p = rng.random(300)
    o = (rng.random(300) < p).astype(float)
    s = backtest.scores(p, o)
    assert s["brier"] == pytest.approx(np.mean((p - o) ** 2))
    assert s["log"] == pytest.approx(-np.mean(o * np.log(p) + (1 - o) * np.log(1 - p)))
    rows = backtest.reliability(p, o)
    assert sum(r["count"] for r in rows) == 300 and len(rows) == 10
    assert all(r["forecast_lo"] <= r["mean_forecast"] <= r["forecast_hi"] for r in rows)
    with pytest.raises(ValueError, match="unknown baseline"):
        backtest.rate_chances(o, CALENDAR, np.array([400]), (7,), "rate_1d")


def test_committed_backtest_names_the_forecaster_and_the_readme_shows_it() -> None:
    result = backtest.load()
    assert result["forecaster"] == backtest.FORECASTER
    assert result["model_alone"] == model.FORECAST.label
    assert result["forecaster_is_best"], "the forecaster must be the best candidate of the backtest"
    assert result["model_is_best_background"], "model.FORECAST must be the best background"
    assert result["n_origins"] >= 500 and result["horizons_days"] == [1, 7, 30]
    assert {"rate_90d", "rate_year", result["current_model"]} <= set(result["summary"])
    assert backtest.readme_block(result) in (config.PROJECT_ROOT / "README.md").read_text()


def test_forecast_command_prints_chances_with_their_track_record() -> None:
    out = subprocess.run(
        [sys.executable, "-m", "dprk_launches", "forecast", "--json"],
        capture_output=True,
        text=True,
        check=True,
        cwd=config.PROJECT_ROOT,
    )
    data = json.loads(out.stdout)
    chances = [f["chance"] for f in data["forecasts"]]
    assert [f["horizon_days"] for f in data["forecasts"]] == [7, 30]
    assert 0 < chances[0] <= chances[1] < 1
    assert all("Pyongyang clock" in f["sentence"] for f in data["forecasts"])
