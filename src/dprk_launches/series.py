"""Launch tempo as time series: zero-filled calendars in both units, eras, seasonality, dispersion."""

from __future__ import annotations

import numpy as np
import pandas as pd
from scipy import stats

# Leaders, and the Kim Jong Un years split where the programme visibly changed gear:
# - kju_buildup: from Kim Jong Il's death to the self-declared moratorium (the 2016-17 ICBM push);
# - moratorium: 21 Apr 2018 (plenum announces the halt of ICBM and nuclear tests) to 3 May 2019
#   (last day before the 4 May 2019 short-range launches);
# - kju_resumed: short-range testing after Hanoi, up to the 8th Party Congress;
# - kju_five_year_plan: from 5 Jan 2021, when the 8th Party Congress announced the five-year defence
#   development plan that the 2022-24 campaign of launches carried out.
ERAS: tuple[tuple[str, str, str | None], ...] = (
    ("kim_il_sung", "1900-01-01", "1994-07-08"),
    ("kim_jong_il", "1994-07-09", "2011-12-17"),
    ("kju_buildup", "2011-12-18", "2018-04-20"),
    ("moratorium", "2018-04-21", "2019-05-03"),
    ("kju_resumed", "2019-05-04", "2021-01-04"),
    ("kju_five_year_plan", "2021-01-05", None),
)
UNITS = ("launch_days", "missiles")


def daily_counts(
    launches: pd.DataFrame,
    start: str | pd.Timestamp | None = None,
    end: str | pd.Timestamp | None = None,
) -> pd.DataFrame:
    """Zero-filled daily calendar with columns launch_days (0/1) and missiles; day-dated rows only.

    The number of month-precision rows left out is stored in `attrs["month_precision_dropped"]`.
    """
    dropped = (
        int((launches["date_precision"] != "day").sum())
        if "date_precision" in launches.columns
        else 0
    )
    days = launches[launches["date_precision"] == "day"] if dropped else launches
    dates = pd.DatetimeIndex(days["date_local"]).normalize()
    if start is None and len(dates) == 0:
        raise ValueError("no day-dated launches and no start date: the calendar would be empty")
    first = pd.Timestamp(start) if start is not None else dates.min()
    last = pd.Timestamp(end) if end is not None else dates.max()
    if first > last:
        raise ValueError(f"start {first:%Y-%m-%d} is after end {last:%Y-%m-%d}")
    index = pd.date_range(first, last, freq="D", name="date_local")
    missiles = (
        days.assign(date_local=dates)
        .groupby("date_local")["n_missiles"]
        .sum()
        .reindex(index, fill_value=0)
        .astype(np.int64)
    )
    frame = pd.DataFrame(
        {"launch_days": (missiles > 0).astype(np.int64), "missiles": missiles}, index=index
    )
    frame.attrs["month_precision_dropped"] = dropped
    return frame


def weekly_counts(daily: pd.DataFrame) -> pd.DataFrame:
    """Weekly sums of a daily calendar (weeks ending Monday, 'W-MON'), both units."""
    return daily[list(UNITS)].resample("W-MON").sum()


def monthly_counts(daily: pd.DataFrame) -> pd.DataFrame:
    """Month-end sums of a daily calendar ('ME'), both units."""
    return daily[list(UNITS)].resample("ME").sum()


def era_of(dates: pd.DatetimeIndex | pd.Series) -> pd.Categorical:
    """Era label (see ERAS) for each date, as an ordered categorical."""
    index = pd.DatetimeIndex(dates).as_unit("ns")
    bounds = pd.DatetimeIndex([pd.Timestamp(start) for _, start, _ in ERAS[1:]]).as_unit("ns")
    codes = np.searchsorted(bounds.asi8, index.asi8, side="right")
    names = [name for name, _, _ in ERAS]
    return pd.Categorical.from_codes(codes, categories=names, ordered=True)


def poisson_interval(
    count: np.ndarray, exposure: np.ndarray, level: float = 0.95
) -> tuple[np.ndarray, np.ndarray]:
    """Exact (Garwood) Poisson interval for the rate count / exposure."""
    tail = (1 - level) / 2
    lo = np.where(count > 0, stats.chi2.ppf(tail, 2 * count) / 2, 0.0)
    hi = stats.chi2.ppf(1 - tail, 2 * count + 2) / 2
    return lo / exposure, hi / exposure


def seasonality(
    daily: pd.DataFrame, unit: str = "launch_days", level: float = 0.95
) -> pd.DataFrame:
    """Rates per 30 days by month of year and by quarter, with exact Poisson (Garwood) intervals."""
    if unit not in daily.columns:
        raise ValueError(f"unit must be one of {list(daily.columns)}")
    index = pd.DatetimeIndex(daily.index)
    rows = []
    for period, key in (("month", index.month), ("quarter", index.quarter)):
        grouped = daily[unit].groupby(key).agg(["sum", "size"])
        lo, hi = poisson_interval(grouped["sum"].to_numpy(), grouped["size"].to_numpy(), level)
        rows.append(
            pd.DataFrame(
                {
                    "period": period,
                    "value": grouped.index.to_numpy(),
                    "count": grouped["sum"].to_numpy(),
                    "days": grouped["size"].to_numpy(),
                    "rate_per_30d": 30 * grouped["sum"].to_numpy() / grouped["size"].to_numpy(),
                    "low": 30 * lo,
                    "high": 30 * hi,
                }
            )
        )
    return pd.concat(rows, ignore_index=True)


def era_rates(daily: pd.DataFrame, level: float = 0.95) -> pd.DataFrame:
    """Per era (see ERAS) in the calendar: days, both units, launch days per 30 days with exact intervals."""
    labels = pd.Series(np.asarray(era_of(pd.DatetimeIndex(daily.index))), index=daily.index)
    grouped = daily[list(UNITS)].groupby(labels, sort=False)
    spans = (
        pd.Series(daily.index, index=daily.index).groupby(labels, sort=False).agg(["min", "max"])
    )
    table = grouped.sum().assign(first_day=spans["min"], last_day=spans["max"], days=grouped.size())
    lo, hi = poisson_interval(table["launch_days"].to_numpy(), table["days"].to_numpy(), level)
    table["launch_days_per_30d"] = 30 * table["launch_days"] / table["days"]
    table["low"], table["high"] = 30 * lo, 30 * hi
    table["missiles_per_launch_day"] = table["missiles"] / table["launch_days"].where(
        table["launch_days"] > 0
    )
    table.index.name = "era"
    columns = ["first_day", "last_day", "days", *UNITS, "launch_days_per_30d", "low", "high"]
    return table[[*columns, "missiles_per_launch_day"]]


def inter_launch_intervals(daily: pd.DataFrame) -> pd.Series:
    """Days between consecutive launch days (indexed by the later launch day)."""
    launched = pd.DatetimeIndex(daily.index[daily["launch_days"].to_numpy() > 0])
    gaps = (launched[1:] - launched[:-1]).days.to_numpy()
    return pd.Series(gaps.astype(np.int64), index=launched[1:], name="interval_days")


def dispersion_index(counts: pd.Series | np.ndarray) -> float:
    """Variance-to-mean ratio of counts (1 for Poisson, > 1 when launches cluster)."""
    values = np.asarray(counts, dtype=float)
    mean = values.mean() if len(values) else 0.0
    if mean == 0:
        return float("nan")
    return float(values.var(ddof=1) / mean)
