"""Event study of a user's own events file or folder: their categories (any lowercase slug) beside ours."""

from __future__ import annotations

import math
import os
import re
import stat
import warnings
from dataclasses import dataclass, field
from pathlib import Path

import numpy as np
import pandas as pd

from .. import config, events, windows
from ..analysis import power as power_module
from ..analysis import real_placebo
from ..analysis.headline import EXPECTED_FROM, fmt_expected, fmt_interval
from ..events import files as event_files
from ..events import reads as event_reads
from ..events.reads import Snapshot
from ..records import schemas
from ..words import plural
from .claim.check import PRE_DAYS, headline_fields, launch_data
from .claim.inputs import ClaimError, check_kinds

__all__ = [
    "Snapshot",
    "StudyError",
    "StudyResult",
    "check_name",
    "counted",
    "default_name",
    "load_user_events",
    "plural",
    "resolve_path",
    "run_study",
    "select",
    "sentence",
    "studied_events",
    "take_snapshot",
]

NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]*$")
MAX_OFFSET = 365


class StudyError(ValueError):
    """An unusable study input; the message says what to fix, in one line."""


@dataclass(frozen=True)
class StudyResult:
    """The headline event-study numbers for a user's events; `to_json()` gives the command's JSON."""

    events_path: str
    n_events: int
    n_events_dropped: int
    n_mine: int
    categories: list[str]
    only_mine: bool
    observed: int
    expected: float
    rate_ratio: float
    ci: tuple[float, float]
    p_value: float
    p_randomization: float | None
    window: tuple[int, int]
    pre_window: tuple[int, int]
    observed_pre: int
    expected_pre: float | None
    summary: str
    method: str
    direction: str | None
    n_events_merged: int = 0
    notes: list[str] = field(default_factory=list)
    kinds: list[str] = field(default_factory=lambda: list(schemas.DEFAULT_KINDS))
    real_placebo: dict | None = None
    power_sentence: str = ""

    @property
    def verdict(self) -> str:
        """The verdict in words on the study's own p (one test: nothing to adjust)."""
        from ..reports.verdicts import single_verdict  # the verdict rule the event-study pages use

        return single_verdict(self.p_value, self.rate_ratio).label()

    @property
    def n_event_rows(self) -> int:
        """Event rows studied: one per event day plus the rows merged into a day already held."""
        return self.n_events + self.n_events_merged

    def to_json(self, report: str | None = None) -> dict:
        """The JSON object printed by `study --json` (the contract keys plus extras)."""
        return {
            "n_events": self.n_events,
            "observed": self.observed,
            "expected": _num(self.expected),
            "rate_ratio": _num(self.rate_ratio),
            "ci": [_num(v) for v in self.ci],
            "p_value": _num(self.p_value),
            "window": list(self.window),
            "report": report,
            "pre_window": list(self.pre_window),
            "observed_pre": self.observed_pre,
            "expected_pre": _num(self.expected_pre),
            "p_randomization": _num(self.p_randomization),
            "n_events_dropped": self.n_events_dropped,
            "n_events_merged": self.n_events_merged,
            "n_event_rows": self.n_event_rows,
            "n_mine": self.n_mine,
            "categories": self.categories,
            "only_mine": self.only_mine,
            "method": self.method,
            "direction": self.direction,
            "events_path": self.events_path,
            "summary": self.summary,
            "notes": self.notes,
            "kinds": self.kinds,
            "real_placebo": self.real_placebo,
            "verdict": self.verdict,
            "power_sentence": self.power_sentence,
        }

    @classmethod
    def from_json(cls, data: dict) -> StudyResult:
        """Rebuild a result from `to_json()` output (how the CLI hands its numbers to the report)."""
        values = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        for key in ("window", "pre_window", "ci"):
            values[key] = tuple(_unnum(v) if key == "ci" else v for v in values[key])
        values["rate_ratio"] = _unnum(values["rate_ratio"])
        values["expected"] = _unnum(values["expected"])
        return cls(**values)


def _num(value: float | None) -> float | None:
    """A float for JSON: infinite or missing values become null."""
    if value is None or not math.isfinite(value):
        return None
    return float(value)


def _unnum(value: float | None) -> float:
    """Inverse of _num for bounds and ratios: null was an infinite value."""
    return float("inf") if value is None else float(value)


def resolve_path(path: str | Path, base: Path | None = None) -> Path:
    """The user's events file or folder, relative paths from `base` (default: the current directory).

    A FIFO, device or socket is refused at once (never opened, so never waited on).
    """
    raw = Path(path).expanduser()
    resolved = raw if raw.is_absolute() else (base or Path.cwd()) / raw
    try:
        mode = resolved.stat().st_mode
    except (FileNotFoundError, NotADirectoryError):
        where = "" if raw.is_absolute() else f" (relative paths start from {base or Path.cwd()})"
        raise StudyError(
            f"no such file or folder: {path}{where}; give the path of your events CSV or of a "
            "folder of them"
        ) from None
    except OSError as exc:
        raise StudyError(f"cannot read {path} ({exc.strerror or exc}); check the path") from None
    if stat.S_ISDIR(mode):
        if not any(resolved.glob("*.csv")):
            raise StudyError(f"the folder {path} has no .csv files; put your events CSV in it")
        return resolved.resolve()
    if kind := event_reads.special_kind(mode):
        raise StudyError(
            f"{path} is {kind}, not a file: give the path of your events CSV or of a folder of them"
        )
    try:
        os.close(os.open(resolved, os.O_RDONLY | os.O_NONBLOCK | os.O_NOCTTY))
    except OSError as exc:
        raise StudyError(
            f"cannot read {path} ({exc.strerror or exc}); check its permissions"
        ) from None
    return resolved.resolve()


def take_snapshot(path: str | Path, base: Path | None = None) -> Snapshot:
    """The user's events file or folder checked (`resolve_path`) and read once, for the whole run."""
    return event_files.snapshot(resolve_path(path, base))


def load_user_events(
    path: str | Path, base: Path | None = None, snapshot: Snapshot | None = None
) -> tuple[pd.DataFrame, set[str]]:
    """Our catalogue plus the user's rows (their own categories allowed), and the user's event_ids.

    The rows come from `snapshot` (default: one taken now), never from a second read of the file.
    """
    snap = snapshot if snapshot is not None else take_snapshot(path, base)
    with warnings.catch_warnings(record=True) as caught, event_reads.reading(snap):
        warnings.simplefilter("always")
        table = events.load_events(extra=[snap.root], errors="collect", own_categories=True)
    shown = {config.display_path(f) for f in snap.files}
    theirs = [r for r in table.attrs.get("rejected", []) if r.file in shown]
    if theirs:
        first = theirs[0]
        more = f" (and {len(theirs) - 1} more problems)" if len(theirs) > 1 else ""
        column = f", column '{first.column}'" if first.column else ""
        raise StudyError(
            f"file {first.file} row {first.row}{column}: {first.reason} (value {first.value!r})"
            f"{more}"
        )
    table = table.copy()
    table.attrs["notes"] = sorted({str(w.message) for w in caught})
    return table, set(table.loc[table["file"].isin(shown), "event_id"])


def select(table: pd.DataFrame, user_ids: set[str], only_mine: bool) -> pd.DataFrame:
    """The events studied: the user's rows, plus (unless only_mine) ours in the categories they used."""
    mine = table["event_id"].isin(user_ids)
    if only_mine:
        return table[mine].reset_index(drop=True)
    shared = set(table.loc[mine, "category"]) & set(schemas.EVENT_CATEGORIES)
    return table[mine | (table["category"].isin(shared) & ~mine)].reset_index(drop=True)


def study_kinds(kinds: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Launch kinds validated for a study (a StudyError naming the allowed ones)."""
    try:
        return check_kinds(kinds)
    except ClaimError as exc:
        raise StudyError(str(exc)) from None


def check_windows(window: tuple[int, int], pre_window: tuple[int, int]) -> None:
    """Windows as day offsets a <= b, within a year of the event."""
    for flag, (a, b) in (("--window", window), ("--pre-window", pre_window)):
        if a > b:
            raise StudyError(f"{flag} {a} {b}: the first day must not come after the last")
        if max(abs(a), abs(b)) > MAX_OFFSET:
            raise StudyError(
                f"{flag} {a} {b} is longer than the launch data allow; keep both "
                f"ends within {MAX_OFFSET} days of the event"
            )


def studied_events(
    path: str | Path,
    window: tuple[int, int] = (1, 30),
    pre_window: tuple[int, int] = (-30, -1),
    only_mine: bool = False,
    base: Path | None = None,
    snapshot: Snapshot | None = None,
    kinds: tuple[str, ...] = schemas.DEFAULT_KINDS,
) -> tuple[pd.DataFrame, int, set[str]]:
    """The events a study uses (column `mine` marks the user's), how many were selected, and the user's ids."""
    check_windows(window, pre_window)
    table, user_ids = load_user_events(path, base, snapshot)
    chosen = select(table, user_ids, only_mine)
    _, daily = launch_data(study_kinds(kinds))
    start, end = daily.index[0], daily.index[-1]
    span = (min(window[0], pre_window[0]), max(window[1], pre_window[1]))
    first_ok = start + pd.Timedelta(days=max(PRE_DAYS, -span[0]))
    last_ok = end - pd.Timedelta(days=max(span[1], 0))
    usable = chosen[chosen["start_local"].between(first_ok, last_ok)]
    if usable.empty:
        raise StudyError(
            f"no event of yours has its windows (days {span[0]} to {span[1]}) inside "
            f"the launch data ({start:%Y-%m-%d} to {end:%Y-%m-%d}); use events from "
            f"{first_ok:%Y-%m-%d} to {last_ok:%Y-%m-%d} or shorter windows"
        )
    usable = usable.assign(mine=usable["event_id"].isin(user_ids))
    usable.attrs["notes"] = table.attrs.get("notes", [])
    return usable, len(chosen), user_ids


def run_study(
    path: str | Path,
    window: tuple[int, int] = (1, 30),
    pre_window: tuple[int, int] = (-30, -1),
    only_mine: bool = False,
    base: Path | None = None,
    seed: int = 0,
    n_draws: int = 10_000,
    snapshot: Snapshot | None = None,
    kinds: tuple[str, ...] = schemas.DEFAULT_KINDS,
    placebo_sets: int = 0,
) -> tuple[StudyResult, pd.DataFrame]:
    """The event study of the user's events (the headline test), and the events it used.

    With `placebo_sets` the same test also runs on that many sets of placebo dates drawn within the
    events' years with the real launches (`analysis.real_placebo.check`).

    Events on one Pyongyang day are one event day to the test: `n_events` counts event days,
    `n_events_merged` the rows merged into a day another row already holds, `n_events_dropped` the
    rows left out because their windows fall outside the launch data.
    """
    window, pre_window = tuple(int(v) for v in window), tuple(int(v) for v in pre_window)
    kinds = study_kinds(kinds)
    usable, n_chosen, user_ids = studied_events(
        path, window, pre_window, only_mine, base, snapshot, kinds
    )
    _, daily = launch_data(kinds)
    days = np.unique(windows.event_positions(pd.DatetimeIndex(daily.index), usable))
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        try:
            test = headline_fields(daily, usable, window, pre_window, seed=seed, n_draws=n_draws)
        except ValueError as exc:
            raise StudyError(f"the study cannot run on these events and windows: {exc}") from None
    power_words = _power_sentence(daily, usable, window, test["n_events"], len(usable))
    checked = (
        real_placebo.check(
            daily, pd.DatetimeIndex(usable["start_local"]), window, pre_window, placebo_sets
        )
        if placebo_sets
        else None
    )
    result = StudyResult(
        events_path=str(path),
        n_events=test["n_events"],
        n_events_dropped=n_chosen - len(usable) + test["n_events_dropped"],
        n_events_merged=len(usable) - len(days),
        n_mine=int(usable["event_id"].isin(user_ids).sum()),
        categories=sorted(set(usable["category"])),
        only_mine=only_mine,
        observed=test["observed"],
        expected=test["expected"],
        rate_ratio=test["rate_ratio"],
        ci=test["ci"],
        p_value=test["p_value"],
        p_randomization=test["p_randomization"],
        window=window,
        pre_window=pre_window,
        observed_pre=test["observed_pre"],
        expected_pre=test["expected_pre"],
        summary=test["summary"],
        method=test["method"],
        direction=test["direction"],
        notes=sorted({*usable.attrs.get("notes", []), *(str(w.message) for w in caught)}),
        kinds=list(kinds),
        real_placebo=checked,
        power_sentence=power_words,
    )
    return result, usable


def _power_sentence(
    daily: pd.DataFrame, usable: pd.DataFrame, window: tuple[int, int], n_events: int, n_rows: int
) -> str:
    """The study's power sentence, in the words the event-study pages use ('' if it cannot run)."""
    from ..reports import verdict_words

    try:
        with warnings.catch_warnings():
            warnings.simplefilter("ignore")
            found = power_module.power(daily, usable, window)
    except ValueError:
        return ""
    return verdict_words.power_sentence(n_events, found, found, n_rows)


def default_name(path: str | Path) -> str:
    """Report name from the events path: the file's stem or the folder's name, as a slug."""
    p = Path(path)
    stem = p.stem if p.suffix else p.name
    return re.sub(r"[^A-Za-z0-9_-]+", "-", stem).strip("-") or "my_events"


def check_name(name: str) -> str:
    """A report name usable as a file name, or a StudyError."""
    if not NAME_RE.match(name) or len(name) > 100:
        raise StudyError(
            f"--name {name!r} cannot be a file name; use letters, digits, '-', '_' or '.'"
        )
    return name


def _fmt(value: float) -> str:
    """A ratio or bound for prose: two decimals, '∞' when unbounded."""
    return "∞" if not math.isfinite(value) else f"{value:.2f}"


def counted(r: StudyResult) -> str:
    """The sentence's opening: event days (and the rows merged into them), dropped rows, categories."""
    parts = [f"{r.n_mine} yours"]
    if r.n_events_merged:
        parts.append(f"{r.n_events_merged} merged (same day as another)")
    if r.n_events_dropped:
        parts.append(f"{r.n_events_dropped} left out (windows outside the data)")
    parts.append(f"categories {', '.join(r.categories)}")
    subject = plural(r.n_events, "event")
    if r.n_events_merged:
        subject = f"{plural(r.n_events, 'event day')} from {plural(r.n_event_rows, 'event')}"
    return f"{subject} ({'; '.join(parts)})"


def sentence(r: StudyResult) -> str:
    """The study's headline in one sentence, with its unit and both tests."""
    a, b = r.window
    opening = f"{r.verdict[0].upper()}{r.verdict[1:]} — " if r.verdict else ""
    return (
        f"{opening}{counted(r)}: {plural(r.observed, 'launch day')} in days {a:+d} to "
        f"{b:+d} against {fmt_expected(r.observed, r.expected)} expected {EXPECTED_FROM}, rate ratio "
        f"{_fmt(r.rate_ratio)} ({fmt_interval(r.ci)}), p = {r.p_value:.3f} (headline test: "
        f"{r.method})."
        + (f" {r.power_sentence}" if r.power_sentence else "")
        + (f" {real_placebo.row_sentence(r.real_placebo)}." if r.real_placebo else "")
    )
