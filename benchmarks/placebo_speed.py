"""Speed of the randomization engine: 10,000 jitter draws x 50 events x 40 windows, against a pandas loop."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd

from dprk_launches.analysis import fitcache, model, shift, simulate

N_DRAWS, N_EVENTS, N_WINDOWS = 10_000, 50, 40
NAIVE_DRAWS = 10
REPEATS = 5


def _setup() -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, int]], model.IntensityFit]:
    """A 20-year simulated calendar, 50 event days, 40 windows and the fitted intensity model."""
    daily = simulate.simulate_days(n_days=7300, excitation=0.4, seed=7)
    rng = np.random.default_rng(7)
    events = np.sort(rng.choice(np.arange(120, 7100), size=N_EVENTS, replace=False))
    windows = [(a, a + length) for a in (1, 4, 8, 15) for length in range(5, 55, 5)]
    assert len(windows) == N_WINDOWS
    with np.errstate(all="ignore"):
        fit = fitcache.fit_intensity(daily)
    return daily, events, windows, fit


def vectorised_seconds(
    daily: pd.DataFrame, events: np.ndarray, windows: list[tuple[int, int]], fit: model.IntensityFit
) -> float:
    """Median over REPEATS of the seconds for the draws, the forecasts and every window's totals."""
    y = model.launch_days(daily)
    counts = daily["launch_days"].to_numpy().astype(float)
    span = (min(a for a, _ in windows), max(b for _, b in windows))
    times = []
    for repeat in range(REPEATS):
        start = time.perf_counter()
        moves = shift.shift_draws(events, span, len(y), N_DRAWS, repeat, shift.recency_class(y))
        placed = events[None, :] + moves
        table = shift.forecast_table(fit, y, max(b - a + 1 for a, b in windows))
        for a, b in windows:
            shift.window_excess(counts, table[b - a], placed, (a, b)).sum(axis=1)
        times.append(time.perf_counter() - start)
    return float(np.median(times))


def naive_seconds_per_draw(
    daily: pd.DataFrame, events: np.ndarray, windows: list[tuple[int, int]]
) -> float:
    """Seconds per draw of a straightforward pandas loop (date arithmetic and slicing per event and window)."""
    series = daily["launch_days"]
    y = model.launch_days(daily)
    span = (min(a for a, _ in windows), max(b for _, b in windows))
    moves = shift.shift_draws(events, span, len(y), NAIVE_DRAWS, 0, shift.recency_class(y))
    start = time.perf_counter()
    for d in range(NAIVE_DRAWS):
        for e in range(len(events)):
            day = daily.index[events[e] + moves[d, e]]
            for a, b in windows:
                series.loc[day + pd.Timedelta(days=a) : day + pd.Timedelta(days=b)].sum()
    return (time.perf_counter() - start) / NAIVE_DRAWS


def run() -> dict:
    """Both timings in this run; the naive loop (draws only) is timed on a subset of draws and scaled.

    The vectorised time includes the draws and the model forecasts, so the ratio understates the speed-up.
    """
    daily, events, windows, fit = _setup()
    fast = vectorised_seconds(daily, events, windows, fit)
    naive = naive_seconds_per_draw(daily, events, windows) * N_DRAWS
    return {
        "placebo_seconds": round(fast, 4),
        "placebo_naive_seconds_scaled": round(naive, 1),
        "placebo_speedup_vs_naive": round(naive / fast, 1),
        "draws": N_DRAWS,
        "events": N_EVENTS,
        "windows": N_WINDOWS,
        "naive_draws_timed": NAIVE_DRAWS,
        "engine": "interval jitter of event clumps (analysis.shift), observed minus model forecast",
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
