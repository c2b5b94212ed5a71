"""Running one report: papermill in a pinned kernel, a figure check, an offline HTML page."""

from __future__ import annotations

import html
import importlib
import os
import re
import tempfile
import threading
import time
from dataclasses import dataclass
from pathlib import Path

from nbformat import NotebookNode

from .. import config, freshness
from .glossary import PAGE as GLOSSARY_PAGE
from .kernel import KERNEL_START_FAILURES, StartedKernel
from .kit import EFFECT_KEY, HEADLINE_KEY, VERDICT_KEY
from .specs import ReportSpec

TEMPLATES_DIR = config.PACKAGE_DIR / "templates"

# Code that draws: a report whose notebook contains any of these must embed at least one PNG.
DRAWING_CALLS = ("plt.", "plots.", ".plot(", "matplotlib")


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
    cache_entries: tuple[tuple[str, str], ...] = ()
    verdict: dict | None = None


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


def _verdict_of(nb: NotebookNode) -> dict | None:
    """The page verdict a notebook recorded through reportkit.verdict (None when it recorded none)."""
    for cell in nb.get("cells", []):
        for output in cell.get("outputs", []):
            if VERDICT_KEY in output.get("metadata", {}):
                return dict(output["metadata"][VERDICT_KEY])
    return None


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
    with tempfile.NamedTemporaryFile(dir=path.parent, delete=False, suffix=".tmp") as tmp:
        name = tmp.name
    try:
        with open(name, "w", encoding="utf-8") as out:
            out.write(text)
        os.chmod(name, 0o644)
        os.replace(name, path)
    except BaseException:
        Path(name).unlink(missing_ok=True)
        raise


SAFE_LINK = re.compile(r"(https?://|#)", re.IGNORECASE)
CODE_SPAN = re.compile(r"(`+)(.*?)\1", re.DOTALL)
INLINE_LINK = re.compile(r"(\]\()\s*(<[^>]*>|[^)\s]*)")
LINK_DEFINITION = re.compile(r"^( {0,3}\[[^\]]+\]:\s*)(\S+)", re.MULTILINE)


def _safe_target(target: str) -> str:
    """A link target kept when it is http(s) or a #fragment, else '#' (no javascript:, data:, file:)."""
    bare = "".join(target.strip("<>").split())
    return target if SAFE_LINK.match(bare) else "#"


def safe_markdown(text: str) -> str:
    """Markdown that cannot carry markup or script: '<' outside code spans becomes '&lt;' (no raw
    HTML, no autolinks) and every link target that is not http(s) or a #fragment becomes '#'."""
    parts, last = [], 0
    for m in CODE_SPAN.finditer(text):
        parts.append(text[last : m.start()].replace("<", "&lt;"))
        parts.append(m.group())
        last = m.end()
    parts.append(text[last:].replace("<", "&lt;"))
    escaped = "".join(parts)
    escaped = INLINE_LINK.sub(lambda m: m.group(1) + _safe_target(m.group(2)), escaped)
    return LINK_DEFINITION.sub(lambda m: m.group(1) + _safe_target(m.group(2)), escaped)


def _escape_outputs(nb: NotebookNode) -> None:
    """Every Markdown output (text built from arguments, file names and file contents) made safe."""
    for cell in nb.cells:
        for output in cell.get("outputs", []):
            data = output.get("data", {})
            if "text/markdown" in data:
                text = data["text/markdown"]
                data["text/markdown"] = safe_markdown(
                    "".join(text) if isinstance(text, list) else text
                )


def _opening_end(nb: NotebookNode) -> int:
    """Where the page's links and data-through line go: after the cell showing the headline (the
    plain-words verdict opens the page) when no figure comes before it, else after a leading
    Markdown cell."""
    for i, cell in enumerate(nb.cells):
        outputs = cell.get("outputs", [])
        if any("image/png" in o.get("data", {}) for o in outputs):
            break
        if any(HEADLINE_KEY in o.get("metadata", {}) for o in outputs):
            return i + 1
    return 1 if nb.cells and nb.cells[0].cell_type == "markdown" else 0


def nav_html(index_href: str | None) -> str:
    """Links back to the index and to the glossary beside it ('' when the page has no index)."""
    if index_href is None:
        return ""
    folder = index_href.rpartition("/")[0]
    glossary = f"{folder}/{GLOSSARY_PAGE}" if folder else GLOSSARY_PAGE
    return (
        f'<nav class="dprk-nav"><a href="{html.escape(index_href)}">← All reports</a> · '
        f'<a href="{html.escape(glossary)}">Glossary of the terms used</a></nav>'
    )


def render_html(nb: NotebookNode, title: str, index_href: str | None = None) -> str:
    """Executed notebook -> one self-contained HTML page, code hidden, no external scripts; with
    `index_href` (relative), links back to the index and to the glossary beside it."""
    import nbformat
    from nbconvert import HTMLExporter

    exporter = HTMLExporter(
        template_name="offline",
        extra_template_basedirs=[str(TEMPLATES_DIR)],
        exclude_input=True,
        exclude_input_prompt=True,
        exclude_output_prompt=True,
    )
    _escape_outputs(nb)
    nb.metadata["title"] = title  # the template escapes it
    stated = nbformat.v4.new_markdown_cell(
        nav_html(index_href)
        + f'<p class="dprk-freshness">{html.escape(freshness.data_through_sentence())}</p>'
    )
    nb.cells.insert(_opening_end(nb), stated)
    for i, cell in enumerate(nb.cells):
        cell["id"] = f"cell-{i:02d}"
    body, _ = exporter.from_notebook_node(nb, resources={"metadata": {"name": title}})
    return body


def _cache_entries(log: Path) -> tuple[tuple[str, str], ...]:
    """The cache entries the kernel read or wrote (path, sha256), from its DPRK_CACHE_LOG file."""
    if not log.exists():
        return ()
    found = {}
    for line in log.read_text(encoding="utf-8", errors="replace").splitlines():
        digest, _, path = line.partition(" ")
        if path:
            found[path] = digest
    return tuple(sorted(found.items()))


def default_index_href(out_dir: Path) -> str | None:
    """The index a page in out_dir links back to: reports/index.html, relative, when out_dir is
    reports/ or inside it and that index exists (no link to a page that is not there)."""
    index = config.REPORTS_DIR / "index.html"
    try:
        inside = out_dir.resolve().is_relative_to(config.REPORTS_DIR.resolve())
    except OSError:
        return None
    if not inside or not index.exists():
        return None
    return os.path.relpath(index, out_dir.resolve()).replace(os.sep, "/")


def _execute(
    spec: ReportSpec,
    out_dir: Path,
    parameters: dict,
    index_href: str | None = None,
    kernel: StartedKernel | None = None,
) -> tuple[str, int, tuple[dict, ...], tuple[tuple[str, str], ...], dict | None]:
    """Run the notebook (in `kernel` when one was started ahead, else in a new one; stopped either
    way), check its figures, write the page atomically; returns headline, figures, effects and the
    cache entries it used."""
    import nbformat
    import papermill

    kernel = kernel or StartedKernel(spec.notebook.parent)
    executed = kernel.scratch / spec.notebook.name
    # nbconvert (for the page) imports in a thread while this one mostly waits on the kernel
    threading.Thread(target=importlib.import_module, args=("nbconvert",), daemon=True).start()
    try:
        papermill.execute_notebook(
            str(spec.notebook),
            str(executed),
            parameters=parameters,
            kernel_name="python3",
            cwd=str(spec.notebook.parent),
            progress_bar=False,
            log_output=False,
            km=kernel.manager,
        )
        nb = nbformat.read(executed, as_version=4)
        used = _cache_entries(kernel.scratch / "cache.log")
    except RuntimeError as exc:
        log = kernel.log
        tail = log.read_text(errors="replace").strip().splitlines()[-3:] if log.exists() else []
        raise RuntimeError(" | ".join([str(exc), *tail])) from exc
    finally:
        kernel.stop()
    figures = count_figures(nb)
    if draws(nb) and figures == 0:
        raise RuntimeError(
            "the notebook draws but no figure was embedded (0 PNG outputs): "
            "figures must be shown with the inline backend"
        )
    _atomic_write(out_dir / f"{spec.name}.html", render_html(nb, spec.title, index_href))
    return _headline_of(nb), figures, _effects_of(nb), used, _verdict_of(nb)


def _reason(exc: Exception) -> str:
    """One line saying why a build failed: the notebook's own error and cell, or the build's."""
    from papermill.exceptions import PapermillExecutionError

    if isinstance(exc, PapermillExecutionError):
        evalue = " ".join(str(exc.evalue).split())
        return f"{exc.ename}: {evalue} (code cell {exc.exec_count})"
    lines = [line for line in str(exc).strip().splitlines() if line.strip()]
    return f"{type(exc).__name__}: {' | '.join(lines[-3:])}"


def run_report(
    spec: ReportSpec,
    out_dir: Path,
    parameters: dict,
    index_href: str | None = None,
    kernel: StartedKernel | None = None,
) -> ReportResult:
    """Build one report; a failure is returned (with its message), never half-written. `index_href`
    is the relative link back to the index (the build passes "index.html"; None: no links);
    `kernel`, one started ahead (see `kernel.StartedKernel`), is used and stopped."""
    start = time.perf_counter()
    try:
        try:
            headline, figures, effects, used, verdict = _execute(
                spec, out_dir, parameters, index_href, kernel
            )
        except Exception as exc:
            if not any(sign in str(exc) for sign in KERNEL_START_FAILURES):
                raise
            headline, figures, effects, used, verdict = _execute(  # a new kernel, once
                spec, out_dir, parameters, index_href
            )
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
        cache_entries=used,
        verdict=verdict,
    )
