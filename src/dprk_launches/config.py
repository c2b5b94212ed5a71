"""Project paths and the Pyongyang clock: the one place that knows where things live."""

from __future__ import annotations

import hashlib
import json
import os
import stat
import sys
import tempfile
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


CACHE_FORMAT = "dprk-cache/1"
MAX_MANIFEST_BYTES = 1 << 20
CACHE_LOG_ENV = "DPRK_CACHE_LOG"


def _sha256(data: bytes) -> str:
    """Hex sha256 of bytes."""
    return hashlib.sha256(data).hexdigest()


def cache_note(path: Path, why: str) -> None:
    """One line on the process's real stderr (in a kernel: its log, never the page) about a cache entry."""
    print(f"note: cache entry {display_path(path)} {why}; rebuilt", file=sys.__stderr__)


def _log_use(path: Path, digest: str) -> None:
    """Append 'sha256 path' to the file named by DPRK_CACHE_LOG (the report build reads it)."""
    log = os.environ.get(CACHE_LOG_ENV)
    if not log:
        return
    try:
        with open(log, "a", encoding="utf-8") as handle:
            handle.write(f"{digest} {path.resolve()}\n")
    except OSError:
        return


def _atomic_bytes(path: Path, data: bytes) -> None:
    """Write bytes to path via a temporary file beside it and a rename (the temporary file never stays)."""
    with tempfile.NamedTemporaryFile(dir=path.parent, suffix=".tmp", delete=False) as handle:
        name = handle.name
    try:
        with open(name, "wb") as out:
            out.write(data)
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


def store_in_cache(path: Path, data: bytes, inputs: dict[str, str], meta: dict) -> None:
    """Write a cache entry: the data file, then its manifest `path.json` holding the sha256 of the
    data's bytes, the sha256 of every input and `meta` (shape, columns...); both written atomically,
    so reports built in parallel never read half an entry; an unwritable folder leaves the cache unused."""
    manifest = {
        "format": CACHE_FORMAT,
        "file": path.name,
        "bytes": len(data),
        "sha256": _sha256(data),
        "inputs": inputs,
        "meta": meta,
    }
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        _atomic_bytes(path, data)
        _atomic_bytes(manifest_path(path), json.dumps(manifest, sort_keys=True).encode())
    except OSError:
        return
    _log_use(path, manifest["sha256"])


def manifest_path(path: Path) -> Path:
    """The manifest beside a cache entry."""
    return path.with_name(path.name + ".json")


def _regular_bytes(path: Path, limit: int | None = None) -> bytes:
    """The bytes of a regular file (a FIFO, device or folder raises OSError at once, never blocks)."""
    fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK | getattr(os, "O_NOFOLLOW", 0))
    with os.fdopen(fd, "rb") as handle:
        if not stat.S_ISREG(os.fstat(fd).st_mode):
            raise OSError(f"{path} is not a regular file")
        return handle.read() if limit is None else handle.read(limit + 1)


def load_from_cache(path: Path, inputs: dict[str, str]) -> tuple[bytes, dict] | None:
    """The bytes and meta of a cache entry whose manifest verifies (format, inputs, size, sha256),
    else None: an absent entry silently, anything else (a foreign, planted, truncated or edited
    file) with a one-line note. The bytes returned are the bytes hashed, so nothing can swap them."""
    try:
        raw = _regular_bytes(manifest_path(path), MAX_MANIFEST_BYTES)
    except FileNotFoundError:
        if path.exists():
            cache_note(path, "has no manifest (a foreign file)")
        return None
    except OSError as exc:
        cache_note(path, f"has an unreadable manifest ({exc})")
        return None
    try:
        manifest = json.loads(raw) if len(raw) <= MAX_MANIFEST_BYTES else None
    except (ValueError, UnicodeDecodeError):
        manifest = None
    if not isinstance(manifest, dict) or manifest.get("format") != CACHE_FORMAT:
        cache_note(path, "has a manifest this version did not write")
        return None
    if manifest.get("file") != path.name or manifest.get("inputs") != inputs:
        cache_note(path, "was made from other inputs")
        return None
    try:
        data = _regular_bytes(path, int(manifest.get("bytes", 0)) + 1)
    except (OSError, ValueError, TypeError) as exc:
        cache_note(path, f"cannot be read ({exc})")
        return None
    if len(data) != manifest.get("bytes") or _sha256(data) != manifest.get("sha256"):
        cache_note(path, "does not match its manifest's sha256")
        return None
    meta = manifest.get("meta")
    if not isinstance(meta, dict):
        cache_note(path, "has no description in its manifest")
        return None
    _log_use(path, manifest["sha256"])
    return data, meta
