"""Rules for a row's source: a usable URL, the host blocklist, and which source_kind each host allows."""

from __future__ import annotations

import re
from urllib.parse import urlsplit

from . import schemas


def url_problem(url: str) -> str | None:
    """Why a source_url is not a usable http(s) URL, or None."""
    if not re.match(r"^https?://\S+$", url):
        return "not an http(s) URL"
    try:
        host = urlsplit(url).hostname
    except ValueError:
        host = None
    if not host:
        return "the URL has no host"
    return None


def source_policy_problem(url: str) -> str | None:
    """Why `events check` refuses a source host (blocklist, trailing dot), or None."""
    host = (urlsplit(url).hostname or "").lower()
    if host.endswith("."):
        return f"host '{host}' ends with a dot; write '{host.rstrip('.')}'"
    for blocked in schemas.BLOCKED_HOSTS:
        if host == blocked or host.endswith("." + blocked):
            return (
                f"host '{host}' is on the blocklist of personal blogs and scraper mirrors "
                f"({blocked}); cite a primary or wire source"
            )
    return None


def host_of(url: str) -> str:
    """The lower-case host of a URL without a leading 'www.' ('' when it has none)."""
    try:
        host = (urlsplit(url).hostname or "").lower()
    except ValueError:
        return ""
    return host.removeprefix("www.")


def host_kinds(url: str) -> tuple[str, tuple[str, ...]]:
    """(rule, kinds): the host rule matching a source URL and the source_kind values it allows."""
    host = host_of(url)
    for known, kinds in schemas.HOST_KINDS.items():
        if host == known or host.endswith("." + known):
            return known, kinds
    for suffix in schemas.PRIMARY_SUFFIXES:
        if host.endswith(suffix):
            return f"*{suffix}", ("primary", "secondary")
    return "press (any other host)", schemas.PRESS_KINDS


def host_kind_problem(url: str, kind: str) -> str | None:
    """Why a declared source_kind does not fit its host's rule (schemas.HOST_KINDS), or None."""
    if kind not in schemas.SOURCE_KINDS:
        return None
    rule, allowed = host_kinds(url)
    if kind in allowed:
        return None
    return (
        f"source_kind '{kind}' does not fit host '{host_of(url)}' (rule {rule}: "
        f"{' or '.join(allowed)}); cite the acting body's release for 'primary', a news agency "
        "for 'wire'"
    )
