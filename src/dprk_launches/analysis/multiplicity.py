"""Multiplicity: Holm / Benjamini–Hochberg, max-T over a window grid, every category tested at once."""

from __future__ import annotations

import warnings

import numpy as np
import pandas as pd

from . import model, shift
from .headline import PRE_WINDOW, EventDates, headline_test, usable_positions

# HeadlineResult.to_frame() column -> compare_categories column
GROUP_COLUMNS = {
    "n_events": "n_events",
    "observed": "observed",
    "expected": "expected",
    "rate_ratio": "rate_ratio",
    "ci_low": "ci_low",
    "ci_high": "ci_high",
    "direction": "direction",
    "p_value": "p",
    "p_randomization": "p_randomization",
    "naive_p_value": "p_naive",
}


def adjust_pvalues(p_values: pd.Series) -> pd.DataFrame:
    """Holm and Benjamini–Hochberg adjusted p-values beside the raw ones."""
    from statsmodels.stats.multitest import multipletests

    raw = p_values.astype(float)
    if len(raw) == 0:
        return pd.DataFrame({"p": raw, "p_holm": raw, "p_bh": raw})
    return pd.DataFrame(
        {
            "p": raw,
            "p_holm": multipletests(raw, method="holm")[1],
            "p_bh": multipletests(raw, method="fdr_bh")[1],
        },
        index=p_values.index,
    )


def compare_categories(
    daily: pd.DataFrame,
    events: pd.DataFrame,
    by: str = "category",
    window: tuple[int, int] = (1, 30),
    n_draws: int = 10_000,
    seed: int = 0,
) -> pd.DataFrame:
    """The headline test per event group, with Holm and Benjamini–Hochberg across the groups.

    Groups without a usable event are skipped.
    """
    if by not in events.columns:
        raise ValueError(f"events have no column {by!r}")
    rows = {}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for name, group in events.groupby(by, sort=True):
            try:
                r = headline_test(daily, group, window, seed=seed, n_draws=n_draws)
            except ValueError:
                continue
            rows[name] = r.to_frame().iloc[0][list(GROUP_COLUMNS)].rename(GROUP_COLUMNS).to_dict()
    if not rows:
        raise ValueError("no group has an event inside the calendar")
    table = pd.DataFrame.from_dict(rows, orient="index").rename_axis(by)
    adjusted = adjust_pvalues(table["p"])
    table["p_holm"] = adjusted["p_holm"]
    table["p_bh"] = adjusted["p_bh"]
    return table


def window_grid(
    daily: pd.DataFrame,
    event_dates: EventDates,
    starts: list[int],
    ends: list[int],
    fit: model.IntensityFit,
    n_draws: int = 2000,
    seed: int = 1,
) -> pd.DataFrame:
    """Observed / forecast launch days for every window [start, end], with max-T adjusted p-values.

    One set of interval-jitter draws (`analysis.shift`) serves every cell, so the cells' null distributions
    are joint; each cell is standardised by its own null mean and sd, and a cell's adjusted p is the
    share of draws whose largest |z| over all cells reaches the cell's observed |z| (single-step
    max-T, Westfall & Young 1993): read the adjusted column, not the raw one.
    """
    cells = [(a, b) for a in starts for b in ends if a <= b]
    if not cells:
        raise ValueError("no window with start <= end in the grid")
    span = (min(a for a, _ in cells), max(b for _, b in cells))
    pos, _ = usable_positions(daily, event_dates, (min(span[0], PRE_WINDOW[0]), max(span[1], 0)))
    y = model.launch_days(daily)
    counts = daily["launch_days"].to_numpy().astype(float)
    moves = shift.shift_draws(pos, span, len(y), n_draws, seed, shift.recency_class(y))
    placed = np.sort(pos)[None, :] + moves
    table_by_length = shift.forecast_table(fit, y, max(b - a + 1 for a, b in cells))
    rows, z_obs, z_null = [], [], []
    for a, b in cells:
        forecast = table_by_length[b - a]
        null = shift.window_excess(counts, forecast, placed, (a, b)).sum(axis=1)
        obs = float(shift.window_excess(counts, forecast, np.sort(pos), (a, b)).sum())
        centre, spread = null.mean(), max(null.std(), 1e-9)
        z_obs.append(abs(obs - centre) / spread)
        z_null.append(np.abs(null - centre) / spread)
        expected = float(forecast[np.sort(pos) + a - 1].sum())
        rows.append(
            {
                "start": a,
                "end": b,
                "observed": expected + obs,
                "expected": expected,
                "rate_ratio": (expected + obs) / expected if expected > 0 else float("inf"),
                "p_raw": float((1 + (z_null[-1] >= z_obs[-1] - 1e-12).sum()) / (1 + n_draws)),
            }
        )
    max_null = np.max(np.vstack(z_null), axis=0)
    table = pd.DataFrame(rows)
    table["p_value"] = [float((1 + (max_null >= z - 1e-12).sum()) / (1 + n_draws)) for z in z_obs]
    return table
