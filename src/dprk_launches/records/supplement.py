"""Our launch supplement (data/launches/*.csv) and CSIS launch kinds, merged with CNS launch days.

The CNS/NTI mirror ends on its last row; the supplement holds launches after it (and any the mirror
lacks), each checked against the original statement or wire story. CNS rows win where both exist: a
supplement row on a CNS launch day is superseded (listed, not added), and `sources update` names the
supplement rows a newer CNS file now covers. Launch kinds: the default series is ballistic (CNS
scope); `kinds` adds the cruise and other launch days of CSIS and the supplement.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Iterable
from pathlib import Path
from zoneinfo import ZoneInfo, available_timezones

import pandas as pd

from .. import config
from . import schemas
from .launch_files import _csv_frame, _read_text, _require_columns
from .schemas import DataError
from .source_rules import host_kind_problem, source_policy_problem

SUPPLEMENT_DIR = config.DATA_DIR / "launches"
ID_RE = re.compile(r"^\d{4}-\d{2}-\d{2}-[a-z0-9]+(?:-[a-z0-9]+)*$", re.ASCII)
TIME_RE = re.compile(r"^([01]\d|2[0-3]):[0-5]\d$", re.ASCII)
NOON = dt.time(12, 0)
LAUNCH_SOURCE_KINDS = ["primary", "wire"]

# CSIS event labels that are not launches (engine tests, the 2017 nuclear device) stay out.
NOT_A_LAUNCH = ("engine test", "nuclear detonation")


def supplement_files(folder: Path | None = None) -> list[Path]:
    """The supplement's CSV files, sorted (hidden files skipped)."""
    folder = SUPPLEMENT_DIR if folder is None else Path(folder)
    if not folder.is_dir():
        return []
    return sorted(p for p in folder.glob("*.csv") if not p.name.startswith("."))


def _local_day(day: dt.date, time_text: str, zone: str) -> pd.Timestamp:
    """The Pyongyang-clock day of a date and time (local noon when no time) in its own zone."""
    moment = dt.datetime.combine(day, dt.time.fromisoformat(time_text) if time_text else NOON)
    local = moment.replace(tzinfo=ZoneInfo(zone)).astimezone(config.PYONGYANG)
    return pd.Timestamp(local.date())


def _row_problem(row: dict) -> tuple[str, str] | None:
    """First (column, reason) wrong with one supplement row, or None."""
    if not ID_RE.match(row["launch_id"]):
        return "launch_id", "not a slug YYYY-MM-DD-lowercase-words"
    try:
        day = dt.date.fromisoformat(row["date"])
    except ValueError:
        return "date", "not a valid YYYY-MM-DD date"
    if not schemas.FIRST_YEAR <= day.year <= schemas.LAST_YEAR:
        return "date", f"year {day.year} is outside {schemas.FIRST_YEAR}-{schemas.LAST_YEAR}"
    if not row["launch_id"].startswith(row["date"]):
        return "launch_id", f"does not start with date {row['date']}"
    if row["time_local"] and not TIME_RE.match(row["time_local"]):
        return "time_local", "not HH:MM (24h)"
    if row["timezone"] not in available_timezones():
        return "timezone", "unknown IANA time zone (e.g. Asia/Seoul, Asia/Pyongyang)"
    if row["kind"] not in schemas.LAUNCH_KINDS:
        return "kind", f"use one of {', '.join(schemas.LAUNCH_KINDS)}"
    if row["missile_type"] not in schemas.MISSILE_TYPES:
        return "missile_type", f"use one of {', '.join(schemas.MISSILE_TYPES)}"
    if row["n_missiles"] and not (row["n_missiles"].isdigit() and int(row["n_missiles"]) >= 1):
        return "n_missiles", "a whole number of at least 1, or empty when the source gives none"
    if not re.match(r"^https?://\S+$", row["source_url"]):
        return "source_url", "every launch needs an http(s) source_url"
    if reason := source_policy_problem(row["source_url"]):
        return "source_url", reason
    if row["source_kind"] not in LAUNCH_SOURCE_KINDS:
        return "source_kind", "a launch rests on a primary or wire source: primary or wire"
    if reason := host_kind_problem(row["source_url"], row["source_kind"]):
        return "source_kind", reason
    return None


def load_supplement(paths: Iterable[Path | str] | None = None) -> pd.DataFrame:
    """Our launch supplement, validated, one row per launch on the Pyongyang clock (table_schemas.SUPPLEMENT)."""
    files = supplement_files() if paths is None else [Path(p) for p in paths]
    records: list[dict] = []
    seen: dict[str, tuple[str, int]] = {}
    for file in files:
        frame = _csv_frame(file, _read_text(file, ("utf-8",)))
        _require_columns(file, list(frame.columns), schemas.SUPPLEMENT_COLUMNS)
        for i, raw in enumerate(frame[schemas.SUPPLEMENT_COLUMNS].to_dict("records"), 1):
            row = {k: (v or "").strip() for k, v in raw.items()}
            if problem := _row_problem(row):
                column, reason = problem
                raise DataError(file, f"{reason} (value {row[column]!r})", row=i, column=column)
            if row["launch_id"] in seen:
                first = seen[row["launch_id"]]
                raise DataError(
                    file,
                    f"duplicate launch_id (first in {first[0]} row {first[1]})",
                    row=i,
                    column="launch_id",
                )
            seen[row["launch_id"]] = (config.display_path(file), i)
            day = dt.date.fromisoformat(row["date"])
            records.append(
                row
                | {
                    "date_local": _local_day(day, row["time_local"], row["timezone"]),
                    "n_missiles": int(row["n_missiles"]) if row["n_missiles"] else None,
                    "file": config.display_path(file),
                    "row": i,
                }
            )
    from .table_schemas import SUPPLEMENT

    columns = list(SUPPLEMENT.columns)
    table = pd.DataFrame(records, columns=columns)
    table["date_local"] = pd.to_datetime(table["date_local"]).astype("datetime64[ns]")
    table["n_missiles"] = table["n_missiles"].astype("Int64")
    table["row"] = table["row"].astype(int)
    for column in columns:
        if column not in ("date_local", "n_missiles", "row"):
            table[column] = table[column].astype(str)
    table = table.sort_values(["date_local", "launch_id"], kind="stable").reset_index(drop=True)
    return SUPPLEMENT.validate(table)


def csis_kind(event: str, description: str = "") -> str | None:
    """The launch kind of a CSIS missile event label: ballistic, cruise, other, or None (no launch)."""
    label = event.lower()
    if any(word in label for word in NOT_A_LAUNCH):
        return None
    if "cruise" in label:
        return "cruise"
    if "ballistic" in label or "satellite" in label:
        return "ballistic"
    return "other"


def csis_launches(provocations: pd.DataFrame) -> pd.DataFrame:
    """CSIS missile provocations with their launch kind (launches only), on their Korean dates."""
    missile = provocations[provocations["is_missile"]]
    kinds = [csis_kind(e, d) for e, d in zip(missile["event"], missile["description"], strict=True)]
    out = missile.assign(kind=kinds)
    return out[out["kind"].notna()].reset_index(drop=True)


def check_kinds(kinds: Iterable[str]) -> tuple[str, ...]:
    """The kinds asked for, validated and in vocabulary order (ValueError naming the allowed ones).

    Ballistic is always among them: the CNS/NTI series is ballistic, and the other kinds add to it.
    """
    asked = tuple(kinds)
    unknown = sorted(set(asked) - set(schemas.LAUNCH_KINDS))
    if unknown or not asked:
        raise ValueError(f"kinds must be some of {schemas.LAUNCH_KINDS}, not {list(asked)}")
    if "ballistic" not in asked:
        raise ValueError(
            f"kinds must include ballistic (the CNS/NTI series; other kinds add to it), not {list(asked)}"
        )
    return tuple(k for k in schemas.LAUNCH_KINDS if k in asked)


def parse_kinds(text: str) -> tuple[str, ...]:
    """The launch kinds of a `--kinds` value: 'ballistic,cruise' (with ballistic), or 'all'."""
    words = [w.strip() for w in text.split(",")]
    if words == ["all"]:
        return tuple(schemas.LAUNCH_KINDS)
    allowed = ", ".join(schemas.LAUNCH_KINDS)
    bad = [w for w in words if w not in schemas.LAUNCH_KINDS]
    if bad or len(set(words)) != len(words):
        what = f"unknown kind {bad[0]!r}" if bad else "a kind named twice"
        raise ValueError(
            f"{what} in {text!r}: give a comma-separated list of {allowed} that includes "
            "ballistic (e.g. ballistic,cruise), or all"
        )
    if "ballistic" not in words:
        raise ValueError(
            f"{text!r} leaves out ballistic: the series is the ballistic CNS/NTI launch days and "
            "--kinds adds to them (e.g. ballistic,cruise), or all"
        )
    return check_kinds(words)


def kinds_option(kinds: Iterable[str]) -> str:
    """The `--kinds` value that asks for these kinds ('ballistic,cruise')."""
    return ",".join(check_kinds(kinds))


def superseded(cns_days: pd.DataFrame, supplement: pd.DataFrame) -> pd.DataFrame:
    """Supplement rows on a CNS launch day (CNS wins): what a newer CNS file now covers."""
    days = set(cns_days.loc[cns_days["date_precision"] == "day", "date_local"])
    return supplement[supplement["date_local"].isin(days)].reset_index(drop=True)


def covered_by_missiles(
    missiles: pd.DataFrame, supplement: pd.DataFrame | None = None
) -> list[str]:
    """'launch_id (date)' of each supplement row whose Pyongyang day is a launch day of `missiles`."""
    supplement = load_supplement() if supplement is None else supplement
    days = set(missiles.loc[missiles["date_precision"] == "day", "date_local"])
    hit = supplement[supplement["date_local"].isin(days)]
    return [f"{r.launch_id} ({r.date_local:%Y-%m-%d})" for r in hit.itertuples()]


def _added_rows(extra: pd.DataFrame) -> pd.DataFrame:
    """Launch-day rows (table_schemas.LAUNCHES columns) from supplement/CSIS rows, one per day."""
    rows = []
    for day, group in extra.groupby("date_local", sort=True):
        counts = group["n_missiles"].fillna(1).astype(int)
        rows.append(
            {
                "launch_id": f"{day:%Y-%m-%d}",
                "date_local": day,
                "n_missiles": int(counts.sum()),
                "missile_types": ";".join(sorted(set(group["missile_type"]))),
                "outcomes": f"unknown:{int(counts.sum())}",
                "facilities": ";".join(sorted(set(group["facility"]))),
                "date_precision": "day",
            }
        )
    return pd.DataFrame(rows)


def merge_launch_days(
    cns_days: pd.DataFrame,
    supplement: pd.DataFrame,
    provocations: pd.DataFrame | None = None,
    kinds: Iterable[str] = schemas.DEFAULT_KINDS,
) -> pd.DataFrame:
    """CNS launch days plus the supplement's (and, for cruise/other, CSIS's) days CNS lacks.

    CNS wins: a day CNS has keeps its CNS row. attrs['added'] maps each added day to its source
    ('supplement' or 'csis'), kind and citation; attrs['superseded'] lists supplement rows CNS covers.
    """
    kinds = check_kinds(kinds)
    cns_dates = set(cns_days["date_local"])
    ours = supplement[supplement["kind"].isin(kinds)]
    extra = ours[~ours["date_local"].isin(cns_dates)].assign(source="supplement")
    extra = extra.assign(cite=extra["source_url"])
    other = [k for k in kinds if k != "ballistic"]
    if other and provocations is not None:
        csis = csis_launches(provocations)
        csis = csis[csis["kind"].isin(other)]
        taken = cns_dates | set(extra["date_local"])
        csis = csis[~csis["date_local"].isin(taken)]
        csis = pd.DataFrame(
            {
                "date_local": csis["date_local"],
                "kind": csis["kind"],
                "missile_type": "Unknown",
                "n_missiles": pd.Series([None] * len(csis), index=csis.index, dtype="Int64"),
                "facility": "Unknown (CSIS)",
                "source": "csis",
                "description": csis["event"],
                "cite": csis["resources"],
            }
        )
        extra = pd.concat([extra, csis], ignore_index=True)
    added_rows = _added_rows(extra)
    table = pd.concat([cns_days, added_rows], ignore_index=True) if len(added_rows) else cns_days
    table = table.sort_values(["date_local", "launch_id"], kind="stable").reset_index(drop=True)
    from .table_schemas import LAUNCHES

    table = LAUNCHES.validate(table.astype({"n_missiles": int}))
    added = {}
    for day, group in extra.groupby("date_local", sort=True):
        first = group.iloc[0]
        added[f"{day:%Y-%m-%d}"] = {
            "source": str(first["source"]),
            "kinds": ";".join(sorted(set(group["kind"]))),
            "description": str(first["description"]),
            "source_url": str(first["cite"]).split()[0] if str(first["cite"]).strip() else "",
        }
    table.attrs["kinds"] = list(kinds)
    table.attrs["added"] = added
    table.attrs["superseded"] = list(superseded(cns_days, supplement)["launch_id"])
    return table
