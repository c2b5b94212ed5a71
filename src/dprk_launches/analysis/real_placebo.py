"""The real-record placebo check: dates drawn at random in the same years as a design's events.

Simulated worlds can miss what the real record does. Here the launches are the real ones and the
events are placebos: each event moves to a day drawn uniformly within its own calendar year (inside
the study calendar, away from its ends), so the placebo set has the design's count and year profile
but no link to launch timing within the year. A test that keeps its promise calls such sets
significant about 5% of the time; `make real-placebo` measures it per pre-registered design
(benchmarks/results/real_placebo.json) and each event-study page states its own design's rate.
"""

from __future__ import annotations

import json
import warnings
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config
from .headline import headline_test

RESULTS = config.PROJECT_ROOT / "benchmarks" / "results" / "real_placebo.json"
MARGIN_DAYS = 31
TARGET = 0.08
SEED = 20_261_202
LEVEL = 0.05
N_DRAWS = 500


def year_matched(
    index: pd.DatetimeIndex, dates: pd.DatetimeIndex, rng: np.random.Generator
) -> pd.DatetimeIndex:
    """One placebo date per event: a uniform day of the event's calendar year inside the usable calendar.

    Usable days are at least MARGIN_DAYS from either end of the calendar; an event whose year has no
    usable day (a year cut by the calendar's start or end) draws from the nearest usable year.
    """
    index = pd.DatetimeIndex(index)
    usable = np.arange(MARGIN_DAYS, len(index) - MARGIN_DAYS)
    if len(usable) == 0:
        raise ValueError("the calendar is too short for placebo dates")
    years = index.year.to_numpy()[usable]
    known = np.unique(years)
    out = []
    for year in pd.DatetimeIndex(dates).year:
        nearest = known[np.argmin(np.abs(known - year))]
        out.append(rng.choice(usable[years == nearest]))
    return pd.DatetimeIndex(index[np.sort(np.asarray(out, dtype=np.int64))])


def placebo_test(
    daily: pd.DataFrame,
    dates: pd.DatetimeIndex,
    window: tuple[int, int],
    pre_window: tuple[int, int],
    k: int,
    n_draws: int = N_DRAWS,
) -> tuple[float, float]:
    """p-value and rate ratio of the headline test on placebo set k (seeded) of these event dates."""
    index = pd.DatetimeIndex(daily.index)
    placebo = year_matched(index, pd.DatetimeIndex(dates), np.random.default_rng([SEED, k]))
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        r = headline_test(
            daily, placebo, window, seed=k, n_draws=n_draws, interval=False, pre_window=pre_window
        )
    return float(r.p_value), float(r.rate_ratio)


def summarise(rows: list[tuple[float, float]]) -> dict:
    """Share of placebo sets called significant (and 'more'), mean rate ratio, Monte-Carlo SE."""
    p = np.array([r[0] for r in rows])
    rr = np.array([r[1] for r in rows])
    hit = p <= LEVEL
    rate = float(hit.mean())
    return {
        "n_sets": len(rows),
        "type1": round(rate, 4),
        "type1_more": round(float((hit & (rr > 1)).mean()), 4),
        "mean_rate_ratio": round(float(np.mean(rr)), 3),
        "se": round(float(np.sqrt(rate * (1 - rate) / len(rows))), 4),
    }


def check(
    daily: pd.DataFrame,
    dates: pd.DatetimeIndex,
    window: tuple[int, int],
    pre_window: tuple[int, int],
    n_sets: int,
) -> dict:
    """The real-record placebo check of one set of events (`summarise` of n_sets placebo sets)."""
    if n_sets < 1:
        raise ValueError("the placebo check needs at least one placebo set")
    return summarise([placebo_test(daily, dates, window, pre_window, k) for k in range(n_sets)])


def load(path: Path = RESULTS) -> dict | None:
    """The committed real-record placebo results, or None when they have not been measured."""
    if not path.exists():
        return None
    return json.loads(path.read_text(encoding="utf-8"))


def sentence(result: dict | None, design_name: str) -> str:
    """What the real-record placebo check found for one design ('' when it was not measured)."""
    row = (result or {}).get("designs", {}).get(design_name)
    if row is None:
        return ""
    return row_sentence(row, result["target"]) + " (`make real-placebo`)."


def row_sentence(row: dict, target: float = TARGET) -> str:
    """One check's finding in words: the share of placebo sets called significant, against 5%."""
    rate, n = row["type1"], row["n_sets"]
    verdict = (
        "within what a sound test gives"
        if rate <= target
        else "more often than a sound test would, so read a finding here with that rate in mind"
    )
    return (
        f"Real-record check: with the real launches and {n} sets of placebo dates drawn at random "
        f"in the same years as these events, this test called {rate:.0%} of the sets "
        f"significant ({row['type1_more']:.0%} 'more'; a sound test: about 5%, target ≤ "
        f"{target:.0%}) — {verdict}"
    )


START, END = (
    "<!-- real placebo table: generated by benchmarks/update_readme.py -->",
    "<!-- end real placebo table -->",
)


def readme_block(result: dict) -> str:
    """The README's table of the real-record placebo check, between the markers."""
    lines = [
        START,
        f"Real launches, placebo dates ({result['n_draws']} randomization draws per test): the share "
        f"of placebo sets each page's headline test called significant at 0.05 (target ≤ "
        f"{result['target']:g}); worst design `{result['type1_real_placebo_max_design']}` at "
        f"{result['type1_real_placebo_max']:.3f}. The run took {result['seconds']:,.0f} s.",
        "",
        "| design | placebo sets | called significant | of which 'more' | mean rate ratio | SE |",
        "|---|---|---|---|---|---|",
    ]
    for name, row in sorted(result["designs"].items()):
        lines.append(
            f"| `{name}` | {row['n_sets']} | {row['type1']:.3f} | {row['type1_more']:.3f} | "
            f"{row['mean_rate_ratio']:.2f} | {row['se']:.3f} |"
        )
    lines.append(END)
    return "\n".join(lines)
