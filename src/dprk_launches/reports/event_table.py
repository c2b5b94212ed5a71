"""The events behind a result, auditable: every event listed with why it was used or left out, as a
searchable HTML table and a CSV download embedded in the page (a data: link; no external request)."""

from __future__ import annotations

import base64
import html
import re

import numpy as np
import pandas as pd

from ..analysis.headline import PRE_WINDOW
from ..analysis.shift import LOOKBACK
from ..windows import event_positions

USED = "used"
SAFE_URL = re.compile(r"^https?://[^\s<>\"']+$", re.IGNORECASE)
# Spreadsheet formula prefixes: a cell starting with one is prefixed with ' in the CSV (OWASP).
FORMULA = ("=", "+", "@", "\t", "\r")
COLUMNS = [
    "event_id",
    "title",
    "date (own clock)",
    "time zone",
    "date (Pyongyang)",
    "status",
    "used",
    "source_url",
]
RANGE_COLUMNS = ["end (own clock)", "end (Pyongyang)"]
NOWRAP = {"date (own clock)", "date (Pyongyang)", "date_local", *RANGE_COLUMNS}


def _day(value: object) -> str:
    """A timestamp as YYYY-MM-DD ('' when missing)."""
    return "" if pd.isna(value) else f"{pd.Timestamp(value):%Y-%m-%d}"


def _own_clock(row: pd.Series) -> str:
    """The event's start on its own clock: the date, and the time when the catalogue has one."""
    time = row.get("time_local", "")
    time = "" if pd.isna(time) else str(time).strip()
    return f"{_day(row['start_date'])} {time}".strip()


def audit(
    listed: pd.DataFrame,
    daily: pd.DataFrame,
    window: tuple[int, int],
    pre_window: tuple[int, int] = PRE_WINDOW,
    extra: tuple[str, ...] = (),
) -> pd.DataFrame:
    """One row per listed event, in date order, with its status: used, used but on the same
    Pyongyang day as an earlier event (counted once), or dropped and why.

    The rules are the headline test's (`analysis.headline.usable_positions`): 30 days of launch data
    before the event and room for the window and the pre-window inside the calendar.
    """
    calendar = pd.DatetimeIndex(daily.index)
    first, last = calendar[0], calendar[-1]
    span = (min(window[0], pre_window[0]), max(window[1], 0))
    frame = listed.sort_values(["start_local", "event_id"], kind="stable").reset_index(drop=True)
    before = int((frame["start_local"] < first).sum())
    frame = frame[frame["start_local"] >= first].reset_index(drop=True)
    pos = event_positions(calendar, frame["start_local"]) if len(frame) else np.array([], int)
    statuses, used, seen = [], [], {}
    for (_, row), p in zip(frame.iterrows(), pos, strict=True):
        start = pd.Timestamp(row["start_local"]).normalize()
        if start > last:
            status = f"dropped: after the last launch-data day ({last:%Y-%m-%d})"
        elif p < LOOKBACK or p + span[0] < 0:
            status = f"dropped: fewer than {LOOKBACK} days of launch data before it"
        elif p + span[1] >= len(calendar):
            status = (
                "dropped: its window runs past the last launch-data day "
                f"(to day {span[1]:+d}; data end {last:%Y-%m-%d})"
            )
        elif p in seen:
            status = f"used: same Pyongyang day as {seen[p]}, counted once"
        else:
            seen[p] = row["event_id"]
            status = USED
        statuses.append(status)
        used.append(status.startswith(USED))
    table = pd.DataFrame(
        {
            "event_id": frame["event_id"].astype(str),
            "title": frame["title"].fillna("").astype(str),
            "date (own clock)": [_own_clock(r) for _, r in frame.iterrows()],
            "time zone": frame["timezone"].fillna("").astype(str),
            "date (Pyongyang)": frame["start_local"].map(_day),
            "status": statuses,
            "used": used,
            "source_url": frame["source_url"].fillna("").astype(str),
        }
    )
    ends = (
        "end_local" in frame
        and (frame["end_local"].notna() & (frame["end_local"] > frame["start_local"])).any()
    )
    if ends:
        table.insert(4, "end (own clock)", frame["end_date"].map(_day))
        table.insert(6, "end (Pyongyang)", frame["end_local"].map(_day))
    for column in extra:
        table[column] = frame[column].astype(str)
    table.attrs["before_study"] = before
    table.attrs["study_start"] = f"{first:%Y-%m-%d}"
    return table


def used_days(table: pd.DataFrame) -> int:
    """Distinct Pyongyang days of the used events: what the test calls its number of events."""
    return int(table.loc[table["used"], "date (Pyongyang)"].nunique())


def check(table: pd.DataFrame, n_events: int) -> None:
    """Refuse a table whose used event days differ from the test's count (the page would not reconcile)."""
    if used_days(table) != n_events:
        raise ValueError(
            f"the events table has {used_days(table)} used event days but the test counted "
            f"{n_events}: the table's rules (event_table.audit) no longer match the test's"
        )


def counts_sentence(table: pd.DataFrame, what: str = "events") -> str:
    """Listed, used, merged (same day) and dropped, with the reasons, so the page's counts add up."""
    n, used = len(table), int(table["used"].sum())
    merged = int(table["status"].str.startswith(f"{USED}:").sum())
    dropped = table.loc[~table["used"], "status"].str.removeprefix("dropped: ")
    noun = what.removesuffix("s") if n == 1 else what
    text = f"**{n} {noun} listed; {used} used**"
    if table.attrs.get("before_study"):
        text = (
            f"The catalogue has {table.attrs['before_study']} more before the study start "
            f"({table.attrs['study_start']}), outside this question. " + text
        )
    if merged:
        text += (
            f", on {used_days(table)} distinct Pyongyang days ({merged} "
            f"{'falls' if merged == 1 else 'fall'} on the same day as an earlier one and "
            f"{'counts' if merged == 1 else 'count'} once)"
        )
    if len(dropped):
        reasons = "; ".join(
            f"{count} {reason.split(' (')[0]}" for reason, count in dropped.value_counts().items()
        )
        text += f"; {len(dropped)} left out ({reasons})"
    return text + ". Every one is in the table below, with its status."


def csv_bytes(table: pd.DataFrame) -> bytes:
    """The table as UTF-8 CSV (formula-like cells prefixed with ' so spreadsheets show them as text)."""
    safe = table.copy()
    for column in safe.columns:
        if safe[column].dtype == object or pd.api.types.is_string_dtype(safe[column]):
            safe[column] = safe[column].map(
                lambda v: "'" + v if isinstance(v, str) and v.startswith(FORMULA) else v
            )
    return safe.to_csv(index=False, lineterminator="\n").encode("utf-8")


def _link(url: str) -> str:
    """A clickable, escaped http(s) link showing the whole URL; anything else as plain text."""
    if SAFE_URL.match(url):
        href = html.escape(url, quote=True)
        return f'<a href="{href}" rel="noopener noreferrer">{href}</a>'
    return html.escape(url)


FILTER_SCRIPT = """<script>
(function () {
  var box = document.currentScript.parentElement;
  var input = box.querySelector("input[type=search]");
  var rows = Array.prototype.slice.call(box.querySelectorAll("tbody tr"));
  var shown = box.querySelector(".dprk-shown");
  input.addEventListener("input", function () {
    var words = input.value.toLowerCase().split(/\\s+/).filter(Boolean);
    var count = 0;
    rows.forEach(function (row) {
      var text = row.textContent.toLowerCase();
      var hit = words.every(function (w) { return text.indexOf(w) >= 0; });
      row.hidden = !hit;
      if (hit) { count += 1; }
    });
    shown.textContent = count + " of " + rows.length + " shown";
  });
})();
</script>"""


def html_table(table: pd.DataFrame, name: str, what: str = "events") -> str:
    """The whole table (no row or text cut), a search box and a CSV download link, self-contained."""
    slug = re.sub(r"[^a-z0-9_-]+", "-", name.lower()).strip("-") or "events"
    data = base64.b64encode(csv_bytes(table)).decode("ascii")
    head = "".join(f"<th>{html.escape(str(c))}</th>" for c in table.columns if c != "used")
    rows = []
    for _, row in table.iterrows():
        cells = []
        for column in table.columns:
            if column == "used":
                continue
            value = "" if pd.isna(row[column]) else str(row[column])
            nowrap = ' class="dprk-nowrap"' if column in NOWRAP else ""
            shown = _link(value) if column == "source_url" else html.escape(value)
            cells.append(f"<td{nowrap}>{shown}</td>")
        mark = "" if row["used"] else ' class="dprk-dropped"'
        rows.append(f"<tr{mark}>{''.join(cells)}</tr>")
    return (
        f'<div class="dprk-events" id="events-{slug}">'
        f'<p class="dprk-events-tools"><a class="dprk-csv" download="{slug}.csv" '
        f'href="data:text/csv;charset=utf-8;base64,{data}">Download all {len(table)} {what} as CSV</a> '
        f'<label>Search the table: <input type="search" placeholder="id, date, title, status…"></label> '
        f'<span class="dprk-shown">{len(table)} of {len(table)} shown</span></p>'
        f'<table class="dprk-events-table"><thead><tr>{head}</tr></thead>'
        f"<tbody>{''.join(rows)}</tbody></table>{FILTER_SCRIPT}</div>"
    )
