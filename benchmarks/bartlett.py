"""`make bartlett`: the likelihood ratio's Bartlett factor, from held-out simulations of the null worlds.

Under a true null the LR of the event term should average 1 (chi-square, 1 df). With some forty
nuisance parameters, penalised, and misspecified worlds it averages more, and the test rejects too
often. This runs every null world of `analysis.worlds` whose headline is the likelihood ratio, and
`--random-worlds` worlds drawn from `analysis.random_worlds` (series whose headline is the LR), on
seeds that `make calibration` never uses, and writes each world's mean LR and their average over
all worlds, each weighted equally (the pooled Bartlett factor), to benchmarks/results/bartlett.json. `analysis.modeltest.LR_SCALE` is that
factor (a test checks they agree); `make calibration` then measures the corrected test on other seeds.
"""

from __future__ import annotations

import argparse
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import calibration
import numpy as np
from emit import emit
from tqdm import tqdm

from dprk_launches.analysis import headline, worlds

RESULTS = Path(__file__).resolve().parent / "results" / "bartlett.json"
SEED_OFFSET = 50_000_000  # far from calibration's seeds (seed * 1_000_003 + i, i < n_sims)
RANDOM_SERIES = 10


def null_worlds() -> tuple[str, ...]:
    """Null worlds in the launch-days unit (the LR's domain)."""
    return tuple(
        name for name, w in worlds.WORLDS.items() if w.effect == 1.0 and w.unit == "launch_days"
    )


def one_lr(task: tuple[str, int]) -> float:
    """The headline LR of one simulated null series (NaN when its headline is not the LR)."""
    name, seed = task
    if name.startswith(calibration.RANDOM):
        world = int(name[len(calibration.RANDOM) :])
        r = calibration.random_headline(calibration._CTX, world, seed, n_draws=10)
    else:
        found = calibration.simulated(calibration._CTX, name, seed)
        r = (
            None
            if found is None
            else calibration.simulated_headline(calibration._CTX, name, *found, seed, n_draws=10)
        )
    if r is None or r.method != headline.LR_METHOD:
        return np.nan
    return max(2 * (r.fit.objective - r.alt_fit.objective), 0.0)


def run(n_sims: int, processes: int, n_random: int = 200) -> dict:
    """Mean LR per null world (named, and random worlds pooled by world) and their average."""
    started = time.perf_counter()
    ctx = calibration.context()
    names = null_worlds()
    tasks = [(w, SEED_OFFSET + i) for w in names for i in range(n_sims)]
    randoms = [f"{calibration.RANDOM}{SEED_OFFSET + k}" for k in range(n_random)]
    tasks += [(w, i) for w in randoms for i in range(RANDOM_SERIES)]
    with ProcessPoolExecutor(processes, initializer=calibration._init, initargs=(ctx,)) as pool:
        lrs = list(
            tqdm(
                pool.map(one_lr, tasks, chunksize=16),
                total=len(tasks),
                desc="bartlett",
                file=sys.stderr,
            )
        )
    values = np.array(lrs, dtype=float)
    lr = values[: len(names) * n_sims].reshape(len(names), n_sims)
    random_lr = values[len(names) * n_sims :].reshape(n_random, RANDOM_SERIES)
    random_means = [
        float(np.nanmean(row)) for row in random_lr if np.isfinite(row).sum() >= RANDOM_SERIES // 2
    ]
    per_world = {}
    for name, row in zip(names, lr, strict=True):
        if np.isfinite(row).sum() >= n_sims // 2:
            per_world[name] = {
                "mean_lr": round(float(np.nanmean(row)), 4),
                "se": round(float(np.nanstd(row) / np.sqrt(np.isfinite(row).sum())), 4),
                "n": int(np.isfinite(row).sum()),
            }
    means = [v["mean_lr"] for v in per_world.values()] + random_means
    factor = float(np.mean(means))
    return {
        "bartlett_factor": round(max(factor, 1.0), 2),
        "mean_lr_named": round(float(np.mean([v["mean_lr"] for v in per_world.values()])), 4),
        "mean_lr_random": round(float(np.mean(random_means)), 4) if random_means else None,
        "random_worlds_with_lr": len(random_means),
        "random_series_per_world": RANDOM_SERIES,
        "n_sims": n_sims,
        "seed_offset": SEED_OFFSET,
        "seconds": round(time.perf_counter() - started, 1),
        "worlds": per_world,
    }


def main() -> None:
    """Command line: run, print the JSON, write it to benchmarks/results/bartlett.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-sims", type=int, default=300)
    parser.add_argument("--processes", type=int, default=2)
    parser.add_argument("--random-worlds", type=int, default=200)
    parser.add_argument("--out", type=Path, default=RESULTS)
    args = parser.parse_args()
    if args.n_sims < 1 or args.processes < 1:
        parser.error("--n-sims and --processes must be at least 1")
    emit(run(args.n_sims, args.processes, args.random_worlds), args.out, sort_keys=False)


if __name__ == "__main__":
    main()
