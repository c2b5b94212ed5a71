"""A real browser (Debian Chromium via Playwright) opens every report offline: images load, no errors, no requests out."""

from __future__ import annotations

import os
import shutil
from pathlib import Path

import pytest

from dprk_launches import config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INSTALL = "apt-get install -y --no-install-recommends chromium"


@pytest.fixture(scope="module")
def browser():
    if not Path(CHROMIUM).exists():
        if os.environ.get("CI") == "true":
            pytest.fail(f"Chromium is required in CI: {INSTALL}")
        pytest.skip(f"Chromium not installed; install it with: {INSTALL}")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as p:
        instance = p.chromium.launch(
            executable_path=CHROMIUM,
            args=[
                "--no-sandbox",
                "--disable-gpu",
                "--disable-background-networking",
                "--disable-component-update",
                "--disable-sync",
                "--no-first-run",
                "--disable-quic",
            ],
        )
        yield instance
        instance.close()


def test_every_report_opens_offline_in_chromium(browser, built_reports: Path) -> None:
    shots = config.REPORTS_DIR / "screenshots"
    shots.mkdir(parents=True, exist_ok=True)
    pages = [
        built_reports / "index.html",
        *sorted(p for p in built_reports.glob("*.html") if p.name != "index.html"),
    ]
    assert len(pages) >= 2
    for path in pages:
        context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
        outside: list[str] = []

        def block(route, outside=outside):
            if not route.request.url.startswith("file://"):
                outside.append(route.request.url)
                route.abort()
            else:
                route.continue_()

        context.route("**/*", block)
        page = context.new_page()
        errors: list[str] = []
        page.on(
            "console",
            lambda msg, errors=errors: errors.append(msg.text) if msg.type == "error" else None,
        )
        page.on("pageerror", lambda exc, errors=errors: errors.append(str(exc)))
        page.goto(path.as_uri(), wait_until="load")
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=path.name == "index.html")
        context.close()
        assert outside == [], f"{path.name} requested {outside}"
        assert errors == [], f"{path.name} console errors: {errors}"
        assert all(done and width > 0 for done, width in images), f"{path.name} has a broken image"
        if path.name != "index.html":
            assert images, f"{path.name} has no figure"


def test_index_forest_plot_and_failure_mark_render(browser, tmp_path: Path, mirror) -> None:
    import nbformat

    from dprk_launches import reports

    nbs, out = tmp_path / "nbs", tmp_path / "out"
    nbs.mkdir()

    def notebook(name: str, code: str) -> None:
        nb = nbformat.v4.new_notebook(
            metadata={
                "kernelspec": {"name": "python3", "display_name": "Python 3", "language": "python"}
            }
        )
        params = nbformat.v4.new_code_cell("fast = False")
        params.metadata["tags"] = ["parameters"]
        nb.cells = [nbformat.v4.new_markdown_cell("# t"), params, nbformat.v4.new_code_cell(code)]
        nbformat.write(nb, nbs / name)

    notebook(
        "10_e.ipynb",
        "from dprk_launches import reportkit\n"
        "reportkit.effect('a', 1.5, (0.8, 2.9), 0.2, 10, 'no difference')\n"
        "reportkit.headline('One effect.')",
    )
    notebook("11_f.ipynb", "raise ValueError('broken on purpose')")
    assert reports.build_reports(out_dir=out, notebooks_dir=nbs, jobs=1) == 1
    context = browser.new_context(offline=True, viewport={"width": 1200, "height": 900})
    page = context.new_page()
    page.goto((out / "index.html").as_uri(), wait_until="load")
    images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
    failed = page.inner_text(".failed")
    context.close()
    assert images == [[True, 800]]
    assert failed.startswith("last build failed: ValueError: broken on purpose")
