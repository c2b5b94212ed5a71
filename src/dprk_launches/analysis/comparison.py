"""Tests shown beside the headline for comparison, never as a headline: the robustness page's earlier
methods and the event page's placebo band.

- matched placebo dates: `placebo_test`, `placebo_band`, `sensitivity_grid`, their pools and totals
  (analysis.placebo, pools in analysis.matching), with the naive Poisson test `naive_poisson_p`;
- the in-sample `conditional_test` (analysis.conditional).
"""

from __future__ import annotations

from .conditional import ConditionalResult, conditional_test, weighted_bernoulli_sf
from .matching import (
    MATCHINGS,
    N_NEIGHBOURS,
    SEASON_HALFWIDTH,
    Pools,
    build_pools,
    matched_pools,
    placebo_totals,
)
from .placebo import (
    PlaceboResult,
    naive_poisson_p,
    placebo_band,
    placebo_test,
    sensitivity_grid,
)

__all__ = [
    "MATCHINGS",
    "N_NEIGHBOURS",
    "SEASON_HALFWIDTH",
    "ConditionalResult",
    "PlaceboResult",
    "Pools",
    "build_pools",
    "conditional_test",
    "matched_pools",
    "naive_poisson_p",
    "placebo_band",
    "placebo_test",
    "placebo_totals",
    "sensitivity_grid",
    "weighted_bernoulli_sf",
]
