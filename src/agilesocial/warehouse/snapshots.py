"""The ``retro_snapshots`` table: one JSON retrospective per retro run, read back for the trend across sprints."""

from __future__ import annotations

import datetime as dt
import json
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb


def insert_snapshot(
    con: duckdb.DuckDBPyConnection, *, run_at: dt.datetime, sprint_id: str, schema_version: int, payload: dict[str, Any]
) -> None:
    """Append one snapshot."""
    con.execute(
        "INSERT INTO retro_snapshots (run_at, sprint_id, schema_version, payload) VALUES (?, ?, ?, ?)",
        [run_at, sprint_id, schema_version, json.dumps(payload)],
    )


def latest_snapshots(
    con: duckdb.DuckDBPyConnection, *, schema_version: int, except_sprint: str | None = None
) -> list[dict[str, Any]]:
    """The payload of the latest snapshot of every sprint (but ``except_sprint``) stored with ``schema_version`` or an
    earlier one (the trend reads only headline fields every version carries)."""
    rows = con.execute(
        """
        SELECT payload FROM retro_snapshots
        WHERE schema_version <= $version AND sprint_id IS DISTINCT FROM $except
        QUALIFY row_number() OVER (PARTITION BY sprint_id ORDER BY run_at DESC) = 1
        """,
        {"version": schema_version, "except": except_sprint},
    ).fetchall()
    return [json.loads(payload) for (payload,) in rows]


def snapshot_count(con: duckdb.DuckDBPyConnection, sprint: str | None = None) -> int:
    """How many snapshots are stored (for one sprint, or in all)."""
    row = con.execute(
        "SELECT count(*) FROM retro_snapshots WHERE $sprint IS NULL OR sprint_id = $sprint", {"sprint": sprint}
    ).fetchone()
    return int(row[0]) if row else 0
