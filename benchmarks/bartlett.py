"""`make bartlett`: the likelihood ratio's Bartlett factor, from held-out simulations of the null worlds.

Under a true null the LR of the event term should average 1 (chi-square, 1 df). With some forty
nuisance parameters, penalised, and misspecified worlds it averages more, and the test rejects too
often. This runs every null world of `analysis.worlds` whose headline is the likelihood ratio, on
seeds that `make calibration` never uses, and writes each world's mean LR and their average (the
pooled Bartlett factor) to benchmarks/results/bartlett.json. `analysis.modeltest.LR_SCALE` is that
factor (a test checks they agree); `make calibration` then measures the corrected test on other seeds.
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import calibration
import numpy as np
from tqdm import tqdm

from dprk_launches.analysis import headline, worlds

RESULTS = Path(__file__).resolve().parent / "results" / "bartlett.json"
SEED_OFFSET = 50_000_000  # far from calibration's seeds (seed * 1_000_003 + i, i < n_sims)


def null_worlds() -> tuple[str, ...]:
    """Null worlds in the launch-days unit (the LR's domain)."""
    return tuple(
        name for name, w in worlds.WORLDS.items() if w.effect == 1.0 and w.unit == "launch_days"
    )


def one_lr(task: tuple[str, int]) -> float:
    """The headline LR of one simulated null series (NaN when its headline is not the LR)."""
    name, seed = task
    found = calibration.simulated(calibration._CTX, name, seed)
    if found is None:
        return np.nan
    r = calibration.simulated_headline(calibration._CTX, name, *found, seed, n_draws=10)
    if r.method != headline.LR_METHOD:
        return np.nan
    return max(2 * (r.fit.objective - r.alt_fit.objective), 0.0)


def run(n_sims: int, processes: int) -> dict:
    """Mean LR per null world and their average."""
    started = time.perf_counter()
    ctx = calibration.context()
    names = null_worlds()
    tasks = [(w, SEED_OFFSET + i) for w in names for i in range(n_sims)]
    with ProcessPoolExecutor(processes, initializer=calibration._init, initargs=(ctx,)) as pool:
        lrs = list(
            tqdm(
                pool.map(one_lr, tasks, chunksize=16),
                total=len(tasks),
                desc="bartlett",
                file=sys.stderr,
            )
        )
    lr = np.array(lrs, dtype=float).reshape(len(names), n_sims)
    per_world = {}
    for name, row in zip(names, lr, strict=True):
        if np.isfinite(row).sum() >= n_sims // 2:
            per_world[name] = {
                "mean_lr": round(float(np.nanmean(row)), 4),
                "se": round(float(np.nanstd(row) / np.sqrt(np.isfinite(row).sum())), 4),
                "n": int(np.isfinite(row).sum()),
            }
    factor = float(np.mean([v["mean_lr"] for v in per_world.values()]))
    return {
        "bartlett_factor": round(max(factor, 1.0), 2),
        "n_sims": n_sims,
        "seed_offset": SEED_OFFSET,
        "seconds": round(time.perf_counter() - started, 1),
        "worlds": per_world,
    }


def main() -> None:
    """Command line: run, print the JSON, write it to benchmarks/results/bartlett.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-sims", type=int, default=1000)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.n_sims < 1 or args.processes < 1:
        parser.error("--n-sims and --processes must be at least 1")
    text = json.dumps(run(args.n_sims, args.processes), indent=2)
    print(text)
    args.out.parent.mkdir(parents=True, exist_ok=True)
    args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
