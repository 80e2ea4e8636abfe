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
    reports why, with a row number) gives no preference. Pseudo-formats say what else the sample held:
    :data:`~.monthdates.MONTH_NAMES` (dates with a month name), :data:`~.monthdates.YEARLESS` (such dates without a
    year) and :data:`~.monthdates.REWRITE` (month-name dates the formats cannot read, ``8 de marzo``, ``November 2``:
    the column is rewritten to ``YYYY-MM-DD`` first, sampled here in the leap year 2000). English dates with a year
    (``Sep 27, 2026``) parse as they are: the rewrite costs ~2 s per million cells, so only columns that need it pay.
    ``year`` is accepted for callers that still pass ``--year``; the sample does not need it.
    """
    if not candidates:
        return {}
    sample = f"(SELECT * FROM {source} LIMIT {SAMPLE_ROWS})"
    params = sx.Params()
    counts: list[str] = []
    index: list[tuple[int, str]] = []
    for pos, formats in candidates.items():
        v = f"c{pos}"
        parts = md.parts(v, params)
        unread = f"try_strptime(trim({v}), {params.add(formats)}) IS NULL" if formats else "true"
        counts += [
            f"count({parts})",
            f"count(({parts}).m) FILTER (WHERE ({parts}).y IS NULL)",
            f"count(({parts}).m) FILTER (WHERE {unread})",
        ]
        index += [(pos, md.MONTH_NAMES), (pos, md.YEARLESS), (pos, md.REWRITE)]
    found = _counts(con, f"SELECT {', '.join(counts)} FROM {sample}", {**params.values, **source_params}, index)
    if found is None:
        return {}
    params = sx.Params()
    counts, index = [], []
    for pos, formats in candidates.items():
        text = sx.date_text(f"c{pos}", params, 2000, frozenset(found[pos]))
        for fmt in formats:
            counts.append(f"count(try_strptime({text}, {params.add(fmt)}))")
            index.append((pos, fmt))
    more = _counts(con, f"SELECT {', '.join(counts)} FROM {sample}", {**params.values, **source_params}, index)
    return {pos: frozenset(found[pos] | (more or {}).get(pos, set())) for pos in candidates}


def _counts(
    con: duckdb.DuckDBPyConnection, sql: str, params: dict[str, Any], index: list[tuple[int, str]]
) -> dict[int, set[str]] | None:
    """Per position, the labels of ``index`` whose count in the one-row result is not zero (None: unreadable)."""
    try:
        row = con.execute(sql, params).fetchone()
    except Exception:  # duckdb.Error: malformed CSV; the stage's own read reports it properly
        return None
    seen: dict[int, set[str]] = {pos: set() for pos, _ in index}
    for (pos, label), n in zip(index, row or (), strict=False):
        if n:
            seen[pos].add(label)
    return seen
