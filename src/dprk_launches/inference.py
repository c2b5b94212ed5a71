"""Public face of the statistics: the headline test, power, and the tests shown beside it.

- `headline_test` (analysis.headline): the intensity-model likelihood-ratio test of an event-window
  effect, with a profile-likelihood interval, beside the interval-jitter randomization test; `power`.
- `fit_intensity` (analysis.fitcache: fitted once per launch calendar, cached on disk),
  `IntensityFit` (analysis.model), `branching_interval`, `model_test` (analysis.modeltest);
  `shift_test` (analysis.shift).
- Earlier tests kept for comparison: matched placebo dates `placebo_test`, `placebo_band`,
  `sensitivity_grid` (analysis.placebo) and the in-sample `conditional_test` (analysis.conditional).
- `adjust_pvalues`, `compare_categories`, `window_grid` (max-T over a window grid; analysis.multiplicity).
"""

from __future__ import annotations

from .analysis.conditional import ConditionalResult, conditional_test, weighted_bernoulli_sf
from .analysis.fitcache import fit_intensity
from .analysis.headline import HeadlineResult, headline_test
from .analysis.model import IntensityFit
from .analysis.modeltest import ModelTest, branching_interval, model_test
from .analysis.multiplicity import adjust_pvalues, compare_categories, window_grid
from .analysis.placebo import (
    MATCHINGS,
    N_NEIGHBOURS,
    SEASON_HALFWIDTH,
    PlaceboResult,
    Pools,
    build_pools,
    matched_pools,
    naive_poisson_p,
    placebo_band,
    placebo_test,
    placebo_totals,
    sensitivity_grid,
)
from .analysis.power import PowerResult, power
from .analysis.shift import ShiftResult, shift_test

__all__ = [
    "MATCHINGS",
    "N_NEIGHBOURS",
    "SEASON_HALFWIDTH",
    "ConditionalResult",
    "HeadlineResult",
    "IntensityFit",
    "ModelTest",
    "PlaceboResult",
    "Pools",
    "PowerResult",
    "ShiftResult",
    "adjust_pvalues",
    "branching_interval",
    "build_pools",
    "compare_categories",
    "conditional_test",
    "fit_intensity",
    "headline_test",
    "matched_pools",
    "model_test",
    "naive_poisson_p",
    "placebo_band",
    "placebo_test",
    "placebo_totals",
    "power",
    "sensitivity_grid",
    "shift_test",
    "weighted_bernoulli_sf",
    "window_grid",
]
