"""Project paths and the Pyongyang clock: the one place that knows where things live."""

from __future__ import annotations

import os
import tempfile
from collections.abc import Callable
from pathlib import Path
from zoneinfo import ZoneInfo

import pandas as pd

PACKAGE_DIR = Path(__file__).resolve().parent
PROJECT_ROOT = PACKAGE_DIR.parents[1]
DATA_DIR = PROJECT_ROOT / "data"
RAW_DIR = DATA_DIR / "raw"
PROCESSED_DIR = DATA_DIR / "processed"
EVENTS_DIR = DATA_DIR / "events"
SOURCES_TOML = DATA_DIR / "sources.toml"
NOTEBOOKS_DIR = PROJECT_ROOT / "notebooks"
REPORTS_DIR = PROJECT_ROOT / "reports"

MIRROR_ENV = "DPRK_DATA_MIRROR"
RAW_DIR_ENV = "DPRK_DATA_RAW"

PYONGYANG = ZoneInfo("Asia/Pyongyang")
UTC = ZoneInfo("UTC")


def raw_dir() -> Path:
    """Folder holding fetched third-party files (env DPRK_DATA_RAW overrides data/raw)."""
    return Path(os.environ.get(RAW_DIR_ENV) or RAW_DIR)


def mirror_dir() -> Path | None:
    """Offline mirror folder laid out like shared/data/reference, from env DPRK_DATA_MIRROR."""
    value = os.environ.get(MIRROR_ENV)
    return Path(value) if value else None


def to_pyongyang(ts_utc: pd.Series) -> pd.Series:
    """Convert tz-aware UTC timestamps to naive wall-clock timestamps on the Pyongyang clock."""
    return ts_utc.dt.tz_convert(PYONGYANG).dt.tz_localize(None)


def display_path(path: Path | str) -> str:
    """A path as shown to users: relative to the project root when inside it (stable across clones)."""
    resolved = Path(path).resolve()
    try:
        return resolved.relative_to(PROJECT_ROOT).as_posix()
    except ValueError:
        return str(path)


def cache_folder(env: str, default: Path) -> Path | None:
    """A cache's folder: the environment variable `env` (an empty value turns the cache off), else `default`."""
    value = os.environ.get(env)
    if value is None:
        return default
    return Path(value) if value else None


def store_in_cache(path: Path, write: Callable[[str], None]) -> None:
    """Write a cache file atomically: `write(name)` fills a temporary file beside `path` (same suffix),
    which then replaces it, so reports built in parallel never read half a file; an unwritable
    folder just leaves the cache unused."""
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(
            dir=path.parent, suffix=path.suffix, delete=False
        ) as handle:
            write(handle.name)
        os.chmod(handle.name, 0o644)
        os.replace(handle.name, path)
    except OSError:
        return
