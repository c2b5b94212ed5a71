"""Build the HTML reports: papermill runs each notebook, nbconvert renders it offline-ready; parallel and incremental."""

from __future__ import annotations

import ast
import base64
import hashlib
import html
import json
import os
import shutil
import signal
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor, as_completed
from dataclasses import dataclass, field
from pathlib import Path

import yaml
from jupyter_client.manager import AsyncKernelManager
from nbformat import NotebookNode
from tqdm.auto import tqdm

from . import __version__, config, events, freshness, sources
from .reportkit import EFFECT_KEY, HEADLINE_KEY

TEMPLATES_DIR = config.PACKAGE_DIR / "templates"
MANIFEST = ".manifest.json"
# A kernel that dies while starting is retried once.
KERNEL_START_FAILURES = ("Kernel died before replying", "Address already in use")
INLINE_BACKEND = "module://matplotlib_inline.backend_inline"
# Code that draws: a report whose notebook contains any of these must embed at least one PNG.
DRAWING_CALLS = ("plt.", "plots.", ".plot(", "matplotlib")
PARAMS_KEYS = ("notebook", "title", "parameters")


class ParamsError(ValueError):
    """A params/*.yml file that cannot describe a report."""


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
    figures: int = 0
    effects: tuple[dict, ...] = ()


@dataclass(frozen=True)
class ParamsProblem:
    """A params file that was refused, with the report it would have built (when known)."""

    params_file: Path
    name: str | None
    reason: str

    def message(self) -> str:
        """One line naming the file and what to fix."""
        return f"{config.display_path(self.params_file)}: {self.reason}"


def notebook_parameters(notebook: Path) -> dict[str, object]:
    """Names and default values assigned in a notebook's `parameters` cell (None if not a literal)."""
    nb = json.loads(notebook.read_text(encoding="utf-8"))
    for cell in nb.get("cells", []):
        if cell.get("cell_type") == "code" and "parameters" in cell.get("metadata", {}).get(
            "tags", []
        ):
            defaults: dict[str, object] = {}
            for node in ast.parse("".join(cell["source"])).body:
                if isinstance(node, ast.Assign) and isinstance(node.targets[0], ast.Name):
                    try:
                        defaults[node.targets[0].id] = ast.literal_eval(node.value)
                    except ValueError:
                        defaults[node.targets[0].id] = None
            return defaults
    return {}


def _kind(value: object) -> str:
    """A YAML-facing type name for a parameter value."""
    if isinstance(value, bool):
        return "true/false"
    if isinstance(value, int | float):
        return "number"
    if isinstance(value, str):
        return "text"
    if isinstance(value, list | tuple):
        return "list"
    if isinstance(value, dict):
        return "mapping"
    return type(value).__name__


def load_params_file(params_file: Path, notebooks_dir: Path) -> ReportSpec:
    """One params/*.yml file as a ReportSpec; ParamsError names the first thing to fix."""
    try:
        spec = yaml.safe_load(params_file.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise ParamsError(f"not valid YAML ({' '.join(str(exc).split())})") from exc
    if not isinstance(spec, dict):
        raise ParamsError("must be a mapping with keys notebook, title and parameters")
    unknown = sorted(str(k) for k in spec if k not in PARAMS_KEYS)
    if unknown:
        raise ParamsError(f"unknown key(s) {unknown}; allowed: {list(PARAMS_KEYS)}")
    notebook = spec.get("notebook")
    if not isinstance(notebook, str) or not notebook.strip():
        raise ParamsError(
            "missing 'notebook' (the template's file name, e.g. 02_event_study.ipynb)"
        )
    path = notebooks_dir / notebook
    if "/" in notebook or not path.is_file():
        raise ParamsError(
            f"notebook '{notebook}' not found in {config.display_path(notebooks_dir)}/"
        )
    title = spec.get("title")
    if not isinstance(title, str) or not title.strip():
        raise ParamsError("missing 'title' (the report's heading, a non-empty text)")
    parameters = spec.get("parameters", {})
    if parameters is None:
        parameters = {}
    if not isinstance(parameters, dict):
        raise ParamsError(f"'parameters' must be a mapping of name: value, not {_kind(parameters)}")
    defaults = notebook_parameters(path)
    unknown = sorted(str(k) for k in parameters if k not in defaults)
    if unknown:
        raise ParamsError(f"unknown parameter(s) {unknown}; {notebook} takes {sorted(defaults)}")
    for key, value in parameters.items():
        default = defaults[key]
        if default is not None and _kind(value) != _kind(default):
            raise ParamsError(
                f"parameter '{key}' must be {_kind(default)} (like {default!r}), "
                f"got {_kind(value)} {value!r}"
            )
    return ReportSpec(
        name=f"{path.stem}_{params_file.stem}",
        notebook=path,
        title=title.strip(),
        parameters=parameters,
        params_file=params_file,
    )


def _declared_notebook(params_file: Path) -> str | None:
    """The notebook a (possibly broken) params file names, when that much is readable."""
    try:
        notebook = yaml.safe_load(params_file.read_text(encoding="utf-8")).get("notebook")
    except (yaml.YAMLError, UnicodeDecodeError, AttributeError):
        return None
    return notebook if isinstance(notebook, str) and notebook.strip() else None


def discover_all(
    notebooks_dir: Path | None = None,
) -> tuple[list[ReportSpec], list[ParamsProblem]]:
    """Every report (plain numbered notebooks, one per valid params/*.yml) and every refused params file."""
    notebooks_dir = notebooks_dir or config.NOTEBOOKS_DIR
    variants: dict[str, list[ReportSpec]] = {}
    problems: list[ParamsProblem] = []
    templates: set[str] = set()
    for params_file in sorted((notebooks_dir / "params").glob("*.yml")):
        try:
            spec = load_params_file(params_file, notebooks_dir)
        except ParamsError as exc:
            notebook = _declared_notebook(params_file)
            name = f"{Path(notebook).stem}_{params_file.stem}" if notebook else None
            problems.append(ParamsProblem(params_file, name, str(exc)))
            templates.add(notebook or "")
            continue
        variants.setdefault(spec.notebook.name, []).append(spec)
    specs = []
    for nb in sorted(notebooks_dir.glob("[0-9][0-9]_*.ipynb")):
        if nb.name in variants:
            specs.extend(variants[nb.name])
        elif nb.name not in templates:
            title = (
                json.loads(nb.read_text(encoding="utf-8")).get("metadata", {}).get("title", nb.stem)
            )
            specs.append(ReportSpec(name=nb.stem, notebook=nb, title=title))
    return specs, problems


def discover(notebooks_dir: Path | None = None) -> list[ReportSpec]:
    """Every buildable report (params files with problems are left out; see discover_all)."""
    return discover_all(notebooks_dir)[0]


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
    """Files every report reads: the pinned-sources list, the package code and templates, our catalogue."""
    paths = [config.SOURCES_TOML, *sorted(config.PACKAGE_DIR.rglob("*.py"))]
    paths += sorted(config.PACKAGE_DIR.joinpath("templates").rglob("*.*"))
    return paths + events.catalogue_files()


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


def _headline_of(nb: NotebookNode) -> str:
    """The headline a notebook displayed through reportkit.headline, or ''."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            text = output.get("metadata", {}).get(HEADLINE_KEY)
            if text:
                return text
    return ""


def _effects_of(nb: NotebookNode) -> tuple[dict, ...]:
    """Every effect a notebook recorded through reportkit.effect, in order."""
    return tuple(
        dict(output["metadata"][EFFECT_KEY])
        for cell in nb.get("cells", [])
        for output in cell.get("outputs", [])
        if EFFECT_KEY in output.get("metadata", {})
    )


def count_figures(nb: NotebookNode) -> int:
    """How many PNG figures the executed notebook embeds."""
    return sum(
        "image/png" in output.get("data", {})
        for cell in nb.get("cells", [])
        for output in cell.get("outputs", [])
    )


def draws(nb: NotebookNode) -> bool:
    """Whether the notebook's code calls matplotlib or our plots module."""
    return any(
        call in "".join(cell.get("source", ""))
        for cell in nb.get("cells", [])
        if cell.get("cell_type") == "code"
        for call in DRAWING_CALLS
    )


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
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    nb.metadata["title"] = title
    stated = nbformat.v4.new_markdown_cell(
        f'<p class="dprk-freshness">{html.escape(freshness.data_through_sentence())}</p>'
    )
    at = 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0
    nb.cells.insert(at, stated)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def kernel_env(scratch: Path) -> dict[str, str]:
    """The kernel's environment: the user's, with every setting that changes output pinned."""
    env = dict(os.environ)
    mpl_config = scratch / "matplotlib"
    ipython_dir = scratch / "ipython"
    mpl_config.mkdir(exist_ok=True)
    ipython_dir.mkdir(exist_ok=True)
    for key in (
        "MPLBACKEND",
        "MATPLOTLIBRC",
        "PYTHONSTARTUP",
        "PYTHONWARNINGS",
        "LANG",
        "LANGUAGE",
    ):
        env.pop(key, None)
    env.update(
        MPLBACKEND=INLINE_BACKEND,
        MPLCONFIGDIR=str(mpl_config),
        IPYTHONDIR=str(ipython_dir),
        LC_ALL="C.UTF-8",
        PYTHONHASHSEED="0",
    )
    return env


class ReportKernelManager(AsyncKernelManager):
    """A kernel on private IPC sockets, with the pinned environment and its own log file."""

    def __init__(self, scratch: Path, log: Path, **kwargs: object) -> None:
        """Kernel whose sockets, matplotlib config and IPython dir live in `scratch`."""
        super().__init__(kernel_name="python3", transport="ipc", ip=str(scratch / "k"), **kwargs)
        self._env = kernel_env(scratch)
        self._log = log

    async def start_kernel(self, **kwargs: object) -> None:
        """Start the kernel with the pinned environment; its own stdout/stderr go to the log."""
        with open(self._log, "ab") as log:
            kwargs.update(env=self._env, stdout=log, stderr=log)
            await super().start_kernel(**kwargs)


def _execute(
    spec: ReportSpec, out_dir: Path, parameters: dict
) -> tuple[str, int, tuple[dict, ...]]:
    """Run the notebook, check its figures, write the page atomically; returns headline, figures, effects."""
    import nbformat
    import papermill

    with tempfile.TemporaryDirectory(prefix=f"dprk-{os.getpid()}-") as tmp:
        scratch = Path(tmp)
        executed = scratch / spec.notebook.name
        log = scratch / "kernel.log"
        try:
            papermill.execute_notebook(
                str(spec.notebook),
                str(executed),
                parameters=parameters,
                kernel_name="python3",
                cwd=str(spec.notebook.parent),
                progress_bar=False,
                log_output=False,
                km=ReportKernelManager(scratch, log),
            )
        except RuntimeError as exc:
            tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
            raise RuntimeError(" | ".join([str(exc), *tail])) from exc
        nb = nbformat.read(executed, as_version=4)
    figures = count_figures(nb)
    if draws(nb) and figures == 0:
        raise RuntimeError(
            "the notebook draws but no figure was embedded (0 PNG outputs): "
            "figures must be shown with the inline backend"
        )
    _atomic_write(out_dir / f"{spec.name}.html", render_html(nb, spec.title))
    return _headline_of(nb), figures, _effects_of(nb)


def _reason(exc: Exception) -> str:
    """One line saying why a build failed: the notebook's own error and cell, or the build's."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        evalue = " ".join(str(exc.evalue).split())
        return f"{exc.ename}: {evalue} (code cell {exc.exec_count})"
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return f"{type(exc).__name__}: {' | '.join(lines[-3:])}"


def run_report(spec: ReportSpec, out_dir: Path, parameters: dict) -> ReportResult:
    """Build one report; a failure is returned (with its message), never half-written."""
    start = time.perf_counter()
    try:
        try:
            headline, figures, effects = _execute(spec, out_dir, parameters)
        except Exception as exc:
            if not any(sign in str(exc) for sign in KERNEL_START_FAILURES):
                raise
            headline, figures, effects = _execute(spec, out_dir, parameters)
    except Exception as exc:
        return ReportResult(
            spec.name, spec.title, None, "", time.perf_counter() - start, error=_reason(exc)
        )
    return ReportResult(
        spec.name,
        spec.title,
        out_dir / f"{spec.name}.html",
        headline,
        time.perf_counter() - start,
        figures=figures,
        effects=effects,
    )


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
        }


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
        )
    return None


def build_report(
    spec: ReportSpec, out_dir: Path, force: bool = False, parameters: dict | None = None
) -> ReportResult:
    """Build one report in this process, skipping it when its inputs are unchanged; updates the manifest."""
    params = {**spec.parameters, **(parameters or {})}
    digest = inputs_digest(spec, params)
    manifest = _read_manifest(out_dir)
    result = None if force else _up_to_date(spec, out_dir, manifest, digest)
    if result is None:
        result = run_report(spec, out_dir, params)
        manifest = _read_manifest(out_dir)
        _record(manifest, result, digest)
        _atomic_write(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    return result


def forest_plot_png(effects: list[dict]) -> bytes:
    """One forest plot of every effect (rate ratio, CI) on a log axis with a line at 1; deterministic PNG."""
    import io

    import matplotlib
    from matplotlib.backends.backend_agg import FigureCanvasAgg
    from matplotlib.figure import Figure
    from matplotlib.ticker import FixedFormatter, FixedLocator, NullFormatter

    finite = [
        v
        for e in effects
        for v in (e["rate_ratio"], *e["ci"])
        if v is not None and 0 < v < float("inf")
    ]
    lo = min([0.5, *finite]) / 1.5
    hi = max([2.0, *finite]) * 1.5
    defaults = {k: v for k, v in matplotlib.rcParamsDefault.items() if k != "backend"}
    with matplotlib.rc_context(defaults):
        height = 0.42 * len(effects) + 0.9
        fig = Figure(figsize=(8, height), dpi=100)
        FigureCanvasAgg(fig)
        ax = fig.add_subplot()
        for y, e in enumerate(reversed(effects)):
            low = max(e["ci"][0], lo)
            high = hi if e["ci"][1] is None else min(e["ci"][1], hi)
            colour = {"more": "#b2442c", "fewer": "#2c5d8a"}.get(e["direction"], "#555555")
            ax.plot([low, high], [y, y], color=colour, linewidth=2, solid_capstyle="butt")
            ax.plot([max(e["rate_ratio"], lo)], [y], "o", color=colour, markersize=6)
            if e["ci"][1] is None or e["ci"][1] > hi:
                ax.plot([hi], [y], ">", color=colour, markersize=6)
            ax.annotate(
                f"p={e['p_value']:.3f}, n={e['n_events']}",
                xy=(1.01, y),
                xycoords=("axes fraction", "data"),
                va="center",
                fontsize=8,
            )
        ax.axvline(1, color="black", linewidth=1, linestyle="--")
        ax.set_xscale("log")
        ax.set_xlim(lo, hi)
        ticks = [t for t in (0.05, 0.1, 0.2, 0.5, 1, 2, 5, 10, 20, 50) if lo <= t <= hi]
        ax.xaxis.set_major_locator(FixedLocator(ticks))
        ax.xaxis.set_major_formatter(FixedFormatter([f"{t:g}" for t in ticks]))
        ax.xaxis.set_minor_formatter(NullFormatter())
        ax.set_ylim(-0.7, len(effects) - 0.3)
        ax.set_yticks(range(len(effects)), [e["label"] for e in reversed(effects)], fontsize=8)
        ax.set_xlabel("rate ratio: launch days in the window vs expected (log scale; 95% CI)")
        ax.spines[["top", "right"]].set_visible(False)
        fig.subplots_adjust(left=0.38, right=0.84, top=1 - 0.1 / height, bottom=0.6 / height)
        buffer = io.BytesIO()
        fig.savefig(buffer, format="png", metadata={"Software": None})
    return buffer.getvalue()


def _forest_html(entries: list[dict]) -> str:
    """The index's opening figure: every recorded effect as one forest plot, or '' when none."""
    effects = [e for entry in entries for e in entry.get("effects", [])]
    if not effects:
        return ""
    data = base64.b64encode(forest_plot_png(effects)).decode("ascii")
    return (
        f'<figure><img src="data:image/png;base64,{data}" '
        'alt="Forest plot: every effect with its 95% interval on a log axis" style="max-width:100%">'
        "<figcaption>Every event study's effect: the rate of launch days in the window against "
        "what the tempo before each event predicts. Dots are rate ratios, bars 95% intervals, "
        "the dashed line is no change; an arrow means the interval has no upper bound.</figcaption>"
        "</figure>"
    )


def _freshness_line() -> str:
    """The data-through sentence, or why it is missing (the index is written even when data fail)."""
    from .schemas import DataError

    try:
        return freshness.data_through_sentence()
    except (DataError, sources.SourceError, OSError, ValueError) as exc:
        return f"Data-through dates unavailable: {exc}"


def _index_html(entries: list[dict]) -> str:
    """reports/index.html: a table of every report with its headline finding (failures marked)."""
    rows = []
    for e in entries:
        name, title = html.escape(e["name"]), html.escape(e["title"])
        link = f'<a href="{name}.html">{title}</a>' if e["page"] else title
        mark = (
            f'<p class="failed">last build failed: {html.escape(e["error"])}</p>'
            if e.get("error")
            else ""
        )
        rows.append(f"<tr><td>{link}</td><td>{mark}{html.escape(e['headline'] or '—')}</td></tr>")
    body = "\n".join(rows)
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
.failed {{ color: #a61b1b; font-weight: 600; margin: 0 0 0.3rem; }}
.freshness {{ color: #4a5a6a; font-style: italic; }}
figcaption {{ color: #4a5a6a; font-size: 0.85rem; }}
</style>
</head>
<body>
<h1>DPRK launch tempo around sanctions, diplomacy and exercises</h1>
<p>Each report answers one question from CNS/NTI launch data on the Pyongyang clock and our sourced events
catalogue. Numbers say their unit (missiles or launch days). Reports state their data versions at the end.</p>
<p class="freshness">{html.escape(_freshness_line())}</p>
{_forest_html(entries)}
<table>
<thead><tr><th>Report</th><th>Headline finding</th></tr></thead>
<tbody>
{body}
</tbody>
</table>
</body>
</html>
"""


def _exit_quietly(signum: int, frame: object) -> None:
    """Ctrl-C in a worker: remove its scratch folder and exit at once (its kernel follows its parent)."""
    for scratch in Path(tempfile.gettempdir()).glob(f"dprk-{os.getpid()}-*"):
        shutil.rmtree(scratch, ignore_errors=True)
    os._exit(130)


def _worker_init() -> None:
    """Worker processes stop quietly on Ctrl-C; the parent prints the one line."""
    signal.signal(signal.SIGINT, _exit_quietly)


def _run_parallel(
    todo: list[tuple[ReportSpec, dict, str]], out_dir: Path, jobs: int | None
) -> list[ReportResult]:
    """Run the reports to build in worker processes, with a progress bar on stderr."""
    if not todo:
        return []
    workers = max(1, min(jobs or os.cpu_count() or 1, len(todo)))
    results = []
    pool = ProcessPoolExecutor(max_workers=workers, initializer=_worker_init)
    try:
        futures = [pool.submit(run_report, spec, out_dir, params) for spec, params, _ in todo]
        for future in tqdm(
            as_completed(futures),
            total=len(futures),
            desc="reports",
            unit="report",
            file=sys.stderr,
        ):
            results.append(future.result())
    except KeyboardInterrupt:
        pool.shutdown(wait=True, cancel_futures=True)
        raise
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
        _record(manifest, r, digests.get(r.name))
    all_specs, all_problems = discover_all(notebooks_dir)
    known = {s.name for s in all_specs} | {p.name for p in all_problems if p.name}
    manifest = {k: v for k, v in sorted(manifest.items()) if k in known}
    _atomic_write(out_dir / MANIFEST, json.dumps(manifest, indent=1, sort_keys=True) + "\n")
    entries = [
        {"name": k, **v, "page": (out_dir / f"{k}.html").exists()}
        for k, v in manifest.items()
        if (out_dir / f"{k}.html").exists() or v.get("error")
    ]
    _atomic_write(out_dir / "index.html", _index_html(entries))
    failed = [r.name for r in results if r.error] + [
        config.display_path(p.params_file) for p in problems if not p.name
    ]
    if failed:
        print(f"error: {len(failed)} report(s) failed: {', '.join(failed)}", file=sys.stderr)
        return 1
    return 0
