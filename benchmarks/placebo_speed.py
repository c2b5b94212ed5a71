"""Speed of the matched placebo engine: 10,000 draws x 50 events x 40 windows, against a plain pandas loop."""

from __future__ import annotations

import json
import time

import numpy as np
import pandas as pd

from dprk_launches import inference, simulate

N_DRAWS, N_EVENTS, N_WINDOWS = 10_000, 50, 40
NAIVE_DRAWS = 20


def _setup() -> tuple[pd.DataFrame, np.ndarray, list[tuple[int, int]]]:
    """A 20-year simulated calendar, 50 event days and 40 windows."""
    daily = simulate.simulate_days(n_days=7300, seed=7)
    rng = np.random.default_rng(7)
    events = np.sort(rng.choice(np.arange(120, 7100), size=N_EVENTS, replace=False))
    windows = [(a, a + length) for a in (1, 4, 8, 15) for length in range(5, 55, 5)]
    return daily, events, windows


def vectorised_seconds(
    daily: pd.DataFrame, events: np.ndarray, windows: list[tuple[int, int]]
) -> float:
    """Seconds for matched pools + N_DRAWS draws for every window, with the package's engine."""
    counts = daily["launch_days"].to_numpy()
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    pools = inference.matched_pools(
        pd.DatetimeIndex(daily.index), counts, events, (1, max(b for _, b in windows))
    )
    for window in windows:
        inference.draw_totals(counts, pools, window, N_DRAWS, rng)
    return time.perf_counter() - start


def naive_seconds_per_draw(
    daily: pd.DataFrame, events: np.ndarray, windows: list[tuple[int, int]]
) -> float:
    """Seconds per draw of a straightforward pandas loop (date arithmetic and slicing per event and window)."""
    series = daily["launch_days"]
    pools = inference.matched_pools(
        pd.DatetimeIndex(daily.index), series.to_numpy(), events, (1, max(b for _, b in windows))
    )
    rng = np.random.default_rng(0)
    start = time.perf_counter()
    for _ in range(NAIVE_DRAWS):
        for pool in pools:
            day = daily.index[pool[rng.integers(len(pool))]]
            for a, b in windows:
                series.loc[day + pd.Timedelta(days=a) : day + pd.Timedelta(days=b)].sum()
    return (time.perf_counter() - start) / NAIVE_DRAWS


def run() -> dict:
    """Both timings, measured in this run; the naive loop is timed on a subset of draws and scaled."""
    daily, events, windows = _setup()
    fast = vectorised_seconds(daily, events, windows)
    naive = naive_seconds_per_draw(daily, events, windows) * N_DRAWS
    return {
        "placebo_seconds": round(fast, 4),
        "placebo_naive_seconds_scaled": round(naive, 1),
        "placebo_speedup_vs_naive": round(naive / fast, 1),
        "draws": N_DRAWS,
        "events": N_EVENTS,
        "windows": N_WINDOWS,
    }


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
