"""Null worlds drawn at random from a broad family, for calibration no test was tuned to.

A world is drawn from a seed (`draw`): a background launch-day rate built from components that are
each present or not (year-to-year levels, a seasonal shape of random sharpness with one or two peaks,
a month-to-month AR(1), abrupt regimes on random days, trends within each year, the real record's
month-by-month rates), self-excitation of random strength and delay that may change on a random day,
salvo sizes, an event-placement rule (random days, after launches, in lulls, at a fixed calendar
phase (possibly the season's peak), clumps, the real UN or US dates; few or many events) and a
window (starting after the event when the placement looks at the launches: days before such an
event hold the launches that placed it, a real association). No event changes any launch: every rejection is a false one. `simulate` draws one series of
a world (launch days, missiles, event positions). The family is wide on purpose, and its bounds are
written here once, before any calibration run; `make calibration` reports the distribution of the
headline test's type-I error over worlds drawn from it.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd

MARGIN = 30
WINDOWS = ((1, 7), (1, 14), (1, 30), (0, 30), (-3, 3), (1, 60), (1, 90))
WINDOW_WEIGHTS = (0.15, 0.15, 0.3, 0.1, 0.1, 0.1, 0.1)
PLACEMENTS = ("random", "after_launches", "lulls", "phase", "clumps", "real_un", "real_us")
PLACEMENT_WEIGHTS = (0.2, 0.2, 0.1, 0.2, 0.15, 0.075, 0.075)
# Placements that look at the launches: a window reaching before such an event would count the
# launches that placed it (a real association, not a null), so their windows start at day 1.
LAUNCH_PLACED = ("after_launches", "lulls", "clumps")
MEAN_RATE = (0.01, 0.08)  # launch days per day (the real record: about 0.04)
MAX_EVENTS = 120


@dataclass(frozen=True)
class RandomWorld:
    """One world of the family: every parameter that shapes its series (all nulls: no event effect)."""

    seed: int
    mean_rate: float
    year_sd: float
    season_amp: float
    season_sharpness: float
    season_peaks: tuple[float, ...]
    month_sd: float
    month_ar: float
    regimes: int
    regime_sd: float
    within_year_sd: float
    real_months: bool
    alpha_before: float
    alpha_after: float
    switch_share: float
    delay_days: float
    salvo_mean: float
    placement: str
    n_events: int
    lag_max: int
    lull_days: int
    phase_dates: tuple[int, ...]
    phase_jitter: int
    clump_size: int
    clump_span: int
    window: tuple[int, int]
    unit: str

    def describe(self) -> dict:
        """The world's parameters as plain JSON values."""
        return {k: _plain(v) for k, v in asdict(self).items()}


def _plain(value: object) -> object:
    """A parameter for JSON: tuples as lists, floats to four significant digits."""
    if isinstance(value, tuple):
        return [_plain(v) for v in value]
    if isinstance(value, float):
        return float(f"{value:.4g}")
    return value


def _on(rng: np.random.Generator, p: float) -> bool:
    """A component present with probability p."""
    return bool(rng.random() < p)


def draw(seed: int) -> RandomWorld:
    """A world drawn from the family by its seed (the same seed, the same world)."""
    rng = np.random.default_rng([seed, 20261202])
    peaks = tuple(
        round(float(v), 1) for v in np.sort(rng.uniform(1, 366, size=int(rng.integers(1, 3))))
    )
    excited = _on(rng, 0.7)
    alpha_before = float(rng.uniform(0, 0.7)) if excited else 0.0
    alpha_after = float(rng.uniform(0, 0.7)) if excited and _on(rng, 0.3) else alpha_before
    placement = str(rng.choice(PLACEMENTS, p=PLACEMENT_WEIGHTS))
    seasonal = _on(rng, 0.5)
    phase = (
        peaks
        if seasonal and _on(rng, 0.5)
        else tuple(float(v) for v in rng.uniform(1, 366, int(rng.integers(1, 4))))
    )
    window = WINDOWS[int(rng.choice(len(WINDOWS), p=WINDOW_WEIGHTS))]
    if window[0] < 0 and placement in LAUNCH_PLACED:
        window = (1, window[1])  # days before an event placed by launches hold those launches
    return RandomWorld(
        seed=seed,
        mean_rate=float(np.exp(rng.uniform(*np.log(MEAN_RATE)))),
        year_sd=float(rng.uniform(0.2, 1.2)) if _on(rng, 0.6) else 0.0,
        season_amp=float(rng.uniform(0.3, 2.5)) if seasonal else 0.0,
        season_sharpness=float(rng.uniform(0.5, 10.0)),
        season_peaks=peaks,
        month_sd=float(rng.uniform(0.2, 1.0)) if _on(rng, 0.5) else 0.0,
        month_ar=float(rng.uniform(0.5, 0.95)),
        regimes=int(rng.poisson(rng.uniform(2, 20))) if _on(rng, 0.4) else 0,
        regime_sd=float(rng.uniform(0.5, 1.5)),
        within_year_sd=float(rng.uniform(0.5, 2.0)) if _on(rng, 0.3) else 0.0,
        real_months=_on(rng, 0.25),
        alpha_before=round(alpha_before, 3),
        alpha_after=round(alpha_after, 3),
        switch_share=float(rng.uniform(0.2, 0.8)),
        delay_days=float(np.exp(rng.uniform(0, np.log(20)))),
        salvo_mean=float(rng.uniform(1.0, 4.0)),
        placement=placement,
        n_events=int(np.clip(np.round(np.exp(rng.uniform(0, np.log(MAX_EVENTS)))), 1, MAX_EVENTS)),
        lag_max=int(rng.integers(1, 6)),
        lull_days=int(rng.integers(30, 91)),
        phase_dates=tuple(int(round(v)) for v in phase),
        phase_jitter=int(rng.integers(0, 11)),
        clump_size=int(rng.integers(2, 7)),
        clump_span=int(rng.integers(3, 15)),
        window=window,
        unit="missiles" if _on(rng, 0.15) else "launch_days",
    )


def _season(world: RandomWorld, doy: np.ndarray) -> np.ndarray:
    """Log-rate seasonal shape: von Mises bumps at the peaks, scaled to amplitude, mean zero over a year."""
    days = np.arange(1, 367)
    bumps = sum(
        np.exp(world.season_sharpness * (np.cos(2 * np.pi * (days - p) / 365.25) - 1))
        for p in world.season_peaks
    )
    shape = world.season_amp * bumps / bumps.max()
    return (shape - shape.mean())[doy - 1]


def _ar_months(world: RandomWorld, months: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """A stationary AR(1) per calendar month (sd month_sd), laid on the days."""
    n = int(months.max()) + 1
    shocks = rng.normal(0, world.month_sd * np.sqrt(1 - world.month_ar**2), n)
    walk = np.empty(n)
    walk[0] = rng.normal(0, world.month_sd)
    for m in range(1, n):
        walk[m] = world.month_ar * walk[m - 1] + shocks[m]
    return walk[months]


def log_background(world: RandomWorld, daily: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """The world's log background rate per day (before the mean is set)."""
    index = pd.DatetimeIndex(daily.index)
    n = len(index)
    years = (index.year - index.year[0]).to_numpy()
    months = (years * 12 + index.month.to_numpy() - index.month[0]).astype(np.int64)
    log_b = np.zeros(n)
    if world.year_sd:
        log_b += rng.normal(0, world.year_sd, years.max() + 1)[years]
    if world.season_amp:
        log_b += _season(world, index.day_of_year.to_numpy())
    if world.month_sd:
        log_b += _ar_months(world, months, rng)
    if world.regimes:
        cuts = np.sort(rng.integers(1, n, world.regimes))
        levels = rng.normal(0, world.regime_sd, world.regimes + 1)
        log_b += levels[np.searchsorted(cuts, np.arange(n), side="right")]
    if world.within_year_sd:
        slopes = rng.normal(0, world.within_year_sd, years.max() + 1)
        log_b += slopes[years] * (index.day_of_year.to_numpy() / 365.25 - 0.5)
    if world.real_months:
        y = (daily["launch_days"] > 0).astype(float)
        rate = y.groupby(months).transform("mean").to_numpy()
        log_b += np.log((rate + 0.25 * y.mean()) / y.mean())
    return log_b


def launch_days(world: RandomWorld, daily: pd.DataFrame, rng: np.random.Generator) -> np.ndarray:
    """0/1 launch days: day t is one with chance 1 - exp(-(b_t + alpha_t g_t)), g the launch history
    weighted by an exponential kernel summing to 1 (so alpha is the branching ratio)."""
    n = len(daily)
    log_b = log_background(world, daily, rng)
    switch = int(world.switch_share * n)
    alpha = np.where(np.arange(n) < switch, world.alpha_before, world.alpha_after)
    background = np.exp(log_b - log_b.mean())
    background *= world.mean_rate / background.mean() * (1 - alpha)
    kappa = 1 - 1 / max(world.delay_days, 1.0)
    threshold = -np.log1p(-rng.random(n))
    out = np.zeros(n)
    excite = 0.0
    for t in range(n):
        out[t] = float(background[t] + alpha[t] * excite > threshold[t])
        excite = kappa * excite + (1 - kappa) * out[t]
    return out


def missiles(world: RandomWorld, y: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Missiles per launch day: 1 plus a geometric count with the world's salvo mean."""
    extra = rng.geometric(1 / world.salvo_mean, size=len(y)) - 1
    return y * (1 + extra)


def _clip(pos: np.ndarray, n: int) -> np.ndarray:
    """Distinct positions with MARGIN days on both sides."""
    pos = np.unique(np.asarray(pos, dtype=np.int64))
    return pos[(pos >= MARGIN) & (pos < n - MARGIN - 1)]


def place(
    world: RandomWorld,
    y: np.ndarray,
    index: pd.DatetimeIndex,
    real: dict[str, np.ndarray],
    rng: np.random.Generator,
) -> np.ndarray:
    """Event positions by the world's placement rule (sorted, distinct, inside the margins)."""
    n, k = len(y), world.n_events
    hits = np.flatnonzero(y)
    kind = world.placement
    if kind == "random":
        pos = rng.integers(MARGIN, n - MARGIN, k)
    elif kind == "after_launches":
        chosen = rng.choice(hits, size=min(k, len(hits)), replace=False)
        pos = chosen + rng.integers(1, world.lag_max + 1, len(chosen))
    elif kind == "lulls":
        recent = np.convolve(y, np.ones(world.lull_days))[:n]
        quiet = np.flatnonzero(recent == 0)
        pos = rng.choice(quiet, size=min(k, len(quiet)), replace=False) if len(quiet) else quiet
    elif kind == "phase":
        years = range(index[0].year, index[-1].year + 1)
        dates = [
            pd.Timestamp(year, 1, 1) + pd.Timedelta(days=int(d) - 1)
            for year in years
            for d in world.phase_dates
        ]
        pos = index.get_indexer(pd.DatetimeIndex(dates))
        pos = pos[pos >= 0] + rng.integers(
            -world.phase_jitter, world.phase_jitter + 1, len(pos[pos >= 0])
        )
    elif kind == "clumps":
        starts_from = hits if len(hits) and rng.random() < 0.5 else np.arange(MARGIN, n - MARGIN)
        count = max(1, k // world.clump_size)
        starts = rng.choice(starts_from, size=min(count, len(starts_from)), replace=False)
        offsets = rng.integers(0, world.clump_span, (len(starts), world.clump_size))
        pos = (starts[:, None] + 1 + offsets).ravel()
    else:
        pos = real["un" if kind == "real_un" else "us"]
    return _clip(pos, n)


def simulate(
    world: RandomWorld, daily: pd.DataFrame, real: dict[str, np.ndarray], series: int
) -> tuple[pd.DataFrame, np.ndarray]:
    """One simulated series of a world: a daily frame (launch_days, missiles) and event positions."""
    rng = np.random.default_rng([world.seed, series, 7])
    y = launch_days(world, daily, rng)
    frame = pd.DataFrame(
        {
            "launch_days": y.astype(np.int64),
            "missiles": missiles(world, y, rng).astype(np.int64),
        },
        index=daily.index,
    )
    return frame, place(world, y, pd.DatetimeIndex(daily.index), real, rng)
