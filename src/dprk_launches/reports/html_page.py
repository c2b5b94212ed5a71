"""The head every page the reports build writes itself (index, glossary): doctype to <body>, no script."""

from __future__ import annotations

import html

FONT = 'system-ui, -apple-system, "Segoe UI", Roboto, Arial, sans-serif'


def head(title: str, width_rem: int, css: str = "", line_height: float | None = None) -> str:
    """'<!DOCTYPE html> ... <body>' with the house font, a centred column and the page's own CSS."""
    spacing = f" line-height: {line_height:g};" if line_height else ""
    return f"""<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8" />
<meta name="viewport" content="width=device-width, initial-scale=1.0">
<title>{html.escape(title)}</title>
<style>
body {{ font-family: {FONT}; max-width: {width_rem}rem; margin: 0 auto; padding: 2rem 1rem; color: #1d2733;{spacing} }}
{css}</style>
</head>
<body>
"""
