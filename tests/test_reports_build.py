"""The report build: figures whatever the environment, params checked per file, failures marked, digests of content."""

from __future__ import annotations

import json
import re
from pathlib import Path

import nbformat
import pytest

from dprk_launches import freshness
from dprk_launches.__main__ import main
from dprk_launches.reports import build as reports

DRAWING = """
import os
import matplotlib.pyplot as plt
from dprk_launches.reports import kit as reportkit
fig, ax = plt.subplots(figsize=(3, 2))
ax.plot([0, 1], [0, 1])
plt.show()
reportkit.headline(
    f"backend {plt.get_backend()} hashseed {os.environ.get('PYTHONHASHSEED')} lc {os.environ.get('LC_ALL')}"
)
"""


def _notebook(path: Path, code: str, params: str = "fast = False") -> None:
    """A tiny notebook: a title cell, a parameters cell and one code cell."""
    nb = nbformat.v4.new_notebook(
        metadata={
            "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
        }
    )
    cell = nbformat.v4.new_code_cell(params)
    cell.metadata["tags"] = ["parameters"]
    nb.cells = [nbformat.v4.new_markdown_cell("# t"), cell, nbformat.v4.new_code_cell(code)]
    nbformat.write(nb, path)


def _manifest(out: Path) -> dict:
    return json.loads((out / reports.MANIFEST).read_text())


def test_figures_are_embedded_even_when_the_environment_says_agg(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capfd: pytest.CaptureFixture[str]
) -> None:
    rc = tmp_path / "userrc"
    rc.mkdir()
    (rc / "matplotlibrc").write_text("backend: Agg\n")
    monkeypatch.setenv("MPLBACKEND", "Agg")
    monkeypatch.setenv("MPLCONFIGDIR", str(rc))
    monkeypatch.setenv("MATPLOTLIBRC", str(rc / "matplotlibrc"))
    monkeypatch.setenv("PYTHONHASHSEED", "123")
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    _notebook(nbs / "10_draw.ipynb", DRAWING)
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 0
    page = (out / "10_draw.html").read_text()
    assert len(re.findall(r'<img[^>]*src="data:image/png;base64', page)) == 1
    headline = _manifest(out)["10_draw"]["headline"]
    assert "inline" in headline and "hashseed 0" in headline and "lc C.UTF-8" in headline
    assert _manifest(out)["10_draw"]["figures"] == 1
    stated = f'<p class="dprk-freshness">{freshness.data_through_sentence()}</p>'
    assert stated in page and page.index(stated) < page.index("<img")
    assert freshness.data_through_sentence() in (out / "index.html").read_text()
    captured = capfd.readouterr()
    assert "without encryption" not in captured.err + captured.out
    assert "10_draw: built in" in captured.err and "1 figure(s)" in captured.err


def test_a_drawing_notebook_without_figures_fails_by_name(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    _notebook(
        nbs / "10_lost.ipynb",
        "import matplotlib.pyplot as plt\nplt.plot([1, 2])\nplt.close('all')",
    )
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 1
    err = capsys.readouterr().err
    assert "10_lost: FAILED" in err and "no figure was embedded" in err
    assert not (out / "10_lost.html").exists()


@pytest.mark.parametrize(
    ("text", "reason"),
    [
        ("notebook: 10_t.ipynb\nparameters: {x: 1}\n", "missing 'title'"),
        ("title: T\n", "missing 'notebook'"),
        ("notebook: 10_t.ipynb\ntitle: T\nparameters: [1, 2]\n", "'parameters' must be a mapping"),
        (
            "notebook: 10_t.ipynb\ntitle: T\nparameters: {x: 'one'}\n",
            "parameter 'x' must be number",
        ),
        ("notebook: 10_t.ipynb\ntitle: T\nparameters: {y: 1}\n", "unknown parameter(s) ['y']"),
        ("notebook: 99_none.ipynb\ntitle: T\n", "notebook '99_none.ipynb' not found"),
        ("notebook: [unclosed\n", "not valid YAML"),
        ("- a\n- b\n", "must be a mapping"),
        ("notebook: 10_t.ipynb\ntitle: T\ncolour: red\n", "unknown key(s) ['colour']"),
    ],
)
def test_a_bad_params_file_is_one_clear_error_and_does_not_block_the_others(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], text: str, reason: str
) -> None:
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    (nbs / "params").mkdir(parents=True)
    _notebook(
        nbs / "10_t.ipynb",
        "from dprk_launches.reports import kit as reportkit\nreportkit.headline(str(x))",
        "x = 0",
    )
    (nbs / "params" / "good.yml").write_text(
        "notebook: 10_t.ipynb\ntitle: Good\nparameters: {x: 7}\n"
    )
    (nbs / "params" / "bad.yml").write_text(text)
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 1
    err = capsys.readouterr().err
    assert f"bad.yml: {reason}" in err
    assert len([line for line in err.splitlines() if "bad.yml:" in line]) == 1
    assert "Traceback" not in err
    assert _manifest(out)["10_t_good"]["headline"] == "7"
    if "notebook: 10_t.ipynb" in text:
        assert (
            reports.build_reports(out_dir=out, notebooks_dir=nbs, only=["10_t_good"], jobs=1) == 0
        )
        assert "last build failed" in (out / "index.html").read_text()


def test_a_failed_report_stays_marked_until_it_builds_again(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    good = "from dprk_launches.reports import kit as reportkit\nreportkit.headline('fine')"
    _notebook(nbs / "10_r.ipynb", good)
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 0
    _notebook(nbs / "10_r.ipynb", "raise ValueError('source moved')")
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 1
    index = (out / "index.html").read_text()
    assert "last build failed: ValueError" in index and "source moved" in index
    assert 'href="10_r.html"' in index
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 1
    assert "last build failed" in (out / "index.html").read_text()
    _notebook(nbs / "10_r.ipynb", good)
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 0
    assert "last build failed" not in (out / "index.html").read_text()
    capsys.readouterr()


def test_editing_a_file_named_by_a_parameter_rebuilds_with_the_new_number(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(
        reports, "project_inputs", lambda: []
    )  # others may edit the package meanwhile
    nbs, out, mine = tmp_path / "nbs", tmp_path / "out", tmp_path / "mine"
    nbs.mkdir()
    mine.mkdir()
    (mine / "a.csv").write_text("x\n1\n2\n")
    code = (
        "from pathlib import Path\nfrom dprk_launches.reports import kit as reportkit\n"
        "n = sum(len(p.read_text().splitlines()) - 1 for p in sorted(Path(folder).glob('*.csv')))\n"
        "reportkit.headline(f'{n} rows')"
    )
    _notebook(nbs / "10_u.ipynb", code, "folder = ''")
    spec = reports.ReportSpec("10_u", nbs / "10_u.ipynb", "U", {"folder": str(mine)})
    first = reports.build_report(spec, out)
    assert first.error is None and first.headline == "2 rows" and not first.skipped
    assert reports.build_report(spec, out).skipped
    (mine / "a.csv").write_text("x\n1\n2\n3\n")
    again = reports.build_report(spec, out)
    assert not again.skipped and again.headline == "3 rows"
    (mine / "b.csv").write_text("x\n4\n")
    assert reports.build_report(spec, out).headline == "4 rows"
    capsys.readouterr()


@pytest.mark.parametrize("jobs", ["0", "-3", "two"])
def test_jobs_must_be_at_least_one(jobs: str, capsys: pytest.CaptureFixture[str]) -> None:
    with pytest.raises(SystemExit) as exit_info:
        main(["reports", "--jobs", jobs])
    assert exit_info.value.code == 2
    assert "--jobs" in capsys.readouterr().err


def test_ctrl_c_exits_130_with_one_line(
    monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    def interrupted(**kwargs: object) -> int:
        raise KeyboardInterrupt

    monkeypatch.setattr(reports, "build_reports", interrupted)
    assert main(["reports", "--only", "00_data_overview"]) == 130
    err = capsys.readouterr().err
    assert len(err.strip().splitlines()) == 1 and "interrupted" in err


EFFECTS = """
from dprk_launches.reports import kit as reportkit
reportkit.effect("UN resolutions, days 1-30", 1.8, (0.9, 3.5), 0.08, 14, "more")
reportkit.effect("No launches after", 0.0, (0.0, float("inf")), 0.5, 3, "fewer")
reportkit.headline("Two effects.")
"""


def test_effects_are_collected_into_one_forest_plot_that_opens_the_index(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    _notebook(nbs / "10_e.ipynb", EFFECTS)
    _notebook(
        nbs / "11_plain.ipynb",
        "from dprk_launches.reports import kit as reportkit\nreportkit.headline('x')",
    )
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 0
    effects = _manifest(out)["10_e"]["effects"]
    assert [e["label"] for e in effects] == ["UN resolutions, days 1-30", "No launches after"]
    assert effects[0]["ci"] == [0.9, 3.5] and effects[1]["ci"] == [0.0, None]
    assert _manifest(out)["11_plain"]["effects"] == []
    index = (out / "index.html").read_text()
    assert index.count('<img src="data:image/png;base64,') == 1
    assert index.index("<figure>") < index.index("<table>")
    first = index
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 0
    assert (out / "index.html").read_text() == first
    capsys.readouterr()


def test_forest_plot_png_is_deterministic_and_has_no_metadata() -> None:
    effect = {
        "label": "a",
        "rate_ratio": 2.0,
        "ci": [1.1, None],
        "p_value": 0.01,
        "n_events": 9,
        "direction": "more",
    }
    png = reports.forest_plot_png([effect])
    assert png.startswith(b"\x89PNG") and png == reports.forest_plot_png([effect])
    assert b"Software" not in png and b"matplotlib" not in png.lower()


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (("", 1.0, (0.5, 2.0), 0.5, 3, "more"), "label"),
        (("x", -1.0, (0.5, 2.0), 0.5, 3, "more"), "rate_ratio"),
        (("x", 1.0, (1.5, 2.0), 0.5, 3, "more"), "ci must satisfy"),
        (("x", 1.0, (0.5, 2.0), 1.5, 3, "more"), "p_value"),
        (("x", 1.0, (0.5, 2.0), 0.5, 3, "higher"), "direction"),
    ],
)
def test_effect_refuses_impossible_values(args: tuple, message: str) -> None:
    from dprk_launches.reports import kit as reportkit

    with pytest.raises(ValueError, match=message):
        reportkit.effect(*args)


def test_every_committed_params_file_passes_the_checks() -> None:
    specs, problems = reports.discover_all()
    assert [p.message() for p in problems] == []
    assert len({s.name for s in specs}) == len(specs)


def test_setup_notebook_restores_inline_figures_in_any_kernel(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    import papermill

    monkeypatch.setenv("MPLBACKEND", "Agg")
    code = (
        "from dprk_launches.reports import kit as reportkit\nreportkit.setup_notebook()\n" + DRAWING
    )
    _notebook(tmp_path / "lab.ipynb", code)
    papermill.execute_notebook(
        str(tmp_path / "lab.ipynb"),
        str(tmp_path / "out.ipynb"),
        kernel_name="python3",
        progress_bar=False,
    )
    assert reports.count_figures(nbformat.read(tmp_path / "out.ipynb", as_version=4)) == 1


def test_index_is_written_even_when_the_data_dates_cannot_be_read(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    from dprk_launches.records.schemas import DataError

    def broken() -> str:
        raise DataError("data/events/x.csv", "row 3 is broken")

    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    _notebook(nbs / "10_x.ipynb", "1 / 0")
    monkeypatch.setattr(freshness, "data_through_sentence", broken)
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 1
    index = (out / "index.html").read_text()
    assert "Data-through dates unavailable" in index and "row 3 is broken" in index
    assert "last build failed: ZeroDivisionError" in index
    capsys.readouterr()
