"""Retro history: each retro run stores its JSON snapshot; later retros read the trend across sprints from them."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING

from agilesocial.retro.model import SCHEMA_VERSION, Retro, TrendPoint, trend_point_from_dict

if TYPE_CHECKING:
    import duckdb


def store_snapshot(con: duckdb.DuckDBPyConnection, retro: Retro) -> None:
    """Append ``retro.to_dict()`` to ``retro_snapshots``."""
    con.execute(
        "INSERT INTO retro_snapshots (run_at, sprint_id, schema_version, payload) VALUES (?, ?, ?, ?)",
        [retro.generated_at, retro.sprint, SCHEMA_VERSION, json.dumps(retro.to_dict())],
    )


def previous_sprints(con: duckdb.DuckDBPyConnection, *, sprint: str, start: dt.date) -> list[TrendPoint]:
    """The latest stored snapshot of every other sprint that started no later than ``start``, oldest first."""
    rows = con.execute(
        """
        SELECT payload FROM retro_snapshots
        WHERE schema_version = ? AND sprint_id <> ?
        QUALIFY row_number() OVER (PARTITION BY sprint_id ORDER BY run_at DESC) = 1
        """,
        [SCHEMA_VERSION, sprint],
    ).fetchall()
    points = [trend_point_from_dict(json.loads(r[0])) for r in rows]
    return sorted((p for p in points if p.start <= start), key=lambda p: (p.start, p.sprint))


def snapshot_count(con: duckdb.DuckDBPyConnection, sprint: str | None = None) -> int:
    """How many snapshots are stored (for one sprint, or in all)."""
    if sprint is None:
        row = con.execute("SELECT count(*) FROM retro_snapshots").fetchone()
    else:
        row = con.execute("SELECT count(*) FROM retro_snapshots WHERE sprint_id = ?", [sprint]).fetchone()
    return int(row[0]) if row else 0
