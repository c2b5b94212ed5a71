"""Changepoints in a launch count series: PELT (ruptures) with a Poisson segment cost."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
import ruptures as rpt


class PoissonCost(rpt.base.BaseCost):
    """Ruptures cost: negative Poisson log-likelihood of a segment at its own rate (MLE)."""

    model = "poisson"
    min_size = 2

    def fit(self, signal: np.ndarray) -> PoissonCost:
        """Precompute cumulative sums of the counts."""
        values = np.asarray(signal, dtype=float).reshape(len(signal), -1)[:, 0]
        self.signal = values.reshape(-1, 1)
        self.cumsum = np.concatenate([[0.0], np.cumsum(values)])
        return self

    def error(self, start: int, end: int) -> float:
        """Cost of counts[start:end]: 2 * (n * rate - total * log(rate)), constant terms dropped."""
        total = self.cumsum[end] - self.cumsum[start]
        n = end - start
        if total == 0:
            return 0.0
        return float(2 * (total - total * np.log(total / n)))


@dataclass(frozen=True)
class Changepoints:
    """Segments of constant rate found by PELT with a Poisson cost."""

    segments: pd.DataFrame
    penalty: float

    def summary(self) -> str:
        """One line per segment: dates and rate."""
        lines = [f"{len(self.segments)} segments (penalty {self.penalty:g}):"]
        for row in self.segments.itertuples():
            lines.append(
                f"  {row.start:%Y-%m-%d} to {row.end:%Y-%m-%d}: {row.count} in {row.periods} "
                f"periods, rate {row.rate:.3f} per period"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """The segments (start, end, periods, count, rate)."""
        return self.segments.copy()


def changepoints(
    counts: pd.Series, penalty: float | None = None, min_size: int = 4
) -> Changepoints:
    """Changepoints in a count series (daily or weekly) by PELT with a Poisson cost.

    Default penalty: 2 * log(n) per changepoint (BIC-like, on the deviance scale).
    """
    values = counts.to_numpy(dtype=float)
    if len(values) < 2 * min_size:
        raise ValueError(f"need at least {2 * min_size} periods, got {len(values)}")
    pen = 2 * np.log(len(values)) if penalty is None else penalty
    algo = rpt.Pelt(custom_cost=PoissonCost(), min_size=min_size, jump=1).fit(values)
    ends = algo.predict(pen=pen)
    starts = [0, *ends[:-1]]
    index = pd.DatetimeIndex(counts.index)
    rows = [
        {
            "start": index[s],
            "end": index[e - 1],
            "periods": e - s,
            "count": int(values[s:e].sum()),
            "rate": float(values[s:e].mean()),
        }
        for s, e in zip(starts, ends, strict=True)
    ]
    return Changepoints(segments=pd.DataFrame(rows), penalty=float(pen))
