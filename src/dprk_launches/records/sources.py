"""Third-party source files: the pinned list, and fetching them verified (pooch) with a mirror."""

from __future__ import annotations

import hashlib
import os
import shutil
import tempfile
import tomllib
from dataclasses import dataclass
from pathlib import Path

import pooch

from .. import config


class SourceError(RuntimeError):
    """A source file could not be had, or failed its checksum."""


@dataclass(frozen=True)
class Source:
    """One pinned third-party file: where it lives upstream, its hash, licence and citation."""

    name: str
    title: str
    role: str
    url: str
    repository: str
    commit: str
    version: str
    mirror_path: str
    sha256: str
    licence: str
    citation: str

    @property
    def filename(self) -> str:
        """File name inside data/raw/: the mirror layout, flattened."""
        return self.mirror_path.replace("/", "__")


def load_sources(path: Path | None = None) -> dict[str, Source]:
    """Read data/sources.toml into Source records keyed by name, in file order."""
    path = path or config.SOURCES_TOML
    with open(path, "rb") as fh:
        table = tomllib.load(fh)
    return {name: Source(name=name, **fields) for name, fields in table.items()}


def sha256_of(path: Path) -> str:
    """Hex sha256 of a file."""
    digest = hashlib.sha256()
    with open(path, "rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def _cache_mode(path: Path) -> None:
    """Cached files are readable by everyone sharing the cache (0644), like a normal download."""
    os.chmod(path, 0o644)


def _copy_verified(src: Path, dest: Path, source: Source) -> Path:
    """Copy src to dest atomically if its sha256 matches the pinned one."""
    actual = sha256_of(src)
    if actual != source.sha256:
        raise SourceError(
            f"mirror: {src} does not match the pinned sha256 of source '{source.name}' "
            f"(expected {source.sha256}, got {actual}); it was not used or cached. "
            "The mirror holds a different version of the file: restore the pinned one "
            "(or re-pin with `python -m dprk_launches sources update`)."
        )
    dest.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(dir=dest.parent, delete=False) as tmp:
        tmp_path = Path(tmp.name)
    shutil.copyfile(src, tmp_path)
    _cache_mode(tmp_path)
    os.replace(tmp_path, dest)
    return dest


def _network_reason(exc: BaseException) -> str:
    """Why a download failed, in words: unreachable, an HTTP status, or the error itself."""
    import requests

    if isinstance(exc, requests.HTTPError) and exc.response is not None:
        return f"the server answered HTTP {exc.response.status_code} {exc.response.reason}"
    if isinstance(exc, requests.ConnectionError | requests.Timeout | OSError):
        return f"network unreachable ({type(exc).__name__})"
    return f"{type(exc).__name__}: {exc}"


def _download(url: str, dest: Path, source: Source, progress: bool, tried: list[str]) -> Path:
    """Download url into dest through pooch, hash-checked; nothing is cached on failure."""
    try:
        fetched = pooch.retrieve(
            url,
            known_hash=f"sha256:{source.sha256}",
            fname=dest.name,
            path=dest.parent,
            progressbar=progress,
        )
    except ValueError as exc:
        raise SourceError(
            f"network: the download of source '{source.name}' from {url} failed its sha256 "
            f"check and was discarded (expected {source.sha256}): the file is truncated or "
            f"not the pinned version. Details: {exc}"
        ) from exc
    except Exception as exc:
        tried.append(f"network: could not download {url}: {_network_reason(exc)}")
        raise SourceError(
            f"Could not get source '{source.name}'. "
            + "; ".join(tried)
            + f". Fix one of these: point {config.MIRROR_ENV} at a folder laid out like "
            "shared/data/reference/ (or an http URL of one), get online, or place the pinned "
            f"file at {dest}."
        ) from exc
    _cache_mode(Path(fetched))
    return Path(fetched)


def fetch(name: str, *, progress: bool = False, toml_path: Path | None = None) -> Path:
    """Path to a verified local copy of source `name`: cache, then mirror, then download."""
    sources = load_sources(toml_path)
    if name not in sources:
        raise SourceError(f"Unknown source '{name}'; known: {', '.join(sources)}")
    source = sources[name]
    dest = config.raw_dir() / source.filename
    tried = []
    if not dest.exists():
        tried.append(f"cache: {dest} does not exist")
    elif sha256_of(dest) == source.sha256:
        return dest
    else:
        tried.append(f"cache: {dest} is not the pinned version (sha256 differs; replaced)")
    mirror = os.environ.get(config.MIRROR_ENV)
    if mirror and mirror.startswith(("http://", "https://")):
        url = f"{mirror.rstrip('/')}/{source.mirror_path}"
        tried.append(f"mirror: {config.MIRROR_ENV} is the URL {mirror}")
        return _download(url, dest, source, progress, tried)
    if not mirror:
        tried.append(f"mirror: {config.MIRROR_ENV} is not set")
    elif not Path(mirror).is_dir():
        tried.append(f"mirror: {config.MIRROR_ENV}={mirror} is not a folder")
    elif not (Path(mirror) / source.mirror_path).is_file():
        tried.append(
            f"mirror: the folder {mirror} has no file {source.mirror_path} "
            f"({config.MIRROR_ENV} must point at a folder laid out like shared/data/reference/)"
        )
    else:
        return _copy_verified(Path(mirror) / source.mirror_path, dest, source)
    return _download(source.url, dest, source, progress, tried)


def fetch_all(*, progress: bool = False) -> dict[str, Path]:
    """Fetch and verify every pinned source; returns name -> local path."""
    return {name: fetch(name, progress=progress) for name in load_sources()}
