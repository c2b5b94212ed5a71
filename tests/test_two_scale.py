"""The two-scale background (a monthly plus a calendar-year random walk): penalty, gradient, optimum."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from scipy import optimize

from dprk_launches.analysis import likelihood, model
from dprk_launches.analysis.spec import _walk_precision, trend_precision, year_map

TWO_SCALE = model.Spec(eras=False, block_months=1, step_sd=0.25, year_sd=0.6)
CALENDAR = pd.date_range("2010-04-01", "2019-12-31", freq="D", name="date_local")


@settings(max_examples=25, deadline=None, derandomize=True)
@given(
    n_blocks=st.integers(2, 40),
    first_month=st.integers(0, 11),
    step_sd=st.floats(0.05, 1.0),
    year_sd=st.floats(0.05, 2.0),
    seed=st.integers(0, 2**16),
)
def test_dense_penalty_is_the_minimum_over_the_split(
    n_blocks: int, first_month: int, step_sd: float, year_sd: float, seed: int
) -> None:
    """1/2 r'Qr equals the least penalty of any monthly + yearly walk pair that sums to r."""
    r = np.random.default_rng(seed).normal(0, 1, n_blocks)
    a = year_map(n_blocks, first_month)
    q_month = _walk_precision(n_blocks, step_sd, likelihood.TREND_LEVEL_SD)
    q_year = _walk_precision(a.shape[1], year_sd, likelihood.TREND_LEVEL_SD)
    years = np.linalg.solve(a.T @ q_month @ a + q_year, a.T @ q_month @ r)
    months = r - a @ years
    split = 0.5 * months @ q_month @ months + 0.5 * years @ q_year @ years
    q = trend_precision(n_blocks, first_month, step_sd, year_sd, likelihood.TREND_LEVEL_SD)
    assert 0.5 * r @ q @ r == pytest.approx(split, rel=1e-8)
    assert likelihood.walk_penalty(months, step_sd)[0] + likelihood.walk_penalty(years, year_sd)[
        0
    ] == pytest.approx(split, rel=1e-8)


def _design_and_point(seed: int) -> tuple[np.ndarray, model.Design, np.ndarray]:
    """Random launch days, a two-scale design with an event window, and a parameter vector."""
    rng = np.random.default_rng(seed)
    y = (rng.random(len(CALENDAR)) < 0.04).astype(float)
    window = (np.arange(len(CALENDAR)) % 70 < 10).astype(float)
    design = model.Design.build(CALENDAR, window, spec=TWO_SCALE).with_launches(y)
    x = model.start_values(y, design)
    e, q, s = model.sizes(design)
    x[e : e + q] = rng.normal(0, 0.4, q)
    x[e + q : e + q + s] = rng.normal(0, 0.2, s)
    x[e + q + s], x[e + q + s + 1], x[-1] = 0.3, 0.8, 0.4
    return y, design, x


def test_design_counts_months_from_the_calendars_first_month() -> None:
    """The calendar starts in April, so its first year has nine months."""
    design = model.Design.build(CALENDAR, spec=TWO_SCALE)
    assert design.first_month == 3
    assert year_map(design.n_blocks, design.first_month)[:, 0].sum() == 9


@pytest.mark.parametrize("seed", [0, 1])
def test_gradient_matches_finite_differences(seed: int) -> None:
    """The analytic gradient with the dense two-walk penalty matches central differences."""
    y, design, x = _design_and_point(seed)
    _, grad = model.objective(x, y, design)
    picks = np.random.default_rng(seed).choice(len(x), 12, replace=False)
    for i in picks:
        d = np.zeros_like(x)
        d[i] = 1e-6
        numeric = (
            model.objective(x + d, y, design)[0] - model.objective(x - d, y, design)[0]
        ) / 2e-6
        assert grad[i] == pytest.approx(numeric, rel=1e-4, abs=1e-4)


def test_split_search_reaches_the_dense_optimum() -> None:
    """The fit found over the two walks is a stationary point of the dense objective."""
    truth_y, design, _ = _design_and_point(3)
    fitted = model.fit(truth_y, design, multistart=False)
    dense = optimize.minimize(
        model.objective,
        fitted.x,
        args=(truth_y, fitted.design),
        jac=True,
        method="L-BFGS-B",
        bounds=model._bounds(fitted.design, None),
    )
    assert dense.fun == pytest.approx(fitted.objective, abs=1e-3)
    assert fitted.objective == pytest.approx(model.objective(fitted.x, truth_y, design)[0])


def test_recovers_a_year_to_year_swing() -> None:
    """Launch days simulated with busy and quiet years: the fitted background follows the years."""
    rng = np.random.default_rng(11)
    year_levels = rng.normal(0, 0.8, CALENDAR.year.nunique())
    codes = CALENDAR.year.to_numpy() - CALENDAR.year.min()
    rate = 0.03 * np.exp(year_levels[codes])
    y = (rng.random(len(CALENDAR)) < rate).astype(float)
    fitted = model.fit(y, model.Design.build(CALENDAR, spec=TWO_SCALE))
    fitted_years = pd.Series(np.log(fitted.background())).groupby(codes).mean()
    assert np.corrcoef(fitted_years, year_levels)[0, 1] > 0.9
    assert fitted.alpha < 0.3


def test_year_walk_needs_monthly_blocks() -> None:
    """A calendar-year walk over quarterly or yearly blocks is refused with the reason."""
    with pytest.raises(ValueError, match="monthly trend blocks"):
        model.Spec(eras=False, block_months=3, step_sd=0.3, year_sd=0.6)
    assert "year RW sd 0.6" in TWO_SCALE.label
