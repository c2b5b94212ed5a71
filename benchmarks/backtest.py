"""`make backtest`: the launch forecaster scored out of sample on the real record, beside baselines.

Every candidate background (`CANDIDATES`, the model's flexibility: era levels or none, trend block,
random-walk step, a second calendar-year walk, harmonics, trigger delay) is fitted at each of ~520 rolling origins from 2014 to the
last data day less 30 days, seeing only the launch days up to the origin, and asked for the chance of a
launch day within 1, 7 and 30 days. The model in `model.FORECAST` must be the background with the best
mean Brier skill over the three horizons; on the best background, pools with the recent launch-day rate, alone or beside the long-run rate
(`POOLS`: weights and look-backs, `forecaster.pool`) are scored from the same fits, and the forecaster
(`backtest.FORECASTER`, the model with `forecaster.RECENT_WEIGHT`, `POOL_DAYS`, `LONG_WEIGHT` and
`LONG_DAYS`) must be the best of
all by that measure (the JSON says whether both hold). Prints one JSON object and writes it to
benchmarks/results/backtest.json.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from emit import emit

from dprk_launches import series
from dprk_launches.analysis import backtest, model
from dprk_launches.records import launches

RESULTS = Path(__file__).resolve().parent / "results" / "backtest.json"
CANDIDATES: tuple[model.Spec, ...] = (
    model.YEARLY,
    model.Spec(eras=False, block_months=12, step_sd=0.6),
    model.Spec(eras=False, block_months=12, step_sd=0.3),
    model.Spec(eras=False, block_months=3, step_sd=0.3),
    model.Spec(eras=False, block_months=3, step_sd=0.5),
    model.Spec(eras=False, block_months=1, step_sd=0.1),
    model.Spec(eras=False, block_months=1, step_sd=0.25),
    model.Spec(eras=False, block_months=1, step_sd=0.25, year_sd=0.3),
    model.Spec(eras=False, block_months=1, step_sd=0.25, year_sd=0.6),
    model.Spec(eras=False, block_months=1, step_sd=0.25, year_sd=1.0),
    model.Spec(eras=False, block_months=1, step_sd=0.15, year_sd=0.6),
    model.Spec(eras=False, block_months=3, step_sd=0.5, kappa_max=0.9),
    model.Spec(eras=False, block_months=3, step_sd=0.5, n_harmonics=4, season_sd=0.5),
    model.Spec(eras=False, block_months=3, step_sd=0.5, n_harmonics=0),
)
# (recent weight, its look-back in days, long-run weight, its look-back): the recent rate alone, then
# with a long-run rate beside it (a lull ends at about the long-run rate)
POOLS = tuple(
    (w, days, 0.0, 0) for days in (90, 180, 365) for w in (0.1, 0.2, 0.3, 0.4, 0.5, 0.6)
) + tuple(
    (w, 90, v, long_days)
    for long_days in (1825, 3650)
    for w in (0.2, 0.3, 0.4)
    for v in (0.1, 0.2, 0.3)
)


def real_record() -> tuple[np.ndarray, pd.DatetimeIndex]:
    """Launch days (0/1) of the whole record on its zero-filled daily calendar."""
    daily = series.daily_counts(launches.load_launches())
    return model.launch_days(daily), pd.DatetimeIndex(daily.index)


def _run(spec: model.Spec, n_origins: int) -> tuple[str, np.ndarray, float]:
    """One candidate's chances at every origin (in a worker process), with its run time."""
    y, index = real_record()
    pos = backtest.origins(index, n=n_origins)
    started = time.perf_counter()
    chances = backtest.model_chances(y, index, pos, spec, weight=0.0)
    return spec.label, chances, time.perf_counter() - started


def main(argv: list[str] | None = None) -> int:
    """Run the candidates and the baselines, print and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-origins", type=int, default=backtest.N_ORIGINS)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    y, index = real_record()
    pos = backtest.origins(index, n=args.n_origins)
    obs = {h: backtest.outcomes(y, pos, h) for h in backtest.HORIZONS}
    forecasts: dict[str, np.ndarray] = {
        kind: backtest.rate_chances(y, index, pos, backtest.HORIZONS, kind)
        for kind in backtest.BASELINES
    }
    seconds: dict[str, float] = {}
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        jobs = [pool.submit(_run, spec, args.n_origins) for spec in CANDIDATES]
        for job in jobs:
            label, chances, took = job.result()
            forecasts[label], seconds[label] = chances, round(took, 1)
            print(f"  {label}: {took:.0f} s", file=sys.stderr)
    table = {}
    for name, p in forecasts.items():
        table[name] = {
            f"{h}d": backtest.evaluate(p[:, i], obs[h], forecasts["rate_90d"][:, i])
            for i, h in enumerate(backtest.HORIZONS)
        }

    def mean_skill(name: str) -> float:
        """Brier skill averaged over the horizons (claims ask about 1 to 30 days)."""
        return float(np.mean([table[name][f"{h}d"]["skill"] for h in backtest.HORIZONS]))

    labels = [spec.label for spec in CANDIDATES]
    best_model = max(labels, key=mean_skill)
    best_spec = next(spec for spec in CANDIDATES if spec.label == best_model)
    pools = [backtest.pool_label(best_spec, *mix) for mix in POOLS]
    for spec in dict.fromkeys((best_spec, model.FORECAST)):  # the named model's pools, if it lost
        for mix in POOLS:
            p = backtest.pooled(forecasts[spec.label], y, pos, *mix)
            table[backtest.pool_label(spec, *mix)] = {
                f"{h}d": backtest.evaluate(p[:, i], obs[h], forecasts["rate_90d"][:, i])
                for i, h in enumerate(backtest.HORIZONS)
            }
    best = max(labels + pools, key=mean_skill)
    chosen, alone, current = backtest.FORECASTER, model.FORECAST.label, model.YEARLY.label
    result = {
        "forecaster": chosen,
        "best_candidate": best,
        "forecaster_is_best": chosen == best,
        "model_alone": alone,
        "model_is_best_background": alone == best_model,
        "current_model": current,
        "selection": "mean Brier skill over 1, 7 and 30 days",
        "skill_7d": round(table[chosen]["7d"]["skill"], 4),
        "skill_7d_target": 0.15,
        "n_origins": len(pos),
        "first_origin": f"{index[pos[0]]:%Y-%m-%d}",
        "last_origin": f"{index[pos[-1]]:%Y-%m-%d}",
        "last_data_day": f"{index[-1]:%Y-%m-%d}",
        "horizons_days": list(backtest.HORIZONS),
        "launch_share_7d": round(float(obs[7].mean()), 4),
        "baselines": backtest.BASELINES,
        "summary": {
            name: {
                f"{h}d": {k: round(table[name][f"{h}d"][k], 4) for k in ("brier", "log", "skill")}
                | {"reliable_bins": table[name][f"{h}d"]["reliable_bins"]}
                for h in backtest.HORIZONS
            }
            for name in [chosen, *backtest.BASELINES, alone, current]
        },
        "candidates": {
            name: {f"{h}d_skill": round(table[name][f"{h}d"]["skill"], 4) for h in (1, 7, 30)}
            | {
                "7d_log": round(table[name]["7d"]["log"], 4),
                "mean_skill": round(mean_skill(name), 4),
                "seconds": seconds.get(name, 0.0),
            }
            for name in labels + pools
        },
        "reliability": {name: table[name] for name in [chosen, "rate_90d", alone, current]},
        "seconds": round(time.perf_counter() - started, 1),
    }
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
