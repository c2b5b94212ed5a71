"""Build the HTML reports: papermill runs each notebook, nbconvert renders it offline-ready; parallel and incremental."""

from __future__ import annotations

import hashlib
import html
import json
import os
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from nbformat import NotebookNode
from tqdm.auto import tqdm

from . import config, events, sources
from .reportkit import HEADLINE_KEY

TEMPLATES_DIR = config.PACKAGE_DIR / "templates"
MANIFEST = ".manifest.json"
# Parallel kernels can race for the same TCP port (jupyter_client); such a start failure is retried once.
KERNEL_START_FAILURES = ("Kernel died before replying", "Address already in use")


@dataclass(frozen=True)
class ReportSpec:
    """One report: a notebook, optionally run with the parameters of a params/*.yml file."""

    name: str
    notebook: Path
    title: str
    parameters: dict = field(default_factory=dict)
    params_file: Path | None = None


@dataclass(frozen=True)
class ReportResult:
    """What building one report gave: its page, headline and time, or the error."""

    name: str
    title: str
    html: Path | None
    headline: str
    seconds: float
    skipped: bool = False
    error: str | None = None


def discover(notebooks_dir: Path | None = None) -> list[ReportSpec]:
    """Every report: plain numbered notebooks, plus one per params/*.yml for template notebooks."""
    notebooks_dir = notebooks_dir or config.NOTEBOOKS_DIR
    variants: dict[str, list[Path]] = {}
    for params_file in sorted((notebooks_dir / "params").glob("*.yml")):
        spec = yaml.safe_load(params_file.read_text(encoding="utf-8"))
        variants.setdefault(spec["notebook"], []).append(params_file)
    specs = []
    for nb in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        if nb.name in variants:
            for params_file in variants[nb.name]:
                spec = yaml.safe_load(params_file.read_text(encoding="utf-8"))
                specs.append(
                    ReportSpec(
                        name=f"{nb.stem}_{params_file.stem}",
                        notebook=nb,
                        title=spec["title"],
                        parameters=spec.get("parameters", {}),
                        params_file=params_file,
                    )
                )
        else:
            title = (
                json.loads(nb.read_text(encoding="utf-8")).get("metadata", {}).get("title", nb.stem)
            )
            specs.append(ReportSpec(name=nb.stem, notebook=nb, title=title))
    return specs


def _inputs_digest(spec: ReportSpec, parameters: dict) -> str:
    """Hash of everything a report depends on: notebook, params, package code, pinned data, events."""
    digest = hashlib.sha256()
    paths = [spec.notebook, config.SOURCES_TOML, *sorted(config.PACKAGE_DIR.rglob("*.py"))]
    paths += sorted(config.PACKAGE_DIR.joinpath("templates").rglob("*.*"))
    paths += events.catalogue_files()
    if spec.params_file:
        paths.append(spec.params_file)
    for p in paths:
        digest.update(config.display_path(p).encode())
        digest.update(p.read_bytes())
    digest.update(json.dumps(parameters, sort_keys=True).encode())
    digest.update(
        json.dumps(
            {n: s.sha256 for n, s in sources.load_sources().items()}, sort_keys=True
        ).encode()
    )
    return digest.hexdigest()


def _headline_of(nb: NotebookNode) -> str:
    """The headline a notebook displayed through reportkit.headline, or ''."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("metadata", {}).get(HEADLINE_KEY)
            if text:
                return text
    return ""


def _atomic_write(path: Path, text: str) -> None:
    """Write text to path via a temporary file in the same folder, so a failure leaves the old file."""
    path.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.NamedTemporaryFile(
        "w", dir=path.parent, delete=False, encoding="utf-8", suffix=".tmp"
    ) as tmp:
        tmp.write(text)
    os.chmod(tmp.name, 0o644)
    os.replace(tmp.name, path)


def render_html(nb: NotebookNode, title: str) -> str:
    """Executed notebook -> one self-contained HTML page, code hidden, no external scripts."""
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb.metadata["title"] = title
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _execute(spec: ReportSpec, out_dir: Path, parameters: dict) -> str:
    """Run the notebook, render it, write the page atomically; returns the headline."""
    import nbformat
    import papermill

    with tempfile.TemporaryDirectory(prefix=f"dprk-{spec.name}-") as tmp:
        executed = Path(tmp) / spec.notebook.name
        papermill.execute_notebook(
            str(spec.notebook),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(spec.notebook.parent),
            progress_bar=False,
            log_output=False,
        )
        nb = nbformat.read(executed, as_version=4)
    _atomic_write(out_dir / f"{spec.name}.html", render_html(nb, spec.title))
    return _headline_of(nb)


def run_report(spec: ReportSpec, out_dir: Path, parameters: dict) -> ReportResult:
    """Build one report; a failure is returned (with its message), never half-written."""
    start = time.perf_counter()
    try:
        try:
            headline = _execute(spec, out_dir, parameters)
        except Exception as exc:
            if not any(sign in str(exc) for sign in KERNEL_START_FAILURES):
                raise
            headline = _execute(spec, out_dir, parameters)
    except Exception as exc:
        lines = [line for line in str(exc).strip().splitlines() if line.strip()]
        message = f"{type(exc).__name__}: {' | '.join(lines[-3:])}"
        return ReportResult(
            spec.name, spec.title, None, "", time.perf_counter() - start, error=message
        )
    return ReportResult(
        spec.name, spec.title, out_dir / f"{spec.name}.html", headline, time.perf_counter() - start
    )


def _index_html(entries: list[dict]) -> str:
    """reports/index.html: a table of every report with its headline finding."""
    rows = "\n".join(
        f'<tr><td><a href="{html.escape(e["name"])}.html">{html.escape(e["title"])}</a></td>'
        f"<td>{html.escape(e['headline'] or '—')}</td></tr>"
        for e in entries
    )
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>DPRK launch tempo: reports</title>
<style>
body {{ font-family: system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif; max-width: 60rem; margin: 0 auto; padding: 2rem 1rem; color: #1d2733; }}
table {{ border-collapse: collapse; width: 100%; }}
th, td {{ text-align: left; vertical-align: top; padding: 0.5rem; border-bottom: 1px solid #d9e0e8; }}
th {{ background: #f3f7fb; }}
a {{ color: #2c5d8a; }}
</style>
</head>
<body>
<h1>DPRK launch tempo around sanctions, diplomacy and exercises</h1>
<p>Each report answers one question from CNS/NTI launch data on the Pyongyang clock and our sourced events
catalogue. Numbers say their unit (missiles or launch days). Reports state their data versions at the end.</p>
<table>
<thead><tr><th>Report</th><th>Headline finding</th></tr></thead>
<tbody>
{rows}
</tbody>
</table>
</body>
</html>
"""


def build_reports(
    jobs: int | None = None,
    only: list[str] | None = None,
    force: bool = False,
    out_dir: Path | None = None,
    parameters: dict | None = None,
    notebooks_dir: Path | None = None,
) -> int:
    """Build every (or `only` the named) report in parallel, skipping unchanged ones; 0 if all succeed."""
    out_dir = out_dir or config.REPORTS_DIR
    specs = discover(notebooks_dir)
    if only:
        unknown = sorted(set(only) - {s.name for s in specs})
        if unknown:
            print(
                f"error: unknown report(s) {unknown}; known: {[s.name for s in specs]}",
                file=sys.stderr,
            )
            return 2
        specs = [s for s in specs if s.name in only]
    manifest_path = out_dir / MANIFEST
    manifest = json.loads(manifest_path.read_text()) if manifest_path.exists() else {}
    todo, results = [], []
    for spec in specs:
        params = {**spec.parameters, **(parameters or {})}
        digest = _inputs_digest(spec, params)
        entry = manifest.get(spec.name)
        if (
            not force
            and entry
            and entry["inputs"] == digest
            and (out_dir / f"{spec.name}.html").exists()
        ):
            results.append(
                ReportResult(
                    spec.name,
                    spec.title,
                    out_dir / f"{spec.name}.html",
                    entry["headline"],
                    0.0,
                    skipped=True,
                )
            )
        else:
            todo.append((spec, params, digest))
    digests = {spec.name: digest for spec, _, digest in todo}
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo) or 1))
    with ProcessPoolExecutor(max_workers=workers) as pool:
        futures = [pool.submit(run_report, spec, out_dir, params) for spec, params, _ in todo]
        for future in tqdm(
            as_completed(futures),
            total=len(futures),
            desc="reports",
            unit="report",
            file=sys.stderr,
        ):
            results.append(future.result())
    failed = [r for r in results if r.error]
    for r in sorted(results, key=lambda r: r.name):
        status = (
            "skipped (unchanged)"
            if r.skipped
            else ("FAILED: " + r.error if r.error else f"built in {r.seconds:.1f}s")
        )
        print(f"{r.name}: {status}", file=sys.stderr)
        if not r.error and not r.skipped:
            manifest[r.name] = {"inputs": digests[r.name], "headline": r.headline, "title": r.title}
    known = {s.name for s in discover(notebooks_dir)}
    manifest = {k: v for k, v in sorted(manifest.items()) if k in known}
    _atomic_write(manifest_path, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    entries = [{"name": k, **v} for k, v in manifest.items() if (out_dir / f"{k}.html").exists()]
    _atomic_write(out_dir / "index.html", _index_html(entries))
    if failed:
        print(
            f"error: {len(failed)} report(s) failed: {', '.join(r.name for r in failed)}",
            file=sys.stderr,
        )
        return 1
    return 0
