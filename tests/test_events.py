"""The events catalogue: loading, the clock, generated anniversaries, and malformed user files."""

from __future__ import annotations

import csv
import re
from pathlib import Path

import pandas as pd
import pytest

from dprk_launches import events, schemas
from dprk_launches.__main__ import main
from dprk_launches.schemas import DataError

GOOD = {
    "event_id": "2022-01-12-ofac-test-designation",
    "category": "sanctions_us",
    "subcategory": "designation",
    "actor": "US Treasury",
    "title": "A test designation",
    "start_date": "2022-01-12",
    "end_date": "",
    "date_precision": "day",
    "timezone": "America/New_York",
    "time_local": "",
    "source_url": "https://example.org/press-release",
    "source_note": "a test row",
    "notes": "",
}


def write_events(path: Path, rows: list[dict], columns: list[str] | None = None) -> Path:
    columns = columns or schemas.EVENT_FILE_COLUMNS
    with open(path, "w", newline="", encoding="utf-8") as fh:
        writer = csv.DictWriter(fh, fieldnames=columns, extrasaction="ignore")
        writer.writeheader()
        writer.writerows(rows)
    return path


def test_catalogue_loads_and_validates() -> None:
    table = events.load_events()
    assert list(table.columns) == list(schemas.EVENTS.columns)
    assert table["event_id"].is_unique
    assert (table["end_local"] >= table["start_local"]).all()
    assert table.attrs["rejected"] == []
    assert set(table["category"]) <= set(schemas.EVENT_CATEGORIES)


def test_washington_date_becomes_the_next_pyongyang_day(tmp_path: Path) -> None:
    path = write_events(tmp_path / "mine.csv", [GOOD])
    row = events.load_events(extra=[path]).set_index("event_id").loc[GOOD["event_id"]]
    assert row["start_local"] == pd.Timestamp("2022-01-13")
    assert row["file"].endswith("mine.csv")


def test_a_stated_time_decides_the_local_day(tmp_path: Path) -> None:
    morning = GOOD | {
        "event_id": "2017-09-03-test-morning",
        "start_date": "2017-09-03",
        "timezone": "Asia/Seoul",
        "time_local": "12:29",
        "title": "morning test",
        "category": "nuclear_test",
        "subcategory": "test",
    }
    late = GOOD | {
        "event_id": "2016-03-02-test-evening",
        "start_date": "2016-03-02",
        "time_local": "10:00",
        "title": "UN vote",
    }
    table = events.load_events(
        extra=[write_events(tmp_path / "t.csv", [morning, late])], include_generated=False
    )
    got = dict(zip(table["event_id"], table["start_local"], strict=True))
    assert got["2017-09-03-test-morning"] == pd.Timestamp("2017-09-03")
    # 10:00 in New York = 23:30 in Pyongyang while it kept UTC+8:30: still the same day there.
    assert got["2016-03-02-test-evening"] == pd.Timestamp("2016-03-02")


def test_ranges_keep_their_length(tmp_path: Path) -> None:
    drill = GOOD | {
        "event_id": "2017-08-21-ufg",
        "category": "exercise",
        "subcategory": "summer",
        "actor": "US;ROK",
        "title": "UFG 2017",
        "start_date": "2017-08-21",
        "end_date": "2017-08-31",
        "timezone": "Asia/Seoul",
    }
    table = events.load_events(
        extra=[write_events(tmp_path / "x.csv", [drill])], include_generated=False
    )
    row = table.set_index("event_id").loc["2017-08-21-ufg"]
    assert (row["end_local"] - row["start_local"]).days == 10


def test_anniversaries_follow_their_rules() -> None:
    rows = events.anniversaries(2016, 2019)
    ids = set(rows["event_id"])
    assert {
        "2017-04-25-kpa-founding-apr25",
        "2018-02-08-kpa-founding-feb8",
        "2019-04-15-day-of-the-sun",
    } <= ids
    assert "2018-04-25-kpa-founding-apr25" not in ids and "2017-02-08-kpa-founding-feb8" not in ids
    assert len(rows) == 4 * 6


def test_coverage_table_counts_per_category_and_year(tmp_path: Path) -> None:
    table = events.load_events(extra=[write_events(tmp_path / "a.csv", [GOOD])])
    cov = events.per_category_year(table)
    assert cov.loc["sanctions_us", 2022] >= 1
    assert cov.loc["political_calendar", 2020] >= 6


def bad(**changes: str) -> list[dict]:
    return [GOOD | changes]


MALFORMED: list[tuple[str, list[dict], str, str]] = [
    ("no_source", bad(source_url=""), "source_url", "needs a source_url"),
    ("ftp_source", bad(source_url="ftp://x.org/a"), "source_url", "not an http(s) URL"),
    ("bad_date", bad(start_date="12/01/2022"), "start_date", "not an ISO date"),
    (
        "impossible_date",
        bad(start_date="2022-02-30", event_id="2022-02-30-x"),
        "start_date",
        "impossible calendar date",
    ),
    ("end_before_start", bad(end_date="2022-01-01"), "end_date", "before start_date"),
    ("unknown_category", bad(category="sanctions_mars"), "category", "unknown category"),
    ("unknown_zone", bad(timezone="Korea/Pyongyang"), "timezone", "unknown IANA time zone"),
    ("bad_precision", bad(date_precision="year"), "date_precision", "'day' or 'month'"),
    ("bad_time", bad(time_local="25:00"), "time_local", "not HH:MM"),
    ("bad_slug", bad(event_id="2022-01-12 OFAC action"), "event_id", "not a slug"),
    (
        "id_date_mismatch",
        bad(event_id="2022-01-13-ofac"),
        "event_id",
        "does not start with start_date",
    ),
    ("empty_title", bad(title=""), "title", "required value is empty"),
    ("duplicate_id", [GOOD, GOOD | {"title": "another"}], "event_id", "duplicate event_id"),
    (
        "same_event_other_date",
        [GOOD, GOOD | {"event_id": "2022-01-14-ofac-x", "start_date": "2022-01-14"}],
        "start_date",
        "another date",
    ),
    (
        "exact_duplicate",
        [GOOD, GOOD | {"event_id": "2022-01-12-ofac-again"}],
        "title",
        "duplicate of",
    ),
    (
        "clash_with_catalogue",
        bad(event_id="2017-04-15-day-of-the-sun", title="Day of the Sun", start_date="2017-04-15"),
        "event_id",
        "duplicate event_id",
    ),
]


@pytest.mark.parametrize(
    ("name", "rows", "column", "message"), MALFORMED, ids=[m[0] for m in MALFORMED]
)
def test_malformed_event_rows_are_named(
    tmp_path: Path, name: str, rows: list[dict], column: str, message: str
) -> None:
    path = write_events(tmp_path / f"{name}.csv", rows)
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    assert info.value.column == column
    assert message in str(info.value) and f"{name}.csv" in str(info.value)
    collected = events.load_events(extra=[path], errors="collect")
    assert len(collected.attrs["rejected"]) == 1


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("empty.csv", b"", "empty"),
        ("header_only.csv", ",".join(schemas.EVENT_FILE_COLUMNS).encode() + b"\n", "no events"),
        ("missing_column.csv", b"event_id,category,title\nx,y,z\n", "missing column(s)"),
        (
            "latin1.csv",
            ",".join(schemas.EVENT_FILE_COLUMNS).encode()
            + b"\n2022-01-12-x,sanctions_us,d,a,Caf\xe9\n",
            "not UTF-8",
        ),
    ],
)
def test_malformed_event_files_are_refused(
    tmp_path: Path, name: str, content: bytes, message: str
) -> None:
    path = tmp_path / name
    path.write_bytes(content)
    with pytest.raises(DataError, match=re.escape(message)):
        events.load_events(extra=[path])


def test_events_check_cli(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    good = write_events(tmp_path / "good.csv", [GOOD])
    assert main(["events", "check", str(good)]) == 0
    assert "OK" in capsys.readouterr().out
    broken = write_events(
        tmp_path / "broken.csv",
        [
            GOOD | {"source_url": ""},
            GOOD | {"event_id": "2022-01-12-b", "title": "b", "timezone": "Mars/Base"},
        ],
    )
    assert main(["events", "check", str(broken)]) == 1
    out = capsys.readouterr().out
    assert "row 2, column 'source_url'" in out and "row 3, column 'timezone'" in out


def test_unknown_category_filter_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown categories"):
        events.load_events(categories=["sanctions"])


def test_checking_a_committed_catalogue_file_does_not_clash_with_itself(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for path in events.catalogue_files():
        assert main(["events", "check", str(path)]) == 0, capsys.readouterr().out


def test_catalogue_meets_its_floors() -> None:
    table = events.load_events()
    un = table[table["category"] == "sanctions_un"]
    numbers = {int(e.split("-")[-1]) for e in un.loc[un["subcategory"] == "resolution", "event_id"]}
    assert {825, 1695, 1718, 1874, 2087, 2094, 2270, 2321, 2356, 2371, 2375, 2397} <= numbers
    assert set(un.loc[un["subcategory"] == "veto", "start_date"].dt.strftime("%Y-%m")) == {
        "2022-05",
        "2024-03",
    }
    assert (un["subcategory"] == "renewal").sum() >= 11
    tests = table[table["category"] == "nuclear_test"]
    assert list(tests["start_local"].dt.strftime("%Y-%m-%d")) == [
        "2006-10-09",
        "2009-05-25",
        "2013-02-12",
        "2016-01-06",
        "2016-09-09",
        "2017-09-03",
    ]
    assert (table["category"] == "sanctions_us").sum() >= 60
    assert table["source_url"].str.match(r"^https?://").all()
