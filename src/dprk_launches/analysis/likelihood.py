"""The launch-intensity model's penalised likelihood: intensity pieces, penalties, objective, gradient.

The trend levels are one random walk (`Spec.step_sd`) or, with `Spec.year_sd`, the sum of a monthly and
a calendar-year walk; the optimiser then searches over the two walks separately
(`two_walk_objective`), which reaches the same optimum as the summed walks' dense precision.
"""

from __future__ import annotations

import numpy as np

from . import kernels
from .design import Design, sizes, unpack
from .history import N_RECENCY
from .spec import trend_precision

RECENCY_SD = 1.0
TREND_LEVEL_SD = 2.0


def trend_penalty(r: np.ndarray, design: Design) -> tuple[float, np.ndarray]:
    """Random-walk penalty on the trend levels and its gradient (`spec.trend_precision` with a year walk)."""
    spec_ = design.spec
    if spec_.year_sd is not None:
        q = trend_precision(
            len(r), design.first_month, spec_.step_sd, spec_.year_sd, TREND_LEVEL_SD
        )
        grad = q @ r
        return 0.5 * float(r @ grad), grad
    return walk_penalty(r, spec_.step_sd)


def background(x: np.ndarray, design: Design) -> np.ndarray:
    """Background intensity b_t per day."""
    mu, r, cov, *_ = unpack(x, design)
    season = cov[: design.n_season]
    return np.exp(mu[design.era_codes] + r[design.block_codes] + season @ design.harmonics)


def multiplier(x: np.ndarray, design: Design) -> np.ndarray:
    """exp(beta * w_t + gamma[k_t]) per day (needs the design's recency classes)."""
    cov = unpack(x, design)[2]
    h = design.n_season
    gamma = np.concatenate([cov[h : h + N_RECENCY], [0.0]])
    slopes = cov[h + N_RECENCY :]
    return np.exp(x[-1] * design.window + gamma[design.recency] + slopes @ design.activity)


def likelihood_part(x: np.ndarray, y: np.ndarray, design: Design) -> tuple[float, np.ndarray]:
    """Penalised negative log-likelihood without the trend levels' penalty, and its gradient."""
    mu, r, cov, alpha, kappa, beta = unpack(x, design)
    season, gamma = cov[: design.n_season], cov[design.n_season :]
    ll, d_mu, d_r, d_season, d_gamma, d_slopes, d_last = kernels.loglik_and_grad(
        y,
        design.era_codes,
        design.block_codes,
        design.day_of_year,
        design.window,
        design.recency,
        design.counts,
        design.harmonic_table,
        mu,
        r,
        season,
        np.concatenate([gamma[:N_RECENCY], [0.0]]),
        gamma[N_RECENCY:],
        float(alpha),
        float(kappa),
        float(beta),
    )
    pen = 0.5 * (gamma @ gamma) / RECENCY_SD**2  # recency classes, then the activity slopes
    season_sd = design.spec.season_sd
    if season_sd is not None:
        pen += 0.5 * (season @ season) / season_sd**2
        d_season = d_season - season / season_sd**2
    grad = np.concatenate(
        [
            d_mu,
            d_r,
            d_season,
            d_gamma[:N_RECENCY] - gamma[:N_RECENCY] / RECENCY_SD**2,
            d_slopes - gamma[N_RECENCY:] / RECENCY_SD**2,
            d_last,
        ]
    )
    return -float(ll) + pen, -grad


def objective(x: np.ndarray, y: np.ndarray, design: Design) -> tuple[float, np.ndarray]:
    """Penalised negative log-likelihood and its analytic gradient (one compiled pass over the days)."""
    value, grad = likelihood_part(x, y, design)
    e, q, _ = sizes(design)
    pen, dpen = trend_penalty(x[e : e + q], design)
    grad[e : e + q] += dpen
    return value + pen, grad


def walk_penalty(v: np.ndarray, step_sd: float) -> tuple[float, np.ndarray]:
    """Random-walk penalty (first differences sd step_sd, ridge TREND_LEVEL_SD) and its gradient."""
    d = np.diff(v)
    value = 0.5 * (d @ d) / step_sd**2 + 0.5 * (v @ v) / TREND_LEVEL_SD**2
    grad = v / TREND_LEVEL_SD**2
    grad[1:] += d / step_sd**2
    grad[:-1] -= d / step_sd**2
    return float(value), grad


def two_walk_objective(
    z: np.ndarray, y: np.ndarray, design: Design, to_year: np.ndarray
) -> tuple[float, np.ndarray]:
    """The objective over (monthly walk, yearly walk) separately: month level = their sum.

    Minimising over the split gives the same optimum as `objective` with the summed walks' precision,
    but the penalty stays sparse, so L-BFGS-B needs a few times fewer steps.
    """
    e, q, _ = sizes(design)
    ny = to_year.shape[1]
    month, year = z[e : e + q], z[e + q : e + q + ny]
    x = join(z, to_year, design)
    value, grad = likelihood_part(x, y, design)
    pen_m, grad_m = walk_penalty(month, design.spec.step_sd)
    pen_y, grad_y = walk_penalty(year, design.spec.year_sd)
    d_r = grad[e : e + q]
    full = np.concatenate([grad[:e], d_r + grad_m, to_year.T @ d_r + grad_y, grad[e + q :]])
    return value + pen_m + pen_y, full


def join(z: np.ndarray, to_year: np.ndarray, design: Design) -> np.ndarray:
    """The model's parameter vector from the two-walk one (month level = monthly + yearly walk)."""
    e, q, _ = sizes(design)
    ny = to_year.shape[1]
    r = z[e : e + q] + to_year @ z[e + q : e + q + ny]
    return np.concatenate([z[:e], r, z[e + q + ny :]])
