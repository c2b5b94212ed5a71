"""Report kernels: imports read from a notebook, a kernel started ahead is used, none outlives its page."""

from __future__ import annotations

import json
import os
from pathlib import Path

import nbformat
import pytest

from dprk_launches.reports import kernel
from dprk_launches.reports.run import run_report
from dprk_launches.reports.specs import ReportSpec


def _notebook(path: Path, *sources: str) -> Path:
    """A notebook of code cells with these sources."""
    nb = nbformat.v4.new_notebook(cells=[nbformat.v4.new_code_cell(s) for s in sources])
    nb.metadata["kernelspec"] = {
        "name": "python3",
        "display_name": "Python 3",
        "language": "python",
    }
    path.write_text(nbformat.writes(nb), encoding="utf-8")
    return path


def _alive(pid: int) -> bool:
    """Whether a process of this pid still runs (a zombie counts as gone)."""
    try:
        status = Path(f"/proc/{pid}/stat").read_text().split(") ")[1].split()[0]
    except (FileNotFoundError, IndexError):
        return False
    return status != "Z"


def test_notebook_imports_lists_top_level_imports_in_order(tmp_path: Path) -> None:
    nb = _notebook(
        tmp_path / "n.ipynb",
        "x = 1",
        "import json\nfrom dprk_launches.reports import kit as reportkit, plots\n",
        "def f():\n    import secrets  # inside a function: not at start\n",
        "this is not python (",
        "from . import nothing\nimport json",
    )
    assert kernel.notebook_imports(nb) == (
        "json",
        "dprk_launches.reports",
        "dprk_launches.reports.kit",
        "dprk_launches.reports.plots",
    )


def test_preload_skips_names_that_are_not_modules() -> None:
    kernel.preload(["json", "json.loads", "no_such_module_anywhere"])  # raises nothing


def test_preload_config_binds_no_name(tmp_path: Path) -> None:
    kernel._preload_config(tmp_path, ("json",))
    text = (tmp_path / "profile_default" / "ipython_kernel_config.py").read_text()
    lines = {}
    exec(text, {"c": type("C", (), {"InteractiveShellApp": type("S", (), {})()})()}, lines)
    assert "exec_lines" in text and "preload(['json'])" in text
    assert not lines  # the config only sets c.InteractiveShellApp.exec_lines


@pytest.mark.parametrize("ahead", [False, True])
def test_no_kernel_outlives_its_page(tmp_path: Path, ahead: bool) -> None:
    nb = _notebook(
        tmp_path / "t.ipynb",
        "import os\nfrom IPython.display import Markdown, display\n",
        "display(Markdown(f'pid {os.getpid()} ' + str('json' in __import__('sys').modules)))",
    )
    started = kernel.StartedKernel(tmp_path, ("json",)) if ahead else None
    spec = ReportSpec(name="t", notebook=nb, title="t", parameters={})
    result = run_report(spec, tmp_path / "out", {}, None, started)
    assert result.error is None, result.error
    page = (tmp_path / "out" / "t.html").read_text(encoding="utf-8")
    pid = int(page.split("pid ")[1].split()[0])
    assert pid != os.getpid()
    assert not _alive(pid), "the report's kernel still runs after its page was written"
    assert not kernel.RUNNING
    if started is not None:
        assert not started.scratch.exists()


def test_a_kernel_stopped_unused_leaves_nothing(tmp_path: Path) -> None:
    started = kernel.StartedKernel(tmp_path)
    pid = kernel.RUNNING[str(started.scratch)]
    started.stop()
    started.stop()  # twice is harmless
    assert not _alive(pid)
    assert not started.scratch.exists()
    assert json.dumps(kernel.RUNNING) == "{}"
