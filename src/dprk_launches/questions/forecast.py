"""`python -m dprk_launches forecast`: the chance of a launch day soon after the last data day.

The forecaster (`analysis.forecaster`) is fitted to the whole launch record and asked for the chance
of at least one launch day within 7 and 30 days after the last data day; beside each chance stands
the backtest's track record for forecasts of that size (`benchmarks/results/backtest.json`).
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

import pandas as pd

from .. import series
from ..analysis import backtest, forecaster, model
from ..records import launches

HORIZONS = (7, 30)


@dataclass(frozen=True)
class Forecast:
    """One horizon's forecast and the backtest record of forecasts of that size."""

    horizon_days: int
    first_day: str
    last_day: str
    chance: float
    record_lo: float | None
    record_hi: float | None
    record_observed: float | None
    record_count: int

    def sentence(self) -> str:
        """'Chance of at least one launch day from D1 to D2: 23% (when we said 20–30%, ...).'"""
        head = (
            f"Chance of at least one launch day in the {self.horizon_days} days "
            f"{self.first_day} to {self.last_day} (Pyongyang clock): {self.chance:.0%}"
        )
        if self.record_observed is None:
            return f"{head} (the backtest has no forecasts of this size to compare)."
        return (
            f"{head} (in the backtest, when we said {self.record_lo:.0%}–{self.record_hi:.0%}, a "
            f"launch day followed {self.record_observed:.0%} of the time, {self.record_count} "
            "forecasts)."
        )


def forecast(horizons: tuple[int, ...] = HORIZONS) -> list[Forecast]:
    """Forecasts after the last data day for each horizon, with their backtest track record."""
    daily = series.daily_counts(launches.load_launches())
    y, index = model.launch_days(daily), pd.DatetimeIndex(daily.index)
    fit = forecaster.fit_until(y, index, len(y) - 1)
    chances = forecaster.chances_after(fit, y, index, max(horizons))
    try:
        record = backtest.load()
    except (OSError, ValueError):
        record = None
    out = []
    for h in horizons:
        chance = float(chances[h - 1])
        row = backtest.track_record(record, chance, h) if record else None
        out.append(
            Forecast(
                horizon_days=h,
                first_day=f"{index[-1] + pd.Timedelta(days=1):%Y-%m-%d}",
                last_day=f"{index[-1] + pd.Timedelta(days=h):%Y-%m-%d}",
                chance=chance,
                record_lo=None if row is None else row["lo"],
                record_hi=None if row is None else row["hi"],
                record_observed=None if row is None else row["observed"],
                record_count=0 if row is None else int(row["count"]),
            )
        )
    return out


def to_json(items: list[Forecast]) -> dict:
    """The JSON object printed by `forecast --json`."""
    return {
        "data_through": f"{pd.Timestamp(items[0].first_day) - pd.Timedelta(days=1):%Y-%m-%d}",
        "forecaster": backtest.FORECASTER,
        "unit": "launch days (at least one in the horizon)",
        "forecasts": [asdict(f) | {"sentence": f.sentence()} for f in items],
    }
