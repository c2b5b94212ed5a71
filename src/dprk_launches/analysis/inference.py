"""Public face of the statistics every headline uses: the headline test, its model, power, multiplicity.

- `headline_test` (analysis.headline): the intensity-model likelihood-ratio test of an event-window
  effect, with a profile-likelihood interval, beside the interval-jitter randomization test; `power`.
- `fit_intensity` (analysis.fitcache: fitted once per launch calendar, cached on disk),
  `IntensityFit` (analysis.model), `branching_interval`, `model_test` (analysis.modeltest);
  `shift_test` (analysis.shift).
- `adjust_pvalues`, `compare_categories`, `window_grid` (max-T over a window grid; analysis.multiplicity).

Methods shown only for comparison (matched placebo dates, the conditional test) are in
`analysis.comparison`.
"""

from __future__ import annotations

from .fitcache import fit_intensity
from .headline import HeadlineResult, headline_test
from .model import IntensityFit
from .modeltest import ModelTest, branching_interval, model_test
from .multiplicity import adjust_pvalues, compare_categories, window_grid
from .power import PowerResult, power
from .shift import ShiftResult, shift_test

__all__ = [
    "HeadlineResult",
    "IntensityFit",
    "ModelTest",
    "PowerResult",
    "ShiftResult",
    "adjust_pvalues",
    "branching_interval",
    "compare_categories",
    "fit_intensity",
    "headline_test",
    "model_test",
    "power",
    "shift_test",
    "window_grid",
]
