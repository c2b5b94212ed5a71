"""Row and field validation rules for event rows, and checked rows put on the Pyongyang clock."""

from __future__ import annotations

import calendar
import datetime as dt
import re
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd

from .. import config
from ..records import schemas
from ..records.schemas import DataError, Rejection
from ..records.source_rules import host_kind_problem, source_policy_problem, url_problem
from .files import _nearest, _short

DEFAULT_TIME = dt.time(12, 0)

SLUG_RE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?-[a-z0-9]+(?:-[a-z0-9]+)*$", re.ASCII)

TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$", re.ASCII)

DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)

MONTH_RE = re.compile(r"^\d{4}-\d{2}$", re.ASCII)

OWN_CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]*$", re.ASCII)

_ZONES = available_timezones()

_RAW_COLUMNS = [*schemas.EVENT_FILE_COLUMNS, "file", "row"]


def _to_local_day(date: dt.date, time_text: str, zone: str) -> pd.Timestamp:
    """The Pyongyang calendar day of `date` at `time_text` (or noon) in `zone`."""
    time = dt.time.fromisoformat(time_text) if time_text else DEFAULT_TIME
    moment = dt.datetime.combine(date, time, tzinfo=ZoneInfo(zone))
    return pd.Timestamp(moment.astimezone(config.PYONGYANG).date())


def _parse_date(value: str, precision: str, last: bool = False) -> dt.date:
    """A checked file date as a date: YYYY-MM-DD, or YYYY-MM (1st, or last day if `last`)."""
    if precision == "month":
        year, month = int(value[:4]), int(value[5:7])
        day = calendar.monthrange(year, month)[1] if last else 1
        return dt.date(year, month, day)
    return dt.date.fromisoformat(value)


def _date_problem(value: str, precision: str) -> str | None:
    """Why a start_date/end_date text is unacceptable for its precision, or None."""
    if precision == "month":
        if DAY_RE.match(value):
            return "date_precision is 'month': write the date as YYYY-MM (or use precision 'day')"
        if not MONTH_RE.match(value):
            return "not a YYYY-MM month (date_precision is 'month')"
    elif MONTH_RE.match(value):
        return "a month without a day needs date_precision 'month'"
    elif not DAY_RE.match(value):
        return "not an ISO date YYYY-MM-DD"
    year = int(value[:4])
    if not schemas.FIRST_YEAR <= year <= schemas.LAST_YEAR:
        return f"year {year} is outside {schemas.FIRST_YEAR}-{schemas.LAST_YEAR}"
    try:
        _parse_date(value, precision)
    except ValueError:
        return "impossible calendar date"
    return None


def _vocabulary_problem(column: str, value: str, allowed: list[str]) -> tuple[str, str, str]:
    """A (column, value, reason) naming the allowed values and the nearest one."""
    what = "empty" if not value else f"unknown {column} '{value}'{_nearest(value, allowed)}"
    return column, value, f"{what}; use one of {', '.join(allowed)}"


def _category_problem(row: dict, own: bool) -> tuple[str, str, str] | None:
    """category and subcategory: ours with their allowed lists, or (when `own`) any lowercase slugs."""
    category = row["category"]
    if category in schemas.EVENT_CATEGORIES:
        allowed = schemas.SUBCATEGORIES[category]
        if row["subcategory"] not in allowed:
            column, value, reason = _vocabulary_problem("subcategory", row["subcategory"], allowed)
            return column, value, f"{reason} (for category {category})"
        return None
    if not own:
        return _vocabulary_problem("category", category, schemas.EVENT_CATEGORIES)
    if not OWN_CATEGORY_RE.match(category):
        return (
            "category",
            category,
            f"not one of ours ({', '.join(schemas.EVENT_CATEGORIES)}) nor a lowercase slug "
            "of your own such as my_summits" + _nearest(category, schemas.EVENT_CATEGORIES),
        )
    if row["subcategory"] and not OWN_CATEGORY_RE.match(row["subcategory"]):
        return "subcategory", row["subcategory"], "in your own category: empty or a lowercase slug"
    return None


def _check_row(row: dict, own: bool = False) -> tuple[str, str, str] | None:
    """First problem with one catalogue row as (column, value, reason), or None when it is fine."""
    if problem := _category_problem(row, own):
        return problem
    for column in ("event_id", "title", "timezone"):
        if not row[column]:
            return column, "", "required value is empty"
    if not row["source_url"]:
        return "source_url", "", "every event needs a source_url confirming its date"
    if reason := url_problem(row["source_url"]):
        return "source_url", row["source_url"], reason
    if row["source_kind"] not in (*schemas.SOURCE_KINDS, schemas.UNKNOWN_SOURCE_KIND):
        return _vocabulary_problem("source_kind", row["source_kind"], schemas.SOURCE_KINDS)
    if row["timezone"] not in _ZONES:
        return (
            "timezone",
            row["timezone"],
            "unknown IANA time zone (e.g. America/New_York, Asia/Seoul)"
            + _nearest(row["timezone"], sorted(_ZONES)),
        )
    precision = row["date_precision"]
    if precision not in schemas.PRECISIONS:
        return "date_precision", precision, "must be 'day' or 'month'"
    for column in ("start_date", "end_date"):
        value = row[column]
        if column == "end_date" and not value:
            continue
        if reason := _date_problem(value, precision):
            return column, value, reason
    if row["end_date"] and row["end_date"] < row["start_date"]:
        return "end_date", row["end_date"], f"end_date before start_date {row['start_date']}"
    if row["time_local"] and not TIME_RE.match(row["time_local"]):
        return "time_local", row["time_local"], "not HH:MM (24h)"
    if row["time_local"] and precision == "month":
        return "time_local", row["time_local"], "a time needs date_precision 'day'"
    if not SLUG_RE.match(row["event_id"]):
        return "event_id", row["event_id"], "not a slug YYYY-MM-DD-lowercase-words"
    if not row["event_id"].startswith(row["start_date"]):
        return "event_id", row["event_id"], f"does not start with start_date {row['start_date']}"
    return _response_problem(row)


def _response_problem(row: dict) -> tuple[str, str, str] | None:
    """responds_to / threat_level: required for statements, empty for every other category."""
    if row["category"] in schemas.RESPONDING_CATEGORIES:
        if not row["responds_to"]:
            return "responds_to", "", "required for a statement: the event_id it responds to"
        if row["threat_level"] not in schemas.THREAT_LEVELS:
            return _vocabulary_problem("threat_level", row["threat_level"], schemas.THREAT_LEVELS)
        if row["responds_to"] == row["event_id"]:
            return "responds_to", row["responds_to"], "a statement cannot respond to itself"
        if row["anticipates"] not in ("", schemas.ANTICIPATES):
            return (
                "anticipates",
                row["anticipates"],
                f"'{schemas.ANTICIPATES}' for a statement made before the event it responds to, "
                "else empty",
            )
        return None
    for column in ("responds_to", "threat_level", "anticipates"):
        if row[column]:
            return column, row[column], "only for category dprk_statement; leave it empty"
    return None


def _local_start(row: dict) -> pd.Timestamp:
    """A checked row's first day on the Pyongyang clock (the 1st for month precision)."""
    start = _parse_date(row["start_date"], row["date_precision"])
    if row["date_precision"] == "month":
        return pd.Timestamp(start)
    return _to_local_day(start, row["time_local"], row["timezone"])


def _timing_problem(row: dict, target: dict) -> tuple[str, str, str] | None:
    """`anticipates` against the dates: 'yes' exactly when the statement precedes its trigger."""
    before = _local_start(row) < _local_start(target)
    said = row["anticipates"] == schemas.ANTICIPATES
    if before and not said:
        return (
            "anticipates",
            row["anticipates"],
            f"the statement ({_local_start(row):%Y-%m-%d} Pyongyang) is dated before the event it "
            f"responds to ({_local_start(target):%Y-%m-%d}): set anticipates to "
            f"'{schemas.ANTICIPATES}'",
        )
    if said and not before:
        return (
            "anticipates",
            row["anticipates"],
            f"anticipates is '{schemas.ANTICIPATES}' but the statement "
            f"({_local_start(row):%Y-%m-%d} Pyongyang) is not before the event it responds to "
            f"({_local_start(target):%Y-%m-%d}); leave it empty",
        )
    return None


def _is_catalogue_file(file: str) -> bool:
    """True when a row's file (as displayed) is one of our catalogue files in data/events/."""
    path = Path(file)
    if not path.is_absolute():
        path = config.PROJECT_ROOT / path
    try:
        return path.resolve().parent == config.EVENTS_DIR.resolve()
    except OSError:
        return False


def _title_key(row: dict) -> tuple[str, str]:
    """What makes two rows the same event: category and title, case- and space-folded."""
    return row["category"], " ".join(row["title"].lower().split())


def validate_events(
    raw: pd.DataFrame, errors: str = "raise", strict_files: frozenset[str] = frozenset()
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Check raw catalogue rows; return the good ones on the Pyongyang clock and the rejections.

    Rows from `strict_files` also meet the source policy of `events check` (no blocked host).
    """
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
    keep, rejected = _validate_rows(raw.to_dict("records"), errors, strict_files, frozenset())
    return _finish(keep), rejected


def _validate_rows(
    rows: list[dict], errors: str, strict_files: frozenset[str], own_files: frozenset[str]
) -> tuple[list[dict], list[Rejection]]:
    """The rows that pass every rule, and the rejections (or the first one raised).

    Rows from `strict_files` meet the source policy; rows from `own_files` may use own categories.
    """
    rejected: list[Rejection] = []
    ids: dict[str, tuple[str, int]] = {}
    titles: dict[tuple[str, str], tuple[str, int, str]] = {}
    keep: list[dict] = []

    def reject(row: dict, problem: tuple[str, str, str]) -> None:
        column, value, reason = problem
        if errors == "raise":
            raise DataError(
                row["file"], f"{reason} (value {_short(value)!r})", row=row["row"], column=column
            )
        rejected.append(Rejection(row["file"], row["row"], column, _short(value), reason))

    for row in rows:
        problem = _check_row(row, own=row["file"] in own_files)
        if problem is None and row["file"] in strict_files:
            if reason := source_policy_problem(row["source_url"]):
                problem = ("source_url", row["source_url"], reason)
            elif _is_catalogue_file(row["file"]) and (
                reason := host_kind_problem(row["source_url"], row["source_kind"])
            ):
                problem = ("source_kind", row["source_kind"], reason)
        if problem is None and row["event_id"] in ids:
            first = ids[row["event_id"]]
            problem = (
                "event_id",
                row["event_id"],
                f"duplicate event_id (first in {first[0]} row {first[1]})",
            )
        key = _title_key(row)
        if problem is None and key in titles and row["subcategory"] != "anniversary":
            f_file, f_row, f_date = titles[key]
            if f_date != row["start_date"]:
                problem = (
                    "start_date",
                    row["start_date"],
                    f"same event as {f_file} row {f_row} but with another date ({f_date})",
                )
            else:
                problem = ("title", row["title"], f"duplicate of {f_file} row {f_row}")
        if problem is not None:
            reject(row, problem)
            continue
        ids[row["event_id"]] = (row["file"], row["row"])
        titles.setdefault(key, (row["file"], row["row"], row["start_date"]))
        keep.append(row)
    by_id = {r["event_id"]: r for r in keep}
    all_ids = {r["event_id"] for r in rows}
    resolved = []
    for row in keep:
        target = row["responds_to"]
        if target and target not in by_id:
            why = "was itself rejected" if target in all_ids else "is not in the catalogue"
            reject(row, ("responds_to", target, f"the event it responds to {why}"))
            continue
        if target and (problem := _timing_problem(row, by_id[target])):
            reject(row, problem)
            continue
        resolved.append(row)
    return resolved, rejected


def _finish(rows: list[dict]) -> pd.DataFrame:
    """Typed, clock-converted, schema-validated events table from checked rows."""
    frame = pd.DataFrame(rows, columns=_RAW_COLUMNS)
    text_columns = [*schemas.EVENT_FILE_COLUMNS, "file"]
    frame[text_columns] = frame[text_columns].astype(str)
    precision = list(frame["date_precision"])
    starts = [_parse_date(v, p) for v, p in zip(frame["start_date"], precision, strict=True)]
    ends = [
        _parse_date(e, p, last=True) if e else None
        for e, p in zip(frame["end_date"], precision, strict=True)
    ]
    start_local, end_local = [], []
    for s, e, t, z, p in zip(
        starts, ends, frame["time_local"], frame["timezone"], precision, strict=True
    ):
        if p == "month":
            start_local.append(pd.Timestamp(s))
            last = e or _parse_date(s.strftime("%Y-%m"), "month", last=True)
            end_local.append(pd.Timestamp(last))
            continue
        start_local.append(_to_local_day(s, t, z))
        end_local.append(_to_local_day(e, "", z) if e else start_local[-1])
    frame["start_date"] = pd.to_datetime(pd.Series(starts, dtype=object)).astype("datetime64[ns]")
    frame["end_date"] = pd.to_datetime(pd.Series(ends, dtype=object)).astype("datetime64[ns]")
    frame["start_local"] = pd.Series(start_local, dtype="datetime64[ns]")
    frame["end_local"] = pd.Series(end_local, dtype="datetime64[ns]")
    frame["end_local"] = frame[["start_local", "end_local"]].max(axis=1)
    for column in ("time_local", "source_note", "notes", "responds_to", "threat_level"):
        frame[column] = frame[column].replace("", None)
    frame = frame.sort_values(["start_local", "event_id"], kind="stable").reset_index(drop=True)
    frame["anticipates"] = (frame["anticipates"] == schemas.ANTICIPATES).astype(bool)
    from ..records.table_schemas import EVENTS

    return EVENTS.validate(frame[list(EVENTS.columns)])


def same_day_duplicates(table: pd.DataFrame) -> list[tuple[str, ...]]:
    """Typed events of one category that start on the same Pyongyang day, as groups of event_ids.

    An event study counts such a day once; the catalogue says so by naming every other event_id of
    the group in each row's `notes` (see `unexplained_same_day`). Anniversaries are left out.
    """
    typed = table[table["subcategory"] != "anniversary"]
    groups = []
    for _, group in typed.groupby(["category", "start_local"], sort=True):
        if len(group) > 1:
            groups.append(tuple(sorted(group["event_id"])))
    return groups


def unexplained_same_day(table: pd.DataFrame) -> list[tuple[str, list[str]]]:
    """(event_id, the same-day same-category ids its notes do not name) for every such row."""
    notes = dict(zip(table["event_id"], table["notes"].fillna(""), strict=True))
    missing = []
    for group in same_day_duplicates(table):
        for event_id in group:
            unnamed = [o for o in group if o != event_id and o not in notes[event_id]]
            if unnamed:
                missing.append((event_id, unnamed))
    return missing


def to_file_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A loaded events table back as file text (the catalogue columns), the inverse of loading."""
    out = pd.DataFrame(index=table.index)
    month = table["date_precision"] == "month"
    for column in schemas.EVENT_FILE_COLUMNS:
        if column == "anticipates":
            flag = table[column] if column in table.columns else pd.Series(False, index=table.index)
            out[column] = (
                flag.fillna(False).astype(bool).map({True: schemas.ANTICIPATES, False: ""})
            )
        elif column in ("start_date", "end_date"):
            days = table[column].dt.strftime("%Y-%m-%d")
            months = table[column].dt.strftime("%Y-%m")
            out[column] = days.where(~month, months).fillna("").astype(str)
        else:
            out[column] = table[column].fillna("").astype(str)
    return out.reset_index(drop=True)
