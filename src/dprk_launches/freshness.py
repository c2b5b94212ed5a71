"""How fresh the data are: the last date each series reaches and its source, and CSIS launches not yet in CNS/NTI."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import config
from .events import catalogue_files, load_events
from .records import launches


def _iso(value: pd.Timestamp) -> str:
    """A timestamp as YYYY-MM-DD."""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _inputs_stamp() -> tuple[tuple[str, int], ...]:
    """Path and modification time of the pinned-sources list and every catalogue file."""
    from .records.supplement import supplement_files

    files = [config.SOURCES_TOML, *catalogue_files(), *supplement_files()]
    return tuple((str(f), f.stat().st_mtime_ns) for f in files)


@lru_cache(maxsize=4)
def _last_dates(stamp: tuple[tuple[str, int], ...]) -> tuple[tuple[str, str], ...]:
    """The last dates, computed again only when a catalogue file or the pinned list changes."""
    days = launches.load_launches()
    cns = launches.load_cns_launches()
    csis = launches.load_provocations()
    ours = load_events(include_generated=False)
    return (
        ("launches", _iso(days.loc[days["date_precision"] == "day", "date_local"].max())),
        ("cns", _iso(cns.loc[cns["date_precision"] == "day", "date_local"].max())),
        ("csis", _iso(csis["date_local"].max())),
        ("events", _iso(ours["start_local"].max())),
    )


def data_through() -> dict[str, str]:
    """Last date (Pyongyang clock, ISO) of the launch days (CNS/NTI and our supplement), of CNS/NTI
    alone, of the CSIS events and of our catalogue."""
    return dict(_last_dates(_inputs_stamp()))


def launches_source(dates: dict[str, str] | None = None) -> str:
    """Where the launch days come from, in words: CNS/NTI alone, or CNS/NTI then our supplement."""
    dates = data_through() if dates is None else dates
    if dates["launches"] == dates["cns"]:
        return "CNS/NTI"
    return f"CNS/NTI to {dates['cns']}, then our launch supplement"


def data_through_sentence() -> str:
    """'Launch data through D1 (source), CSIS through D2, events through D3.' for report headers."""
    dates = data_through()
    return (
        f"Launch data through {dates['launches']} ({launches_source(dates)}), "
        f"CSIS through {dates['csis']}, events through {dates['events']} (our catalogue)."
    )


def not_yet_in_cns() -> pd.DataFrame:
    """CSIS missile events dated after the last CNS/NTI launch day, and whether our supplement has the day."""
    from .records.supplement import load_supplement

    cutoff = pd.Timestamp(data_through()["cns"])
    csis = launches.load_provocations()
    later = csis[csis["is_missile"] & (csis["date_local"] > cutoff)]
    ours = set(load_supplement()["date_local"])
    status = [
        "in our launch supplement" if d in ours else "not yet in our launch series"
        for d in later["date_local"]
    ]
    return (
        later[["date_local", "event", "resources"]]
        .assign(status=status)
        .sort_values("date_local", kind="stable")
        .reset_index(drop=True)
    )
