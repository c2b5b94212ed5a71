"""Launch-intensity model: discrete-time self-excitation over a flexible background, with event terms.

Day t has intensity

    lambda_t = exp(beta * w_t + gamma[k_t] + delta * a_t) * (b_t + alpha * g_t),
    log b_t  = mu[era(t)] + r[year(t)] + sum_j (c_j cos(j w doy_t) + s_j sin(j w doy_t)),

where g_t is the normalised, exponentially weighted launch history (`history.excitation`, weights
summing to 1, so alpha is the branching ratio), w_t = 1 on days inside [a, b] after any tested event
(the union of the windows, so clumped events count a day once), and a day is a launch day with
probability 1 - exp(-lambda_t). The calendar-time term r is one level per trend block (a calendar
month in `FORECAST`, the backtest's choice: the forecaster's and the headline test's; a calendar year
in `YEARLY`, a backtest candidate and the named calibration worlds' generator),
the levels a random walk penalised by their first differences (sd `Spec.step_sd`) and, to separate them
from the eras (when the spec has eras), by a weak ridge: a busy year is explained by the background, not read as self-excitation, while
a campaign of a few weeks is left to the self-excitation (a background flexible enough to follow
campaigns takes the post-launch clustering from the excitation and hands it to any event placed after
launches). gamma[k_t] multiplies the intensity by the recency class k_t of day t (days since the last
launch day: 1-3, 4-7, 8-14, 15-30, 31-90, more; the last is the reference) and delta * a_t by how busy
the last 30 and 90 days were (a_t = log(1 + launch days in each)), all ridge-penalised: the post-launch
hazard need not follow one exponential kernel, so an event placed just after launches, or inside a
campaign, cannot stand in for a misfitting kernel. Fit by penalised maximum likelihood (L-BFGS-B,
analytic gradient; the day loop is compiled in `kernels`). The event effect exp(beta) is the
intensity ratio on window days; its test and interval are in `analysis.modeltest`.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize

from . import kernels
from .design import Design as Design
from .design import n_params as n_params
from .design import sizes, unpack
from .history import ACTIVITY_WINDOWS, N_RECENCY, RECENCY_EDGES, excitation, recency_of
from .history import activity_counts as activity_counts
from .history import days_since_last as days_since_last
from .history import recency_codes as recency_codes
from .likelihood import background, join, multiplier, objective, two_walk_objective
from .spec import FORECAST as FORECAST
from .spec import YEARLY as YEARLY  # re-exported: the model's public face names both specs
from .spec import Spec as Spec
from .spec import harmonic_table as harmonic_table
from .spec import year_map

LOG_MU_BOUNDS = (np.log(1e-6), np.log(2.0))
ALPHA_MAX = 0.95
KAPPA_BOUNDS = (0.05, 0.99)
BETA_BOUNDS = (-6.0, 6.0)
LONG_KERNEL_START = (0.5, 0.95)
FTOL, GTOL, MAXCOR = 1e-8, 1e-5, 30


def _bounds(
    design: Design, beta: float | None, alpha: float | None = None
) -> list[tuple[float, float]]:
    """Box bounds; beta (e.g. 0 for the null) and alpha (for its profile) pinned when given."""
    e, q, s = sizes(design)
    b = (beta, beta) if beta is not None else BETA_BOUNDS
    a = (alpha, alpha) if alpha is not None else (0.0, ALPHA_MAX)
    kappa = (KAPPA_BOUNDS[0], min(KAPPA_BOUNDS[1], design.spec.kappa_max))
    return [LOG_MU_BOUNDS] * e + [(-8.0, 8.0)] * q + [(-4.0, 4.0)] * s + [a, kappa, b]


def start_values(y: np.ndarray, design: Design) -> np.ndarray:
    """Starting point: half of each era's launch rate as background, moderate excitation, no effect."""
    e, q, s = sizes(design)
    days = np.bincount(design.era_codes, minlength=e)
    hits = np.bincount(design.era_codes, weights=y, minlength=e)
    rate = np.clip(0.5 * (hits + 0.5) / np.maximum(days, 1), 1e-5, 1.0)
    return np.concatenate([np.log(rate), np.zeros(q + s), [0.3, 0.8, 0.0]])


def _minimise(
    y: np.ndarray, design: Design, x0: np.ndarray, beta: float | None, alpha: float | None = None
) -> optimize.OptimizeResult:
    """L-BFGS-B on the penalised objective (beta and alpha fixed when given).

    With a calendar-year walk the search runs over the two walks separately (`likelihood.two_walk_objective`)
    and the result is mapped back to monthly levels, with `fun` the objective there.
    """
    bounds = _bounds(design, beta, alpha)
    x0 = np.clip(x0, *np.array(bounds).T)
    options = {"maxiter": 2000, "ftol": FTOL, "gtol": GTOL, "maxcor": MAXCOR}
    if design.spec.year_sd is None:
        return optimize.minimize(
            objective,
            x0,
            args=(y, design),
            jac=True,
            method="L-BFGS-B",
            bounds=bounds,
            options=options,
        )
    e, q, _ = sizes(design)
    to_year = year_map(design.n_blocks, design.first_month)
    z0 = np.concatenate([x0[: e + q], np.zeros(to_year.shape[1]), x0[e + q :]])
    z_bounds = bounds[: e + q] + [(-8.0, 8.0)] * to_year.shape[1] + bounds[e + q :]
    result = optimize.minimize(
        two_walk_objective,
        z0,
        args=(y, design, to_year),
        jac=True,
        method="L-BFGS-B",
        bounds=z_bounds,
        options=options,
    )
    result.x = join(result.x, to_year, design)
    result.fun = float(objective(result.x, y, design)[0])
    return result


@dataclass(frozen=True)
class IntensityFit:
    """A fitted launch-intensity model (module docstring); `x` is the parameter vector."""

    x: np.ndarray
    design: Design
    objective: float
    n_days: int
    n_launch_days: int

    @property
    def alpha(self) -> float:
        """Branching ratio: launch days triggered per launch day."""
        return float(unpack(self.x, self.design)[3])

    @property
    def kappa(self) -> float:
        """Daily decay of the excitation."""
        return float(unpack(self.x, self.design)[4])

    @property
    def beta(self) -> float:
        """Log intensity ratio on event-window days."""
        return float(self.x[-1])

    @property
    def decay_days(self) -> float:
        """Mean delay of a triggered launch in days."""
        return 1 / (1 - self.kappa)

    def background(self) -> np.ndarray:
        """Background intensity per day of the fitted calendar."""
        return background(self.x, self.design)

    def summary(self) -> str:
        """Readable text: branching ratio, trigger delay, background range over the calendar."""
        base = 30 * self.background()
        return (
            f"Intensity model on {self.n_days} days with {self.n_launch_days} launch days: branching "
            f"ratio {self.alpha:.2f}, mean trigger delay {self.decay_days:.1f} days; background "
            f"between {np.quantile(base, 0.05):.2f} and {np.quantile(base, 0.95):.2f} launch days per "
            "30 days (5th to 95th percentile of days)."
        )

    def intensity(self, y: np.ndarray) -> np.ndarray:
        """One-step-ahead intensity per day given the launch days y before it."""
        g = excitation(y, self.kappa)
        mult = multiplier(self.x, self.design.with_launches(y))
        return mult * (self.background() + self.alpha * g)

    def launch_free_chances(self, y: np.ndarray, pos: int, horizon: int) -> np.ndarray:
        """P(at least one launch day in days pos+1 .. pos+d) for d = 1..horizon, given launches up to pos.

        Exact under the model: until the first launch the path has no launch, so the chance of none
        within d days is exp(-sum of the intensities along that launch-free path).
        """
        if horizon < 1:
            raise ValueError("horizon must be at least 1 day")
        if not 0 <= pos < self.n_days - horizon:
            raise ValueError(
                f"days {pos + 1}..{pos + horizon} are not all inside the fitted calendar"
            )
        path = np.array(y, dtype=float)
        path[pos + 1 :] = 0.0
        lam = self.intensity(path)[pos + 1 : pos + 1 + horizon]
        return -np.expm1(-np.cumsum(lam))

    def prob_launch_within(self, y: np.ndarray, pos: int, horizon: int) -> float:
        """P(at least one launch day in days pos+1 .. pos+horizon), given the launch days up to pos."""
        return float(self.launch_free_chances(y, pos, horizon)[-1])

    def recency_multipliers(self) -> np.ndarray:
        """exp(gamma) per recency class, the reference class last (1.0)."""
        h = self.design.n_season
        gamma = unpack(self.x, self.design)[2][h : h + N_RECENCY]
        return np.exp(np.concatenate([gamma, [0.0]]))

    @property
    def activity_slopes(self) -> np.ndarray:
        """Change in log intensity per unit of log(1 + launch days in the previous 30 / 90 days)."""
        return unpack(self.x, self.design)[2][self.design.n_season + N_RECENCY :]

    def activity_multiplier(self, recent: np.ndarray) -> np.ndarray:
        """exp(slopes . log(1 + counts)) for launch-day counts in the 30 / 90 days before, shape (2, ...)."""
        return np.exp(np.tensordot(self.activity_slopes, np.log1p(recent), axes=1))


def fit(
    y: np.ndarray,
    design: Design,
    beta: float | None = None,
    x0: np.ndarray | None = None,
    multistart: bool = True,
) -> IntensityFit:
    """Penalised ML fit; `beta=0.0` fits the null (no event effect), None estimates it.

    With `multistart` the fit also starts from a long-kernel point and keeps the better optimum.
    """
    if len(y) < 365:
        raise ValueError(f"need at least a year of days to fit the model, got {len(y)}")
    if y.sum() < 5:
        raise ValueError(f"need at least 5 launch days to fit the model, got {int(y.sum())}")
    design = design.with_launches(y)
    start = start_values(y, design) if x0 is None else np.array(x0, dtype=float)
    if beta is not None:
        start[-1] = beta
    # The likelihood has two basins: a short trigger delay with the post-launch hazard carried by the
    # recency terms, and a long one carried by the kernel. Start in both and keep the better optimum.
    e, q, s = sizes(design)
    long_kernel = start.copy()
    long_kernel[e + q + design.n_season : e + q + s] = 0.0
    long_kernel[e + q + s : e + q + s + 2] = LONG_KERNEL_START
    starts = (start, long_kernel) if multistart else (start,)
    best = min((_minimise(y, design, x, beta) for x in starts), key=lambda r: r.fun)
    return IntensityFit(best.x, design, float(best.fun), len(y), int(y.sum()))


def fit_at(y: np.ndarray, design: Design, x: np.ndarray) -> IntensityFit:
    """The fit at known optimal parameters (a cached fit): no optimisation, the objective re-evaluated."""
    design = design.with_launches(y)
    x = np.array(x, dtype=float)
    return IntensityFit(x, design, float(objective(x, y, design)[0]), len(y), int(y.sum()))


def extend(fit_: IntensityFit, index: pd.DatetimeIndex) -> IntensityFit:
    """A fit carried forward to a longer calendar that starts on the same day (to forecast past its end).

    Later trend blocks keep the last fitted block's level (the random walk's forecast) and an era
    that starts after the fitted calendar keeps the last fitted era's level; everything else is the fit's.
    """
    design = Design.build(pd.DatetimeIndex(index), spec=fit_.design.spec)
    mu, r, cov, alpha, kappa, beta = unpack(fit_.x, fit_.design)
    n = fit_.n_days
    if len(index) < n or not np.array_equal(design.day_of_year[:n], fit_.design.day_of_year):
        raise ValueError("the calendar must start on the fitted calendar's first day and be longer")
    names = fit_.design.era_names
    levels = [mu[names.index(n)] if n in names else mu[-1] for n in design.era_names]
    years = np.concatenate([r, np.full(design.n_blocks - len(r), r[-1])])
    x = np.concatenate([levels, years, cov, [alpha, kappa, beta]])
    return IntensityFit(x, design, fit_.objective, len(index), fit_.n_launch_days)


def launch_days(daily: pd.DataFrame) -> np.ndarray:
    """0/1 launch-day vector of a zero-filled daily calendar."""
    return (daily["launch_days"].to_numpy() > 0).astype(float)


def simulate(fit_: IntensityFit, rng: np.random.Generator, effect: float = 1.0) -> np.ndarray:
    """Simulate 0/1 launch days from a fitted model, with the event-window intensity times `effect`."""
    base = fit_.background()
    mult = np.where(fit_.design.window > 0, effect, 1.0)
    recency = fit_.recency_multipliers()[recency_of(np.arange(RECENCY_EDGES[-1] + 1))]
    threshold = -np.log1p(-rng.random(len(base)))
    slope_short, slope_long = fit_.activity_slopes
    short, long_ = ACTIVITY_WINDOWS
    busy_short = np.exp(slope_short * np.log1p(np.arange(short + 1)))
    busy_long = np.exp(slope_long * np.log1p(np.arange(long_ + 1)))
    return kernels.simulate_days(
        base, mult, recency, busy_short, busy_long, threshold, fit_.alpha, fit_.kappa
    )
