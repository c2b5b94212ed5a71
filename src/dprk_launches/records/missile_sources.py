"""Readers of each CNS/NTI missile source (nagix JSON, CNS CSV, 2019 xlsx): a dict per missile."""

from __future__ import annotations

import datetime as dt
import json
import re
from collections.abc import Callable
from pathlib import Path

import pandas as pd

from . import schemas, sources
from .launch_files import (
    MISSING_WORDS,
    _check_year,
    _csv_frame,
    _number,
    _read_text,
    _require_columns,
    _RowProblems,
)
from .schemas import DataError

CNS_COLUMNS = [
    "F1",
    "Date",
    "Date Entered/Updated",
    "Launch Time (UTC)",
    "Missile Name",
    "Missile Type",
    "Facility Name",
    "Facility Latitude",
    "Facility Longitude",
    "Apogee",
    "Distance Travelled",
    "Confirmation Status",
    "Test Outcome",
]

NAGIX_KEYS = ["date", "time", "missile", "facility", "apogee", "distance", "outcome"]

MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}


def _cns_date(text: str) -> tuple[dt.date, str]:
    """Parse CNS 'd-Mon-yy' (day) or 'Mon-yy' (month) with a two-digit-year pivot (84-99 -> 19xx)."""
    parts = text.strip().split("-")
    if len(parts) == 3:
        day, mon, yy = parts
        precision = "day"
    elif len(parts) == 2:
        (mon, yy), day, precision = parts, "1", "month"
    else:
        raise ValueError(f"not a d-Mon-yy date: {text!r}")
    if mon not in MONTHS or not yy.isdigit() or len(yy) != 2 or not day.isdigit():
        raise ValueError(f"not a d-Mon-yy date: {text!r}")
    year = int(yy) + (1900 if int(yy) >= 50 else 2000)
    return dt.date(year, MONTHS[mon], int(day)), precision


def _cns_updated(text: str) -> dt.date | None:
    """Parse CNS 'Date Entered/Updated' in either of its formats: '5-Jan-17' or '11/2/2022'."""
    value = text.strip()
    if not value:
        return None
    if "/" in value:
        return _check_year(dt.datetime.strptime(value, "%m/%d/%Y").date())
    return _cns_date(value)[0]


def _cns_time(text: str) -> dt.time | None:
    """Parse CNS 'h:mm:ss AM/PM' launch times; blank or 'Unknown' is None."""
    value = text.strip()
    if value.lower() in MISSING_WORDS:
        return None
    for fmt in ("%I:%M:%S %p", "%I:%M %p", "%H:%M:%S", "%H:%M"):
        try:
            return dt.datetime.strptime(value, fmt).time()
        except ValueError:
            continue
    raise ValueError(f"not a h:mm:ss AM/PM time: {text!r}")


def _nagix_records(path: Path) -> list[dict]:
    """The flattened per-missile records of a nagix test.en.json file, with structure checks."""
    text = _read_text(path, ("utf-8",))
    try:
        doc = json.loads(text)
    except json.JSONDecodeError as exc:
        raise DataError(
            path, f"invalid or truncated JSON ({exc.msg} at line {exc.lineno} column {exc.colno})"
        ) from exc
    except RecursionError as exc:
        raise DataError(path, "JSON nested too deeply to be a nagix file") from exc
    if not isinstance(doc, dict) or not isinstance(doc.get("timeBins"), list):
        raise DataError(
            path, "expected an object with a 'timeBins' list (nagix test.en.json layout)"
        )
    records = []
    for b, time_bin in enumerate(doc["timeBins"]):
        if not isinstance(time_bin, dict) or not isinstance(time_bin.get("data"), list):
            raise DataError(path, f"timeBins[{b}] has no 'data' list")
        records.extend(time_bin["data"])
    if not records:
        raise DataError(path, "no records in any timeBins[].data")
    for i, rec in enumerate(records, 1):
        if not isinstance(rec, dict):
            raise DataError(path, "record is not an object", row=i)
        for key in NAGIX_KEYS:
            if key not in rec:
                raise DataError(path, "missing key", row=i, column=key)
    return records


def _nagix_lookup(name: str, key: str) -> dict:
    """Load a nagix lookup file (missiles or facilities) as a dict."""
    path = sources.fetch(name)
    doc = json.loads(_read_text(path, ("utf-8",)))
    return doc[key] if key else doc


def _nagix_rows(path: Path, problems: _RowProblems) -> list[dict]:
    """Normalised per-missile rows from nagix records; bad rows go to `problems`."""
    missiles = _nagix_lookup("nagix_missiles", "")
    facilities = _nagix_lookup("nagix_facilities", "facilities")
    seen: dict[str, int] = {}
    rows = []
    for i, rec in enumerate(_nagix_records(path), 1):
        fingerprint = json.dumps(rec, sort_keys=True)
        if fingerprint in seen:
            problems.reject(i, None, rec.get("date"), f"duplicate of row {seen[fingerprint]}")
            continue
        seen[fingerprint] = i
        wrong = next(
            (
                k
                for k in ("date", "time", "missile", "facility", "outcome")
                if not isinstance(rec[k], str)
            ),
            None,
        )
        if wrong is not None:
            problems.reject(i, wrong, rec[wrong], "must be a text value")
            continue
        series = rec.get("series", 1)
        if isinstance(series, bool) or not isinstance(series, int) or series < 1:
            problems.reject(i, "series", series, "must be a whole number of at least 1")
            continue
        date_text = str(rec["date"])
        if re.fullmatch(r"\d{4}-\d{2}-\d{2}", date_text, re.ASCII):
            precision = "day"
        elif re.fullmatch(r"\d{4}-\d{2}", date_text, re.ASCII):
            precision, date_text = "month", date_text + "-01"
        else:
            problems.reject(i, "date", rec["date"], "date is not YYYY-MM-DD or YYYY-MM")
            continue
        try:
            date_utc = dt.date.fromisoformat(date_text)
        except ValueError:
            problems.reject(i, "date", rec["date"], "impossible calendar date")
            continue
        try:
            _check_year(date_utc)
        except ValueError as exc:
            problems.reject(i, "date", rec["date"], str(exc))
            continue
        time_text = str(rec["time"])
        if time_text == "unknown":
            time_utc = None
        elif m := re.fullmatch(r"(\d{1,2}):(\d{2}) \(UTC\)", time_text, re.ASCII):
            hour, minute = int(m.group(1)), int(m.group(2))
            if hour > 23 or minute > 59:
                problems.reject(i, "time", time_text, "impossible time of day")
                continue
            time_utc = dt.time(hour, minute)
        else:
            problems.reject(i, "time", time_text, "time is not 'HH:MM (UTC)' or 'unknown'")
            continue
        outcome = str(rec["outcome"]).lower()
        if outcome not in schemas.OUTCOMES:
            problems.reject(i, "outcome", rec["outcome"], f"outcome not one of {schemas.OUTCOMES}")
            continue
        numbers = {}
        for key in ("apogee", "distance"):
            try:
                numbers[key] = _number(rec[key])
            except ValueError as exc:
                problems.reject(i, key, rec[key], str(exc))
                break
        if len(numbers) < 2:
            continue
        apogee, distance = numbers["apogee"], numbers["distance"]
        missile = missiles.get(rec["missile"], {"name": "Unknown", "type": "Unknown"})
        if rec["missile"] != "unknown" and rec["missile"] not in missiles:
            problems.reject(i, "missile", rec["missile"], "missile key not in missile.en.json")
            continue
        facility = facilities.get(rec["facility"])
        if facility is None:
            problems.reject(i, "facility", rec["facility"], "facility key not in facility.en.json")
            continue
        rows.append(
            {
                "date_utc": date_utc,
                "time_utc": time_utc,
                "date_precision": precision,
                "series": series,
                "missile": missile["name"],
                "missile_type": missile.get("type", "Unknown"),
                "facility": facility["name"],
                "lat": float(facility["lat"]),
                "lon": float(facility["lon"]),
                "apogee_km": apogee,
                "distance_km": distance,
                "outcome": outcome,
                "confirmed": pd.NA,
                "source_row": i,
                "date_updated": None,
            }
        )
    return rows


def _cns_common(
    row: dict, i: int, problems: _RowProblems, parse: dict[str, Callable[[object], object]]
) -> dict | None:
    """Normalise one CNS row (CSV or xlsx) given per-source parsers for date, time and updated."""
    parsed: dict[str, object] = {}
    for column, key in (
        ("Date", "date"),
        ("Launch Time (UTC)", "time"),
        ("Date Entered/Updated", "updated"),
    ):
        try:
            parsed[key] = parse[key](row[column])
        except (ValueError, TypeError) as exc:
            problems.reject(i, column, row[column], f"unparseable: {exc}")
            return None
    date_utc, precision = parsed["date"]
    numbers = {}
    for column, key in (
        ("Apogee", "apogee_km"),
        ("Distance Travelled", "distance_km"),
        ("Facility Latitude", "lat"),
        ("Facility Longitude", "lon"),
    ):
        try:
            numbers[key] = _number(row[column] if row[column] is not None else "")
        except ValueError as exc:
            problems.reject(i, column, row[column], str(exc))
            return None
    status = str(row["Confirmation Status"] or "").strip().lower()
    if status not in ("confirmed", "unconfirmed"):
        problems.reject(
            i, "Confirmation Status", row["Confirmation Status"], "not Confirmed/Unconfirmed"
        )
        return None
    outcome = str(row["Test Outcome"] or "").strip().lower()
    if outcome not in schemas.OUTCOMES:
        problems.reject(
            i, "Test Outcome", row["Test Outcome"], f"outcome not one of {schemas.OUTCOMES}"
        )
        return None
    return {
        "date_utc": date_utc,
        "time_utc": parsed["time"],
        "date_precision": precision,
        "series": 1,
        "missile": str(row["Missile Name"] or "Unknown").strip(),
        "missile_type": str(row["Missile Type"] or "Unknown").strip(),
        "facility": str(row["Facility Name"] or "Unknown").strip(),
        **numbers,
        "outcome": outcome,
        "confirmed": status == "confirmed",
        "source_row": i,
        "date_updated": parsed["updated"],
    }


def _cns_csv_rows(path: Path, problems: _RowProblems) -> list[dict]:
    """Normalised rows of the CNS CSV export (cp1252, d-Mon-yy, mixed 'Date Entered' formats)."""
    frame = _csv_frame(path, _read_text(path, ("utf-8", "cp1252")))
    _require_columns(path, list(frame.columns), CNS_COLUMNS)
    if frame.empty:
        raise DataError(path, "has a header but no data rows")
    parse = {"date": _cns_date, "time": _cns_time, "updated": _cns_updated}
    rows, seen = [], {}
    for i, row in enumerate(frame.to_dict("records"), 1):
        if row["F1"] in seen:
            problems.reject(
                i, "F1", row["F1"], f"duplicate row id (first at row {seen[row['F1']]})"
            )
            continue
        seen[row["F1"]] = i
        if (out := _cns_common(row, i, problems, parse)) is not None:
            rows.append(out)
    return rows


def _xlsx_date(value: object) -> tuple[dt.date, str]:
    """An Excel date cell (value, number_format) as (date, precision); 'mmm-yy' means month-only."""
    cell_value, number_format = value
    if not isinstance(cell_value, dt.datetime):
        raise ValueError(f"not an Excel date: {cell_value!r}")
    precision = "month" if "d" not in number_format.lower() else "day"
    return _check_year(cell_value.date()), precision


def _xlsx_time(value: object) -> dt.time | None:
    """An Excel time cell (a day fraction read as time) or blank/'Unknown'."""
    if value is None or (isinstance(value, str) and value.strip().lower() in MISSING_WORDS):
        return None
    if isinstance(value, dt.time):
        return value
    if isinstance(value, dt.datetime):
        return value.time()
    if isinstance(value, float) and 0 <= value < 1:
        return (dt.datetime(2000, 1, 1) + dt.timedelta(days=value)).time().replace(microsecond=0)
    raise ValueError(f"not an Excel time: {value!r}")


def _xlsx_updated(value: object) -> dt.date | None:
    """An Excel 'Date Entered/Updated' cell."""
    if value is None:
        return None
    if isinstance(value, dt.datetime):
        return _check_year(value.date())
    raise ValueError(f"not an Excel date: {value!r}")


def _cns2019_rows(path: Path, problems: _RowProblems) -> list[dict]:
    """Normalised rows of the 2019 CNS workbook (sheet 'Missile Tests', Excel serials)."""
    import openpyxl

    try:
        book = openpyxl.load_workbook(path, data_only=True)
    except Exception as exc:
        raise DataError(
            path, f"not a readable .xlsx workbook ({type(exc).__name__}: {exc})"
        ) from exc
    if "Missile Tests" not in book.sheetnames:
        raise DataError(path, f"no sheet 'Missile Tests' (sheets: {book.sheetnames})")
    sheet = book["Missile Tests"]
    grid = list(sheet.iter_rows())
    header_at = next((n for n, r in enumerate(grid) if r and r[0].value == "F1"), None)
    if header_at is None:
        raise DataError(path, "no header row starting with 'F1' in sheet 'Missile Tests'")
    header = [str(c.value) if c.value is not None else "" for c in grid[header_at]]
    _require_columns(path, header, CNS_COLUMNS)
    body = [r for r in grid[header_at + 1 :] if any(c.value is not None for c in r)]
    if not body:
        raise DataError(path, "has a header but no data rows")
    parse = {"date": _xlsx_date, "time": _xlsx_time, "updated": _xlsx_updated}
    rows = []
    date_col = header.index("Date")
    for i, cells in enumerate(body, 1):
        row = {h: c.value for h, c in zip(header, cells, strict=False)}
        row["Date"] = (cells[date_col].value, cells[date_col].number_format or "")
        if (out := _cns_common(row, i, problems, parse)) is not None:
            rows.append(out)
    return rows
