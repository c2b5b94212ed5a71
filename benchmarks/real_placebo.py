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
import time
from concurrent.futures import ProcessPoolExecutor
from functools import cache
from pathlib import Path

import pandas as pd
from emit import emit
from tqdm import tqdm

from dprk_launches.analysis import real_placebo
from dprk_launches.reports import verdicts


@cache
def design_inputs(name: str) -> tuple[pd.DataFrame, pd.DatetimeIndex, verdicts.StudyDesign]:
    """A design's daily calendar, event dates and design, read once per worker process."""
    design = {d.name: d for d in verdicts.designs()}[name]
    daily, _, chosen = verdicts.study_events(design)
    return daily, pd.DatetimeIndex(chosen["start_local"]), design


def one_set(task: tuple[str, int, int]) -> tuple[str, float, float]:
    """p-value and rate ratio of one design's headline test on one placebo set (in a worker)."""
    name, k, n_draws = task
    daily, dates, design = design_inputs(name)
    p, rr = real_placebo.placebo_test(daily, dates, design.window, design.pre_window, k, n_draws)
    return name, p, rr


def main(argv: list[str] | None = None) -> int:
    """Run every design's placebo sets, print and write the JSON."""
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--n-sets", type=int, default=400)
    parser.add_argument("--n-draws", type=int, default=real_placebo.N_DRAWS)
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
    designs = {name: real_placebo.summarise(rows) for name, rows in found.items()}
    result = {
        "designs": designs,
        "target": real_placebo.TARGET,
        "type1_real_placebo_max": max(d["type1"] for d in designs.values()),
        "type1_real_placebo_max_design": max(designs, key=lambda n: designs[n]["type1"]),
        "n_draws": args.n_draws,
        "seconds": round(time.perf_counter() - started, 1),
    }
    emit(result, args.out)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
