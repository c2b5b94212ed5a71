"""Data freshness: the last date of each series, the sentence every report states, CSIS launches not yet in CNS."""

from __future__ import annotations

import json
import re

import pandas as pd
import pytest

from dprk_launches import freshness
from dprk_launches.__main__ import main
from dprk_launches.events import load_events
from dprk_launches.records import launches

ISO = re.compile(r"\d{4}-\d{2}-\d{2}")


def test_data_through_gives_the_last_date_of_each_series(mirror) -> None:
    dates = freshness.data_through()
    assert set(dates) == {"launches", "cns", "csis", "events"}
    assert all(ISO.fullmatch(d) for d in dates.values())
    days = launches.load_launches()
    assert dates["launches"] == days.loc[
        days["date_precision"] == "day", "date_local"
    ].max().strftime("%Y-%m-%d")
    assert dates["cns"] == "2026-04-19"
    assert dates["launches"] >= "2026-05-26"  # our supplement reaches past the CNS mirror
    cns = launches.load_cns_launches()
    assert dates["cns"] == cns["date_local"].max().strftime("%Y-%m-%d")
    assert dates["csis"] == "2026-08-20"
    ours = load_events(include_generated=False)
    assert dates["events"] == ours["start_local"].max().strftime("%Y-%m-%d")
    assert dates["events"] >= "2025-01-01"


def test_the_sentence_states_all_three_dates(mirror) -> None:
    dates = freshness.data_through()
    assert freshness.data_through_sentence() == (
        f"Launch data through {dates['launches']} (CNS/NTI to {dates['cns']}, then our launch "
        f"supplement), CSIS through {dates['csis']}, events through {dates['events']} "
        "(our catalogue)."
    )


def test_not_yet_in_cns_lists_csis_launches_after_the_cut_off(mirror) -> None:
    later = freshness.not_yet_in_cns()
    cutoff = pd.Timestamp(freshness.data_through()["cns"])
    assert len(later) >= 5
    assert (later["date_local"] > cutoff).all()
    assert later["date_local"].is_monotonic_increasing
    assert pd.Timestamp("2026-08-20") in set(later["date_local"])
    csis = launches.load_provocations()
    missiles_after = csis[csis["is_missile"] & (csis["date_local"] > cutoff)]
    assert len(later) == len(missiles_after)
    assert list(later.columns) == ["date_local", "event", "resources", "status"]
    ours = later[later["status"] == "in our launch supplement"]
    assert pd.Timestamp("2026-05-26") in set(ours["date_local"])


def test_summary_json_has_the_data_through_dates(
    mirror, capsys: pytest.CaptureFixture[str]
) -> None:
    assert main(["summary", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert out["data_through"] == freshness.data_through()
    assert out["data_through_sentence"].startswith("Launch data through ")
    assert out["launches_through"] == out["data_through"]["launches"] >= "2026-05-26"
    assert out["csis_through"] == "2026-08-20"
    assert out["events_through"] == out["data_through"]["events"]
    assert out["cns_through"] == "2026-04-19"
