"""Intensity model with flexible background and event terms: gradient, recovery, LR test, interval."""

from __future__ import annotations

from collections.abc import Callable

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from dprk_launches.analysis import likelihood, model, modeltest
from dprk_launches.windows import union_window_mask

CALENDAR = pd.date_range("2008-01-01", "2023-12-31", freq="D", name="date_local")
EVENT_POS = np.arange(200, len(CALENDAR) - 60, 97)
WINDOW = (1, 30)
TRUE_ALPHA, TRUE_DECAY, TRUE_EFFECT = 0.4, 8.0, 2.0


def _truth(effect_window: np.ndarray) -> model.IntensityFit:
    """A known model: a trend that doubles over the calendar, a season, self-excitation."""
    design = model.Design.build(CALENDAR, effect_window).with_launches(np.zeros(len(CALENDAR)))
    x = model.start_values(np.zeros(len(CALENDAR)), design)
    e, q, s = model.sizes(design)
    x[:e] = np.log(0.012)
    x[e : e + q] = np.linspace(-0.5, 0.5, q)
    x[e + q] = 0.5
    x[e + q + s] = TRUE_ALPHA
    x[e + q + s + 1] = 1 - 1 / TRUE_DECAY
    x[-1] = 0.0
    return model.IntensityFit(x, design, 0.0, len(CALENDAR), 0)


@pytest.fixture(scope="module")
def simulated() -> tuple[pd.DataFrame, model.IntensityFit]:
    """Launch days simulated with a 2x effect in the event windows."""
    mask = union_window_mask(len(CALENDAR), EVENT_POS, *WINDOW).astype(float)
    truth = _truth(mask)
    y = model.simulate(truth, np.random.default_rng(5), effect=TRUE_EFFECT)
    daily = pd.DataFrame({"launch_days": y.astype(int), "missiles": y.astype(int)}, index=CALENDAR)
    return daily, truth


def _random_point(
    n_days: int, seed: int, trend: Callable, covariates: Callable, tail: tuple[float, float, float]
) -> tuple[np.ndarray, model.Design, np.ndarray]:
    """Random launch days, a design with a periodic event window, and a parameter vector to test at."""
    days = CALENDAR[:n_days]
    y = (np.random.default_rng(seed).random(n_days) < 0.05).astype(float)
    design = model.Design.build(days, (np.arange(n_days) % 60 < 15).astype(float)).with_launches(y)
    x = model.start_values(y, design)
    e, q, s = model.sizes(design)
    x[e : e + q] = trend(np.arange(q))
    x[e + q : e + q + s] = covariates(np.arange(s))
    x[e + q + s], x[e + q + s + 1], x[-1] = tail
    return y, design, x


@settings(max_examples=15, deadline=None, derandomize=True)
@given(
    alpha=st.floats(0.0, 0.9),
    kappa=st.floats(0.1, 0.95),
    beta=st.floats(-1.5, 1.5),
    shift=st.floats(-0.5, 0.5),
)
def test_gradient_matches_finite_differences(
    alpha: float, kappa: float, beta: float, shift: float
) -> None:
    y, design, x = _random_point(
        1500, 0, lambda k: shift * np.sin(k), lambda k: 0.3 * np.cos(k), (alpha, kappa, beta)
    )
    _, grad = model.objective(x, y, design)
    step = 1e-6
    numeric = np.array(
        [
            (model.objective(x + d, y, design)[0] - model.objective(x - d, y, design)[0])
            / (2 * step)
            for d in np.eye(len(x)) * step
        ]
    )
    np.testing.assert_allclose(grad, numeric, rtol=1e-4, atol=1e-4)


def _reference_loglik(x: np.ndarray, y: np.ndarray, design: model.Design) -> float:
    """Plain numpy log-likelihood, written from the model's formula, day arrays at a time."""
    mu, r, cov, alpha, kappa, beta = model.unpack(x, design)
    h = design.spec.n_harmonics
    g = np.zeros(len(y))
    for t in range(1, len(y)):
        g[t] = kappa * g[t - 1] + (1 - kappa) * y[t - 1]
    base = np.exp(mu[design.era_codes] + r[design.block_codes] + cov[: 2 * h] @ design.harmonics)
    gamma = np.concatenate([cov[2 * h : 2 * h + model.N_RECENCY], [0.0]])
    slopes = cov[2 * h + model.N_RECENCY :]
    mult = np.exp(beta * design.window + gamma[design.recency] + slopes @ design.activity)
    lam = np.maximum(mult * (base + alpha * g), 1e-12)
    return float(np.where(y > 0, np.log(-np.expm1(-lam)), -lam).sum())


@settings(max_examples=15, deadline=None, derandomize=True)
@given(alpha=st.floats(0.0, 0.9), kappa=st.floats(0.05, 0.99), beta=st.floats(-3, 3))
def test_compiled_likelihood_matches_numpy_reference(
    alpha: float, kappa: float, beta: float
) -> None:
    y, design, x = _random_point(
        2000, 1, lambda k: 0.4 * np.cos(k), lambda k: 0.2 * np.sin(k), (alpha, kappa, beta)
    )
    e, q, s = model.sizes(design)
    value, _ = model.objective(x, y, design)
    gamma = x[e + q + design.n_season : e + q + s]
    penalty = (
        likelihood.trend_penalty(x[e : e + q], design)[0]
        + 0.5 * (gamma @ gamma) / likelihood.RECENCY_SD**2
    )
    assert value == pytest.approx(penalty - _reference_loglik(x, y, design), rel=1e-10)


def test_recovers_effect_self_excitation_and_background(simulated) -> None:
    daily, truth = simulated
    result = modeltest.model_test(daily, EVENT_POS, WINDOW)
    lo, hi = result.ci
    assert lo < TRUE_EFFECT < hi
    assert abs(np.log(result.rate_ratio) - np.log(TRUE_EFFECT)) < 0.35
    assert result.p_value < 0.01
    y = model.launch_days(daily)
    outside = truth.design.window == 0
    fitted, true = result.alt.intensity(y)[outside], truth.intensity(y)[outside]
    assert np.median(np.abs(np.log(fitted / true))) < 0.45
    after = model.recency_codes(y)[outside] == 0
    assert abs(fitted[after].mean() / true[after].mean() - 1) < 0.3
    assert abs(fitted.mean() / true.mean() - 1) < 0.2


def test_no_effect_gives_interval_around_one() -> None:
    truth = _truth(np.zeros(len(CALENDAR)))
    y = model.simulate(truth, np.random.default_rng(9))
    daily = pd.DataFrame({"launch_days": y.astype(int), "missiles": y.astype(int)}, index=CALENDAR)
    result = modeltest.model_test(daily, EVENT_POS, WINDOW)
    assert result.ci[0] < 1 < result.ci[1]
    assert result.p_value > 0.01


def test_year_swings_are_background_not_self_excitation() -> None:
    rng = np.random.default_rng(3)
    year_rate = dict(zip(range(2008, 2024), rng.choice([0.003, 0.01, 0.06], size=16), strict=True))
    rate = CALENDAR.year.map(year_rate).to_numpy()
    y = (rng.random(len(CALENDAR)) < rate).astype(float)
    fit = model.fit(y, model.Design.build(CALENDAR), beta=0.0)
    assert fit.alpha < 0.25


def test_null_is_nested_and_lr_non_negative(simulated) -> None:
    daily, _ = simulated
    result = modeltest.model_test(daily, EVENT_POS[:5], WINDOW, interval=False)
    assert result.lr >= 0
    assert result.alt.objective <= result.null.objective + 1e-9
    assert np.isnan(result.ci[0])


def test_fit_refuses_too_few_launches() -> None:
    y = np.zeros(len(CALENDAR))
    with pytest.raises(ValueError, match="at least 5 launch days"):
        model.fit(y, model.Design.build(CALENDAR))


def test_prob_launch_within_matches_monte_carlo() -> None:
    days = CALENDAR[:800]
    design = model.Design.build(days, None).with_launches(np.zeros(len(days)))
    x = model.start_values(np.zeros(len(days)), design)
    e, q, s = model.sizes(design)
    x[:e] = np.log(0.03)
    x[e + q + design.n_season] = 0.8  # recency class 1-3 days: launches come in bursts
    x[e + q + s], x[e + q + s + 1] = 0.5, 0.8
    fit_ = model.IntensityFit(x, design, 0.0, len(days), 0)
    y = model.simulate(fit_, np.random.default_rng(2))
    pos, horizon = int(np.flatnonzero(y)[-1]) + 1, 6
    rng = np.random.default_rng(3)
    hits = 0
    for _ in range(3000):
        path = y.copy()
        path[pos + 1 :] = 0.0
        for t in range(pos + 1, pos + 1 + horizon):
            if rng.random() < -np.expm1(-fit_.intensity(path)[t]):
                hits += 1
                break
    assert fit_.prob_launch_within(y, pos, horizon) == pytest.approx(hits / 3000, abs=0.03)
    with pytest.raises(ValueError, match="inside the fitted calendar"):
        fit_.prob_launch_within(y, len(days) - 2, horizon)


def test_extend_carries_the_fit_forward_unchanged(simulated) -> None:
    daily, truth = simulated
    y = model.launch_days(daily)
    cut = 3000
    head = model.Design.build(CALENDAR[:cut])
    mu, r, cov, alpha, kappa, _ = model.unpack(truth.x, truth.design)
    e, q, _ = model.sizes(head)
    x = np.concatenate([mu[:e], r[:q], cov, [alpha, kappa, 0.0]])
    fitted = model.IntensityFit(x, head, 0.0, cut, int(y[:cut].sum()))
    longer = model.extend(fitted, CALENDAR)
    np.testing.assert_allclose(longer.intensity(y)[:cut], fitted.intensity(y[:cut]))
    later_mu, later_r = model.unpack(longer.x, longer.design)[:2]
    assert np.all(later_r[q - 1 :] == r[q - 1])
    assert np.all(later_mu[e - 1 :] == mu[e - 1])
    with pytest.raises(ValueError, match="first day"):
        model.extend(fitted, CALENDAR[1:])


def test_profile_interval_matches_brute_force_root_finding(simulated) -> None:
    daily, _ = simulated
    y = model.launch_days(daily)
    with np.errstate(all="ignore"):
        result = modeltest.model_test(daily, EVENT_POS, WINDOW, interval=True)
        crit = modeltest.critical_value(0.95)
        alt = result.alt
        for end, far in zip(np.log(result.ci), (alt.beta - 3, alt.beta + 3), strict=True):
            reference = optimize.brentq(
                lambda b: modeltest.profile_gap(y, alt, b) - crit,
                *sorted((alt.beta, far)),
                xtol=1e-6,
            )
            assert end == pytest.approx(reference, abs=2e-3)


@settings(max_examples=60, deadline=None)
@given(n=st.integers(min_value=1, max_value=30), seed=st.integers(0, 10_000))
def test_last_information_equals_the_inverse_hessian_entry(n: int, seed: int) -> None:
    rng = np.random.default_rng(seed)
    a = rng.normal(size=(n + 1, n + 1))
    hess = a @ a.T + 0.1 * np.eye(n + 1)  # a positive-definite Hessian
    brute = 1 / np.linalg.inv(hess)[-1, -1]
    assert modeltest.last_information(hess) == pytest.approx(brute, rel=1e-8)
    singular = np.zeros((n + 2, n + 2))  # a parameter with no information: the SVD route
    singular[:-1, :-1] = hess
    singular[-1, -1] = 2.0
    assert modeltest.last_information(singular) == pytest.approx(2.0)
