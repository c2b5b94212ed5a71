"""Records: the launch series and every table under it (sources, readers, our supplement, schemas, caches).

May import `config` only; nothing here knows about events, analysis, reports or questions.
"""
