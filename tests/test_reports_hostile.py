"""Hostile pages and builds (issue 21): script in titles and Markdown, bad output folders, two builds
at once, SIGTERM, cache entries that change under a page."""

from __future__ import annotations

import json
import os
import shutil
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import pytest

from dprk_launches import config
from dprk_launches.reports import build as reports
from dprk_launches.reports.run import safe_markdown
from test_reports_build import _manifest, _notebook

HOSTILE = [
    "<img src=x onerror=alert(2)>",
    "[l](javascript:alert(4))",
    "[l]( JaVaScRiPt:alert(5))",
    "<script>alert(6)</script>",
    "<javascript:alert(7)>",
    "![i](data:text/html,<script>alert(8)</script>)",
    "[r]: javascript:alert(9)\n\n[r]",
    "`<b>code</b>` and <svg onload=alert(10)>",
]
CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"


@pytest.mark.parametrize("text", HOSTILE)
def test_safe_markdown_leaves_no_tag_and_no_script_link(text: str) -> None:
    safe = safe_markdown(text)
    outside_code = safe.split("`")[::2]
    assert not any("<" in part for part in outside_code), safe
    assert "javascript:" not in safe.lower().replace("javascript:alert", "x") or "](#" in safe


def test_http_links_and_code_spans_are_kept() -> None:
    text = "[src](https://example.org/a) and `a<b` and [f](#top)"
    assert safe_markdown(text) == text


def _hostile_notebook(path: Path) -> None:
    """A notebook that shows every hostile string as Markdown and as a headline."""
    code = (
        "from IPython.display import Markdown, display\nfrom dprk_launches.reports import kit as reportkit\n"
        f"for t in {HOSTILE!r}:\n    display(Markdown(t))\nreportkit.headline({HOSTILE[0]!r})"
    )
    _notebook(path, code)


def test_hostile_strings_and_title_fire_no_dialog_in_chromium(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    if not Path(CHROMIUM).exists():
        pytest.skip("Chromium not installed: apt-get install -y --no-install-recommends chromium")
    from playwright.sync_api import sync_playwright

    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    _hostile_notebook(nbs / "10_h.ipynb")
    spec = reports.ReportSpec("10_h", nbs / "10_h.ipynb", "Claim: " + HOSTILE[0] + "</title>")
    result = reports.build_report(spec, out)
    assert result.error is None, result.error
    page = (out / "10_h.html").read_text()
    assert "<img src=x" not in page and "<svg" not in page and "<script>alert" not in page
    dialogs: list[str] = []
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        tab = browser.new_page()
        tab.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
        tab.goto((out / "10_h.html").as_uri(), wait_until="load")
        for link in tab.query_selector_all("a"):
            href = link.get_attribute("href") or ""
            assert href.startswith(("http://", "https://", "#")), href
        tab.wait_for_timeout(300)
        browser.close()
    assert dialogs == []
    capsys.readouterr()


def test_an_output_that_is_a_file_or_a_device_is_refused_before_work(tmp_path: Path) -> None:
    afile = tmp_path / "file"
    afile.write_text("x")
    for bad in (afile, Path("/dev/full"), afile / "below"):
        with pytest.raises(reports.OutputError) as info:
            reports.check_out_dir(bad)
        assert "\n" not in str(info.value)
    assert reports.build_reports(out_dir=afile) == 2


@pytest.mark.skipif(os.geteuid() == 0, reason="root writes into read-only folders")
def test_a_read_only_output_folder_is_refused(tmp_path: Path) -> None:
    folder = tmp_path / "ro"
    folder.mkdir()
    folder.chmod(0o555)
    with pytest.raises(reports.OutputError, match="cannot be written"):
        reports.check_out_dir(folder)


def test_a_failed_write_leaves_no_temporary_file(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(os, "replace", full)
    with pytest.raises(OSError):
        reports._atomic_write(tmp_path / "page.html", "x" * 1000)
    assert list(tmp_path.iterdir()) == []


BUILD = """
import sys
from pathlib import Path
from dprk_launches.reports import build as reports
reports.project_inputs = lambda: []
try:
    code = reports.build_reports(out_dir=Path(sys.argv[1]), notebooks_dir=Path(sys.argv[2]),
                                 only=[sys.argv[3]], jobs=1)
except KeyboardInterrupt:  # as __main__.main does
    print("interrupted", file=sys.stderr)
    code = 130
sys.exit(code)
"""


def _build_process(out: Path, nbs: Path, name: str) -> subprocess.Popen:
    """`reports --only name` as a separate process."""
    env = os.environ | {"PYTHONPATH": str(config.PACKAGE_DIR.parent)}
    return subprocess.Popen(
        [sys.executable, "-c", BUILD, str(out), str(nbs), name],
        env=env,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
    )


def test_two_builds_at_once_lose_no_manifest_entry(tmp_path: Path) -> None:
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    for name in ("10_a", "11_b"):
        _notebook(
            nbs / f"{name}.ipynb",
            f"from dprk_launches.reports import kit as reportkit\nreportkit.headline('{name}')",
        )
    procs = [_build_process(out, nbs, name) for name in ("10_a", "11_b")]
    for proc in procs:
        _, err = proc.communicate(timeout=300)
        assert proc.returncode == 0, err
    assert set(_manifest(out)) == {"10_a", "11_b"}
    index = (out / "index.html").read_text()
    assert "10_a.html" in index and "11_b.html" in index


def test_sigterm_stops_workers_kernels_and_scratch(tmp_path: Path) -> None:
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    _notebook(nbs / "10_slow.ipynb", "import time\ntime.sleep(120)")
    proc = _build_process(out, nbs, "10_slow")
    scratch = []
    deadline = time.monotonic() + 120
    while not scratch and time.monotonic() < deadline:
        time.sleep(0.5)
        scratch = [
            p for p in Path(tempfile.gettempdir()).glob("dprk-*") if (p / "kernel.json").exists()
        ]
    assert scratch, "the kernel never started"
    time.sleep(2)
    proc.send_signal(signal.SIGTERM)
    _, err = proc.communicate(timeout=60)
    assert proc.returncode == 130 and "interrupted" in err, err
    assert "Traceback" not in err, err
    time.sleep(2)
    assert not any(p.exists() for p in scratch)
    assert not (out / "10_slow.html").exists()


def test_a_changed_cache_entry_makes_its_page_stale(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]
) -> None:
    monkeypatch.setattr(reports, "project_inputs", lambda: [])
    cache = tmp_path / "cache"
    monkeypatch.setenv("DPRK_FIT_CACHE", str(cache))
    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()
    code = (
        "from dprk_launches.analysis import simulate\nfrom dprk_launches.reports import kit as reportkit\nfrom dprk_launches.analysis import fitcache\n"
        "d = simulate.simulate_days(n_days=800, base_rate=0.03, excitation=0.3, seed=1)\n"
        "reportkit.headline(f'{fitcache.fit_intensity(d).x[0]:.6f}')"
    )
    _notebook(nbs / "10_c.ipynb", code)
    spec = reports.ReportSpec("10_c", nbs / "10_c.ipynb", "C")
    first = reports.build_report(spec, out)
    assert first.error is None and first.cache_entries, first
    assert reports.build_report(spec, out).skipped
    (path,) = cache.glob("*.npy")
    manifest = json.loads(config.manifest_path(path).read_text())
    config.store_in_cache(path, path.read_bytes() + b"", manifest["inputs"], manifest["meta"])
    assert reports.build_report(spec, out).skipped  # same bytes: still fresh
    forged = manifest | {"sha256": "0" * 64}
    config.manifest_path(path).write_text(json.dumps(forged))
    assert not reports.build_report(spec, out).skipped
    capsys.readouterr()


def test_benchmark_results_are_inputs_of_every_page() -> None:
    inputs = reports.project_inputs()
    assert reports.RESULTS_DIR / "calibration.json" in inputs
    assert not any(p.is_relative_to(config.RAW_DIR) for p in inputs)
