"""Matched placebo pools: for each event day, candidate days like it in season and recent launch activity.

Headline matching rule (`matching="model"`): for an event on day p, the candidate placebo days q are
the days of the study calendar (a) within ±30 days of p's day of year, in any year (season); (b) with
at least 30 days of history and every tested window inside the calendar; (c) other than p itself;
and, among those, (d) the 100 days whose recent launch activity forecasts the most similar number of
launch days in the headline window: the forecast is the fitted Hawkes model's expected count given
the launches up to that day (exponentially weighted recent launches, plus the era's and season's
background), compared on the log scale. A sanction that follows a burst of tests is compared with
other days that follow comparable bursts, in comparable eras and seasons. `matching="bins"` is the
older, model-free rule (launch days in the previous 30 days: 0, 1-2, 3+; days since the last launch:
1-3, 4-14, 15+), kept for comparison and for calendars too short to fit the model.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import era_hawkes, fitcache
from .model import days_since_last

SEASON_HALFWIDTH = 30
LOOKBACK = 30
N_NEIGHBOURS = 100
SMALL_POOL = 30
ACTIVITY_BINS = (0, 1, 3)
RECENCY_BINS = (1, 4, 15)
MATCHINGS = ("model", "bins")


@dataclass(frozen=True)
class Pools:
    """Matched placebo candidates for each event, stored flat (CSR-style) for vectorised draws."""

    flat: np.ndarray
    offsets: np.ndarray
    matching: str

    @property
    def sizes(self) -> np.ndarray:
        """Number of candidates per event."""
        return np.diff(self.offsets)

    def draw(self, n_draws: int, rng: np.random.Generator) -> np.ndarray:
        """Placebo day positions, shape (n_events, n_draws): one uniform candidate per event and draw."""
        sizes = self.sizes
        pick = (rng.random((len(sizes), n_draws)) * sizes[:, None]).astype(np.int64)
        return self.flat[self.offsets[:-1, None] + pick]


def placebo_totals(cum: np.ndarray, picks: np.ndarray, a: int, b: int) -> np.ndarray:
    """Total window counts over events for each draw: cum is the zero-prefixed cumulative sum."""
    return (cum[picks + (b + 1)] - cum[picks + a]).sum(axis=0)


def _activity_bin(counts: np.ndarray) -> np.ndarray:
    """Launch days in the previous LOOKBACK days, binned by ACTIVITY_BINS (0, 1-2, 3+)."""
    cum = np.concatenate([[0], np.cumsum(counts > 0)])
    pos = np.arange(len(counts))
    recent = cum[pos] - cum[np.maximum(pos - LOOKBACK, 0)]
    return np.searchsorted(np.asarray(ACTIVITY_BINS), recent, side="right") - 1


def _recency_bin(counts: np.ndarray) -> np.ndarray:
    """Days since the last launch before each day, binned by RECENCY_BINS (1-3, 4-14, 15+)."""
    return np.searchsorted(np.asarray(RECENCY_BINS), days_since_last(counts), side="right")


def _season_mask(doy: np.ndarray, day: int) -> np.ndarray:
    """Days within ±SEASON_HALFWIDTH of a day of year, wrapping around the new year."""
    gap = np.abs(doy - day)
    return np.minimum(gap, 366 - gap) <= SEASON_HALFWIDTH


def candidate_mask(n_days: int, span: tuple[int, int]) -> np.ndarray:
    """Days usable as placebo dates: LOOKBACK days of history and [p + lo, p + hi] inside the calendar."""
    pos = np.arange(n_days)
    lo, hi = span
    return (pos >= LOOKBACK) & (pos + hi < n_days) & (pos + lo >= 0)


def matched_pools(
    calendar: pd.DatetimeIndex,
    counts: np.ndarray,
    event_pos: np.ndarray,
    span: tuple[int, int],
    score: np.ndarray | None = None,
    n_neighbours: int = N_NEIGHBOURS,
) -> Pools:
    """Placebo candidates per event (module docstring): season, then nearest forecast or activity bins.

    `span` = (earliest, latest) day offset any tested window uses. With `score` (the model forecast
    per day) the n_neighbours nearest on log forecast are kept; without it the bin rule applies, and
    where no day matches both bins the recency bin is dropped, then the activity bin.
    """
    doy = pd.DatetimeIndex(calendar).day_of_year.to_numpy()
    pos = np.arange(len(calendar))
    valid = candidate_mask(len(calendar), span)
    pools = []
    if score is not None:
        log_score = np.log(np.maximum(score, 1e-12))
        for p in event_pos:
            cand = pos[valid & _season_mask(doy, doy[p]) & (pos != p)]
            if len(cand) > n_neighbours:
                gap = np.abs(log_score[cand] - log_score[p])
                cand = np.sort(cand[np.argpartition(gap, n_neighbours - 1)[:n_neighbours]])
            pools.append(cand)
    else:
        activity = _activity_bin(np.asarray(counts))
        recency = _recency_bin(np.asarray(counts))
        for p in event_pos:
            base = valid & _season_mask(doy, doy[p]) & (pos != p)
            for mask in (
                (activity == activity[p]) & (recency == recency[p]),
                activity == activity[p],
                np.ones_like(base),
            ):
                if (base & mask).any():
                    break
            pools.append(pos[base & mask])
    sizes = np.array([len(p) for p in pools], dtype=np.int64)
    return Pools(
        flat=np.concatenate(pools) if pools else np.array([], dtype=np.int64),
        offsets=np.concatenate([[0], np.cumsum(sizes)]),
        matching="model" if score is not None else "bins",
    )


def _try_fit(daily: pd.DataFrame) -> era_hawkes.HawkesFit | None:
    """Hawkes fit on launch days, or None when the calendar is too short or too quiet."""
    try:
        return fitcache.hawkes_fit(daily)
    except ValueError:
        return None


def build_pools(
    daily: pd.DataFrame,
    pos: np.ndarray,
    span: tuple[int, int],
    match_window: tuple[int, int],
    matching: str,
    fit: era_hawkes.HawkesFit | None,
    n_neighbours: int = N_NEIGHBOURS,
) -> Pools:
    """Matched pools for event positions under a matching rule (fits the model when needed)."""
    if matching not in MATCHINGS:
        raise ValueError(f"matching must be one of {MATCHINGS}")
    calendar = pd.DatetimeIndex(daily.index)
    counts = daily["launch_days"].to_numpy()
    score = None
    if matching == "model":
        fit = fit or _try_fit(daily)
        if fit is None:
            warnings.warn("too few launches to fit the model: bin matching used", stacklevel=3)
        else:
            a, b = max(match_window[0], 1), max(match_window[1], 1)
            score = era_hawkes.expected_window(fit, daily, a, b)
    pools = matched_pools(calendar, counts, pos, span, score=score, n_neighbours=n_neighbours)
    if pools.sizes.min() == 0:
        raise ValueError("an event has no matched placebo candidates; widen the season or calendar")
    if pools.sizes.min() < SMALL_POOL:
        warnings.warn(
            f"smallest placebo pool has only {pools.sizes.min()} candidate days", stacklevel=3
        )
    return pools
