"""`make calibration`: type-I error and power of the headline (matched placebo) and naive tests, by simulation.

Nulls: (a) clustered, seasonal launch days with the real UN sanctions-resolution dates; (b) reverse
causality, events placed 1-3 days after simulated launches; (c) stress, strong self-excitation plus
reverse causality. Power: the post-event launch rate doubled or tripled in the 30 days after each event.
"""

from __future__ import annotations

import argparse
import json
import sys
import warnings

import numpy as np
import pandas as pd
from tqdm import tqdm

from dprk_launches import events, inference, simulate

ALPHA, WINDOW, N_DRAWS = 0.05, (1, 30), 400
START, N_DAYS = "2006-01-01", 7300
BASE_RATE, EXCITATION, STRESS_EXCITATION = 0.02, 0.3, 0.6


def _inject(
    daily: pd.DataFrame, event_dates: pd.DatetimeIndex, factor: float, rng: np.random.Generator
) -> pd.DataFrame:
    """Raise the launch-day probability in each event's window to `factor` times the series' rate."""
    counts = daily["launch_days"].to_numpy().copy()
    rate = counts.mean()
    extra = min((factor - 1) * rate / max(1 - rate, 1e-9), 1.0)
    for pos in daily.index.get_indexer(event_dates):
        span = np.arange(pos + WINDOW[0], min(pos + WINDOW[1] + 1, len(counts)))
        counts[span] = np.maximum(counts[span], rng.random(len(span)) < extra)
    return daily.assign(launch_days=counts, missiles=counts)


def _one(scenario: str, seed: int, un_dates: pd.DatetimeIndex) -> tuple[bool, bool]:
    """Reject (headline, naive) at ALPHA for one simulated series of a scenario."""
    excitation = STRESS_EXCITATION if scenario == "stress" else EXCITATION
    daily = simulate.simulate_days(
        n_days=N_DAYS, base_rate=BASE_RATE, excitation=excitation, start=START, seed=seed
    )
    if scenario in ("reverse", "stress"):
        dates = simulate.reverse_causal_events(daily, n_events=len(un_dates), seed=seed)
    else:
        dates = un_dates
    if scenario.startswith("power"):
        daily = _inject(daily, dates, float(scenario[-2]), np.random.default_rng(seed))
    r = inference.placebo_test(daily, dates, window=WINDOW, n_draws=N_DRAWS, seed=seed)
    return r.p_value <= ALPHA, r.naive_p_value <= ALPHA


def run(n_sims: int = 1000, seed: int = 0) -> dict:
    """Rejection rates per scenario over n_sims simulated series each."""
    un = events.load_events(categories=["sanctions_un"])
    un_dates = pd.DatetimeIndex(un.loc[un["subcategory"] == "resolution", "start_local"])
    un_dates = un_dates[(un_dates > pd.Timestamp(START) + pd.Timedelta(days=31))]
    out: dict = {"n_sims": n_sims, "alpha": ALPHA, "window": list(WINDOW), "placebo_draws": N_DRAWS}
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        for scenario in ("null", "reverse", "stress", "power_2x", "power_3x"):
            hits = np.array(
                [
                    _one(scenario, seed + i, un_dates)
                    for i in tqdm(range(n_sims), desc=scenario, file=sys.stderr)
                ]
            )
            if scenario.startswith("power"):
                out[f"power_headline_{scenario[-2:]}"] = round(float(hits[:, 0].mean()), 4)
                out[f"power_naive_{scenario[-2:]}"] = round(float(hits[:, 1].mean()), 4)
            else:
                out[f"type1_headline_{scenario}"] = round(float(hits[:, 0].mean()), 4)
                out[f"type1_naive_{scenario}"] = round(float(hits[:, 1].mean()), 4)
    return out


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-sims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    print(json.dumps(run(args.n_sims, args.seed), indent=2))
