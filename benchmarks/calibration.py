"""`make calibration`: type-I error and power of the headline, conditional and naive tests, by simulation.

Launch series are simulated from the discrete-time Hawkes model fitted to the real launch days
(2006 to the last launch; background by era, seasonal, self-exciting), and every simulated series
is refitted before testing. Scenarios (`SCENARIOS`): (a) `null`, the fitted model with the real UN
sanctions-resolution dates; (b) `reverse`, as many events placed 1-3 days after randomly chosen
simulated launches; (c) `stress`, the branching ratio at the upper end of its 95% profile interval,
plus reverse causality; power at 2x and 3x the launch-day rate in days 1-30 after the real UN dates.
Extra nulls probe beyond the brief: `dense` (60 reverse-causal events, windows overlapping as for
US designations), `stress_short` (upper branching ratio with a 5-day trigger delay: burstier) and
`campaigns` (hidden quiet/campaign switching with no self-excitation at all: the Hawkes model is
misspecified), each with reverse causality.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
import warnings
from multiprocessing import Pool

import numpy as np
import pandas as pd
from tqdm import tqdm

from dprk_launches import events, hawkes, inference, launches, simulate

ALPHA, WINDOW, N_DRAWS = 0.05, (1, 30), 1000
START = "2006-01-01"
# name: (world, events, effect); world in {fitted, upper, upper_short, campaigns}
SCENARIOS: dict[str, tuple[str, str, float]] = {
    "null": ("fitted", "un", 1.0),
    "reverse": ("fitted", "reverse", 1.0),
    "stress": ("upper", "reverse", 1.0),
    "power_2x": ("fitted", "un", 2.0),
    "power_3x": ("fitted", "un", 3.0),
    "dense": ("fitted", "reverse_dense", 1.0),
    "stress_short": ("upper_short", "reverse", 1.0),
    "campaigns": ("campaigns", "reverse", 1.0),
}
TESTS = ("headline", "headline_mid", "conditional", "conditional_mid", "placebo_bins", "naive")
DENSE_EVENTS = 60
SHORT_DELAY_DAYS = 5.0


def un_sanction_dates() -> pd.DatetimeIndex:
    """UN sanctions resolution dates on the Pyongyang clock, from the events catalogue."""
    table = events.load_events(categories=["sanctions_un"])
    return pd.DatetimeIndex(table.loc[table["subcategory"] == "resolution", "start_local"])


def _world(kind: str, params: simulate.SimulationParams, seed: int) -> pd.DataFrame:
    """One simulated launch calendar of a kind."""
    if kind == "campaigns":
        return simulate.simulate_campaigns(params.calendar, seed)
    if kind in ("upper", "upper_short"):
        params = params.with_alpha(params.alpha_interval[1])
    if kind == "upper_short":
        params = params.with_delay(SHORT_DELAY_DAYS)
    return simulate.simulate_daily(params, seed)


def _one(task: tuple[str, int, simulate.SimulationParams, pd.DatetimeIndex]) -> list[float]:
    """p-values (in TESTS order) for one simulated series of a scenario."""
    scenario, seed, params, un_dates = task
    world, placement, effect = SCENARIOS[scenario]
    daily = _world(world, params, seed)
    if placement == "un":
        dates = un_dates
    else:
        n = DENSE_EVENTS if placement == "reverse_dense" else len(un_dates)
        dates = simulate.reverse_causal_events(daily, n_events=n, seed=seed)
    if effect > 1:
        daily = simulate.inject_effect(daily, dates, effect, WINDOW, seed)
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        fit = hawkes.fit_hawkes(daily)
        headline = inference.placebo_test(daily, dates, WINDOW, n_draws=N_DRAWS, seed=seed, fit=fit)
        bins = inference.placebo_test(
            daily, dates, WINDOW, n_draws=N_DRAWS, seed=seed, matching="bins"
        )
        conditional = inference.conditional_test(daily, dates, WINDOW, fit=fit, interval=False)
    return [
        headline.p_value,
        headline.p_value_mid,
        conditional.p_value,
        conditional.p_value_mid,
        bins.p_value,
        headline.naive_p_value,
    ]


def run(
    n_sims: int = 1000, seed: int = 0, processes: int = 2, scenarios: tuple[str, ...] = ()
) -> dict:
    """Rejection rates per scenario and test over n_sims simulated series each (common seeds)."""
    chosen = scenarios or tuple(SCENARIOS)
    unknown = set(chosen) - set(SCENARIOS)
    if unknown:
        raise ValueError(f"unknown scenarios {sorted(unknown)}; known: {list(SCENARIOS)}")
    started = time.perf_counter()
    params = simulate.fit_simulation_params(launches.load_launches(), START)
    dates = un_sanction_dates()
    un_dates = dates[(dates >= params.start + pd.Timedelta(days=31)) & (dates <= params.end)]
    tasks = [(s, seed * 1_000_003 + i, params, un_dates) for s in chosen for i in range(n_sims)]
    with Pool(processes) as pool:
        results = list(
            tqdm(
                pool.imap(_one, tasks, chunksize=8),
                total=len(tasks),
                desc="calibration",
                file=sys.stderr,
            )
        )
    p = np.array(results).reshape(len(chosen), n_sims, len(TESTS))
    type1, power = {}, {}
    for s, scenario in enumerate(chosen):
        reject = (p[s] <= ALPHA).mean(axis=0)
        for t, test in enumerate(TESTS):
            if scenario.startswith("power"):
                power[f"power_{test}_{scenario[-2:]}"] = round(float(reject[t]), 4)
            else:
                type1[f"type1_{test}_{scenario}"] = round(float(reject[t]), 4)
    return {
        "n_sims": n_sims,
        "alpha": ALPHA,
        **type1,
        **power,
        "monte_carlo_se_at_0.05": round(float(np.sqrt(ALPHA * (1 - ALPHA) / n_sims)), 4),
        "settings": {
            "window": list(WINDOW),
            "placebo_draws": N_DRAWS,
            "n_events": len(un_dates),
            "n_events_dense": DENSE_EVENTS,
            "events_source": "events catalogue (sanctions_un, resolution)",
            "calendar": [f"{params.start:%Y-%m-%d}", f"{params.end:%Y-%m-%d}"],
            "branching_ratio": round(params.alpha, 3),
            "branching_ratio_interval": [round(v, 3) for v in params.alpha_interval],
            "stress_branching_ratio": round(params.alpha_interval[1], 3),
            "trigger_delay_days": round(1 / (1 - params.kappa), 1),
            "stress_short_trigger_delay_days": SHORT_DELAY_DAYS,
            "matching": "model: season ±30 days, 100 nearest on the Hawkes forecast for [1, 30]",
            "seconds": round(time.perf_counter() - started, 1),
        },
    }


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-sims", type=int, default=1000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--scenarios", nargs="*", default=[], help=f"subset of {list(SCENARIOS)}")
    args = parser.parse_args()
    print(json.dumps(run(args.n_sims, args.seed, args.processes, tuple(args.scenarios)), indent=2))
