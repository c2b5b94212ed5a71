"""The era-level Hawkes model (the tempo page's fit and time-rescaling check; the named worlds' simulator).

Discrete-time Hawkes model of launch days: seasonal background by era plus exponential self-excitation.

Day t has intensity lambda_t = exp(theta[era(t)] + c cos(w doy) + s sin(w doy)) + alpha * g_t, where
g_t = (1 - kappa) * sum_{u < t} kappa**(t - 1 - u) * y_u is the exponentially weighted launch history
(weights sum to 1, so alpha is the branching ratio: launches triggered per launch). A day is a launch
day with probability 1 - exp(-lambda_t) (at least one event of a Poisson process that day), which is
the right likelihood for 0/1 launch days recorded to the day; the continuous-time Hawkes likelihood
would need launch times that the data do not have. Self-excitation is bounded to alpha in [0, 0.98]
and the log background to >= log(1e-6), so eras without launches cannot send the fit to infinity.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import optimize, signal, stats

from ..series import era_of
from .history import excitation
from .kernels import simulate_days
from .modeltest import numerical_hessian

OMEGA = 2 * np.pi / 365.25
LOG_MU_BOUNDS = (np.log(1e-6), np.log(2.0))
ALPHA_MAX = 0.98
KAPPA_BOUNDS = (0.05, 0.995)


@dataclass(frozen=True)
class Design:
    """Day-level covariates of the background: era codes and seasonal harmonics."""

    era_codes: np.ndarray
    era_names: tuple[str, ...]
    cos: np.ndarray
    sin: np.ndarray

    @classmethod
    def from_index(cls, index: pd.DatetimeIndex, eras: tuple[str, ...] | None = None) -> Design:
        """Design for a daily calendar; eras default to those present in the calendar."""
        labels = era_of(index)
        present = [str(c) for c in labels.categories[np.unique(labels.codes)]]
        names = eras or tuple(present)
        lookup = np.full(len(labels.categories), -1, dtype=np.int64)
        for i, name in enumerate(names):
            lookup[list(labels.categories).index(name)] = i
        codes = lookup[labels.codes]
        if (codes < 0).any():
            unknown = set(present) - set(names)
            raise ValueError(f"the calendar has eras the fit does not know: {unknown}")
        doy = index.day_of_year.to_numpy()
        return cls(codes, names, np.cos(OMEGA * doy), np.sin(OMEGA * doy))

    def background(self, log_mu: np.ndarray, season: tuple[float, float]) -> np.ndarray:
        """Background intensity per day."""
        log_rate = np.asarray(log_mu)[self.era_codes] + season[0] * self.cos + season[1] * self.sin
        return np.exp(log_rate)


def _loglik_terms(y: np.ndarray, lam: np.ndarray) -> tuple[float, np.ndarray]:
    """Bernoulli (complementary log-log) log-likelihood and its derivative in lambda."""
    lam = np.maximum(lam, 1e-12)
    hit = y > 0
    ll = np.where(hit, np.log(-np.expm1(-lam)), -lam).sum()
    dl = np.where(hit, 1 / np.expm1(lam), -1.0)
    return float(ll), dl


def _unpack(x: np.ndarray, n_eras: int) -> tuple[np.ndarray, tuple[float, float], float, float]:
    """Split the parameter vector into (log_mu, season, alpha, kappa)."""
    return x[:n_eras], (x[n_eras], x[n_eras + 1]), x[n_eras + 2], x[n_eras + 3]


def _negloglik(x: np.ndarray, y: np.ndarray, design: Design) -> tuple[float, np.ndarray]:
    """Negative log-likelihood and its analytic gradient."""
    n_eras = len(design.era_names)
    log_mu, season, alpha, kappa = _unpack(x, n_eras)
    base = design.background(log_mu, season)
    g = excitation(y, kappa)
    h, _ = signal.lfilter([0.0, 1.0], [1.0, -kappa], g - y, zi=[0.0])
    ll, dl = _loglik_terms(y, base + alpha * g)
    db = dl * base
    grad = np.concatenate(
        [
            np.bincount(design.era_codes, weights=db, minlength=n_eras),
            [db @ design.cos, db @ design.sin, dl @ g, alpha * (dl @ h)],
        ]
    )
    return -ll, -grad


@dataclass(frozen=True)
class HawkesFit:
    """Fitted discrete-time Hawkes model (see module docstring)."""

    log_mu: np.ndarray
    season: tuple[float, float]
    alpha: float
    kappa: float
    era_names: tuple[str, ...]
    loglik: float
    n_days: int
    n_launch_days: int
    alpha_interval: tuple[float, float] | None = None
    covariance: np.ndarray | None = field(default=None, repr=False)

    @property
    def decay_days(self) -> float:
        """Mean delay of a triggered launch, in days (1 / (1 - kappa))."""
        return 1 / (1 - self.kappa)

    @property
    def params(self) -> np.ndarray:
        """Parameter vector (log_mu..., season cos, season sin, alpha, kappa)."""
        return np.concatenate([self.log_mu, self.season, [self.alpha, self.kappa]])

    def names(self) -> list[str]:
        """Names of the entries of `params`."""
        return [f"log_mu[{e}]" for e in self.era_names] + [
            "season_cos",
            "season_sin",
            "alpha",
            "kappa",
        ]

    def intensity(self, daily: pd.DataFrame, unit: str = "launch_days") -> np.ndarray:
        """One-step-ahead intensity lambda_t for each day given the observed history before it."""
        design = Design.from_index(pd.DatetimeIndex(daily.index), self.era_names)
        y = (daily[unit].to_numpy() > 0).astype(float)
        return design.background(self.log_mu, self.season) + self.alpha * excitation(y, self.kappa)

    def probability(self, daily: pd.DataFrame, unit: str = "launch_days") -> np.ndarray:
        """One-step-ahead probability that each day is a launch day, given the days before it."""
        return -np.expm1(-self.intensity(daily, unit))

    def summary(self) -> str:
        """Readable text: branching ratio with interval, decay, background rates per era."""
        ci = (
            f" (95% profile interval {self.alpha_interval[0]:.2f}–{self.alpha_interval[1]:.2f})"
            if self.alpha_interval
            else ""
        )
        eras = ", ".join(
            f"{e} {30 * np.exp(m):.2f}" for e, m in zip(self.era_names, self.log_mu, strict=True)
        )
        return (
            f"Hawkes fit on {self.n_days} days with {self.n_launch_days} launch days: "
            f"branching ratio {self.alpha:.2f}{ci}, mean trigger delay {self.decay_days:.1f} days.\n"
            f"Background launch days per 30 days (at the seasonal mean): {eras}."
        )

    def to_frame(self) -> pd.DataFrame:
        """Parameters with Wald standard errors where computed."""
        se = (
            np.sqrt(np.clip(np.diag(self.covariance), 0, None))
            if self.covariance is not None
            else np.full(len(self.params), np.nan)
        )
        return pd.DataFrame({"estimate": self.params, "se": se}, index=self.names())


def _bounds(n_eras: int, alpha_fixed: float | None = None) -> list[tuple[float, float]]:
    """Box bounds; alpha can be pinned for profiling."""
    alpha = (alpha_fixed, alpha_fixed) if alpha_fixed is not None else (0.0, ALPHA_MAX)
    return [LOG_MU_BOUNDS] * n_eras + [(-3.0, 3.0), (-3.0, 3.0), alpha, KAPPA_BOUNDS]


def _start(y: np.ndarray, design: Design) -> np.ndarray:
    """Starting values: half of each era's launch rate as background, moderate excitation."""
    n_eras = len(design.era_names)
    days = np.bincount(design.era_codes, minlength=n_eras)
    hits = np.bincount(design.era_codes, weights=y, minlength=n_eras)
    rate = np.clip(0.5 * (hits + 0.5) / np.maximum(days, 1), 1e-5, 1.0)
    return np.concatenate([np.log(rate), [0.0, 0.0, 0.3, 0.8]])


def _optimise(
    y: np.ndarray, design: Design, x0: np.ndarray, alpha_fixed: float | None = None
) -> optimize.OptimizeResult:
    """L-BFGS-B on the negative log-likelihood with analytic gradient."""
    return optimize.minimize(
        _negloglik,
        x0,
        args=(y, design),
        jac=True,
        method="L-BFGS-B",
        bounds=_bounds(len(design.era_names), alpha_fixed),
        options={"maxiter": 500},
    )


def _profile_alpha(
    y: np.ndarray, design: Design, best: optimize.OptimizeResult, level: float
) -> tuple[float, float]:
    """Profile-likelihood interval for the branching ratio (bisection on each side)."""
    target = -best.fun - stats.chi2.ppf(level, 1) / 2
    n_eras = len(design.era_names)
    alpha_hat = best.x[n_eras + 2]

    def gap(a: float) -> float:
        """Profile log-likelihood at alpha = a minus the interval threshold."""
        x0 = best.x.copy()
        x0[n_eras + 2] = a
        return -_optimise(y, design, x0, alpha_fixed=a).fun - target

    ends = []
    for edge in (0.0, ALPHA_MAX):
        if gap(edge) >= 0:
            ends.append(edge)
            continue
        lo, hi = sorted((alpha_hat, edge))
        ends.append(float(optimize.brentq(gap, lo, hi, xtol=1e-3)))
    return ends[0], ends[1]


def fit_hawkes(
    daily: pd.DataFrame,
    unit: str = "launch_days",
    intervals: bool = False,
    level: float = 0.95,
) -> HawkesFit:
    """Maximum-likelihood fit of the discrete-time Hawkes model to a zero-filled daily calendar.

    With `intervals=True` also a profile-likelihood interval for the branching ratio and a Wald
    covariance (inverse numerical Hessian) for every parameter.
    """
    if unit not in daily.columns:
        raise ValueError(f"unit must be one of {list(daily.columns)}")
    if len(daily) < 60:
        raise ValueError(f"need at least 60 days to fit a Hawkes model, got {len(daily)}")
    y = (daily[unit].to_numpy() > 0).astype(float)
    if y.sum() < 3:
        raise ValueError("need at least 3 launch days to fit a Hawkes model")
    design = Design.from_index(pd.DatetimeIndex(daily.index))
    best = _optimise(y, design, _start(y, design))
    n_eras = len(design.era_names)
    log_mu, season, alpha, kappa = _unpack(best.x, n_eras)
    alpha_interval, covariance = None, None
    if intervals:
        alpha_interval = _profile_alpha(y, design, best, level)
        hess = numerical_hessian(lambda v: _negloglik(v, y, design)[1], best.x)
        covariance = np.linalg.pinv(hess)
    return HawkesFit(
        log_mu=np.asarray(log_mu).copy(),
        season=(float(season[0]), float(season[1])),
        alpha=float(alpha),
        kappa=float(kappa),
        era_names=design.era_names,
        loglik=float(-best.fun),
        n_days=len(y),
        n_launch_days=int(y.sum()),
        alpha_interval=alpha_interval,
        covariance=covariance,
    )


def expected_window(
    fit: HawkesFit, daily: pd.DataFrame, a: int, b: int, unit: str = "launch_days"
) -> np.ndarray:
    """Expected launch days in [p + a, p + b] for every day p, given the history up to day p.

    Mean-field forecast: the expected excitation is propagated forward (launches inside the horizon
    are replaced by their probabilities), vectorised over all p at once. Days beyond the calendar
    count as zero-probability; days before a > 1 are forecast the same way and simply not summed.
    """
    if a > b:
        raise ValueError(f"window start a={a} is after its end b={b}")
    if b < 1:
        raise ValueError("forecast windows must end after the day they are forecast from (b >= 1)")
    index = pd.DatetimeIndex(daily.index)
    n = len(index)
    design = Design.from_index(index, fit.era_names)
    base = design.background(fit.log_mu, fit.season)
    y = (daily[unit].to_numpy() > 0).astype(float)
    g = excitation(y, fit.kappa)
    padded_base = np.concatenate([base, np.zeros(b + 1)])
    state = g[np.minimum(np.arange(n) + 1, n - 1)]
    state[n - 1] = fit.kappa * g[n - 1] + (1 - fit.kappa) * y[n - 1]
    total = np.zeros(n)
    pos = np.arange(n)
    for k in range(1, b + 1):
        prob = -np.expm1(-(padded_base[pos + k] + fit.alpha * state))
        prob[pos + k >= n] = 0.0
        if k >= a:
            total += prob
        state = fit.kappa * state + (1 - fit.kappa) * prob
    return total


def simulate_hawkes(
    index: pd.DatetimeIndex,
    log_mu: np.ndarray,
    season: tuple[float, float],
    alpha: float,
    kappa: float,
    era_names: tuple[str, ...],
    rng: np.random.Generator,
) -> np.ndarray:
    """Simulate 0/1 launch days on a calendar from the model (the compiled day loop of the intensity model)."""
    design = Design.from_index(index, era_names)
    base = design.background(log_mu, season)
    threshold = -np.log1p(-rng.random(len(index)))
    ones = np.ones(len(index))
    flat = np.ones(2)
    days = simulate_days(base, ones, flat, flat, flat, threshold, alpha, kappa)
    return days.astype(np.int64)


def time_rescaling_ks(
    fit: HawkesFit, daily: pd.DataFrame, seed: int = 0, unit: str = "launch_days"
) -> tuple[float, float, np.ndarray]:
    """Discrete-time time-rescaling goodness of fit (Haslinger et al. 2010): KS statistic, p, z.

    Each inter-launch interval is mapped to z = 1 - exp(-tau), tau = compensator over the quiet days
    plus a randomised share of the launch day; under the model the z are iid uniform.
    """
    lam = fit.intensity(daily, unit)
    y = daily[unit].to_numpy() > 0
    hits = np.flatnonzero(y)
    if len(hits) < 2:
        raise ValueError("need at least 2 launch days for the time-rescaling check")
    rng = np.random.default_rng(seed)
    cum = np.concatenate([[0.0], np.cumsum(lam)])
    quiet = cum[hits[1:]] - cum[hits[:-1] + 1]
    p_last = -np.expm1(-lam[hits[1:]])
    r = rng.random(len(quiet))
    tau = quiet - np.log1p(-r * p_last)
    z = -np.expm1(-tau)
    ks = stats.kstest(z, "uniform")
    return float(ks.statistic), float(ks.pvalue), z


def prob_launch_within(
    fit: HawkesFit, daily: pd.DataFrame, day: pd.Timestamp, horizon: int, unit: str = "launch_days"
) -> float:
    """P(at least one launch day in the `horizon` days after `day`), given the launches up to `day`.

    Exact under the model: until the first launch the excitation only decays, so the chance of none
    is exp(-sum of the intensities along the launch-free path).
    """
    if horizon < 1:
        raise ValueError("horizon must be at least 1 day")
    index = pd.DatetimeIndex(daily.index)
    pos = index.get_loc(pd.Timestamp(day).normalize())
    future = pd.date_range(index[pos] + pd.Timedelta(days=1), periods=horizon, freq="D")
    base = Design.from_index(future, fit.era_names).background(fit.log_mu, fit.season)
    y = (daily[unit].to_numpy()[: pos + 1] > 0).astype(float)
    g = excitation(y, fit.kappa)
    state = fit.kappa * g[-1] + (1 - fit.kappa) * y[-1]
    decay = fit.kappa ** np.arange(horizon)
    return float(-np.expm1(-(base + fit.alpha * state * decay).sum()))
