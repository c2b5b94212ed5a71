"""Reports: the HTML pages (specs, the runner, the index, the notebooks' kit, plots, verdict words).

May import records, events, analysis and the top-level modules; questions import from here, never back.
"""
