"""Matched placebo dates (the earlier headline test, kept for comparison in 04_robustness), band and grid.

The candidate days (`analysis.matching`) are matched on season and recent launch activity.
One placebo day is drawn per event, independently, n_draws times; the p-value is
(1 + #{placebo total >= observed}) / (1 + n_draws). The rate ratio is observed / mean placebo total;
its interval inverts the placebo distribution (observed divided by its 97.5% and 2.5% quantiles).

The conditional test (`conditional_test`) needs no placebo days: every day in an event window is
compared with the fitted model's one-step-ahead probability given the real launches before that day,
so bursts before and inside the window are part of the null, and overlapping windows simply weight a
day by the number of windows covering it. Under the null the weighted excess is a martingale (mean 0
exactly, even when events are placed just after launches), and its distribution is the exact
Poisson-binomial of the weighted day probabilities.
"""

from __future__ import annotations

import warnings
from dataclasses import asdict, dataclass

import numpy as np
import pandas as pd
from scipy import stats

from ..windows import event_positions, window_counts, window_days
from . import era_hawkes
from .matching import (
    N_NEIGHBOURS,
    build_pools,
    candidate_mask,
    placebo_totals,
)

EventDates = pd.Series | pd.DatetimeIndex | pd.DataFrame


def _p_upper(null: np.ndarray, observed: float) -> float:
    """Monte Carlo p-value with the +1 correction."""
    return float((1 + (null >= observed).sum()) / (1 + len(null)))


def _p_mid(null: np.ndarray, observed: float) -> float:
    """Mid-p version (ties count half), with the +1 correction: less conservative for small counts."""
    above = (null > observed).sum() + 0.5 * (null == observed).sum()
    return float((1 + above) / (1 + len(null)))


def naive_poisson_p(observed: int, expected: float) -> float:
    """One-sided Poisson p-value P(X >= observed): assumes independent days, for contrast only."""
    return float(stats.poisson.sf(observed - 1, expected))


def _result_frame(result: object, **extra: object) -> pd.DataFrame:
    """One-row frame of a test result: scalar fields, windows as text, the interval as two columns."""
    row = {
        k: v
        for k, v in asdict(result).items()
        if k not in ("pool_sizes", "rate_ratio_interval", "window", "pre_window")
    }
    row["window"] = f"[{result.window[0]}, {result.window[1]}]"
    row["pre_window"] = f"[{result.pre_window[0]}, {result.pre_window[1]}]"
    row["rr_low"], row["rr_high"] = result.rate_ratio_interval
    return pd.DataFrame([{**row, **extra}])


@dataclass(frozen=True)
class PlaceboResult:
    """Observed launches in a window after events against matched placebo dates."""

    unit: str
    matching: str
    window: tuple[int, int]
    pre_window: tuple[int, int]
    n_events: int
    n_events_dropped: int
    observed: int
    placebo_mean: float
    p_value: float
    p_value_mid: float
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
        dropped = (
            f" ({self.n_events_dropped} events outside the calendar left out)"
            if self.n_events_dropped
            else ""
        )
        return (
            f"{self.unit} in days [{a}, {b}] after {self.n_events} events{dropped}: observed "
            f"{self.observed}, matched placebo mean {self.placebo_mean:.1f}; rate ratio "
            f"{self.rate_ratio:.2f} (95% placebo interval {lo:.2f}–{hi:.2f}), placebo p = "
            f"{self.p_value:.3f}.\n"
            f"Before the events, days {list(self.pre_window)}: observed {self.observed_pre}, placebo "
            f"mean {self.placebo_mean_pre:.1f}, p = {self.p_value_pre:.3f}.\n"
            f"Naive Poisson test (ignores clustering and timing): expected "
            f"{self.naive_expected:.1f}, p = {self.naive_p_value:.3f}.\n"
            f"Placebo candidates per event ({self.matching} matching): min {min(self.pool_sizes)}, "
            f"median {int(np.median(self.pool_sizes))}."
        )

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy frame of the result."""
        return _result_frame(self, min_pool=min(self.pool_sizes))


def _check_inputs(daily: pd.DataFrame, unit: str, windows: tuple[tuple[int, int], ...]) -> None:
    """Refuse unknown units and windows with a > b."""
    for a, b in windows:
        if a > b:
            raise ValueError(f"a window [a, b] needs a <= b, got [{a}, {b}]")
    if unit not in daily.columns:
        raise ValueError(f"unit must be one of {list(daily.columns)}")


def _usable_events(
    calendar: pd.DatetimeIndex, event_dates: EventDates, span: tuple[int, int]
) -> tuple[np.ndarray, int]:
    """Positions of events inside the calendar with room for every window; and how many were dropped."""
    pos = event_positions(calendar, event_dates)
    keep = (pos >= 0) & candidate_mask(len(calendar), span)[np.maximum(pos, 0)]
    if not keep.any():
        raise ValueError("no event falls inside the calendar with room for its windows")
    dropped = int((~keep).sum())
    if dropped:
        warnings.warn(
            f"{dropped} events outside the calendar (or too near its edges) left out", stacklevel=3
        )
    return pos[keep], dropped


def placebo_test(
    daily: pd.DataFrame,
    event_dates: EventDates,
    window: tuple[int, int] = (1, 30),
    pre_window: tuple[int, int] = (-30, -1),
    unit: str = "launch_days",
    n_draws: int = 10_000,
    seed: int = 20220114,
    matching: str = "model",
    fit: era_hawkes.HawkesFit | None = None,
    n_neighbours: int = N_NEIGHBOURS,
) -> PlaceboResult:
    """Headline test: launches in `window` after events vs matched placebo dates (+1-corrected p, rate ratio).

    Matching rule: module docstring. `fit` reuses a Hawkes fit of the same calendar.
    """
    window, pre_window = tuple(window), tuple(pre_window)
    _check_inputs(daily, unit, (window, pre_window))
    calendar = pd.DatetimeIndex(daily.index)
    span = (min(window[0], pre_window[0]), max(window[1], pre_window[1]))
    pos, dropped = _usable_events(calendar, event_dates, span)
    pools = build_pools(daily, pos, span, window, matching, fit, n_neighbours)
    counts = daily[unit].to_numpy()
    cum = np.concatenate([[0], np.cumsum(counts)])
    picks = pools.draw(n_draws, np.random.default_rng(seed))
    placebo = placebo_totals(cum, picks, *window)
    placebo_pre = placebo_totals(cum, picks, *pre_window)
    observed = int(window_counts(counts, pos, *window).sum())
    observed_pre = int(window_counts(counts, pos, *pre_window).sum())
    mean = float(placebo.mean())
    q_hi, q_lo = np.quantile(placebo, [0.975, 0.025])
    expected = counts.mean() * window_days(len(counts), pos, *window).sum()
    return PlaceboResult(
        unit=unit,
        matching=pools.matching,
        window=window,
        pre_window=pre_window,
        n_events=len(pos),
        n_events_dropped=dropped,
        observed=observed,
        placebo_mean=mean,
        p_value=_p_upper(placebo, observed),
        p_value_mid=_p_mid(placebo, observed),
        rate_ratio=observed / mean if mean > 0 else float("inf"),
        rate_ratio_interval=(
            observed / q_hi if q_hi > 0 else float("nan"),
            observed / q_lo if q_lo > 0 else float("inf"),
        ),
        observed_pre=observed_pre,
        placebo_mean_pre=float(placebo_pre.mean()),
        p_value_pre=_p_upper(placebo_pre, observed_pre),
        pool_sizes=tuple(int(s) for s in pools.sizes),
        naive_expected=float(expected),
        naive_p_value=naive_poisson_p(observed, float(expected)),
    )


def sensitivity_grid(
    daily: pd.DataFrame,
    event_dates: EventDates,
    starts: list[int],
    ends: list[int],
    unit: str = "launch_days",
    n_draws: int = 2000,
    seed: int = 1,
    matching: str = "model",
    fit: era_hawkes.HawkesFit | None = None,
) -> pd.DataFrame:
    """Rate ratio and placebo p for every window [start, end] (start <= end) instead of one chosen window.

    One set of matched pools (matched on the forecast for [min start, max end]) and one set of
    placebo draws serve every window, so neighbouring cells differ only by the window.
    """
    cells = [(a, b) for a in starts for b in ends if a <= b]
    if not cells:
        raise ValueError("no window with start <= end in the grid")
    _check_inputs(daily, unit, tuple(cells))
    calendar = pd.DatetimeIndex(daily.index)
    span = (min(a for a, _ in cells), max(b for _, b in cells))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pos, _ = _usable_events(calendar, event_dates, span)
        pools = build_pools(daily, pos, span, span, matching, fit)
    counts = daily[unit].to_numpy()
    cum = np.concatenate([[0], np.cumsum(counts)])
    picks = pools.draw(n_draws, np.random.default_rng(seed))
    rows = []
    for a, b in cells:
        placebo = placebo_totals(cum, picks, a, b)
        observed = int(window_counts(counts, pos, a, b).sum())
        mean = float(placebo.mean())
        rows.append(
            {
                "start": a,
                "end": b,
                "observed": observed,
                "placebo_mean": mean,
                "rate_ratio": observed / mean if mean > 0 else float("inf"),
                "p_value": _p_upper(placebo, observed),
            }
        )
    return pd.DataFrame(rows)


def placebo_band(
    daily: pd.DataFrame,
    event_dates: EventDates,
    max_abs_days: int = 60,
    bin_days: int = 5,
    unit: str = "launch_days",
    n_draws: int = 2000,
    seed: int = 1,
    level: float = 0.95,
    fit: era_hawkes.HawkesFit | None = None,
) -> pd.DataFrame:
    """Peri-event histogram of matched placebo dates: per offset bin the observed total, mean and range.

    Bins start at -max_abs_days and are bin_days wide (as in `plots.plot_peri_event`).
    """
    if max_abs_days < 0 or bin_days < 1:
        raise ValueError("max_abs_days must be >= 0 and bin_days >= 1")
    _check_inputs(daily, unit, ())
    starts = np.arange(-max_abs_days, max_abs_days + 1, bin_days)
    span = (int(starts[0]), int(starts[-1] + bin_days - 1))
    calendar = pd.DatetimeIndex(daily.index)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        pos, _ = _usable_events(calendar, event_dates, span)
        pools = build_pools(daily, pos, span, (1, 30), "model", fit)
    counts = daily[unit].to_numpy()
    cum = np.concatenate([[0], np.cumsum(counts)])
    picks = pools.draw(n_draws, np.random.default_rng(seed))
    tail = (1 - level) / 2
    rows = []
    for a in starts:
        b = int(a + bin_days - 1)
        placebo = placebo_totals(cum, picks, int(a), b)
        low, high = np.quantile(placebo, [tail, 1 - tail])
        rows.append(
            {
                "start": int(a),
                "observed": int(window_counts(counts, pos, int(a), b).sum()),
                "mean": float(placebo.mean()),
                "low": float(low),
                "high": float(high),
            }
        )
    return pd.DataFrame(rows)
