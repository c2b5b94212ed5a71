"""The events behind a claim page: the checked event on both clocks, and the catalogue's context rows."""

from __future__ import annotations

import pandas as pd

from ... import events
from ...reports import event_table
from ...words import plural
from .check import ClaimResult
from .report import event_name

CHECKED = "the event checked: its Pyongyang day starts the window"
SAME_DAY = "context: in our catalogue on the same Pyongyang day (not tested)"
RESPONDS = "context: DPRK statement responding to it (not tested)"


def _catalogue_row(row: pd.Series, event_id: str, status: str) -> dict:
    """One catalogue event as a row of the events table (event_table columns)."""
    time = "" if pd.isna(row.get("time_local")) else str(row.get("time_local", "")).strip()
    return {
        "event_id": event_id,
        "title": str(row["title"]),
        "date (own clock)": f"{row['start_date']:%Y-%m-%d} {time}".strip(),
        "time zone": str(row["timezone"]),
        "date (Pyongyang)": f"{row['start_local']:%Y-%m-%d}",
        "status": status,
        "used": False,
        "source_url": "" if pd.isna(row["source_url"]) else str(row["source_url"]),
    }


def events_table(result: ClaimResult) -> pd.DataFrame:
    """The claim's event (the one the test used) and, for context, our catalogue's events of its
    Pyongyang day and the DPRK statements answering it, with both clocks and the sources."""
    rows = [
        {
            "event_id": "claim",
            "title": event_name(result),
            "date (own clock)": f"{result.event_date} {result.event_time}".strip(),
            "time zone": result.event_tz,
            "date (Pyongyang)": result.event_local_date,
            "status": CHECKED,
            "used": True,
            "source_url": "",
        }
    ]
    catalogue = events.load_events(errors="collect").set_index("event_id")
    for event_id in result.catalogue_events_same_day:
        rows.append(_catalogue_row(catalogue.loc[event_id], event_id, SAME_DAY))
    for s in result.dprk_statements:
        if s.event_id in catalogue.index:
            rows.append(_catalogue_row(catalogue.loc[s.event_id], s.event_id, RESPONDS))
        else:
            rows.append(
                {
                    "event_id": s.event_id,
                    "title": s.title,
                    "date (own clock)": s.date_local,
                    "time zone": "Asia/Pyongyang",
                    "date (Pyongyang)": s.date_local,
                    "status": RESPONDS,
                    "used": False,
                    "source_url": s.source_url,
                }
            )
    return pd.DataFrame(rows, columns=event_table.COLUMNS)


def events_sentence(table: pd.DataFrame) -> str:
    """How many events the check used and how many are listed for context only."""
    same = int((table["status"] == SAME_DAY).sum())
    said = int((table["status"] == RESPONDS).sum())
    return (
        f"**1 event checked** (the claim's, on {table.loc[0, 'date (Pyongyang)']} in Pyongyang); "
        f"listed for context, not tested: {plural(same, 'catalogue event')} of the same Pyongyang "
        f"day and {plural(said, 'DPRK statement')} answering it."
    )
