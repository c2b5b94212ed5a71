"""The events catalogue: loading, the clock, generated anniversaries, and malformed user files."""

from __future__ import annotations

import csv
import io
import re
from pathlib import Path

import pandas as pd
import pytest

from dprk_launches import config, events
from dprk_launches.records import schemas, source_rules, table_schemas
from dprk_launches.records.schemas import DataError

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
    "source_kind": "primary",
    "source_note": "a test row",
    "notes": "",
    "responds_to": "",
    "threat_level": "",
    "anticipates": "",
}
NEW_COLUMNS = ("source_kind", "responds_to", "threat_level", "anticipates")
STATEMENT = GOOD | {
    "event_id": "2022-01-14-fm-test-statement",
    "category": "dprk_statement",
    "subcategory": "foreign_ministry",
    "actor": "DPRK Foreign Ministry",
    "title": "A test statement",
    "start_date": "2022-01-14",
    "timezone": "Asia/Pyongyang",
    "source_kind": "wire",
    "responds_to": GOOD["event_id"],
    "threat_level": "warning",
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
    assert list(table.columns) == list(table_schemas.EVENTS.columns)
    assert table["anticipates"].dtype == bool  # declared in the schema, not added after it
    assert str(table_schemas.EVENTS.columns["anticipates"].dtype) == "bool"
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
    assert events.run_check(good) == 0
    assert "OK" in capsys.readouterr().out
    broken = write_events(
        tmp_path / "broken.csv",
        [
            GOOD | {"source_url": ""},
            GOOD | {"event_id": "2022-01-12-b", "title": "b", "timezone": "Mars/Base"},
        ],
    )
    assert events.run_check(broken) == 1
    out = capsys.readouterr().out
    assert "row 2, column 'source_url'" in out and "row 3, column 'timezone'" in out
    assert events.run_check(tmp_path / "missing.csv") == 2
    assert "no such file or folder" in capsys.readouterr().err


def test_unknown_category_filter_is_refused() -> None:
    with pytest.raises(ValueError, match="unknown categories"):
        events.load_events(categories=["sanctions"])


def test_checking_a_committed_catalogue_file_does_not_clash_with_itself(
    capsys: pytest.CaptureFixture[str],
) -> None:
    for path in events.catalogue_files():
        assert events.run_check(path) == 0, capsys.readouterr().out


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


def test_catalogue_files_have_the_sixteen_columns_in_order() -> None:
    for path in events.catalogue_files():
        with open(path, encoding="utf-8") as fh:
            header = next(csv.reader(fh))
        assert header == schemas.EVENT_FILE_COLUMNS, path.name


def test_catalogue_statements_resolve_and_sources_are_allowed() -> None:
    table = events.load_events()
    statements = table[table["category"] == "dprk_statement"]
    assert statements["responds_to"].isin(table["event_id"]).all()
    assert statements["threat_level"].isin(schemas.THREAT_LEVELS).all()
    others = table[table["category"] != "dprk_statement"]
    assert others["responds_to"].isna().all() and others["threat_level"].isna().all()
    for anniversary in events.ANNIVERSARIES:
        assert source_rules.source_policy_problem(anniversary.source_url) is None, anniversary.slug


def test_every_subcategory_in_use_is_allowed_for_its_category() -> None:
    table = events.load_events()
    for category, group in table.groupby("category"):
        assert set(group["subcategory"]) <= set(schemas.SUBCATEGORIES[category])


def test_statement_links_to_an_event_in_the_same_file_or_the_catalogue(tmp_path: Path) -> None:
    to_catalogue = STATEMENT | {
        "event_id": "2017-12-24-fm-test-statement",
        "start_date": "2017-12-24",
        "title": "A test statement on 2397",
        "responds_to": "2017-12-22-unsc-2397",
    }
    path = write_events(tmp_path / "s.csv", [STATEMENT, GOOD, to_catalogue])
    table = events.load_events(extra=[path]).set_index("event_id")
    assert table.loc[STATEMENT["event_id"], "responds_to"] == GOOD["event_id"]
    assert table.loc[STATEMENT["event_id"], "threat_level"] == "warning"
    assert table.loc["2017-12-24-fm-test-statement", "responds_to"] == "2017-12-22-unsc-2397"
    assert pd.isna(table.loc[GOOD["event_id"], "responds_to"])


STATEMENT_CASES = [
    ("no_target", STATEMENT | {"responds_to": ""}, "responds_to", "required for a statement"),
    (
        "dangling",
        STATEMENT | {"responds_to": "2022-01-01-nothing"},
        "responds_to",
        "is not in the catalogue",
    ),
    (
        "self",
        STATEMENT | {"responds_to": STATEMENT["event_id"]},
        "responds_to",
        "cannot respond to itself",
    ),
    ("no_level", STATEMENT | {"threat_level": ""}, "threat_level", "empty; use one of"),
    (
        "bad_level",
        STATEMENT | {"threat_level": "explicit threat"},
        "threat_level",
        "did you mean 'explicit_threat'",
    ),
    (
        "level_on_sanction",
        GOOD | {"event_id": "2022-01-12-other", "title": "x", "threat_level": "warning"},
        "threat_level",
        "only for category dprk_statement",
    ),
    (
        "target_on_sanction",
        GOOD | {"event_id": "2022-01-12-other", "title": "x", "responds_to": GOOD["event_id"]},
        "responds_to",
        "only for category dprk_statement",
    ),
    (
        "bad_kind",
        GOOD | {"event_id": "2022-01-12-other", "title": "x", "source_kind": "blog"},
        "source_kind",
        "use one of primary, wire, secondary",
    ),
    (
        "statement_subcategory",
        STATEMENT | {"subcategory": "kim-yo-jong"},
        "subcategory",
        "did you mean 'kim_yo_jong'",
    ),
]


@pytest.mark.parametrize(
    ("name", "row", "column", "message"), STATEMENT_CASES, ids=[c[0] for c in STATEMENT_CASES]
)
def test_statement_rules(tmp_path: Path, name: str, row: dict, column: str, message: str) -> None:
    path = write_events(tmp_path / f"{name}.csv", [GOOD, row])
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    assert info.value.column == column and info.value.row == 3
    assert message in str(info.value)


def test_subcategories_are_validated_with_the_allowed_list(tmp_path: Path) -> None:
    path = write_events(tmp_path / "sub.csv", [GOOD | {"subcategory": "Designation "}])
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    message = str(info.value)
    assert info.value.column == "subcategory"
    assert "did you mean 'designation'" in message
    assert ", ".join(schemas.SUBCATEGORIES["sanctions_us"]) in message
    banana = write_events(tmp_path / "banana.csv", [GOOD | {"subcategory": "banana"}])
    with pytest.raises(DataError, match="unknown subcategory 'banana'"):
        events.load_events(extra=[banana])


def renamed(old: str, new: str) -> list[str]:
    return [new if c == old else c for c in schemas.EVENT_FILE_COLUMNS]


@pytest.mark.parametrize(
    ("header", "message"),
    [
        (
            renamed("time_local", "time_locl"),
            "unknown column 'time_locl' (did you mean 'time_local'?)",
        ),
        ([*schemas.EVENT_FILE_COLUMNS, "title"], "column 'title' appears twice"),
        ([*schemas.EVENT_FILE_COLUMNS, "colour"], "unknown column 'colour'"),
        (renamed("event_id", "Event_ID"), "did you mean 'event_id'"),
        ([*schemas.EVENT_FILE_COLUMNS, ""], "column 18 has no name (a trailing comma?)"),
    ],
)
def test_header_mistakes_are_errors_that_suggest_the_right_name(
    tmp_path: Path, header: list[str], message: str
) -> None:
    path = tmp_path / "h.csv"
    values = [GOOD.get(c, "") for c in header]
    with open(path, "w", newline="", encoding="utf-8") as fh:
        csv.writer(fh).writerows([header, values])
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    assert message in str(info.value) and "h.csv" in str(info.value)


def test_a_users_file_without_the_new_columns_loads_as_unknown_source(tmp_path: Path) -> None:
    old_layout = [c for c in schemas.EVENT_FILE_COLUMNS if c not in NEW_COLUMNS]
    path = write_events(tmp_path / "old.csv", [GOOD], columns=old_layout)
    with pytest.warns(UserWarning, match="without source_kind"):
        table = events.load_events(extra=[path])
    row = table.set_index("event_id").loc[GOOD["event_id"]]
    assert row["source_kind"] == "unknown"
    assert events.run_check(path) == 0


@pytest.mark.parametrize(
    ("start", "message"),
    [
        ("0001-01-12", "year 1 is outside 1900-2100"),
        ("3000-01-12", "year 3000 is outside"),
        ("9999-12-31", "year 9999 is outside"),
    ],
)
def test_out_of_range_dates_are_row_errors(tmp_path: Path, start: str, message: str) -> None:
    path = write_events(tmp_path / "far.csv", [GOOD | {"start_date": start}])
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    assert (info.value.row, info.value.column) == (2, "start_date")
    assert message in str(info.value)
    far_end = write_events(tmp_path / "far_end.csv", [GOOD | {"end_date": "9999-12-31"}])
    with pytest.raises(DataError, match="outside") as info:
        events.load_events(extra=[far_end])
    assert info.value.column == "end_date"


def test_month_precision_needs_a_month_and_spans_it(tmp_path: Path) -> None:
    day = write_events(tmp_path / "day.csv", [GOOD | {"date_precision": "month"}])
    with pytest.raises(DataError, match="write the date as YYYY-MM") as info:
        events.load_events(extra=[day])
    assert info.value.column == "start_date"
    month = GOOD | {
        "event_id": "2022-01-ofac-month",
        "start_date": "2022-01",
        "date_precision": "month",
    }
    table = events.load_events(extra=[write_events(tmp_path / "m.csv", [month])])
    row = table.set_index("event_id").loc["2022-01-ofac-month"]
    assert row["start_local"] == pd.Timestamp("2022-01-01")
    assert row["end_local"] == pd.Timestamp("2022-01-31")
    back = events.to_file_frame(table[table["event_id"] == "2022-01-ofac-month"])
    assert back.loc[0, "start_date"] == "2022-01" and back.loc[0, "end_date"] == ""
    no_day = write_events(tmp_path / "nd.csv", [GOOD | {"start_date": "2022-01"}])
    with pytest.raises(DataError, match="needs date_precision 'month'"):
        events.load_events(extra=[no_day])


def write_text(path: Path, lines: list[str]) -> Path:
    path.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return path


def good_line(**changes: str) -> str:
    buffer = io.StringIO()
    row = GOOD | changes
    csv.writer(buffer, lineterminator="").writerow([row[c] for c in schemas.EVENT_FILE_COLUMNS])
    return buffer.getvalue()


HEADER = ",".join(schemas.EVENT_FILE_COLUMNS)


@pytest.mark.parametrize(
    ("line", "message"),
    [
        (good_line() + ",", "row 2 has 18 fields, header has 17 (trailing comma?)"),
        (good_line() + ",extra", "row 2 has 18 fields, header has 17"),
        (good_line().rsplit(",", 1)[0], "row 2 has 16 fields, header has 17"),
    ],
)
def test_field_count_mismatches_are_reported_as_such(
    tmp_path: Path, line: str, message: str
) -> None:
    path = write_text(tmp_path / "fields.csv", [HEADER, line])
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    assert message in str(info.value) and info.value.row == 2
    assert "unknown category" not in str(info.value)


@pytest.mark.parametrize(
    ("changes", "column", "message"),
    [
        ({"title": "a\x00b"}, "title", "NUL byte"),
        ({"notes": "x" * 2001}, "notes", "longer than 2000 characters"),
        ({"title": '=HYPERLINK("http://x")'}, "title", "starts with '='"),
        ({"title": "+1 test"}, "title", "starts with '+'"),
        ({"title": "-1 test"}, "title", "starts with '-'"),
        ({"actor": "@everyone"}, "actor", "starts with '@'"),
        ({"notes": "\t=1+1"}, "notes", "starts with a tab"),
        ({"source_note": "\rX"}, "source_note", "carriage return"),
        ({"title": "two\nlines"}, "title", "line break"),
        ({"title": "bell\x07"}, "title", "control character U+0007"),
    ],
)
def test_dangerous_text_is_refused(
    tmp_path: Path, changes: dict, column: str, message: str
) -> None:
    path = write_events(tmp_path / "text.csv", [GOOD | changes])
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    assert (info.value.row, info.value.column) == (2, column)
    assert message in str(info.value)


def test_accepted_on_purpose_bom_crlf_blank_rows_and_spaces(tmp_path: Path) -> None:
    lines = [HEADER, good_line(title="  Spaced title "), "", "," * 15]
    path = tmp_path / "excel.csv"
    path.write_bytes(("\ufeff" + "\r\n".join(lines) + "\r\n").encode("utf-8"))
    table = events.load_events(extra=[path], include_generated=False)
    assert table.set_index("event_id").loc[GOOD["event_id"], "title"] == "Spaced title"
    notes = GOOD | {
        "event_id": "2022-01-12-n",
        "title": "n",
        "notes": "line one\nline two; -5 is fine inside",
    }
    table = events.load_events(extra=[write_events(tmp_path / "n.csv", [notes])])
    assert table.set_index("event_id").loc["2022-01-12-n", "notes"] == notes["notes"]


def test_folders_report_every_files_problems_together(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    folder = tmp_path / "mine"
    folder.mkdir()
    (folder / "a_empty.csv").write_text("", encoding="utf-8")
    write_events(folder / "b_bad.csv", [GOOD | {"timezone": "Mars/Base"}])
    (folder / "c.CSV").write_text("x", encoding="utf-8")
    (folder / "d.csv").mkdir()
    (folder / "e.csv").symlink_to(folder / "e.csv")
    (folder / "notes.txt").write_text("ignored", encoding="utf-8")
    assert events.run_check(folder) == 1
    out = capsys.readouterr().out
    assert "a_empty.csv: the file is empty" in out
    assert "b_bad.csv row 2, column 'timezone'" in out
    assert "c.CSV: extension '.CSV' is not '.csv'" in out
    assert "d.csv: is a folder" in out
    assert "e.csv: cannot be read" in out
    assert "notes.txt" not in out
    with pytest.raises(DataError, match="also failing"):
        events.load_events(extra=[folder])


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ([], "no .csv files in this folder (the folder is empty)"),
        (["a.txt"], "no .csv files in this folder (found: a.txt)"),
        (["A.CSV"], "extension '.CSV' is not '.csv'"),
    ],
)
def test_folders_without_csv_files_are_unusable(
    tmp_path: Path, capsys: pytest.CaptureFixture[str], files: list[str], message: str
) -> None:
    folder = tmp_path / "f"
    folder.mkdir()
    for name in files:
        write_text(folder / name, [HEADER, good_line()])
    assert events.run_check(folder) == 2
    assert message in capsys.readouterr().err
    with pytest.raises(DataError, match=re.escape(message)):
        events.load_events(extra=[folder])


def test_a_symlink_loop_argument_is_a_clear_error(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    loop = tmp_path / "loop.csv"
    loop.symlink_to(loop)
    assert events.run_check(loop) == 2
    assert "link loop" in capsys.readouterr().err


def test_events_check_source_policy(tmp_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    blog = GOOD | {"source_url": "https://someone.blogspot.com/2022/01/x.html"}
    dot = GOOD | {
        "event_id": "2022-01-12-dot",
        "title": "dot",
        "source_url": "https://en.wikisource.org./wiki/X",
    }
    assert events.run_check(write_events(tmp_path / "p.csv", [blog, dot])) == 1
    out = capsys.readouterr().out
    assert "row 2, column 'source_url': host 'someone.blogspot.com' is on the blocklist" in out
    assert "row 3, column 'source_url': host 'en.wikisource.org.' ends with a dot" in out
    secondary = GOOD | {"source_kind": "secondary"}
    assert events.run_check(write_events(tmp_path / "s.csv", [secondary])) == 0
    captured = capsys.readouterr()
    assert "1 row(s) rest on a secondary source (rows 2)" in captured.err
    assert "OK" in captured.out


def test_loaded_rows_round_trip_to_the_file_text(tmp_path: Path) -> None:
    rows = [GOOD | {"time_local": "09:30", "end_date": "2022-01-20", "notes": "n"}, STATEMENT]
    path = write_events(tmp_path / "rt.csv", rows)
    table = events.load_events(extra=[path], include_generated=False)
    back = events.to_file_frame(table[table["file"].str.endswith("rt.csv")])
    back = back.set_index("event_id")
    for row in rows:
        expected = {k: v for k, v in row.items() if k != "event_id"}
        assert back.loc[row["event_id"]].to_dict() == expected


def test_own_categories_are_opt_in_and_still_validated(tmp_path: Path) -> None:
    mine = GOOD | {"category": "my_summits", "subcategory": ""}
    path = write_events(tmp_path / "own.csv", [mine])
    with pytest.raises(DataError, match="unknown category 'my_summits'"):
        events.load_events(extra=[path])
    table = events.load_events(extra=[path], own_categories=True)
    row = table.set_index("event_id").loc[GOOD["event_id"]]
    assert row["category"] == "my_summits" and row["subcategory"] == ""
    shouting = write_events(tmp_path / "caps.csv", [mine | {"category": "My Summits"}])
    with pytest.raises(DataError, match="nor a lowercase slug") as info:
        events.load_events(extra=[shouting], own_categories=True)
    assert (info.value.row, info.value.column) == (2, "category")
    ours_wrong = write_events(tmp_path / "ours.csv", [GOOD | {"subcategory": "banana"}])
    with pytest.raises(DataError, match="unknown subcategory 'banana'"):
        events.load_events(extra=[ours_wrong], own_categories=True)


def test_events_check_can_allow_own_categories(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    path = write_events(
        tmp_path / "own.csv", [GOOD | {"category": "my_summits", "subcategory": ""}]
    )
    assert events.run_check(path) == 1
    assert "unknown category 'my_summits'" in capsys.readouterr().out
    assert events.run_check(path, own_categories=True) == 0


def test_a_catalogue_file_needs_the_sixteen_columns_in_order(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    old_layout = [c for c in schemas.EVENT_FILE_COLUMNS if c not in NEW_COLUMNS]
    write_events(tmp_path / "old.csv", [GOOD], columns=old_layout)
    monkeypatch.setattr(config, "EVENTS_DIR", tmp_path)
    with pytest.raises(DataError, match="catalogue files need exactly these columns"):
        events.load_events()
    write_events(tmp_path / "old.csv", [GOOD | {"source_kind": "unknown"}])
    with pytest.raises(DataError, match="our catalogue needs one of primary") as info:
        events.load_events()
    assert (info.value.row, info.value.column) == (2, "source_kind")
    write_events(tmp_path / "old.csv", [GOOD])
    assert GOOD["event_id"] in set(events.load_events()["event_id"])


ANTICIPATING = STATEMENT | {
    "event_id": "2022-01-10-fm-test-warning",
    "title": "A test warning made before the designation",
    "start_date": "2022-01-10",
}


def test_a_statement_before_its_trigger_must_say_it_anticipates(tmp_path: Path) -> None:
    path = write_events(tmp_path / "early.csv", [GOOD, ANTICIPATING])
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    assert info.value.column == "anticipates" and "dated before the event" in str(info.value)
    ok = write_events(tmp_path / "said.csv", [GOOD, ANTICIPATING | {"anticipates": "yes"}])
    table = events.load_events(extra=[ok]).set_index("event_id")
    assert bool(table.loc[ANTICIPATING["event_id"], "anticipates"]) is True
    assert bool(table.loc[GOOD["event_id"], "anticipates"]) is False


@pytest.mark.parametrize(
    ("row", "message"),
    [
        (STATEMENT | {"anticipates": "yes"}, "is not before the event it responds to"),
        (STATEMENT | {"anticipates": "true"}, "'yes' for a statement made before"),
        (GOOD | {"event_id": "2022-01-12-ofac-other", "title": "B", "anticipates": "yes"}, "only"),
    ],
)
def test_anticipates_is_refused_where_it_does_not_fit(
    tmp_path: Path, row: dict, message: str
) -> None:
    path = write_events(tmp_path / "bad.csv", [GOOD, row])
    with pytest.raises(DataError) as info:
        events.load_events(extra=[path])
    assert info.value.column == "anticipates" and message in str(info.value)


def test_the_catalogue_marks_every_statement_that_precedes_its_trigger() -> None:
    table = events.load_events()
    start = table.set_index("event_id")["start_local"]
    statements = table[table["category"] == "dprk_statement"]
    before = statements["start_local"].to_numpy() < start[statements["responds_to"]].to_numpy()
    assert (statements["anticipates"].to_numpy() == before).all()
    assert statements["anticipates"].sum() >= 4
    assert not table.loc[table["category"] != "dprk_statement", "anticipates"].any()


def test_a_responds_after_design_leaves_anticipating_statements_out() -> None:
    table = events.load_events()
    after = events.statement_responses(table)
    every = events.statement_responses(table, include_anticipating=True)
    n_statements = int((table["category"] == "dprk_statement").sum())
    assert len(every) == n_statements
    assert len(after) == n_statements - int(table["anticipates"].sum())
    assert (after["lag_days"] >= 0).all() and (every["lag_days"] < 0).any()


def test_anticipates_survives_the_round_trip_to_file_text(tmp_path: Path) -> None:
    path = write_events(tmp_path / "said.csv", [GOOD, ANTICIPATING | {"anticipates": "yes"}])
    table = events.load_events(extra=[path])
    text = events.to_file_frame(table).set_index("event_id")
    assert text.loc[ANTICIPATING["event_id"], "anticipates"] == "yes"
    assert text.loc[GOOD["event_id"], "anticipates"] == ""


FIRST_OF_PAIR = GOOD | {"event_id": "2030-01-02-ofac-test", "start_date": "2030-01-02"}
SAME_DAY = FIRST_OF_PAIR | {"event_id": "2030-01-02-ofac-second-test", "title": "Another test"}


def test_same_day_same_category_events_are_found_and_must_name_each_other() -> None:
    table = events.load_events()
    groups = events.same_day_duplicates(table)
    assert ("2011-02-28-foal-eagle-2011", "2011-02-28-key-resolve-2011") in groups
    assert len(groups) >= 14
    assert events.unexplained_same_day(table) == []


def test_a_users_same_day_pair_is_a_warning_unless_the_notes_name_each_other(
    tmp_path: Path,
) -> None:
    path = write_events(tmp_path / "pair.csv", [FIRST_OF_PAIR, SAME_DAY])
    result = events.check(path)
    assert result.problems == []
    assert any("same Pyongyang day" in w and SAME_DAY["event_id"] in w for w in result.warnings)
    named = [
        FIRST_OF_PAIR | {"notes": f"same day as {SAME_DAY['event_id']}"},
        SAME_DAY | {"notes": f"same day as {FIRST_OF_PAIR['event_id']}"},
    ]
    result = events.check(write_events(tmp_path / "named.csv", named))
    assert not any("same Pyongyang day" in w for w in result.warnings)


def test_an_unexplained_same_day_pair_in_our_catalogue_is_a_problem(
    tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    folder = tmp_path / "events"
    folder.mkdir()
    first = FIRST_OF_PAIR | {"source_url": "https://home.treasury.gov/x"}
    write_events(folder / "sanctions_us.csv", [first])
    second = SAME_DAY | {"source_url": "https://home.treasury.gov/y"}
    write_events(folder / "sanctions_us_more.csv", [second])
    monkeypatch.setattr(config, "EVENTS_DIR", folder)
    problems = events.check(folder).problems
    assert {p.file.rsplit("/", 1)[-1] for p in problems if "same Pyongyang day" in p.reason} == {
        "sanctions_us.csv",
        "sanctions_us_more.csv",
    }
    assert all(p.column == "notes" and p.row == 2 for p in problems)
