"""Null and effect worlds for calibrating the headline test: simulated launch calendars and event sets.

Each world is a recipe: a launch-calendar generator and an event placement, both seeded. These named
worlds are regression tests; `analysis.random_worlds` draws worlds from a broad family that no test
was shown. Generators: `flexible` (the intensity model with yearly levels, `model.YEARLY`, fitted to
the real launch days), `hawkes` / `upper` / `upper_short`
(the older era-only Hawkes fit, at its estimate, at the top of its branching-ratio interval, and with
a 5-day trigger delay: strongly self-exciting worlds), `campaigns` (hidden quiet/campaign switching,
no self-excitation), `year_tempo` (each year at its real launch-day rate, independent days),
`month_tempo` (a smooth month-to-month AR(1) in the log rate, stationary sd 0.8, independent days) and
`month_season` (year tempo times the real month-of-year profile, sharper than two harmonics).
Placements: the real UN resolution or US designation dates, reverse-causal dates 1-3 days after
simulated launches, clumps of 3 events within 5 days (random or after launches), dates that recur
every year, and the single January 2022 event. `long_window` asks the year-tempo question with a
60-day window (04's longest variant), whose windows cover most days of the years with events, and
`long_bursts` (year tempo and bursts together, from an outside review) with 90-day windows after
launches, `year_tempo_edge` with a 28-day window, just below the year share above which the headline needs
both tests. Effect worlds multiply the intensity in their own windows (`power_2x`, `power_3x` on the
UN dates, `us_2x` on the US dates, a design that needs both tests).
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass

import numpy as np
import pandas as pd

from ..windows import union_window_mask
from . import model, simulate

CLUMPS, CLUMP_SIZE, CLUMP_SPAN = 20, 3, 5
DENSE_EVENTS = 60
SHORT_DELAY_DAYS = 5.0
SCHEDULED = ((3, 10), (8, 20))
SINGLE_EVENT = "2022-01-13"
MONTH_AR, MONTH_STEP_SD = 0.9, 0.35
TEMPO_SPREAD, BURST_ALPHA, BURST_KAPPA = 2.0, 0.6, 0.9


@dataclass(frozen=True)
class World:
    """One calibration scenario: generator, event placement, window, unit and true effect."""

    generator: str
    placement: str
    window: tuple[int, int] = (1, 30)
    unit: str = "launch_days"
    effect: float = 1.0


WORLDS: dict[str, World] = {
    "null": World("flexible", "un"),
    "reverse": World("hawkes", "reverse"),
    "reverse_flexible": World("flexible", "reverse"),
    "stress": World("upper", "reverse"),
    "stress_short": World("upper_short", "reverse"),
    "dense": World("hawkes", "reverse_dense"),
    "campaigns": World("campaigns", "reverse"),
    "year_tempo": World("year_tempo", "us"),
    "month_tempo": World("month_tempo", "us"),
    "clumps_random": World("flexible", "clumps_random"),
    "clumps_after": World("hawkes", "clumps_after"),
    "scheduled": World("month_season", "scheduled"),
    "single": World("flexible", "single"),
    "window_day0": World("hawkes", "reverse", window=(0, 30)),
    "window_pm3": World("flexible", "un", window=(-3, 3)),
    "year_tempo_edge": World("year_tempo", "us", window=(1, 28)),
    "long_window": World("year_tempo", "us", window=(1, 60)),
    "long_bursts": World("tempo_bursts", "reverse", window=(1, 90)),
    "missiles": World("flexible", "un", unit="missiles"),
    "power_2x": World("flexible", "un", effect=2.0),
    "power_3x": World("flexible", "un", effect=3.0),
    "us_2x": World("flexible", "us", effect=2.0),
}


@dataclass(frozen=True)
class Context:
    """What every world needs from the real data, computed once."""

    daily: pd.DataFrame
    un_pos: np.ndarray
    us_pos: np.ndarray
    flexible: model.IntensityFit
    hawkes: simulate.SimulationParams
    salvo_sizes: np.ndarray
    warm: model.IntensityFit


def make_context(
    daily: pd.DataFrame, un_pos: np.ndarray, us_pos: np.ndarray, params: simulate.SimulationParams
) -> Context:
    """Fit the generators to the real calendar: the flexible model (`model.YEARLY`, the UN windows
    marked for effect worlds) and the headline model's own fit without events (a warm start)."""
    y = model.launch_days(daily)
    index = pd.DatetimeIndex(daily.index)
    mask = union_window_mask(len(y), un_pos, 1, 30).astype(float)
    design = model.Design.build(index, mask, spec=model.YEARLY)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        flexible = model.fit(y, design, beta=0.0)
        warm = model.fit(y, model.Design.build(index), beta=0.0)
    sizes = daily.loc[daily["missiles"] > 0, "missiles"].to_numpy()
    return Context(daily, un_pos, us_pos, flexible, params, sizes, warm)


def tempo_bursts(fit_: model.IntensityFit) -> model.IntensityFit:
    """The flexible fit with its yearly levels spread TEMPO_SPREAD times about their mean and strong
    self-excitation (branching ratio BURST_ALPHA, daily decay BURST_KAPPA), the era levels lowered to
    keep the mean rate (a harsh world from an outside review: busier than the real calendar)."""
    x = fit_.x.copy()
    e, q, s = model.sizes(fit_.design)
    years = x[e : e + q]
    x[e : e + q] = years.mean() + TEMPO_SPREAD * (years - years.mean())
    x[:e] += np.log((1 - BURST_ALPHA) / (1 - x[e + q + s]))
    x[e + q + s], x[e + q + s + 1] = BURST_ALPHA, BURST_KAPPA
    return dataclasses.replace(fit_, x=x)


def _effect_fit(ctx: Context, world: World) -> model.IntensityFit:
    """The flexible fit with the world's own event windows marked (where its effect applies)."""
    if world.effect == 1.0:
        return ctx.flexible
    fixed = {"un": ctx.un_pos, "us": ctx.us_pos}
    if world.placement not in fixed:
        raise ValueError(
            f"an effect world needs fixed event dates (un or us), not {world.placement!r}"
        )
    mask = union_window_mask(len(ctx.daily), fixed[world.placement], *world.window).astype(float)
    design = dataclasses.replace(ctx.flexible.design, window=mask)
    return dataclasses.replace(ctx.flexible, design=design)


def _independent(daily: pd.DataFrame, rate: np.ndarray, rng: np.random.Generator) -> np.ndarray:
    """Independent launch days at a given daily probability."""
    return (rng.random(len(daily)) < np.clip(rate, 0, 0.9)).astype(float)


def _year_rate(daily: pd.DataFrame) -> np.ndarray:
    """Each day's real launch-day rate of its calendar year."""
    y = (daily["launch_days"] > 0).astype(float)
    return y.groupby(daily.index.year).transform("mean").to_numpy()


def generate(ctx: Context, world: World, seed: int) -> np.ndarray:
    """Simulated 0/1 launch days for a world."""
    rng = np.random.default_rng(seed)
    kind, daily = world.generator, ctx.daily
    if kind == "flexible":
        return model.simulate(_effect_fit(ctx, world), rng, effect=world.effect)
    if kind == "tempo_bursts":
        return model.simulate(tempo_bursts(ctx.flexible), rng)
    if kind in ("hawkes", "upper", "upper_short"):
        params = ctx.hawkes
        if kind != "hawkes":
            params = params.with_alpha(params.alpha_interval[1])
        if kind == "upper_short":
            params = params.with_delay(SHORT_DELAY_DAYS)
        return simulate.simulate_daily(params, seed)["launch_days"].to_numpy().astype(float)
    if kind == "campaigns":
        sim = simulate.simulate_campaigns(pd.DatetimeIndex(daily.index), seed)
        return sim["launch_days"].to_numpy().astype(float)
    if kind == "year_tempo":
        return _independent(daily, _year_rate(daily), rng)
    if kind == "month_tempo":
        months = daily.index.year * 12 + daily.index.month
        codes = (months - months[0]).to_numpy()
        walk = np.zeros(codes.max() + 1)
        shocks = rng.normal(0, MONTH_STEP_SD, len(walk))
        walk[0] = shocks[0] / np.sqrt(1 - MONTH_AR**2)
        for m in range(1, len(walk)):
            walk[m] = MONTH_AR * walk[m - 1] + shocks[m]
        sd2 = MONTH_STEP_SD**2 / (1 - MONTH_AR**2)
        rate = (daily["launch_days"] > 0).mean() * np.exp(walk[codes] - 0.5 * sd2)
        return _independent(daily, rate, rng)
    if kind == "month_season":
        y = (daily["launch_days"] > 0).astype(float)
        profile = y.groupby(daily.index.month).transform("mean").to_numpy() / y.mean()
        return _independent(daily, _year_rate(daily) * profile, rng)
    raise ValueError(f"unknown generator {kind!r}")


def place(ctx: Context, world: World, y: np.ndarray, seed: int) -> np.ndarray:
    """Event day positions for a world (sorted, distinct, inside the calendar with room)."""
    rng = np.random.default_rng(seed + 7)
    n, kind = len(y), world.placement
    margin = (30, n - 31)
    if kind == "un":
        pos = ctx.un_pos
    elif kind == "us":
        pos = ctx.us_pos
    elif kind in ("reverse", "reverse_dense"):
        count = DENSE_EVENTS if kind == "reverse_dense" else len(ctx.un_pos)
        hits = np.flatnonzero(y)
        chosen = rng.choice(hits, size=min(count, len(hits)), replace=False)
        pos = chosen + rng.integers(1, 4, size=len(chosen))
    elif kind in ("clumps_random", "clumps_after"):
        if kind == "clumps_random":
            starts = rng.integers(margin[0], margin[1] - CLUMP_SPAN, size=CLUMPS)
        else:
            hits = np.flatnonzero(y)
            starts = rng.choice(hits, size=min(CLUMPS, len(hits)), replace=False) + rng.integers(
                1, 4, size=min(CLUMPS, len(hits))
            )
        offsets = np.array(
            [np.sort(rng.choice(CLUMP_SPAN, CLUMP_SIZE, replace=False)) for _ in starts]
        )
        pos = (starts[:, None] + offsets).ravel()
    elif kind == "scheduled":
        index = pd.DatetimeIndex(ctx.daily.index)
        dates = [
            pd.Timestamp(year, m, d)
            for year in range(index[0].year, index[-1].year + 1)
            for m, d in SCHEDULED
        ]
        pos = index.get_indexer(pd.DatetimeIndex(dates))
    elif kind == "single":
        pos = pd.DatetimeIndex(ctx.daily.index).get_indexer(pd.DatetimeIndex([SINGLE_EVENT]))
    else:
        raise ValueError(f"unknown placement {kind!r}")
    pos = np.unique(pos)
    return pos[(pos >= margin[0]) & (pos < margin[1])]


def missiles(ctx: Context, y: np.ndarray, seed: int) -> np.ndarray:
    """Missiles per day: real salvo sizes resampled onto the simulated launch days (overdispersed)."""
    rng = np.random.default_rng(seed + 11)
    return y * rng.choice(ctx.salvo_sizes, size=len(y))


DESCRIPTIONS: dict[str, str] = {
    "null": "fitted flexible model (era, trend, season, self-excitation); the real UN resolution dates",
    "reverse": "era-only Hawkes fit (strong self-excitation); events 1–3 days after simulated launches",
    "reverse_flexible": "fitted flexible model; events 1–3 days after simulated launches",
    "stress": "branching ratio at the top of its 95% interval; reverse-causal events",
    "stress_short": "top branching ratio with a 5-day trigger delay (burstier); reverse-causal events",
    "dense": "60 reverse-causal events with overlapping windows (like US designations)",
    "campaigns": "hidden quiet/campaign switching, no self-excitation; reverse-causal events",
    "year_tempo": "each year at its real launch-day rate, no self-excitation; real 2017–2024 US designation dates",
    "month_tempo": "rate drifting smoothly month to month (AR(1)), no self-excitation; real US designation dates",
    "clumps_random": "20 clumps of 3 events within 5 days at random dates",
    "clumps_after": "20 clumps of 3 events within 5 days, each starting 1–3 days after a launch (strong self-excitation)",
    "scheduled": "events on 10 Mar and 20 Aug every year; year tempo times the real month-of-year profile",
    "single": "one event (13 Jan 2022, Pyongyang)",
    "window_day0": "window [0, 30]; reverse-causal events, strong self-excitation",
    "window_pm3": "window [−3, 3]; the real UN resolution dates",
    "year_tempo_edge": "window [1, 28]: as year_tempo, with windows just below the year share at which the headline needs both tests",
    "long_window": "window [1, 60]; each year at its real launch-day rate, real US designation dates (the windows cover most of 2017–2024)",
    "long_bursts": f"window [1, 90]; yearly levels spread {TEMPO_SPREAD:g} times as far as fitted and strong self-excitation (branching ratio {BURST_ALPHA:g}, {1 / (1 - BURST_KAPPA):.0f}-day trigger delay); reverse-causal events",
    "missiles": "missiles unit, real salvo sizes resampled (overdispersed); the real UN resolution dates",
    "power_2x": "intensity doubled in days 1–30 after the real UN resolution dates",
    "power_3x": "intensity tripled in days 1–30 after the real UN resolution dates",
    "us_2x": "intensity doubled in days 1–30 after the real 2017–2024 US designation dates (windows fill their years: both tests must reject)",
}
