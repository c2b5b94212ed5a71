"""Count models shown for contrast on the tempo and event pages (no headline uses them).

Poisson / negative-binomial regression with HAC errors, interrupted time series, lead-lag
cross-correlation and Granger tests; the headline's model is `analysis.model`.
"""

from __future__ import annotations

import warnings
from dataclasses import dataclass

import numpy as np
import pandas as pd
import statsmodels.api as sm
from statsmodels.discrete.discrete_model import NegativeBinomial
from statsmodels.tools.sm_exceptions import ConvergenceWarning, HessianInversionWarning
from statsmodels.tsa.stattools import grangercausalitytests

from ..series import UNITS, era_of
from ..windows import event_positions, union_window_mask

FAMILIES = ("nb", "poisson")


@dataclass(frozen=True)
class CountModelResult:
    """A fitted count regression: rate ratios with HAC intervals, and the NB dispersion."""

    family: str
    unit: str
    n_periods: int
    nb_alpha: float | None
    hac_lags: int
    table: pd.DataFrame
    dropped_eras: tuple[str, ...]

    def summary(self) -> str:
        """Readable text: the event-window and break terms, family and dispersion."""
        focus = self.table[~self.table.index.str.startswith(("month", "era", "const", "lag"))]
        lines = [
            f"{self.family.upper()} regression of {self.unit} over {self.n_periods} periods "
            f"(HAC errors, {self.hac_lags} lags)"
            + (f", NB alpha {self.nb_alpha:.2f}" if self.nb_alpha is not None else "")
            + "."
        ]
        if self.dropped_eras:
            lines.append(
                f"Eras or segments without launches left out: {', '.join(self.dropped_eras)}."
            )
        for name, row in focus.iterrows():
            lines.append(
                f"  {name}: rate ratio {row['rate_ratio']:.2f} "
                f"({row['rr_low']:.2f}–{row['rr_high']:.2f}), p = {row['p_value']:.3f}"
            )
        return "\n".join(lines)

    def to_frame(self) -> pd.DataFrame:
        """Coefficients, rate ratios, HAC intervals and p-values."""
        return self.table.copy()


def event_indicator(
    calendar: pd.DatetimeIndex, event_dates: pd.Series | pd.DatetimeIndex, a: int, b: int
) -> pd.Series:
    """Daily 0/1 indicator of days inside any event window [a, b] (union of windows)."""
    pos = event_positions(calendar, event_dates)
    pos = pos[pos >= 0]
    return pd.Series(union_window_mask(len(calendar), pos, a, b).astype(float), index=calendar)


def _design(
    counts: pd.DataFrame,
    unit: str,
    covariates: pd.DataFrame | None,
    lags: tuple[int, ...],
    eras: bool,
    months: bool,
) -> tuple[pd.Series, pd.DataFrame, tuple[str, ...]]:
    """Response and design matrix; periods in eras without launches are left out (no separation)."""
    index = pd.DatetimeIndex(counts.index)
    y = counts[unit].astype(float)
    parts = [pd.Series(1.0, index=index, name="const")]
    for k in lags:
        parts.append(np.log1p(y.shift(k)).rename(f"lag{k}_log1p"))
    era = pd.Series(np.asarray(era_of(index)), index=index).astype(str)
    totals = y.groupby(era).sum()
    dropped = tuple(str(e) for e in totals.index[totals == 0])
    keep = ~era.isin(dropped)
    if eras:
        dummies = pd.get_dummies(era[keep], prefix="era", drop_first=True, dtype=float)
        parts.append(dummies.reindex(index))
    if months:
        month = pd.Series(index.month, index=index)
        parts.append(pd.get_dummies(month, prefix="month", drop_first=True, dtype=float))
    if covariates is not None:
        parts.append(covariates.reindex(index).astype(float))
    x = pd.concat(parts, axis=1)
    rows = keep & x.notna().all(axis=1)
    x = x.loc[rows]
    x = x.loc[:, (x != 0).any(axis=0)]
    return y.loc[rows], x, dropped


def fit_count_model(
    counts: pd.DataFrame,
    unit: str = "launch_days",
    covariates: pd.DataFrame | None = None,
    family: str = "nb",
    lags: tuple[int, ...] = (1,),
    eras: bool = True,
    months: bool = True,
    hac_lags: int | None = None,
) -> CountModelResult:
    """Poisson or NB2 regression of daily/weekly counts on era, month, lagged counts and covariates.

    NB: alpha is estimated by maximum likelihood (statsmodels.discrete NegativeBinomial), then the
    GLM with that alpha is refitted with HAC (Newey-West) errors; Poisson: GLM with HAC errors.
    Covariates (e.g. `event_indicator` columns, or a weekly share of covered days) enter as given.
    """
    if family not in FAMILIES:
        raise ValueError(f"family must be one of {FAMILIES}")
    if unit not in counts.columns:
        raise ValueError(f"unit must be one of {list(counts.columns)}")
    y, x, dropped = _design(counts, unit, covariates, lags, eras, months)
    if y.sum() == 0:
        raise ValueError("no launches in the modelled periods")
    maxlags = hac_lags if hac_lags is not None else int(np.ceil(4 * (len(y) / 100) ** (2 / 9)))
    nb_alpha = None
    with warnings.catch_warnings():
        warnings.simplefilter("ignore", ConvergenceWarning)
        warnings.simplefilter("ignore", RuntimeWarning)
        warnings.simplefilter("ignore", HessianInversionWarning)
        if family == "nb":
            nb = NegativeBinomial(y, x, loglike_method="nb2").fit(disp=0, maxiter=200)
            nb_alpha = float(nb.params["alpha"])
            glm_family = sm.families.NegativeBinomial(alpha=nb_alpha)
        else:
            glm_family = sm.families.Poisson()
        res = sm.GLM(y, x, family=glm_family).fit(cov_type="HAC", cov_kwds={"maxlags": maxlags})
    ci = res.conf_int()
    table = pd.DataFrame(
        {
            "coef": res.params,
            "se_hac": res.bse,
            "rate_ratio": np.exp(res.params),
            "rr_low": np.exp(ci[0]),
            "rr_high": np.exp(ci[1]),
            "p_value": res.pvalues,
        }
    )
    return CountModelResult(family, unit, len(y), nb_alpha, maxlags, table, dropped)


def break_covariates(
    index: pd.DatetimeIndex,
    breaks: dict[str, str | pd.Timestamp],
    per: str = "year",
    slopes: bool = True,
) -> pd.DataFrame:
    """Interrupted-time-series terms: a linear trend, and a level step (and slope change) per break."""
    index = pd.DatetimeIndex(index)
    scale = {"year": 365.25, "day": 1.0, "week": 7.0}[per]
    t = (index - index[0]).days.to_numpy() / scale
    cols = {"trend": t}
    for name, when in breaks.items():
        since = (index - pd.Timestamp(when)).days.to_numpy() / scale
        cols[f"{name}_level"] = (since >= 0).astype(float)
        if slopes:
            cols[f"{name}_slope"] = np.where(since >= 0, since, 0.0)
    return pd.DataFrame(cols, index=index)


def interrupted_time_series(
    counts: pd.DataFrame,
    breaks: dict[str, str | pd.Timestamp],
    unit: str = "launch_days",
    family: str = "nb",
    slopes: bool = True,
) -> CountModelResult:
    """Segmented count regression at named breaks (level and slope change), with month effects.

    Use `slopes=False` for short segments: one launch at the end of a quiet year makes its slope
    term explode.

    Eras are not in the design here: the breaks play their part. A segment without any launch (the
    2018-19 moratorium, say) would send its level to minus infinity (separation): its periods are
    left out and its break's terms dropped, and the result lists it under `dropped_eras`.
    """
    if not breaks:
        raise ValueError("give at least one named break")
    if unit not in counts.columns:
        raise ValueError(f"unit must be one of {list(counts.columns)}")
    index = pd.DatetimeIndex(counts.index)
    ordered = sorted(breaks.items(), key=lambda kv: pd.Timestamp(kv[1]))
    edges = [pd.Timestamp(when) for _, when in ordered] + [index[-1] + pd.Timedelta(days=1)]
    keep = np.ones(len(index), dtype=bool)
    live, empty = {}, []
    for (name, when), stop in zip(ordered, edges[1:], strict=True):
        inside = (index >= pd.Timestamp(when)) & (index < stop)
        if inside.any() and counts.loc[inside, unit].sum() == 0:
            keep &= ~inside
            empty.append(name)
        else:
            live[name] = when
    covariates = break_covariates(index, live, slopes=slopes)
    result = fit_count_model(
        counts.loc[keep], unit, covariates=covariates, family=family, lags=(), eras=False
    )
    return CountModelResult(
        result.family,
        result.unit,
        result.n_periods,
        result.nb_alpha,
        result.hac_lags,
        result.table,
        tuple(empty),
    )


def cross_correlation(launches: pd.Series, events: pd.Series, max_lag: int = 8) -> pd.DataFrame:
    """Lead-lag correlation corr(launches_t, events_{t-k}), k = -max_lag..max_lag, with a ±1.96/sqrt(n) band.

    Positive k: events lead launches by k periods; negative k: launches lead events.
    """
    if len(launches) != len(events):
        raise ValueError("the two series need the same periods")
    x = np.asarray(launches, dtype=float)
    z = np.asarray(events, dtype=float)
    if x.std() == 0 or z.std() == 0:
        raise ValueError("a constant series has no cross-correlation")
    n = len(x)
    rows = []
    for k in range(-max_lag, max_lag + 1):
        if k >= 0:
            a, b = x[k:], z[: n - k]
        else:
            a, b = x[: n + k], z[-k:]
        rows.append({"lag": k, "ccf": float(np.corrcoef(a, b)[0, 1])})
    frame = pd.DataFrame(rows)
    frame["band"] = 1.96 / np.sqrt(n)
    return frame


def granger_tests(launches: pd.Series, events: pd.Series, max_lag: int = 4) -> pd.DataFrame:
    """Granger F-tests in both directions (events -> launches and launches -> events) for lags 1..max_lag."""
    data = pd.DataFrame(
        {"launches": np.asarray(launches, dtype=float), "events": np.asarray(events, dtype=float)}
    )
    if (data.std() == 0).any():
        raise ValueError("a constant series cannot be tested")
    rows = []
    for direction, cols in (
        ("events -> launches", ["launches", "events"]),
        ("launches -> events", ["events", "launches"]),
    ):
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            out = grangercausalitytests(data[cols], maxlag=max_lag)
        for lag, (tests, _) in out.items():
            f, p, df_denom, df_num = tests["ssr_ftest"]
            rows.append({"direction": direction, "lag": lag, "F": float(f), "p_value": float(p)})
    return pd.DataFrame(rows)


def period_event_counts(
    calendar: pd.DatetimeIndex, event_dates: pd.Series | pd.DatetimeIndex, freq: str = "W-MON"
) -> pd.Series:
    """Number of events per period of a daily calendar (events outside it are ignored)."""
    pos = event_positions(calendar, event_dates)
    daily = np.bincount(pos[pos >= 0], minlength=len(calendar)).astype(float)
    return pd.Series(daily, index=calendar).resample(freq).sum().rename("events")


def window_share(
    calendar: pd.DatetimeIndex,
    event_dates: pd.Series | pd.DatetimeIndex,
    a: int,
    b: int,
    freq: str = "W-MON",
) -> pd.Series:
    """Share of each period's days that fall inside any event window [a, b] (0 to 1)."""
    return event_indicator(calendar, event_dates, a, b).resample(freq).mean()


def event_window_model(
    daily: pd.DataFrame,
    event_dates: pd.Series | pd.DatetimeIndex,
    window: tuple[int, int] = (1, 30),
    pre_window: tuple[int, int] = (-30, -1),
    unit: str = "launch_days",
    family: str = "nb",
    freq: str = "W-MON",
) -> CountModelResult:
    """Weekly count regression with the shares of days in post- and pre-event windows as covariates.

    Era and month effects and last period's count are in the design, so the `post_event` rate ratio
    is the change in launches per fully covered period against comparable periods.
    """
    calendar = pd.DatetimeIndex(daily.index)
    counts = daily[list(UNITS)].resample(freq).sum()
    covariates = pd.DataFrame(
        {
            "post_event": window_share(calendar, event_dates, *window, freq=freq),
            "pre_event": window_share(calendar, event_dates, *pre_window, freq=freq),
        }
    )
    return fit_count_model(counts, unit, covariates=covariates, family=family)
