"""Validated source tables kept on disk per data and code version, shared across reports.

Parsing the pinned launch source and the events catalogue and validating them with their pandera
schemas takes about half a second per report, most of it importing pandera's validation backends. The
result depends only on the input files' bytes and the package's code, so it is kept in
`data/processed/tables/` (or the folder named by DPRK_TABLE_CACHE; an empty value turns it off) under
the sha256 of both: a new data version, an edited catalogue or a changed loader never reuses an old
table. Frames are pickled (dtypes and attrs come back exactly) and written atomically, so reports
built in parallel can share the folder; an unreadable file is rebuilt.
"""

from __future__ import annotations

import hashlib
import pickle
from collections.abc import Callable, Iterable
from functools import cache
from pathlib import Path

import pandas as pd

from . import config

CACHE_ENV = "DPRK_TABLE_CACHE"
PACKAGE = Path(__file__).resolve().parent


def cache_dir() -> Path | None:
    """Folder of cached tables: env DPRK_TABLE_CACHE (empty turns it off), else data/processed/tables."""
    return config.cache_folder(CACHE_ENV, config.PROCESSED_DIR / "tables")


@cache
def _code_digest() -> str:
    """sha256 of the package's data-layer modules (every top-level .py file)."""
    h = hashlib.sha256()
    for path in sorted(PACKAGE.glob("*.py")):
        h.update(path.name.encode() + b"\0" + path.read_bytes())
    return h.hexdigest()


def table_key(kind: str, inputs: Iterable[Path], settings: str = "") -> str:
    """Cache key: the code, the table's kind and settings, and the bytes of every input file."""
    h = hashlib.sha256(f"{_code_digest()}/{kind}/{settings}".encode())
    for path in inputs:
        h.update(hashlib.sha256(Path(path).read_bytes()).digest())
    return h.hexdigest()[:32]


def cached_table(
    kind: str, inputs: Iterable[Path], build: Callable[[], pd.DataFrame], settings: str = ""
) -> pd.DataFrame:
    """The table `build()` makes from `inputs`, read from the cache when this version was built before."""
    folder = cache_dir()
    if folder is None:
        return build()
    path = folder / f"{kind}-{table_key(kind, inputs, settings)}.pkl"
    try:
        return pd.read_pickle(path)
    except (OSError, EOFError, pickle.UnpicklingError, AttributeError, ValueError, TypeError):
        pass  # absent, unreadable or written by other library versions: build it
    table = build()
    config.store_in_cache(path, table.to_pickle)
    return table
