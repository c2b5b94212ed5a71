"""Synthetic launch-day series (seasonal, self-exciting) and event dates, for tests and calibration."""

from __future__ import annotations

import numpy as np
import pandas as pd


def simulate_days(
    n_days: int = 3650,
    base_rate: float = 0.02,
    seasonal_amplitude: float = 0.6,
    excitation: float = 0.25,
    decay_days: float = 7.0,
    start: str = "2012-01-01",
    seed: int = 0,
) -> pd.DataFrame:
    """Daily 0/1 launch days: seasonal background plus self-excitation (each launch raises the next days' rate)."""
    rng = np.random.default_rng(seed)
    calendar = pd.date_range(start, periods=n_days, freq="D", name="date_local")
    season = 1 + seasonal_amplitude * np.cos(
        2 * np.pi * (calendar.day_of_year.to_numpy() - 60) / 365.25
    )
    kernel = np.exp(-1 / decay_days)
    excite, out = 0.0, np.zeros(n_days, dtype=np.int64)
    for t in range(n_days):
        rate = min(base_rate * season[t] + excitation * excite / decay_days, 0.95)
        out[t] = rng.random() < rate
        excite = excite * kernel + out[t]
    return pd.DataFrame({"launch_days": out, "missiles": out}, index=calendar)


def reverse_causal_events(
    daily: pd.DataFrame, n_events: int, seed: int = 0, lags: tuple[int, int] = (1, 3)
) -> pd.DatetimeIndex:
    """Event dates placed 1–3 days after randomly chosen simulated launches (events answer launches)."""
    rng = np.random.default_rng(seed)
    launch_pos = np.flatnonzero(daily["launch_days"].to_numpy())
    chosen = rng.choice(launch_pos, size=min(n_events, len(launch_pos)), replace=False)
    pos = np.clip(chosen + rng.integers(lags[0], lags[1] + 1, size=len(chosen)), 0, len(daily) - 1)
    return pd.DatetimeIndex(np.sort(daily.index[pos]))
