"""Retro history: each retro run stores its JSON snapshot; later retros read the trend across sprints from them."""

from __future__ import annotations

import datetime as dt
from typing import TYPE_CHECKING

from agilesocial.retro.model import SCHEMA_VERSION, Retro, TrendPoint, trend_point_from_dict

if TYPE_CHECKING:
    import duckdb


def store_snapshot(con: duckdb.DuckDBPyConnection, retro: Retro) -> None:
    """Append ``retro.to_dict()`` to the warehouse's ``retro_snapshots``."""
    from agilesocial.warehouse.snapshots import insert_snapshot

    insert_snapshot(
        con, run_at=retro.generated_at, sprint_id=retro.sprint, schema_version=SCHEMA_VERSION, payload=retro.to_dict()
    )


def previous_sprints(con: duckdb.DuckDBPyConnection, *, sprint: str, start: dt.date) -> list[TrendPoint]:
    """The latest stored snapshot of every other sprint that started no later than ``start``, oldest first."""
    from agilesocial.warehouse.snapshots import latest_snapshots

    payloads = latest_snapshots(con, schema_version=SCHEMA_VERSION, except_sprint=sprint)
    points = [trend_point_from_dict(p) for p in payloads]
    return sorted((p for p in points if p.start <= start), key=lambda p: (p.start, p.sprint))
