"""Which reports exist: numbered notebooks and params/*.yml variants, checked against parameters."""

from __future__ import annotations

import ast
import json
from dataclasses import dataclass, field
from pathlib import Path

import yaml

from .. import config

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
