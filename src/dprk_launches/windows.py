"""Event windows on a daily calendar: offsets of launches around events and counts in [a, b] windows."""

from __future__ import annotations

import numpy as np
import pandas as pd


def daily_counts(
    launch_days: pd.DataFrame, start: str | pd.Timestamp, end: str | pd.Timestamp
) -> pd.DataFrame:
    """Zero-filled daily calendar with columns launch_days (0/1) and missiles; day-dated rows only."""
    days = launch_days[launch_days["date_precision"] == "day"]
    index = pd.date_range(pd.Timestamp(start), pd.Timestamp(end), freq="D", name="date_local")
    grouped = days.groupby("date_local")["n_missiles"].sum()
    missiles = grouped.reindex(index, fill_value=0).astype(int)
    return pd.DataFrame({"launch_days": (missiles > 0).astype(int), "missiles": missiles})


def window_counts(counts: np.ndarray, event_pos: np.ndarray, a: int, b: int) -> np.ndarray:
    """Sum of counts over days [pos + a, pos + b] for each event position (clipped at the calendar edges)."""
    if a > b:
        raise ValueError(f"window start a={a} is after its end b={b}")
    counts = np.asarray(counts)
    cum = np.concatenate([[0], np.cumsum(counts)])
    lo = np.clip(np.asarray(event_pos) + a, 0, len(counts))
    hi = np.clip(np.asarray(event_pos) + b + 1, 0, len(counts))
    return cum[np.maximum(hi, lo)] - cum[lo]


def window_days(n_days: int, event_pos: np.ndarray, a: int, b: int) -> np.ndarray:
    """How many calendar days of each window [pos + a, pos + b] fall inside the calendar."""
    return window_counts(np.ones(n_days, dtype=np.int64), event_pos, a, b)


def event_offsets(
    launch_days: pd.DataFrame, events: pd.DataFrame, max_abs_days: int = 60
) -> pd.DataFrame:
    """Every launch day within ±max_abs_days of every event: one row per (event, launch), offset in days."""
    days = launch_days[launch_days["date_precision"] == "day"]
    launch_dates = days["date_local"].to_numpy()
    rows = []
    for event_id, start in zip(events["event_id"], events["start_local"], strict=True):
        offsets = (launch_dates - np.datetime64(start)) // np.timedelta64(1, "D")
        near = np.abs(offsets) <= max_abs_days
        rows.append(pd.DataFrame({"event_id": event_id, "offset_days": offsets[near].astype(int)}))
    if not rows:
        return pd.DataFrame({"event_id": pd.Series(dtype=str), "offset_days": pd.Series(dtype=int)})
    return pd.concat(rows, ignore_index=True)
