"""The events catalogue: loading and validating our CSVs and users' own, on the Pyongyang clock."""

from __future__ import annotations

import sys
import warnings
from dataclasses import dataclass
from pathlib import Path
from typing import TextIO

import pandas as pd

from .. import config
from ..records import cache as tablecache
from ..records import schemas
from ..records.schemas import DataError, Rejection
from ..records.source_rules import host_of
from .catalogue import (
    _raw_catalogue,
    catalogue_files,
)
from .files import (
    PathError,
    _expand,
    _gather,
    _raise_first,
)
from .rules import (
    _finish,
    _is_catalogue_file,
    _validate_rows,
    unexplained_same_day,
)


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
    own = frozenset(r["file"] for r in theirs.rows) if own_categories else frozenset()

    def build() -> pd.DataFrame:
        keep, rejected = _validate_rows(
            _raw_catalogue(include_generated) + theirs.rows, errors, frozenset(), own
        )
        table = _finish(keep)
        table.attrs["rejected"] = rejected
        return table

    if files:  # users' files: validated every time
        table = build()
    else:
        settings = f"{errors}/{include_generated}"
        table = tablecache.cached_table("events", catalogue_files(), build, settings)
    rejected = table.attrs.get("rejected", [])
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
    checked = _finish([r for r in keep if r["file"] in shown])
    problems = [
        Rejection(e.file, e.row, e.column, "", e.reason)
        for e in folder_problems + theirs.file_errors
    ]
    problems += theirs.rejected + [r for r in rejected if r.file in shown]
    same_day, same_day_notes = _same_day_findings(_finish(keep), checked)
    problems += same_day
    problems.sort(key=lambda r: (r.file, r.row or 0))
    secondary: dict[str, list[int]] = {}
    for row in theirs.rows:
        if row["source_kind"] == "secondary":
            secondary.setdefault(row["file"], []).append(row["row"])
    notes = list(theirs.warnings)
    for row in theirs.rows:
        host = host_of(row["source_url"])
        reprint = [h for h in schemas.REPRINT_HOSTS if host == h or host.endswith("." + h)]
        if reprint:
            notes.append(
                f"{row['file']} row {row['row']}: source on the reprint/content-farm host "
                f"'{host}'; replace it with the agency's release or the wire story"
            )
    for file, rows in sorted(secondary.items()):
        listed = ", ".join(map(str, rows))
        notes.append(
            f"{file}: {len(rows)} row(s) rest on a secondary source (rows {listed}); "
            "prefer a primary or wire source"
        )
    notes += same_day_notes
    ours_checked = checked[checked["file"].map(_is_catalogue_file)]
    if len(ours_checked):
        share, n_secondary, n_typed = secondary_share(ours_checked)
        if share > schemas.MAX_SECONDARY_SHARE:
            notes.append(
                f"{n_secondary} of {n_typed} typed catalogue rows ({share:.1%}) rest on a secondary "
                f"source, above the {schemas.MAX_SECONDARY_SHARE:.0%} the catalogue allows"
            )
    return CheckResult([config.display_path(p) for p in files], problems, notes)


def _same_day_findings(
    table: pd.DataFrame, checked: pd.DataFrame
) -> tuple[list[Rejection], list[str]]:
    """Same-day same-category rows whose notes do not name each other: problems in our catalogue
    files, warnings in users' files (an event study counts such a day once)."""
    where = {r.event_id: (r.file, r.start_local) for r in checked.itertuples()}
    problems, notes = [], []
    for event_id, others in unexplained_same_day(table):
        if event_id not in where:
            continue
        file, day = where[event_id]
        reason = (
            f"starts on the same Pyongyang day ({day:%Y-%m-%d}) as {', '.join(others)} of the same "
            "category: merge them into one row with both sources, or keep both and name the other "
            "event_id in notes (an event study counts the day once)"
        )
        if _is_catalogue_file(file):
            number = _file_row(file, event_id)
            problems.append(Rejection(file, number, "notes", "", reason))
        else:
            notes.append(f"{file}: event {event_id} {reason}")
    return problems, notes


def _file_row(file: str, event_id: str) -> int | None:
    """The file row number of an event in one of our catalogue files (None if not found)."""
    for row in _raw_catalogue(include_generated=False):
        if row["file"] == file and row["event_id"] == event_id:
            return int(row["row"])
    return None


def secondary_share(table: pd.DataFrame) -> tuple[float, int, int]:
    """(share, secondary rows, typed rows) of a loaded table, generated anniversaries left out."""
    typed = table[table["subcategory"] != "anniversary"]
    n_secondary = int((typed["source_kind"] == "secondary").sum())
    return (n_secondary / len(typed) if len(typed) else 0.0), n_secondary, len(typed)


def statement_responses(
    table: pd.DataFrame | None = None, include_anticipating: bool = False
) -> pd.DataFrame:
    """DPRK statements with the event each answers and the lag in Pyongyang days (statement - trigger).

    For a responds-after design (how soon, and how, the DPRK answers an event) a statement made before
    its trigger (`anticipates`, a pre-exercise warning) has a negative lag and is no response: it is
    left out unless `include_anticipating`. A study that uses the statements themselves as events
    keeps every statement on its own date (the table from `load_events`).
    """
    table = load_events() if table is None else table
    statements = table[table["category"] == "dprk_statement"]
    if not include_anticipating:
        statements = statements[~statements["anticipates"]]
    triggers = table.set_index("event_id")
    found = triggers.reindex(statements["responds_to"])
    out = pd.DataFrame(
        {
            "event_id": statements["event_id"].to_numpy(),
            "start_local": statements["start_local"].to_numpy(),
            "threat_level": statements["threat_level"].to_numpy(),
            "anticipates": statements["anticipates"].to_numpy(),
            "responds_to": statements["responds_to"].to_numpy(),
            "trigger_category": found["category"].to_numpy(),
            "trigger_start_local": found["start_local"].to_numpy(),
        }
    )
    out["lag_days"] = (out["start_local"] - out["trigger_start_local"]).dt.days.astype("Int64")
    return out.reset_index(drop=True)


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
