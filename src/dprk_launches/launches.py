"""Launch tables on the Pyongyang clock from the CNS/NTI sources (nagix JSON, CNS CSV, 2019 xlsx) and CSIS."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import json
import math
import re
import warnings
from collections import Counter
from collections.abc import Callable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from . import config, schemas, sources
from .schemas import DataError, Rejection

Errors = Literal["raise", "collect"]
LaunchSource = Literal["nagix", "cns", "cns2019"]

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
CSIS_COLUMNS = ["date", "type", "event", "description", "resources"]
MONTHS = {
    m: i
    for i, m in enumerate(
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"], 1
    )
}
NUMBER_RE = re.compile(r"^(?:approximately\s+)?([\d,]+(?:\.\d+)?)\s*(?:km|lm)?$", re.ASCII)
RANGE_RE = re.compile(r"^between\s+([\d,]+(?:\.\d+)?)\s+and\s+([\d,]+(?:\.\d+)?)\s*km$", re.ASCII)
MISSING_WORDS = {"", "unknown", "n/a", "na", "none"}


class _RowProblems:
    """Collects row-level problems, or raises the first one, per the caller's `errors` mode."""

    def __init__(self, file: object, errors: Errors):
        if errors not in ("raise", "collect"):
            raise ValueError(f"errors must be 'raise' or 'collect', not {errors!r}")
        self.file, self.errors, self.rejected = str(file), errors, []

    def reject(self, row: int, column: str | None, value: object, reason: str) -> None:
        """Record a rejected row (collect) or raise DataError naming file, row and column."""
        if self.errors == "raise":
            raise DataError(self.file, f"{reason} (value {value!r})", row=row, column=column)
        self.rejected.append(Rejection(self.file, row, column, str(value), reason))


def _read_text(path: Path, encodings: tuple[str, ...]) -> str:
    """Decode a file with the first encoding that works; clear error naming the bad byte's row."""
    try:
        data = path.read_bytes()
    except OSError as exc:
        raise DataError(path, f"cannot be read ({exc.strerror or exc})") from exc
    if not data.strip():
        raise DataError(path, "the file is empty")
    if b"\x00" in data:
        line = data[: data.index(b"\x00")].count(b"\n") + 1
        raise DataError(
            path,
            f"contains NUL bytes (first on line {line}): wrong encoding (UTF-16?) or not a text file",
        )
    last: UnicodeDecodeError | None = None
    for encoding in encodings:
        try:
            return data.decode(encoding).removeprefix("\ufeff")
        except UnicodeDecodeError as exc:
            last = exc
    assert last is not None
    line = data[: last.start].count(b"\n") + 1
    raise DataError(
        path, f"cannot be decoded as {' or '.join(encodings)} (byte {last.start}, line {line})"
    )


def _csv_frame(path: Path, text: str) -> pd.DataFrame:
    """A CSV text as a frame of strings; bad quoting or a row with the wrong field count raises
    DataError naming the data row (1 = first row after the header)."""
    records: list[list[str]] = []
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    try:
        for record in reader:
            if record:
                records.append(record)
    except csv.Error as exc:
        raise DataError(
            path, f"not a readable CSV ({exc}): truncated, or a stray quote?", row=len(records)
        ) from exc
    if not records:
        raise DataError(path, "the file is empty")
    header = [h.strip() for h in records[0]]
    twice = sorted(h for h, n in Counter(header).items() if n > 1)
    if twice:
        raise DataError(path, f"column name(s) {twice} appear more than once in the header")
    for i, record in enumerate(records[1:], 1):
        if len(record) != len(header):
            raise DataError(
                path,
                f"row {i} has {len(record)} fields, header has {len(header)} "
                "(a shifted column: an extra or missing comma?)",
                row=i,
            )
    return pd.DataFrame(records[1:], columns=header, dtype=str)


def _check_year(day: dt.date) -> dt.date:
    """`day` itself when its year is in the supported range, else ValueError."""
    if not schemas.FIRST_YEAR <= day.year <= schemas.LAST_YEAR:
        raise ValueError(f"year {day.year} is outside {schemas.FIRST_YEAR}-{schemas.LAST_YEAR}")
    return day


def _require_columns(path: Path, found: list[str], required: list[str]) -> None:
    """Raise DataError listing missing columns and what they may have been renamed to."""
    missing = [c for c in required if c not in found]
    if missing:
        hints = []
        for col in missing:
            close = difflib.get_close_matches(col, found, n=1, cutoff=0.6)
            hints.append(f"'{col}'" + (f" (renamed to '{close[0]}'?)" if close else ""))
        shown = found[:20] + ([f"... {len(found) - 20} more"] if len(found) > 20 else [])
        raise DataError(path, f"missing column(s) {', '.join(hints)}; found {shown}")


def _number(text: object) -> float:
    """Parse '1,380 km', '550', 'between 25 and 90 km' (midpoint) or unknown words (NaN)."""
    if isinstance(text, int | float) and not isinstance(text, bool):
        if not math.isfinite(text):
            raise ValueError(f"not a finite number: {text!r}")
        return float(text)
    value = str(text).strip().lower()
    if value in MISSING_WORDS:
        return float("nan")
    if m := RANGE_RE.match(value):
        low, high = (float(g.replace(",", "")) for g in m.groups())
        return (low + high) / 2
    if m := NUMBER_RE.match(value):
        return float(m.group(1).replace(",", ""))
    raise ValueError(f"not a distance: {text!r}")


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


def _resolve_path(name: str, path: Path | str | None) -> tuple[Path, bool]:
    """The pinned, verified source file, or a user's file (flagged as unpinned)."""
    if path is None:
        return sources.fetch(name), True
    path = Path(path)
    if path.is_dir():
        raise DataError(path, "is a folder, not a file")
    if not path.exists():
        raise DataError(path, "no such file")
    return path, False


def _warn_unpinned(path: Path, name: str, pinned: bool) -> None:
    """Warn that a user-supplied file is validated by schema, not by the pinned hash."""
    if not pinned:
        warnings.warn(
            f"{path} is not the pinned '{name}' file: validated by schema, not by sha256. "
            "Results will not match the published reports.",
            stacklevel=3,
        )


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


def _assemble_missiles(rows: list[dict], source: str) -> pd.DataFrame:
    """Put normalised rows on the Pyongyang clock with salvo dating, ids and sequence numbers."""
    if not rows:
        raise DataError(source, "no usable rows")
    df = pd.DataFrame(rows)
    df["date_utc"] = pd.to_datetime(df["date_utc"]).astype("datetime64[ns]")
    stamps = [
        pd.Timestamp(dt.datetime.combine(d, t), tz="UTC") if t is not None else pd.NaT
        for d, t in zip(df["date_utc"].dt.date, df["time_utc"], strict=True)
    ]
    df["datetime_utc"] = pd.Series(stamps, index=df.index, dtype="datetime64[ns, UTC]")
    local = config.to_pyongyang(df["datetime_utc"]).dt.normalize()
    df["time_known"] = local.notna()
    salvo_keys = ["date_utc", "facility", "missile"]
    salvo_local = (
        pd.DataFrame({"local": local})
        .join(df[salvo_keys])
        .dropna(subset=["local"])
        .groupby(salvo_keys)["local"]
        .agg(lambda s: s.mode().iloc[0])
        .rename("salvo_local")
    )
    df = df.join(salvo_local, on=salvo_keys)
    in_salvo = local.isna() & df["salvo_local"].notna() & (df["date_precision"] == "day")
    df["time_known"] = df["time_known"] | in_salvo
    df["date_local"] = (
        local.fillna(df["salvo_local"]).fillna(df["date_utc"]).astype("datetime64[ns]")
    )
    df["launch_id"] = np.where(
        df["date_precision"] == "month",
        df["date_local"].dt.strftime("%Y-%m"),
        df["date_local"].dt.strftime("%Y-%m-%d"),
    )
    df = df.sort_values(
        ["date_local", "datetime_utc", "series", "source_row"], kind="stable", na_position="last"
    )
    df["missile_seq"] = df.groupby("launch_id").cumcount() + 1
    df["source"] = source
    df["confirmed"] = df["confirmed"].astype("boolean")
    df["date_updated"] = pd.to_datetime(df["date_updated"]).astype("datetime64[ns]")
    df = df[list(schemas.MISSILES.columns)].reset_index(drop=True)
    return schemas.MISSILES.validate(df)


def load_missiles(
    source: LaunchSource = "nagix", path: Path | str | None = None, errors: Errors = "raise"
) -> pd.DataFrame:
    """One row per missile from a CNS/NTI source, dated on the Pyongyang clock (see schemas.MISSILES)."""
    readers = {
        "nagix": ("nagix_tests", _nagix_rows),
        "cns": ("cns_csv", _cns_csv_rows),
        "cns2019": ("cns2019_xlsx", _cns2019_rows),
    }
    if source not in readers:
        raise ValueError(f"source must be one of {list(readers)}, not {source!r}")
    name, reader = readers[source]
    file, pinned = _resolve_path(name, path)
    _warn_unpinned(file, name, pinned)
    problems = _RowProblems(file, errors)
    table = _assemble_missiles(reader(file, problems), source)
    table.attrs["rejected"] = problems.rejected
    return table


def on_utc_clock(missiles: pd.DataFrame) -> pd.DataFrame:
    """The same missiles dated by their UTC date instead (for robustness checks of the clock)."""
    utc_id = np.where(
        missiles["date_precision"] == "month",
        missiles["date_utc"].dt.strftime("%Y-%m"),
        missiles["date_utc"].dt.strftime("%Y-%m-%d"),
    )
    return missiles.assign(date_local=missiles["date_utc"], launch_id=utc_id)


def launches_from_missiles(missiles: pd.DataFrame) -> pd.DataFrame:
    """Collapse a missiles table to one row per launch day on the local clock."""

    def joined(values: pd.Series) -> str:
        return ";".join(sorted(set(values)))

    def counted(values: pd.Series) -> str:
        counts = values.value_counts()
        return ";".join(f"{k}:{counts[k]}" for k in sorted(counts.index))

    grouped = missiles.groupby("launch_id", sort=True)
    table = pd.DataFrame(
        {
            "date_local": grouped["date_local"].min(),
            "n_missiles": grouped.size().astype(int),
            "missile_types": grouped["missile_type"].agg(joined),
            "outcomes": grouped["outcome"].agg(counted),
            "facilities": grouped["facility"].agg(joined),
            "date_precision": grouped["date_precision"].first(),
        }
    ).reset_index()
    table = table.sort_values(["date_local", "launch_id"], kind="stable").reset_index(drop=True)
    return schemas.LAUNCHES.validate(table)


def load_launches(source: LaunchSource = "nagix", path: Path | str | None = None) -> pd.DataFrame:
    """One row per launch day on the Pyongyang clock (see schemas.LAUNCHES); unit: launch days."""
    return launches_from_missiles(load_missiles(source=source, path=path))


def load_provocations(path: Path | str | None = None, errors: Errors = "raise") -> pd.DataFrame:
    """CSIS provocations, one row per event on its Korean date (see schemas.PROVOCATIONS)."""
    file, pinned = _resolve_path("csis_provocations", path)
    _warn_unpinned(file, "csis_provocations", pinned)
    frame = _csv_frame(file, _read_text(file, ("utf-8",)))
    _require_columns(file, list(frame.columns), CSIS_COLUMNS)
    if frame.empty:
        raise DataError(file, "has a header but no data rows")
    problems = _RowProblems(file, errors)
    frame["source_row"] = np.arange(1, len(frame) + 1)
    first_of = {}
    keep = []
    for i, row in enumerate(frame[CSIS_COLUMNS].itertuples(index=False), 1):
        if row in first_of:
            problems.reject(i, None, row.date, f"duplicate of row {first_of[row]}")
            continue
        first_of[row] = i
        try:
            _check_year(dt.date.fromisoformat(row.date))
        except ValueError as exc:
            reason = str(exc) if "outside" in str(exc) else "date is not a valid YYYY-MM-DD"
            problems.reject(i, "date", row.date, reason)
            continue
        keep.append(i - 1)
    out = frame.iloc[keep].copy()
    out["date_local"] = pd.to_datetime(out["date"]).astype("datetime64[ns]")
    out["is_missile"] = out["type"] == "Missile Provocation"
    out = out.sort_values(["date_local", "source_row"], kind="stable").reset_index(drop=True)
    out = schemas.PROVOCATIONS.validate(out[list(schemas.PROVOCATIONS.columns)])
    out.attrs["rejected"] = problems.rejected
    return out


def cross_check(
    primary: pd.DataFrame | None = None,
    other: pd.DataFrame | None = None,
    until: str = "2023-04-12",
) -> pd.DataFrame:
    """Rows per UTC date in nagix vs the CNS export up to `until`; returns only the dates that differ."""
    primary = load_missiles("nagix") if primary is None else primary
    other = load_missiles("cns") if other is None else other

    def per_date(table: pd.DataFrame) -> pd.Series:
        kept = table[table["date_utc"] <= pd.Timestamp(until)]
        key = np.where(
            kept["date_precision"] == "month",
            kept["date_utc"].dt.strftime("%Y-%m"),
            kept["date_utc"].dt.strftime("%Y-%m-%d"),
        )
        return pd.Series(1, index=key).groupby(level=0).sum()

    both = (
        pd.concat({"nagix": per_date(primary), "cns": per_date(other)}, axis=1)
        .fillna(0)
        .astype(int)
    )
    diff = both[both["nagix"] != both["cns"]].copy()
    diff.index.name = "date_utc"
    diff["difference"] = diff["nagix"] - diff["cns"]
    return diff.reset_index()


def clock_shifts(missiles: pd.DataFrame) -> pd.DataFrame:
    """Per year: launch days whose local (Pyongyang) date differs from the UTC date, and undated-time days."""
    days = missiles[missiles["date_precision"] == "day"]
    per_day = days.groupby("launch_id").agg(
        date_local=("date_local", "first"),
        date_utc=("date_utc", "min"),
        time_known=("time_known", "all"),
    )
    per_day["shifted"] = per_day["date_local"] != per_day["date_utc"]
    years = per_day["date_local"].dt.year.rename("year")
    return pd.DataFrame(
        {
            "launch_days": per_day.groupby(years).size(),
            "local_date_differs_from_utc": per_day.groupby(years)["shifted"].sum(),
            "time_unknown": per_day.groupby(years)["time_known"].apply(lambda s: int((~s).sum())),
        }
    ).astype(int)


def csis_coverage(
    launch_days: pd.DataFrame, provocations: pd.DataFrame, tolerance_days: int = 1
) -> pd.DataFrame:
    """CNS launch days (local clock) with no CSIS missile provocation within ±tolerance_days."""
    days = launch_days[launch_days["date_precision"] == "day"]
    csis = np.sort(provocations.loc[provocations["is_missile"], "date_local"].to_numpy())
    dates = days["date_local"].to_numpy()
    tol = np.timedelta64(tolerance_days, "D")
    lo = np.searchsorted(csis, dates - tol, side="left")
    hi = np.searchsorted(csis, dates + tol, side="right")
    return days.loc[
        hi == lo, ["launch_id", "date_local", "n_missiles", "missile_types"]
    ].reset_index(drop=True)
