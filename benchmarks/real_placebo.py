"""`make real-placebo`: each pre-registered design's headline test on placebo dates with the real launches.

For every event-study design (`verdicts.designs()`), `--n-sets` placebo sets are drawn with
`analysis.real_placebo.year_matched` (each event moved to a random day of its own year) and the
design's headline test is run on the real launch record exactly as its page runs it (randomization
draws `--n-draws`). Prints one JSON object and writes benchmarks/results/real_placebo.json: per design
the share of sets called significant at 0.05 (`type1`), the share called "more", the mean rate ratio,
and the Monte-Carlo SE.
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")

import argparse
import json
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from dprk_launches import verdicts
from dprk_launches.analysis import headline, real_placebo

TARGET = 0.08
SEED = 20_261_202


def one_set(task: tuple[str, int, int]) -> tuple[str, float, float]:
    """p-value and rate ratio of one design's headline test on one placebo set."""
    name, k, n_draws = task
    design = {d.name: d for d in verdicts.designs()}[name]
    daily, _, chosen = verdicts.study_events(design)
    rng = np.random.default_rng([SEED, k])
    dates = real_placebo.year_matched(
        pd.DatetimeIndex(daily.index), pd.DatetimeIndex(chosen["start_local"]), rng
    )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = headline.headline_test(
            daily,
            dates,
            design.window,
            seed=k,
            n_draws=n_draws,
            interval=False,
            pre_window=design.pre_window,
        )
    return name, float(r.p_value), float(r.rate_ratio)


def main(argv: list[str] | None = None) -> int:
    """Run every design's placebo sets, print and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-sets", type=int, default=400)
    parser.add_argument("--n-draws", type=int, default=500)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1)
    parser.add_argument("--out", type=Path, default=real_placebo.RESULTS)
    args = parser.parse_args(argv)
    started = time.perf_counter()
    names = [d.name for d in verdicts.designs()]
    tasks = [(name, k, args.n_draws) for name in names for k in range(args.n_sets)]
    found: dict[str, list[tuple[float, float]]] = {name: [] for name in names}
    with ProcessPoolExecutor(max_workers=args.processes) as pool:
        for name, p, rr in tqdm(
            pool.map(one_set, tasks, chunksize=4), total=len(tasks), desc="placebo"
        ):
            found[name].append((p, rr))
    designs = {}
    for name, rows in found.items():
        p = np.array([r[0] for r in rows])
        rr = np.array([r[1] for r in rows])
        hit = p <= 0.05
        rate = float(hit.mean())
        designs[name] = {
            "n_sets": len(rows),
            "type1": round(rate, 4),
            "type1_more": round(float((hit & (rr > 1)).mean()), 4),
            "mean_rate_ratio": round(float(np.mean(rr)), 3),
            "se": round(float(np.sqrt(rate * (1 - rate) / len(rows))), 4),
        }
    result = {
        "designs": designs,
        "target": TARGET,
        "type1_real_placebo_max": max(d["type1"] for d in designs.values()),
        "type1_real_placebo_max_design": max(designs, key=lambda n: designs[n]["type1"]),
        "n_draws": args.n_draws,
        "seconds": round(time.perf_counter() - started, 1),
    }
    text = json.dumps(result, indent=2, sort_keys=True)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
