"""Power of the headline test against intensity ratios, and the minimum detectable effect."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pandas as pd
from scipy import optimize, stats

from ..windows import union_window_mask
from ..words import plural
from . import fitcache, model, modeltest
from .headline import PRE_WINDOW, EventDates, check_window, needs_both_tests, usable_positions


@dataclass(frozen=True)
class PowerResult:
    """Power of the headline test against intensity ratios, and the minimum detectable effect."""

    n_events: int
    window: tuple[int, int]
    table: pd.Series
    mde: float
    method: str
    needs_both_tests: bool = False

    def sentence(self) -> str:
        """One sentence a report can print (an upper bound when the headline needs both tests)."""
        effect = 2.0 if 2.0 in self.table.index else float(self.table.index[len(self.table) // 2])
        opening = (
            f"With {plural(self.n_events, 'event')}, a {effect:g}-fold "
            f"launch rate in days [{self.window[0]}, {self.window[1]}] would be detected"
        )
        if self.needs_both_tests:
            return (
                f"{opening} at most "
                f"{self.table[effect]:.0%} of the time at the 5% level: in this design the "
                "randomization test must reject too, and it has less power than the model whose "
                "power this is."
            )
        return (
            f"{opening} {self.table[effect]:.0%} of the "
            f"time at the 5% level; the effect detected 80% of the time is {self.mde:.2f}-fold."
        )


def _power_at(effect: float, info: float, alpha: float) -> float:
    """Power of the two-sided LR test: non-central chi-square with the information scaled by the effect.

    The test refers LR / LR_SCALE to chi-square (`modeltest`), so the non-centrality shrinks by the
    same Bartlett factor.
    """
    crit = stats.chi2.ppf(1 - alpha, 1)
    nc = np.log(effect) ** 2 * info * max(effect, 1.0) / modeltest.LR_SCALE
    return float(stats.ncx2.sf(crit, 1, nc)) if nc > 0 else alpha


def power(
    daily: pd.DataFrame,
    event_dates: EventDates,
    window: tuple[int, int] = (1, 30),
    effects: tuple[float, ...] = (1.5, 2.0, 3.0),
    n_sims: int = 0,
    alpha: float = 0.05,
    seed: int = 0,
    fit: model.IntensityFit | None = None,
) -> PowerResult:
    """Power at each effect and the ratio detected 80% of the time.

    `fit` is the null fit a `headline_test` of the same events and window already made (`result.fit`):
    passing it saves refitting the model.

    With n_sims = 0 (default) the asymptotic power from the efficient Fisher information of the event
    term at the null fit; with n_sims > 0 by simulating from the fitted model with the effect and
    refitting (slow; `make calibration` compares the two).
    """
    a, b = check_window(daily, window, "launch_days")
    pos, _ = usable_positions(daily, event_dates, (min(a, PRE_WINDOW[0]), max(b, 0)))
    y = model.launch_days(daily)
    mask = union_window_mask(len(y), pos, a, b).astype(float)
    design = model.Design.build(pd.DatetimeIndex(daily.index), mask)
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        if fit is not None and np.array_equal(fit.design.window, mask):
            null = fit
        else:
            null = fitcache.null_fit(y, pd.DatetimeIndex(daily.index), design)
        info = modeltest.efficient_information(null, y)
    if n_sims > 0:
        rng = np.random.default_rng(seed)
        table = {}
        for e in effects:
            hits = 0
            for _ in range(n_sims):
                sim = model.simulate(null, rng, effect=e)
                fake = daily.assign(launch_days=sim.astype(np.int64))
                with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
                    hits += modeltest.model_test(fake, pos, (a, b), interval=False).p_value <= alpha
            table[float(e)] = hits / n_sims
        method = f"simulation ({n_sims} refitted series per effect)"
    else:
        table = {float(e): _power_at(e, info, alpha) for e in effects}
        method = "asymptotic (efficient Fisher information of the event term)"
    mde = float(optimize.brentq(lambda e: _power_at(e, info, alpha) - 0.8, 1.0001, 1e4))
    both = needs_both_tests(pd.DatetimeIndex(daily.index), pos, (a, b))
    return PowerResult(
        len(pos),
        (a, b),
        pd.Series(table, name="power").rename_axis("effect"),
        mde,
        method + (" of the model's LR alone: an upper bound for this design" if both else ""),
        needs_both_tests=both,
    )
