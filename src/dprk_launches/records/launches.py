"""Launch tables on the Pyongyang clock from the CNS/NTI sources (nagix JSON, CNS CSV, 2019 xlsx) and CSIS."""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Iterable
from pathlib import Path
from typing import Literal

import numpy as np
import pandas as pd

from .. import config
from . import cache as tablecache
from . import schemas
from . import supplement as launch_supplement
from .launch_files import (
    MISSING_WORDS,
    NUMBER_RE,
    RANGE_RE,
    Errors,
    _check_year,
    _csv_frame,
    _read_text,
    _require_columns,
    _resolve_path,
    _RowProblems,
    _warn_unpinned,
)
from .missile_sources import (
    CNS_COLUMNS,
    MONTHS,
    NAGIX_KEYS,
    _cns2019_rows,
    _cns_csv_rows,
    _nagix_rows,
)
from .schemas import DataError

__all__ = [
    "CNS_COLUMNS",
    "CSIS_COLUMNS",
    "MISSING_WORDS",
    "MONTHS",
    "NAGIX_KEYS",
    "NUMBER_RE",
    "RANGE_RE",
    "Errors",
    "LaunchSource",
    "clock_shifts",
    "cross_check",
    "csis_coverage",
    "launches_from_missiles",
    "load_cns_launches",
    "load_launches",
    "load_missiles",
    "load_provocations",
    "on_utc_clock",
]

LaunchSource = Literal["nagix", "cns", "cns2019"]

CSIS_COLUMNS = ["date", "type", "event", "description", "resources"]


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
    from .table_schemas import MISSILES

    df = df[list(MISSILES.columns)].reset_index(drop=True)
    return MISSILES.validate(df)


def _reader(source: str) -> tuple[str, Callable[..., list[dict]]]:
    """The pinned source name and row reader of a launch source."""
    readers = {
        "nagix": ("nagix_tests", _nagix_rows),
        "cns": ("cns_csv", _cns_csv_rows),
        "cns2019": ("cns2019_xlsx", _cns2019_rows),
    }
    if source not in readers:
        raise ValueError(f"source must be one of {list(readers)}, not {source!r}")
    return readers[source]


def load_missiles(
    source: LaunchSource = "nagix", path: Path | str | None = None, errors: Errors = "raise"
) -> pd.DataFrame:
    """One row per missile from a CNS/NTI source, dated on the Pyongyang clock (see table_schemas.MISSILES)."""
    name, reader = _reader(source)
    file, pinned = _resolve_path(name, path)
    _warn_unpinned(file, name, pinned)

    def build() -> pd.DataFrame:
        problems = _RowProblems(file, errors)
        table = _assemble_missiles(reader(file, problems), source)
        table.attrs["rejected"] = problems.rejected
        return table

    if not pinned:  # a user's file: validated every time
        return build()
    return tablecache.cached_table(f"missiles-{source}", [file], build, settings=errors)


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
    from .table_schemas import LAUNCHES

    return LAUNCHES.validate(table)


def load_cns_launches(
    source: LaunchSource = "nagix", path: Path | str | None = None
) -> pd.DataFrame:
    """CNS/NTI launch days only (no supplement), one row per day on the Pyongyang clock."""
    if path is not None:
        return launches_from_missiles(load_missiles(source=source, path=path))
    if source == "nagix":  # the cached primary series without the days our supplement adds
        merged = load_launches()
        cns = merged[~merged["launch_id"].isin(list(merged.attrs.get("added", {})))]
        cns = cns.reset_index(drop=True)
        cns.attrs = {}
        return cns
    file, _ = _resolve_path(_reader(source)[0], None)
    return tablecache.cached_table(
        f"launches-{source}", [file], lambda: launches_from_missiles(load_missiles(source))
    )


def load_launches(
    source: LaunchSource = "nagix",
    path: Path | str | None = None,
    kinds: Iterable[str] = schemas.DEFAULT_KINDS,
    supplement: bool = True,
) -> pd.DataFrame:
    """One row per launch day on the Pyongyang clock (see table_schemas.LAUNCHES); unit: launch days.

    The pinned primary series (nagix, no `path`) is CNS/NTI plus our launch supplement's days that
    CNS lacks (CNS wins where both exist); `kinds` adds cruise and other launch days from CSIS and
    the supplement (default: ballistic only, CNS scope). Cross-check sources, a user's `path` or
    `supplement=False` give CNS alone. attrs: 'kinds', 'added' (day -> source, kinds, citation),
    'superseded' (supplement rows a CNS day covers).
    """
    kinds = launch_supplement.check_kinds(kinds)
    if source != "nagix" or path is not None or not supplement:
        if kinds != schemas.DEFAULT_KINDS:
            raise ValueError("kinds other than ballistic need the pinned nagix series")
        if source == "nagix" and path is None:
            return load_cns_launches()
        return load_cns_launches(source, path)
    file, _ = _resolve_path(_reader(source)[0], None)
    inputs = [file, *launch_supplement.supplement_files()]
    if kinds != schemas.DEFAULT_KINDS:
        inputs.append(_resolve_path("csis_provocations", None)[0])

    def build() -> pd.DataFrame:
        cns = launches_from_missiles(load_missiles(source))
        provocations = load_provocations() if kinds != schemas.DEFAULT_KINDS else None
        return launch_supplement.merge_launch_days(
            cns, launch_supplement.load_supplement(), provocations, kinds
        )

    return tablecache.cached_table(
        f"launches-{source}", inputs, build, settings="kinds=" + ",".join(kinds)
    )


def load_provocations(path: Path | str | None = None, errors: Errors = "raise") -> pd.DataFrame:
    """CSIS provocations, one row per event on its Korean date (see table_schemas.PROVOCATIONS)."""
    file, pinned = _resolve_path("csis_provocations", path)
    _warn_unpinned(file, "csis_provocations", pinned)

    def build() -> pd.DataFrame:
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
        from .table_schemas import PROVOCATIONS

        out = PROVOCATIONS.validate(out[list(PROVOCATIONS.columns)])
        out.attrs["rejected"] = problems.rejected
        return out

    if not pinned:  # a user's file: validated every time
        return build()
    return tablecache.cached_table("provocations", [file], build, settings=errors)


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


def _day_source(day: pd.Timestamp, provocations: pd.DataFrame | None) -> tuple[str, str] | None:
    """(kind, where in words) of a launch day in our supplement, else in CSIS; None if neither."""
    ours = launch_supplement.load_supplement()
    ours = ours[ours["date_local"] == day]
    if len(ours):
        r = ours.iloc[0]
        return r["kind"], f"our launch supplement ({r['source_kind']} source {r['source_url']})"
    provocations = load_provocations() if provocations is None else provocations
    csis = launch_supplement.csis_launches(provocations)
    hit = csis[csis["date_local"] == day]
    if not len(hit):
        return None
    r = hit.iloc[0]
    first_url = r["resources"].split()[0] if r["resources"].strip() else "no link"
    return r["kind"], f"CSIS only ({r['event']}, {first_url})"


def describe_launch_day(
    day: str | pd.Timestamp,
    provocations: pd.DataFrame | None = None,
    kinds: Iterable[str] = schemas.DEFAULT_KINDS,
) -> str | None:
    """One sentence on a launch day outside the CNS series (kind and source), or None if none is known.

    For `claim` on a day CNS lacks: e.g. "2023-03-12 (Pyongyang clock) has a cruise launch in CSIS
    only (Strategic cruise missile, https://...), which the ballistic series does not count: rerun
    with --kinds ballistic,cruise".
    """
    kinds = launch_supplement.check_kinds(kinds)
    day = pd.Timestamp(day).normalize()
    found = _day_source(day, provocations)
    if found is None:
        return None
    kind, where = found
    head = f"{day:%Y-%m-%d} (Pyongyang clock) has a {kind} launch in {where}"
    if kind in kinds and where.startswith("our"):
        return f"{head}, part of the launch series"
    if kind == "ballistic":
        return f"{head}, which CNS/NTI does not list (the ballistic series keeps CNS scope)"
    if kind in kinds:
        return f"{head}, counted with --kinds {launch_supplement.kinds_option(kinds)}"
    series = "ballistic series" if kinds == schemas.DEFAULT_KINDS else f"{'/'.join(kinds)} series"
    return (
        f"{head}, which the {series} does not count: rerun with "
        f"--kinds {launch_supplement.kinds_option((*kinds, kind))}"
    )
