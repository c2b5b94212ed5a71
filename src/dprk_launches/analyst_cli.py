"""The analyst's commands: `claim` (check a retaliation claim) and `study` (your own events)."""

from __future__ import annotations

import argparse


def register(sub: argparse._SubParsersAction) -> None:
    """Add the `claim` and `study` sub-commands to the CLI."""
