"""Reading a test's warehouse (``tmp_path / "w.duckdb"``), shared by the ingest test files."""

from __future__ import annotations

from pathlib import Path

import duckdb


def table(tmp_path: Path, sql: str) -> list[tuple[object, ...]]:
    """The rows ``sql`` returns from the test's warehouse, opened read-only."""
    con = duckdb.connect(str(tmp_path / "w.duckdb"), read_only=True)
    try:
        return con.execute(sql).fetchall()
    finally:
        con.close()


def nothing_loaded(tmp_path: Path) -> bool:
    """No post and no ingest was written (a refused file leaves the warehouse as it was)."""
    return table(tmp_path, "SELECT (SELECT count(*) FROM posts) + (SELECT count(*) FROM ingests)") == [(0,)]
