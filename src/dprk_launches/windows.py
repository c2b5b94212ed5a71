"""Event windows on a daily calendar: launch offsets around events, [a, b] window counts, range phases.

Overlapping windows: every event's window is counted separately, so a launch 10 days after two
events counts once for each (observed and placebo totals alike, and the conditional test weights a
day by the number of windows covering it). `union_window_mask` gives the alternative in which each
calendar day counts once however many windows cover it.
"""

from __future__ import annotations

import numpy as np
import pandas as pd

from .series import poisson_interval


def _check_window(a: int, b: int) -> None:
    """Refuse a window whose start is after its end."""
    if a > b:
        raise ValueError(f"window start a={a} is after its end b={b}")


def window_counts(counts: np.ndarray, event_pos: np.ndarray, a: int, b: int) -> np.ndarray:
    """Sum of counts over days [pos + a, pos + b] for each event position (clipped at the calendar edges)."""
    _check_window(a, b)
    counts = np.asarray(counts)
    cum = np.concatenate([[0], np.cumsum(counts)])
    lo = np.clip(np.asarray(event_pos) + a, 0, len(counts))
    hi = np.clip(np.asarray(event_pos) + b + 1, 0, len(counts))
    return cum[np.maximum(hi, lo)] - cum[lo]


def window_days(n_days: int, event_pos: np.ndarray, a: int, b: int) -> np.ndarray:
    """How many calendar days of each window [pos + a, pos + b] fall inside the calendar."""
    return window_counts(np.ones(n_days, dtype=np.int64), event_pos, a, b)


def window_weights(n_days: int, event_pos: np.ndarray, a: int, b: int) -> np.ndarray:
    """Per calendar day, how many event windows [pos + a, pos + b] cover it (difference array)."""
    _check_window(a, b)
    diff = np.zeros(n_days + 1, dtype=np.int64)
    lo = np.clip(np.asarray(event_pos) + a, 0, n_days)
    hi = np.clip(np.asarray(event_pos) + b + 1, 0, n_days)
    np.add.at(diff, lo, 1)
    np.add.at(diff, np.maximum(hi, lo), -1)
    return np.cumsum(diff)[:n_days]


def union_window_mask(n_days: int, event_pos: np.ndarray, a: int, b: int) -> np.ndarray:
    """Per calendar day, whether any event window covers it (the union-of-windows alternative)."""
    return window_weights(n_days, event_pos, a, b) > 0


def event_positions(
    calendar: pd.DatetimeIndex, dates: pd.Series | pd.DatetimeIndex | pd.DataFrame
) -> np.ndarray:
    """Calendar positions of event dates (an events frame uses start_local); -1 where outside."""
    if isinstance(dates, pd.DataFrame):
        dates = dates["start_local"]
    stamps = pd.DatetimeIndex(pd.to_datetime(pd.Series(dates))).normalize()
    return pd.DatetimeIndex(calendar).get_indexer(stamps)


def event_offsets(
    launch_days: pd.DataFrame, events: pd.DataFrame, max_abs_days: int = 60
) -> pd.DataFrame:
    """Every launch day within ±max_abs_days of every event: one row per (event, launch), offset in days."""
    if max_abs_days < 0:
        raise ValueError("max_abs_days must be >= 0")
    days = launch_days
    if "date_precision" in days.columns:
        days = days[days["date_precision"] == "day"]
    launch = pd.DatetimeIndex(days["date_local"]).normalize().as_unit("s").asi8 // 86_400
    start = pd.DatetimeIndex(events["start_local"]).normalize().as_unit("s").asi8 // 86_400
    offsets = launch[None, :] - start[:, None]
    event_idx, launch_idx = np.nonzero(np.abs(offsets) <= max_abs_days)
    return pd.DataFrame(
        {
            "event_id": pd.Series(np.asarray(events["event_id"])[event_idx], dtype=str),
            "offset_days": offsets[event_idx, launch_idx].astype(np.int64),
        }
    )


def range_phase_counts(
    daily: pd.DataFrame, events: pd.DataFrame, before: int = 30, after: int = 30
) -> pd.DataFrame:
    """Launches before / during / after range events (exercises, talks), with rates per day.

    Per event: `before` days ending the day before start_local, the event's own days (start_local to
    end_local inclusive) and `after` days starting the day after end_local, clipped to the calendar.
    Returns one row per event and phase with count, days and rate per day, in both units.
    """
    if before < 0 or after < 0:
        raise ValueError("before and after must be >= 0")
    calendar = pd.DatetimeIndex(daily.index)
    start = event_positions(calendar, events["start_local"])
    end = event_positions(calendar, events["end_local"])
    inside = (start >= 0) & (end >= start)
    if not inside.all():
        raise ValueError(
            f"{int((~inside).sum())} events start or end outside the calendar (or end before start)"
        )
    length = end - start
    rows = []
    for phase, lo_off, hi_off in (
        ("before", start - before, start - 1),
        ("during", start, start + length),
        ("after", end + 1, end + after),
    ):
        lo = np.clip(lo_off, 0, len(calendar))
        hi = np.clip(hi_off + 1, 0, len(calendar))
        n_days = np.maximum(hi - lo, 0)
        frame = pd.DataFrame(
            {"event_id": np.asarray(events["event_id"]), "phase": phase, "days": n_days}
        )
        for unit in ("launch_days", "missiles"):
            cum = np.concatenate([[0], np.cumsum(daily[unit].to_numpy())])
            frame[unit] = cum[np.maximum(hi, lo)] - cum[lo]
            frame[f"{unit}_per_day"] = np.where(
                n_days > 0, frame[unit] / np.maximum(n_days, 1), np.nan
            )
        rows.append(frame)
    out = pd.concat(rows, ignore_index=True)
    out["phase"] = pd.Categorical(out["phase"], ["before", "during", "after"], ordered=True)
    return out.sort_values(["event_id", "phase"], ignore_index=True)


def range_phase_summary(phases: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Totals per phase of `range_phase_counts`: days, both units, launch days per 30 days (exact CI).

    Overlapping events count a shared day once per event, as everywhere in this module.
    """
    totals = phases.groupby("phase", observed=False)[["days", "launch_days", "missiles"]].sum()
    lo, hi = poisson_interval(totals["launch_days"].to_numpy(), totals["days"].to_numpy(), level)
    totals["launch_days_per_30d"] = 30 * totals["launch_days"] / totals["days"]
    totals["low"], totals["high"] = 30 * lo, 30 * hi
    totals["missiles_per_30d"] = 30 * totals["missiles"] / totals["days"]
    return totals
