"""How fresh the data are: the last date each series reaches, and CSIS launches not yet in CNS/NTI."""

from __future__ import annotations

from functools import lru_cache

import pandas as pd

from . import config, launches
from .events import catalogue_files, load_events


def _iso(value: pd.Timestamp) -> str:
    """A timestamp as YYYY-MM-DD."""
    return pd.Timestamp(value).strftime("%Y-%m-%d")


def _inputs_stamp() -> tuple[tuple[str, int], ...]:
    """Path and modification time of the pinned-sources list and every catalogue file."""
    files = [config.SOURCES_TOML, *catalogue_files()]
    return tuple((str(f), f.stat().st_mtime_ns) for f in files)


@lru_cache(maxsize=4)
def _last_dates(stamp: tuple[tuple[str, int], ...]) -> tuple[tuple[str, str], ...]:
    """The last dates, computed again only when a catalogue file or the pinned list changes."""
    days = launches.load_launches()
    csis = launches.load_provocations()
    ours = load_events(include_generated=False)
    return (
        ("launches", _iso(days.loc[days["date_precision"] == "day", "date_local"].max())),
        ("csis", _iso(csis["date_local"].max())),
        ("events", _iso(ours["start_local"].max())),
    )


def data_through() -> dict[str, str]:
    """Last date (Pyongyang clock, ISO) of the CNS/NTI launch days, the CSIS events and our catalogue."""
    return dict(_last_dates(_inputs_stamp()))


def data_through_sentence() -> str:
    """'Launch data through D1 (CNS/NTI), CSIS through D2, events through D3.' for report headers."""
    dates = data_through()
    return (
        f"Launch data through {dates['launches']} (CNS/NTI), CSIS through {dates['csis']}, "
        f"events through {dates['events']}."
    )


def not_yet_in_cns() -> pd.DataFrame:
    """CSIS missile events dated after the last CNS/NTI launch day: what the primary series lacks."""
    cutoff = pd.Timestamp(data_through()["launches"])
    csis = launches.load_provocations()
    later = csis[csis["is_missile"] & (csis["date_local"] > cutoff)]
    return (
        later[["date_local", "event", "resources"]]
        .sort_values("date_local", kind="stable")
        .reset_index(drop=True)
    )
