"""The event effect's likelihood-ratio test and the model's profile-likelihood intervals.

`model_test` fits the launch-intensity model (`analysis.model`) with and without the event-window
multiplier. The LR is referred to LR_SCALE times a chi-square with 1 df (two-sided), and the interval
for exp(beta) inverts the profile likelihood at the same cut-off: with some forty penalised nuisance
parameters the LR of a true null averages more than 1 (a Bartlett factor), and LR_SCALE is that
factor measured by simulation on held-out seeds of the null worlds (`make bartlett`,
benchmarks/results/bartlett.json). `alpha_interval` gives the branching ratio's interval, and
`efficient_information` the information on beta left after the other parameters (for power).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..windows import union_window_mask
from .model import (
    ALPHA_MAX,
    BETA_BOUNDS,
    Design,
    IntensityFit,
    _bounds,
    _minimise,
    fit,
    fit_at,
    launch_days,
    n_params,
    objective,
)

LR_SCALE = 1.19  # the "bartlett_factor" of benchmarks/results/bartlett.json (a test checks)


def critical_value(level: float = 0.95) -> float:
    """LR cut-off of a two-sided test (1 - level) or a profile interval (level): LR_SCALE x chi-square."""
    return float(LR_SCALE * stats.chi2.ppf(level, 1))


def lr_p_value(lr: float) -> float:
    """Two-sided p-value of an LR statistic for one parameter (Bartlett-scaled chi-square, 1 df)."""
    return float(stats.chi2.sf(lr / LR_SCALE, 1))


def branching_interval(
    daily: pd.DataFrame, fit_: IntensityFit, level: float = 0.95
) -> tuple[float, float]:
    """Profile-likelihood interval for the branching ratio of a fit made by `fit_intensity`."""
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        return alpha_interval(launch_days(daily), fit_, level)


@dataclass(frozen=True)
class ModelTest:
    """Likelihood-ratio test of an event-window effect and its profile-likelihood interval."""

    null: IntensityFit
    alt: IntensityFit
    window: tuple[int, int]
    n_events: int
    observed: int
    expected: float
    lr: float
    p_value: float
    ci: tuple[float, float]
    expected_null: float = float("nan")

    @property
    def rate_ratio(self) -> float:
        """Observed / expected launch days on window days: the fitted effect, as the page prints it.

        `expected` is what the model fitted with the effect expects on those days with the effect
        removed, so the ratio is the fitted intensity ratio exp(beta) up to the 1 - e^-lambda link.
        """
        return float(self.observed / self.expected) if self.expected > 0 else float("nan")


def profile_gap(y: np.ndarray, alt: IntensityFit, beta: float) -> float:
    """Twice the drop of the penalised log-likelihood when beta is pinned (the LR for beta)."""
    pinned = _minimise(y, alt.design, alt.x.copy(), beta)
    return 2 * (pinned.fun - alt.objective)


def _profile_end(y: np.ndarray, alt: IntensityFit, crit: float, side: int) -> float:
    """One end of the profile interval for beta: the distance d from the estimate where
    sqrt(gap) = sqrt(crit), by safeguarded secant on the signed root (nearly linear in beta), each
    pinned fit warm-started from the last; -inf or inf (unbounded) when the gap never reaches crit
    before BETA_BOUNDS's edge."""
    room = abs(BETA_BOUNDS[side > 0] - alt.beta)
    target = np.sqrt(crit)
    x = alt.x.copy()
    lo, hi = 0.0, np.inf
    prev, f_prev, d = 0.0, -target, min(0.5, room)
    for _ in range(40):
        pinned = _minimise(y, alt.design, x, alt.beta + side * d)
        x = pinned.x
        f = np.sqrt(max(2 * (pinned.fun - alt.objective), 0.0)) - target
        if f < 0:
            lo = d
            if d >= room:
                return side * np.inf
        else:
            hi = d
        step = d - prev if f != f_prev else 0.0
        guess = d - f * step / (f - f_prev) if step else np.nan
        if not lo < guess < min(hi, room + 1e-12):
            guess = (lo + hi) / 2 if np.isfinite(hi) else min(2 * d, room)
        if (abs(guess - d) < 1e-3 and np.isfinite(hi)) or hi - lo < 1e-3:
            return alt.beta + side * float(np.clip(guess, lo, hi))
        prev, f_prev, d = d, f, guess
    return alt.beta + side * (lo + min(hi, room)) / 2 if np.isfinite(hi) else side * np.inf


def _profile_interval(y: np.ndarray, alt: IntensityFit, level: float) -> tuple[float, float]:
    """Profile-likelihood interval for exp(beta): where the profile LR crosses the critical value."""
    crit = critical_value(level)
    return float(np.exp(_profile_end(y, alt, crit, -1))), float(
        np.exp(_profile_end(y, alt, crit, 1))
    )


def model_test(
    daily: pd.DataFrame,
    event_pos: np.ndarray,
    window: tuple[int, int],
    level: float = 0.95,
    interval: bool = True,
    null: IntensityFit | None = None,
    converged: bool = False,
) -> ModelTest:
    """LR test and profile interval for the intensity ratio on days in [a, b] after the events.

    `null` is a fit of the same calendar whose parameters start the null fit; with `converged` it is
    already the null fit of these launch days (a cached one) and is used as it is.
    """
    index = pd.DatetimeIndex(daily.index)
    y = launch_days(daily)
    mask = union_window_mask(len(y), np.asarray(event_pos), *window).astype(float)
    design = Design.build(index, mask)
    if null is None or len(null.x) != n_params(design):
        null = fit(y, design, beta=0.0)
    elif converged:
        null = fit_at(y, design, null.x)
    else:
        null = fit(y, design, beta=0.0, x0=null.x)
    alt = fit(y, design, beta=None, x0=null.x, multistart=False)
    pinned = alt.x.copy()
    pinned[-1] = 0.0
    again = _minimise(y, null.design, pinned, 0.0)
    if again.fun < null.objective:  # the alternative found a better basin: the null must use it too
        null = IntensityFit(again.x, null.design, float(again.fun), null.n_days, null.n_launch_days)
    if alt.objective > null.objective:  # the null is nested: never report a worse optimum
        alt = IntensityFit(
            null.x.copy(), null.design, null.objective, null.n_days, null.n_launch_days
        )
    lr = max(2 * (null.objective - alt.objective), 0.0)
    days = mask > 0
    probs = -np.expm1(-null.intensity(y))
    without = -np.expm1(-alt.intensity(y)[days] * np.exp(-alt.beta))
    ci = _profile_interval(y, alt, level) if interval else (np.nan, np.nan)
    return ModelTest(
        null=null,
        alt=alt,
        window=tuple(window),
        n_events=len(event_pos),
        observed=int(y[days].sum()),
        expected=float(without.sum()),
        lr=float(lr),
        p_value=lr_p_value(lr),
        ci=ci,
        expected_null=float(probs[days].sum()),
    )


def alpha_interval(y: np.ndarray, fit_: IntensityFit, level: float = 0.95) -> tuple[float, float]:
    """Profile-likelihood interval for the branching ratio alpha (other parameters re-fitted)."""
    crit = stats.chi2.ppf(level, 1)
    beta = fit_.beta if fit_.design.window.any() else 0.0

    def gap(a: float) -> float:
        """Twice the drop of the penalised log-likelihood with alpha pinned at a, minus the cut-off."""
        x0 = fit_.x.copy()
        return 2 * (_minimise(y, fit_.design, x0, beta, alpha=a).fun - fit_.objective) - crit

    ends = []
    for edge in (0.0, ALPHA_MAX):
        if gap(edge) <= 0:
            ends.append(edge)
        else:
            lo, hi = sorted((fit_.alpha, edge))
            ends.append(float(optimize.brentq(gap, lo, hi, xtol=1e-3)))
    return ends[0], ends[1]


def efficient_information(fit_: IntensityFit, y: np.ndarray) -> float:
    """Fisher information for beta after profiling out the other parameters (inverse Hessian entry)."""
    x = fit_.x
    hess = numerical_hessian(lambda v: objective(v, y, fit_.design)[1], x)
    free = np.ones(len(x), dtype=bool)
    lo, hi = np.array(_bounds(fit_.design, None)).T
    free[:-1] &= (x[:-1] > lo[:-1] + 1e-8) & (x[:-1] < hi[:-1] - 1e-8)
    return last_information(hess[np.ix_(free, free)])


def last_information(hess: np.ndarray) -> float:
    """1 / (H^-1)[-1, -1]: the Schur complement of the last parameter, by one solve (an SVD
    pseudo-inverse when the rest is singular)."""
    try:
        rest = np.linalg.solve(hess[:-1, :-1], hess[:-1, -1])
        info = float(hess[-1, -1] - hess[:-1, -1] @ rest)
    except np.linalg.LinAlgError:
        info = float("nan")
    return info if np.isfinite(info) and info > 0 else float(1 / np.linalg.pinv(hess)[-1, -1])


def numerical_hessian(gradient: Callable[[np.ndarray], np.ndarray], x: np.ndarray) -> np.ndarray:
    """Symmetric Hessian at x by central differences of an analytic gradient."""
    step = 1e-5 * np.maximum(np.abs(x), 1.0)
    cols = []
    for i in range(len(x)):
        e = np.zeros_like(x)
        e[i] = step[i]
        cols.append((gradient(x + e) - gradient(x - e)) / (2 * step[i]))
    hess = np.array(cols)
    return (hess + hess.T) / 2
