"""Pandera schemas of every table, with a description per column (the data dictionary's source)."""

from __future__ import annotations

import pandera.pandas as pa

from .schemas import (
    BLOCKED_HOSTS,
    EVENT_CATEGORIES,
    FIRST_YEAR,
    FREE_TEXT_COLUMNS,
    LAST_YEAR,
    LAUNCH_KINDS,
    LAUNCH_SOURCES,
    MAX_FIELD_CHARS,
    MISSILE_TYPES,
    OUTCOMES,
    PRECISIONS,
    SOURCE_KINDS,
    SUBCATEGORIES,
    THREAT_LEVELS,
    UNKNOWN_SOURCE_KIND,
)


def _col(dtype: object, description: str, **kwargs: object) -> pa.Column:
    """A schema column whose description feeds the generated data dictionary."""
    return pa.Column(dtype, description=description, **kwargs)


MISSILES = pa.DataFrameSchema(
    {
        "launch_id": _col(
            str,
            "Launch event id: the local launch date (YYYY-MM-DD, or YYYY-MM for month-only rows).",
        ),
        "missile_seq": _col(
            int, "1-based order of this missile within its launch event.", checks=pa.Check.ge(1)
        ),
        "datetime_utc": _col(
            "datetime64[ns, UTC]",
            "Launch time in UTC where the source gives one, else missing.",
            nullable=True,
        ),
        "date_utc": _col(
            "datetime64[ns]",
            "Launch date in UTC as the source records it (first of month if month-only).",
        ),
        "date_local": _col(
            "datetime64[ns]",
            "Launch date on the Pyongyang clock (UTC+9; UTC+8:30 from 2015-08-15 to 2018-05-04).",
        ),
        "date_precision": _col(
            str,
            "'day', or 'month' for early rows dated only to the month.",
            checks=pa.Check.isin(PRECISIONS),
        ),
        "time_known": _col(
            bool,
            "True when date_local comes from a UTC launch time (its own or its salvo's); "
            "False when it is the UTC date kept as is.",
        ),
        "missile": _col(
            str, "Missile name as the source gives it ('Unknown' when not identified)."
        ),
        "missile_type": _col(str, "Class: SRBM, MRBM, IRBM, ICBM, SLBM, SLV, HGV or Unknown."),
        "facility": _col(str, "Launch facility name."),
        "lat": _col(float, "Facility latitude, WGS84 decimal degrees.", nullable=True),
        "lon": _col(float, "Facility longitude, WGS84 decimal degrees.", nullable=True),
        "apogee_km": _col(
            float, "Apogee in km (midpoint where the source gives a range).", nullable=True
        ),
        "distance_km": _col(
            float,
            "Distance travelled in km (midpoint where the source gives a range).",
            nullable=True,
        ),
        "outcome": _col(
            str,
            "success, failure (catastrophic in-flight failure only) or unknown.",
            checks=pa.Check.isin(OUTCOMES),
        ),
        "confirmed": _col(
            "boolean",
            "CNS confirmation status; missing where the source has none (nagix).",
            nullable=True,
        ),
        "source": _col(
            str,
            "Which source file the row comes from: nagix, cns or cns2019.",
            checks=pa.Check.isin(LAUNCH_SOURCES),
        ),
        "source_row": _col(
            int,
            "1-based position of the record in the source file (data rows only).",
            checks=pa.Check.ge(1),
        ),
        "date_updated": _col(
            "datetime64[ns]", "When CNS last edited the row (CNS files only).", nullable=True
        ),
    },
    strict=True,
    ordered=True,
    unique=["source", "source_row"],
    name="missiles",
    description="One row per missile (CNS/NTI unit: salvo of 4 = 4 rows).",
)

LAUNCHES = pa.DataFrameSchema(
    {
        "launch_id": _col(
            str,
            "Launch event id: the local launch date (YYYY-MM-DD, or YYYY-MM for month-only rows).",
            unique=True,
        ),
        "date_local": _col(
            "datetime64[ns]", "Launch day on the Pyongyang clock (first of month if month-only)."
        ),
        "n_missiles": _col(
            int,
            "Missiles fired that day (CNS/NTI scope; a supplement or CSIS day whose source gives no "
            "number counts 1, the least it states).",
            checks=pa.Check.ge(1),
        ),
        "missile_types": _col(str, "Missile classes fired that day, ';'-joined, sorted."),
        "outcomes": _col(str, "Outcomes that day with counts, e.g. 'success:2;failure:1'."),
        "facilities": _col(str, "Launch facilities that day, ';'-joined, sorted."),
        "date_precision": _col(
            str,
            "'day', or 'month' for early rows dated only to the month.",
            checks=pa.Check.isin(PRECISIONS),
        ),
    },
    strict=True,
    ordered=True,
    name="launches",
    description="One row per launch day on the Pyongyang clock (unit: launch days).",
)

SUPPLEMENT = pa.DataFrameSchema(
    {
        "launch_id": _col(
            str, "Stable slug: YYYY-MM-DD (own clock) and a short name.", unique=True
        ),
        "date": _col(str, "Launch date as the source prints it, on its own clock (YYYY-MM-DD)."),
        "time_local": _col(
            str, "Launch time HH:MM on that clock where the source gives one, else ''."
        ),
        "timezone": _col(
            str, "IANA time zone of date and time (JCS and Japan MOD: Asia/Seoul, Asia/Tokyo)."
        ),
        "kind": _col(
            str,
            "ballistic, cruise or other, as the source says.",
            checks=pa.Check.isin(LAUNCH_KINDS),
        ),
        "missile_type": _col(
            str,
            "Class as the source gives it (SRBM ... or Unknown).",
            checks=pa.Check.isin(MISSILE_TYPES),
        ),
        "n_missiles": _col(
            "Int64",
            "Missiles as reported; missing when the source gives no number (counts 1 in launch days).",
            nullable=True,
        ),
        "facility": _col(str, "Launch site as the source names it."),
        "description": _col(str, "What was fired, in a sentence, from the source."),
        "source_url": _col(
            str, "The original statement or wire story the row was checked against."
        ),
        "source_kind": _col(
            str,
            "primary (JCS, Japan MOD, KCNA) or wire (Yonhap, AP, Reuters, AFP).",
            checks=pa.Check.isin(["primary", "wire"]),
        ),
        "source_note": _col(
            str, "What the source says (time, site, distance) and any corroboration."
        ),
        "date_local": _col(
            "datetime64[ns]", "Launch day on the Pyongyang clock (noon when no time)."
        ),
        "file": _col(str, "Supplement file the row comes from."),
        "row": _col(int, "1-based data row in that file.", checks=pa.Check.ge(1)),
    },
    strict=True,
    ordered=True,
    name="launch_supplement",
    description="Our launch supplement (data/launches/): launches after the CNS/NTI mirror's last row "
    "or missing from it, one row per launch, each checked against the original statement or wire story.",
)

PROVOCATIONS = pa.DataFrameSchema(
    {
        "date_local": _col("datetime64[ns]", "Event date as CSIS records it (Korean local date)."),
        "type": _col(
            str, "CSIS type: Missile Provocation, Other Provocation or Nuclear Provocation."
        ),
        "event": _col(str, "CSIS event label (semi-free text, spellings vary)."),
        "description": _col(str, "CSIS narrative."),
        "resources": _col(str, "Source URL CSIS cites (may be empty)."),
        "is_missile": _col(bool, "True for type == 'Missile Provocation'."),
        "source_row": _col(
            int, "1-based position of the record in the source file.", checks=pa.Check.ge(1)
        ),
    },
    strict=True,
    ordered=True,
    name="provocations",
    description="CSIS Beyond Parallel provocations: one row per event (a salvo is one row), Korean dates.",
)

EVENTS = pa.DataFrameSchema(
    {
        "event_id": _col(
            str,
            "Stable slug: start date + short name, e.g. 2017-12-22-unsc-2397 (never renamed).",
            unique=True,
        ),
        "category": _col(
            str,
            "Controlled vocabulary: "
            + ", ".join(EVENT_CATEGORIES)
            + " (a user's file loaded with own_categories=True may add lowercase slugs).",
            checks=pa.Check.str_matches(r"^[a-z][a-z0-9_]*$"),
        ),
        "subcategory": _col(
            str,
            "Finer kind, from the list allowed for the category: "
            + "; ".join(f"{c}: {', '.join(v)}" for c, v in SUBCATEGORIES.items())
            + ".",
        ),
        "actor": _col(str, "Who acted (UNSC, US Treasury, ROK, US;DPRK, ...)."),
        "title": _col(str, "One-line description."),
        "start_date": _col(
            "datetime64[ns]",
            "First day, on the calendar of `timezone` (as the source prints it); in the file "
            "YYYY-MM-DD, or YYYY-MM when date_precision is 'month' (then the 1st of the month). "
            f"Years {FIRST_YEAR}-{LAST_YEAR} only.",
        ),
        "end_date": _col(
            "datetime64[ns]",
            "Last day (inclusive) for ranges; missing for single-day events. Same format as "
            "start_date; a month-precision end_date means the last day of that month.",
            nullable=True,
        ),
        "date_precision": _col(
            str,
            "'day', or 'month' (the source gives only the month; the event spans the whole month).",
            checks=pa.Check.isin(PRECISIONS),
        ),
        "timezone": _col(str, "IANA zone of the place whose calendar start_date is on."),
        "time_local": _col(
            str,
            "HH:MM in `timezone` where the source gives a time; empty = assumed 12:00.",
            nullable=True,
        ),
        "source_url": _col(
            str,
            "The page that confirms the date (http or https, a real host: no trailing dot, not on "
            "the blocklist of personal blogs and scraper mirrors: "
            + ", ".join(BLOCKED_HOSTS)
            + ").",
            checks=pa.Check.str_matches(r"^https?://\S+$"),
        ),
        "source_kind": _col(
            str,
            "primary (the acting body's own release or record), wire (AP, Reuters, Yonhap, AFP, "
            "KCNA, Kyodo) or secondary (other press, reference works); 'unknown' only for a "
            "user's file without the column.",
            checks=pa.Check.isin([*SOURCE_KINDS, UNKNOWN_SOURCE_KIND]),
        ),
        "source_note": _col(str, "What that page says, briefly.", nullable=True),
        "notes": _col(str, "Caveats, disagreements between sources.", nullable=True),
        "responds_to": _col(
            str,
            "For dprk_statement only (required there): the event_id of the catalogue event the "
            "statement responds to.",
            nullable=True,
        ),
        "threat_level": _col(
            str,
            "For dprk_statement only (required there): none (condemns, states a position), "
            "warning (unspecified consequences) or explicit_threat (names or announces a "
            "specific military or nuclear action).",
            nullable=True,
            checks=pa.Check.isin(THREAT_LEVELS),
        ),
        "anticipates": _col(
            bool,
            "For dprk_statement only: true when the statement is dated (Pyongyang clock) before "
            "the event it responds to, e.g. a pre-exercise warning (file value 'yes', else empty; "
            "false for every other row). Such a statement is no response to the event.",
        ),
        "start_local": _col("datetime64[ns]", "Start as a day on the Pyongyang clock (derived)."),
        "end_local": _col(
            "datetime64[ns]",
            "End as a day on the Pyongyang clock (derived; = start_local for single-day events).",
        ),
        "file": _col(str, "Catalogue file the row came from (derived)."),
    },
    strict=True,
    ordered=True,
    checks=pa.Check(lambda df: df["end_local"] >= df["start_local"], error="end before start"),
    name="events",
    description=(
        "Our curated events catalogue, one row per event, with dates converted to the Pyongyang "
        "clock. Input rules (files in data/events/ and users' files): UTF-8 CSV with a header; "
        "every field at most "
        f"{MAX_FIELD_CHARS} characters; no NUL or other control characters; line breaks only in "
        "source_note and notes; surrounding spaces are stripped; free-text fields ("
        + ", ".join(FREE_TEXT_COLUMNS)
        + ") may not start with = + - @, a tab or a carriage return (spreadsheet formulas)."
    ),
)

ALL_SCHEMAS = [MISSILES, LAUNCHES, SUPPLEMENT, PROVOCATIONS, EVENTS]
