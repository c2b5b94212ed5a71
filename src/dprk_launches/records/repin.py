"""Re-pinning a source to a newer upstream commit: validate with the loaders, rewrite data/sources.toml."""

from __future__ import annotations

import json
import os
import re
import shutil
import tempfile
from dataclasses import dataclass, field, replace
from pathlib import Path

from .. import config
from . import launches, sources


@dataclass(frozen=True)
class SourceUpdate:
    """What re-pinning a source changed: the old and new pin, and the rows added, removed, revised."""

    name: str
    old: sources.Source
    new: sources.Source
    added: list[str]
    removed: list[str]
    revised: list[str]
    origin: str = ""
    covered: list[str] = field(default_factory=list)

    def report(self, limit: int = 10) -> str:
        """Lines for the terminal: the new pin, then counts and the first rows of each change."""
        lines = [
            f"{self.name}: re-pinned {self.old.commit[:12]} -> {self.new.commit[:12]}",
            f"  url     {self.new.url}",
            f"  from    {self.origin or self.new.url}",
            f"  sha256  {self.old.sha256} -> {self.new.sha256}",
            f"  version {self.old.version!r} -> {self.new.version!r}",
            f"  rows: {len(self.added)} added, {len(self.removed)} removed, "
            f"{len(self.revised)} revised",
        ]
        for mark, keys in (("+", self.added), ("-", self.removed), ("~", self.revised)):
            lines += [f"  {mark} {key}" for key in keys[:limit]]
            if len(keys) > limit:
                lines.append(f"  {mark} ... and {len(keys) - limit} more")
        if self.covered:
            lines.append(
                f"  launch supplement: {len(self.covered)} row(s) now on a CNS launch day "
                "(CNS wins; remove them from data/launches/ once checked):"
            )
            lines += [f"  = {key}" for key in self.covered]
        return "\n".join(lines)


def _dated_rows(
    frame: object, date_column: str, drop: tuple[str, ...]
) -> dict[str, dict[str, str]]:
    """A loaded table as key -> {column: value}, the key being its date and its order within that date."""
    table = frame.drop(columns=[c for c in drop if c in frame.columns])
    dates = table[date_column].dt.strftime("%Y-%m-%d").fillna("undated")
    rows: dict[str, dict[str, str]] = {}
    seen: dict[str, int] = {}
    for date, record in zip(dates, table.astype(str).fillna("").to_dict("records"), strict=True):
        seen[date] = seen.get(date, 0) + 1
        rows[f"{date} #{seen[date]}"] = record
    return rows


def source_rows(name: str, path: Path) -> dict[str, dict[str, str]]:
    """Validate a file of source `name` with its loader (schema checks) and return its rows by key."""
    import warnings

    import pandas as pd

    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        if name in ("nagix_tests", "cns_csv", "cns2019_xlsx"):
            kind = {"nagix_tests": "nagix", "cns_csv": "cns", "cns2019_xlsx": "cns2019"}[name]
            frame = launches.load_missiles(kind, path=path)
            return _dated_rows(frame, "date_local", ("source_row", "missile_seq", "launch_id"))
        if name == "csis_provocations":
            return _dated_rows(launches.load_provocations(path=path), "date_local", ("source_row",))
    if name in ("nagix_missiles", "nagix_facilities"):
        try:
            doc = json.loads(path.read_text(encoding="utf-8"))
        except (json.JSONDecodeError, UnicodeDecodeError) as exc:
            raise sources.SourceError(f"{path}: not valid JSON ({exc})") from exc
        if name == "nagix_facilities":
            doc = doc.get("facilities") if isinstance(doc, dict) else None
        if not isinstance(doc, dict) or not doc:
            raise sources.SourceError(
                f"{path}: expected a JSON object of {name.split('_')[1]} by key"
            )
        return {
            str(k): {f: json.dumps(x, sort_keys=True) for f, x in v.items()}
            if isinstance(v, dict)
            else {"value": json.dumps(v, sort_keys=True)}
            for k, v in doc.items()
        }
    try:
        frame = pd.read_csv(path, dtype=str, keep_default_na=False)
    except (pd.errors.ParserError, UnicodeDecodeError, pd.errors.EmptyDataError) as exc:
        raise sources.SourceError(f"{path}: not a readable CSV ({exc})") from exc
    columns = [str(c) for c in frame.columns]
    return {
        " ".join(row[:2]): dict(zip(columns, row, strict=True))
        for row in frame.itertuples(index=False, name=None)
    }


def supplement_covered(name: str, path: Path) -> list[str]:
    """Supplement rows on a launch day of a candidate CNS file (nagix_tests only; else none)."""
    import warnings

    from . import supplement as launch_supplement

    if name != "nagix_tests":
        return []
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        missiles = launches.load_missiles("nagix", path=path)
    return launch_supplement.covered_by_missiles(missiles)


def _changed(old: dict[str, str], new: dict[str, str]) -> list[str]:
    """Names of the fields that differ between two versions of a row."""
    return [f for f in sorted(set(old) | set(new)) if old.get(f) != new.get(f)]


def _read_new_file(url: str, into: Path, tried: list[str]) -> Path:
    """The candidate file: a local path or file:// URL as is, an http(s) URL downloaded into `into`."""
    import urllib.parse
    import urllib.request

    parsed = urllib.parse.urlparse(url)
    if parsed.scheme in ("", "file"):
        path = Path(urllib.request.url2pathname(parsed.path) if parsed.scheme else url)
        if not path.is_file():
            raise sources.SourceError(f"{url}: no such file")
        return path
    target = into / "candidate"
    try:
        with urllib.request.urlopen(url, timeout=60) as response, open(target, "wb") as out:
            shutil.copyfileobj(response, out)
    except OSError as exc:
        tried.append(f"network: could not download {url}: {sources._network_reason(exc)}")
        raise sources.SourceError("; ".join(tried)) from exc
    return target


def _rewrite_toml(text: str, name: str, values: dict[str, str]) -> str:
    """The sources.toml text with `values` replaced inside table [name] (comments and order kept)."""
    lines = text.splitlines(keepends=True)
    inside = False
    done = set()
    for i, line in enumerate(lines):
        stripped = line.strip()
        if stripped.startswith("[") and stripped.endswith("]"):
            inside = stripped == f"[{name}]"
            continue
        key = stripped.split("=", 1)[0].strip()
        if inside and key in values:
            lines[i] = f"{key} = {json.dumps(values[key], ensure_ascii=False)}\n"
            done.add(key)
    missing = set(values) - done
    if missing:
        raise sources.SourceError(f"[{name}] in sources.toml lacks the keys {sorted(missing)}")
    return "".join(lines)


def update_source(
    name: str,
    ref: str,
    url: str | None = None,
    version: str | None = None,
    toml_path: Path | None = None,
) -> SourceUpdate:
    """Re-pin source `name` to upstream commit `ref`: fetch, validate, diff, write url and sha256."""
    toml_path = toml_path or config.SOURCES_TOML
    pinned = sources.load_sources(toml_path)
    if name not in pinned:
        raise sources.SourceError(f"Unknown source '{name}'; known: {', '.join(pinned)}")
    if not re.fullmatch(r"[0-9a-f]{40}", ref):
        raise sources.SourceError(f"--ref must be a full 40-character commit hash, got {ref!r}")
    old = pinned[name]
    upstream = old.url.replace(old.commit, ref)
    with tempfile.TemporaryDirectory(prefix="dprk-update-") as tmp:
        tried: list[str] = []
        mirror = config.mirror_dir()
        origin = url or upstream
        try:
            candidate = _read_new_file(origin, Path(tmp), tried)
        except sources.SourceError as exc:
            if url or not mirror or not (mirror / old.mirror_path).is_file():
                raise
            candidate = mirror / old.mirror_path
            origin = f"the mirror {candidate} ({exc})"
        new_rows = source_rows(name, candidate)
        covered = supplement_covered(name, candidate)
        old_rows = source_rows(name, sources.fetch(name, toml_path=toml_path))
        new_sha = sources.sha256_of(candidate)
        keep_url = url if url and url.startswith(("http://", "https://")) else upstream
        last = max((k.split(" #")[0] for k in new_rows if k[:4].isdigit()), default=None)
        new = replace(
            old,
            url=keep_url,
            commit=ref,
            sha256=new_sha,
            version=version or (f"{ref[:12]} (rows to {last})" if last else ref[:12]),
        )
        text = _rewrite_toml(
            toml_path.read_text(encoding="utf-8"),
            name,
            {"url": new.url, "commit": new.commit, "sha256": new.sha256, "version": new.version},
        )
        dest = config.raw_dir() / new.filename
        dest.parent.mkdir(parents=True, exist_ok=True)
        shutil.copyfile(candidate, dest)
        sources._cache_mode(dest)
    with tempfile.NamedTemporaryFile(
        "w", dir=toml_path.parent, delete=False, encoding="utf-8", suffix=".tmp"
    ) as out:
        out.write(text)
    sources._cache_mode(Path(out.name))
    os.replace(out.name, toml_path)
    added = sorted(set(new_rows) - set(old_rows))
    removed = sorted(set(old_rows) - set(new_rows))
    revised = [
        f"{k} ({', '.join(_changed(old_rows[k], new_rows[k]))})"
        for k in sorted(set(new_rows) & set(old_rows))
        if new_rows[k] != old_rows[k]
    ]
    return SourceUpdate(name, old, new, added, removed, revised, origin, covered)
