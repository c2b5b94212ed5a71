"""Our committed events catalogue: its CSV files and the generated DPRK anniversaries."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pandas as pd

from .. import config
from ..records import schemas
from ..records.schemas import DataError
from .files import _gather, _raise_first


@dataclass(frozen=True)
class Anniversary:
    """A recurring DPRK commemoration, generated for every year in which it was observed."""

    slug: str
    title: str
    month: int
    day: int
    first_year: int
    last_year: int | None
    source_url: str
    source_kind: str
    source_note: str


ANNIVERSARIES = [
    Anniversary(
        "shining-star",
        "Day of the Shining Star (Kim Jong Il's birthday)",
        2,
        16,
        1982,
        None,
        "http://www.kcna.co.jp/item/2014/201402/news16/20140216-27ee.html",
        "wire",
        "KCNA, 16 Feb 2014: the DPRK celebrates the Day of the Shining Star (16 February), "
        "Kim Jong Il's birthday; an official holiday since 1982",
    ),
    Anniversary(
        "day-of-the-sun",
        "Day of the Sun (Kim Il Sung's birthday)",
        4,
        15,
        1968,
        None,
        "https://armenpress.am/eng/news/971252/",
        "wire",
        "15 April; an official holiday since 1968, named Day of the Sun in 1997",
    ),
    Anniversary(
        "kpa-founding-apr25",
        "Korean People's Army founding day (25 April)",
        4,
        25,
        1978,
        2017,
        "https://koreajoongangdaily.joins.com/2018/01/23/politics/Norths-army-founding-day-shifted-to-eve-of-Olympics/3043713.html",
        "secondary",
        "KPA founding marked on 25 April from 1978 until the January 2018 switch back to 8 February",
    ),
    Anniversary(
        "kpa-founding-feb8",
        "Korean People's Army founding day (8 February)",
        2,
        8,
        2018,
        None,
        "https://www.efe.com/efe/english/world/pyongyang-to-celebrate-army-founding-day-on-eve-of-pyeongchang-olympics/50000262-3500595",
        "wire",
        "EFE, 23 Jan 2018: the WPK Politburo decided (KCNA) that KPA founding day is 8 February again",
    ),
    Anniversary(
        "victory-day",
        "Victory Day (Korean War armistice)",
        7,
        27,
        1953,
        None,
        "http://www.kcna.co.jp/item/2019/201907/news27/20190727-13ee.html",
        "wire",
        "KCNA, 27 Jul 2019: the 66th anniversary of the victory in the Fatherland Liberation War "
        "(27 July 1953) celebrated across the DPRK",
    ),
    Anniversary(
        "dprk-founding",
        "Founding of the DPRK",
        9,
        9,
        1948,
        None,
        "http://world.kbs.co.kr/service/news_view.htm?lang=e&Seq_Code=187799",
        "wire",
        "KCNA via KBS World, 9 Sep 2024: top officials marked the 76th anniversary of the nation's "
        "founding on September 9 (1948) with a visit to the Kumsusan Palace of the Sun",
    ),
    Anniversary(
        "party-founding",
        "Founding of the Workers' Party of Korea",
        10,
        10,
        1945,
        None,
        "http://www.kcna.co.jp/item/2015/201510/news10/20151010-33ee.html",
        "wire",
        "KCNA, 10 Oct 2015: the 70th founding anniversary of the Workers' Party of Korea "
        "(10 October 1945) celebrated",
    ),
]

ANNIVERSARY_YEARS = (1984, 2026)


def anniversaries(
    first_year: int = ANNIVERSARY_YEARS[0], last_year: int = ANNIVERSARY_YEARS[1]
) -> pd.DataFrame:
    """Catalogue rows for the DPRK's recurring commemorations, generated from ANNIVERSARIES."""
    return pd.DataFrame(
        _anniversary_rows(first_year, last_year), columns=schemas.EVENT_FILE_COLUMNS
    )


def _anniversary_rows(first_year: int, last_year: int) -> list[dict]:
    """The generated anniversary rows as file-text dicts."""
    rows = []
    for a in ANNIVERSARIES:
        start = max(first_year, a.first_year)
        stop = min(last_year, a.last_year or last_year)
        for year in range(start, stop + 1):
            rows.append(
                {
                    "event_id": f"{year}-{a.month:02d}-{a.day:02d}-{a.slug}",
                    "category": "political_calendar",
                    "subcategory": "anniversary",
                    "actor": "DPRK",
                    "title": a.title,
                    "start_date": f"{year}-{a.month:02d}-{a.day:02d}",
                    "end_date": "",
                    "date_precision": "day",
                    "timezone": "Asia/Pyongyang",
                    "time_local": "",
                    "source_url": a.source_url,
                    "source_kind": a.source_kind,
                    "source_note": a.source_note,
                    "notes": "generated from a rule in dprk_launches.events.ANNIVERSARIES",
                    "responds_to": "",
                    "threat_level": "",
                    "anticipates": "",
                }
            )
    return rows


def catalogue_files(folder: Path | None = None) -> list[Path]:
    """The committed catalogue CSVs, one per category, sorted by name."""
    folder = folder or config.EVENTS_DIR
    return sorted(p for p in folder.glob("*.csv") if not p.name.startswith(("_", ".")))


def _raw_catalogue(include_generated: bool, skip: tuple[Path, ...] = ()) -> list[dict]:
    """Our committed catalogue files as raw text rows (minus `skip`), plus the generated anniversaries."""
    skipped = {p.resolve() for p in skip}
    gathered = _gather([p for p in catalogue_files() if p.resolve() not in skipped], True)
    _raise_first(gathered.file_errors)
    if gathered.rejected:
        first = gathered.rejected[0]
        raise DataError(first.file, first.reason, row=first.row, column=first.column)
    rows = list(gathered.rows)
    if include_generated:
        generated = _anniversary_rows(*ANNIVERSARY_YEARS)
        for number, row in enumerate(generated, 1):
            row["file"], row["row"] = "generated:anniversaries", number
        rows.extend(generated)
    return rows
