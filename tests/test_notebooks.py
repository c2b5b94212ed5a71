"""Notebooks are stored clean and every report builds: offline-ready, deterministic, incremental, failing by name."""

from __future__ import annotations

import filecmp
import json
import re
import shutil
from pathlib import Path

import nbformat
import pytest
import yaml

from dprk_launches import config
from dprk_launches.reports import build as reports

NOTEBOOKS = sorted(config.NOTEBOOKS_DIR.glob("*.ipynb"))
EXTERNAL = re.compile(
    r"<script[^>]+src=|<link[^>]+href=[\"']https?:|@import|url\([\"']?https?:|<img[^>]+src=[\"']https?:|<iframe",
    re.IGNORECASE,
)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.stem for p in NOTEBOOKS])
def test_notebook_is_stored_without_outputs_and_with_python3_kernel(path: Path) -> None:
    nb = json.loads(path.read_text(encoding="utf-8"))
    assert nb["metadata"]["kernelspec"]["name"] == "python3"
    code = [c for c in nb["cells"] if c["cell_type"] == "code"]
    assert all(not c["outputs"] and c["execution_count"] is None for c in code)
    assert any("parameters" in c.get("metadata", {}).get("tags", []) for c in code), (
        "needs a parameters cell"
    )
    assert nb["cells"][0]["cell_type"] == "markdown" and "".join(
        nb["cells"][0]["source"]
    ).startswith("# ")


def test_params_files_name_existing_notebooks_and_titles() -> None:
    for params_file in sorted((config.NOTEBOOKS_DIR / "params").glob("*.yml")):
        spec = yaml.safe_load(params_file.read_text())
        assert (config.NOTEBOOKS_DIR / spec["notebook"]).exists(), params_file.name
        assert spec["title"], params_file.name


def test_every_report_is_built_with_a_headline(built_reports: Path) -> None:
    names = [s.name for s in reports.discover()]
    assert names, "no reports discovered"
    manifest = json.loads((built_reports / reports.MANIFEST).read_text())
    index = (built_reports / "index.html").read_text()
    for name in names:
        assert (built_reports / f"{name}.html").stat().st_size > 10_000, name
        assert manifest[name]["headline"], f"{name} displayed no reportkit.headline"
        assert f'href="{name}.html"' in index


def test_reports_are_self_contained_and_hide_code(built_reports: Path) -> None:
    for page in sorted(built_reports.glob("*.html")):
        text = page.read_text(encoding="utf-8")
        assert not EXTERNAL.search(text), (
            f"{page.name} loads something from outside: {EXTERNAL.search(text).group(0)}"
        )
        assert "from dprk_launches import" not in text, f"{page.name} shows code"
        if page.name not in ("index.html", "glossary.html"):
            assert re.search(r'<img[^>]*src="data:image/png;base64', text), (
                f"{page.name} has no embedded figure"
            )
            assert "Data versions and sources" in text, (
                f"{page.name} does not state its data versions"
            )


def test_rebuild_is_byte_identical(built_reports: Path, tmp_path: Path) -> None:
    first = reports.discover()[0].name
    assert (
        reports.build_reports(out_dir=tmp_path, parameters={"fast": True}, only=[first], jobs=1)
        == 0
    )
    assert filecmp.cmp(built_reports / f"{first}.html", tmp_path / f"{first}.html", shallow=False)


def test_unchanged_reports_are_skipped(
    built_reports: Path, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "again"
    shutil.copytree(built_reports, out)
    assert reports.build_reports(out_dir=out, parameters={"fast": True}, jobs=1) == 0
    err = capsys.readouterr().err
    assert err.count("skipped (unchanged)") == len(reports.discover())


def _notebook(path: Path, code: str) -> None:
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    params = nbformat.v4.new_code_cell("fast = False")
    params.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), params, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


def test_a_failing_notebook_fails_the_build_by_name_and_keeps_the_old_page(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    _notebook(
        nbs / "10_good.ipynb",
        "from dprk_launches.reports import kit as reportkit\nreportkit.headline('fine')",
    )
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 0
    old = (out / "10_good.html").read_bytes()
    _notebook(nbs / "10_good.ipynb", "raise RuntimeError('the data changed under us')")
    _notebook(nbs / "11_bad.ipynb", "1 / 0")
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=2) == 1
    err = capsys.readouterr().err
    assert "10_good: FAILED" in err and "11_bad: FAILED" in err and "ZeroDivisionError" in err
    assert (out / "10_good.html").read_bytes() == old
    assert not (out / "11_bad.html").exists()
    assert "10_good.html" in (out / "index.html").read_text()


def test_unknown_report_name_is_refused(capsys: pytest.CaptureFixture[str]) -> None:
    assert reports.build_reports(only=["99_nothing"]) == 2
    assert "unknown report" in capsys.readouterr().err


def test_prose_formatters_and_rounding() -> None:
    import pandas as pd

    from dprk_launches.reports import kit as reportkit

    assert reportkit.fmt_interval(0.114, float("inf")) == "0.11–∞"
    assert reportkit.fmt_p(0.0004) == "< 0.001" and reportkit.fmt_p(0.0456) == "0.046"
    frame = pd.DataFrame({"when": pd.to_datetime(["2022-01-13"]), "rate": [1.23456], "n": [3]})
    shown = reportkit.rounded(frame, 2)
    assert shown["rate"].iloc[0] == 1.23 and shown["when"].iloc[0] == frame["when"].iloc[0]
