"""Reading raw event files and folders: decoding, CSV records, header and per-field checks."""

from __future__ import annotations

import csv
import difflib
import io
import re
import stat
from dataclasses import dataclass, field
from pathlib import Path

from .. import config
from ..records import schemas
from ..records.schemas import DataError, Rejection
from .reads import Snapshot, active_snapshot, read_bytes, special_kind

REQUIRED_COLUMNS = [
    c for c in schemas.EVENT_FILE_COLUMNS if c not in schemas.OPTIONAL_EVENT_COLUMNS
]

MAX_LISTED = 10

CONTROL_RE = re.compile(r"[\x00-\x08\x0b\x0c\x0e-\x1f\x7f]")


class PathError(DataError):
    """A path argument that names nothing checkable: missing, not a file or folder, no CSVs inside."""


def snapshot(path: Path | str) -> Snapshot:
    """Read a user's events file or folder once: the CSV files it names and every file's bytes."""
    root = Path(path)
    files, problems = _expand([root])
    data: dict[Path, bytes | DataError] = {}
    for file in files:
        try:
            data[file] = read_bytes(file, config.display_path(file))
        except DataError as exc:
            data[file] = exc
    return Snapshot(root, tuple(files), tuple(problems), data)


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


def _read_event_file(path: Path, catalogue: bool = False) -> RawFile:
    """Read one events CSV as text; file-level problems raise DataError, bad rows are collected."""
    shown = config.display_path(path)
    data = read_bytes(path, shown)
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
            try:
                mode = entry.stat().st_mode
            except OSError:
                mode = None
            if mode is None:
                problems.append(
                    DataError(entry, "cannot be read (a broken symbolic link or a link loop?)")
                )
            elif stat.S_ISDIR(mode):
                problems.append(
                    DataError(entry, "is a folder, not a CSV file (folders are not searched)")
                )
            elif kind := special_kind(mode):
                problems.append(DataError(entry, f"is {kind}, not a CSV file; give a regular file"))
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
    snap = active_snapshot()
    for p in map(Path, paths):
        if snap is not None and p == snap.root:  # listed once, when the snapshot was taken
            files.extend(snap.files)
            problems.extend(snap.problems)
            continue
        try:
            mode = p.stat().st_mode
        except OSError as exc:
            if p.is_symlink():
                raise PathError(p, "is a broken symbolic link or a link loop") from None
            if isinstance(exc, FileNotFoundError | NotADirectoryError):
                raise PathError(p, "no such file or folder") from None
            raise PathError(p, f"cannot be read ({exc.strerror or exc})") from None
        if stat.S_ISDIR(mode):
            found, wrong = _folder_csvs(p)
            files.extend(found)
            problems.extend(wrong)
        elif kind := special_kind(mode):
            raise PathError(
                p, f"is {kind}, neither a regular file nor a folder; give an events CSV or a folder"
            )
        else:
            files.append(p)
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
