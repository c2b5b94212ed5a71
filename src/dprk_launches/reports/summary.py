"""The one-object summary behind `python -m dprk_launches summary --json`."""

from __future__ import annotations

import pandas as pd

from .. import config, freshness
from ..events import load_events, per_category_year
from ..records import launches, sources


def per_year(missiles: pd.DataFrame) -> dict[str, dict[str, int]]:
    """Missiles and launch days per local-clock year, day-precision rows only, year strings as keys."""
    days = missiles[missiles["date_precision"] == "day"]
    years = days["date_local"].dt.year
    missiles_per_year = days.groupby(years).size()
    launch_days_per_year = days.groupby(years)["date_local"].nunique()
    return {
        "missiles_per_year": {str(y): int(n) for y, n in missiles_per_year.items()},
        "launch_days_per_year": {str(y): int(n) for y, n in launch_days_per_year.items()},
    }


def events_per_year_category() -> dict[str, dict[str, int]]:
    """Catalogue rows per year and category (generated anniversaries excluded), non-zero counts only."""
    table = per_category_year(load_events(include_generated=False))
    return {
        str(year): {cat: int(n) for cat, n in table[year].items() if n}
        for year in table.columns
        if table[year].any()
    }


def summary() -> dict:
    """Counts per year in both units, events per category, and the pinned sources with versions."""
    missiles = launches.load_missiles("nagix")
    events = load_events()
    pinned = sources.load_sources()
    return {
        **per_year(missiles),
        "units": {
            "missiles_per_year": "missiles (CNS/NTI rows; a salvo of 4 counts 4)",
            "launch_days_per_year": "distinct launch days on the Pyongyang clock",
        },
        "clock": f"Asia/Pyongyang ({clock_description()})",
        "month_precision_rows_excluded": int((missiles["date_precision"] == "month").sum()),
        "events_per_category": {
            k: int(v) for k, v in events["category"].value_counts().sort_index().items()
        },
        "events_per_year_category": events_per_year_category(),
        "sources": {name: s.sha256 for name, s in pinned.items()},
        "launches_through": (through := freshness.data_through())["launches"],
        "launches_source": freshness.launches_source(through),
        "cns_through": through["cns"],
        "csis_through": through["csis"],
        "events_through": through["events"],
        "data_through": through,
        "data_through_sentence": freshness.data_through_sentence(),
        "data_versions": {
            name: f"{s.repository}@{s.commit[:12]} ({s.version})" for name, s in pinned.items()
        },
    }


def per_year_frame(missiles: pd.DataFrame) -> pd.DataFrame:
    """Both units per local-clock year as a frame (index year; columns missiles, launch_days), zero-filled."""
    counts = per_year(missiles)
    frame = pd.DataFrame(
        {
            "missiles": pd.Series(counts["missiles_per_year"]),
            "launch_days": pd.Series(counts["launch_days_per_year"]),
        }
    )
    frame.index = frame.index.astype(int)
    full = range(frame.index.min(), frame.index.max() + 1)
    return frame.reindex(full, fill_value=0).rename_axis("year").astype(int)


def offset_periods(start: str = "1984-01-01", end: str = "2030-12-31") -> pd.DataFrame:
    """Runs of local days with one UTC offset on the Pyongyang clock (zoneinfo), at local noon."""
    noon = pd.date_range(start, end, freq="D") + pd.Timedelta(hours=12)
    utc = noon.tz_localize(config.PYONGYANG).tz_convert("UTC").tz_localize(None)
    offset = pd.Series(noon - utc, index=noon.normalize())
    run = (offset != offset.shift()).cumsum()
    return (
        pd.DataFrame({"offset": offset, "run": run})
        .reset_index(names="day")
        .groupby("run")
        .agg(first=("day", "min"), last=("day", "max"), offset=("offset", "first"))
        .reset_index(drop=True)
    )


def _utc_offset(delta: pd.Timedelta) -> str:
    """'UTC+9' or 'UTC+8:30'."""
    hours, minutes = divmod(int(delta.total_seconds()) // 60, 60)
    return f"UTC+{hours}" + (f":{minutes:02d}" if minutes else "")


def clock_description(periods: pd.DataFrame | None = None) -> str:
    """'UTC+9; UTC+8:30 from 2015-08-15 to 2018-05-04': the usual offset, then each exception."""
    periods = offset_periods() if periods is None else periods
    lengths = (periods["last"] - periods["first"]).dt.days + 1
    usual = periods.assign(days=lengths).groupby("offset")["days"].sum().idxmax()
    other = periods[periods["offset"] != usual]
    parts = [
        f"{_utc_offset(r.offset)} from {r.first:%Y-%m-%d} to {r.last:%Y-%m-%d}"
        for r in other.itertuples()
    ]
    return "; ".join([_utc_offset(usual), *parts])
