"""The launch-intensity model's day-level design (covariates per day) and its parameter layout."""

from __future__ import annotations

from dataclasses import dataclass, replace

import numpy as np
import pandas as pd

from ..series import era_of
from .history import N_ACTIVITY, N_RECENCY, activity_counts, recency_codes
from .spec import FORECAST, Spec, block_codes, harmonic_table


@dataclass(frozen=True)
class Design:
    """Day-level covariates: era and trend-block codes, day of year, event window, recency classes."""

    era_codes: np.ndarray
    era_names: tuple[str, ...]
    block_codes: np.ndarray
    day_of_year: np.ndarray
    window: np.ndarray
    spec: Spec = FORECAST
    recency: np.ndarray | None = None
    counts: np.ndarray | None = None
    first_month: int = 0

    @property
    def harmonic_table(self) -> np.ndarray:
        """Seasonal harmonics by day of year for this design's spec."""
        return harmonic_table(self.spec.n_harmonics)

    @property
    def harmonics(self) -> np.ndarray:
        """Seasonal harmonics per day, shape (2 * n_harmonics, days)."""
        return self.harmonic_table[:, self.day_of_year]

    @property
    def n_season(self) -> int:
        """Number of seasonal coefficients (a cosine and a sine per harmonic)."""
        return 2 * self.spec.n_harmonics

    @property
    def activity(self) -> np.ndarray:
        """log(1 + launch days in the 30 and 90 days before each day), shape (2, days)."""
        return np.log1p(self.counts)

    @property
    def n_eras(self) -> int:
        """Number of era levels."""
        return len(self.era_names)

    @property
    def n_blocks(self) -> int:
        """Number of trend blocks (months, quarters or years, by the spec)."""
        return int(self.block_codes.max()) + 1

    def with_launches(self, y: np.ndarray) -> Design:
        """The same design with the recency classes of a launch-day series attached."""
        return replace(self, recency=recency_codes(y), counts=activity_counts(y))

    @classmethod
    def build(
        cls, index: pd.DatetimeIndex, window: np.ndarray | None = None, spec: Spec = FORECAST
    ) -> Design:
        """Design for a daily calendar; `window` is the 0/1 event-window indicator (None: no event term)."""
        index = pd.DatetimeIndex(index)
        if spec.eras:
            labels = era_of(index)
            codes = labels.codes.astype(np.int64)
            present = np.unique(codes)
            remap = np.full(len(labels.categories), -1, dtype=np.int64)
            remap[present] = np.arange(len(present))
            names = tuple(str(labels.categories[c]) for c in present)
            eras = remap[codes]
        else:
            eras, names = np.zeros(len(index), dtype=np.int64), ("all",)
        doy = index.day_of_year.to_numpy().astype(np.int64)
        w = np.zeros(len(index)) if window is None else np.asarray(window, dtype=float)
        blocks = block_codes(index, spec.block_months)
        return cls(eras, names, blocks, doy, w, spec, first_month=int(index[0].month) - 1)


def sizes(design: Design) -> tuple[int, int, int]:
    """Lengths of the era, trend and covariate (season, then recency) blocks of the parameter vector."""
    return design.n_eras, design.n_blocks, design.n_season + N_RECENCY + N_ACTIVITY


def n_params(design: Design) -> int:
    """Length of the parameter vector for a design."""
    return sum(sizes(design)) + 3


def unpack(x: np.ndarray, design: Design) -> tuple[np.ndarray, ...]:
    """Split x into (mu, r, season, alpha, kappa, beta)."""
    e, q, s = sizes(design)
    return x[:e], x[e : e + q], x[e + q : e + q + s], x[e + q + s], x[e + q + s + 1], x[-1]
