"""The events catalogue: loading and validating our CSVs and users' own, on the Pyongyang clock."""

from __future__ import annotations

import datetime as dt
import re
from dataclasses import dataclass
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd

from . import config, schemas
from .schemas import DataError, Rejection

DEFAULT_TIME = dt.time(12, 0)
REQUIRED_COLUMNS = [c for c in schemas.EVENT_FILE_COLUMNS if c != "time_local"]
SLUG_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$")
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$")
_ZONES = available_timezones()


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
    source_note: str


ANNIVERSARIES = [
    Anniversary(
        "shining-star",
        "Day of the Shining Star (Kim Jong Il's birthday)",
        2,
        16,
        1982,
        None,
        "https://encyclopedia.datana.cloud/content/wikipedia_en_all_mini_2024-04/A/Day_of_the_Shining_Star",
        "16 February; an official holiday since 1982",
    ),
    Anniversary(
        "day-of-the-sun",
        "Day of the Sun (Kim Il Sung's birthday)",
        4,
        15,
        1968,
        None,
        "https://armenpress.am/eng/news/971252/",
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
        "KPA founding marked on 25 April from 1978 until the January 2018 switch back to 8 February",
    ),
    Anniversary(
        "kpa-founding-feb8",
        "Korean People's Army founding day (8 February)",
        2,
        8,
        2018,
        None,
        "https://koreajoongangdaily.joins.com/2018/01/23/politics/Norths-army-founding-day-shifted-to-eve-of-Olympics/3043713.html",
        "Politburo decision reported by KCNA, 23 Jan 2018: KPA founding day is 8 February again",
    ),
    Anniversary(
        "victory-day",
        "Victory Day (Korean War armistice)",
        7,
        27,
        1953,
        None,
        "http://dprktourism.com.my/explore_dprk/holidays.php",
        "27 July: The Day of Victory in the Fatherland Liberation War (1953)",
    ),
    Anniversary(
        "dprk-founding",
        "Founding of the DPRK",
        9,
        9,
        1948,
        None,
        "http://dprktourism.com.my/explore_dprk/holidays.php",
        "9 September: The Founding Day of the DPRK (1948)",
    ),
    Anniversary(
        "party-founding",
        "Founding of the Workers' Party of Korea",
        10,
        10,
        1945,
        None,
        "http://dprktourism.com.my/explore_dprk/holidays.php",
        "10 October: The Founding Day of the Workers' Party of Korea (1945)",
    ),
]
ANNIVERSARY_YEARS = (1984, 2026)


def anniversaries(
    first_year: int = ANNIVERSARY_YEARS[0], last_year: int = ANNIVERSARY_YEARS[1]
) -> pd.DataFrame:
    """Catalogue rows for the DPRK's recurring commemorations, generated from ANNIVERSARIES."""
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
                    "source_note": a.source_note,
                    "notes": "generated from a rule in dprk_launches.events.ANNIVERSARIES",
                }
            )
    return pd.DataFrame(rows, columns=schemas.EVENT_FILE_COLUMNS)


def catalogue_files(folder: Path | None = None) -> list[Path]:
    """The committed catalogue CSVs, one per category, sorted by name."""
    folder = folder or config.EVENTS_DIR
    return sorted(p for p in folder.glob("*.csv") if not p.name.startswith(("_", ".")))


def _read_event_file(path: Path) -> pd.DataFrame:
    """Read one events CSV as text; structural problems raise DataError."""
    if not path.exists():
        raise DataError(path, "no such file")
    data = path.read_bytes()
    if not data.strip():
        raise DataError(path, "the file is empty")
    try:
        data.decode("utf-8")
    except UnicodeDecodeError as exc:
        line = data[: exc.start].count(b"\n") + 1
        raise DataError(
            path, f"not UTF-8 (byte {exc.start}, line {line}); save the file as UTF-8"
        ) from exc
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False, encoding="utf-8")
    except pd.errors.ParserError as exc:
        raise DataError(path, f"not a readable CSV ({exc})") from exc
    missing = [c for c in REQUIRED_COLUMNS if c not in frame.columns]
    if missing:
        raise DataError(path, f"missing column(s) {missing}; expected {schemas.EVENT_FILE_COLUMNS}")
    if frame.empty:
        raise DataError(path, "has a header but no events")
    if "time_local" not in frame.columns:
        frame["time_local"] = ""
    frame = frame[schemas.EVENT_FILE_COLUMNS].map(str.strip)
    frame["file"] = config.display_path(path)
    frame["row"] = range(2, len(frame) + 2)
    return frame


def _to_local_day(date: dt.date, time_text: str, zone: str) -> pd.Timestamp:
    """The Pyongyang calendar day of `date` at `time_text` (or noon) in `zone`."""
    time = dt.time.fromisoformat(time_text) if time_text else DEFAULT_TIME
    moment = dt.datetime.combine(date, time, tzinfo=ZoneInfo(zone))
    return pd.Timestamp(moment.astimezone(config.PYONGYANG).date())


def _check_row(row: dict) -> tuple[str, str, str] | None:
    """First problem with one catalogue row as (column, value, reason), or None when it is fine."""
    if row["category"] not in schemas.EVENT_CATEGORIES:
        return (
            "category",
            row["category"],
            f"unknown category; use one of {schemas.EVENT_CATEGORIES}",
        )
    for column in ("event_id", "subcategory", "title", "timezone"):
        if not row[column]:
            return column, "", "required value is empty"
    if not row["source_url"]:
        return "source_url", "", "every event needs a source_url confirming its date"
    if not re.match(r"^https?://\S+$", row["source_url"]):
        return "source_url", row["source_url"], "not an http(s) URL"
    if row["timezone"] not in _ZONES:
        return (
            "timezone",
            row["timezone"],
            "unknown IANA time zone (e.g. America/New_York, Asia/Seoul)",
        )
    if row["date_precision"] not in schemas.PRECISIONS:
        return "date_precision", row["date_precision"], "must be 'day' or 'month'"
    for column in ("start_date", "end_date"):
        value = row[column]
        if column == "end_date" and not value:
            continue
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", value):
            return column, value, "not an ISO date YYYY-MM-DD"
        try:
            dt.date.fromisoformat(value)
        except ValueError:
            return column, value, "impossible calendar date"
    if row["end_date"] and row["end_date"] < row["start_date"]:
        return "end_date", row["end_date"], f"end_date before start_date {row['start_date']}"
    if row["time_local"] and not TIME_RE.match(row["time_local"]):
        return "time_local", row["time_local"], "not HH:MM (24h)"
    if not SLUG_RE.match(row["event_id"]):
        return "event_id", row["event_id"], "not a slug YYYY-MM-DD-lowercase-words"
    if not row["event_id"].startswith(row["start_date"]):
        return "event_id", row["event_id"], f"does not start with start_date {row['start_date']}"
    return None


def _title_key(row: dict) -> tuple[str, str]:
    """What makes two rows the same event: category and title, case- and space-folded."""
    return row["category"], " ".join(row["title"].lower().split())


def validate_events(
    raw: pd.DataFrame, errors: str = "raise"
) -> tuple[pd.DataFrame, list[Rejection]]:
    """Check raw catalogue rows; return the good ones on the Pyongyang clock and the rejections."""
    if errors not in ("raise", "collect"):
        raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
    rejected: list[Rejection] = []
    ids: dict[str, tuple[str, int]] = {}
    titles: dict[tuple[str, str], tuple[str, int, str]] = {}
    keep = []
    for row in raw.to_dict("records"):
        problem = _check_row(row)
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
            column, value, reason = problem
            if errors == "raise":
                raise DataError(
                    row["file"], f"{reason} (value {value!r})", row=row["row"], column=column
                )
            rejected.append(Rejection(row["file"], row["row"], column, value, reason))
            continue
        ids[row["event_id"]] = (row["file"], row["row"])
        titles.setdefault(key, (row["file"], row["row"], row["start_date"]))
        keep.append(row)
    return _finish(keep), rejected


def _finish(rows: list[dict]) -> pd.DataFrame:
    """Typed, clock-converted, schema-validated events table from checked rows."""
    frame = pd.DataFrame(rows, columns=[*schemas.EVENT_FILE_COLUMNS, "file", "row"])
    text_columns = [*schemas.EVENT_FILE_COLUMNS, "file"]
    frame[text_columns] = frame[text_columns].astype(str)
    starts = [dt.date.fromisoformat(v) for v in frame["start_date"]]
    ends = [
        dt.date.fromisoformat(e) if e else s for s, e in zip(starts, frame["end_date"], strict=True)
    ]
    frame["start_local"] = [
        _to_local_day(d, t, z)
        for d, t, z in zip(starts, frame["time_local"], frame["timezone"], strict=True)
    ]
    frame["end_local"] = [
        _to_local_day(d, t if not e else "", z)
        for d, t, e, z in zip(
            ends, frame["time_local"], frame["end_date"], frame["timezone"], strict=True
        )
    ]
    frame["end_local"] = frame[["start_local", "end_local"]].max(axis=1)
    for column in ("start_date", "end_date", "start_local", "end_local"):
        frame[column] = pd.to_datetime(frame[column].replace("", None)).astype("datetime64[ns]")
    for column in ("time_local", "source_note", "notes"):
        frame[column] = frame[column].replace("", None)
    frame = frame.sort_values(["start_local", "event_id"], kind="stable").reset_index(drop=True)
    return schemas.EVENTS.validate(frame[list(schemas.EVENTS.columns)])


def _concat(frames: list[pd.DataFrame]) -> pd.DataFrame:
    """Stack raw event frames; an empty list gives an empty frame with the right columns."""
    if not frames:
        return pd.DataFrame(columns=[*schemas.EVENT_FILE_COLUMNS, "file", "row"])
    return pd.concat(frames, ignore_index=True)


def _expand(paths: list[Path | str]) -> list[Path]:
    """Files named directly, plus every *.csv inside named folders."""
    out: list[Path] = []
    for p in map(Path, paths):
        out.extend(sorted(p.glob("*.csv")) if p.is_dir() else [p])
    return out


def _raw_catalogue(include_generated: bool, skip: tuple[Path, ...] = ()) -> pd.DataFrame:
    """Our committed catalogue files as raw text rows (minus `skip`), plus the generated anniversaries."""
    skipped = {p.resolve() for p in skip}
    frames = [_read_event_file(p) for p in catalogue_files() if p.resolve() not in skipped]
    if include_generated:
        generated = anniversaries()
        generated["file"] = "generated:anniversaries"
        generated["row"] = range(1, len(generated) + 1)
        frames.append(generated)
    return _concat(frames)


def load_events(
    categories: list[str] | None = None,
    extra: list[Path | str] | None = None,
    errors: str = "raise",
    include_generated: bool = True,
) -> pd.DataFrame:
    """Our catalogue (plus users' files in `extra`), validated, with start_local/end_local on the Pyongyang clock."""
    if categories is not None:
        unknown = sorted(set(categories) - set(schemas.EVENT_CATEGORIES))
        if unknown:
            raise ValueError(f"unknown categories {unknown}; use {schemas.EVENT_CATEGORIES}")
    frames = [
        _raw_catalogue(include_generated),
        *(_read_event_file(p) for p in _expand(extra or [])),
    ]
    table, rejected = validate_events(_concat(frames), errors=errors)
    if categories is not None:
        table = table[table["category"].isin(categories)].reset_index(drop=True)
    table.attrs["rejected"] = rejected
    return table


def check_file(path: Path | str) -> list[Rejection]:
    """Every problem with a user's events file, checked against our catalogue for clashes."""
    files = _expand([path])
    ours = _raw_catalogue(include_generated=True, skip=tuple(files))
    _, ours_rejected = validate_events(ours, errors="collect")
    theirs = _concat([_read_event_file(p) for p in files])
    _, rejected = validate_events(_concat([ours, theirs]), errors="collect")
    return [r for r in rejected if r not in ours_rejected]


def per_category_year(events: pd.DataFrame) -> pd.DataFrame:
    """Coverage table: events per category (rows) per year of start_local (columns)."""
    return (
        events.assign(year=events["start_local"].dt.year)
        .pivot_table(
            index="category", columns="year", values="event_id", aggfunc="count", fill_value=0
        )
        .astype(int)
    )
