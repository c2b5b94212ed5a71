"""Generator of the hostile-input corpus (issue 12): events files and folders, third-party files, CLI arguments.

Every case says what it must get: the exit code (CONTRACTS.md: 0 ok, 1 `events check` found problems
in a readable file, 2 unusable input or argument), a phrase of the message, the file it must name
and, where a row is at fault, the row and column. `python tests/hostile_corpus.py` prints the
corpus, one line per case, and the count per class.
"""

from __future__ import annotations

import csv
import io
import json
import os
import stat
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TypeVar

from dprk_launches.records import schemas

Make = Callable[[Path], object]
N_COLUMNS = len(schemas.EVENT_FILE_COLUMNS)
T = TypeVar("T")

GOOD = dict.fromkeys(schemas.EVENT_FILE_COLUMNS, "") | {  # every column, new optional ones too
    "event_id": "2022-01-12-ofac-hostile-designation",
    "category": "sanctions_us",
    "subcategory": "designation",
    "actor": "US Treasury",
    "title": "A designation used by the hostile corpus",
    "start_date": "2022-01-12",
    "end_date": "",
    "date_precision": "day",
    "timezone": "America/New_York",
    "time_local": "",
    "source_url": "https://home.treasury.gov/news/press-releases/jy0549",
    "source_kind": "primary",
    "source_note": "a test row",
    "notes": "",
    "responds_to": "",
    "threat_level": "",
}
SECOND = GOOD | {
    "event_id": "2022-01-13-ofac-second-designation",
    "title": "A second designation",
    "start_date": "2022-01-13",
}
STATEMENT = GOOD | {
    "event_id": "2022-01-14-fm-hostile-statement",
    "category": "dprk_statement",
    "subcategory": "foreign_ministry",
    "actor": "DPRK Foreign Ministry",
    "title": "A statement used by the hostile corpus",
    "start_date": "2022-01-14",
    "timezone": "Asia/Pyongyang",
    "source_kind": "wire",
    "responds_to": GOOD["event_id"],
    "threat_level": "warning",
}
NAGIX_GOOD = {
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


@dataclass(frozen=True)
class Case:
    """One hostile input and the answer it must get."""

    name: str
    kind: str
    make: Make
    exit_code: int
    message: str
    file: str | None = None
    row: int | None = None
    column: str | None = None
    loader: str | None = None
    command: str | None = None
    check_only: bool = False
    subprocess: bool = False
    also: tuple[str, ...] = ()
    may_block: bool = False  # a FIFO: run it under `without_hanging`, so a regression cannot hang


def csv_text(rows: list[dict], header: list[str] | None = None) -> str:
    """Rows as CSV text with `header` (default: every catalogue column)."""
    header = header or schemas.EVENT_FILE_COLUMNS
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(header)
    writer.writerows([[row.get(c, "") for c in header] for row in rows])
    return buffer.getvalue()


def line(row: dict) -> str:
    """One row as a CSV line without its line ending."""
    buffer = io.StringIO()
    csv.writer(buffer, lineterminator="").writerow([row[c] for c in schemas.EVENT_FILE_COLUMNS])
    return buffer.getvalue()


def file_of(name: str, content: str | bytes | Callable[[], bytes]) -> Make:
    """A builder writing `content` to tmp/name and returning the path."""

    def make(tmp: Path) -> Path:
        data = content() if callable(content) else content
        path = tmp / name
        path.write_bytes(data.encode("utf-8") if isinstance(data, str) else data)
        return path

    return make


def fifo_of(name: str) -> Callable[[Path], Path]:
    """A builder making a named pipe (FIFO) tmp/name that nothing ever writes to."""

    def make(tmp: Path) -> Path:
        path = tmp / name
        os.mkfifo(path)
        return path

    return make


def release_fifos(folder: Path) -> None:
    """Open and close the write end of every FIFO under folder: a reader blocked on one gets EOF."""
    for path in folder.rglob("*"):
        try:
            if stat.S_ISFIFO(path.lstat().st_mode):
                os.close(os.open(path, os.O_WRONLY | os.O_NONBLOCK))
        except OSError:  # no reader waiting: nothing to release
            continue


def without_hanging(call: Callable[[], T], folder: Path, seconds: float = 60.0) -> T:
    """call() in a thread; still running after `seconds` (blocked on a FIFO under folder), the FIFOs
    are released and TimeoutError raised, so a regression fails instead of hanging the suite."""
    box: dict[str, object] = {}

    def target() -> None:
        try:
            box["value"] = call()
        except BaseException as exc:  # SystemExit from argparse included: re-raised below
            box["error"] = exc

    thread = threading.Thread(target=target, daemon=True)
    thread.start()
    thread.join(seconds)
    if thread.is_alive():
        release_fifos(folder)
        thread.join(10)
        raise TimeoutError(f"still running after {seconds:.0f} s: blocked reading a FIFO")
    if "error" in box:
        raise box["error"]  # type: ignore[misc]
    return box["value"]  # type: ignore[return-value]


def rows_file(name: str, rows: list[dict], header: list[str] | None = None) -> Make:
    """A builder for an events CSV of `rows`."""
    return file_of(name, csv_text(rows, header))


def _row_case(
    name: str, row: dict, column: str | None, message: str, check_only: bool = False
) -> Case:
    """A file whose second data row (row 3) is `row` and must be refused at `column`."""
    return Case(
        name=f"row-{name}",
        kind="events_row",
        make=rows_file(f"{name}.csv", [GOOD, row]),
        exit_code=1,
        message=message,
        file=f"{name}.csv",
        row=3,
        column=column,
        check_only=check_only,
    )


def event_row_cases() -> Iterator[Case]:
    """Corruptions of one row: every column, every class of defect."""
    for column in schemas.EVENT_FILE_COLUMNS:
        value = SECOND[column] or "x"
        yield _row_case(f"nul-{column}", SECOND | {column: value + "\x00"}, column, "NUL byte")
    for column in [*schemas.FREE_TEXT_COLUMNS, "event_id", "source_url"]:
        yield _row_case(
            f"long-{column}", SECOND | {column: "a" * 2001}, column, "longer than 2000 characters"
        )
    prefixes = {"eq": "=", "plus": "+", "minus": "-", "at": "@", "tab": "\t", "cr": "\r"}
    for column in schemas.FREE_TEXT_COLUMNS:
        for label, prefix in prefixes.items():
            message = (
                "starts with a tab or carriage return"
                if prefix in "\t\r"
                else f"starts with '{prefix}'"
            )
            row = SECOND | {column: prefix + "cmd|' /C calc'!A0"}
            yield _row_case(f"formula-{label}-{column}", row, column, message)
    yield _row_case("title-line-break", SECOND | {"title": "two\nlines"}, "title", "line break")
    yield _row_case("title-escape", SECOND | {"title": "x\x1b[31m"}, "title", "U+001B")
    for name, changes, column, message in [
        ("category", {"category": "sanction_us"}, "category", "did you mean 'sanctions_us'"),
        ("category-empty", {"category": ""}, "category", "empty; use one of"),
        (
            "subcategory-case",
            {"subcategory": "Designation "},
            "subcategory",
            "did you mean 'designation'",
        ),
        ("subcategory-banana", {"subcategory": "banana"}, "subcategory", "unknown subcategory"),
        (
            "subcategory-other-category",
            {"subcategory": "resolution"},
            "subcategory",
            "(for category sanctions_us)",
        ),
        ("source-kind", {"source_kind": "Primary"}, "source_kind", "did you mean 'primary'"),
        ("threat-on-sanction", {"threat_level": "warning"}, "threat_level", "only for category"),
        (
            "responds-on-sanction",
            {"responds_to": GOOD["event_id"]},
            "responds_to",
            "only for category",
        ),
        ("timezone", {"timezone": "asia/seoul"}, "timezone", "did you mean 'Asia/Seoul'"),
        ("year-0001", {"start_date": "0001-01-13"}, "start_date", "year 1 is outside"),
        ("year-3000", {"start_date": "3000-01-13"}, "start_date", "year 3000 is outside"),
        ("year-9999-end", {"end_date": "9999-12-31"}, "end_date", "year 9999 is outside"),
        ("impossible-date", {"start_date": "2022-02-30"}, "start_date", "impossible calendar"),
        ("us-date", {"start_date": "01/13/2022"}, "start_date", "not an ISO date"),
        ("short-date", {"start_date": "2022-1-13"}, "start_date", "not an ISO date"),
        ("month-with-day", {"date_precision": "month"}, "start_date", "write the date as YYYY-MM"),
        ("day-without-day", {"start_date": "2022-01"}, "start_date", "needs date_precision"),
        ("precision-case", {"date_precision": "Day"}, "date_precision", "'day' or 'month'"),
        ("end-before-start", {"end_date": "2022-01-01"}, "end_date", "before start_date"),
        ("time-24", {"time_local": "24:00"}, "time_local", "not HH:MM"),
        ("time-short", {"time_local": "9:30"}, "time_local", "not HH:MM"),
        ("time-arabic-digit", {"time_local": "1\u0662:30"}, "time_local", "not HH:MM"),
        (
            "date-fullwidth-digits",
            {"start_date": "\uff12\uff10\uff12\uff12-01-13"},
            "start_date",
            "not an ISO date",
        ),
        ("id-spaces", {"event_id": "2022-01-13 OFAC"}, "event_id", "not a slug"),
        ("id-other-date", {"event_id": "2022-01-14-ofac"}, "event_id", "does not start with"),
        (
            "id-duplicate",
            {"event_id": GOOD["event_id"], "start_date": GOOD["start_date"]},
            "event_id",
            "duplicate event_id",
        ),
        ("title-duplicate", {"title": GOOD["title"]}, "start_date", "another date"),
        ("title-empty", {"title": ""}, "title", "required value is empty"),
        ("url-empty", {"source_url": ""}, "source_url", "needs a source_url"),
        ("url-ftp", {"source_url": "ftp://example.org/x"}, "source_url", "not an http(s) URL"),
        ("url-no-host", {"source_url": "https:///path"}, "source_url", "no host"),
        ("url-javascript", {"source_url": "javascript:alert(1)"}, "source_url", "not an http"),
        ("url-bad-ipv6", {"source_url": "http://[::1/x"}, "source_url", "no host"),
    ]:
        yield _row_case(name, SECOND | changes, column, message)
    for name, changes, message in [
        ("blog", {"source_url": "https://x.blogspot.com/2022/01/a.html"}, "blocklist"),
        ("mirror", {"source_url": "https://encyclopedia.datana.cloud/a"}, "blocklist"),
        ("trailing-dot", {"source_url": "https://en.wikisource.org./wiki/X"}, "ends with a dot"),
    ]:
        yield _row_case(f"host-{name}", SECOND | changes, "source_url", message, check_only=True)
    for name, changes, column, message in [
        ("no-target", {"responds_to": ""}, "responds_to", "required for a statement"),
        ("dangling", {"responds_to": "2022-01-01-nothing"}, "responds_to", "not in the catalogue"),
        ("self", {"responds_to": STATEMENT["event_id"]}, "responds_to", "respond to itself"),
        ("no-level", {"threat_level": ""}, "threat_level", "empty; use one of"),
        ("level", {"threat_level": "threat"}, "threat_level", "unknown threat_level"),
    ]:
        yield _row_case(f"statement-{name}", STATEMENT | changes, column, message)
    for name, text, message in [
        (
            "extra-field",
            line(SECOND) + ",surplus",
            f"row 3 has {N_COLUMNS + 1} fields, header has {N_COLUMNS}",
        ),
        ("trailing-comma", line(SECOND) + ",", "(trailing comma?)"),
        (
            "missing-field",
            line(SECOND).rsplit(",", 1)[0],
            f"row 3 has {N_COLUMNS - 1} fields, header has {N_COLUMNS}",
        ),
    ]:
        content = csv_text([GOOD]) + text + "\n"
        yield Case(
            name=f"row-{name}",
            kind="events_row",
            make=file_of(f"{name}.csv", content),
            exit_code=1,
            message=message,
            file=f"{name}.csv",
            row=3,
        )


def event_file_cases() -> Iterator[Case]:
    """Whole files that are not an events CSV."""
    header = ",".join(schemas.EVENT_FILE_COLUMNS)
    renamed = ["time_locl" if c == "time_local" else c for c in schemas.EVENT_FILE_COLUMNS]
    for name, content, message, row in [
        ("empty", b"", "the file is empty", None),
        ("blank-lines", b"\n\n  \n", "the file is empty", None),
        ("header-only", header + "\n", "has a header but no events", None),
        ("bom-header-only", "\ufeff" + header + "\r\n", "has a header but no events", None),
        (
            "latin1",
            (csv_text([GOOD | {"title": "Caf\u00e9"}])).encode("latin-1"),
            "not UTF-8",
            None,
        ),
        ("utf16", csv_text([GOOD]).encode("utf-16"), "UTF-16", None),
        ("png", b"\x89PNG\r\n\x1a\n" + bytes(range(256)), "not UTF-8", None),
        ("json", json.dumps([GOOD]), "unknown column", None),
        ("misspelt-column", csv_text([GOOD], renamed), "did you mean 'time_local'", None),
        (
            "duplicate-column",
            csv_text([GOOD], [*schemas.EVENT_FILE_COLUMNS, "title"]),
            "twice",
            None,
        ),
        (
            "unknown-column",
            csv_text([GOOD], [*schemas.EVENT_FILE_COLUMNS, "colour"]),
            "colour",
            None,
        ),
        ("header-trailing-comma", header + ",\n" + line(GOOD) + ",\n", "has no name", None),
        (
            "missing-column",
            csv_text([GOOD], schemas.EVENT_FILE_COLUMNS[:-6]),
            "missing column",
            None,
        ),
        ("semicolons", csv_text([GOOD]).replace(",", ";"), "separated by ';'", None),
        ("tabs", csv_text([GOOD]).replace(",", "\t"), "separated by '\\t'", None),
        (
            "wide-header",
            ",".join(f"c{i}" for i in range(5000)) + "\n" + "," * 4999 + "\n",
            "and 4990 more unknown columns",
            None,
        ),
        ("first-line-blank", "\n" + csv_text([GOOD]), "first line must be the header", 1),
        (
            "unclosed-quote",
            csv_text([GOOD]) + '2022-01-13-x,"sanctions_us\n',
            "check the quotes",
            3,
        ),
        ("stray-quote", csv_text([GOOD]) + '2022-01-13-x,"a"b,\n', "check the quotes", 3),
        ("five-mb-field", csv_text([GOOD]) + "x" * 5_000_000 + "\n", "far longer", 3),
    ]:
        yield Case(
            name=f"file-{name}",
            kind="events_file",
            make=file_of(f"{name}.csv", content),
            exit_code=1,
            message=message,
            file=f"{name}.csv",
            row=row,
        )


def _folder(files: dict[str, str | bytes | None], links: dict[str, str] | None = None) -> Make:
    """A builder for a folder of files (None = a sub-folder) and symbolic links."""

    def make(tmp: Path) -> Path:
        folder = tmp / "mine"
        folder.mkdir()
        for name, content in files.items():
            if content is None:
                (folder / name).mkdir()
            else:
                data = content.encode("utf-8") if isinstance(content, str) else content
                (folder / name).write_bytes(data)
        for name, target in (links or {}).items():
            (folder / name).symlink_to(folder / target)
        return folder

    return make


def folder_cases() -> Iterator[Case]:
    """Folders given to `events check` / `load_events(extra=...)`, and odd paths."""
    good = csv_text([GOOD])
    bad = csv_text([GOOD | {"timezone": "Mars/Base"}])
    yield Case("folder-empty", "folder", _folder({}), 2, "the folder is empty", file="mine")
    yield Case(
        "folder-only-txt", "folder", _folder({"a.txt": good}), 2, "found: a.txt", file="mine"
    )
    yield Case(
        "folder-only-upper-csv", "folder", _folder({"A.CSV": good}), 2, "is not '.csv'", "A.CSV"
    )
    yield Case(
        "folder-only-subfolder", "folder", _folder({"x.csv": None}), 2, "is a folder", "x.csv"
    )
    yield Case(
        "folder-good-and-subfolder",
        "folder",
        _folder({"good.csv": good, "x.csv": None}),
        1,
        "is a folder, not a CSV file",
        "x.csv",
    )
    yield Case(
        "folder-every-file-reported",
        "folder",
        _folder({"a.csv": "", "b.csv": bad, "c.csv": good.encode("utf-16")}),
        1,
        "the file is empty",
        "a.csv",
        also=("b.csv row 2, column 'timezone'", "c.csv: looks like UTF-16"),
    )
    yield Case(
        "folder-symlink-loop",
        "folder",
        _folder({"good.csv": good}, {"loop.csv": "loop.csv"}),
        1,
        "link loop",
        "loop.csv",
    )
    yield Case(
        "folder-hidden-files-skipped",
        "folder",
        _folder({"good.csv": good, "._good.csv": b"\x00\x05\x16\x07"}),
        0,
        "OK",
    )
    yield Case(
        "path-missing",
        "folder",
        lambda tmp: tmp / "nothing.csv",
        2,
        "no such file or folder",
        "nothing.csv",
    )

    def loop(tmp: Path) -> Path:
        path = tmp / "self.csv"
        path.symlink_to(path)
        return path

    yield Case("path-symlink-loop", "folder", loop, 2, "link loop", "self.csv")
    if hasattr(os, "mkfifo"):
        yield Case(
            "path-fifo",
            "folder",
            fifo_of("pipe.csv"),
            2,
            "is a named pipe (FIFO)",
            "pipe.csv",
            may_block=True,
        )

        def fifo_in_folder(tmp: Path) -> Path:
            folder = _folder({"good.csv": good})(tmp)
            os.mkfifo(folder / "x.csv")
            return folder

        yield Case(
            "folder-fifo-csv",
            "folder",
            fifo_in_folder,
            1,
            "is a named pipe (FIFO), not a CSV file",
            "x.csv",
            may_block=True,
        )
    if Path("/dev/null").exists():
        yield Case(
            "path-device",
            "folder",
            lambda tmp: Path(os.devnull),
            2,
            "neither a regular file",
            "null",
        )


def nagix_json(records: list[dict]) -> str:
    """A nagix test.en.json document holding `records`."""
    return json.dumps({"timeBins": [{"year": 2019, "data": records}]})


def _pinned_text(name: str, encoding: str) -> str:
    """The pinned third-party file `name` as text (needs the data mirror or cache)."""
    from dprk_launches.records import sources

    return sources.fetch(name).read_bytes().decode(encoding)


def _cns(edit: Callable[[str], str]) -> Callable[[], bytes]:
    """The pinned CNS CSV after `edit`, encoded as CNS ships it."""
    return lambda: edit(_pinned_text("cns_csv", "cp1252")).encode("cp1252")


def _csis(edit: Callable[[str], str]) -> Callable[[], bytes]:
    """The pinned CSIS CSV after `edit`."""
    return lambda: edit(_pinned_text("csis_provocations", "utf-8")).encode("utf-8")


def _shift(number: int) -> Callable[[str], str]:
    """Insert an extra comma into line `number` (0 = header)."""

    def edit(text: str) -> str:
        lines = text.split("\n")
        lines[number] = lines[number].replace(",", ",,", 1)
        return "\n".join(lines)

    return edit


def _workbook(sheet: str, header: list[str] | None = None) -> Callable[[], bytes]:
    """An xlsx with one sheet named `sheet` holding `header`."""

    def make() -> bytes:
        import openpyxl

        book = openpyxl.Workbook()
        book.active.title = sheet
        book.active.append(header or ["F1", "Date"])
        buffer = io.BytesIO()
        book.save(buffer)
        return buffer.getvalue()

    return make


def third_party_cases() -> Iterator[Case]:
    """The CNS/NTI (nagix JSON, CNS CSV, 2019 xlsx) and CSIS loaders given broken files."""
    g = NAGIX_GOOD
    nagix = [
        ("truncated", nagix_json([g, g | {"series": 2}])[:150], "truncated JSON", None, None),
        ("empty", "", "the file is empty", None, None),
        ("top-level-list", "[]", "timeBins", None, None),
        ("timebins-null", '{"timeBins": null}', "timeBins", None, None),
        ("data-not-list", '{"timeBins": [{"data": "x"}]}', "no 'data' list", None, None),
        ("deep", "[" * 100_000 + "]" * 100_000, "nested too deeply", None, None),
        (
            "missing-key",
            nagix_json([g, {k: v for k, v in g.items() if k != "date"}]),
            "missing key",
            2,
            "date",
        ),
        ("year-3000", nagix_json([g | {"date": "3000-01-01"}]), "year 3000", 1, "date"),
        ("date-number", nagix_json([g | {"date": 20190504}]), "text value", 1, "date"),
        ("missile-list", nagix_json([g | {"missile": ["x"]}]), "text value", 1, "missile"),
        ("series-text", nagix_json([g, g | {"series": "two"}]), "whole number", 2, "series"),
        ("apogee-infinite", nagix_json([g]).replace('"60"', "1e999"), "finite", 1, "apogee"),
        (
            "distance-negative",
            nagix_json([g | {"distance": "-240"}]),
            "not a distance",
            1,
            "distance",
        ),
        ("duplicate", nagix_json([g, g]), "duplicate of row 1", 2, None),
    ]
    for name, text, message, row, column in nagix:
        yield Case(
            f"nagix-{name}",
            "third_party",
            file_of(f"{name}.json", text),
            2,
            message,
            f"{name}.json",
            row,
            column,
            loader="nagix",
        )
    cns = [
        ("shifted-row", _cns(_shift(3)), "row 3 has 20 fields, header has 19", 3, None),
        ("shifted-header", _cns(lambda t: "Extra," + t), "header has 20", 1, None),
        ("truncated", _cns(lambda t: t[: len(t) // 2]), "truncated, or a stray quote", None, None),
        (
            "utf16",
            lambda: _pinned_text("cns_csv", "cp1252").encode("utf-16"),
            "NUL bytes",
            None,
            None,
        ),
        (
            "renamed-column",
            _cns(lambda t: t.replace("Launch Time (UTC)", "Launch Time", 1)),
            "renamed to 'Launch Time'",
            None,
            None,
        ),
        ("header-only", _cns(lambda t: t.split("\n", 1)[0] + "\n"), "no data rows", None, None),
        (
            "updated-year-3000",
            _cns(lambda t: t.replace(",23-Dec-16,", ",1/1/3000,", 1)),
            "year 3000 is outside",
            1,
            "Date Entered/Updated",
        ),
        (
            "iso-date",
            _cns(lambda t: t.replace("\n2,9-Apr-84,", "\n2,1984-04-09,", 1)),
            "unparseable",
            2,
            "Date",
        ),
    ]
    for name, make, message, row, column in cns:
        yield Case(
            f"cns-{name}",
            "third_party",
            file_of(f"{name}.csv", make),
            2,
            message,
            f"{name}.csv",
            row,
            column,
            loader="cns",
        )
    csis = [
        (
            "shifted-row",
            _csis(lambda t: t.replace("\n2026-08-20,", "\n2026-08-20,,", 1)),
            "row 1 has 6 fields",
            1,
            None,
        ),
        (
            "year-0001",
            _csis(lambda t: t.replace("\n2026-08-20,", "\n0001-08-20,", 1)),
            "year 1 is outside",
            1,
            "date",
        ),
        (
            "missing-column",
            _csis(lambda t: t.replace("date,type,", "date,kind,", 1)),
            "missing column(s) 'type'",
            None,
            None,
        ),
        (
            "duplicate-header",
            _csis(lambda t: t.replace("date,type,", "date,date,", 1)),
            "more than once",
            None,
            None,
        ),
        (
            "wide-header",
            lambda: (",".join(f"c{i}" for i in range(20000)) + "\n" + "," * 19999 + "\n").encode(),
            "19980 more",
            None,
            None,
        ),
    ]
    for name, make, message, row, column in csis:
        yield Case(
            f"csis-{name}",
            "third_party",
            file_of(f"{name}.csv", make),
            2,
            message,
            f"{name}.csv",
            row,
            column,
            loader="csis",
        )
    xlsx = [
        ("missing-sheet", _workbook("Sheet1"), "no sheet 'Missile Tests'"),
        ("no-header", _workbook("Missile Tests", ["Number", "When"]), "no header row"),
        ("not-a-workbook", lambda: b"plain text", "not a readable .xlsx"),
        ("truncated", lambda: _workbook("Missile Tests")()[:200], "not a readable .xlsx"),
    ]
    for name, make, message in xlsx:
        yield Case(
            f"cns2019-{name}",
            "third_party",
            file_of(f"{name}.xlsx", make),
            2,
            message,
            f"{name}.xlsx",
            loader="cns2019",
        )


def _argv(*parts: str | Callable[[Path], str]) -> Make:
    """A builder for an argument list; callables make files under tmp and give their path."""
    return lambda tmp: [p(tmp) if callable(p) else p for p in parts]


def _write(name: str, content: str) -> Callable[[Path], str]:
    """A file under tmp, as an argument."""

    def make(tmp: Path) -> str:
        path = tmp / name
        path.write_text(content, encoding="utf-8")
        return str(path)

    return make


def _empty_folder(tmp: Path) -> str:
    """An empty folder under tmp, as an argument."""
    folder = tmp / "empty_folder"
    folder.mkdir()
    return str(folder)


def cli_cases() -> Iterator[Case]:
    """Arguments of every command: unusable ones exit 2 with one message, no traceback."""
    good = _write("good.csv", csv_text([GOOD]))
    bad = _write("bad.csv", csv_text([GOOD | {"timezone": "Mars/Base"}]))
    own = _write("own.csv", csv_text([GOOD | {"category": "my_summits", "subcategory": ""}]))
    specs: list[tuple[str, str | None, Make, int, str, str | None, bool]] = [
        ("no-command", None, _argv(), 2, "required", None, True),
        ("unknown-command", None, _argv("launch"), 2, "invalid choice", None, False),
        ("data-extra", "data", _argv("data", "extra"), 2, "unrecognized arguments", None, False),
        ("summary-typo", "summary", _argv("summary", "--jsn"), 2, "unrecognized", None, False),
        (
            "reports-jobs-0",
            "reports",
            _argv("reports", "--jobs", "0"),
            2,
            "at least 1",
            None,
            False,
        ),
        ("reports-jobs-neg", "reports", _argv("reports", "--jobs", "-3"), 2, "--jobs", None, False),
        (
            "reports-jobs-word",
            "reports",
            _argv("reports", "--jobs", "two"),
            2,
            "--jobs",
            None,
            False,
        ),
        (
            "reports-only-empty",
            "reports",
            _argv("reports", "--only"),
            2,
            "expected one argument",
            None,
            False,
        ),
        (
            "reports-only-unknown",
            "reports",
            _argv("reports", "--only", "nope"),
            2,
            "nope",
            None,
            False,
        ),
        ("events-no-sub", "events", _argv("events"), 2, "required", None, False),
        ("events-unknown-sub", "events", _argv("events", "fix"), 2, "invalid choice", None, False),
        ("check-no-path", "events", _argv("events", "check"), 2, "required", None, False),
        (
            "check-missing",
            "events",
            _argv("events", "check", lambda t: str(t / "nope.csv")),
            2,
            "no such file",
            "nope.csv",
            True,
        ),
        (
            "check-empty-folder",
            "events",
            _argv("events", "check", _empty_folder),
            2,
            "no .csv files",
            "empty_folder",
            False,
        ),
        (
            "check-bad",
            "events",
            _argv("events", "check", bad),
            1,
            "column 'timezone'",
            "bad.csv",
            True,
        ),
        (
            "check-own-refused",
            "events",
            _argv("events", "check", own),
            1,
            "unknown category",
            "own.csv",
            False,
        ),
        (
            "check-own-allowed",
            "events",
            _argv("events", "check", "--own-categories", own),
            0,
            "OK",
            "own.csv",
            False,
        ),
        ("check-good", "events", _argv("events", "check", good), 0, "OK", "good.csv", False),
        (
            "dictionary-extra",
            "dictionary",
            _argv("dictionary", "now"),
            2,
            "unrecognized",
            None,
            False,
        ),
        ("claim-no-args", "claim", _argv("claim"), 2, "--event-date", None, False),
        (
            "claim-bad-zone",
            "claim",
            _argv("claim", "--event-date", "2022-01-12", "--event-tz", "Mars/Base", "--no-report"),
            2,
            "Mars/Base",
            None,
            False,
        ),
        (
            "claim-bad-date",
            "claim",
            _argv("claim", "--event-date", "3000-13-45", "--event-tz", "UTC", "--no-report"),
            2,
            "3000-13-45",
            None,
            False,
        ),
        (
            "claim-within-word",
            "claim",
            _argv("claim", "--event-date", "2022-01-12", "--event-tz", "UTC", "--within", "soon"),
            2,
            "--within",
            None,
            False,
        ),
        ("study-no-path", "study", _argv("study"), 2, "path", None, False),
        (
            "study-missing",
            "study",
            _argv("study", lambda t: str(t / "nope.csv"), "--no-report"),
            2,
            "nope.csv",
            "nope.csv",
            True,
        ),
        (
            "study-empty-folder",
            "study",
            _argv("study", _empty_folder, "--no-report"),
            2,
            "empty_folder",
            "empty_folder",
            False,
        ),
        (
            "study-bad-row",
            "study",
            _argv("study", bad, "--no-report"),
            2,
            "column 'timezone'",
            "bad.csv",
            False,
        ),
        (
            "study-window-word",
            "study",
            _argv("study", good, "--window", "a", "b"),
            2,
            "--window",
            None,
            False,
        ),
        (
            "study-device",
            "study",
            _argv("study", os.devnull, "--no-report"),
            2,
            "is a character device, not a file",
            None,
            False,
        ),
        ("sources-no-sub", "sources", _argv("sources"), 2, "required", None, False),
        (
            "sources-unknown-name",
            "sources",
            _argv("sources", "update", "no_such_source", "--ref", "abc"),
            2,
            "no_such_source",
            None,
            False,
        ),
    ]
    for name, command, make, code, message, file, sample in specs:
        yield Case(
            f"cli-{name}", "cli", make, code, message, file, command=command, subprocess=sample
        )
    if hasattr(os, "mkfifo"):  # a FIFO as input is refused at once, never read (it would block)
        fifo = fifo_of("pipe.csv")
        for name, command, argv in [
            ("study-fifo", "study", _argv("study", lambda t: str(fifo(t)), "--no-report")),
            ("check-fifo", "events", _argv("events", "check", lambda t: str(fifo(t)))),
        ]:
            yield Case(
                f"cli-{name}",
                "cli",
                argv,
                2,
                "is a named pipe (FIFO)",
                "pipe.csv",
                command=command,
                subprocess=True,
                may_block=True,
            )


def cases() -> list[Case]:
    """The whole corpus, in a stable order, names unique."""
    corpus = [
        *event_row_cases(),
        *event_file_cases(),
        *folder_cases(),
        *third_party_cases(),
        *cli_cases(),
    ]
    names = [c.name for c in corpus]
    assert len(names) == len(set(names)), "case names must be unique"
    return corpus


if __name__ == "__main__":
    corpus = cases()
    for case in corpus:
        where = f" row {case.row}" if case.row else ""
        where += f" column {case.column}" if case.column else ""
        print(f"{case.kind:12} {case.name:45} exit {case.exit_code}{where}: {case.message}")
    print(dict(Counter(c.kind for c in corpus)), len(corpus))
