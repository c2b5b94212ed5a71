"""Reading launch source files: pinned or user paths, text, CSV frames, row problems, numbers."""

from __future__ import annotations

import csv
import datetime as dt
import difflib
import io
import math
import re
import warnings
from collections import Counter
from pathlib import Path
from typing import Literal

import pandas as pd

from . import schemas, sources
from .schemas import DataError, Rejection

Errors = Literal["raise", "collect"]

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
