"""The ``results`` table: one row per experiment x variant x metric per analysis run (columns named, never by place)."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    import duckdb

RESULT_COLUMNS: tuple[str, ...] = (
    "run_at",
    "experiment_id",
    "sprint_id",
    "metric",
    "variant",
    "is_guardrail",
    "method",
    "n_control",
    "n_variant",
    "control_value",
    "variant_value",
    "abs_lift",
    "abs_ci_lower",
    "abs_ci_upper",
    "rel_lift",
    "rel_ci_lower",
    "rel_ci_upper",
    "p_value",
    "p_adjusted",
    "significant",
    "chance_to_beat",
    "decision",
    "decision_reason",
)


INSERT_BATCH = 500  # rows per INSERT statement


def insert_rows(
    con: duckdb.DuckDBPyConnection, table: str, columns: tuple[str, ...], rows: Iterable[Mapping[str, Any]]
) -> int:
    """Append ``rows`` (each a mapping of column name to value; absent columns are NULL) to one of our own tables
    (``table`` and ``columns`` are ours, never user data); returns how many."""
    rows = list(rows)
    unknown = {k for row in rows for k in row} - set(columns)
    if unknown:
        raise ValueError(f"not columns of {table}: {', '.join(sorted(unknown))}")
    cols = ", ".join(f'"{c}"' for c in columns)
    marks = "(" + ", ".join("?" for _ in columns) + ")"
    for start in range(0, len(rows), INSERT_BATCH):  # one statement (and one commit) per batch, not per row
        batch = rows[start : start + INSERT_BATCH]
        values = ", ".join(marks for _ in batch)
        con.execute(f'INSERT INTO "{table}" ({cols}) VALUES {values}', [r.get(c) for r in batch for c in columns])
    return len(rows)


def insert_results(con: duckdb.DuckDBPyConnection, rows: Iterable[Mapping[str, Any]]) -> int:
    """Append ``rows`` (each a mapping of column name to value; absent columns are NULL); returns how many."""
    return insert_rows(con, "results", RESULT_COLUMNS, rows)


@dataclass(frozen=True)
class StoredDecision:
    """The latest decision stored for one experiment."""

    experiment_id: str
    decision: str | None
    reason: str | None
    run_at: dt.datetime


def latest_decisions(con: duckdb.DuckDBPyConnection) -> dict[str, StoredDecision]:
    """The latest stored decision per experiment, by experiment id."""
    rows = con.execute(
        """
        SELECT experiment_id, decision, decision_reason AS reason, run_at FROM results
        QUALIFY row_number() OVER (PARTITION BY experiment_id ORDER BY run_at DESC) = 1
        """
    )
    names = [d[0] for d in rows.description]
    out = {}
    for values in rows.fetchall():
        record = StoredDecision(**dict(zip(names, values, strict=True)))
        out[record.experiment_id] = record
    return out
