"""Reports: the HTML pages (specs, the runner, the index, the notebooks' kit, plots, verdict words).

May import records, events, analysis and the top-level modules; questions import from here, never back.
"""

import sys

# jsonschema (under nbformat) imports rfc3987_syntax, which builds ~38 Earley parsers at import
# (2-3 s on 2 cores; python-jsonschema/jsonschema#1428) for the two "iri" formats that no notebook
# schema uses. Marked absent before nbformat loads, jsonschema skips those two format checks.
sys.modules.setdefault("rfc3987_syntax", None)  # type: ignore[arg-type]
