"""The one headline test every report uses, and the power it has to see an effect.

`headline_test` fits the launch-intensity model (`analysis.model`) with and without a multiplier on
the days in [a, b] after the events and reports the likelihood-ratio p-value (two-sided), the
estimated intensity ratio with its profile-likelihood 95% interval, and, beside it, the interval-jitter
randomization test (`analysis.shift`) on the same window. When the windows are expected to hold fewer
than SMALL_EXPECTED launch days (a single event, say) the chi-square approximation to the LR fails
(it rejected a true null far too often for one event), so the p-value is the exact two-sided tail of
the window's launch-day count under the null model (Poisson-binomial of the day forecasts). When the
windows are long or mostly tell calendar years apart (`needs_both_tests`) both tests must reject
(see the constants). In the missiles unit the model (which is about launch days) does not apply:
the randomization test on missile counts is the headline, with the interval of ratios it does not
reject (`ShiftResult.ratio_interval`). The pre-event window is shown, never tested. `notes` says what the design cannot separate
(`analysis.identifiability`: events at a recurring time of year, events on launch days).
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass, field

import numpy as np
import pandas as pd
from scipy import stats

from ..windows import event_positions, union_window_mask, window_counts
from ..words import plural
from . import fitcache, identifiability, model, modeltest, shift
from .conditional import weighted_bernoulli_sf

EventDates = pd.Series | pd.DatetimeIndex | pd.DataFrame
UNITS = ("launch_days", "missiles")
LEVEL = 0.95
PRE_WINDOW = (-30, -1)
SMALL_EXPECTED = 3.0
# The LR alone is calibrated for windows of at most LR_MAX_WINDOW days whose indicator varies mostly
# within calendar years. Above YEAR_SHARE_LIMIT (share of the window indicator's variance lying
# between calendar years) it is fooled by year-to-year tempo: a sweep of the year-tempo world over
# window lengths (400 series each) found type-I 0.070 at share 0.41 (US designation dates, [1, 30])
# rising to 0.103 at 0.64 ([1, 60]); and with longer windows it is fooled at lower shares too (0.08
# with 60 days after 04's designations, share 0.29; 0.08 with 90-day windows after bursts of launches
# in an outside review's tempo-and-bursts world). The randomization test alone is fooled by bursts
# with long windows (0.08-0.10 in pilots and in that review). So outside the LR's domain both must
# reject: p is the larger of the two p-values (valid whenever either test is) and the interval spans
# both intervals (it covers whenever either covers).
YEAR_SHARE_LIMIT = 0.4
LR_MAX_WINDOW = 31
LR_METHOD = "intensity model, likelihood ratio"
BOTH_METHOD = "intensity model and randomization, both must reject"
# What "expected" means on every page: the model fitted with the event term, the effect removed, so
# observed / expected is the printed rate ratio.
EXPECTED_FROM = "from the launch history outside the windows"


def year_share(index: pd.DatetimeIndex, pos: np.ndarray, window: tuple[int, int]) -> float:
    """Share of the variance of the 0/1 window indicator that lies between calendar years (0 to 1)."""
    w = union_window_mask(len(index), pos, *window).astype(float)
    if w.var() == 0:
        return 0.0
    share = pd.Series(w).groupby(np.asarray(index.year)).transform("mean").to_numpy()
    return float(share.var() / w.var())


def long_window(window: tuple[int, int]) -> bool:
    """A window longer than the LR alone is calibrated for (LR_MAX_WINDOW days)."""
    return window[1] - window[0] + 1 > LR_MAX_WINDOW


def _outside_lr_domain(window: tuple[int, int], share: float) -> bool:
    """A long window, or one whose indicator varies mostly between years (see the constants)."""
    return long_window(window) or share > YEAR_SHARE_LIMIT


def needs_both_tests(index: pd.DatetimeIndex, pos: np.ndarray, window: tuple[int, int]) -> bool:
    """Whether a design lies outside the LR's calibrated domain (see LR_MAX_WINDOW, YEAR_SHARE_LIMIT)."""
    return _outside_lr_domain(window, year_share(index, pos, window))


def usable_positions(
    daily: pd.DataFrame, event_dates: EventDates, span: tuple[int, int]
) -> tuple[np.ndarray, int]:
    """Distinct event days inside the calendar with 30 days of history and room for `span`."""
    calendar = pd.DatetimeIndex(daily.index)
    pos = np.unique(event_positions(calendar, event_dates))
    n = len(calendar)
    keep = (pos >= shift.LOOKBACK) & (pos + span[0] >= 0) & (pos + span[1] < n)
    if not keep.any():
        raise ValueError(
            f"no event falls inside the launch calendar ({calendar[0]:%Y-%m-%d} to "
            f"{calendar[-1]:%Y-%m-%d}) with 30 days before it and room for days {list(span)}"
        )
    return pos[keep], int((~keep).sum())


def check_window(daily: pd.DataFrame, window: tuple[int, int], unit: str) -> tuple[int, int]:
    """Refuse windows with a > b, windows longer than a year, and unknown units."""
    a, b = (int(v) for v in window)
    if a > b:
        raise ValueError(f"a window [a, b] needs a <= b, got [{a}, {b}]")
    if b - a + 1 > 365 or max(abs(a), abs(b)) > 730:
        raise ValueError(f"window [{a}, {b}] is too long: use at most 365 days within two years")
    if unit not in UNITS:
        raise ValueError(f"unit must be one of {UNITS}, got {unit!r}")
    if len(daily) < 365:
        raise ValueError(f"the launch calendar must cover at least a year, got {len(daily)} days")
    return a, b


@dataclass(frozen=True)
class HeadlineResult:
    """The headline answer for one set of events and one window (see module docstring)."""

    unit: str
    window: tuple[int, int]
    n_events: int
    n_events_dropped: int
    observed: float
    expected: float
    rate_ratio: float
    ci: tuple[float, float]
    p_value: float
    direction: str
    method: str
    p_randomization: float
    observed_pre: float
    expected_pre: float
    branching_ratio: float
    n_draws: int
    naive_expected: float
    naive_p_value: float
    pre_window: tuple[int, int] = PRE_WINDOW
    year_share: float = 0.0
    p_lr: float = float("nan")
    notes: tuple[str, ...] = ()
    fit: model.IntensityFit | None = field(default=None, repr=False, compare=False)
    alt_fit: model.IntensityFit | None = field(default=None, repr=False, compare=False)
    randomization: shift.ShiftResult | None = field(default=None, repr=False, compare=False)

    def summary(self) -> str:
        """Readable text: effect with interval, p-value with direction, the pre-window described."""
        a, b = self.window
        unit = self.unit.replace("_", " ")
        return (
            f"{unit.capitalize()} in days [{a}, {b}] after {plural(self.n_events, 'event')}: observed "
            f"{self.observed:.0f}, expected {fmt_expected(self.observed, self.expected)} {EXPECTED_FROM}; "
            f"rate ratio {self.rate_ratio:.2f} ({fmt_interval(self.ci)}), two-sided p = "
            f"{self.p_value:.3f} ({self.direction}; {self.method}).\n"
            f"Interval-jitter randomization p = {self.p_randomization:.3f}. Before the events, days "
            f"{list(self.pre_window)}: observed {self.observed_pre:.0f}, expected {self.expected_pre:.1f} "
            f"(descriptive, not a test).{self.caution()}"
            + "".join(f"\nWhat this design cannot separate: {note}" for note in self.notes)
        )

    @property
    def needs_both_tests(self) -> bool:
        """A design outside the LR's calibrated domain: the headline needs both tests to reject."""
        return self.method == BOTH_METHOD

    def caution(self) -> str:
        """A sentence when the headline needs both tests (else ''), for summaries."""
        if not self.needs_both_tests:
            return ""
        if long_window(self.window):
            why = f"Windows longer than {LR_MAX_WINDOW} days lie outside what calibration shows"
        else:
            why = (
                f"{self.year_share:.0%} of the variation in which days are window days lies between "
                "calendar years, outside what calibration shows"
            )
        return (
            f"\nCaution: {why} the model alone handles (it can be fooled by year-to-year tempo), "
            "and the randomization alone can be fooled by bursts of launches, so both must reject: "
            "p is the larger of the two and the interval spans both tests' intervals (weaker, but "
            "it keeps its error rate)."
        )

    def headline(self, label: str, level: float = 0.05) -> str:
        """At most two sentences for a report's headline: the effect with its interval, then the verdict."""
        a, b = self.window
        unit = ("launch day" if self.unit == "launch_days" else "missile") + (
            "" if self.observed == 1 else "s"
        )
        first = (
            f"{label}: {self.observed:.0f} {unit} in days {a:+d} to {b:+d} after "
            f"{plural(self.n_events, 'event')} against {fmt_expected(self.observed, self.expected)} expected {EXPECTED_FROM} — rate ratio "
            f"{self.rate_ratio:.2f} ({fmt_interval(self.ci)}), p = {_fmt_p(self.p_value)}."
        )
        if self.p_value <= level:
            both = " by both tests, as this design requires" * self.needs_both_tests
            verdict = f"Launches were {'more' if self.direction == 'more' else 'less'} frequent after these events than their history predicts{both} (timing, not proof of cause)."
        else:
            verdict = "Not distinguishable at the 5% level from what the launch history predicts."
        return f"{first} {verdict}"

    def to_frame(self) -> pd.DataFrame:
        """One-row tidy frame."""
        row = {
            k: getattr(self, k)
            for k in (
                "unit",
                "n_events",
                "n_events_dropped",
                "observed",
                "expected",
                "rate_ratio",
                "p_value",
                "direction",
                "method",
                "p_randomization",
                "observed_pre",
                "expected_pre",
                "branching_ratio",
                "naive_expected",
                "naive_p_value",
                "year_share",
                "p_lr",
            )
        }
        row["window"] = f"[{self.window[0]}, {self.window[1]}]"
        row["notes"] = " ".join(self.notes)
        row["ci_low"], row["ci_high"] = self.ci
        return pd.DataFrame([row])


def fmt_interval(ci: tuple[float, float], level: float = LEVEL) -> str:
    """'95% CI 0.81–1.62'; an end the data do not bound prints as such ('95% CI above 1.20')."""
    lo, hi = ci
    head = f"{level:.0%} CI"
    if not (np.isfinite(lo) and np.isfinite(hi)) and (np.isnan(lo) or np.isnan(hi)):
        return f"{head} not computed"
    if lo <= 0 and not np.isfinite(hi):
        return f"{head} unbounded: the data cannot bound the ratio"
    if not np.isfinite(hi):
        return f"{head} above {lo:.2f} (no upper bound)"
    if lo <= 0:
        return f"{head} below {hi:.2f} (no lower bound)"
    return f"{head} {lo:.2f}–{hi:.2f}"


def fmt_expected(observed: float, expected: float) -> str:
    """The expected count with the fewest decimals (1 to 4) that give the printed rate ratio when divided into observed."""
    if not (np.isfinite(expected) and expected > 0 and observed > 0):
        return f"{expected:.1f}"
    ratio = f"{observed / expected:.2f}"
    for decimals in (1, 2, 3):
        shown = float(f"{expected:.{decimals}f}")
        if shown > 0 and f"{observed / shown:.2f}" == ratio:
            return f"{expected:.{decimals}f}"
    return f"{expected:.4f}"


def _fmt_p(p: float) -> str:
    """p-value for prose: three decimals, or '< 0.001'."""
    return "< 0.001" if p < 0.001 else f"{p:.3f}"


def naive_p(observed: float, expected: float) -> float:
    """Two-sided Poisson p (independent days at the average rate): for contrast only."""
    low = stats.poisson.cdf(observed, expected)
    high = stats.poisson.sf(observed - 1, expected)
    return float(min(1.0, 2 * min(low, high)))


def exact_window_p(
    daily: pd.DataFrame, pos: np.ndarray, window: tuple[int, int], null: model.IntensityFit
) -> float:
    """Two-sided exact p of the window's launch-day count: Poisson-binomial of the null forecasts."""
    y = model.launch_days(daily)
    days = union_window_mask(len(y), pos, *window)
    probs = -np.expm1(-null.intensity(y)[days])
    observed = int(y[days].sum())
    ones = np.ones(len(probs))
    upper = weighted_bernoulli_sf(ones, probs, observed)
    lower = 1.0 - weighted_bernoulli_sf(ones, probs, observed + 1)
    return float(min(1.0, 2 * min(upper, lower)))


def _direction(ratio: float, p_value: float) -> str:
    """Which way the estimate points (stated whatever the p-value)."""
    if np.isclose(ratio, 1.0) or not np.isfinite(p_value):
        return "no difference"
    return "more" if ratio > 1 else "fewer"


def _pre_window(
    daily: pd.DataFrame,
    pos: np.ndarray,
    null: model.IntensityFit,
    unit: str,
    pre_window: tuple[int, int],
) -> tuple[float, float]:
    """Observed and forecast launches in the days before the events (description only)."""
    a, b = pre_window
    ok = pos + a - 1 >= 0
    y = model.launch_days(daily)
    counts = daily[unit].to_numpy().astype(float)
    scale = counts[y > 0].mean() if unit != "launch_days" and y.sum() else 1.0
    forecast = scale * shift.forecast_totals(null, y, b - a + 1)
    return float(window_counts(counts, pos[ok], a, b).sum()), float(forecast[pos[ok] + a - 1].sum())


def headline_test(
    daily: pd.DataFrame,
    event_dates: EventDates,
    window: tuple[int, int] = (1, 30),
    seed: int = 0,
    n_draws: int = 10_000,
    unit: str = "launch_days",
    interval: bool = True,
    warm_start: model.IntensityFit | None = None,
    pre_window: tuple[int, int] = PRE_WINDOW,
) -> HeadlineResult:
    """Did launches in days [a, b] after the events differ from what the launch history predicts?

    `interval=False` skips the profile interval (ci is then NaN); `warm_start` is a fit of the same
    calendar whose parameters start the optimiser (the answer does not depend on it); `pre_window`
    is the span before the events that is described (observed against forecast), never tested.
    """
    a, b = check_window(daily, window, unit)
    pre_a, pre_b = (int(v) for v in pre_window)
    if not pre_a <= pre_b < 0:
        raise ValueError(f"a pre-window [a, b] needs a <= b <= -1, got [{pre_a}, {pre_b}]")
    span = (min(a, pre_a), max(b, 0))
    pos, dropped = usable_positions(daily, event_dates, span)
    if dropped:
        warnings.warn(
            f"{dropped} events outside the calendar (or too near its edges) left out", stacklevel=2
        )
    index = pd.DatetimeIndex(daily.index)
    cached = (
        fitcache.null_fit(model.launch_days(daily), index, model.Design.build(index))
        if warm_start is None
        else None
    )
    with np.errstate(over="ignore", divide="ignore", invalid="ignore"):
        test = modeltest.model_test(
            daily,
            pos,
            (a, b),
            level=LEVEL,
            interval=interval and unit == "launch_days",
            null=warm_start if cached is None else cached,
            converged=cached is not None,
        )
        rand = shift.shift_test(daily, pos, (a, b), test.alt, unit, n_draws, seed)
        observed_pre, expected_pre = _pre_window(daily, pos, test.null, unit, (pre_a, pre_b))
    counts = daily[unit].to_numpy()
    in_window = union_window_mask(len(counts), pos, a, b)
    naive_expected = float(counts.mean() * in_window.sum())
    naive_observed = float(counts[in_window].sum())
    share = year_share(index, pos, (a, b))
    observed, expected = float(test.observed), test.expected
    ratio, ci, p = test.rate_ratio, test.ci, test.p_value
    if unit == "launch_days" and test.expected_null < SMALL_EXPECTED:
        method = "intensity model, exact window count"
        p = exact_window_p(daily, pos, (a, b), test.null)
    elif unit == "launch_days" and _outside_lr_domain((a, b), share):
        method = BOTH_METHOD
        p = max(test.p_value, rand.p_value)
        if interval:
            rand_lo, rand_hi = rand.ratio_interval(LEVEL)
            ci = (min(ci[0], rand_lo), max(ci[1], rand_hi))
    elif unit == "launch_days":
        method = LR_METHOD
    else:
        ratio, p, ci = rand.rate_ratio, rand.p_value, rand.ratio_interval(LEVEL)
        method, observed, expected = "interval-jitter randomization", rand.observed, rand.expected
    return HeadlineResult(
        unit=unit,
        window=(a, b),
        n_events=len(pos),
        n_events_dropped=dropped,
        observed=observed,
        expected=expected,
        rate_ratio=float(ratio),
        ci=(float(ci[0]), float(ci[1])),
        p_value=float(p),
        direction=_direction(ratio, p),
        method=method,
        p_randomization=rand.p_value,
        observed_pre=observed_pre,
        expected_pre=expected_pre,
        branching_ratio=test.null.alpha,
        n_draws=n_draws,
        naive_expected=naive_expected,
        naive_p_value=naive_p(naive_observed, naive_expected),
        pre_window=(pre_a, pre_b),
        year_share=share,
        p_lr=float(test.p_value if unit == "launch_days" else np.nan),
        notes=identifiability.notes(index, model.launch_days(daily), pos, (a, b)),
        fit=test.null,
        alt_fit=test.alt,
        randomization=rand,
    )
