"""Launch-history covariates of the model: days since the last launch day, recent counts, excitation."""

from __future__ import annotations

import numpy as np
from scipy import signal

RECENCY_EDGES = (1, 4, 8, 15, 31, 91)
ACTIVITY_WINDOWS = (30, 90)
N_ACTIVITY = len(ACTIVITY_WINDOWS)
N_RECENCY = len(RECENCY_EDGES) - 1


def days_since_last(y: np.ndarray) -> np.ndarray:
    """Per day, days since the last launch day before it (10**9 when there was none)."""
    pos = np.arange(len(y))
    launched = np.where(np.asarray(y) > 0, pos, -1)
    last_before = np.maximum.accumulate(np.concatenate([[-1], launched[:-1]]))
    return np.where(last_before >= 0, pos - last_before, 10**9)


def recency_codes(y: np.ndarray) -> np.ndarray:
    """Recency class per day: days since the last launch day before it, binned by RECENCY_EDGES."""
    return recency_of(days_since_last(y))


def activity_counts(y: np.ndarray) -> np.ndarray:
    """Launch days in the 30 and 90 days before each day, shape (2, days): recent busyness."""
    cum = np.concatenate([[0], np.cumsum(np.asarray(y) > 0)])
    pos = np.arange(len(y))
    return np.vstack([cum[pos] - cum[np.maximum(pos - d, 0)] for d in ACTIVITY_WINDOWS])


def recency_of(since: np.ndarray) -> np.ndarray:
    """Recency class of a number of days since the last launch (the last class is the reference)."""
    return np.searchsorted(np.asarray(RECENCY_EDGES), since, side="right") - 1


def excitation(y: np.ndarray, kappa: float, start: float = 0.0) -> np.ndarray:
    """g_t = kappa g_{t-1} + (1 - kappa) y_{t-1}: the normalised, exponentially weighted history."""
    g, _ = signal.lfilter([0.0, 1 - kappa], [1.0, -kappa], y, zi=[kappa * start])
    return g
