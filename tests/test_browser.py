"""A real browser (Debian Chromium via Playwright) opens every report offline: images load, no errors, no requests out."""

from __future__ import annotations

import json
import os
import shutil
from pathlib import Path

import pandas as pd
import pytest

from dprk_launches import config

CHROMIUM = shutil.which("chromium") or "/usr/bin/chromium"
INSTALL = "apt-get install -y --no-install-recommends chromium"
PAGES_WITHOUT_FIGURES = {"index.html", "glossary.html"}


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
        built_reports / "glossary.html",
        *sorted(p for p in built_reports.glob("*.html") if p.name not in PAGES_WITHOUT_FIGURES),
    ]
    assert len(pages) >= 2
    for path in pages:
        context, page, outside, errors = _open(browser, path)
        images = page.evaluate("Array.from(document.images).map(i => [i.complete, i.naturalWidth])")
        page.screenshot(path=str(shots / f"{path.stem}.png"), full_page=path.name == "index.html")
        context.close()
        assert outside == [], f"{path.name} requested {outside}"
        assert errors == [], f"{path.name} console errors: {errors}"
        assert all(done and width > 0 for done, width in images), f"{path.name} has a broken image"
        if path.name not in PAGES_WITHOUT_FIGURES:
            assert images, f"{path.name} has no figure"


def test_index_forest_plot_and_failure_mark_render(browser, tmp_path: Path, mirror) -> None:
    import nbformat

    from dprk_launches.reports import build as reports

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
        "from dprk_launches.reports import kit as reportkit\n"
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


def _open(browser, path: Path):
    """A page opened offline, every non-file request blocked and recorded, console errors kept."""
    context = browser.new_context(
        offline=True, viewport={"width": 1200, "height": 900}, accept_downloads=True
    )
    outside: list[str] = []
    errors: list[str] = []

    def block(route, outside=outside):
        if not route.request.url.startswith(("file://", "data:")):
            outside.append(route.request.url)
            route.abort()
        else:
            route.continue_()

    context.route("**/*", block)
    page = context.new_page()
    page.on("console", lambda m: errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda exc: errors.append(str(exc)))
    page.goto(path.as_uri(), wait_until="load")
    return context, page, outside, errors


def _used_event_ids(design) -> set[str]:
    """The events the headline test uses, computed here from the catalogue and the test's own rule."""
    import numpy as np

    from dprk_launches import events, series
    from dprk_launches.analysis.headline import usable_positions
    from dprk_launches.analysis.tables import select_events
    from dprk_launches.records import launches
    from dprk_launches.windows import event_positions

    daily = series.daily_counts(launches.load_launches(), design.study_start)
    listed = select_events(
        events.load_events(categories=[design.category]),
        design.category,
        list(design.subcategories),
    )
    inside = listed[listed["start_local"].between(daily.index[0], daily.index[-1])]
    span = (min(design.window[0], design.pre_window[0]), max(design.window[1], 0))
    pos, _ = usable_positions(daily, inside, span)
    at = event_positions(pd.DatetimeIndex(daily.index), inside["start_local"])
    return set(inside.loc[np.isin(at, pos), "event_id"])


def _csv_rows(page, selector: str) -> pd.DataFrame:
    """Click the page's CSV link and read the file the browser saves."""
    with page.expect_download() as info:
        page.click(selector)
    download = info.value
    return pd.read_csv(download.path(), keep_default_na=False, dtype=str)


def test_event_study_page_verdict_events_and_csv_in_chromium(browser, built_reports: Path) -> None:
    from dprk_launches.reports import verdicts

    name = "02_event_study_dprk_statements"
    design = next(d for d in verdicts.designs() if d.name == name)
    manifest = json.loads((built_reports / ".manifest.json").read_text())
    effect = manifest[name]["effects"][0]
    context, page, outside, errors = _open(browser, built_reports / f"{name}.html")
    lead = page.inner_text(".dprk-headline")
    nav = page.eval_on_selector_all(
        ".dprk-nav a", "links => links.map(a => a.getAttribute('href'))"
    )
    rows = _csv_rows(page, "a.dprk-csv")
    shown_rows = page.eval_on_selector_all(".dprk-events-table tbody tr", "r => r.length")
    first_used = rows.loc[rows["used"] == "True", "date (Pyongyang)"].iloc[0]
    page.fill(".dprk-events input[type=search]", first_used)
    shown = page.inner_text(".dprk-shown")
    ticks = page.evaluate("document.images.length")
    context.close()
    assert outside == [] and errors == []
    assert nav == ["index.html", "glossary.html"] and (built_reports / "glossary.html").exists()
    # the first sentence is the verdict on the adjusted p, and says so when only the raw p is low
    assert lead.startswith("Asked whether launch days were")
    if effect["p_value"] <= 0.05 < effect["p_adjusted"]:
        assert "no finding — the raw p" in lead.split(". With")[0]
        assert "Holm-adjusted p" in lead.split(". With")[0]
    assert "would be seen" in lead  # the power
    # the CSV is the whole table; its used rows are exactly the events the test used
    assert len(rows) == shown_rows
    used = set(rows.loc[rows["used"] == "True", "event_id"])
    assert used == _used_event_ids(design)
    assert rows.loc[rows["used"] == "True", "date (Pyongyang)"].nunique() == effect["n_events"]
    assert all(u.startswith(("http://", "https://")) for u in rows["source_url"])
    assert shown.endswith(f"of {len(rows)} shown") and not shown.startswith(f"{len(rows)} ")
    assert ticks >= 3


def test_index_colours_by_the_adjusted_verdict_in_chromium(browser, built_reports: Path) -> None:
    manifest = json.loads((built_reports / ".manifest.json").read_text())
    context, page, outside, errors = _open(browser, built_reports / "index.html")
    classes = page.eval_on_selector_all(
        "tbody tr",
        "rows => rows.map(r => [r.querySelector('a') && r.querySelector('a').getAttribute('href'),"
        " r.className])",
    )
    glossary = page.get_attribute("p.rule a", "href")
    context.close()
    assert outside == [] and errors == [] and glossary == "glossary.html"
    by_page = dict(classes)
    for name, entry in manifest.items():
        if not entry.get("effects") or entry.get("verdict"):
            continue
        e = entry["effects"][0]
        expected = (
            f"verdict-{e['direction']}"
            if e["p_adjusted"] <= 0.05 and e["direction"] in ("more", "fewer")
            else "verdict-none"
        )
        assert by_page[f"{name}.html"] == expected, name


def test_claim_page_lists_its_event_on_both_clocks_in_chromium(
    browser, built_reports: Path
) -> None:
    context, page, outside, errors = _open(browser, built_reports / "03_case_january_2022.html")
    rows = _csv_rows(page, "#events-claim-events a.dprk-csv")
    links = page.eval_on_selector_all(
        "#events-claim-events .dprk-events-table a",
        "links => links.map(a => a.getAttribute('href'))",
    )
    around = _csv_rows(page, "#events-launches-around a.dprk-csv")
    context.close()
    assert len(around) and set(around["source"]) <= {
        "CNS/NTI",
        "our launch supplement (ballistic)",
    }  # January 2022 is CNS/NTI's; every launch day names where it comes from
    assert "2022-01-14" in set(around["date_local"])
    assert outside == [] and errors == []
    claim = rows.iloc[0]
    assert claim["event_id"] == "claim" and claim["used"] == "True"
    assert (
        claim["date (own clock)"].startswith("2022-01-12")
        and claim["time zone"] == "America/New_York"
    )
    assert claim["date (Pyongyang)"] == "2022-01-13"
    assert (rows["used"] == "True").sum() == 1
    assert all(h.startswith(("http://", "https://")) for h in links)
    assert len(links) == (rows["source_url"] != "").sum()
