"""Tests of launch tempo after events: matched placebo dates (headline) beside the naive Poisson test."""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import stats

from .windows import window_counts, window_days

SEASON_HALFWIDTH = 30
ACTIVITY_LOOKBACK = 30
ACTIVITY_BINS = (0, 1, 3)
RECENCY_BINS = (1, 4, 15)
SMALL_POOL = 30


@dataclass(frozen=True)
class PlaceboResult:
    """Observed launches in a window after events against matched placebo dates."""

    unit: str
    window: tuple[int, int]
    pre_window: tuple[int, int]
    n_events: int
    observed: int
    placebo_mean: float
    p_value: float
    rate_ratio: float
    rate_ratio_interval: tuple[float, float]
    observed_pre: int
    placebo_mean_pre: float
    p_value_pre: float
    pool_sizes: tuple[int, ...]
    naive_expected: float
    naive_p_value: float

    def summary(self) -> str:
        """Readable text: headline test, pre-window, naive test and pool sizes."""
        a, b = self.window
        lo, hi = self.rate_ratio_interval
        return (
            f"{self.unit} in days [{a}, {b}] after {self.n_events} events: observed {self.observed}, "
            f"matched placebo mean {self.placebo_mean:.1f}; rate ratio {self.rate_ratio:.2f} "
            f"(95% placebo interval {lo:.2f}–{hi:.2f}), placebo p = {self.p_value:.3f}.\n"
            f"Before the events, days {list(self.pre_window)}: observed {self.observed_pre}, placebo mean "
            f"{self.placebo_mean_pre:.1f}, p = {self.p_value_pre:.3f}.\n"
            f"Naive Poisson test (ignores clustering and timing): expected {self.naive_expected:.1f}, "
            f"p = {self.naive_p_value:.3f}.\n"
            f"Placebo candidates per event: min {min(self.pool_sizes)}, median {int(np.median(self.pool_sizes))}."
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy frame of the result."""
        row = {
            k: v for k, v in self.__dict__.items() if k not in ("pool_sizes", "rate_ratio_interval")
        }
        row["rr_low"], row["rr_high"] = self.rate_ratio_interval
        row["min_pool"] = min(self.pool_sizes)
        return pd.DataFrame([row])


def _activity_bin(counts: np.ndarray) -> np.ndarray:
    """Launch days in the previous ACTIVITY_LOOKBACK days, binned by ACTIVITY_BINS (0, 1-2, 3+)."""
    cum = np.concatenate([[0], np.cumsum(counts > 0)])
    pos = np.arange(len(counts))
    recent = cum[pos] - cum[np.maximum(pos - ACTIVITY_LOOKBACK, 0)]
    return np.searchsorted(np.asarray(ACTIVITY_BINS), recent, side="right") - 1


def _recency_bin(counts: np.ndarray) -> np.ndarray:
    """Days since the last launch before each day, binned by RECENCY_BINS (1-3, 4-14, 15+; 0 = none yet)."""
    pos = np.arange(len(counts))
    launched = np.where(np.asarray(counts) > 0, pos, -1)
    last_before = np.maximum.accumulate(np.concatenate([[-1], launched[:-1]]))
    since = np.where(last_before >= 0, pos - last_before, 10**6)
    return np.searchsorted(np.asarray(RECENCY_BINS), since, side="right")


def matched_pools(
    calendar: pd.DatetimeIndex, counts: np.ndarray, event_pos: np.ndarray, window: tuple[int, int]
) -> list[np.ndarray]:
    """Placebo candidates per event: same season (±SEASON_HALFWIDTH days of year), activity and recency bins.

    Activity: launch days in the previous 30 days (0, 1-2, 3+). Recency: days since the last launch
    (1-3, 4-14, 15+). Matching on both is what keeps a sanction that follows a burst of tests from
    being compared with quiet dates.

    A candidate must also have its whole post-event window inside the calendar and at least
    ACTIVITY_LOOKBACK days of history, and is never the event day itself. Where no day matches on both
    bins, the recency bin is dropped, then the activity bin (season only); the pool size says so.
    """
    doy = calendar.day_of_year.to_numpy()
    activity = _activity_bin(np.asarray(counts))
    recency = _recency_bin(np.asarray(counts))
    pos = np.arange(len(calendar))
    valid = (pos >= ACTIVITY_LOOKBACK) & (pos + window[1] < len(calendar)) & (pos + window[0] >= 0)
    pools = []
    for p in event_pos:
        gap = np.abs(doy - doy[p])
        season = np.minimum(gap, 366 - gap) <= SEASON_HALFWIDTH
        base = valid & season & (pos != p)
        for mask in (
            (activity == activity[p]) & (recency == recency[p]),
            activity == activity[p],
            np.ones_like(base),
        ):
            if (base & mask).any():
                break
        pools.append(pos[base & mask])
    return pools


def draw_totals(
    counts: np.ndarray,
    pools: list[np.ndarray],
    window: tuple[int, int],
    n_draws: int,
    rng: np.random.Generator,
) -> np.ndarray:
    """Total window counts over all events for each of n_draws matched placebo draws (vectorised)."""
    cum = np.concatenate([[0], np.cumsum(counts)])
    a, b = window
    total = np.zeros(n_draws, dtype=np.int64)
    for pool in pools:
        picks = pool[rng.integers(0, len(pool), size=n_draws)]
        total += cum[picks + b + 1] - cum[np.maximum(picks + a, 0)]
    return total


def placebo_test(
    daily: pd.DataFrame,
    event_dates: pd.Series | pd.DatetimeIndex,
    window: tuple[int, int] = (1, 30),
    pre_window: tuple[int, int] = (-30, -1),
    unit: str = "launch_days",
    n_draws: int = 10_000,
    seed: int = 20220114,
) -> PlaceboResult:
    """Headline test: launches in `window` after events vs matched placebo dates (+1-corrected p, rate ratio)."""
    if window[0] > window[1] or pre_window[0] > pre_window[1]:
        raise ValueError("a window [a, b] needs a <= b")
    if unit not in daily.columns:
        raise ValueError(f"unit must be one of {list(daily.columns)}")
    calendar = pd.DatetimeIndex(daily.index)
    counts = daily[unit].to_numpy()
    pos = calendar.get_indexer(pd.DatetimeIndex(event_dates))
    inside = (
        (pos >= ACTIVITY_LOOKBACK) & (pos + window[1] < len(calendar)) & (pos + pre_window[0] >= 0)
    )
    pos = pos[(pos >= 0) & inside]
    if len(pos) == 0:
        raise ValueError("no event falls inside the calendar with room for its windows")
    rng = np.random.default_rng(seed)
    pools = matched_pools(calendar, counts, pos, window)
    sizes = tuple(len(p) for p in pools)
    if min(sizes) == 0:
        raise ValueError(
            "an event has no matched placebo candidates; widen the season or the calendar"
        )
    if min(sizes) < SMALL_POOL:
        warnings.warn(f"smallest placebo pool has only {min(sizes)} candidate days", stacklevel=2)
    observed = int(window_counts(counts, pos, *window).sum())
    placebo = draw_totals(counts, pools, window, n_draws, rng)
    observed_pre = int(window_counts(counts, pos, *pre_window).sum())
    placebo_pre = draw_totals(counts, pools, pre_window, n_draws, rng)
    mean = float(placebo.mean())
    q_lo, q_hi = np.quantile(placebo, [0.975, 0.025])
    expected = counts.mean() * window_days(len(counts), pos, *window).sum()
    return PlaceboResult(
        unit=unit,
        window=window,
        pre_window=pre_window,
        n_events=len(pos),
        observed=observed,
        placebo_mean=mean,
        p_value=float((1 + (placebo >= observed).sum()) / (1 + n_draws)),
        rate_ratio=observed / mean if mean > 0 else float("inf"),
        rate_ratio_interval=(
            observed / q_lo if q_lo > 0 else float("nan"),
            observed / q_hi if q_hi > 0 else float("inf"),
        ),
        observed_pre=observed_pre,
        placebo_mean_pre=float(placebo_pre.mean()),
        p_value_pre=float((1 + (placebo_pre >= observed_pre).sum()) / (1 + n_draws)),
        pool_sizes=sizes,
        naive_expected=float(expected),
        naive_p_value=naive_poisson_p(observed, float(expected)),
    )


def naive_poisson_p(observed: int, expected: float) -> float:
    """One-sided Poisson p-value P(X >= observed): assumes independent days, for contrast only."""
    return float(stats.poisson.sf(observed - 1, expected))


def adjust_pvalues(p_values: pd.Series) -> pd.DataFrame:
    """Holm and Benjamini–Hochberg adjusted p-values beside the raw ones."""
    from statsmodels.stats.multitest import multipletests

    raw = p_values.astype(float)
    return pd.DataFrame(
        {
            "p": raw,
            "p_holm": multipletests(raw, method="holm")[1],
            "p_bh": multipletests(raw, method="fdr_bh")[1],
        },
        index=p_values.index,
    )


def sensitivity_grid(
    daily: pd.DataFrame,
    event_dates: pd.Series,
    starts: list[int],
    ends: list[int],
    unit: str = "launch_days",
    n_draws: int = 2000,
    seed: int = 1,
) -> pd.DataFrame:
    """Rate ratio and placebo p for every window [start, end] (start <= end) instead of one chosen window."""
    rows = []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for a in starts:
            for b in ends:
                if a > b:
                    continue
                r = placebo_test(
                    daily, event_dates, window=(a, b), unit=unit, n_draws=n_draws, seed=seed
                )
                rows.append(
                    {"start": a, "end": b, "rate_ratio": r.rate_ratio, "p_value": r.p_value}
                )
    return pd.DataFrame(rows)
