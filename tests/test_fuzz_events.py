"""Fuzzing the events loader: random valid rows round-trip exactly; random corruptions give a clean
load with exactly the values written, or a DataError naming file, row and column, never another
exception."""

from __future__ import annotations

import csv
import datetime as dt
import io
import warnings
from pathlib import Path

import pandas as pd
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from dprk_launches import config, events
from dprk_launches.events import rules as event_rules
from dprk_launches.records import schemas
from dprk_launches.records.schemas import DataError

FUZZ = settings(
    max_examples=60,
    derandomize=True,
    database=None,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
)
ZONES = ["UTC", "Asia/Pyongyang", "Asia/Seoul", "America/New_York", "Europe/Brussels", "Asia/Tokyo"]
HOSTS = ["www.un.org", "home.treasury.gov", "en.yna.co.kr", "kcnawatch.org", "www.mofa.go.jp"]
RELATIONAL = {"event_id", "title", "start_date", "responds_to"}
TEXT = st.characters(blacklist_categories=("Cs", "Cc"))
ANY_TEXT = st.characters(blacklist_categories=("Cs",))


def clean(text: str) -> str:
    """A valid free-text value: no surrounding spaces, no formula-like first character."""
    text = text.strip()
    return "x" + text if text.startswith(schemas.FORMULA_PREFIXES) else text


def line_text(max_size: int) -> st.SearchStrategy[str]:
    return st.text(TEXT, max_size=max_size).map(clean)


def note_text() -> st.SearchStrategy[str]:
    return st.text(st.one_of(TEXT, st.just("\n")), max_size=80).map(clean)


@st.composite
def event_row(draw: st.DrawFn, index: int, statement_target: str | None) -> dict:
    """One valid catalogue row; a dprk_statement responds to `statement_target`."""
    categories = [c for c in schemas.EVENT_CATEGORIES if c != "dprk_statement" or statement_target]
    category = draw(st.sampled_from(categories))
    precision = draw(st.sampled_from(["day", "day", "month"]))
    start = draw(st.dates(dt.date(1900, 1, 1), dt.date(2100, 10, 31)))
    fmt = "%Y-%m" if precision == "month" else "%Y-%m-%d"
    end = ""
    if draw(st.booleans()):
        end = (start + dt.timedelta(days=draw(st.integers(0, 60)))).strftime(fmt)
    start_text = start.strftime(fmt)
    statement = category == "dprk_statement"
    time_local = ""
    if precision == "day" and draw(st.booleans()):
        time_local = f"{draw(st.integers(0, 23)):02d}:{draw(st.integers(0, 59)):02d}"
    path = draw(st.text(st.sampled_from("abcxyz0123456789-_/."), max_size=30))
    return {
        "event_id": f"{start_text}-fuzz-{index}",
        "category": category,
        "subcategory": draw(st.sampled_from(schemas.SUBCATEGORIES[category])),
        "actor": draw(line_text(30)),
        "title": clean(f"Fuzz {index}: " + draw(line_text(60))),
        "start_date": start_text,
        "end_date": end,
        "date_precision": precision,
        "timezone": draw(st.sampled_from(ZONES)),
        "time_local": time_local,
        "source_url": f"https://{draw(st.sampled_from(HOSTS))}/{path}",
        "source_kind": draw(st.sampled_from(schemas.SOURCE_KINDS)),
        "source_note": draw(note_text()),
        "notes": draw(note_text()),
        "responds_to": statement_target if statement else "",
        "threat_level": draw(st.sampled_from(schemas.THREAT_LEVELS)) if statement else "",
        "anticipates": "",
    }


@st.composite
def event_rows(draw: st.DrawFn) -> list[dict]:
    """Two to four valid rows; the last may be a statement answering the first."""
    n = draw(st.integers(2, 4))
    rows = [draw(event_row(i, None)) for i in range(n - 1)]
    last = draw(event_row(n - 1, rows[0]["event_id"]))
    if last["responds_to"] and event_rules._local_start(last) < event_rules._local_start(rows[0]):
        last["anticipates"] = schemas.ANTICIPATES  # a statement before its trigger says so
    rows.append(last)
    return rows


def records(rows: list[dict]) -> list[list[str]]:
    return [list(schemas.EVENT_FILE_COLUMNS)] + [
        [r[c] for c in schemas.EVENT_FILE_COLUMNS] for r in rows
    ]


def write(path: Path, table: list[list[str]]) -> Path:
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="\r\n").writerows(table)
    path.write_text(buffer.getvalue(), encoding="utf-8", newline="")
    return path


def load_mine(path: Path) -> pd.DataFrame:
    """Our catalogue plus `path`; only the rows of `path`, back as file text."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = events.load_events(extra=[path])
    mine = table[table["file"] == config.display_path(path)]
    return events.to_file_frame(mine).set_index("event_id", drop=False)


def assert_same(loaded: pd.DataFrame, rows: list[dict]) -> None:
    """Every row loaded exactly as written (no value changed, none lost, none added)."""
    assert sorted(loaded.index) == sorted(r["event_id"] for r in rows)
    for row in rows:
        assert loaded.loc[row["event_id"]].to_dict() == row


@FUZZ
@given(rows=event_rows())
def test_valid_rows_round_trip_exactly(tmp_path_factory, rows: list[dict]) -> None:
    path = write(tmp_path_factory.mktemp("fuzz") / "valid.csv", records(rows))
    assert_same(load_mine(path), rows)


CORRUPTIONS = [
    "cell",
    "pad",
    "formula",
    "digits",
    "mutate",
    "drop_field",
    "extra_field",
    "header",
    "truncate",
    "copy",
]
NEAR = "0123456789-:/._ aZ\u0662\uff10\u00a0\u200b\u0301'\""
OTHER_DIGITS = ["\u0660", "\u06f0", "\u0966", "\uff10", "\U0001d7ce"]


@FUZZ
@given(rows=event_rows(), data=st.data())
def test_corruptions_load_exactly_or_name_the_place(
    tmp_path_factory, rows: list[dict], data: st.DataObject
) -> None:
    path = tmp_path_factory.mktemp("fuzz") / "corrupt.csv"
    table = records(rows)
    kind = data.draw(st.sampled_from(CORRUPTIONS), label="corruption")
    r = data.draw(st.integers(1, len(rows)), label="row")
    c = data.draw(st.integers(0, len(schemas.EVENT_FILE_COLUMNS) - 1), label="column")
    column = schemas.EVENT_FILE_COLUMNS[c]
    expected = [dict(row) for row in rows]
    place: tuple[int | None, str | None] | None = (r + 1, column)
    if kind == "cell":
        table[r][c] = data.draw(st.text(ANY_TEXT, max_size=30), label="value")
    elif kind == "pad":
        table[r][c] = data.draw(st.sampled_from([" ", "  ", "\u3000"])) + table[r][c] + " "
    elif kind == "digits":
        zero = ord(data.draw(st.sampled_from(OTHER_DIGITS), label="digits"))
        table[r][c] = table[r][c].translate({ord("0") + i: zero + i for i in range(10)})
    elif kind == "mutate":
        value = table[r][c]
        for _ in range(data.draw(st.integers(1, 3), label="edits")):
            at = data.draw(st.integers(0, len(value)), label="at")
            new = data.draw(st.sampled_from(NEAR), label="char")
            value = value[:at] + new + value[at + data.draw(st.integers(0, 1), label="cut") :]
        table[r][c] = value
    elif kind == "formula":
        column = data.draw(st.sampled_from(schemas.FREE_TEXT_COLUMNS), label="free text")
        c = schemas.EVENT_FILE_COLUMNS.index(column)
        table[r][c] = data.draw(st.sampled_from(schemas.FORMULA_PREFIXES)) + table[r][c]
        place = (r + 1, column)
    elif kind == "drop_field":
        del table[r][c]
        place = (r + 1, None)
    elif kind == "extra_field":
        table[r].insert(c, data.draw(st.text(TEXT, max_size=5)))
        place = (r + 1, None)
    elif kind == "header":
        name = table[0][c]
        table[0][c] = name[:-1] if len(name) > 1 else name + "x"
        place = None
    elif kind == "copy":
        table.append(list(table[r]))
        place = (len(table), None)
    write(path, table)
    if kind == "truncate":
        data_bytes = path.read_bytes()
        cut = data.draw(st.integers(1, len(data_bytes) - 1), label="cut")
        path.write_bytes(data_bytes[:cut])
        place = None
    elif kind in ("cell", "pad", "digits", "mutate"):
        expected[r - 1][column] = table[r][c].strip()
    problems = [
        p
        for p in events.check(path).problems
        if "blocklist" not in p.reason and "ends with a dot" not in p.reason
    ]
    try:
        loaded = load_mine(path)
    except DataError as error:
        assert problems, f"load refused what events check passed: {error}"
        assert error.file == config.display_path(path)
        assert "corrupt.csv" in str(error)
        if place is None or kind == "copy":
            return
        row, col = place
        if error.row == row:
            assert col is None or error.column is not None
        else:
            assert error.column in RELATIONAL, str(error)
        return
    assert not problems, f"events check refused what loads: {problems}"
    assert kind not in ("formula", "drop_field", "extra_field", "header", "copy")
    if kind == "truncate":
        for event_id, row in loaded.iterrows():
            assert row.to_dict() == next(r for r in rows if r["event_id"] == event_id)
        return
    assert_same(loaded, expected)
