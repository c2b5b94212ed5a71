"""A claim's inputs read and checked: dates, zone and time on the Pyongyang clock, its window in the data."""

from __future__ import annotations

import datetime as dt
import re
from functools import cache
from zoneinfo import ZoneInfo, available_timezones

import numpy as np
import pandas as pd

from ... import config, events, series
from ...records import launches
from ...records import supplement as launch_supplement

PRE_DAYS = 30
MAX_WITHIN = 365
TIME_RE = re.compile(r"^([01]?\d|2[0-3]):[0-5]\d$")


class ClaimError(ValueError):
    """An unusable claim input; the message says what to fix, in one line."""


def parse_date(text: str, flag: str) -> dt.date:
    """An ISO date from the command line, or a ClaimError naming the flag."""
    try:
        if not re.fullmatch(r"\d{4}-\d{2}-\d{2}", text.strip()):
            raise ValueError
        return dt.date.fromisoformat(text.strip())
    except ValueError:
        raise ClaimError(f"{flag} {text!r} is not a calendar date YYYY-MM-DD") from None


def parse_zone(name: str, flag: str = "--event-tz") -> ZoneInfo:
    """An IANA time zone, or a ClaimError with examples."""
    if name not in _zones():
        raise ClaimError(
            f"{flag} {name!r} is not an IANA time zone; use e.g. America/New_York, Asia/Seoul, "
            "Europe/London, Asia/Pyongyang"
        )
    return ZoneInfo(name)


@cache
def _zones() -> frozenset[str]:
    """Every IANA zone name this machine knows."""
    return frozenset(available_timezones())


def parse_time(text: str | None) -> dt.time:
    """HH:MM (24 h) or, when absent, local noon as the catalogue assumes."""
    if not text:
        return events.DEFAULT_TIME
    if not TIME_RE.match(text.strip()):
        raise ClaimError(f"--event-time {text!r} is not a time HH:MM (24 h), e.g. 16:00")
    hours, minutes = text.strip().split(":")
    return dt.time(int(hours), int(minutes))


def pyongyang_day(date: dt.date, time: dt.time, zone: ZoneInfo) -> pd.Timestamp:
    """The Pyongyang calendar day of a local date and time in `zone`."""
    moment = dt.datetime.combine(date, time, tzinfo=zone)
    return pd.Timestamp(moment.astimezone(config.PYONGYANG).date())


def check_window(
    event_local: pd.Timestamp, within: int, start: pd.Timestamp, end: pd.Timestamp
) -> None:
    """The event needs PRE_DAYS of history and its whole window inside the launch data."""
    first_ok = start + pd.Timedelta(days=PRE_DAYS)
    if event_local < first_ok:
        raise ClaimError(
            f"the event falls on {event_local:%Y-%m-%d} on the Pyongyang clock, but the launch data "
            f"start on {start:%Y-%m-%d}; give an event date from {first_ok:%Y-%m-%d} on"
        )
    if event_local >= end:
        raise ClaimError(
            f"the event falls on {event_local:%Y-%m-%d} on the Pyongyang clock, after the launch data "
            f"end ({end:%Y-%m-%d}); give an earlier --event-date (or update the data)"
        )
    last = event_local + pd.Timedelta(days=within)
    if last > end:
        room = (end - event_local).days
        raise ClaimError(
            f"the window of {within} days after {event_local:%Y-%m-%d} runs to {last:%Y-%m-%d}, past "
            f"the end of the launch data ({end:%Y-%m-%d}); use --within {room} or less"
        )


def check_before(event_local: pd.Timestamp, within: int, start: pd.Timestamp) -> None:
    """The reverse question needs PRE_DAYS of history before the window of `within` days before the event."""
    first_ok = start + pd.Timedelta(days=PRE_DAYS + within + 1)
    if event_local < first_ok:
        raise ClaimError(
            f"the {within} days before the event ({event_local:%Y-%m-%d}, Pyongyang clock) need "
            f"{PRE_DAYS} days of launch history before them, and the data start on {start:%Y-%m-%d}; "
            f"give an event from {first_ok:%Y-%m-%d} on"
        )
    for name, first, _ in series.ERAS[1:]:
        begins = pd.Timestamp(first)
        if event_local - pd.Timedelta(days=within) <= begins <= event_local:
            raise ClaimError(
                f"the {within} days before the event run into a new era ({name}, from "
                f"{begins:%Y-%m-%d}) that the launches before them cannot forecast; use a shorter "
                "--within"
            )


def check_era(event_local: pd.Timestamp, within: int) -> None:
    """The window must not run into an era (series.ERAS) that begins after the event: no history forecasts it."""
    for name, first, _ in series.ERAS[1:]:
        begins = pd.Timestamp(first)
        if event_local < begins <= event_local + pd.Timedelta(days=within):
            room = (begins - event_local).days - 1
            fix = (
                f"use --within {room} or less"
                if room >= 1
                else "no window after this event can be checked"
            )
            raise ClaimError(
                f"the window runs into a new era ({name}, from {begins:%Y-%m-%d}) that the launches "
                f"before the event cannot forecast; {fix}"
            )


def nearest_days(named: pd.Timestamp, launch_days: pd.DatetimeIndex) -> str:
    """The two launch days nearest a date, 'D1 or D2'."""
    near = launch_days[np.argsort(np.abs((launch_days - named).days), kind="stable")[:2]]
    return " or ".join(f"{d:%Y-%m-%d}" for d in sorted(near))


def named_launch(
    launch_date: str,
    event_local: pd.Timestamp,
    launch_days: pd.DatetimeIndex,
    end: pd.Timestamp,
    series: str = "the CNS/NTI data",
) -> pd.Timestamp:
    """The named launch as a launch day of our data, before or after the event; else a ClaimError."""
    named = pd.Timestamp(parse_date(launch_date, "--launch-date"))
    if named > end or named < launch_days[0]:
        raise ClaimError(
            f"--launch-date {named:%Y-%m-%d} is outside the launch data ({launch_days[0]:%Y-%m-%d} "
            f"to {end:%Y-%m-%d}); name a launch inside it"
        )
    if named not in launch_days:
        raise ClaimError(
            f"no launch on {named:%Y-%m-%d} (Pyongyang clock) in {series}; the nearest launch "
            f"days are {nearest_days(named, launch_days)}: give one of those as --launch-date"
        )
    if named == event_local:
        raise ClaimError(
            f"the launch ({named:%Y-%m-%d}) falls on the event's own Pyongyang day: launch days are "
            "dated by day, so which came first cannot be told; name a launch on another day"
        )
    return named


def resolve_within(
    within: int | None, named: pd.Timestamp | None, event_local: pd.Timestamp, default: int
) -> int:
    """The window length: as given, else up to the named launch (before or after), else the default."""
    gap = abs((named - event_local).days) if named is not None else None
    if within is None:
        within = gap if gap is not None else default
    if not 1 <= within <= MAX_WITHIN:
        raise ClaimError(f"--within {within} must be a whole number of days from 1 to {MAX_WITHIN}")
    if gap is not None and gap > within:
        side = "after" if named > event_local else "before"
        raise ClaimError(
            f"--within {within} does not reach the named launch ({gap} days {side} the event); "
            "drop --within or make it larger"
        )
    return within


def check_kinds(kinds: tuple[str, ...] | list[str]) -> tuple[str, ...]:
    """Launch kinds validated for a claim or study (a ClaimError naming the allowed ones)."""
    try:
        return launch_supplement.check_kinds(kinds)
    except ValueError as exc:
        raise ClaimError(str(exc)) from None


def launch_sources(days: pd.DataFrame, dates: list[pd.Timestamp]) -> dict[str, str]:
    """Where each of these launch days comes from when not CNS/NTI: 'cruise, CSIS: <label>'."""
    added = days.attrs.get("added", {})
    out = {}
    for day in dates:
        if (key := f"{day:%Y-%m-%d}") in added:
            a = added[key]
            where = "our launch supplement" if a["source"] == "supplement" else "CSIS"
            out[key] = f"{a['kinds'].replace(';', ' and ')}, {where}: {a['description']}"
    return out


def unknown_launch(
    exc: ClaimError, launch_date: str, kinds: tuple[str, ...], launch_days: pd.DatetimeIndex
) -> ClaimError:
    """The named launch is no launch day of the series: say what the day is where a source knows it."""
    outside, missing = "outside the launch data" in str(exc), str(exc).startswith("no launch on")
    if not (outside or missing):  # e.g. the launch falls on the event's own day
        return exc
    day = pd.Timestamp(parse_date(launch_date, "--launch-date"))
    known = launches.describe_launch_day(day, kinds=kinds)
    if known is None:
        return exc
    if outside:
        return ClaimError(f"{exc} ({known})")
    return ClaimError(
        f"{known}; or name a launch day of the series: the nearest are "
        f"{nearest_days(day, launch_days)}"
    )
