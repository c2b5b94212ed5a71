"""The launch forecaster: the chance of a launch day on day t given every launch day before t.

One model (`analysis.model` with the backtest's chosen `model.FORECAST`) stands behind every number the
suite prints. `fit_until` fits it to the launch days up to a day (no later day informs it);
`chances_after` gives the chance of at least one launch day within 1..k days after that day;
`rolling_chances` does both for many days in order, each fit warm-started from the last, which is
how `make backtest` scores the forecaster out of sample and how `forecast` states its track record.

A forecast looks further ahead than the fit: the model's day intensities are pooled with two
launch-day rates known at the origin, that of the last POOL_DAYS days and the long-run one of the last
LONG_DAYS days: (1 - RECENT_WEIGHT - LONG_WEIGHT) * lambda_model + RECENT_WEIGHT * recent rate +
LONG_WEIGHT * long-run rate (`pool` with `pool_rate`). On its own the model's month level sinks in a
lull and it states tiny chances that launches then break (its lowest 7-day decile said 0.5% where 3.5%
followed); the recent rate is the chance that the tempo has turned, the long-run rate that a lull
ends. The weights and look-backs are chosen by the backtest (`make backtest`, "pools"), and the
k-day chances stay exact under the pooled intensity (`simulate_paths` draws from the same one).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable

import numpy as np
import pandas as pd

from . import fitcache, model
from .history import excitation

POOL_DAYS = 90
RECENT_WEIGHT = 0.3
LONG_DAYS = 3650
LONG_WEIGHT = 0.2
POOL_WEIGHT = RECENT_WEIGHT + LONG_WEIGHT


def smoothed_rate(y: np.ndarray, first: np.ndarray, pos: int | np.ndarray) -> np.ndarray:
    """Launch-day rate of days first..pos, (launch days + 0.5) / (days + 1): a quiet spell stays above zero."""
    cum = np.concatenate([[0], np.cumsum(np.asarray(y) > 0)])
    pos, first = np.asarray(pos), np.asarray(first)
    return (cum[pos + 1] - cum[first] + 0.5) / (pos + 1 - first + 1)


def recent_rate(y: np.ndarray, pos: int | np.ndarray, days: int = POOL_DAYS) -> np.ndarray:
    """Day intensity of the smoothed launch-day rate of the `days` days up to pos: -log(1 - rate)."""
    first = np.maximum(np.asarray(pos) + 1 - days, 0)
    return -np.log1p(-smoothed_rate(y, first, pos))


def pool_rate(
    y: np.ndarray,
    pos: int | np.ndarray,
    recent: tuple[float, int] = (RECENT_WEIGHT, POOL_DAYS),
    long_run: tuple[float, int] = (LONG_WEIGHT, LONG_DAYS),
) -> np.ndarray:
    """The day intensity the model is pooled with: the recent and the long-run launch-day rates up to
    pos, each in its weight's share (pooling with it at the summed weight is pooling with both)."""
    (w, days), (v, long_days) = recent, long_run
    if w + v <= 0:
        return recent_rate(y, pos, days)
    return (w * recent_rate(y, pos, days) + v * recent_rate(y, pos, long_days)) / (w + v)


def pool(
    chances: np.ndarray,
    rate: float | np.ndarray,
    weight: float = POOL_WEIGHT,
    days: np.ndarray | None = None,
) -> np.ndarray:
    """Chances of the pooled intensity within `days` days (last axis; default 1..k), from the model's.

    Along the launch-free path the pooled intensities sum to (1 - w) times the model's plus w * rate
    per day, so P(none within d) = P_model(none within d)^(1 - w) * exp(-w * rate * d), exactly.
    `rate` is one per row of `chances` (a scalar for one curve).
    """
    if not 0 <= weight <= 1:
        raise ValueError(f"the pool weight must lie in [0, 1], not {weight}")
    chances = np.asarray(chances, dtype=float)
    if days is None:
        days = np.arange(1, chances.shape[-1] + 1)
    rate = np.asarray(rate, dtype=float)[..., None]
    with np.errstate(divide="ignore"):
        log_none = (1 - weight) * np.log1p(-chances) - weight * rate * days
    return -np.expm1(log_none)


def grow(x: np.ndarray, old: model.Design, new: model.Design) -> np.ndarray:
    """Parameters of a fit on a shorter calendar laid out for a longer one (a warm start).

    Eras and trend blocks that the longer calendar adds take the last fitted level.
    """
    e, q, s = model.sizes(old)
    e2, q2, s2 = model.sizes(new)
    if s != s2:
        raise ValueError("the two designs must have the same seasonal and recency terms")
    mu, r, rest = x[:e], x[e : e + q], x[e + q :]
    mu = np.concatenate([mu, np.full(e2 - e, mu[-1])])[:e2]
    r = np.concatenate([r, np.full(q2 - q, r[-1])])[:q2]
    return np.concatenate([mu, r, rest])


def fit_until(
    y: np.ndarray,
    index: pd.DatetimeIndex,
    pos: int,
    spec: model.Spec = model.FORECAST,
    start: model.IntensityFit | None = None,
) -> model.IntensityFit:
    """The model (no event term) fitted to the launch days y[0..pos] of a calendar, nothing later.

    The fit always starts from both of the model's starting points (the likelihood has two basins);
    without `start` it is the fit cache's (`fitcache.null_fit`, made once per launch history).
    `start`, a fit on an earlier day (rolling origins), adds a third start and the best is kept.
    """
    head = pd.DatetimeIndex(index[: pos + 1])
    design = model.Design.build(head, spec=spec)
    if start is None:
        return fitcache.null_fit(np.asarray(y[: pos + 1]), head, design)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        best = model.fit(y[: pos + 1], design, beta=0.0)
        x0 = grow(start.x, start.design, design)
        warm = model.fit(y[: pos + 1], design, beta=0.0, x0=x0, multistart=False)
    return min(best, warm, key=lambda f: f.objective)


def chances_after(
    fit_: model.IntensityFit,
    y: np.ndarray,
    index: pd.DatetimeIndex,
    horizon: int,
    weight: float = POOL_WEIGHT,
) -> np.ndarray:
    """P(at least one launch day within d days after the fit's last day), d = 1..horizon.

    The calendar is carried `horizon` days past the fit (the random walk's last level, the season of
    those days) and the model is pooled with the recent and long-run rates (`pool_rate`; weight 0:
    the model alone);
    launch days after the fit's last day are never read.
    """
    pos = fit_.n_days - 1
    ahead = pd.date_range(index[0], periods=fit_.n_days + horizon, freq="D")
    path = np.zeros(len(ahead))
    path[: pos + 1] = y[: pos + 1]
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        own = model.extend(fit_, ahead).launch_free_chances(path, pos, horizon)
    return pool(own, pool_rate(y, pos), weight)


def rolling_chances(
    y: np.ndarray,
    index: pd.DatetimeIndex,
    origins: Iterable[int],
    horizon: int,
    spec: model.Spec = model.FORECAST,
    progress: Callable[[list[int]], Iterable[int]] | None = None,
    weight: float = POOL_WEIGHT,
) -> np.ndarray:
    """k-day chances (rows: origins, columns: 1..horizon days) from fits up to each origin only.

    Origins are visited in order; each fit also starts from the previous origin's optimum.
    """
    origins = list(origins)
    if any(b <= a for a, b in zip(origins, origins[1:], strict=False)):
        raise ValueError("origins must increase")
    out = np.empty((len(origins), horizon))
    last: model.IntensityFit | None = None
    for i, pos in enumerate(progress(origins) if progress else origins):
        last = fit_until(y, index, pos, spec, last)
        out[i] = chances_after(last, y, index, horizon, weight)
    return out


def simulate_paths(
    fit_: model.IntensityFit,
    y: np.ndarray,
    pos: int,
    horizon: int,
    n_paths: int,
    rng: np.random.Generator,
    weight: float = POOL_WEIGHT,
) -> np.ndarray:
    """Launch-day paths (n_paths x horizon, 0/1) for days pos+1 .. pos+horizon given y up to pos.

    A brute-force simulation of the pooled intensity day by day (the model's excitation, days since
    the last launch and 30/90-day counts follow each path; the pooled rate is the one known at pos);
    `fit_` must cover those days (`model.extend`).
    """
    if not 0 <= pos < fit_.n_days - horizon:
        raise ValueError(f"days {pos + 1}..{pos + horizon} are not all inside the fitted calendar")
    hist = (np.asarray(y[: pos + 1]) > 0).astype(float)
    base = fit_.background()[pos + 1 : pos + 1 + horizon]
    effect = np.exp(fit_.beta * fit_.design.window[pos + 1 : pos + 1 + horizon])
    by_class = fit_.recency_multipliers()
    g = np.full(n_paths, excitation(np.append(hist, 0.0), fit_.kappa)[-1])
    seen = np.flatnonzero(hist)
    last = np.full(n_paths, seen[-1] - (pos + 1) if len(seen) else -(10**9), dtype=np.int64)
    cum = np.concatenate([[0], np.cumsum(hist)])
    rate = float(pool_rate(hist, pos))
    paths = np.zeros((n_paths, horizon))
    for d in range(horizon):
        t = pos + 1 + d
        counts = []
        for w in model.ACTIVITY_WINDOWS:
            from_hist = cum[pos + 1] - cum[max(t - w, 0)]
            counts.append(from_hist + paths[:, max(d - w, 0) : d].sum(axis=1))
        mult = effect[d] * by_class[model.recency_of(d - last)]
        mult = mult * fit_.activity_multiplier(np.vstack(counts))
        lam = (1 - weight) * mult * (base[d] + fit_.alpha * g) + weight * rate
        hit = rng.random(n_paths) < -np.expm1(-lam)
        paths[:, d] = hit
        g = fit_.kappa * g + (1 - fit_.kappa) * hit
        last = np.where(hit, d, last)
    return paths
