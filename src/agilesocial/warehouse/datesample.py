"""Which date/time formats a file actually uses, from a sample of its first rows.

``try_strptime`` with a list of formats tries them in order, and every failed attempt costs about a microsecond a
row: a YouTube ``Date`` (9th in the built-in list, behind the zoned formats too) spent over a minute per million
rows failing. Trying the formats a sample matched first makes the common row parse at the first attempt; the other
formats stay behind them, so a row in an unusual format still parses.
"""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

from agilesocial.warehouse import monthdates as md
from agilesocial.warehouse import sqlexpr as sx

if TYPE_CHECKING:
    import duckdb

SAMPLE_ROWS = 1000


def seen_formats(
    con: duckdb.DuckDBPyConnection,
    source: str,
    source_params: dict[str, Any],
    candidates: dict[int, list[str]],
    year: int | None = None,
) -> dict[int, frozenset[str]]:
    """Per column position: the candidate formats that parse at least one of the first :data:`SAMPLE_ROWS` cells.

    ``source`` is the file's ``read_csv`` (columns ``c0``, ``c1``...). A sample that cannot be read (the full read
    reports why, with a row number) gives no preference. Two pseudo-formats say what else the sample held:
    :data:`~.monthdates.MONTH_NAMES` (dates with a month name, e.g. ``8 de marzo``; they are parsed after a rewrite to
    ``YYYY-MM-DD``, sampled here in the leap year 2000) and :data:`~.monthdates.YEARLESS` (such dates without a year).
    ``year`` is accepted for callers that still pass ``--year``; the sample does not need it.
    """
    if not candidates:
        return {}
    params = sx.Params()
    counts: list[str] = []
    index: list[tuple[int, str]] = []
    for pos, formats in candidates.items():
        v = f"c{pos}"
        parts = md.parts(v, params)
        counts += [f"count({parts})", f"count(({parts}).m) FILTER (WHERE ({parts}).y IS NULL)"]
        index += [(pos, md.MONTH_NAMES), (pos, md.YEARLESS)]
        text = sx.date_text(v, params, 2000, frozenset({md.MONTH_NAMES}))
        for fmt in formats:
            counts.append(f"count(try_strptime({text}, {params.add(fmt)}))")
            index.append((pos, fmt))
    sql = f"SELECT {', '.join(counts)} FROM (SELECT * FROM {source} LIMIT {SAMPLE_ROWS})"
    try:
        row = con.execute(sql, {**params.values, **source_params}).fetchone()
    except Exception:  # duckdb.Error: malformed CSV; the stage's own read reports it properly
        return {}
    seen: dict[int, set[str]] = {pos: set() for pos in candidates}
    for (pos, fmt), n in zip(index, row or (), strict=False):
        if n:
            seen[pos].add(fmt)
    return {pos: frozenset(found) for pos, found in seen.items()}
