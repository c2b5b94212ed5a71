"""How flexible the launch model's background is (`Spec`), the two specs in use, and their day codes."""

from __future__ import annotations

from dataclasses import dataclass
from functools import cache

import numpy as np
import pandas as pd

OMEGA = 2 * np.pi / 365.25


@dataclass(frozen=True)
class Spec:
    """How flexible the background is: era levels or one level, trend block and step, season."""

    eras: bool
    block_months: int
    step_sd: float
    n_harmonics: int = 2
    season_sd: float | None = None
    kappa_max: float = 0.99

    @property
    def label(self) -> str:
        """Short name, e.g. 'month RW sd 0.25, 2 harmonics' ('+ eras' when era levels are used)."""
        block = {1: "month", 3: "quarter", 12: "year"}.get(
            self.block_months, f"{self.block_months}-month"
        )
        eras = " + eras" if self.eras else ""
        ridge = f" (ridge {self.season_sd:g})" if self.season_sd is not None else ""
        delay = (
            f", trigger delay <= {1 / (1 - self.kappa_max):.0f} d" if self.kappa_max < 0.99 else ""
        )
        return f"{block} RW sd {self.step_sd:g}{eras}, {self.n_harmonics} harmonics{ridge}{delay}"


# Era levels, one random-walk level per calendar year: the headline test's model before the backtest,
# now a backtest candidate and the generator of the named calibration worlds that fit the real record.
YEARLY = Spec(eras=True, block_months=12, step_sd=0.6, n_harmonics=2)
# The model behind every number (headline test, power, claim chances, forecast): chosen by
# out-of-sample skill on the real record (`make backtest`, benchmarks/results/backtest.json,
# "candidates"); the README's backtest table says why. Calibrated by `make calibration`, its
# Bartlett factor by `make bartlett`.
FORECAST = Spec(eras=False, block_months=1, step_sd=0.25, n_harmonics=2)


@cache
def harmonic_table(n_harmonics: int) -> np.ndarray:
    """Seasonal harmonics by day of year (rows cos 1, sin 1, cos 2, ...), shape (2 n, 367)."""
    days = np.arange(367)
    rows = [f(j * OMEGA * days) for j in range(1, n_harmonics + 1) for f in (np.cos, np.sin)]
    return np.vstack(rows) if rows else np.zeros((0, len(days)))


def block_codes(index: pd.DatetimeIndex, block_months: int) -> np.ndarray:
    """Trend block per day: calendar blocks of `block_months` months (12: calendar years), from 0."""
    months = index.year.to_numpy().astype(np.int64) * 12 + index.month.to_numpy() - 1
    blocks = months // block_months
    return blocks - blocks[0]
