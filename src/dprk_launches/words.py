"""Words for counts in prose, shared by every page and command: '1 event', '3 events'."""

from __future__ import annotations


def plural(n: int, word: str) -> str:
    """'1 day' / '3 days'."""
    return f"{n} {word}" if n == 1 else f"{n} {word}s"
