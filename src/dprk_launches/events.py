"""The events catalogue: loading and validating our CSVs and users' own, on the Pyongyang clock."""

from __future__ import annotations

import calendar
import csv
import datetime as dt
import difflib
import io
import re
import sys
import warnings
from dataclasses import dataclass, field
from pathlib import Path
from typing import TextIO
from urllib.parse import urlsplit
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd

from . import config, schemas
from .schemas import DataError, Rejection

DEFAULT_TIME = dt.time(12, 0)
REQUIRED_COLUMNS = [
    c for c in schemas.EVENT_FILE_COLUMNS if c not in schemas.OPTIONAL_EVENT_COLUMNS
]
SLUG_RE = re.compile(r"^\d{4}-\d{2}(?:-\d{2})?-[a-z0-9]+(?:-[a-z0-9]+)*$", re.ASCII)
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$", re.ASCII)
DAY_RE = re.compile(r"^\d{4}-\d{2}-\d{2}$", re.ASCII)
MONTH_RE = re.compile(r"^\d{4}-\d{2}$", re.ASCII)
MAX_LISTED = 10
OWN_CATEGORY_RE = re.compile(r"^[a-z][a-z0-9_]*$", re.ASCII)
CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")
_ZONES = available_timezones()
_RAW_COLUMNS = [*schemas.EVENT_FILE_COLUMNS, "file", "row"]


class PathError(DataError):
    """A path argument that names nothing checkable: missing, not a file or folder, no CSVs inside."""


@dataclass(frozen=True)
class Anniversary:
    """A recurring DPRK commemoration, generated for every year in which it was observed."""

    slug: str
    title: str
    month: int
    day: int
    first_year: int
    last_year: int | None
    source_url: str
    source_kind: str
    source_note: str


ANNIVERSARIES = [
    Anniversary(
        "shining-star",
        "Day of the Shining Star (Kim Jong Il's birthday)",
        2,
        16,
        1982,
        None,
        "http://www.kcna.co.jp/item/2014/201402/news16/20140216-27ee.html",
        "wire",
        "KCNA, 16 Feb 2014: the DPRK celebrates the Day of the Shining Star (16 February), "
        "Kim Jong Il's birthday; an official holiday since 1982",
    ),
    Anniversary(
        "day-of-the-sun",
        "Day of the Sun (Kim Il Sung's birthday)",
        4,
        15,
        1968,
        None,
        "https://armenpress.am/eng/news/971252/",
        "wire",
        "15 April; an official holiday since 1968, named Day of the Sun in 1997",
    ),
    Anniversary(
        "kpa-founding-apr25",
        "Korean People's Army founding day (25 April)",
        4,
        25,
        1978,
        2017,
        "https://koreajoongangdaily.joins.com/2018/01/23/politics/Norths-army-founding-day-shifted-to-eve-of-Olympics/3043713.html",
        "secondary",
        "KPA founding marked on 25 April from 1978 until the January 2018 switch back to 8 February",
    ),
    Anniversary(
        "kpa-founding-feb8",
        "Korean People's Army founding day (8 February)",
        2,
        8,
        2018,
        None,
        "https://www.efe.com/efe/english/world/pyongyang-to-celebrate-army-founding-day-on-eve-of-pyeongchang-olympics/50000262-3500595",
        "wire",
        "EFE, 23 Jan 2018: the WPK Politburo decided (KCNA) that KPA founding day is 8 February again",
    ),
    Anniversary(
        "victory-day",
        "Victory Day (Korean War armistice)",
        7,
        27,
        1953,
        None,
        "http://www.kcna.co.jp/item/2019/201907/news27/20190727-13ee.html",
        "wire",
        "KCNA, 27 Jul 2019: the 66th anniversary of the victory in the Fatherland Liberation War "
        "(27 July 1953) celebrated across the DPRK",
    ),
    Anniversary(
        "dprk-founding",
        "Founding of the DPRK",
        9,
        9,
        1948,
        None,
        "https://www.urdupoint.com/en/world/north-korea-commemorates-76th-founding-annive-1861217.html",
        "wire",
        "APP, 9 Sep 2024: North Korea commemorated the 76th anniversary of its founding (9 September 1948)",
    ),
    Anniversary(
        "party-founding",
        "Founding of the Workers' Party of Korea",
        10,
        10,
        1945,
        None,
        "http://www.kcna.co.jp/item/2015/201510/news10/20151010-33ee.html",
        "wire",
        "KCNA, 10 Oct 2015: the 70th founding anniversary of the Workers' Party of Korea "
        "(10 October 1945) celebrated",
    ),
]
ANNIVERSARY_YEARS = (1984, 2026)


def anniversaries(
    first_year: int = ANNIVERSARY_YEARS[0], last_year: int = ANNIVERSARY_YEARS[1]
) -> pd.DataFrame:
    """Catalogue rows for the DPRK's recurring commemorations, generated from ANNIVERSARIES."""
    return pd.DataFrame(
        _anniversary_rows(first_year, last_year), columns=schemas.EVENT_FILE_COLUMNS
    )


def _anniversary_rows(first_year: int, last_year: int) -> list[dict]:
    """The generated anniversary rows as file-text dicts."""
    rows = []
    for a in ANNIVERSARIES:
        start = max(first_year, a.first_year)
        stop = min(last_year, a.last_year or last_year)
        for year in range(start, stop + 1):
            rows.append(
                {
                    "event_id": f"{year}-{a.month:02d}-{a.day:02d}-{a.slug}",
                    "category": "political_calendar",
                    "subcategory": "anniversary",
                    "actor": "DPRK",
                    "title": a.title,
                    "start_date": f"{year}-{a.month:02d}-{a.day:02d}",
                    "end_date": "",
                    "date_precision": "day",
                    "timezone": "Asia/Pyongyang",
                    "time_local": "",
                    "source_url": a.source_url,
                    "source_kind": a.source_kind,
                    "source_note": a.source_note,
                    "notes": "generated from a rule in dprk_launches.events.ANNIVERSARIES",
                    "responds_to": "",
                    "threat_level": "",
                }
            )
    return rows


def catalogue_files(folder: Path | None = None) -> list[Path]:
    """The committed catalogue CSVs, one per category, sorted by name."""
    folder = folder or config.EVENTS_DIR
    return sorted(p for p in folder.glob("*.csv") if not p.name.startswith(("_", ".")))


@dataclass
class RawFile:
    """One events file read as text: its good rows, its structurally bad rows, and warnings."""

    rows: list[dict]
    rejected: list[Rejection] = field(default_factory=list)
    warnings: list[str] = field(default_factory=list)


def _short(value: str, limit: int = 60) -> str:
    """A value cut to `limit` characters for messages."""
    return value if len(value) <= limit else value[:limit] + f"… ({len(value)} characters)"


def _nearest(value: str, options: list[str]) -> str:
    """' (did you mean 'x'?)' for the closest option to `value`, or ''."""
    close = difflib.get_close_matches(value.strip().lower(), options, n=1, cutoff=0.6)
    return f" (did you mean '{close[0]}'?)" if close else ""


def _header_problems(header: list[str], catalogue: bool) -> list[str]:
    """Everything wrong with a header row: empty, duplicate, unknown and missing names."""
    if len(header) == 1 and (sep := next((c for c in ";\t|" if c in header[0]), None)):
        return [
            f"the header is one column separated by {sep!r}: save the file as comma-separated CSV"
        ]
    problems = []
    for i, name in enumerate(header, 1):
        if not name:
            problems.append(f"column {i} has no name (a trailing comma?)")
    seen: set[str] = set()
    for name in header:
        if name and name in seen:
            problems.append(f"column '{name}' appears twice")
        seen.add(name)
    unknown = [n for n in dict.fromkeys(header) if n and n not in schemas.EVENT_FILE_COLUMNS]
    for name in unknown[:MAX_LISTED]:
        problems.append(
            f"unknown column '{_short(name)}'{_nearest(name, schemas.EVENT_FILE_COLUMNS)}"
        )
    if len(unknown) > MAX_LISTED:
        problems.append(f"and {len(unknown) - MAX_LISTED} more unknown columns")
    if len(problems) > 2 * MAX_LISTED:
        problems = [
            *problems[:MAX_LISTED],
            f"and {len(problems) - MAX_LISTED} more header problems",
        ]
    missing = [c for c in REQUIRED_COLUMNS if c not in header]
    if missing:
        problems.append(f"missing column(s) {missing}")
    if catalogue and not problems and header != schemas.EVENT_FILE_COLUMNS:
        problems.append(
            f"catalogue files need exactly these columns in this order: "
            f"{','.join(schemas.EVENT_FILE_COLUMNS)}"
        )
    return problems


def _field_problem(column: str, value: str) -> str | None:
    """Why one raw field is unacceptable whatever its column's rules, or None."""
    if "\x00" in value:
        return "contains a NUL byte (a binary or UTF-16 file?)"
    if len(value) > schemas.MAX_FIELD_CHARS:
        return f"longer than {schemas.MAX_FIELD_CHARS} characters ({len(value)})"
    if m := CONTROL_RE.search(value):
        return f"contains the control character U+{ord(m.group()):04X}"
    if column in schemas.FREE_TEXT_COLUMNS and value.startswith(("\t", "\r")):
        return "starts with a tab or carriage return (read as a formula by spreadsheets)"
    if column not in schemas.MULTILINE_COLUMNS and ("\n" in value or "\r" in value):
        return "contains a line break; only source_note and notes may span lines"
    text = value.strip()
    if column in schemas.FREE_TEXT_COLUMNS and text.startswith(schemas.FORMULA_PREFIXES):
        return f"starts with '{text[0]}' (read as a formula by spreadsheets); reword it"
    return None


def _csv_records(shown: str, text: str) -> list[list[str]]:
    """Every record of a CSV text (strict quoting); unreadable CSV raises DataError with the row."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    records: list[list[str]] = []
    try:
        for record in reader:
            records.append(record)
    except csv.Error as exc:
        row = len(records) + 1
        if "field larger than field limit" in str(exc):
            reason = f"a field is far longer than the {schemas.MAX_FIELD_CHARS}-character limit"
        else:
            reason = f"not a readable CSV ({exc}); check the quotes"
        raise DataError(shown, reason, row=row) from exc
    return records


def _decode(shown: str, data: bytes) -> str:
    """UTF-8 text of a file (a BOM is allowed); other encodings raise DataError."""
    if data.startswith((b"\xff\xfe", b"\xfe\xff")) or data.count(b"\x00") * 4 > len(data):
        raise DataError(shown, "looks like UTF-16 (NUL bytes); save the file as UTF-8")
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            shown, f"not UTF-8 (byte {exc.start}, line {line}); save the file as UTF-8"
        ) from exc


def _read_bytes(path: Path, shown: str) -> bytes:
    """The bytes of a file, with a clear DataError for anything that stops reading it."""
    try:
        return path.read_bytes()
    except FileNotFoundError as exc:
        raise DataError(shown, "no such file") from exc
    except IsADirectoryError as exc:
        raise DataError(shown, "is a folder, not a CSV file") from exc
    except OSError as exc:
        raise DataError(shown, f"cannot be read ({exc.strerror or exc})") from exc


def _read_event_file(path: Path, catalogue: bool = False) -> RawFile:
    """Read one events CSV as text; file-level problems raise DataError, bad rows are collected."""
    shown = config.display_path(path)
    data = _read_bytes(path, shown)
    if not data.strip():
        raise DataError(shown, "the file is empty")
    records = _csv_records(shown, _decode(shown, data))
    if not records or not any(f.strip() for f in records[0]):
        raise DataError(shown, "the first line must be the header", row=1)
    header = [h.strip() for h in records[0]]
    problems = _header_problems(header, catalogue)
    if problems:
        raise DataError(
            shown, "; ".join(problems) + f". Valid columns: {','.join(schemas.EVENT_FILE_COLUMNS)}"
        )
    rows, rejected, unknown_kind = [], [], []
    for number, record in enumerate(records[1:], start=2):
        if not any(f.strip() for f in record):
            continue
        if len(record) != len(header):
            extra_empty = len(record) > len(header) and not any(
                f.strip() for f in record[len(header) :]
            )
            hint = " (trailing comma?)" if extra_empty else ""
            reason = f"row {number} has {len(record)} fields, header has {len(header)}{hint}"
            rejected.append(Rejection(shown, number, None, "", reason))
            continue
        problem = next(
            (
                (c, v, r)
                for c, v in zip(header, record, strict=True)
                if (r := _field_problem(c, v)) is not None
            ),
            None,
        )
        if problem is not None:
            column, value, reason = problem
            rejected.append(Rejection(shown, number, column, _short(value), reason))
            continue
        row = {c: "" for c in schemas.EVENT_FILE_COLUMNS}
        row.update({c: v.strip() for c, v in zip(header, record, strict=True)})
        if catalogue and row["source_kind"] == schemas.UNKNOWN_SOURCE_KIND:
            reason = f"our catalogue needs one of {', '.join(schemas.SOURCE_KINDS)}"
            rejected.append(Rejection(shown, number, "source_kind", row["source_kind"], reason))
            continue
        if not catalogue and row["source_kind"] in ("", schemas.UNKNOWN_SOURCE_KIND):
            row["source_kind"] = schemas.UNKNOWN_SOURCE_KIND
            unknown_kind.append(number)
        row["file"], row["row"] = shown, number
        rows.append(row)
    if not rows and not rejected:
        raise DataError(shown, "has a header but no events")
    notes = []
    if unknown_kind:
        notes.append(
            f"{shown}: {len(unknown_kind)} row(s) without source_kind, treated as 'unknown' "
            f"(say primary, wire or secondary)"
        )
    return RawFile(rows, rejected, notes)


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


def _url_problem(url: str) -> str | None:
    """Why a source_url is not a usable http(s) URL, or None."""
    if not re.match(r"^https?://\S+$", url):
        return "not an http(s) URL"
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not host:
        return "the URL has no host"
    return None


def source_policy_problem(url: str) -> str | None:
    """Why `events check` refuses a source host (blocklist, trailing dot), or None."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("."):
        return f"host '{host}' ends with a dot; write '{host.rstrip('.')}'"
    for blocked in schemas.BLOCKED_HOSTS:
        if host == blocked or host.endswith("." + blocked):
            return (
                f"host '{host}' is on the blocklist of personal blogs and scraper mirrors "
                f"({blocked}); cite a primary or wire source"
            )
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
    if reason := _url_problem(row["source_url"]):
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
        return None
    for column in ("responds_to", "threat_level"):
        if row[column]:
            return column, row[column], "only for category dprk_statement; leave it empty"
    return None


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
    known = set(ids)
    all_ids = {r["event_id"] for r in rows}
    resolved = []
    for row in keep:
        target = row["responds_to"]
        if target and target not in known:
            why = "was itself rejected" if target in all_ids else "is not in the catalogue"
            reject(row, ("responds_to", target, f"the event it responds to {why}"))
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
    return schemas.EVENTS.validate(frame[list(schemas.EVENTS.columns)])


def to_file_frame(table: pd.DataFrame) -> pd.DataFrame:
    """A loaded events table back as file text (the 16 catalogue columns), the inverse of loading."""
    out = pd.DataFrame(index=table.index)
    month = table["date_precision"] == "month"
    for column in schemas.EVENT_FILE_COLUMNS:
        if column in ("start_date", "end_date"):
            days = table[column].dt.strftime("%Y-%m-%d")
            months = table[column].dt.strftime("%Y-%m")
            out[column] = days.where(~month, months).fillna("").astype(str)
        else:
            out[column] = table[column].fillna("").astype(str)
    return out.reset_index(drop=True)


def _folder_csvs(folder: Path) -> tuple[list[Path], list[DataError]]:
    """The *.csv files directly in a folder, and a DataError for every entry that looks wrong."""
    shown = config.display_path(folder)
    try:
        entries = sorted(folder.iterdir())
    except OSError as exc:
        raise PathError(shown, f"cannot list this folder ({exc.strerror or exc})") from exc
    files, problems, others = [], [], []
    for entry in entries:
        name = entry.name
        if name.startswith("."):
            continue
        if entry.suffix == ".csv":
            if entry.is_dir():
                problems.append(
                    DataError(entry, "is a folder, not a CSV file (folders are not searched)")
                )
            elif not entry.is_file():
                problems.append(
                    DataError(entry, "cannot be read (a broken symbolic link or a link loop?)")
                )
            else:
                files.append(entry)
        elif entry.suffix.lower() == ".csv":
            problems.append(
                DataError(entry, f"extension '{entry.suffix}' is not '.csv': rename the file")
            )
        else:
            others.append(name)
    if not files:
        found = [config.display_path(p.file) for p in problems] + others
        listing = f" (found: {', '.join(found)})" if found else " (the folder is empty)"
        details = "".join(f"; {p}" for p in problems)
        raise PathError(shown, f"no .csv files in this folder{listing}{details}")
    return files, problems


def _expand(paths: list[Path | str]) -> tuple[list[Path], list[DataError]]:
    """Files named directly, plus every *.csv inside named folders; and the problems found."""
    files: list[Path] = []
    problems: list[DataError] = []
    for p in map(Path, paths):
        if p.is_dir():
            found, wrong = _folder_csvs(p)
            files.extend(found)
            problems.extend(wrong)
        elif p.is_file():
            files.append(p)
        elif p.is_symlink():
            raise PathError(p, "is a broken symbolic link or a link loop")
        elif p.exists():
            raise PathError(p, "is neither a regular file nor a folder")
        else:
            raise PathError(p, "no such file or folder")
    return files, problems


@dataclass
class _Gathered:
    """Raw rows of several files, with every file-level error, row rejection and warning."""

    rows: list[dict]
    file_errors: list[DataError]
    rejected: list[Rejection]
    warnings: list[str]


def _gather(paths: list[Path], catalogue: bool = False) -> _Gathered:
    """Read every file, keeping going past broken ones so all problems are reported together."""
    rows, file_errors, rejected, notes = [], [], [], []
    for path in paths:
        try:
            raw = _read_event_file(path, catalogue=catalogue)
        except DataError as exc:
            file_errors.append(exc)
            continue
        rows.extend(raw.rows)
        rejected.extend(raw.rejected)
        notes.extend(raw.warnings)
    return _Gathered(rows, file_errors, rejected, notes)


def _raise_first(file_errors: list[DataError]) -> None:
    """Raise the first file-level error, saying how many other files also failed."""
    if not file_errors:
        return
    first = file_errors[0]
    if len(file_errors) == 1:
        raise first
    others = ", ".join(e.file for e in file_errors[1:])
    raise DataError(
        first.file, f"{first.reason} (also failing: {others})", first.row, first.column
    ) from first


def _raw_catalogue(include_generated: bool, skip: tuple[Path, ...] = ()) -> list[dict]:
    """Our committed catalogue files as raw text rows (minus `skip`), plus the generated anniversaries."""
    skipped = {p.resolve() for p in skip}
    gathered = _gather([p for p in catalogue_files() if p.resolve() not in skipped], True)
    _raise_first(gathered.file_errors)
    if gathered.rejected:
        first = gathered.rejected[0]
        raise DataError(first.file, first.reason, row=first.row, column=first.column)
    rows = list(gathered.rows)
    if include_generated:
        generated = _anniversary_rows(*ANNIVERSARY_YEARS)
        for number, row in enumerate(generated, 1):
            row["file"], row["row"] = "generated:anniversaries", number
        rows.extend(generated)
    return rows


def load_events(
    categories: list[str] | None = None,
    extra: list[Path | str] | None = None,
    errors: str = "raise",
    include_generated: bool = True,
    own_categories: bool = False,
) -> pd.DataFrame:
    """Our catalogue (plus users' files or folders in `extra`), validated, on the Pyongyang clock.

    attrs['rejected'] lists the rows left out (errors='collect'); attrs['warnings'] what to fix.
    With `own_categories`, rows of `extra` may use categories of their own (lowercase slugs, any
    lowercase-slug subcategory or none); every other rule still applies.
    """
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
    if categories is not None:
        unknown = sorted(set(categories) - set(schemas.EVENT_CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; use {schemas.EVENT_CATEGORIES}")
    files, folder_problems = _expand(extra or [])
    theirs = _gather(files)
    _raise_first(folder_problems + theirs.file_errors)
    if theirs.rejected and errors == "raise":
        first = theirs.rejected[0]
        raise DataError(
            first.file,
            f"{first.reason} (value {first.value!r})",
            row=first.row,
            column=first.column,
        )
    ours = _raw_catalogue(include_generated)
    own = frozenset(r["file"] for r in theirs.rows) if own_categories else frozenset()
    keep, rejected = _validate_rows(ours + theirs.rows, errors, frozenset(), own)
    table = _finish(keep)
    if categories is not None:
        table = table[table["category"].isin(categories)].reset_index(drop=True)
    for message in theirs.warnings:
        warnings.warn(message, UserWarning, stacklevel=2)
    table.attrs["rejected"] = theirs.rejected + rejected
    table.attrs["warnings"] = theirs.warnings
    return table


@dataclass
class CheckResult:
    """What `events check` found: problems (each naming file, row, column) and warnings."""

    files: list[str]
    problems: list[Rejection]
    warnings: list[str]


def check(path: Path | str, own_categories: bool = False) -> CheckResult:
    """Every problem with a user's events file or folder, checked against our catalogue.

    Raises PathError when `path` names nothing checkable; a broken file inside is a problem.
    `own_categories` allows the user's own lowercase categories, as in `load_events`.
    """
    files, folder_problems = _expand([path])
    ours = _raw_catalogue(include_generated=True, skip=tuple(files))
    theirs = _gather(files)
    shown = frozenset(config.display_path(p) for p in files)
    own = shown if own_categories else frozenset()
    keep, rejected = _validate_rows(ours + theirs.rows, "collect", shown, own)
    _finish([r for r in keep if r["file"] in shown])
    problems = [
        Rejection(e.file, e.row, e.column, "", e.reason)
        for e in folder_problems + theirs.file_errors
    ]
    problems += theirs.rejected + [r for r in rejected if r.file in shown]
    problems.sort(key=lambda r: (r.file, r.row or 0))
    secondary: dict[str, list[int]] = {}
    for row in theirs.rows:
        if row["source_kind"] == "secondary":
            secondary.setdefault(row["file"], []).append(row["row"])
    notes = list(theirs.warnings)
    for file, rows in sorted(secondary.items()):
        listed = ", ".join(map(str, rows))
        notes.append(
            f"{file}: {len(rows)} row(s) rest on a secondary source (rows {listed}); "
            "prefer a primary or wire source"
        )
    return CheckResult([config.display_path(p) for p in files], problems, notes)


def check_file(path: Path | str) -> list[Rejection]:
    """Every problem with a user's events file or folder (see `check`), warnings left out."""
    return check(path).problems


def format_problem(problem: Rejection) -> str:
    """One line naming file, row and column of a problem."""
    where = problem.file
    if problem.row is not None:
        where += f" row {problem.row}"
    if problem.column is not None:
        where += f", column '{problem.column}'"
    value = f" (value {problem.value!r})" if problem.value else ""
    return f"{where}: {problem.reason}{value}"


def run_check(
    path: Path | str,
    out: TextIO | None = None,
    err: TextIO | None = None,
    own_categories: bool = False,
) -> int:
    """`events check`: problems to `out`, warnings to `err`; exit 0 ok, 1 problems, 2 unusable path."""
    out, err = out or sys.stdout, err or sys.stderr
    try:
        result = check(path, own_categories=own_categories)
    except PathError as exc:
        print(f"error: {exc}", file=err)
        return 2
    except DataError as exc:
        print(f"error in our catalogue: {exc}", file=err)
        return 2
    for message in result.warnings:
        print(f"warning: {message}", file=err)
    for problem in result.problems:
        print(format_problem(problem), file=out)
    if result.problems:
        print(f"{len(result.problems)} problem(s) found; nothing was loaded.", file=err)
        return 1
    print(f"{path}: OK ({len(result.files)} file(s))", file=out)
    return 0


def per_category_year(events: pd.DataFrame) -> pd.DataFrame:
    """Coverage table: events per category (rows) per year of start_local (columns)."""
    return (
        events.assign(year=events["start_local"].dt.year)
        .pivot_table(
            index="category", columns="year", values="event_id", aggfunc="count", fill_value=0
        )
        .astype(int)
    )
