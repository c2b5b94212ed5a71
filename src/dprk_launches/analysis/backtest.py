"""Rolling-origin backtest of the launch forecaster against simple baselines.

At each origin (a day between START and the last data day less the longest horizon) every forecaster
sees the launch days up to that day only and states the chance of at least one launch day in the next
1, 7 and 30 days. Scores are the Brier and log scores (`scoringrules`), skill is 1 - Brier / Brier of
the last-90-days rate, and the reliability table bins origins by forecast decile.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable
from pathlib import Path

import numpy as np
import pandas as pd
import scoringrules as sr

from .. import config
from . import forecaster, model

HORIZONS = (1, 7, 30)
START = "2014-01-01"
N_ORIGINS = 520
LOOKBACK = 90
LOG_FLOOR = 1e-6
SIZE_BINS = (0.0, 0.05, 0.1, 0.2, 0.3, 0.5, 1.0)
BASELINES = {
    "rate_90d": "launch-day rate of the last 90 days",
    "rate_year": "launch-day rate of the calendar year so far",
}


def origins(
    index: pd.DatetimeIndex, start: str = START, horizon: int = max(HORIZONS), n: int = N_ORIGINS
) -> np.ndarray:
    """About `n` evenly spaced origin positions from `start` to the last day with `horizon` days after it."""
    first = int(pd.DatetimeIndex(index).searchsorted(pd.Timestamp(start)))
    last = len(index) - 1 - horizon
    if last - first < n:
        raise ValueError(
            f"need at least {n} days between {start} and {horizon} days before the last data day"
        )
    step = (last - first) // (n - 1)
    return np.arange(first, last + 1, step)


def outcomes(y: np.ndarray, pos: np.ndarray, horizon: int) -> np.ndarray:
    """1 where at least one launch day fell in days pos+1 .. pos+horizon, else 0."""
    cum = np.concatenate([[0], np.cumsum(np.asarray(y) > 0)])
    return (cum[pos + 1 + horizon] - cum[pos + 1] > 0).astype(float)


def rate_chances(
    y: np.ndarray, index: pd.DatetimeIndex, pos: np.ndarray, horizons: Iterable[int], kind: str
) -> np.ndarray:
    """Baseline k-day chances 1 - (1 - r)^k, r the launch-day rate of the last 90 days or the year so far.

    The rate is (launch days + 0.5) / (days + 1), so a quiet spell gives a small chance, never zero.
    """
    if kind == "rate_90d":
        first = np.maximum(pos + 1 - LOOKBACK, 0)
    elif kind == "rate_year":
        first = pd.DatetimeIndex(index).searchsorted(
            pd.to_datetime({"year": index.year[pos], "month": 1, "day": 1})
        )
    else:
        raise ValueError(f"unknown baseline {kind!r}; known: {sorted(BASELINES)}")
    rate = forecaster.smoothed_rate(y, first, pos)
    return np.column_stack([1 - (1 - rate) ** h for h in horizons])


def scores(p: np.ndarray, o: np.ndarray) -> dict[str, float]:
    """Mean Brier score and mean log score (negative log-likelihood, natural log) of binary forecasts."""
    p = np.clip(np.asarray(p, dtype=float), LOG_FLOOR, 1 - LOG_FLOOR)
    return {
        "brier": float(np.mean(sr.brier_score(o, p))),
        "log": float(np.mean(sr.log_score(o, p))),
    }


def reliability(p: np.ndarray, o: np.ndarray, n_bins: int = 10) -> list[dict]:
    """Forecast deciles: mean forecast, observed frequency and count of origins per bin."""
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=float)
    order = np.argsort(p, kind="stable")
    rows = []
    for i, chunk in enumerate(np.array_split(order, n_bins)):
        if len(chunk) == 0:
            continue
        mean, seen = float(p[chunk].mean()), float(o[chunk].mean())
        rows.append(
            {
                "bin": i + 1,
                "forecast_lo": float(p[chunk].min()),
                "forecast_hi": float(p[chunk].max()),
                "mean_forecast": mean,
                "observed": seen,
                "count": len(chunk),
                "within_2x": bool(mean / 2 <= seen <= 2 * mean),
            }
        )
    return rows


def size_table(p: np.ndarray, o: np.ndarray, edges: tuple[float, ...] = SIZE_BINS) -> list[dict]:
    """Forecasts binned by size (0-5%, 5-10%, ...): how often a launch followed each size."""
    p, o = np.asarray(p, dtype=float), np.asarray(o, dtype=float)
    rows = []
    for lo, hi in zip(edges, edges[1:], strict=False):
        inside = (p >= lo) & ((p < hi) if hi < 1 else (p <= hi))
        n = int(inside.sum())
        rows.append(
            {
                "lo": lo,
                "hi": hi,
                "count": n,
                "mean_forecast": float(p[inside].mean()) if n else None,
                "observed": float(o[inside].mean()) if n else None,
            }
        )
    return rows


def evaluate(p: np.ndarray, o: np.ndarray, reference: np.ndarray) -> dict:
    """Scores, skill against the reference forecasts' Brier score, reliability and size tables."""
    out = scores(p, o)
    out["skill"] = 1 - out["brier"] / scores(reference, o)["brier"]
    out["reliability"] = reliability(p, o)
    out["sizes"] = size_table(p, o)
    graded = [row for row in out["reliability"] if row["count"] >= 30]
    out["reliable_bins"] = f"{sum(r['within_2x'] for r in graded)}/{len(graded)}"
    return out


def model_chances(
    y: np.ndarray,
    index: pd.DatetimeIndex,
    pos: np.ndarray,
    spec: model.Spec,
    horizons: Iterable[int] = HORIZONS,
    progress: Callable[[list[int]], Iterable[int]] | None = None,
    weight: float = forecaster.POOL_WEIGHT,
) -> np.ndarray:
    """The forecaster's k-day chances at each origin, fitted to the launch days up to it only.

    `weight` 0 scores the model alone (no pool with the recent or long-run rate).
    """
    horizons = list(horizons)
    curve = forecaster.rolling_chances(
        y, index, pos, max(horizons), spec, progress=progress, weight=weight
    )
    return curve[:, [h - 1 for h in horizons]]


def pool_label(
    spec: model.Spec, weight: float, days: int, long_weight: float = 0.0, long_days: int = 0
) -> str:
    """Name of a pooled forecaster, e.g. 'month RW sd 0.25, 2 harmonics, pooled 30% with 90-day
    rate' (and '20% with 10-year rate' when it is also pooled with a long-run rate)."""
    label = f"{spec.label}, pooled {weight:.0%} with {days}-day rate"
    if long_weight:
        label += f" and {long_weight:.0%} with {long_days / 365:g}-year rate"
    return label


def pooled(
    raw: np.ndarray,
    y: np.ndarray,
    pos: np.ndarray,
    weight: float,
    days: int,
    long_weight: float = 0.0,
    long_days: int = forecaster.LONG_DAYS,
) -> np.ndarray:
    """A candidate's chances (rows: origins, columns: HORIZONS) pooled with the recent rate (and,
    with `long_weight`, the long-run rate)."""
    rate = forecaster.pool_rate(y, pos, (weight, days), (long_weight, long_days))
    return forecaster.pool(raw, rate, weight + long_weight, np.asarray(HORIZONS))


FORECASTER = pool_label(
    model.FORECAST,
    forecaster.RECENT_WEIGHT,
    forecaster.POOL_DAYS,
    forecaster.LONG_WEIGHT,
    forecaster.LONG_DAYS,
)
RESULTS = config.PROJECT_ROOT / "benchmarks" / "results" / "backtest.json"
START, END = (
    "<!-- backtest table: generated by benchmarks/update_readme.py -->",
    "<!-- end backtest table -->",
)


def load(path: Path = RESULTS) -> dict:
    """The backtest JSON written by `make backtest`."""
    return json.loads(path.read_text(encoding="utf-8"))


def readme_block(result: dict) -> str:
    """The README's backtest tables (scores, candidates, reliability), between the markers."""
    chosen = result["forecaster"]
    lines = [
        START,
        f"{result['n_origins']} rolling origins from {result['first_origin']} to "
        f"{result['last_origin']} (data to {result['last_data_day']}); a launch day followed within "
        f"7 days at {result['launch_share_7d']:.0%} of them. Brier and log score (lower is better), "
        "skill = 1 − Brier / Brier of the last-90-days rate.",
        "",
        "| forecaster | Brier 1 d | Brier 7 d | Brier 30 d | log 7 d | skill 1 d | skill 7 d | "
        "skill 30 d | reliable 7-day deciles |",
        "|---|---|---|---|---|---|---|---|---|",
    ]
    for name, row in result["summary"].items():
        label = result["baselines"].get(name, name)
        tag = " (the forecaster)" if name == chosen else ""
        tag += " (the model alone)" if name == result.get("model_alone") else ""
        tag += " (the model before)" if name == result["current_model"] else ""
        lines.append(
            f"| {label}{tag} | {row['1d']['brier']:.4f} | {row['7d']['brier']:.4f} | "
            f"{row['30d']['brier']:.4f} | {row['7d']['log']:.4f} | {row['1d']['skill']:+.3f} | "
            f"{row['7d']['skill']:+.3f} | {row['30d']['skill']:+.3f} | {row['7d']['reliable_bins']} |"
        )
    lines += ["", f"Candidates tried (best first by {result['selection']}):", ""]
    lines += [
        "| candidate | mean skill | skill 1 d | skill 7 d | skill 30 d | log 7 d |",
        "|---|---|---|---|---|---|",
    ]
    ranked = sorted(result["candidates"].items(), key=lambda kv: -kv[1]["mean_skill"])
    for name, row in ranked:
        lines.append(
            f"| {name} | {row['mean_skill']:+.3f} | {row['1d_skill']:+.3f} | "
            f"{row['7d_skill']:+.3f} | {row['30d_skill']:+.3f} | {row['7d_log']:.4f} |"
        )
    lines += ["", "Reliability of the forecaster's 7-day chances, by forecast decile:", ""]
    lines += [
        "| decile | forecasts | mean forecast | launch followed | origins |",
        "|---|---|---|---|---|",
    ]
    for row in result["reliability"][chosen]["7d"]["reliability"]:
        lines.append(
            f"| {row['bin']} | {row['forecast_lo']:.1%}–{row['forecast_hi']:.1%} | "
            f"{row['mean_forecast']:.1%} | {row['observed']:.1%} | {row['count']} |"
        )
    lines.append(END)
    return "\n".join(lines)


def track_record(result: dict, chance: float, horizon: int) -> dict | None:
    """The backtest row for forecasts of this size at this horizon ('when we said 20–30%, ...')."""
    key = f"{horizon}d"
    rows = result["reliability"][result["forecaster"]].get(key, {}).get("sizes", [])
    for row in rows:
        if row["lo"] <= chance < row["hi"] or (row["hi"] == 1.0 and chance == 1.0):
            return row if row["count"] else None
    return None
