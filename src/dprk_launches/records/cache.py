"""Validated source tables kept on disk per data and code version, shared across reports.

Parsing the pinned launch source and the events catalogue and validating them with their pandera
schemas takes about half a second per report, most of it importing pandera's validation backends. The
result depends only on the input files' bytes and the package's code, so it is kept in
`data/processed/tables/` (or the folder named by DPRK_TABLE_CACHE; an empty value turns it off) under
the sha256 of both: a new data version, an edited catalogue or a changed loader never reuses an old
table. Tables are Parquet files (nothing in them can run code when read), each with a manifest
(`<entry>.json`: sha256 of the file's bytes and of every input, shape, columns and dtypes, attrs as
JSON); an entry whose manifest does not verify, or whose table does not match it, is rebuilt with a
one-line note, never used.
"""

from __future__ import annotations

import dataclasses
import hashlib
import io
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import pandas as pd

from .. import config
from .schemas import Rejection

CACHE_ENV = "DPRK_TABLE_CACHE"
DATA_LAYER = ("*.py", "records/*.py", "events/*.py")
REJECTION = "__rejection__"


def cache_dir() -> Path | None:
    """Folder of cached tables: env DPRK_TABLE_CACHE (empty turns it off), else data/processed/tables."""
    return config.cache_folder(CACHE_ENV, config.PROCESSED_DIR / "tables")


@cache
def _code_digest() -> str:
    """sha256 of the package's data-layer modules (top level, records and events)."""
    h = hashlib.sha256()
    paths = sorted(p for pattern in DATA_LAYER for p in config.PACKAGE_DIR.glob(pattern))
    for path in paths:
        h.update(
            path.relative_to(config.PACKAGE_DIR).as_posix().encode() + b"\0" + path.read_bytes()
        )
    return h.hexdigest()


def _inputs(kind: str, inputs: Iterable[Path], settings: str) -> dict[str, str]:
    """What an entry is made from: the code, kind and settings, and the sha256 of each input file."""
    found = {"code": _code_digest(), "kind": kind, "settings": settings}
    for i, path in enumerate(inputs):
        found[f"input{i}"] = hashlib.sha256(Path(path).read_bytes()).hexdigest()
    return found


def _attrs_json(attrs: dict) -> dict:
    """A table's attrs as JSON values (each Rejection record as {REJECTION: its fields})."""
    return {
        key: [{REJECTION: dataclasses.asdict(v)} if isinstance(v, Rejection) else v for v in value]
        if isinstance(value, list)
        else value
        for key, value in attrs.items()
    }


def _attrs_back(attrs: dict) -> dict:
    """attrs from their JSON form: Rejection records come back as Rejection records."""
    return {
        key: [
            Rejection(**v[REJECTION]) if isinstance(v, dict) and REJECTION in v else v
            for v in value
        ]
        if isinstance(value, list)
        else value
        for key, value in attrs.items()
    }


def _describe(table: pd.DataFrame) -> dict:
    """The shape, columns and dtypes a cached table must come back with."""
    return {
        "rows": len(table),
        "columns": [str(c) for c in table.columns],
        "dtypes": [str(t) for t in table.dtypes],
        "attrs": _attrs_json(table.attrs),
    }


def _read(path: Path, inputs: dict[str, str]) -> pd.DataFrame | None:
    """The verified table of an entry, or None (absent, or rebuilt with a note)."""
    entry = config.load_from_cache(path, inputs)
    if entry is None:
        return None
    data, meta = entry
    try:
        table = pd.read_parquet(io.BytesIO(data), engine="pyarrow")
        table.attrs = _attrs_back(meta.get("attrs", {}))
    except (OSError, ValueError, TypeError, KeyError) as exc:
        config.cache_note(path, f"is not a readable table ({type(exc).__name__})")
        return None
    if {k: v for k, v in _describe(table).items() if k != "attrs"} != {
        k: meta.get(k) for k in ("rows", "columns", "dtypes")
    }:
        config.cache_note(path, "does not have the shape or dtypes its manifest states")
        return None
    return table


def cached_table(
    kind: str, inputs: Iterable[Path], build: Callable[[], pd.DataFrame], settings: str = ""
) -> pd.DataFrame:
    """The table `build()` makes from `inputs`, read from the cache when this version was built before."""
    folder = cache_dir()
    if folder is None:
        return build()
    described = _inputs(kind, list(inputs), settings)
    key = hashlib.sha256(repr(sorted(described.items())).encode()).hexdigest()[:32]
    path = folder / f"{kind}-{key}.parquet"
    table = _read(path, described)
    if table is not None:
        return table
    table = build()
    buffer = io.BytesIO()
    table.to_parquet(buffer, engine="pyarrow", index=False)
    config.store_in_cache(path, buffer.getvalue(), described, _describe(table))
    return table
