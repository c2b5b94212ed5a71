"""`make calibration`: type-I error, power and interval coverage of the headline test, by simulation.

Two kinds of world. `--random-worlds` null worlds are drawn at random from the broad family of
`dprk_launches.analysis.random_worlds` (no test was tuned to them; the seeds of `make bartlett` are
disjoint), `--random-series` series each: the distribution of the headline's type-I error across
them is the starred `type1_random_*` keys, beside the floor a perfectly calibrated test would show
with this many series per world (Monte-Carlo noise alone) and the empirical-Bayes estimate with that
noise removed. Every named world of `dprk_launches.analysis.worlds.WORLDS` (regression tests) is
simulated `--n-sims` times; each simulated
series is refitted and tested with `inference.headline_test` exactly as the reports call it (without
the profile interval, whose coverage is checked separately by one pinned fit at the true effect in the
2x world). Prints one JSON object and writes it to benchmarks/results/calibration.json. Runs on local
processes (`--processes`) or on an existing Dask cluster (`--dask tcp://host:8786`).
"""

from __future__ import annotations

import os

for _var in ("OPENBLAS_NUM_THREADS", "OMP_NUM_THREADS", "MKL_NUM_THREADS"):
    os.environ.setdefault(_var, "1")  # one BLAS thread per simulation process: 7x less CPU per fit

import argparse
import json
import sys
import time
import warnings
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

import numpy as np
import pandas as pd
from tqdm import tqdm

from dprk_launches import events, series
from dprk_launches.analysis import (
    headline,
    inference,
    model,
    modeltest,
    random_worlds,
    simulate,
    worlds,
)
from dprk_launches.records import launches
from dprk_launches.windows import event_positions, window_counts, window_days

ALPHA, N_DRAWS, START = 0.05, 1000, "2006-01-01"
RESULTS = Path(__file__).resolve().parent / "results" / "calibration.json"
TESTS = ("headline", "randomization", "naive")
CURVE = (1.25, 1.5, 2.0, 2.5, 3.0, 4.0)
KEY_WORLDS = {
    "null": ("null",),
    "reverse": ("reverse", "reverse_flexible"),
    "year_tempo": ("year_tempo", "year_tempo_edge", "long_window"),
    "clumps": ("clumps_random", "clumps_after"),
    "scheduled": ("scheduled",),
}
RANDOM = "random:"
TARGET_P95 = 0.08
_CTX: worlds.Context | None = None


def _positions(daily: pd.DataFrame, table: pd.DataFrame) -> np.ndarray:
    """Distinct event positions of a catalogue slice inside the calendar."""
    pos = np.unique(event_positions(pd.DatetimeIndex(daily.index), table))
    return pos[(pos >= 30) & (pos < len(daily) - 31)]


def context() -> worlds.Context:
    """Real calendar, real UN resolution and 2017-2024 US designation dates, fitted generators."""
    days = launches.load_launches()
    daily = series.daily_counts(days, START)
    table = events.load_events(categories=["sanctions_un", "sanctions_us"])
    un = table[(table["category"] == "sanctions_un") & (table["subcategory"] == "resolution")]
    us = table[
        (table["category"] == "sanctions_us")
        & (table["subcategory"] == "designation")
        & (table["start_local"].dt.year.between(2017, 2024))
    ]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        params = simulate.fit_simulation_params(days, START)
    return worlds.make_context(daily, _positions(daily, un), _positions(daily, us), params)


def _init(ctx: worlds.Context) -> None:
    """Worker initialiser: keep the context in the process."""
    global _CTX
    _CTX = ctx


def simulated(ctx: worlds.Context, name: str, seed: int) -> tuple[pd.DataFrame, np.ndarray] | None:
    """One world's simulated daily calendar (launch days and missiles) and event positions (None: too quiet)."""
    world = worlds.WORLDS[name]
    y = worlds.generate(ctx, world, seed)
    pos = worlds.place(ctx, world, y, seed)
    if y.sum() < 5 or len(pos) == 0:
        return None
    daily = pd.DataFrame(
        {
            "launch_days": y.astype(np.int64),
            "missiles": worlds.missiles(ctx, y, seed).astype(np.int64),
        },
        index=ctx.daily.index,
    )
    return daily, pos


def _headline(
    ctx: worlds.Context,
    daily: pd.DataFrame,
    pos: np.ndarray,
    window: tuple[int, int],
    unit: str,
    seed: int,
    n_draws: int,
) -> inference.HeadlineResult:
    """The headline test of a simulated series, as the reports call it (without the profile interval)."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return inference.headline_test(
            daily,
            daily.index[pos],
            window,
            seed=seed,
            n_draws=n_draws,
            unit=unit,
            interval=False,
            warm_start=ctx.warm,
        )


def simulated_headline(
    ctx: worlds.Context, name: str, daily: pd.DataFrame, pos: np.ndarray, seed: int, n_draws: int
) -> inference.HeadlineResult:
    """The headline test of a named world's simulated series."""
    world = worlds.WORLDS[name]
    return _headline(ctx, daily, pos, world.window, world.unit, seed, n_draws)


def random_headline(
    ctx: worlds.Context, world_seed: int, series: int, n_draws: int
) -> inference.HeadlineResult | None:
    """The headline test of one series of a random world (None: too quiet or no event to test)."""
    world = random_worlds.draw(world_seed)
    real = {"un": ctx.un_pos, "us": ctx.us_pos}
    daily, pos = random_worlds.simulate(world, ctx.daily, real, series)
    if daily["launch_days"].sum() < 5 or len(pos) == 0:
        return None
    return _headline(ctx, daily, pos, world.window, world.unit, series, n_draws)


def one(task: tuple[str, int], ctx: worlds.Context | None = None) -> list[float]:
    """Headline, randomization and naive p-values (and the interval's coverage in effect worlds) for one series."""
    name, seed = task
    ctx = ctx or _CTX
    if name.startswith(RANDOM):
        r = random_headline(ctx, int(name[len(RANDOM) :]), seed, N_DRAWS)
        if r is None:
            return [np.nan, np.nan, np.nan, np.nan]
        return [r.p_value, r.p_randomization, np.nan, np.nan]
    world = worlds.WORLDS[name]
    series_ = simulated(ctx, name, seed)
    if series_ is None:
        return [np.nan, np.nan, np.nan, np.nan]
    daily, pos = series_
    r = simulated_headline(ctx, name, daily, pos, seed, N_DRAWS)
    counts = daily[world.unit].to_numpy()
    a, b = world.window
    observed = window_counts(counts, pos, a, b).sum()
    expected = counts.mean() * window_days(len(counts), pos, a, b).sum()
    naive = headline.naive_p(observed, expected)
    covered = np.nan
    if world.effect > 1 and world.unit == "launch_days":
        with np.errstate(all="ignore"):
            gap = modeltest.profile_gap(
                model.launch_days(daily), r.alt_fit, float(np.log(world.effect))
            )
        covered = gap <= modeltest.critical_value(0.95)
        if r.needs_both_tests:  # the interval spans both tests' intervals
            covered = covered or r.randomization.p_at(world.effect) > ALPHA
        covered = float(covered)
    return [r.p_value, r.p_randomization, naive, covered]


def _run_local(tasks: list[tuple[str, int]], ctx: worlds.Context, processes: int) -> list:
    """Simulations on local processes, with a progress bar on stderr."""
    with ProcessPoolExecutor(processes, initializer=_init, initargs=(ctx,)) as pool:
        return list(
            tqdm(
                pool.map(one, tasks, chunksize=16),
                total=len(tasks),
                desc="calibration",
                file=sys.stderr,
            )
        )


def _run_dask(tasks: list[tuple[str, int]], ctx: worlds.Context, address: str) -> list:
    """The same simulations on an existing Dask cluster (dask.distributed)."""
    from dask.distributed import Client, progress

    with Client(address) as client:
        shared = client.scatter(ctx, broadcast=True)
        futures = client.map(one, tasks, ctx=shared, pure=False)
        progress(futures, file=sys.stderr) if sys.stderr.isatty() else None
        return client.gather(futures)


def _rate(p: np.ndarray) -> float | None:
    """Share of the tested series (p not NaN) rejected at ALPHA (None when none was tested)."""
    tested = p[~np.isnan(p)]
    return round(float((tested <= ALPHA).mean()), 4) if len(tested) else None


def random_summary(p: np.ndarray, world_seeds: list[int], seed: int) -> dict:
    """Type-I of the headline across random worlds (rows: worlds, columns: series), with its noise floor."""
    valid = ~np.isnan(p)
    n = valid.sum(axis=1)
    keep = n >= max(1, p.shape[1] // 2)
    counts = {
        "random_worlds_tested": int(keep.sum()),
        "random_worlds_too_quiet": int((~keep).sum()),
        "random_series_per_world": int(p.shape[1]),
    }
    if not keep.any():
        return counts
    rates = np.where(keep, np.nansum(p <= ALPHA, axis=1) / np.maximum(n, 1), np.nan)
    r, m = rates[keep], n[keep]
    rng = np.random.default_rng(seed)
    floor = np.median([np.quantile(rng.binomial(m, ALPHA) / m, 0.95) for _ in range(2000)])
    mean = float(r.mean())
    noise = mean * (1 - mean) / m
    between = max(float(r.var()) - float(noise.mean()), 0.0)
    shrunk = mean + between / np.maximum(between + noise, 1e-12) * (r - mean)
    worst = int(np.nanargmax(rates))
    return {
        "type1_random_median": round(float(np.median(r)), 4),
        "type1_random_p95": round(float(np.quantile(r, 0.95)), 4),
        "type1_random_max": round(float(rates[worst]), 4),
        "type1_random_max_world": random_worlds.draw(world_seeds[worst]).describe(),
        "type1_random_mean": round(mean, 4),
        "type1_random_p95_if_exact": round(float(floor), 4),
        "type1_random_p95_noise_removed": round(float(np.quantile(shrunk, 0.95)), 4),
        "type1_random_share_above_0.08": round(float((r > TARGET_P95).mean()), 4),
        **counts,
    }


def run(
    n_sims: int = 1000,
    seed: int = 0,
    processes: int = 2,
    names: tuple[str, ...] = (),
    dask: str | None = None,
    n_random: int = 0,
    random_series: int = 60,
) -> dict:
    """Rejection rates per world and test, power, coverage; the starred summary keys first."""
    chosen = names or tuple(worlds.WORLDS)
    unknown = set(chosen) - set(worlds.WORLDS)
    if unknown:
        raise ValueError(f"unknown worlds {sorted(unknown)}; known: {list(worlds.WORLDS)}")
    started = time.perf_counter()
    ctx = context()
    tasks = [(w, seed * 1_000_003 + i) for w in chosen for i in range(n_sims)]
    world_seeds = [seed * 1_000_003 + k for k in range(n_random)]
    tasks += [(f"{RANDOM}{k}", i) for k in world_seeds for i in range(random_series)]
    results = _run_dask(tasks, ctx, dask) if dask else _run_local(tasks, ctx, processes)
    everything = np.array(results, dtype=float)
    p = everything[: len(chosen) * n_sims].reshape(len(chosen), n_sims, 4)
    out: dict = {}
    if n_random:
        randoms = everything[len(chosen) * n_sims :].reshape(n_random, random_series, 4)
        out.update(random_summary(randoms[:, :, 0], world_seeds, seed))
        rand_rates = np.nanmean(
            np.where(np.isnan(randoms[:, :, 1]), np.nan, randoms[:, :, 1] <= ALPHA), axis=1
        )
        out["type1_randomization_random_p95"] = round(float(np.nanquantile(rand_rates, 0.95)), 4)
        out["random_worlds"] = [
            {
                "seed": k,
                "reject_headline": _rate(randoms[i, :, 0]),
                "series_tested": int((~np.isnan(randoms[i, :, 0])).sum()),
            }
            for i, k in enumerate(world_seeds)
        ]
    per_world = {}
    for w, name in enumerate(chosen):
        world = worlds.WORLDS[name]
        rates = (p[w, :, :3] <= ALPHA).mean(axis=0)
        skipped = int(np.isnan(p[w, :, 0]).sum())
        per_world[name] = {
            "generator": world.generator,
            "events": world.placement,
            "window": list(world.window),
            "unit": world.unit,
            "effect": world.effect,
            **{f"reject_{t}": round(float(r), 4) for t, r in zip(TESTS, rates, strict=True)},
            "series_too_quiet_to_test": skipped,
        }
        if world.effect > 1 and world.unit == "launch_days":
            per_world[name]["ci_coverage"] = round(float(np.nanmean(p[w, :, 3])), 4)
    nulls = [n for n in chosen if worlds.WORLDS[n].effect == 1.0]
    for key, members in KEY_WORLDS.items():
        present = [m for m in members if m in per_world]
        if present:
            out[f"type1_headline_{key}"] = max(per_world[m]["reject_headline"] for m in present)
    if nulls:
        worst = max(nulls, key=lambda n: per_world[n]["reject_headline"])
        out["type1_headline_max"] = per_world[worst]["reject_headline"]
        out["type1_headline_max_world"] = worst
    for name, key in (("power_2x", "power_headline_2x"), ("power_3x", "power_headline_3x")):
        if name in per_world:
            out[key] = per_world[name]["reject_headline"]
    if "power_2x" in per_world:
        out["ci_coverage_effect"] = per_world["power_2x"]["ci_coverage"]
    if "us_2x" in per_world:
        out["ci_coverage_both_tests"] = per_world["us_2x"]["ci_coverage"]
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        curve = inference.power(ctx.daily, ctx.daily.index[ctx.un_pos], (1, 30), effects=CURVE)
    out["power_curve_un_asymptotic"] = {
        f"{e:g}": round(float(v), 3) for e, v in curve.table.items()
    }
    out["mde_80_un"] = round(curve.mde, 2)
    seconds = time.perf_counter() - started
    out.update(
        {
            "n_sims": n_sims,
            "seconds": round(seconds, 1),
            "sims_per_second": round(len(tasks) / seconds, 2),
            "alpha": ALPHA,
            "monte_carlo_se_at_0.05": round(float(np.sqrt(ALPHA * (1 - ALPHA) / n_sims)), 4),
            "worlds": per_world,
            "settings": {
                "calendar": [f"{ctx.daily.index[0]:%Y-%m-%d}", f"{ctx.daily.index[-1]:%Y-%m-%d}"],
                "n_un_events": int(len(ctx.un_pos)),
                "n_us_events": int(len(ctx.us_pos)),
                "randomization_draws": N_DRAWS,
                "lr_scale": modeltest.LR_SCALE,
                "flexible_branching_ratio": round(ctx.flexible.alpha, 3),
                "hawkes_branching_ratio": round(ctx.hawkes.alpha, 3),
                "hawkes_branching_ratio_upper": round(ctx.hawkes.alpha_interval[1], 3),
                "processes": 0 if dask else processes,
                "dask": bool(dask),
            },
        }
    )
    return out


def main() -> None:
    """Command line: run, print the JSON, write it to benchmarks/results/calibration.json."""
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--n-sims", type=int, default=300)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 2)
    parser.add_argument("--worlds", nargs="*", default=[], help=f"subset of {list(worlds.WORLDS)}")
    parser.add_argument("--random-worlds", type=int, default=200, help="random null worlds drawn")
    parser.add_argument("--random-series", type=int, default=50, help="series per random world")
    parser.add_argument("--dask", default=None, help="address of an existing Dask scheduler")
    parser.add_argument("--out", type=Path, default=RESULTS, help="where to write the JSON")
    args = parser.parse_args()
    if args.n_sims < 1 or args.processes < 1:
        parser.error("--n-sims and --processes must be at least 1")
    result = run(
        args.n_sims,
        args.seed,
        args.processes,
        tuple(args.worlds),
        args.dask,
        args.random_worlds,
        args.random_series,
    )
    text = json.dumps(result, indent=2)
    print(text)
    if not args.worlds or args.out != RESULTS:
        args.out.parent.mkdir(parents=True, exist_ok=True)
        args.out.write_text(text + "\n", encoding="utf-8")


if __name__ == "__main__":
    main()
