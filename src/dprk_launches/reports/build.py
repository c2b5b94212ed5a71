"""Build the HTML reports: papermill runs each notebook, nbconvert renders it offline-ready; parallel and incremental."""

from __future__ import annotations

import contextlib
import fcntl
import hashlib
import json
import os
import shutil
import signal
import sys
import tempfile
from collections.abc import Iterator
from concurrent.futures import ProcessPoolExecutor, as_completed
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from tqdm.auto import tqdm

from .. import __version__, config, events
from ..records import sources
from ..records.schemas import DataError
from .glossary import PAGE as GLOSSARY_PAGE
from .glossary import glossary_html
from .index import _index_html, forest_plot_png
from .kernel import StartedKernel, stop_running_kernels
from .run import ReportResult, _atomic_write, count_figures, default_index_href, run_report
from .specs import ReportSpec, discover, discover_all, notebook_parameters

__all__ = [
    "MANIFEST",
    "ReportResult",
    "ReportSpec",
    "StartedKernel",
    "build_report",
    "build_reports",
    "check_out_dir",
    "count_figures",
    "discover",
    "discover_all",
    "forest_plot_png",
    "inputs_digest",
    "notebook_parameters",
    "project_inputs",
    "run_report",
]

MANIFEST = ".manifest.json"
# pages built for the index link back to it (and to the glossary beside it)
INDEX_HREF = "index.html"
LOCK = ".manifest.lock"
RESULTS_DIR = config.PROJECT_ROOT / "benchmarks" / "results"


class OutputError(DataError):
    """An output folder that cannot take the pages: a file, read-only, a device, or full."""


def check_out_dir(out_dir: Path) -> None:
    """Refuse, before any work, an output folder that is a file or device, cannot be created, or
    cannot be written (a probe file is written, flushed and removed)."""
    shown = config.display_path(out_dir)
    if out_dir.exists() and not out_dir.is_dir():
        raise OutputError(shown, "is not a folder; give --out a folder for the HTML pages")
    try:
        out_dir.mkdir(parents=True, exist_ok=True)
        with tempfile.NamedTemporaryFile(dir=out_dir, prefix=".probe-") as probe:
            probe.write(b"\0" * 4096)
            probe.flush()
            os.fsync(probe.fileno())
    except OSError as exc:
        raise OutputError(
            shown, f"cannot be written ({exc.strerror or exc}); choose another --out"
        ) from None


@contextlib.contextmanager
def manifest_lock(out_dir: Path) -> Iterator[None]:
    """Hold an exclusive lock on out_dir's manifest (fcntl), so concurrent builds lose no entry."""
    out_dir.mkdir(parents=True, exist_ok=True)
    with open(out_dir / LOCK, "a") as handle:
        fcntl.flock(handle, fcntl.LOCK_EX)
        try:
            yield
        finally:
            fcntl.flock(handle, fcntl.LOCK_UN)


def _named_paths(parameters: dict, base: Path) -> list[Path]:
    """Existing files/folders named by a text (or list-of-text) parameter, resolved like the kernel does."""
    found: list[Path] = []
    for value in parameters.values():
        for text in value if isinstance(value, list | tuple) else [value]:
            if not isinstance(text, str) or not text.strip() or "\n" in text or len(text) > 4096:
                continue
            path = Path(text).expanduser()
            candidate = path if path.is_absolute() else base / path
            try:
                if candidate.exists():
                    found.append(candidate.resolve())
            except OSError:
                continue
    return sorted(set(found))


def _files_under(path: Path) -> list[Path]:
    """A file itself, or every file inside a folder (sorted, symlinked folders not followed)."""
    if path.is_file():
        return [path]
    files = []
    for root, dirs, names in os.walk(path):
        dirs.sort()
        files += [Path(root) / n for n in sorted(names)]
    return [f for f in files if f.is_file()]


def project_inputs() -> list[Path]:
    """Files every report reads: the pinned-sources list, the package code and templates, the
    benchmark results (calibration, bartlett, backtest...), our catalogue and every committed data file."""
    paths = [config.SOURCES_TOML, *sorted(config.PACKAGE_DIR.rglob("*.py"))]
    paths += sorted(config.PACKAGE_DIR.joinpath("templates").rglob("*.*"))
    paths += sorted(RESULTS_DIR.glob("*.json"))  # calibration, bartlett, bench, a later backtest
    committed = [
        p
        for p in sorted(config.DATA_DIR.rglob("*"))
        if p.is_file()
        and not p.is_relative_to(config.RAW_DIR)
        and not p.is_relative_to(config.PROCESSED_DIR)
    ]
    return list(dict.fromkeys(paths + events.catalogue_files() + committed))


def inputs_digest(spec: ReportSpec, parameters: dict) -> str:
    """Hash of the content of everything a report reads: notebook, params, package, data, named files."""
    digest = hashlib.sha256()
    digest.update(f"dprk_launches {__version__}".encode())
    paths = [spec.notebook, *project_inputs()]
    if spec.params_file:
        paths.append(spec.params_file)
    for named in _named_paths(parameters, spec.notebook.parent):
        paths += _files_under(named)
    for p in paths:
        digest.update(config.display_path(p).encode())
        digest.update(hashlib.sha256(p.read_bytes()).digest())
    digest.update(json.dumps(parameters, sort_keys=True, default=str).encode())
    digest.update(
        json.dumps(
            {n: s.sha256 for n, s in sources.load_sources().items()}, sort_keys=True
        ).encode()
    )
    return digest.hexdigest()


def _read_manifest(out_dir: Path) -> dict:
    """The build manifest of out_dir (name -> inputs digest, headline, title, last error)."""
    path = out_dir / MANIFEST
    if not path.exists():
        return {}
    try:
        manifest = json.loads(path.read_text(encoding="utf-8"))
    except (json.JSONDecodeError, UnicodeDecodeError):
        return {}
    return manifest if isinstance(manifest, dict) else {}


def _record(manifest: dict, result: ReportResult, digest: str | None) -> None:
    """Update a manifest entry: a success stores its digest; a failure keeps the old page, marked."""
    if result.skipped:
        return
    entry = manifest.get(result.name, {})
    if result.error:
        manifest[result.name] = {
            **{k: v for k, v in entry.items() if k != "inputs"},
            "title": result.title,
            "headline": entry.get("headline", ""),
            "error": result.error,
        }
    else:
        manifest[result.name] = {
            "inputs": digest,
            "headline": result.headline,
            "title": result.title,
            "figures": result.figures,
            "effects": list(result.effects),
            "verdict": result.verdict,
            "cache_entries": dict(result.cache_entries),
        }


def _entries_unchanged(entry: dict) -> bool:
    """Whether every cache entry a page was built from still has the sha256 it had (an entry since
    removed is fine: it is rebuilt from the same verified inputs; a changed one makes the page stale)."""
    for path, digest in entry.get("cache_entries", {}).items():
        try:
            manifest = json.loads(config.manifest_path(Path(path)).read_text(encoding="utf-8"))
        except FileNotFoundError:
            continue
        except (OSError, ValueError):
            return False
        if not isinstance(manifest, dict) or manifest.get("sha256") != digest:
            return False
    return True


def _up_to_date(
    spec: ReportSpec, out_dir: Path, manifest: dict, digest: str
) -> ReportResult | None:
    """A skipped result when the page exists, built from exactly these inputs without error."""
    entry = manifest.get(spec.name)
    if (
        entry
        and entry.get("inputs") == digest
        and not entry.get("error")
        and (out_dir / f"{spec.name}.html").exists()
        and _entries_unchanged(entry)
    ):
        return ReportResult(
            spec.name,
            spec.title,
            out_dir / f"{spec.name}.html",
            entry.get("headline", ""),
            0.0,
            skipped=True,
            figures=entry.get("figures", 0),
            effects=tuple(entry.get("effects", ())),
            verdict=entry.get("verdict"),
        )
    return None


def build_report(
    spec: ReportSpec,
    out_dir: Path,
    force: bool = False,
    parameters: dict | None = None,
    kernel: StartedKernel | None = None,
) -> ReportResult:
    """Build one report in this process, skipping it when its inputs are unchanged; updates the
    manifest. `kernel`, one started ahead for this notebook, is used or, when skipped, stopped."""
    check_out_dir(out_dir)
    params = {**spec.parameters, **(parameters or {})}
    digest = inputs_digest(spec, params)
    manifest = _read_manifest(out_dir)
    result = None if force else _up_to_date(spec, out_dir, manifest, digest)
    if result is not None and kernel is not None:
        kernel.stop()
    if result is None:
        result = run_report(spec, out_dir, params, default_index_href(out_dir), kernel)
        with manifest_lock(out_dir):
            manifest = _read_manifest(out_dir)
            _record(manifest, result, digest)
            _write_manifest(out_dir, manifest)
    return result


def _write_manifest(out_dir: Path, manifest: dict) -> None:
    """Write the manifest atomically (call with the lock held)."""
    _atomic_write(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")


def _exit_quietly(signum: int, frame: object) -> None:
    """Ctrl-C or SIGTERM in a worker: kill its kernel, remove its scratch folder (sockets, connection
    file, log) and exit at once, so nothing writes a page after the build stopped."""
    stop_running_kernels()
    for scratch in Path(tempfile.gettempdir()).glob(f"dprk-{os.getpid()}-*"):
        shutil.rmtree(scratch, ignore_errors=True)
    os._exit(128 + signum)


def _worker_init() -> None:
    """Worker processes stop quietly on Ctrl-C and SIGTERM; the parent prints the one line."""
    signal.signal(signal.SIGINT, _exit_quietly)
    signal.signal(signal.SIGTERM, _exit_quietly)


def _terminated(signum: int, frame: object) -> None:
    """SIGTERM in the parent: stop like Ctrl-C (workers are stopped, the one line is printed)."""
    raise KeyboardInterrupt


def _stop_workers(pool: ProcessPoolExecutor) -> None:
    """Send SIGTERM to every worker (each kills its kernel and scratch) and wait for them."""
    processes = list(getattr(pool, "_processes", {}).values())
    for process in processes:
        with contextlib.suppress(OSError):
            os.kill(process.pid, signal.SIGTERM)
    for process in processes:
        process.join(timeout=10)
    pool.shutdown(wait=False, cancel_futures=True)


def _run_parallel(
    todo: list[tuple[ReportSpec, dict, str]], out_dir: Path, jobs: int | None
) -> list[ReportResult]:
    """Run the reports to build in worker processes, with a progress bar on stderr."""
    if not todo:
        return []
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    results = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    previous = signal.signal(signal.SIGTERM, _terminated)
    try:
        futures = [
            pool.submit(run_report, spec, out_dir, params, INDEX_HREF) for spec, params, _ in todo
        ]
        for future in tqdm(
            as_completed(futures),
            total=len(futures),
            desc="reports",
            unit="report",
            file=sys.stderr,
        ):
            results.append(future.result())
    except (KeyboardInterrupt, BrokenProcessPool):  # a worker stopped by Ctrl-C is the same stop
        _stop_workers(pool)
        raise KeyboardInterrupt from None
    finally:
        signal.signal(signal.SIGTERM, previous)
    pool.shutdown(wait=True)
    return results


def build_reports(
    jobs: int | None = None,
    only: list[str] | None = None,
    force: bool = False,
    out_dir: Path | None = None,
    parameters: dict | None = None,
    notebooks_dir: Path | None = None,
) -> int:
    """Build every (or `only` the named) report in parallel, skipping unchanged ones; 0 if all succeed."""
    if jobs is not None and jobs < 1:
        print(f"error: --jobs must be at least 1, got {jobs}", file=sys.stderr)
        return 2
    out_dir = out_dir or config.REPORTS_DIR
    try:
        check_out_dir(out_dir)
    except OutputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2
    specs, problems = discover_all(notebooks_dir)
    broken = {p.name for p in problems if p.name}
    if only:
        unknown = sorted(set(only) - {s.name for s in specs} - broken)
        if unknown:
            print(
                f"error: unknown report(s) {unknown}; known: {[s.name for s in specs]}",
                file=sys.stderr,
            )
            return 2
        specs = [s for s in specs if s.name in only]
        problems = [p for p in problems if p.name in only]
    for problem in problems:
        print(f"error: {problem.message()}", file=sys.stderr)
    manifest = _read_manifest(out_dir)
    todo, results = [], []
    for spec in specs:
        params = {**spec.parameters, **(parameters or {})}
        digest = inputs_digest(spec, params)
        skipped = None if force else _up_to_date(spec, out_dir, manifest, digest)
        if skipped:
            results.append(skipped)
        else:
            todo.append((spec, params, digest))
    digests = {spec.name: digest for spec, _, digest in todo}
    results += _run_parallel(todo, out_dir, jobs)
    for problem in problems:
        if problem.name:
            title = manifest.get(problem.name, {}).get("title", problem.name)
            results.append(ReportResult(problem.name, title, None, "", 0.0, error=problem.reason))
    for r in sorted(results, key=lambda r: r.name):
        if r.skipped:
            status = "skipped (unchanged)"
        elif r.error:
            status = "FAILED: " + r.error
        else:
            status = f"built in {r.seconds:.1f}s, {r.figures} figure(s)"
        print(f"{r.name}: {status}", file=sys.stderr)
    all_specs, all_problems = discover_all(notebooks_dir)
    known = {s.name for s in all_specs} | {p.name for p in all_problems if p.name}
    with manifest_lock(
        out_dir
    ):  # another build may have recorded pages meanwhile: merge into its file
        manifest = _read_manifest(out_dir)
        for r in results:
            _record(manifest, r, digests.get(r.name))
        manifest = {k: v for k, v in sorted(manifest.items()) if k in known}
        _write_manifest(out_dir, manifest)
        entries = [
            {"name": k, **v, "page": (out_dir / f"{k}.html").exists()}
            for k, v in manifest.items()
            if (out_dir / f"{k}.html").exists() or v.get("error")
        ]
        _atomic_write(out_dir / "index.html", _index_html(entries))
        _atomic_write(out_dir / GLOSSARY_PAGE, glossary_html())
    failed = [r.name for r in results if r.error] + [
        config.display_path(p.params_file) for p in problems if not p.name
    ]
    if failed:
        print(f"error: {len(failed)} report(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
