"""Every table's vocabularies and rules and the loaders' error type (the pandera schemas built on them
are in `table_schemas`, which loaders import only when they validate: pandera is slow to import)."""

from __future__ import annotations

from dataclasses import dataclass

PRECISIONS = ["day", "month"]
OUTCOMES = ["success", "failure", "unknown"]
LAUNCH_SOURCES = ["nagix", "cns", "cns2019"]


class DataError(ValueError):
    """An input file that cannot be read as promised; says which file, row and column."""

    def __init__(
        self, file: object, message: str, row: int | None = None, column: str | None = None
    ):
        self.file, self.row, self.column, self.reason = str(file), row, column, message
        where = [f"file {self.file}"]
        if row is not None:
            where.append(f"row {row}")
        if column is not None:
            where.append(f"column '{column}'")
        super().__init__(f"{', '.join(where)}: {message}")


@dataclass(frozen=True)
class Rejection:
    """One input row left out by a loader in errors='collect' mode, and why."""

    file: str
    row: int | None
    column: str | None
    value: str
    reason: str


EVENT_CATEGORIES = [
    "sanctions_un",
    "sanctions_us",
    "sanctions_other",
    "un_statement",
    "diplomacy",
    "exercise",
    "nuclear_test",
    "political_calendar",
    "dprk_statement",
]

SUBCATEGORIES: dict[str, list[str]] = {
    "sanctions_un": ["resolution", "renewal", "veto", "mandate_end"],
    "sanctions_us": [
        "designation",
        "executive_order",
        "law",
        "section_311",
        "terrorism_designation",
        "advisory",
    ],
    "sanctions_other": ["rok", "japan", "eu", "australia", "uk", "canada", "msmt", "other"],
    "un_statement": ["presidential_statement", "press_statement", "meeting"],
    "diplomacy": ["summit", "talks", "agreement", "envoy_visit", "announcement"],
    "exercise": ["spring", "summer", "air", "trilateral", "other"],
    "nuclear_test": ["test"],
    "political_calendar": [
        "election_us",
        "inauguration_us",
        "election_rok",
        "inauguration_rok",
        "party_congress",
        "party_conference",
        "party_plenum",
        "supreme_peoples_assembly",
        "leadership",
        "rok_crisis",
        "anniversary",
    ],
    "dprk_statement": [
        "foreign_ministry",
        "kim_yo_jong",
        "kpa_general_staff",
        "defence_ministry",
        "kcna_commentary",
        "government_other",
    ],
}

SOURCE_KINDS = ["primary", "wire", "secondary"]
UNKNOWN_SOURCE_KIND = "unknown"
THREAT_LEVELS = ["none", "warning", "explicit_threat"]
RESPONDING_CATEGORIES = ["dprk_statement"]

BLOCKED_HOSTS = [
    "blogspot.com",
    "livejournal.com",
    "wordpress.com",
    "topzle.com",
    "wideo.ovh",
    "anti-imperialist.org",
    "medium.com",
    "tumblr.com",
    "encyclopedia.datana.cloud",
]

MAX_FIELD_CHARS = 2000
FORMULA_PREFIXES = ("=", "+", "-", "@", "\t", "\r")
FREE_TEXT_COLUMNS = ["actor", "title", "source_note", "notes"]
MULTILINE_COLUMNS = ["source_note", "notes"]
FIRST_YEAR, LAST_YEAR = 1900, 2100

EVENT_FILE_COLUMNS = [
    "event_id",
    "category",
    "subcategory",
    "actor",
    "title",
    "start_date",
    "end_date",
    "date_precision",
    "timezone",
    "time_local",
    "source_url",
    "source_kind",
    "source_note",
    "notes",
    "responds_to",
    "threat_level",
]
OPTIONAL_EVENT_COLUMNS = ["time_local", "source_kind", "responds_to", "threat_level"]
