"""Malformed launch files, tried on purpose: one clear error naming file, row and column, or an accounted rejection."""

from __future__ import annotations

import io
import json
import warnings
from collections.abc import Callable
from pathlib import Path

import pytest

from dprk_launches.records import launches, sources
from dprk_launches.records.schemas import DataError

pytestmark = [
    pytest.mark.usefixtures("mirror"),
    pytest.mark.filterwarnings("ignore:.*not the pinned"),
]

GOOD = {
    "date": "2019-05-04",
    "time": "00:06 (UTC)",
    "series": 1,
    "missile": "hwasong-11a",
    "facility": "hodo",
    "landing": "sea-of-japan",
    "apogee": "60",
    "distance": "240",
    "outcome": "success",
    "description": "1 of 2",
}


def nagix_json(records: list[dict]) -> str:
    return json.dumps({"timeBins": [{"year": 2019, "data": records}]}, ensure_ascii=False)


def cns_text() -> str:
    return sources.fetch("cns_csv").read_bytes().decode("cp1252")


def csis_text() -> str:
    return sources.fetch("csis_provocations").read_text(encoding="utf-8")


def workbook(sheet: str) -> bytes:
    import openpyxl

    book = openpyxl.Workbook()
    book.active.title = sheet
    book.active.append(["F1", "Date"])
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()


def shift_row(text: str, number: int) -> str:
    lines = text.split("\n")
    lines[number] = lines[number].replace(",", ",,", 1)
    return "\n".join(lines)


def replace_once(text: str, old: str, new: str) -> str:
    assert old in text, old
    return text.replace(old, new, 1)


CASES: list[tuple[str, str, Callable[[], bytes], str, int | None, str | None]] = [
    (
        "nagix",
        "truncated.json",
        lambda: nagix_json([GOOD, GOOD | {"series": 2}]).encode()[:150],
        "truncated JSON",
        None,
        None,
    ),
    ("nagix", "empty.json", lambda: b"", "empty", None, None),
    (
        "nagix",
        "latin1.json",
        lambda: nagix_json([GOOD | {"description": "caf\u00e9"}]).encode("latin-1"),
        "cannot be decoded as utf-8",
        None,
        None,
    ),
    ("nagix", "list.json", lambda: b"[]", "timeBins", None, None),
    (
        "nagix",
        "missing_key.json",
        lambda: nagix_json([GOOD, {k: v for k, v in GOOD.items() if k != "date"}]).encode(),
        "missing key",
        2,
        "date",
    ),
    (
        "nagix",
        "bad_date.json",
        lambda: nagix_json([GOOD | {"date": "04/05/2019"}]).encode(),
        "YYYY-MM-DD",
        1,
        "date",
    ),
    (
        "nagix",
        "impossible_date.json",
        lambda: nagix_json([GOOD | {"date": "2019-02-30"}]).encode(),
        "impossible calendar date",
        1,
        "date",
    ),
    (
        "nagix",
        "bad_time.json",
        lambda: nagix_json([GOOD | {"time": "25:61 (UTC)"}]).encode(),
        "impossible time",
        1,
        "time",
    ),
    (
        "nagix",
        "duplicate.json",
        lambda: nagix_json([GOOD, GOOD]).encode(),
        "duplicate of row 1",
        2,
        None,
    ),
    (
        "nagix",
        "unknown_missile.json",
        lambda: nagix_json([GOOD | {"missile": "hwasong-99"}]).encode(),
        "not in missile.en.json",
        1,
        "missile",
    ),
    (
        "nagix",
        "bad_outcome.json",
        lambda: nagix_json([GOOD | {"outcome": "exploded"}]).encode(),
        "outcome not one of",
        1,
        "outcome",
    ),
    (
        "cns",
        "renamed.csv",
        lambda: replace_once(cns_text(), "Launch Time (UTC)", "Launch Time").encode("cp1252"),
        "renamed to 'Launch Time'",
        None,
        None,
    ),
    ("cns", "utf16.csv", lambda: cns_text().encode("utf-16"), "NUL bytes", None, None),
    (
        "cns",
        "header_only.csv",
        lambda: cns_text().split("\n", 1)[0].encode("cp1252") + b"\n",
        "no data rows",
        None,
        None,
    ),
    (
        "cns",
        "iso_date.csv",
        lambda: replace_once(cns_text(), "\n2,9-Apr-84,", "\n2,1984-04-09,").encode("cp1252"),
        "unparseable",
        2,
        "Date",
    ),
    (
        "cns",
        "dup_id.csv",
        lambda: replace_once(cns_text(), "\n3,9-Apr-84,", "\n2,9-Apr-84,").encode("cp1252"),
        "duplicate row id",
        3,
        "F1",
    ),
    (
        "cns",
        "bad_status.csv",
        lambda: replace_once(cns_text(), "Unconfirmed", "Maybe").encode("cp1252"),
        "Confirmed/Unconfirmed",
        None,
        "Confirmation Status",
    ),
    (
        "cns",
        "bad_updated.csv",
        lambda: replace_once(cns_text(), ",23-Dec-16,", ",Dec 23rd,").encode("cp1252"),
        "unparseable",
        1,
        "Date Entered/Updated",
    ),
    (
        "csis",
        "bad_date.csv",
        lambda: replace_once(csis_text(), "\n2026-08-20,", "\n2026-13-20,").encode(),
        "valid YYYY-MM-DD",
        1,
        "date",
    ),
    (
        "csis",
        "missing_type.csv",
        lambda: replace_once(csis_text(), "date,type,", "date,kind,").encode(),
        "missing column(s) 'type'",
        None,
        None,
    ),
    (
        "nagix",
        "year_3000.json",
        lambda: nagix_json([GOOD | {"date": "3000-01-01"}]).encode(),
        "year 3000 is outside 1900-2100",
        1,
        "date",
    ),
    (
        "nagix",
        "missile_list.json",
        lambda: nagix_json([GOOD | {"missile": ["hwasong-11a"]}]).encode(),
        "must be a text value",
        1,
        "missile",
    ),
    (
        "nagix",
        "series_text.json",
        lambda: nagix_json([GOOD, GOOD | {"series": "two"}]).encode(),
        "whole number",
        2,
        "series",
    ),
    (
        "nagix",
        "infinite_apogee.json",
        lambda: nagix_json([GOOD]).replace('"apogee": "60"', '"apogee": 1e999').encode(),
        "not a finite number",
        1,
        "apogee",
    ),
    (
        "nagix",
        "deep.json",
        lambda: b"[" * 100_000 + b"]" * 100_000,
        "nested too deeply",
        None,
        None,
    ),
    (
        "cns",
        "shifted_row.csv",
        lambda: shift_row(cns_text(), 3).encode("cp1252"),
        "row 3 has 20 fields, header has 19",
        3,
        None,
    ),
    (
        "cns",
        "truncated.csv",
        lambda: cns_text()[: len(cns_text()) // 2].encode("cp1252"),
        "truncated, or a stray quote",
        None,
        None,
    ),
    (
        "csis",
        "shifted_row.csv",
        lambda: replace_once(csis_text(), "\n2026-08-20,", "\n2026-08-20,,").encode(),
        "row 1 has 6 fields, header has 5",
        1,
        None,
    ),
    (
        "csis",
        "year_0001.csv",
        lambda: replace_once(csis_text(), "\n2026-08-20,", "\n0001-08-20,").encode(),
        "year 1 is outside",
        1,
        "date",
    ),
    (
        "cns2019",
        "missing_sheet.xlsx",
        lambda: workbook("Sheet1"),
        "no sheet 'Missile Tests' (sheets: ['Sheet1'])",
        None,
        None,
    ),
    (
        "cns2019",
        "not_xlsx.xlsx",
        lambda: b"this is not a workbook",
        "not a readable .xlsx",
        None,
        None,
    ),
]


@pytest.mark.parametrize(
    ("loader", "name", "make", "message", "row", "column"), CASES, ids=[c[1] for c in CASES]
)
def test_malformed_file_raises_one_clear_error(
    tmp_path: Path,
    loader: str,
    name: str,
    make: Callable[[], bytes],
    message: str,
    row: int | None,
    column: str | None,
) -> None:
    path = tmp_path / name
    path.write_bytes(make())
    with pytest.raises(DataError) as info:
        if loader == "csis":
            launches.load_provocations(path=path)
        else:
            launches.load_missiles(loader, path=path)
    err = info.value
    assert message in str(err)
    assert name in str(err)
    if row is not None:
        assert err.row == row and f"row {row}" in str(err)
    if column is not None:
        assert err.column == column and f"column '{column}'" in str(err)


def test_collect_mode_accounts_for_every_row(tmp_path: Path) -> None:
    records = [
        GOOD,
        GOOD,
        GOOD | {"series": 2, "date": "2019-13-01"},
        GOOD | {"series": 3},
        GOOD | {"series": 4, "time": "noon"},
    ]
    path = tmp_path / "mixed.json"
    path.write_text(nagix_json(records), encoding="utf-8")
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        table = launches.load_missiles("nagix", path=path, errors="collect")
    rejected = table.attrs["rejected"]
    assert len(table) + len(rejected) == len(records)
    assert sorted((r.row, r.column) for r in rejected) == [(2, None), (3, "date"), (5, "time")]
    assert all(r.reason for r in rejected)


def test_user_file_of_the_same_format_is_accepted_with_a_warning(tmp_path: Path) -> None:
    path = tmp_path / "newer.csv"
    path.write_bytes(sources.fetch("cns_csv").read_bytes())
    with pytest.warns(UserWarning, match="validated by schema, not by sha256"):
        table = launches.load_missiles("cns", path=path)
    assert len(table) == 245


def test_bad_arguments_are_refused() -> None:
    with pytest.raises(ValueError, match="source must be one of"):
        launches.load_missiles("wikipedia")
    with pytest.raises(ValueError, match="errors must be"):
        launches.load_missiles("nagix", errors="ignore")
    with pytest.raises(DataError, match="no such file"):
        launches.load_missiles("nagix", path="/nonexistent/test.en.json")


def test_a_folder_given_as_a_file_is_refused(tmp_path: Path) -> None:
    with pytest.raises(DataError, match="is a folder"):
        launches.load_provocations(path=tmp_path)


def test_a_byte_order_mark_is_accepted_on_purpose(tmp_path: Path) -> None:
    path = tmp_path / "bom.csv"
    path.write_bytes(b"\xef\xbb\xbf" + sources.fetch("csis_provocations").read_bytes())
    assert len(launches.load_provocations(path=path)) == len(launches.load_provocations())
