"""Hawkes model: analytic gradient, parameter recovery, intervals, forecasts and time-rescaling check."""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pandas as pd
import pytest
from scipy import optimize

from dprk_launches.analysis import era_hawkes, simulate

TRUE_ALPHA, TRUE_DECAY, TRUE_SEASON = 0.5, 10.0, 0.6


@pytest.fixture(scope="module")
def simulated() -> pd.DataFrame:
    """40 years of launch days from known parameters."""
    return simulate.simulate_days(
        n_days=14_600,
        base_rate=0.03,
        seasonal_amplitude=TRUE_SEASON,
        excitation=TRUE_ALPHA,
        decay_days=TRUE_DECAY,
        start="1985-01-01",
        seed=11,
    )


@pytest.fixture(scope="module")
def fitted(simulated: pd.DataFrame) -> era_hawkes.HawkesFit:
    return era_hawkes.fit_hawkes(simulated, intervals=True)


def test_gradient_matches_finite_differences(simulated: pd.DataFrame) -> None:
    daily = simulated.iloc[:3000]
    design = era_hawkes.Design.from_index(pd.DatetimeIndex(daily.index))
    y = daily["launch_days"].to_numpy().astype(float)
    x = era_hawkes._start(y, design) + 0.05
    err = optimize.check_grad(
        lambda v: era_hawkes._negloglik(v, y, design)[0],
        lambda v: era_hawkes._negloglik(v, y, design)[1],
        x,
    )
    assert err < 1e-3 * np.linalg.norm(era_hawkes._negloglik(x, y, design)[1])


def test_fit_recovers_known_parameters(fitted: era_hawkes.HawkesFit) -> None:
    assert abs(fitted.alpha - TRUE_ALPHA) < 0.12
    assert 6 < fitted.decay_days < 16
    assert abs(fitted.season[0] - TRUE_SEASON) < 0.2 and abs(fitted.season[1]) < 0.2
    lo, hi = fitted.alpha_interval
    assert lo < TRUE_ALPHA < hi and hi - lo < 0.4
    background = np.exp(fitted.log_mu)
    assert np.all(np.abs(background / 0.03 - 1) < 0.6)


def test_summary_and_frame(fitted: era_hawkes.HawkesFit) -> None:
    frame = fitted.to_frame()
    assert frame.loc["alpha", "estimate"] == pytest.approx(fitted.alpha)
    assert frame["se"].notna().all() and (frame["se"] > 0).all()
    assert "branching ratio" in fitted.summary()


def test_one_step_probabilities_and_forecasts_are_consistent(
    fitted: era_hawkes.HawkesFit, simulated: pd.DataFrame
) -> None:
    prob = fitted.probability(simulated)
    assert prob.min() > 0 and prob.max() < 1
    # total expected launch days is close to the observed total (model fits the level)
    assert prob.sum() == pytest.approx(simulated["launch_days"].sum(), rel=0.1)
    one = era_hawkes.expected_window(fitted, simulated, 1, 1)
    assert np.allclose(one[:-1], prob[1:], rtol=1e-9)
    thirty = era_hawkes.expected_window(fitted, simulated, 1, 30)
    after = simulated["launch_days"].to_numpy()
    assert np.corrcoef(thirty[:-30], np.convolve(after, np.ones(30), "valid")[1:])[0, 1] > 0.3
    with pytest.raises(ValueError, match="after its end"):
        era_hawkes.expected_window(fitted, simulated, 5, 2)


def test_time_rescaling_accepts_the_model_and_rejects_no_excitation(
    fitted: era_hawkes.HawkesFit, simulated: pd.DataFrame
) -> None:
    _, p_good, z = era_hawkes.time_rescaling_ks(fitted, simulated, seed=1)
    assert p_good > 0.01 and np.all((z >= 0) & (z <= 1))
    no_excitation = replace(fitted, alpha=0.0, log_mu=fitted.log_mu + np.log(2))
    _, p_bad, _ = era_hawkes.time_rescaling_ks(no_excitation, simulated, seed=1)
    assert p_bad < 1e-4


def test_separation_is_guarded_for_quiet_eras() -> None:
    """An era without launches stops at the lower bound instead of running to minus infinity."""
    index = pd.date_range("2017-01-01", "2019-12-31", freq="D")
    rng = np.random.default_rng(3)
    y = (rng.random(len(index)) < 0.05).astype(int)
    y[(index >= "2018-04-21") & (index <= "2019-05-03")] = 0
    fit = era_hawkes.fit_hawkes(pd.DataFrame({"launch_days": y, "missiles": y}, index=index))
    quiet = fit.log_mu[list(fit.era_names).index("moratorium")]
    assert np.isfinite(quiet) and quiet <= np.log(1e-3)
    assert 0 <= fit.alpha <= era_hawkes.ALPHA_MAX


def test_bad_inputs_to_the_fit() -> None:
    index = pd.date_range("2020-01-01", periods=30, freq="D")
    short = pd.DataFrame({"launch_days": 0, "missiles": 0}, index=index)
    with pytest.raises(ValueError, match="at least 60 days"):
        era_hawkes.fit_hawkes(short)
    quiet = pd.DataFrame(
        {"launch_days": 0, "missiles": 0}, index=pd.date_range("2020-01-01", periods=200)
    )
    with pytest.raises(ValueError, match="at least 3 launch days"):
        era_hawkes.fit_hawkes(quiet)
    with pytest.raises(ValueError, match="unit must be"):
        era_hawkes.fit_hawkes(quiet, unit="rockets")


def test_prob_launch_within_matches_simulating_forward(
    simulated: pd.DataFrame, fitted: era_hawkes.HawkesFit
) -> None:
    daily = simulated.iloc[:4000]
    day = daily.index[daily["launch_days"].to_numpy().nonzero()[0][5] + 1]
    exact = era_hawkes.prob_launch_within(fitted, daily, day, 7)
    pos = daily.index.get_loc(day)
    calendar = pd.date_range(daily.index[0], periods=pos + 8, freq="D")
    hits = 0
    rng = np.random.default_rng(3)
    for _ in range(4000):
        path = daily["launch_days"].to_numpy()[: pos + 1]
        sim = _forward(fitted, calendar, path, rng)
        hits += sim[pos + 1 :].any()
    assert abs(hits / 4000 - exact) < 4 * np.sqrt(exact * (1 - exact) / 4000) + 1e-3
    assert era_hawkes.prob_launch_within(fitted, daily, day, 30) > exact
    with pytest.raises(ValueError, match="horizon"):
        era_hawkes.prob_launch_within(fitted, daily, day, 0)


def _forward(
    fit: era_hawkes.HawkesFit,
    calendar: pd.DatetimeIndex,
    past: np.ndarray,
    rng: np.random.Generator,
) -> np.ndarray:
    """Brute force: simulate day by day after a fixed past, from the model's definition."""
    design = era_hawkes.Design.from_index(calendar, fit.era_names)
    base = design.background(fit.log_mu, fit.season)
    y = np.zeros(len(calendar))
    y[: len(past)] = past
    for t in range(len(past), len(calendar)):
        g = sum((1 - fit.kappa) * fit.kappa ** (t - 1 - u) * y[u] for u in range(t))
        y[t] = rng.random() < -np.expm1(-(base[t] + fit.alpha * g))
    return y
