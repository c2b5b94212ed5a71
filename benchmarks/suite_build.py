"""Suite build time against its floor: as many notebooks that only import pandas, seaborn and statsmodels
and draw one plot, built the same way (reports.build_reports, forced, default jobs) in the same run."""

from __future__ import annotations

import contextlib
import io
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path
from unittest import mock

import nbformat

from dprk_launches.analysis import fitcache
from dprk_launches.records import cache as tablecache
from dprk_launches.reports import build as reports

FLOOR_IMPORTS = "import pandas as pd, seaborn as sns, statsmodels.api as sm"
FLOOR_PLOT = "sns.lineplot(x=[0, 1, 2], y=[0, 1, 0]);"
BUILT = re.compile(r"^(?P<name>\S+): built in (?P<seconds>[0-9.]+)s$", re.MULTILINE)


class _Tee(io.TextIOBase):
    """A text stream that writes to the real stderr and keeps a copy."""

    def __init__(self, target: io.TextIOBase) -> None:
        """Write through to target."""
        self.target, self.copy = target, io.StringIO()

    def write(self, text: str) -> int:
        """Write text to both streams."""
        self.copy.write(text)
        return self.target.write(text)

    def flush(self) -> None:
        """Flush the real stream."""
        self.target.flush()


def write_floor_notebooks(folder: Path, n: int) -> list[Path]:
    """Write n floor notebooks (NN_floor.ipynb, python3 kernel, a parameters cell) that discover() finds."""
    if not 0 < n <= 100:
        raise ValueError(f"need 1..100 floor notebooks, got {n}")
    folder.mkdir(parents=True, exist_ok=True)
    paths = []
    for i in range(n):
        nb = nbformat.v4.new_notebook()
        nb.metadata["kernelspec"] = {
            "display_name": "Python 3 (ipykernel)",
            "language": "python",
            "name": "python3",
        }
        nb.metadata["language_info"] = {"name": "python"}
        nb.metadata["title"] = f"Floor {i:02d}"
        parameters = nbformat.v4.new_code_cell("fast = False")
        parameters.metadata["tags"] = ["parameters"]
        nb.cells = [
            nbformat.v4.new_markdown_cell(f"# Floor {i:02d}"),
            parameters,
            nbformat.v4.new_code_cell(FLOOR_IMPORTS),
            nbformat.v4.new_code_cell(FLOOR_PLOT),
        ]
        path = folder / f"{i:02d}_floor.ipynb"
        nbformat.write(nb, path)
        paths.append(path)
    return paths


def timed_build(notebooks_dir: Path | None, out_dir: Path) -> tuple[float, dict[str, float]]:
    """Seconds for a forced build with the default jobs, and the per-report seconds it logged."""
    tee = _Tee(sys.stderr)
    start = time.perf_counter()
    with contextlib.redirect_stderr(tee):
        status = reports.build_reports(force=True, out_dir=out_dir, notebooks_dir=notebooks_dir)
    seconds = time.perf_counter() - start
    if status != 0:
        raise RuntimeError(f"build of {notebooks_dir or 'the suite'} failed (status {status})")
    per_report = {m["name"]: float(m["seconds"]) for m in BUILT.finditer(tee.copy.getvalue())}
    return seconds, per_report


def run() -> dict:
    """Build the suite, then its floor (so the floor gets the warmer caches: a conservative ratio).

    The suite starts with empty fit and table caches (as after a new data version): the reports share
    the null fits and validated tables they make during the build, never ones left by an earlier build.
    """
    n = len(reports.discover())
    with tempfile.TemporaryDirectory(prefix="dprk-bench-") as tmp:
        root = Path(tmp)
        print(f"suite build: {n} reports", file=sys.stderr)
        empty = {fitcache.CACHE_ENV: str(root / "fits"), tablecache.CACHE_ENV: str(root / "tables")}
        with mock.patch.dict(os.environ, empty):
            suite, per_report = timed_build(None, root / "suite")
        write_floor_notebooks(root / "floor_notebooks", n)
        print(f"floor build: {n} notebooks", file=sys.stderr)
        floor, _ = timed_build(root / "floor_notebooks", root / "floor")
    result = {
        "suite_build_seconds": round(suite, 2),
        "floor_seconds": round(floor, 2),
        "suite_build_ratio": round(suite / floor, 2),
        "suite_reports": n,
        "fit_cache": "empty at the start of the suite build",
        "table_cache": "empty at the start of the suite build",
    }
    if per_report:
        name = max(per_report, key=per_report.get)
        result["slowest_report"] = name
        result["slowest_report_seconds"] = per_report[name]
    return result


if __name__ == "__main__":
    print(json.dumps(run(), indent=2))
