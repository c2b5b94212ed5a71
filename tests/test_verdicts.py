"""One verdict rule (issue 20): adjusted p decides, events tables reconcile with the test, CSV round-trips."""

from __future__ import annotations

import base64
import io
import re

import numpy as np
import pandas as pd
import pytest

from dprk_launches.analysis.headline import usable_positions
from dprk_launches.reports import event_table, plots, verdict_words, verdicts
from dprk_launches.reports.index import _index_html, verdict_of


def _events(dates: list[str], **extra: list[str]) -> pd.DataFrame:
    stamps = pd.to_datetime(dates)
    n = len(dates)
    return pd.DataFrame(
        {
            "event_id": [f"{d}-e{i}" for i, d in enumerate(dates)],
            "title": extra.get("title", [f"event {i}" for i in range(n)]),
            "start_date": stamps,
            "end_date": pd.NaT,
            "timezone": "Asia/Pyongyang",
            "time_local": "",
            "start_local": stamps,
            "end_local": pd.NaT,
            "source_url": extra.get("source_url", ["https://example.org/a?b=1&c=2"] * n),
        }
    )


@pytest.fixture
def daily() -> pd.DataFrame:
    index = pd.date_range("2020-01-01", "2021-12-31", freq="D")
    rng = np.random.default_rng(0)
    y = (rng.random(len(index)) < 0.05).astype(np.int64)
    return pd.DataFrame({"launch_days": y, "missiles": 2 * y}, index=index)


def test_audit_statuses_reconcile_with_the_tests_own_rule(daily: pd.DataFrame) -> None:
    listed = _events(
        ["2019-06-01", "2020-01-10", "2020-05-01", "2020-05-01", "2021-01-01", "2021-12-20"]
    )
    table = event_table.audit(listed, daily, (1, 30))
    assert table.attrs["before_study"] == 1 and len(table) == 5
    status = dict(zip(table["event_id"], table["status"], strict=True))
    assert status["2020-01-10-e1"].startswith("dropped: fewer than 30 days")
    assert status["2020-05-01-e2"] == "used"
    assert status["2020-05-01-e3"] == "used: same Pyongyang day as 2020-05-01-e2, counted once"
    assert status["2021-12-20-e5"].startswith("dropped: its window runs past")
    pos, _ = usable_positions(daily, listed[listed["start_local"] >= "2020-01-01"], (-30, 30))
    assert event_table.used_days(table) == len(pos) == 2
    event_table.check(table, len(pos))
    with pytest.raises(ValueError, match="no longer match"):
        event_table.check(table, len(pos) + 1)
    sentence = event_table.counts_sentence(table)
    assert "5 events listed; 3 used" in sentence and "2 distinct Pyongyang days" in sentence
    assert "1 more before the study start" in sentence and "2 left out" in sentence


def test_html_table_escapes_keeps_whole_urls_and_embeds_the_csv(daily: pd.DataFrame) -> None:
    hostile = "<script>alert(1)</script>"
    long_url = "https://example.org/" + "x" * 120 + "?a=1&b=2"
    listed = _events(
        ["2020-06-01", "2020-07-01", "2020-08-01"],
        title=[hostile, "=HYPERLINK(1)", "plain"],
        source_url=[long_url, "javascript:alert(2)", "https://example.org/ok"],
    )
    table = event_table.audit(listed, daily, (1, 30))
    page = event_table.html_table(table, "my events")
    assert "<script>alert" not in page and "&lt;script&gt;" in page
    assert f'href="{long_url.replace("&", "&amp;")}"' in page  # whole, escaped, clickable
    assert 'href="javascript' not in page
    data = re.search(r'href="data:text/csv;charset=utf-8;base64,([^"]+)"', page).group(1)
    csv = pd.read_csv(io.BytesIO(base64.b64decode(data)), keep_default_na=False)
    assert list(csv["event_id"]) == list(table["event_id"])
    assert csv.loc[1, "title"] == "'=HYPERLINK(1)"  # a formula is text in a spreadsheet
    assert csv["used"].tolist() == [True, True, True]


def test_verdict_follows_the_adjusted_p_not_the_sign() -> None:
    raw_only = verdicts.Verdict(0.037, 0.35, "Holm", "the 8 categories", 8, 1.54)
    assert not raw_only.finding and raw_only.raw_only and raw_only.direction == "none"
    assert raw_only.label() == "no finding after adjustment"
    finding = verdicts.Verdict(0.001, 0.008, "Holm", "the 8 categories", 8, 0.5)
    assert finding.direction == "fewer" and finding.label() == "finding: fewer launch days"
    single = verdicts.single_verdict(0.2, 1.8)
    assert single.direction == "none" and single.p_text() == "p = 0.20"
    effect = {"p_value": 0.037, "direction": "more", **raw_only.record()}
    assert verdict_of(effect) == "none"
    assert verdict_of({"p_value": 0.01, "direction": "more"}) == "more"  # an old manifest entry


def test_index_colours_rows_by_the_adjusted_verdict() -> None:
    raw_only = verdicts.Verdict(0.037, 0.35, "Holm", "the 8 categories", 8, 1.54)
    effect = {
        "label": "DPRK statements",
        "rate_ratio": 1.54,
        "ci": [1.03, 2.37],
        "p_value": 0.037,
        "n_events": 54,
        "direction": "more",
        **raw_only.record(),
    }
    entries = [
        {"name": "02_x", "title": "X", "headline": "h", "page": True, "effects": [effect]},
        {"name": "00_o", "title": "O", "headline": "d", "page": True},
    ]
    page = _index_html(entries)
    assert '<tr class="verdict-none">' in page and "no finding after adjustment" in page
    assert "Holm p = 0.35 (raw 0.037)" in page
    assert '<tr class="verdict-descriptive">' in page
    assert 'href="glossary.html"' in page


def test_lead_sentence_says_raw_below_but_adjusted_not(daily: pd.DataFrame) -> None:
    class Result:
        window, observed, expected, rate_ratio, ci, p_value = (
            (1, 30),
            55,
            35.7,
            1.54,
            (1.03, 2.37),
            0.037,
        )

    verdict = verdicts.Verdict(0.037, 0.35, "Holm", "the 8 event-study categories", 8, 1.54)
    first = verdict_words.lead_sentence("DPRK official statements", Result(), verdict)
    assert first.count(". ") == 0 and first.endswith(").")  # one sentence
    assert "no finding — the raw p = 0.037 is below 0.05" in first
    assert "Holm-adjusted p across the 8 event-study categories is 0.35" in first


def test_raster_labels_every_used_event(daily: pd.DataFrame) -> None:
    from dprk_launches.reports import kit as reportkit

    listed = _events(["2020-05-01", "2020-05-01", "2020-09-01"])
    table = event_table.audit(listed, daily, (1, 30))
    rows = reportkit.raster_rows(table)
    assert rows.tolist() == ["2020-05-01", "2020-05-01 (same day)", "2020-09-01"]
    offsets = pd.DataFrame({"event_id": [listed["event_id"][0]], "offset_days": [3]})
    fig = plots.plot_peri_event(offsets, n_events=3, daily_rate=0.05, rows=rows)
    labels = [t.get_text() for t in fig.axes[0].get_yticklabels()]
    assert labels == rows.tolist()


def test_display_tables_show_whole_counts_as_integers_and_round_the_rest() -> None:
    from dprk_launches.reports import kit

    frame = pd.DataFrame({"observed": [65.0, float("nan")], "expected": [49.1574, 2.0]})
    shown = kit.rounded(frame)
    assert shown["observed"].tolist()[0] == 65 and str(shown["observed"].dtype) == "Int64"
    assert shown["expected"].tolist() == [49.157, 2.0]
    halves = kit.rounded(pd.DataFrame({"observed": [1.5]}))  # a mean count stays a float
    assert halves["observed"].tolist() == [1.5]
